"""Reminders of approvals waiting too long: the hourly job (one per level per day), the fresh link
in the email, and "Ingatkan sekarang" on the page and in the API (submitter or admin, once an hour)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone
from freezegun import freeze_time

from tests.api import Api, assert_problem, make_token
from tests.approvals.conftest import term
from tests.conftest import login_client
from warta.approvals import services
from warta.approvals.models import ApprovalChain, ApprovalLink, ApprovalRequest
from warta.core.models import AuditEvent
from warta.core.periodic import periodic_jobs
from warta.notifications.models import Notification

State = ApprovalRequest.State
START = "2026-11-02 02:00:00"  # 09:00 WIB, a Monday


@pytest.fixture(autouse=True)
def _urls_loaded():
    """Load the URLconf (and the API schemas with it) before any clock is frozen: pydantic
    cannot build a schema for freezegun's datetime."""
    get_resolver().url_patterns  # noqa: B018


def _submit(tree, editor, subject, capture, levels=("approver",)):
    ApprovalChain.objects.update_or_create(unit=tree.kab, content_kind="uji", defaults={"levels": list(levels)})
    with capture(execute=True):
        return services.approval_submit(actor=editor, subject=subject)


def _remind_job(capture) -> int:
    with capture(execute=True):
        return services.reminders_send()


def _reminders_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email] and "Pengingat" in m.subject]


def _link_in(message) -> str:
    return re.search(r"(/persetujuan/tautan/[\w-]+/)", message.body)[1]


def test_the_job_is_registered():
    job = next(j for j in periodic_jobs() if j.name == "approvals.remind")
    assert job.every == timedelta(hours=1)


def test_job_reminds_the_deciders_once_a_day_with_a_fresh_link(tree, editor, approver, viewer, editor2, subject,
                                                                recorder, django_capture_on_commit_callbacks):
    with freeze_time(START) as clock:
        request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
        first_link = ApprovalLink.objects.get(user=approver)
        mail.outbox.clear()
        clock.tick(timedelta(hours=23, minutes=59))
        assert _remind_job(django_capture_on_commit_callbacks) == 0  # not waiting long enough yet
        assert mail.outbox == []
        clock.tick(timedelta(minutes=2))
        assert _remind_job(django_capture_on_commit_callbacks) == 1
        # Only the decider of the level: not the submitter, another editor, nor the viewer.
        assert [m.to for m in mail.outbox] == [[approver.email]]
        message = mail.outbox[0]
        assert message.subject.startswith("[Warta] Pengingat")
        assert "02-11-2026 09:00 WIB" in message.body  # waiting since
        assert set(Notification.objects.filter(kind="approval-reminder").values_list("user__email", flat=True)) == {
            approver.email}
        request.refresh_from_db()
        assert (request.reminded_at, request.reminded_level) == (timezone.now(), 1)
        event = AuditEvent.objects.get(action="approval.remind")
        assert event.actor_id is None
        assert event.changes["users"] == [approver.email]
        assert event.changes["manual"] is False
        # Hourly ticks the same day (and twice in one tick) remind no one again.
        for _hour in range(23):
            clock.tick(timedelta(hours=1))
            assert _remind_job(django_capture_on_commit_callbacks) == 0
        assert len(_reminders_to(approver)) == 1
        clock.tick(timedelta(hours=1, minutes=1))
        assert _remind_job(django_capture_on_commit_callbacks) == 1
        assert len(_reminders_to(approver)) == 2
        assert _remind_job(django_capture_on_commit_callbacks) == 0
        # Each reminder made a new link; the first link stays valid until it expires (ADR 0020).
        assert ApprovalLink.objects.filter(user=approver, request=request, level=1).count() == 3
        first_link.refresh_from_db()
        assert first_link.used_at is None
        # The reminder's link decides, as the approver.
        url = _link_in(_reminders_to(approver)[-1])
        client = Client()
        assert client.get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(url, {"decision": "approve"})
        assert done.status_code == 200, done.content[:500]
    request.refresh_from_db()
    assert request.state == State.APPROVED
    assert request.decisions.get().user_id == approver.pk


