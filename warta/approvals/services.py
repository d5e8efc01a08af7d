"""The approval engine: chains, submissions, decisions, supersession and signed links.

Who decides a level: anyone whose role on the subject's unit (through a membership on the
unit or any ancestor) is at least the level's role (admin > approver > editor). An escalated
level (``escalate=True``, one more final level) needs an approver or admin of the *parent*
unit, or of the unit itself when it is the root. The submitter never decides their own
content unless they are admin there, and nobody decides two levels of one request (ADR 0020).

Every write is audited. The subject's own state is the owning app's business: approvals tells
it through ``on_decided`` inside the same transaction, so a refusal there undoes the decision.
"""

import dataclasses
import hashlib
import inspect
import json
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.approvals.models import (
    LEVEL_ROLES,
    MAX_LEVELS,
    ApprovalChain,
    ApprovalDecision,
    ApprovalLink,
    ApprovalRequest,
)
from warta.approvals.registry import SubjectKind, kind_of, subject_kind
from warta.core.audit import audit_action_register, audit_record
from warta.notifications.services import absolute_url, email_send, notify
from warta.organisations import tree
from warta.organisations.models import Membership, Unit
from warta.organisations.roles import ROLE_RANK, Role, permission_register, role_at_most, role_has
from warta.organisations.scope import grants_for, role_for_path

logger = logging.getLogger(__name__)

LINK_TTL = timedelta(hours=72)
State = ApprovalRequest.State
Decision = ApprovalDecision.Decision

permission_register("approval.decide", {Role.ADMIN, Role.APPROVER, Role.EDITOR})
permission_register("approval.configure", {Role.ADMIN})
permission_register("approval.view", set(Role))

audit_action_register({
    "approval.submit": gettext_lazy("Konten diajukan untuk persetujuan"),
    "approval.decide": gettext_lazy("Keputusan persetujuan dicatat"),
    "approval.approved": gettext_lazy("Konten disetujui"),
    "approval.changes_requested": gettext_lazy("Perbaikan konten diminta"),
    "approval.supersede": gettext_lazy("Permintaan persetujuan digantikan"),
    "approval.link_sent": gettext_lazy("Tautan persetujuan dikirim"),
    "approval.chain_set": gettext_lazy("Alur persetujuan diubah"),
    "approval.chain_clear": gettext_lazy("Alur persetujuan kembali mengikuti unit induk"),
    "approval.remind": gettext_lazy("Pengingat persetujuan dikirim"),
})


class ApprovalNotAllowed(PermissionDenied):
    """The actor may not decide this level (role, own content, or a level already decided)."""

    def __init__(self, message: str = ""):
        self.message = message or _("Anda tidak berwenang memutuskan tingkat persetujuan ini.")
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)


class ApprovalClosed(ValidationError):
    """The request was already decided or superseded: nothing more can be decided on it."""


class ApprovalStale(ValidationError):
    """The content changed after it was submitted: the version under review is gone."""


class LinkGone(Exception):
    """A link that existed but can no longer be used (used, expired, request closed): 410."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- roles ----------------------------------------------------------------------------------


def role_label(role: str) -> str:
    try:
        return str(Role(role).label)
    except ValueError:
        return role


def _reaches(role: str | None, needed: str) -> bool:
    return role is not None and ROLE_RANK[Role(role)] >= ROLE_RANK[Role(needed)]


def level_unit(request: ApprovalRequest, level: int) -> Unit:
    """The unit whose role decides ``level``: the subject's unit, or its parent when escalated."""
    if request.is_escalated_level(level):
        return request.unit.parent or request.unit
    return request.unit


def decider_role(*, user, request: ApprovalRequest, level: int | None = None, grants=None,
                 ceiling: str | None = None) -> str | None:
    """The user's role on the level's unit when it is enough for the level, else None."""
    if user is None or not getattr(user, "is_active", False):
        return None
    level = request.current_level if level is None else level
    grants = grants_for(user) if grants is None else grants
    role = role_for_path(grants, level_unit(request, level).path)
    if role is not None and ceiling is not None and not role_at_most(role, ceiling):
        role = ceiling
    return role if _reaches(role, request.level_role(level)) else None


