"""The approval engine: chains, levels, escalation, who may decide, warnings, stale and
superseded requests, notifications and the emails with their links."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tests.approvals.conftest import term
from tests.factories import make_member
from warta.approvals import services
from warta.approvals.models import ApprovalChain, ApprovalDecision, ApprovalLink, ApprovalRequest
from warta.core.models import AuditEvent
from warta.notifications.models import Notification
from warta.organisations.models import Membership
from warta.organisations.roles import Role

State = ApprovalRequest.State


def chain(unit, *levels):
    return ApprovalChain.objects.create(unit=unit, content_kind="uji", levels=list(levels))


def submit(actor, subject, capture, **kwargs):
    with capture(execute=True):
        return services.approval_submit(actor=actor, subject=subject, **kwargs)


def decide(actor, request, capture, decision="approve", **kwargs):
    with capture(execute=True):
        return services.approval_decide(actor=actor, request=request, decision=decision, **kwargs)


def snapshot(request):
    request.refresh_from_db()
    return (request.state, request.current_level, ApprovalDecision.objects.count(), AuditEvent.objects.count(),
            Notification.objects.count())


def links_in(message) -> list[str]:
    return re.findall(r"/persetujuan/tautan/([\w-]+)/", message.body)


# --- chains ---------------------------------------------------------------------------------


def test_chain_is_the_nearest_configured_one_up_the_tree(tree, recorder):
    assert services.chain_for(tree.desa, "uji") == []
    chain(tree.jabar, "approver", "admin")
    assert services.chain_for(tree.desa, "uji") == ["approver", "admin"]
    chain(tree.kec, "editor")
    assert services.chain_for(tree.desa, "uji") == ["editor"]
    assert services.chain_for(tree.kab, "uji") == ["approver", "admin"]
    chain(tree.kab)  # a configured empty chain overrides the province's
    assert services.chain_for(tree.diskominfo, "uji") == []
    assert services.chain_for(tree.kota, "uji") == ["approver", "admin"]


def test_chain_set_validates_and_changes_nothing_on_bad_input(tree, admin, recorder):
    for bad in (["approver"] * 4, ["viewer"], ["analyst"], ["boss"]):
        with pytest.raises(ValidationError):
            services.approval_chain_set(actor=admin, unit=tree.kab, kind="uji", levels=bad)
    with pytest.raises(ValidationError):
        services.approval_chain_set(actor=admin, unit=tree.kab, kind="tidak-ada", levels=["approver"])
    assert not ApprovalChain.objects.exists()
    services.approval_chain_set(actor=admin, unit=tree.kab, kind="uji", levels=["editor", "approver", "admin"])
    assert services.chain_for(tree.kec, "uji") == ["editor", "approver", "admin"]
    assert services.approval_chain_clear(actor=admin, unit=tree.kab, kind="uji")
    assert services.chain_for(tree.kec, "uji") == []
    assert list(AuditEvent.objects.filter(action__startswith="approval.chain").order_by("seq").values_list("action", flat=True)) == [
        "approval.chain_set", "approval.chain_clear"]


# --- levels ---------------------------------------------------------------------------------


def test_zero_levels_approves_at_once(tree, editor, subject, recorder, django_capture_on_commit_callbacks):
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    assert request.state == State.APPROVED
    assert request.level_count == 0
    assert recorder.calls == [(subject.pk, "approved", editor.email, request.uuid, "")]
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert list(AuditEvent.objects.filter(action__startswith="approval.").order_by("seq").values_list("action", flat=True)) == [
        "approval.submit", "approval.approved"]


def test_one_level_notifies_deciders_and_approves(tree, admin, editor, viewer, approver, subject, recorder,
                                                 django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    assert (request.state, request.current_level, request.level_count) == (State.PENDING, 1, 1)
    assert recorder.calls == []
    # The approver and the admin (a higher role) may decide; the submitter and the viewer are not told.
    told = set(Notification.objects.filter(kind="approval-pending").values_list("user__email", flat=True))
    assert told == {approver.email, admin.email}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(told)
    for message in mail.outbox:
        assert len(links_in(message)) == 1
        assert "http://" in message.body or "https://" in message.body
    assert ApprovalLink.objects.filter(request=request).count() == 2
    assert AuditEvent.objects.filter(action="approval.link_sent").count() == 2
    mail.outbox.clear()

    decide(approver, request, django_capture_on_commit_callbacks, comment="Bagus")
    request.refresh_from_db()
    assert request.state == State.APPROVED
    assert request.decided_at is not None
    assert recorder.calls == [(subject.pk, "approved", approver.email, request.uuid, "Bagus")]
    assert Notification.objects.filter(user=editor, kind="approval-approved").exists()
    assert [m.to for m in mail.outbox] == [[editor.email]]
    with pytest.raises(services.ApprovalClosed):
        services.approval_decide(actor=admin, request=request, decision="approve")


def test_two_levels_advance_then_approve(tree, admin, editor, approver, subject, recorder,
                                         django_capture_on_commit_callbacks):
    chain(tree.kab, "approver", "admin")
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    decide(approver, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert (request.state, request.current_level) == (State.PENDING, 2)
    assert recorder.calls == []
    # Level 2 needs an admin: only the admin gets the new link.
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert ApprovalLink.objects.filter(request=request, level=2).count() == 1
    with pytest.raises(services.ApprovalNotAllowed):
        services.approval_decide(actor=approver, request=request, decision="approve")
    decide(admin, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.state == State.APPROVED
    assert [(d.level, d.user_id) for d in request.decisions.all()] == [(1, approver.pk), (2, admin.pk)]
    assert [c[1] for c in recorder.calls] == ["approved"]


def test_three_levels_and_nobody_decides_two(tree, admin, editor, editor2, approver, subject, recorder,
                                             django_capture_on_commit_callbacks):
    chain(tree.kab, "editor", "approver", "admin")
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    decide(admin, request, django_capture_on_commit_callbacks)  # an admin may decide an editor level
    request.refresh_from_db()
    assert request.current_level == 2
    before = snapshot(request)
    with pytest.raises(services.ApprovalNotAllowed, match="sudah memutuskan"):
        services.approval_decide(actor=admin, request=request, decision="approve")
    assert snapshot(request) == before
    decide(approver, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.current_level == 3
    # Nobody left for level 3 but the admin who already decided: the submitter is told.
    assert Notification.objects.filter(user=editor, kind="approval-stuck").exists()
    other_admin = make_member(tree.jabar, Role.ADMIN, email="admin@jabarprov.go.id")
    decide(other_admin, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.state == State.APPROVED
    assert [c[1] for c in recorder.calls] == ["approved"]


def test_wrong_role_is_refused_and_nothing_changes(tree, editor, editor2, viewer, approver, subject, recorder,
                                                   sibling, django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    before = snapshot(request)
    for who in (editor2, viewer, sibling):
        with pytest.raises(services.ApprovalNotAllowed) as info:
            services.approval_decide(actor=who, request=request, decision="approve")
        assert "Penyetuju" in str(info.value)
    assert snapshot(request) == before
    assert recorder.calls == []
    assert not services.may_decide(editor2, request)
    assert services.may_decide(approver, request)


def test_submitter_cannot_approve_own_content_unless_admin(tree, admin, approver, recorder,
                                                           django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    own = term(tree.kab, "punya penyetuju")
    request = submit(approver, own, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(user=approver, kind="approval-pending").exists()
    with pytest.raises(services.ApprovalNotAllowed, match="sendiri"):
        services.approval_decide(actor=approver, request=request, decision="approve")
    assert request.decisions.count() == 0
    admins_own = term(tree.kab, "punya admin")
    request = submit(admin, admins_own, django_capture_on_commit_callbacks)
    decide(admin, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.state == State.APPROVED


def test_changes_requested_needs_a_comment_and_ends_the_request(tree, editor, approver, subject, recorder,
                                                               django_capture_on_commit_callbacks):
    chain(tree.kab, "approver", "admin")
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    before = snapshot(request)
    with pytest.raises(ValidationError) as info:
        services.approval_decide(actor=approver, request=request, decision="changes_requested", comment="  ")
    assert "diperbaiki" in " ".join(info.value.messages)
    with pytest.raises(ValidationError):
        services.approval_decide(actor=approver, request=request, decision="tolak")
    assert snapshot(request) == before
    decide(approver, request, django_capture_on_commit_callbacks, decision="changes_requested",
           comment="Tambahkan tagar #BogorKab")
    request.refresh_from_db()
    assert request.state == State.CHANGES_REQUESTED
    assert request.last_comment == "Tambahkan tagar #BogorKab"
    assert recorder.calls == [(subject.pk, "changes_requested", approver.email, request.uuid,
                               "Tambahkan tagar #BogorKab")]
    note = Notification.objects.get(user=editor, kind="approval-changes-requested")
    assert "#BogorKab" in note.body


def test_warnings_must_be_acknowledged(tree, editor, approver, subject, recorder, django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    findings = [{"code": "jam_tayang", "message": "Di luar jam tayang 06.00–21.00", "severity": "warning"}]
    request = submit(editor, subject, django_capture_on_commit_callbacks, warnings=findings)
    assert request.warnings[0]["message"] == "Di luar jam tayang 06.00–21.00"
    before = snapshot(request)
    with pytest.raises(ValidationError) as info:
        services.approval_decide(actor=approver, request=request, decision="approve")
    assert "acknowledged" in info.value.message_dict
    assert snapshot(request) == before
    decide(approver, request, django_capture_on_commit_callbacks, acknowledged=True)
    decision = request.decisions.get()
    assert decision.acknowledged is True


def test_stale_version_is_refused(tree, editor, approver, subject, recorder, django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    recorder.versions[subject.pk] = 2
    before = snapshot(request)
    with pytest.raises(services.ApprovalStale):
        services.approval_decide(actor=approver, request=request, decision="approve")
    assert snapshot(request) == before
    assert recorder.calls == []


def test_resubmit_and_edit_supersede(tree, editor, approver, subject, recorder, django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    first = submit(editor, subject, django_capture_on_commit_callbacks)
    recorder.versions[subject.pk] = 2
    second = submit(editor, subject, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    assert first.state == State.SUPERSEDED
    assert second.version == 2
    with pytest.raises(services.ApprovalClosed):
        services.approval_decide(actor=approver, request=first, decision="approve")
    decide(approver, second, django_capture_on_commit_callbacks)
    assert services.approval_current(subject) == second
    # Editing approved content sends it back: the approval no longer holds.
    assert services.approval_supersede(subject=subject, actor=editor) == 1
    second.refresh_from_db()
    assert second.state == State.SUPERSEDED
    assert services.approval_current(subject) is None
    history = services.approval_history(subject)
    assert [r.pk for r in history] == [second.pk, first.pk]
    assert [d.user_id for d in history[0].decisions.all()] == [approver.pk]
    assert AuditEvent.objects.filter(action="approval.supersede").count() == 2


# --- escalation -----------------------------------------------------------------------------


def test_escalate_needs_an_approver_of_the_parent_unit(tree, admin, editor, approver, parent_approver, subject,
                                                       recorder, django_capture_on_commit_callbacks):
    request = submit(editor, subject, django_capture_on_commit_callbacks, escalate=True)
    assert (request.level_count, request.state) == (1, State.PENDING)
    assert set(Notification.objects.filter(kind="approval-pending").values_list("user__email", flat=True)) == {
        parent_approver.email}
    for who in (approver, admin):  # Kabupaten Bogor's own approver and admin are not higher
        with pytest.raises(services.ApprovalNotAllowed):
            services.approval_decide(actor=who, request=request, decision="approve")
    decide(parent_approver, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.state == State.APPROVED


def test_escalate_after_the_chain_adds_one_final_level(tree, admin, editor, approver, parent_approver, subject,
                                                       recorder, django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    request = submit(editor, subject, django_capture_on_commit_callbacks, escalate=True)
    assert request.level_count == 2
    decide(approver, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.current_level == 2
    assert request.state == State.PENDING
    assert recorder.calls == []
    decide(parent_approver, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.state == State.APPROVED


def test_escalate_on_the_root_asks_the_roots_own_approver(tree, recorder, django_capture_on_commit_callbacks):
    root_editor = make_member(tree.kemendagri, Role.EDITOR, email="editor@kemendagri.go.id")
    root_approver = make_member(tree.kemendagri, Role.APPROVER, email="approver@kemendagri.go.id")
    request = submit(root_editor, term(tree.kemendagri), django_capture_on_commit_callbacks, escalate=True)
    decide(root_approver, request, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    assert request.state == State.APPROVED


# --- pending, mail failures -----------------------------------------------------------------


def test_pending_for_lists_what_the_user_may_decide(tree, admin, editor, approver, recorder,
                                                    django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    in_kec = submit(editor, term(tree.kec, "di kecamatan"), django_capture_on_commit_callbacks)
    own = submit(approver, term(tree.kab, "punya penyetuju"), django_capture_on_commit_callbacks)
    kota_editor = make_member(tree.kota, Role.EDITOR, email="editor@kotabogor.go.id")
    submit(kota_editor, term(tree.kota, "di kota"), django_capture_on_commit_callbacks)
    assert services.pending_for(approver, tree.kab) == [in_kec]
    assert services.pending_for(admin, tree.kab) == [in_kec, own]
    assert services.pending_for(admin, tree.desa) == []
    assert services.pending_for(editor, tree.kab) == []


def test_a_mail_failure_never_reaches_the_caller(tree, editor, approver, subject, recorder, monkeypatch, caplog,
                                                 django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")

    def refuse(*args, **kwargs):
        raise OSError("SMTP tidak terjangkau")

    monkeypatch.setattr("warta.notifications.services.send_mail", refuse)
    request = submit(editor, subject, django_capture_on_commit_callbacks)
    assert request.state == State.PENDING
    assert Notification.objects.filter(user=approver, kind="approval-pending").exists()
    assert "could not be sent" in caplog.text


def test_a_user_who_lost_the_role_gets_no_link(tree, editor, approver, subject, recorder,
                                               django_capture_on_commit_callbacks):
    chain(tree.kab, "approver")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = services.approval_submit(actor=editor, subject=subject)
    Membership.objects.filter(user=approver).delete()
    for callback in callbacks:
        callback()
    assert not ApprovalLink.objects.filter(request=request, user=approver).exists()


def test_warnings_may_be_dataclass_findings(tree, editor, subject, recorder, django_capture_on_commit_callbacks):
    from dataclasses import dataclass

    @dataclass(frozen=True, slots=True)
    class Finding:
        rule: str
        severity: str
        message: str

    chain(tree.kab, "approver")
    request = submit(editor, subject, django_capture_on_commit_callbacks,
                     warnings=[Finding("kata_terlarang", "warning", "Mengandung kata 'hoaks'"), "Tanpa tagar"])
    request.refresh_from_db()
    assert request.warnings == [
        {"rule": "kata_terlarang", "severity": "warning", "message": "Mengandung kata 'hoaks'"},
        {"message": "Tanpa tagar"}]
