"""Exactly-once press deliveries: each row is claimed (queued → sending) before its email goes out,
the outcome is recorded only under the claim, and a row stuck in "sending" past the lease is
uncertain until a person resends it or marks it sent (never resent by itself)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login_client
from tests.factories import make_member
from warta.core.models import AuditEvent
from warta.organisations.roles import Role
from warta.press import outputs, selectors, services
from warta.press.models import SENDING_LEASE, PressDelivery

Delivery = PressDelivery.State


@pytest.fixture
def queued(tree, admin, approved):
    """One queued delivery to Rina (the task not run yet)."""
    contact = services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    dlist = services.list_create(actor=admin, unit=tree.kab, name="Media", contacts=[contact])
    (row,) = services.press_send(actor=admin, release=approved, distribution_list=dlist)  # on_commit not run
    assert row.state == Delivery.QUEUED
    return row


def _stuck(row, minutes=16):
    """A run claimed the row ``minutes`` ago and never recorded an outcome (it died)."""
    PressDelivery.objects.filter(pk=row.pk).update(state=Delivery.SENDING, claim="mati", attempts=1,
                                                   claimed_at=timezone.now() - timedelta(minutes=minutes))
    row.refresh_from_db()
    return row


def test_two_runs_send_one_email(queued, mailoutbox):
    assert services.deliveries_send([queued.pk]) == {"sent": 1, "failed": 0, "skipped": 0}
    assert services.deliveries_send([queued.pk]) == {"sent": 0, "failed": 0, "skipped": 0}
    assert [m.to for m in mailoutbox] == [["rina@radar.id"]]
    queued.refresh_from_db()
    assert (queued.state, queued.attempts, queued.claim) == (Delivery.SENT, 1, "")
    assert queued.sent_at is not None


def test_second_run_finds_the_row_claimed(queued, mailoutbox):
    token = services.delivery_claim(queued)
    assert token
    assert services.delivery_claim(queued) == ""  # the conditional UPDATE matches nothing now
    assert services.deliveries_send([queued.pk]) == {"sent": 0, "failed": 0, "skipped": 0}
    assert mailoutbox == []
    queued.refresh_from_db()
    assert (queued.state, queued.claim, queued.attempts) == (Delivery.SENDING, token, 1)


def test_claim_taken_between_read_and_send(queued, mailoutbox, monkeypatch):
    """The other run claims (and sends) after this run read the row as queued: this run sends nothing."""
    real_pdf = outputs.release_pdf
    other_run, started = [], []

    def pdf_then_other_run(release):
        pdf = real_pdf(release)
        if not started:
            started.append(True)
            other_run.append(services.deliveries_send([queued.pk]))  # the concurrent run, start to end
        return pdf

    monkeypatch.setattr(outputs, "release_pdf", pdf_then_other_run)
    assert services.deliveries_send([queued.pk]) == {"sent": 0, "failed": 0, "skipped": 1}
    assert other_run == [{"sent": 1, "failed": 0, "skipped": 0}]
    assert [m.to for m in mailoutbox] == [["rina@radar.id"]]
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (Delivery.SENT, 1)


def test_the_claim_is_committed_before_the_email_goes_out(queued, monkeypatch, mailoutbox):
    seen = []
    real_send = EmailMessage.send

    def spy(self, fail_silently=False):
        seen.append(PressDelivery.objects.values_list("state", "attempts").get(pk=queued.pk))
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMessage, "send", spy)
    services.deliveries_send([queued.pk])
    assert seen == [(Delivery.SENDING, 1)]


def test_a_late_outcome_does_not_overwrite_a_persons_decision(queued, admin, monkeypatch, mailoutbox):
    """A run that hangs past the lease: the person marks the row sent; the run's late "failed" is dropped."""

    def hang_then_fail(self, fail_silently=False):
        row = PressDelivery.objects.get(pk=queued.pk)
        PressDelivery.objects.filter(pk=row.pk).update(claimed_at=row.claimed_at - SENDING_LEASE)
        services.delivery_mark_sent(actor=admin, delivery=row)
        raise TimeoutError("server surat tidak menjawab")

    monkeypatch.setattr(EmailMessage, "send", hang_then_fail)
    assert services.deliveries_send([queued.pk]) == {"sent": 0, "failed": 0, "skipped": 0}
    queued.refresh_from_db()
    assert (queued.state, queued.error) == (Delivery.SENT, "")


def test_mail_failure_under_the_claim_is_recorded(queued, monkeypatch, mailoutbox):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("ditolak")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    assert services.deliveries_send([queued.pk]) == {"sent": 0, "failed": 1, "skipped": 0}
    queued.refresh_from_db()
    assert queued.state == Delivery.FAILED
    assert "ditolak" in queued.error
    assert queued.claim == ""