def refusal_reason(*, user, request: ApprovalRequest, grants=None, ceiling: str | None = None) -> str:
    """Why ``user`` may not decide the current level now; "" when they may."""
    level = request.current_level
    role = decider_role(user=user, request=request, level=level, grants=grants, ceiling=ceiling)
    if role is None:
        return _("Tingkat %(level)s memerlukan peran %(role)s atau lebih tinggi pada %(unit)s.") % {
            "level": level, "role": role_label(request.level_role(level)), "unit": level_unit(request, level).name}
    if request.submitted_by_id == user.pk and role != Role.ADMIN:
        return _("Anda tidak dapat memutuskan konten yang Anda ajukan sendiri; hanya admin yang boleh.")
    if any(d.user_id == user.pk for d in request.decisions.all()):
        return _("Anda sudah memutuskan tingkat sebelumnya; tingkat berikutnya harus diputuskan orang lain.")
    return ""


def may_decide(user, request: ApprovalRequest, *, grants=None, ceiling: str | None = None) -> bool:
    """Whether ``user`` may decide the request's current level right now."""
    if not request.is_open or user is None or not getattr(user, "is_active", False):
        return False
    return not refusal_reason(user=user, request=request, grants=grants, ceiling=ceiling)


def deciders(request: ApprovalRequest, level: int | None = None) -> list:
    """Everyone who may decide ``level`` (default: the current one), by email."""
    level = request.current_level if level is None else level
    unit = level_unit(request, level)
    needed = request.level_role(level)
    roles = [r for r in Role if ROLE_RANK[r] >= ROLE_RANK[Role(needed)]]
    memberships = (Membership.objects.filter(unit_path__in=tree.ancestor_paths(unit.path), role__in=roles,
                                             user__is_active=True, unit__archived_at__isnull=True)
                   .select_related("user"))
    decided = set(request.decisions.values_list("user_id", flat=True)) if request.pk else set()
    best: dict[int, tuple[object, str]] = {}
    for m in memberships:
        current = best.get(m.user_id)
        if current is None or ROLE_RANK[Role(m.role)] > ROLE_RANK[Role(current[1])]:
            best[m.user_id] = (m.user, m.role)
    users = []
    for user_id, (user, role) in best.items():
        if user_id in decided:
            continue
        if user_id == request.submitted_by_id and role != Role.ADMIN:
            continue
        users.append(user)
    return sorted(users, key=lambda u: u.email)


# --- chains ---------------------------------------------------------------------------------


def chain_source(unit: Unit, kind: str) -> ApprovalChain | None:
    """The configured chain nearest to ``unit`` up the tree (the unit itself first), or None."""
    rows = list(ApprovalChain.objects.filter(content_kind=kind, unit__path__in=tree.ancestor_paths(unit.path))
                .select_related("unit"))
    return max(rows, key=lambda c: len(c.unit.path)) if rows else None


def chain_for(unit: Unit, kind: str) -> list[str]:
    """The levels (role names) that apply to ``kind`` on ``unit``; [] when none is configured."""
    chain = chain_source(unit, kind)
    return list(chain.levels) if chain else []


def _clean_levels(levels: Iterable[str]) -> list[str]:
    levels = [str(x).strip() for x in (levels or [])]
    if len(levels) > MAX_LEVELS:
        raise ValidationError({"levels": _("Paling banyak %(n)s tingkat persetujuan.") % {"n": MAX_LEVELS}})
    allowed = [str(r) for r in LEVEL_ROLES]
    for i, role in enumerate(levels, start=1):
        if role not in allowed:
            raise ValidationError({"levels": _("Peran tingkat %(n)s tidak dikenal: pilih editor, penyetuju, atau admin.")
                                   % {"n": i}})
    return levels


def approval_chain_set(*, actor, unit: Unit, kind: str, levels: Iterable[str]) -> ApprovalChain:
    """Give ``unit`` its own chain for ``kind`` (0–3 levels); units below inherit it."""
    if subject_kind(kind) is None:
        raise ValidationError({"content_kind": _("Jenis konten tidak dikenal.")})
    levels = _clean_levels(levels)
    with transaction.atomic():
        chain = ApprovalChain.objects.select_for_update().filter(unit=unit, content_kind=kind).first()
        before = list(chain.levels) if chain else None
        if chain is None:
            chain = ApprovalChain.objects.create(unit=unit, content_kind=kind, levels=levels, updated_by=actor)
        else:
            chain.levels, chain.updated_by = levels, actor
            chain.save(update_fields=["levels", "updated_by", "updated_at"])
        audit_record(actor=actor, unit=unit, action="approval.chain_set", target=chain,
                     target_label=f"{unit.name} · {kind}", changes={"content_kind": kind, "levels": levels,
                                                                    "before": before})
    return chain


