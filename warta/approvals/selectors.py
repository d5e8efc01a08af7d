"""Reads of approvals, always inside the acting scope's subtree."""

from django.http import Http404

from warta.approvals.models import ApprovalChain, ApprovalRequest
from warta.approvals.registry import subject_kind
from warta.approvals.services import subject_of
from warta.organisations import tree


def request_get(*, scope, request_uuid) -> ApprovalRequest:
    """One request of a unit in the scope's subtree; Http404 otherwise."""
    unit = scope.unit
    row = (ApprovalRequest.objects.filter(uuid=request_uuid, unit__path__gte=unit.path,
                                          unit__path__lt=tree.upper_bound(unit.path))
           .select_related("unit", "unit__parent", "submitted_by", "content_type")
           .prefetch_related("decisions__user").first())
    if row is None:
        raise Http404
    return row


def request_view(request: ApprovalRequest) -> dict:
    """What a page shows of a request: its kind, subject, preview and link to the subject."""
    sk = subject_kind(request.content_kind)
    subject = subject_of(request) if sk is not None else None
    return {
        "approval": request,
        "kind": sk,
        "kind_label": str(sk.label) if sk else request.content_kind,
        "subject": subject,
        "preview": sk.preview(subject) if sk is not None and subject is not None else "",
        "subject_url": str(sk.url_of(subject)) if sk is not None and subject is not None else "",
        "current_version": int(sk.version_of(subject)) if sk is not None and subject is not None else None,
    }


def chain_own(*, unit, kind: str) -> ApprovalChain | None:
    return ApprovalChain.objects.filter(unit=unit, content_kind=kind).first()