def test_stuck_sending_is_uncertain_and_never_resent_by_itself(queued, admin, mailoutbox,
                                                              django_capture_on_commit_callbacks):
    row = _stuck(queued, minutes=14)
    assert not row.is_uncertain()
    assert selectors.delivery_counts(release=row.release)["uncertain"] == 0
    row = _stuck(queued, minutes=16)
    assert row.is_uncertain()
    counts = selectors.delivery_counts(release=row.release)
    assert (counts["sending"], counts["uncertain"]) == (1, 1)
    # Neither the task, nor "retry the failed ones", nor sending the list again touches it.
    assert services.deliveries_send([row.pk]) == {"sent": 0, "failed": 0, "skipped": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_retry(actor=admin, release=row.release) == 0
        assert services.press_send(actor=admin, release=row.release, distribution_list=row.distribution_list) == []
    assert mailoutbox == []
    row.refresh_from_db()
    assert (row.state, row.claim) == (Delivery.SENDING, "mati")


def test_person_resends_an_uncertain_delivery(queued, admin, mailoutbox, django_capture_on_commit_callbacks):
    row = _stuck(queued)
    with django_capture_on_commit_callbacks(execute=True):
        services.delivery_resend(actor=admin, delivery=row)
    assert [m.to for m in mailoutbox] == [["rina@radar.id"]]
    row.refresh_from_db()
    assert (row.state, row.attempts) == (Delivery.SENT, 2)
    event = AuditEvent.objects.get(action="press.delivery_resend")
    assert (event.actor_id, event.changes["email"]) == (admin.pk, "rina@radar.id")
    # Not uncertain any more: a second decision is refused and changes nothing.
    with pytest.raises(ValidationError, match="tidak pasti"):
        services.delivery_resend(actor=admin, delivery=row)
    with pytest.raises(ValidationError, match="tidak pasti"):
        services.delivery_mark_sent(actor=admin, delivery=row)
    assert len(mailoutbox) == 1


def test_person_marks_an_uncertain_delivery_sent(queued, admin, mailoutbox):
    row = _stuck(queued)
    services.delivery_mark_sent(actor=admin, delivery=row)
    row.refresh_from_db()
    assert (row.state, row.sent_at, row.claim) == (Delivery.SENT, row.claimed_at, "")
    assert AuditEvent.objects.filter(action="press.delivery_mark_sent").count() == 1
    assert mailoutbox == []


def test_a_delivery_still_within_its_lease_cannot_be_decided(queued, admin, mailoutbox):
    row = _stuck(queued, minutes=5)
    with pytest.raises(ValidationError, match="tidak pasti"):
        services.delivery_resend(actor=admin, delivery=row)
    with pytest.raises(ValidationError, match="tidak pasti"):
        services.delivery_mark_sent(actor=admin, delivery=row)
    row.refresh_from_db()
    assert (row.state, row.claim) == (Delivery.SENDING, "mati")
    assert not AuditEvent.objects.filter(action__startswith="press.delivery_").exists()


# --- the pages ---------------------------------------------------------------------------------


def _url(name, tree, row, unit=None):
    return reverse(f"press:{name}", args=[(unit or tree.kab).uuid, row.release.uuid, row.uuid])


def test_log_shows_uncertain_with_the_two_actions(admin_client, tree, queued):
    row = _stuck(queued)
    page = admin_client.get(reverse("press:delivery-list", args=[tree.kab.uuid, row.release.uuid]))
    body = page.content.decode()
    assert 'data-testid="uncertain"' in body
    assert "status tidak pasti" in body
    assert 'data-testid="delivery-uncertain"' in body
    assert _url("delivery-resend", tree, row) in body
    assert _url("delivery-mark-sent", tree, row) in body


def test_resend_and_mark_sent_pages(admin_client, tree, queued, mailoutbox, django_capture_on_commit_callbacks):
    row = _stuck(queued)
    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(_url("delivery-resend", tree, row), follow=True)
    assert "Pengiriman ke rina@radar.id diantrekan ulang." in done.content.decode()
    assert len(mailoutbox) == 1
    again = admin_client.post(_url("delivery-mark-sent", tree, row), follow=True)
    assert "Hanya pengiriman berstatus tidak pasti" in again.content.decode()
    row.refresh_from_db()
    assert row.state == Delivery.SENT
    row = _stuck(row)
    done = admin_client.post(_url("delivery-mark-sent", tree, row), follow=True)
    assert "ditandai terkirim" in done.content.decode()
    row.refresh_from_db()
    assert row.state == Delivery.SENT
    assert len(mailoutbox) == 1


def test_resend_and_mark_sent_permissions(client, tree, queued, viewer, sibling, mailoutbox):
    row = _stuck(queued)
    login_client(client, sibling, sibling.totp)
    for name in ("delivery-resend", "delivery-mark-sent"):
        assert client.post(_url(name, tree, row)).status_code == 404
        assert client.post(_url(name, tree, row, unit=tree.kota)).status_code == 404
    for user in (viewer, make_member(tree.kab, Role.EDITOR, email="editor@bogorkab.go.id")):
        other = client.__class__()
        login_client(other, user)
        for name in ("delivery-resend", "delivery-mark-sent"):
            assert other.post(_url(name, tree, row)).status_code == 403, (user.email, name)
    row.refresh_from_db()
    assert (row.state, row.claim) == (Delivery.SENDING, "mati")
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action__startswith="press.delivery_").exists()


def test_unknown_delivery_is_404(admin_client, tree, queued):
    url = reverse("press:delivery-resend", args=[tree.kab.uuid, queued.release.uuid,
                                                 "00000000-0000-0000-0000-000000000000"])
    assert admin_client.post(url).status_code == 404


def test_api_shows_sending_and_uncertain(api, queued):
    row = _stuck(queued)
    body = api.get(f"/press-releases/{row.release.uuid}/deliveries").json()
    item = body["items"][0]
    assert (item["state"], item["uncertain"]) == ("sending", True)