def approval_chain_clear(*, actor, unit: Unit, kind: str) -> bool:
    """Drop ``unit``'s own chain for ``kind`` so it follows its parent again."""
    with transaction.atomic():
        chain = ApprovalChain.objects.filter(unit=unit, content_kind=kind).first()
        if chain is None:
            return False
        audit_record(actor=actor, unit=unit, action="approval.chain_clear", target=chain,
                     target_label=f"{unit.name} · {kind}", changes={"content_kind": kind, "before": chain.levels})
        chain.delete()
    return True


# --- subjects -------------------------------------------------------------------------------


def subject_of(request: ApprovalRequest):
    """The request's subject, or None when it was deleted or its model is gone."""
    model = request.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=request.object_id).first()


def _subject_filter(subject) -> dict:
    return {"content_type": ContentType.objects.get_for_model(subject), "object_id": str(subject.pk)}


def _clean_warnings(warnings) -> list[dict]:
    """Findings as plain JSON dicts, each with a ``message``."""
    out = []
    for w in warnings or ():
        if isinstance(w, dict):
            item = dict(w)
        elif dataclasses.is_dataclass(w) and not isinstance(w, type):
            item = dataclasses.asdict(w)
        elif hasattr(w, "__dict__"):
            item = {k: v for k, v in vars(w).items() if not k.startswith("_")}
        else:
            item = {"message": str(w)}
        item.setdefault("message", str(item.get("text", "")) or str(w))
        out.append(json.loads(json.dumps(item, default=str)))
    return out


def _call_on_decided(sk: SubjectKind, subject, *, outcome: str, actor, request: ApprovalRequest,
                     comment: str) -> None:
    kwargs = {"outcome": outcome, "actor": actor, "request": request}
    try:
        params = inspect.signature(sk.on_decided).parameters
    except (TypeError, ValueError):
        params = {}
    if "comment" in params or any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values()):
        kwargs["comment"] = comment
    sk.on_decided(subject, **kwargs)


def detail_url(request: ApprovalRequest) -> str:
    return reverse("approvals:detail", args=[request.unit.uuid, request.uuid])


def _kind_label(request: ApprovalRequest) -> str:
    sk = subject_kind(request.content_kind)
    return str(sk.label) if sk else request.content_kind


def _open_level(request: ApprovalRequest, *, actor) -> list:
    """Tell everyone who may decide the current level, in the app and by email with a link."""
    users = deciders(request)
    title = _("Menunggu persetujuan Anda: %(title)s") % {"title": request.title}
    body = _("%(kind)s dari %(unit)s, tingkat %(level)s dari %(count)s. Diajukan oleh %(who)s.") % {
        "kind": _kind_label(request), "unit": request.unit.name, "level": request.current_level,
        "count": request.level_count, "who": getattr(request.submitted_by, "email", "-")}
    if request.warnings:
        body += " " + _("Ada %(n)s peringatan pedoman yang harus Anda akui.") % {"n": len(request.warnings)}
    notify(users=users, unit=request.unit, kind="approval-pending", title=title, body=body,
           url=detail_url(request), email=False)
    if users:
        from warta.approvals.tasks import approval_links_send_task

        transaction.on_commit(partial(approval_links_send_task.enqueue, request.pk, request.current_level,
                                      [u.pk for u in users]))
    elif request.submitted_by is not None:
        notify(users=[request.submitted_by], unit=request.unit, kind="approval-stuck",
               title=_("Belum ada yang dapat menyetujui: %(title)s") % {"title": request.title},
               body=_("Tidak ada anggota dengan peran %(role)s yang dapat memutuskan tingkat %(level)s. "
                      "Minta admin unit menambah penyetuju atau mengubah alur persetujuan.") % {
                   "role": role_label(request.level_role(request.current_level)), "level": request.current_level},
               url=detail_url(request))
    return users