def test_threshold_comes_from_the_setting_and_each_level_is_reminded(
        settings, tree, editor, approver, approver2, subject, recorder, django_capture_on_commit_callbacks):
    settings.WARTA_APPROVAL_REMIND_AFTER_HOURS = 2
    with freeze_time(START) as clock:
        request = _submit(tree, editor, subject, django_capture_on_commit_callbacks, levels=("approver", "approver"))
        mail.outbox.clear()
        clock.tick(timedelta(hours=1))
        assert _remind_job(django_capture_on_commit_callbacks) == 0
        clock.tick(timedelta(hours=1, minutes=1))
        assert _remind_job(django_capture_on_commit_callbacks) == 1
        assert sorted(m.to[0] for m in mail.outbox) == sorted([approver.email, approver2.email])
        with django_capture_on_commit_callbacks(execute=True):
            services.approval_decide(actor=approver, request=request, decision="approve")
        mail.outbox.clear()
        # Level 2 waits from the decision, and is a new level: reminded the same day.
        clock.tick(timedelta(hours=1))
        assert _remind_job(django_capture_on_commit_callbacks) == 0
        clock.tick(timedelta(hours=1, minutes=1))
        assert _remind_job(django_capture_on_commit_callbacks) == 1
        assert [m.to for m in mail.outbox] == [[approver2.email]]  # approver decided level 1
        request.refresh_from_db()
        assert request.reminded_level == 2


