"""Review of approvals: no defect found; this pins the signed link's secrecy checked by hand —
the raw token is only in the email, never stored, audited, notified or queued."""

import re

from django.core import mail

from warta.approvals import services
from warta.approvals.models import ApprovalChain, ApprovalLink
from warta.core.models import AuditEvent
from warta.notifications.models import Notification


def test_the_raw_link_token_is_stored_nowhere(tree, editor, approver, subject, recorder,
                                              django_capture_on_commit_callbacks):
    ApprovalChain.objects.create(unit=tree.kab, content_kind="uji", levels=["approver"])
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_submit(actor=editor, subject=subject)
    message = next(m for m in mail.outbox if m.to == [approver.email])
    raw = re.search(r"/persetujuan/tautan/([\w-]+)/", message.body)[1]
    link = ApprovalLink.objects.get(user=approver)
    assert link.token_hash == services.token_hash(raw) != raw
    for event in AuditEvent.objects.all():
        assert raw not in repr(event.changes)
        assert raw not in (event.target_label or "")
    for note in Notification.objects.all():
        assert raw not in f"{note.url} {note.body} {note.title}"