def _tell_submitter(request: ApprovalRequest, sk: SubjectKind | None, subject, *, outcome: str, actor,
                    comment: str) -> None:
    submitter = request.submitted_by
    if submitter is None or (actor is not None and submitter.pk == actor.pk):
        return
    url = str(sk.url_of(subject)) if sk is not None and subject is not None else detail_url(request)
    if outcome == State.APPROVED:
        title = _("Disetujui: %(title)s") % {"title": request.title}
        body = _("Disetujui oleh %(who)s.") % {"who": getattr(actor, "email", "-")}
    else:
        title = _("Perlu perbaikan: %(title)s") % {"title": request.title}
        body = _("%(who)s meminta perbaikan: %(comment)s") % {"who": getattr(actor, "email", "-"), "comment": comment}
    notify(users=[submitter], unit=request.unit, kind=f"approval-{outcome.replace('_', '-')}", title=title,
           body=body, url=url)


# --- submit, decide, supersede --------------------------------------------------------------


def _supersede_rows(filters: dict, *, actor, reason: str) -> int:
    rows = list(ApprovalRequest.objects.select_for_update()
                .filter(state__in=[State.PENDING, State.APPROVED], **filters).select_related("unit"))
    for row in rows:
        before = row.state
        row.state = State.SUPERSEDED
        row.save(update_fields=["state", "updated_at"])
        audit_record(actor=actor, unit=row.unit, action="approval.supersede", target=row,
                     changes={"before": before, "reason": reason, "version": row.version})
    return len(rows)


def approval_submit(*, actor, subject, warnings=(), escalate: bool = False, kind: str = "") -> ApprovalRequest:
    """Ask for approval of the subject's current version.

    Any open or approved request of the subject is superseded. With no level (and no
    escalation) the content is approved at once; otherwise everyone who may decide level 1 is
    told in the app and by email with a signed single-use link. ``warnings`` are the
    guideline's findings (dicts with ``message``) that the approver must acknowledge.
    """
    sk = subject_kind(kind) if kind else kind_of(subject)
    if sk is None:
        raise LookupError(f"unknown approval kind {kind!r}")
    unit = subject.unit
    findings = _clean_warnings(warnings)
    with transaction.atomic():
        _supersede_rows(_subject_filter(subject), actor=actor, reason="resubmit")
        levels = chain_for(unit, sk.kind)
        request = ApprovalRequest(
            unit=unit, content_kind=sk.kind, title=str(sk.title_of(subject))[:255],
            version=int(sk.version_of(subject)), levels=levels, escalate=bool(escalate), warnings=findings,
            submitted_by=actor, **_subject_filter(subject))
        request.current_level = 1 if request.level_count else 0
        request.save()
        audit_record(actor=actor, unit=unit, action="approval.submit", target=request, changes={
            "content_kind": sk.kind, "object_id": request.object_id, "version": request.version, "levels": levels,
            "escalate": request.escalate, "warnings": len(findings)})
        if request.level_count == 0:
            request.state, request.decided_at = State.APPROVED, timezone.now()
            request.save(update_fields=["state", "decided_at", "updated_at"])
            audit_record(actor=actor, unit=unit, action="approval.approved", target=request,
                         changes={"version": request.version, "levels": 0})
            _call_on_decided(sk, subject, outcome=State.APPROVED, actor=actor, request=request, comment="")
        else:
            _open_level(request, actor=actor)
    return request


