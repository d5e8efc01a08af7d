"""The public page behind a signed single-use approval link."""

import re
from datetime import timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

from warta.approvals import services
from warta.approvals.models import ApprovalChain, ApprovalLink, ApprovalRequest
from warta.core.models import AuditEvent
from warta.organisations.models import Membership

State = ApprovalRequest.State


def _submit(tree, editor, subject, capture, levels=("approver",), **kwargs):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=list(levels))
    with capture(execute=True):
        return services.approval_submit(actor=editor, subject=subject, **kwargs)


def _link_for(user) -> str:
    for message in mail.outbox:
        if message.to == [user.email]:
            return re.search(r"(/persetujuan/tautan/[\w-]+/)", message.body)[1]
    raise AssertionError(f"no link for {user.email}")


def test_link_shows_the_preview_and_records_the_decision_as_its_user(tree, editor, approver, subject, recorder,
                                                                     django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks,
                      warnings=[{"message": "Kata 'rusak' perlu ditinjau"}])
    url = _link_for(approver)
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "uji-preview" in body
    assert "jembatan cibinong &lt;rusak&gt;" in body
    assert "Kata &#x27;rusak&#x27; perlu ditinjau" in body or "Kata 'rusak' perlu ditinjau" in body
    assert page["Referrer-Policy"] == "no-referrer"
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    # Without acknowledging the warning: refused, the link still works.
    refused = client.post(url, {"decision": "approve", "csrfmiddlewaretoken": csrf})
    assert refused.status_code == 400
    assert ApprovalLink.objects.get(user=approver).used_at is None
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"decision": "approve", "ack_0": "on", "csrfmiddlewaretoken": csrf})
    assert done.status_code == 200, done.content[:500]
    request.refresh_from_db()
    assert request.state == State.APPROVED
    decision = request.decisions.get()
    assert (decision.user_id, decision.via_link, decision.acknowledged) == (approver.pk, True, True)
    event = AuditEvent.objects.get(action="approval.decide")
    assert event.actor_id == approver.pk
    assert event.changes["via_link"] is True
    assert ApprovalLink.objects.get(user=approver).used_at is not None
    again = client.get(url)
    assert again.status_code == 410
    assert "sudah dipakai" in again.content.decode()
    assert client.post(url, {"decision": "approve", "ack_0": "on", "csrfmiddlewaretoken": csrf}).status_code == 410
    assert request.decisions.count() == 1


def test_link_post_without_csrf_is_refused(tree, editor, approver, subject, recorder,
                                           django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    client = Client(enforce_csrf_checks=True)
    assert client.post(_link_for(approver), {"decision": "approve"}).status_code == 403
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_forged_and_expired_links(client, tree, editor, approver, subject, recorder,
                                  django_capture_on_commit_callbacks):
    _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    assert client.get("/persetujuan/tautan/palsu-bukan-token-sah/").status_code == 404
    url = _link_for(approver)
    ApprovalLink.objects.filter(user=approver).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(url)
    assert response.status_code == 410
    assert "kedaluwarsa" in response.content.decode()
    assert client.post(url, {"decision": "approve"}).status_code == 410


def test_a_link_of_a_user_who_lost_the_role_gives_403(client, tree, editor, approver, subject, recorder,
                                                       django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    url = _link_for(approver)
    Membership.objects.filter(user=approver).delete()
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    request.refresh_from_db()
    assert request.state == State.PENDING
    assert request.decisions.count() == 0


def test_a_link_to_a_level_already_passed_or_a_superseded_request_is_gone(
        client, tree, admin, editor, approver, approver2, subject, recorder, django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks, levels=("approver", "admin"))
    other = _link_for(approver2)
    mine = _link_for(approver)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(mine, {"decision": "approve"}).status_code == 200
    request.refresh_from_db()
    assert request.current_level == 2
    assert client.get(other).status_code == 410  # level 1 is decided
    admin_link = _link_for(admin)  # the admin got a level-1 link and a level-2 one; the first is moot
    assert client.get(admin_link).status_code == 410
    level2 = [m for m in mail.outbox if m.to == [admin.email]][-1]
    url = re.search(r"(/persetujuan/tautan/[\w-]+/)", level2.body)[1]
    assert client.get(url).status_code == 200
    recorder.versions[subject.pk] = 2
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_submit(actor=editor, subject=subject)
    assert client.get(url).status_code == 410


def test_changes_requested_through_a_link(client, tree, editor, approver, subject, recorder,
                                          django_capture_on_commit_callbacks):
    request = _submit(tree, editor, subject, django_capture_on_commit_callbacks)
    url = _link_for(approver)
    assert client.post(url, {"decision": "changes_requested", "comment": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"decision": "changes_requested", "comment": "Judul kurang jelas"}).status_code == 200
    request.refresh_from_db()
    assert request.state == State.CHANGES_REQUESTED
    assert recorder.calls[0][1:2] == ("changes_requested",)
    assert recorder.calls[0][4] == "Judul kurang jelas"
