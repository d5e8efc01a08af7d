"""The approvals endpoints of the JSON API.

Same auth and scope rules as the organisations API: a request outside the token's reach is
404; deciding needs the level's role, capped by the token's role (403). A decided, superseded
or outdated request answers 409.
"""

from uuid import UUID

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from warta.approvals import selectors, services
from warta.approvals.registry import subject_kind
from warta.approvals.schemas import ApprovalOut, ApprovalPage, ChainIn, ChainOut, DecideIn
from warta.organisations.api import paginate, responses, token_scope, unit_scope
from warta.organisations.schemas import PageIn
from warta.organisations.scope import scope_for_unit

router = Router(tags=["persetujuan"])


def _request_scope(request, approval_uuid: UUID):
    reach = token_scope(request)
    row = selectors.request_get(scope=reach, request_uuid=approval_uuid)
    scope = scope_for_unit(user=request.user, unit=row.unit, grants=reach.grants, ceiling=request.api_token.role)
    return scope, row


def _chain(unit, kind: str) -> dict:
    sk = subject_kind(kind)
    if sk is None:
        raise Http404
    source = services.chain_source(unit, kind)
    return {"content_kind": kind, "label": str(sk.label), "levels": list(source.levels) if source else [],
            "configured_here": source is not None and source.unit_id == unit.pk,
            "inherited_from": source.unit.uuid if source else None}


@router.get("/units/{unit_uuid}/approvals/pending", response=responses({200: ApprovalPage}, 403, 404, 422),
            url_name="approval-pending", summary="Konten yang menunggu keputusan saya")
def approval_pending(request, unit_uuid: UUID, paging: Query[PageIn], kind: str = ""):
    """Pending requests in the unit's subtree whose current level the token owner may decide now."""
    scope = unit_scope(request, unit_uuid)
    scope.require("approval.decide")
    rows = services.pending_for(request.user, scope, ceiling=request.api_token.role, kind=kind.strip())
    page = paginate(_ListQuery(rows), paging)
    return page


class _ListQuery(list):
    """A list that ``paginate`` can count and slice like a queryset."""

    def count(self, *args):  # noqa: D401 - list.count takes a value; paginate calls it bare
        if args:
            return super().count(*args)
        return len(self)


@router.get("/approvals/{approval_uuid}", response=responses({200: ApprovalOut}, 403, 404),
            url_name="approval-detail", summary="Satu permintaan persetujuan dengan keputusannya")
def approval_detail(request, approval_uuid: UUID):
    scope, row = _request_scope(request, approval_uuid)
    scope.require("approval.decide")
    return row


@router.post("/approvals/{approval_uuid}/decide", response=responses({200: ApprovalOut}, 403, 404, 409, 422),
             url_name="approval-decide", summary="Putuskan tingkat persetujuan saat ini")
def approval_decide(request, approval_uuid: UUID, payload: DecideIn):
    """Approve, or request changes (``comment`` required). Approving content with guideline
    warnings needs ``acknowledged: true``."""
    scope, row = _request_scope(request, approval_uuid)
    scope.require("approval.decide")
    try:
        services.approval_decide(actor=request.user, request=row, decision=payload.decision.value,
                                 comment=payload.comment, acknowledged=payload.acknowledged,
                                 ceiling=request.api_token.role, level=payload.level)
    except (services.ApprovalClosed, services.ApprovalStale) as exc:
        raise HttpError(409, " ".join(exc.messages)) from None
    return selectors.request_get(scope=token_scope(request), request_uuid=approval_uuid)


@router.post("/approvals/{approval_uuid}/remind", response=responses({200: ApprovalOut}, 403, 404, 409, 422, 429),
             url_name="approval-remind", summary="Ingatkan penyetuju tingkat saat ini sekarang")
def approval_remind(request, approval_uuid: UUID):
    """Remind the deciders of the current level at once (in the app, and by email with a fresh
    link). The submitter or an admin of the unit; at most once an hour per request (429)."""
    scope, row = _request_scope(request, approval_uuid)
    scope.require("approval.view")
    if not services.may_remind(request.user, row, role=scope.role):
        raise HttpError(403, _("Hanya pengaju atau admin unit yang dapat mengirim pengingat."))
    try:
        services.approval_remind(actor=request.user, request=row)
    except services.ApprovalClosed as exc:
        raise HttpError(409, " ".join(exc.messages)) from None
    except services.ReminderTooSoon as exc:
        raise HttpError(429, " ".join(exc.messages)) from None
    return selectors.request_get(scope=token_scope(request), request_uuid=approval_uuid)


@router.get("/units/{unit_uuid}/approval-chains/{kind}", response=responses({200: ChainOut}, 403, 404),
            url_name="approval-chain-detail", summary="Alur persetujuan satu jenis konten")
def approval_chain_detail(request, unit_uuid: UUID, kind: str):
    """The chain that applies to ``kind`` on the unit, and where it comes from."""
    scope = unit_scope(request, unit_uuid)
    scope.require("approval.view")
    return _chain(scope.unit, kind)


@router.put("/units/{unit_uuid}/approval-chains/{kind}", response=responses({200: ChainOut}, 403, 404, 422),
            url_name="approval-chain-set", summary="Atur alur persetujuan satu jenis konten")
def approval_chain_set(request, unit_uuid: UUID, kind: str, payload: ChainIn):
    """Set the unit's own chain (0–3 levels), or ``inherit: true`` to follow the parent again. Admin only."""
    scope = unit_scope(request, unit_uuid)
    scope.require("approval.configure")
    if subject_kind(kind) is None:
        raise Http404
    if payload.inherit:
        services.approval_chain_clear(actor=request.user, unit=scope.unit, kind=kind)
    else:
        services.approval_chain_set(actor=request.user, unit=scope.unit, kind=kind,
                                    levels=[lv.value for lv in payload.levels])
    return _chain(scope.unit, kind)