def approval_decide(*, actor, request: ApprovalRequest, decision: str, comment: str = "",
                    acknowledged: bool = False, via_link: bool = False, ceiling: str | None = None,
                    level: int | None = None) -> ApprovalRequest:
    """Record ``actor``'s decision on the request's current level.

    Raises ApprovalClosed (decided or superseded), ApprovalStale (the content moved on),
    ApprovalNotAllowed (role, own content, second level) or ValidationError (bad input,
    warnings not acknowledged, no comment for changes). Nothing is stored when it raises.
    ``ceiling`` caps the actor's role (an API token's role); ``level``, when given, is the level
    the actor saw: if another decider moved the request past it meanwhile, ApprovalClosed.
    """
    comment = (comment or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Keputusan tidak dikenal: pilih setujui atau minta perbaikan.")})
    if len(comment) > 5000:
        raise ValidationError({"comment": _("Komentar paling banyak 5000 karakter.")})
    with transaction.atomic():
        locked = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state != State.PENDING:
            raise ApprovalClosed(_("Permintaan ini sudah %(state)s; tidak ada lagi yang perlu diputuskan.")
                                 % {"state": locked.get_state_display()})
        if level is not None and int(level) != locked.current_level:
            raise ApprovalClosed(_("Tingkat %(level)s sudah diputuskan orang lain; muat ulang halaman untuk "
                                   "melihat tingkat berikutnya.") % {"level": level})
        sk = subject_kind(locked.content_kind)
        subject = subject_of(locked) if sk is not None else None
        if sk is None or subject is None:
            raise ApprovalClosed(_("Konten ini tidak lagi tersedia."))
        if int(sk.version_of(subject)) != locked.version:
            raise ApprovalStale(_("Konten sudah diubah sejak diajukan (versi %(old)s, sekarang %(new)s). "
                                  "Putuskan versi terbaru setelah diajukan ulang.")
                                % {"old": locked.version, "new": sk.version_of(subject)})
        refusal = refusal_reason(user=actor, request=locked, ceiling=ceiling)
        if refusal:
            raise ApprovalNotAllowed(refusal)
        if decision == Decision.APPROVE and locked.warnings and not acknowledged:
            raise ValidationError({"acknowledged": _("Akui setiap peringatan pedoman sebelum menyetujui.")})
        if decision == Decision.CHANGES_REQUESTED and not comment:
            raise ValidationError({"comment": _("Tuliskan apa yang perlu diperbaiki.")})
        level = locked.current_level
        ApprovalDecision.objects.create(request=locked, level=level, user=actor, decision=decision, comment=comment,
                                        acknowledged=bool(acknowledged) and bool(locked.warnings), via_link=via_link)
        audit_record(actor=actor, unit=locked.unit, action="approval.decide", target=locked, changes={
            "level": level, "decision": decision, "comment": comment[:500], "acknowledged": bool(acknowledged),
            "via_link": via_link, "version": locked.version})
        now = timezone.now()
        if decision == Decision.CHANGES_REQUESTED:
            locked.state, locked.decided_at = State.CHANGES_REQUESTED, now
            locked.save(update_fields=["state", "decided_at", "updated_at"])
            audit_record(actor=actor, unit=locked.unit, action="approval.changes_requested", target=locked,
                         changes={"level": level, "version": locked.version})
            _call_on_decided(sk, subject, outcome=State.CHANGES_REQUESTED, actor=actor, request=locked,
                             comment=comment)
            _tell_submitter(locked, sk, subject, outcome=State.CHANGES_REQUESTED, actor=actor, comment=comment)
        elif level >= locked.level_count:
            locked.state, locked.decided_at = State.APPROVED, now
            locked.save(update_fields=["state", "decided_at", "updated_at"])
            audit_record(actor=actor, unit=locked.unit, action="approval.approved", target=locked,
                         changes={"levels": locked.level_count, "version": locked.version})
            _call_on_decided(sk, subject, outcome=State.APPROVED, actor=actor, request=locked, comment=comment)
            _tell_submitter(locked, sk, subject, outcome=State.APPROVED, actor=actor, comment=comment)
        else:
            locked.current_level = level + 1
            locked.save(update_fields=["current_level", "updated_at"])
            _open_level(locked, actor=actor)
    if request is not locked:
        request.refresh_from_db()
    return locked


def approval_supersede(*, subject, actor=None) -> int:
    """The content changed after submit or approval: its open and approved requests no longer
    hold. Returns how many were superseded. The owning app moves its own state."""
    with transaction.atomic():
        return _supersede_rows(_subject_filter(subject), actor=actor, reason="edited")


def approval_history(subject) -> list[ApprovalRequest]:
    """Every request of the subject, newest first, each with its decisions (for its page)."""
    return list(ApprovalRequest.objects.filter(**_subject_filter(subject))
                .select_related("submitted_by", "unit").prefetch_related("decisions__user")
                .order_by("-created_at", "-pk"))


def approval_current(subject) -> ApprovalRequest | None:
    """The subject's latest request that still holds (pending or approved), or None."""
    return (ApprovalRequest.objects.filter(state__in=[State.PENDING, State.APPROVED], **_subject_filter(subject))
            .order_by("-created_at", "-pk").first())


def pending_for(user, unit_scope, *, ceiling: str | None = None, kind: str = "") -> list[ApprovalRequest]:
    """Pending requests in the unit's subtree whose current level ``user`` may decide now.

    ``unit_scope`` is a Scope (its unit and grants are used) or a Unit."""
    unit = getattr(unit_scope, "unit", unit_scope)
    grants = getattr(unit_scope, "grants", None)
    if not grants or getattr(unit_scope, "user", None) != user:
        grants = grants_for(user)
    qs = (ApprovalRequest.objects.filter(state=State.PENDING, unit__path__gte=unit.path,
                                         unit__path__lt=tree.upper_bound(unit.path))
          .select_related("unit", "unit__parent", "submitted_by", "content_type")
          .prefetch_related("decisions").order_by("created_at", "pk"))
    if kind:
        qs = qs.filter(content_kind=kind)
    return [r for r in qs if may_decide(user, r, grants=grants, ceiling=ceiling)]


# --- links ----------------------------------------------------------------------------------


def approval_link_create(*, request: ApprovalRequest, user, channel: str = "email") -> tuple[ApprovalLink, str]:
    """Make a signed single-use link for ``user`` on the current level; returns it and the raw token
    (shown once, in the message; only its hash is stored)."""
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        link = ApprovalLink.objects.create(request=request, level=request.current_level, user=user,
                                           token_hash=token_hash(raw), channel=channel,
                                           expires_at=timezone.now() + LINK_TTL)
        audit_record(actor=None, unit=request.unit, action="approval.link_sent", target=request, changes={
            "user": user.email, "level": link.level, "channel": channel, "expires_at": link.expires_at.isoformat()})
    return link, raw


def link_url(raw: str) -> str:
    return absolute_url(reverse("approvals:link", args=[raw]))


def approval_links_send(*, request_id: int, level: int, user_ids: list[int], reminder: bool = False) -> int:
    """Email each user their own link to decide ``level``; skipped when the request moved on.
    A mail failure is logged, never raised. Returns how many emails went out.

    With ``reminder`` the email says the request is still waiting; it carries a fresh link all
    the same (the older ones of the user stay valid until they expire, see ``approval_remind``)."""
    request = ApprovalRequest.objects.select_related("unit", "unit__parent", "submitted_by").filter(
        pk=request_id).first()
    if request is None or not request.is_open or request.current_level != level:
        return 0
    sent = 0
    for user in get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        if not may_decide(user, request):
            continue
        _link, raw = approval_link_create(request=request, user=user)
        if reminder:
            subject = _("[Warta] Pengingat: masih menunggu persetujuan Anda: %(title)s") % {"title": request.title}
        else:
            subject = _("[Warta] Menunggu persetujuan Anda: %(title)s") % {"title": request.title}
        lines = [_("Permintaan ini sudah menunggu sejak %(since)s.") % {
            "since": _local_stamp(level_opened_at(request), request.unit)}] if reminder else []
        lines += [
            _("%(kind)s dari %(unit)s menunggu keputusan Anda (tingkat %(level)s dari %(count)s).") % {
                "kind": _kind_label(request), "unit": request.unit.name, "level": level,
                "count": request.level_count},
            _("Judul: %(title)s") % {"title": request.title},
        ]
        if request.warnings:
            lines.append(_("Ada %(n)s peringatan pedoman yang harus Anda akui.") % {"n": len(request.warnings)})
        lines += [
            _("Lihat pratinjau dan putuskan tanpa masuk ke Warta (sekali pakai, berlaku 72 jam):"),
            link_url(raw),
            _("Atau buka di Warta: %(url)s") % {"url": absolute_url(detail_url(request))},
            _("Jangan teruskan email ini: siapa pun yang memegang tautan dapat memutuskan atas nama Anda."),
        ]
        if email_send(subject=subject, body="\n\n".join(lines), recipients=[user.email]):
            sent += 1
    return sent


def approval_link_find(raw: str) -> ApprovalLink:
    """The link behind a token. Http404 when forged; LinkGone when used, expired or moot."""
    if not raw or len(raw) > 200:
        raise Http404
    link = (ApprovalLink.objects.select_related("request__unit__parent", "request__content_type", "user")
            .filter(token_hash=token_hash(raw)).first())
    if link is None:
        raise Http404
    if link.used_at is not None:
        raise LinkGone(_("Tautan ini sudah dipakai. Setiap tautan persetujuan hanya berlaku untuk satu keputusan."),
                       "used")
    if link.expires_at <= timezone.now():
        raise LinkGone(_("Tautan ini sudah kedaluwarsa. Masuk ke Warta untuk memutuskan, atau minta tautan baru."),
                       "expired")
    request = link.request
    if not request.is_open or request.current_level != link.level:
        raise LinkGone(_("Permintaan ini sudah diputuskan atau digantikan versi yang lebih baru; "
                         "tautan ini tidak berlaku lagi."), "closed")
    return link


def approval_link_decide(*, raw: str, decision: str, comment: str = "", acknowledged: bool = False) -> ApprovalRequest:
    """Record a decision made through a link, as the link's user; the link is then spent."""
    with transaction.atomic():
        link = approval_link_find(raw)
        locked = ApprovalLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None:
            raise LinkGone(_("Tautan ini sudah dipakai. Setiap tautan persetujuan hanya berlaku untuk satu keputusan."),
                           "used")
        request = approval_decide(actor=link.user, request=link.request, decision=decision, comment=comment,
                                  acknowledged=acknowledged, via_link=True, level=link.level)
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
    return request


# --- reminders ------------------------------------------------------------------------------
#
# Leaders rarely sign in: a request waiting at one level longer than
# ``WARTA_APPROVAL_REMIND_AFTER_HOURS`` (default 24) reminds the deciders of that level, in the
# app and by email with a fresh signed link. The job (``approvals.remind``, hourly) reminds each
# level of a request at most once in any 24 hours; "Ingatkan sekarang" (the submitter or an admin
# of the unit) at most once an hour per request. Both stamp ``reminded_at``/``reminded_level``
# under the row's lock, so two runs at once remind once.
#
# A reminder's fresh link does not revoke the older unused links of the same user for the same
# level: they grant exactly the same decision to the same person, each is single use and dies
# with the level (``approval_link_find`` refuses a link whose level has passed), and revoking
# them would make the first email the leader happens to open answer "link tidak berlaku".

REMIND_EVERY = timedelta(hours=24)
REMIND_NOW_EVERY = timedelta(hours=1)


class ReminderTooSoon(ValidationError):
    """A person asked to remind again before ``REMIND_NOW_EVERY`` passed (429 in the API)."""


def remind_after() -> timedelta:
    """How long a level waits before its deciders are reminded (the setting, in hours)."""
    hours = getattr(settings, "WARTA_APPROVAL_REMIND_AFTER_HOURS", 24)
    return timedelta(hours=float(hours))


def _local_stamp(moment, unit: Unit) -> str:
    local = timezone.localtime(moment, unit.zone)
    return f"{local:%d-%m-%Y %H:%M} {unit.zone_label}".strip()


def level_opened_at(request: ApprovalRequest):
    """When the current level started waiting: the latest decision (of the level before), or the submit."""
    last = max((d.created_at for d in request.decisions.all()), default=None)
    return last or request.created_at


def reminders_due(now):
    """Pending requests whose current level has waited longer than ``remind_after()`` and whose
    level was not reminded in the last 24 hours."""
    return (ApprovalRequest.objects.filter(state=State.PENDING, current_level__gte=1)
            .annotate(opened_at=Coalesce(Max("decisions__created_at"), "created_at"))
            .filter(opened_at__lte=now - remind_after())
            .filter(Q(reminded_at__isnull=True) | ~Q(reminded_level=F("current_level"))
                    | Q(reminded_at__lte=now - REMIND_EVERY))
            .select_related("unit", "unit__parent", "submitted_by").order_by("created_at", "pk"))


def may_remind(user, request: ApprovalRequest, *, role: str | None) -> bool:
    """Whether ``user``, holding ``role`` on the request's unit (an API token's role caps it), may
    press "Ingatkan sekarang": an admin of the unit, or the submitter while they still work on
    approvals there."""
    if user is None or not getattr(user, "is_active", False) or role is None:
        return False
    if role == Role.ADMIN:
        return True
    return request.submitted_by_id == user.pk and role_has(role, "approval.decide")


def _remind(locked: ApprovalRequest, *, actor, now) -> list:
    """Stamp, audit and tell the deciders of the locked request's current level. Runs inside the
    caller's transaction; the emails with fresh links go out after commit."""
    users = deciders(locked)
    if not users:
        return []
    level = locked.current_level
    locked.reminded_at, locked.reminded_level = now, level
    locked.save(update_fields=["reminded_at", "reminded_level", "updated_at"])
    audit_record(actor=actor, unit=locked.unit, action="approval.remind", target=locked, changes={
        "level": level, "users": [u.email for u in users], "manual": actor is not None,
        "waiting_since": level_opened_at(locked).isoformat()})
    title = _("Pengingat: masih menunggu persetujuan Anda: %(title)s") % {"title": locked.title}
    body = _("%(kind)s dari %(unit)s menunggu keputusan tingkat %(level)s dari %(count)s sejak %(since)s.") % {
        "kind": _kind_label(locked), "unit": locked.unit.name, "level": level, "count": locked.level_count,
        "since": _local_stamp(level_opened_at(locked), locked.unit)}
    notify(users=users, unit=locked.unit, kind="approval-reminder", title=title, body=body,
           url=detail_url(locked), email=False)
    from warta.approvals.tasks import approval_links_send_task

    transaction.on_commit(partial(approval_links_send_task.enqueue, locked.pk, level, [u.pk for u in users],
                                  True))
    return users


def _locked_pending(request: ApprovalRequest) -> ApprovalRequest | None:
    return (ApprovalRequest.objects.select_for_update(of=("self",)).select_related("unit", "unit__parent", "submitted_by")
            .filter(pk=request.pk, state=State.PENDING).first())


def reminders_send(*, now=None) -> int:
    """The periodic job: remind every due request's current deciders. Returns how many requests
    were reminded. Safe to run twice: each row is re-checked under its lock."""
    now = now or timezone.now()
    sent = 0
    for row in reminders_due(now):
        with transaction.atomic():
            locked = _locked_pending(row)
            if locked is None or locked.current_level != row.current_level:
                continue
            if (locked.reminded_at is not None and locked.reminded_level == locked.current_level
                    and locked.reminded_at > now - REMIND_EVERY):
                continue
            if _remind(locked, actor=None, now=now):
                sent += 1
    return sent


def approval_remind(*, actor, request: ApprovalRequest, now=None) -> list:
    """"Ingatkan sekarang": remind the deciders of the current level at once (in the app, and by
    email with a fresh link). Preconditions: ``may_remind`` (the caller checks the scope).

    Raises ApprovalClosed when the request is decided or superseded, ReminderTooSoon within an
    hour of the last reminder, ValidationError when nobody may decide the level; nothing is
    stored then. Returns the users reminded."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_pending(request)
        if locked is None:
            request.refresh_from_db(fields=["state"])
            raise ApprovalClosed(_("Permintaan ini sudah %(state)s; tidak ada yang perlu diingatkan.")
                                 % {"state": request.get_state_display()})
        if locked.reminded_at is not None and locked.reminded_at > now - REMIND_NOW_EVERY:
            raise ReminderTooSoon(_("Pengingat terakhir dikirim pada %(last)s. Pengingat berikutnya dapat "
                                    "dikirim mulai %(next)s.") % {
                "last": _local_stamp(locked.reminded_at, locked.unit),
                "next": _local_stamp(locked.reminded_at + REMIND_NOW_EVERY, locked.unit)})
        users = _remind(locked, actor=actor, now=now)
        if not users:
            raise ValidationError(_("Belum ada yang dapat memutuskan tingkat %(level)s; minta admin unit menambah "
                                    "penyetuju atau mengubah alur persetujuan.") % {"level": locked.current_level})
    request.reminded_at, request.reminded_level = locked.reminded_at, locked.reminded_level
    return users