def test_decided_and_superseded_requests_are_never_reminded(tree, editor, approver, subject, recorder,
                                                            django_capture_on_commit_callbacks):
    with freeze_time(START) as clock:
        approved = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.approval_decide(actor=approver, request=approved, decision="approve")
        other = term(tree.kab, "jalan rusak")
        superseded = _submit(tree, editor, other, django_capture_on_commit_callbacks)
        services.approval_supersede(subject=other, actor=editor)
        third = term(tree.kab, "lampu jalan")
        changes = _submit(tree, editor, third, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            services.approval_decide(actor=approver, request=changes, decision="changes_requested", comment="Ubah")
        mail.outbox.clear()
        clock.tick(timedelta(days=3))
        assert _remind_job(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="approval.remind").exists()
    for row in (approved, superseded, changes):
        row.refresh_from_db()
        assert row.reminded_at is None


def test_a_link_sent_before_the_request_closed_is_not_mailed(tree, editor, approver, subject, recorder,
                                                             django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    services.approval_supersede(subject=subject, actor=editor)
    assert services.approval_links_send(request_id=request.pk, level=1, user_ids=[approver.pk], reminder=True) == 0
    assert mail.outbox == []


# --- "Ingatkan sekarang" on the page -----------------------------------------------------------


def _remind_url(tree, request):
    return reverse("approvals:remind", args=[tree.kab.uuid, request.uuid])


def test_submitter_reminds_now_once_an_hour(client, tree, editor, approver, subject, recorder,
                                            django_capture_on_commit_callbacks):
    with freeze_time(START) as clock:
        request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
        mail.outbox.clear()
        login_client(client, editor)
        detail = client.get(reverse("approvals:detail", args=[tree.kab.uuid, request.uuid]))
        assert 'data-testid="remind-form"' in detail.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(_remind_url(tree, request), follow=True)
        assert done.status_code == 200
        assert "Pengingat dikirim ke 1 penyetuju tingkat 1." in done.content.decode()
        assert [m.to for m in mail.outbox] == [[approver.email]]
        event = AuditEvent.objects.get(action="approval.remind")
        assert (event.actor_id, event.changes["manual"]) == (editor.pk, True)
        # Again within the hour: a clear message, nothing sent, nothing stored.
        clock.tick(timedelta(minutes=59))
        with django_capture_on_commit_callbacks(execute=True):
            soon = client.post(_remind_url(tree, request), follow=True)
        body = soon.content.decode()
        assert "Pengingat terakhir dikirim pada 02-11-2026 09:00 WIB" in body
        assert "mulai 02-11-2026 10:00 WIB" in body
        assert len(mail.outbox) == 1
        assert AuditEvent.objects.filter(action="approval.remind").count() == 1
        request.refresh_from_db()
        assert request.reminded_at == timezone.now() - timedelta(minutes=59)
        clock.tick(timedelta(minutes=2))
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_remind_url(tree, request))
        assert len(mail.outbox) == 2
        # The job does not remind the same level again that day.
        clock.tick(timedelta(hours=23))
        assert _remind_job(django_capture_on_commit_callbacks) == 0


def test_admin_of_the_unit_may_remind(admin_client, tree, editor, approver, subject, recorder,
                                      django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(_remind_url(tree, request)).status_code == 302
    # The admin is a decider of an approver level too, so both are reminded.
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@bogorkab.go.id", approver.email]


def test_remind_now_permissions(client, tree, editor, editor2, approver, viewer, sibling, subject, recorder,
                                django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    url = _remind_url(tree, request)
    login_client(client, sibling, sibling.totp)
    assert client.post(url).status_code == 404
    assert client.post(reverse("approvals:remind", args=[tree.kota.uuid, request.uuid])).status_code == 404
    for user in (viewer, editor2, approver):  # neither the submitter nor an admin
        other = Client()
        login_client(other, user)
        assert other.post(url).status_code == 403, user.email
    approver_page = Client()
    login_client(approver_page, approver)
    detail = approver_page.get(reverse("approvals:detail", args=[tree.kab.uuid, request.uuid]))
    assert 'data-testid="remind-form"' not in detail.content.decode()
    submitter = Client()
    login_client(submitter, editor)
    assert submitter.get(url).status_code == 405
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="approval.remind").exists()
    request.refresh_from_db()
    assert request.reminded_at is None


def test_remind_now_on_a_closed_request_changes_nothing(client, tree, editor, approver, subject, recorder,
                                                        django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_decide(actor=approver, request=request, decision="approve")
    mail.outbox.clear()
    login_client(client, editor)
    page = client.post(_remind_url(tree, request), follow=True)
    assert "tidak ada yang perlu diingatkan" in page.content.decode()
    assert 'data-testid="remind-form"' not in page.content.decode()
    assert mail.outbox == []
    request.refresh_from_db()
    assert request.reminded_at is None


def test_remind_now_when_nobody_may_decide(client, tree, editor, subject, recorder,
                                           django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)  # no approver in the unit
    login_client(client, editor)
    page = client.post(_remind_url(tree, request), follow=True)
    assert "Belum ada yang dapat memutuskan tingkat 1" in page.content.decode()
    request.refresh_from_db()
    assert request.reminded_at is None
    assert not AuditEvent.objects.filter(action="approval.remind").exists()


# --- the API -------------------------------------------------------------------------------------


def test_api_remind(client, tree, editor, approver, viewer, sibling, subject, recorder,
                    django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    path = f"/approvals/{request.uuid}/remind"
    assert_problem(Api(client, make_token(sibling, tree.kota)[1]).post(path, {}), 404)
    assert_problem(Api(client, make_token(viewer, tree.kab)[1]).post(path, {}), 403)
    assert_problem(Api(client, make_token(approver, tree.kab)[1]).post(path, {}), 403)
    assert mail.outbox == []
    api = Api(client, make_token(editor, tree.kab)[1])
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(path, {})
    assert done.status_code == 200, done.content[:500]
    assert done.json()["reminded_at"] is not None
    assert [m.to for m in mail.outbox] == [[approver.email]]
    problem = assert_problem(api.post(path, {}), 429)
    assert "Pengingat berikutnya dapat dikirim" in problem["detail"]
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_decide(actor=approver, request=request, decision="approve")
    assert_problem(api.post(path, {}), 409)


@pytest.mark.parametrize("hours", [0.5, 24])
def test_reminders_due_follows_the_threshold(settings, tree, editor, approver, subject, recorder, hours,
                                             django_capture_on_commit_callbacks):
    settings.WARTA_APPROVAL_REMIND_AFTER_HOURS = hours
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    now = request.created_at
    assert list(services.reminders_due(now + timedelta(hours=hours) - timedelta(seconds=1))) == []
    assert list(services.reminders_due(now + timedelta(hours=hours))) == [request]
