"""API endpoints for units, memberships, tokens and the audit trail (django-ninja router).

Authentication: a personal API token as ``Authorization: Bearer wrt_…``. The token's
unit and role cap what it may do: its reach is the unit's subtree (anything outside is
404), and on each unit inside it acts with the user's role there, never above the
token's role (a missing permission is 403). Errors are problem+json (RFC 9457) in the
user's language; see docs/adr/0005-api.md.

Endpoints stay thin: resolve the acting scope, call one selector or service, return.
"""

import logging
import math
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from warta.organisations import selectors, services
from warta.organisations.models import Unit
from warta.organisations.schemas import (
    ArchiveIn,
    AuditFilterIn,
    AuditPage,
    InvitationIn,
    InvitationOut,
    MembershipIn,
    MembershipOut,
    MembershipPage,
    MoveIn,
    PageIn,
    Problem,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UnitChildOut,
    UnitIn,
    UnitOut,
    UnitPage,
    UnitPatch,
)
from warta.organisations.scope import Scope, grants_for, scope_for_unit

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """Resolve ``request.token_scope``: the token's unit, capped at the token's role."""

    def authenticate(self, request, token):
        api_token = services.api_token_authenticate(token)
        if api_token is None:
            return None
        grants = grants_for(api_token.user)
        try:
            reach = scope_for_unit(
                user=api_token.user, unit=api_token.unit, grants=grants, ceiling=api_token.role
            )
        except Http404:
            # The owner lost every role reaching the token's unit: the token no longer works.
            return None
        request.user = api_token.user
        request.api_token = api_token
        request.token_scope = reach
        return api_token


auth = TokenAuth()
router = Router(tags=["organisasi"])


# --- errors ---------------------------------------------------------------------------------


def problem(api, request, status: int, title: str, detail: str = "", errors=None):
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
    }
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json"
    return response


def _schema_message(error: dict) -> str:
    """Return an Indonesian (or the user's language) message for one pydantic error."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("Wajib diisi.")
    if kind == "string_too_short":
        if ctx.get("min_length") == 1:
            return _("Tidak boleh kosong.")
        return _("Paling sedikit %(n)s karakter.") % {"n": ctx.get("min_length")}
    if kind == "string_too_long":
        return _("Paling banyak %(n)s karakter.") % {"n": ctx.get("max_length")}
    if kind == "string_type":
        return _("Harus berupa teks.")
    if kind == "enum":
        return _("Nilai tidak dikenal. Pilihan: %(choices)s.") % {
            "choices": str(ctx.get("expected", "")).replace(" or ", ", ")
        }
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Harus bilangan bulat.")
    if kind in ("bool_type", "bool_parsing"):
        return _("Harus true atau false.")
    if kind == "greater_than_equal":
        return _("Paling kecil %(n)s.") % {"n": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Paling besar %(n)s.") % {"n": ctx.get("le")}
    if kind.startswith("uuid"):
        return _("Bukan UUID yang sah.")
    if kind.startswith(("datetime", "date", "timezone")):
        return _("Bukan tanggal atau waktu ISO 8601 yang sah.")
    if kind == "extra_forbidden":
        return _("Kolom ini tidak dikenal.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Harus berupa objek JSON.")
    message = str(error.get("msg", ""))
    # Our own validators raise ValueError with a translated message; pydantic prefixes it.
    return message.removeprefix("Value error, ")


def schema_errors(errors: list[dict]) -> dict[str, list[str]]:
    """Group django-ninja's validation errors by field, as Django's ``message_dict`` does."""
    grouped: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        source = loc.pop(0) if loc else ""
        if source == "body" and loc:
            loc.pop(0)  # the endpoint's parameter name, not part of the client's document
        key = ".".join(loc) or NON_FIELD_ERRORS
        grouped.setdefault(key, []).append(_schema_message(error))
    return grouped


def install_error_handlers(api) -> None:
    """Map every error to problem+json in the user's language."""

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return problem(
            api,
            request,
            404,
            _("Tidak ditemukan"),
            _("Data yang diminta tidak ada atau di luar wewenang Anda."),
        )

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return problem(
            api, request, 403, _("Tidak diizinkan"), _("Peran Anda tidak mengizinkan tindakan ini.")
        )

    @api.exception_handler(AuthenticationError)
    def unauthorized(request, exc):
        response = problem(
            api,
            request,
            401,
            _("Perlu autentikasi"),
            _("Kirim token API yang masih berlaku sebagai header Authorization: Bearer."),
        )
        response["WWW-Authenticate"] = 'Bearer realm="warta"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if exc.status_code == 400:
            # django-ninja raises this when the body is not JSON at all.
            return problem(
                api,
                request,
                400,
                _("Permintaan tidak dapat dibaca"),
                _("Isi permintaan harus JSON yang sah."),
            )
        return problem(api, request, exc.status_code, str(exc))

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = (
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        )
        return problem(
            api,
            request,
            422,
            _("Data tidak valid"),
            " ".join(m for ms in errors.values() for m in ms),
            errors,
        )

    @api.exception_handler(NinjaValidationError)
    def invalid_schema(request, exc):
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors):
            # A path that cannot name anything (not a UUID, say) names nothing that exists.
            return not_found(request, exc)
        return problem(
            api,
            request,
            422,
            _("Data tidak valid"),
            _("Periksa kembali isian permintaan."),
            schema_errors(exc.errors),
        )

    @api.exception_handler(Exception)
    def crashed(request, exc):
        logger.exception("API error on %s %s", request.method, request.path)
        return problem(
            api,
            request,
            500,
            _("Terjadi kesalahan pada server"),
            _("Permintaan tidak dapat diproses. Kesalahan ini sudah dicatat."),
        )


def token_scope(request) -> Scope:
    return request.token_scope


# --- helpers --------------------------------------------------------------------------------


def responses(ok: dict, *errors: int) -> dict:
    """Document the success shapes, 401 (every endpoint) and the errors that can happen."""
    return ok | {401: Problem} | {status: Problem for status in errors}


def unit_scope(request: HttpRequest, unit_uuid: UUID) -> Scope:
    """Return the acting scope on a unit inside the token's reach; Http404 outside it."""
    reach = token_scope(request)
    unit = selectors.unit_get(scope=reach, unit_uuid=unit_uuid)
    return scope_for_unit(
        user=request.user, unit=unit, grants=reach.grants, ceiling=request.api_token.role
    )


def with_parent(request: HttpRequest, unit: Unit) -> Unit:
    """Attach the parent's UUID when the parent lies inside the token's reach."""
    inside = unit.parent_id is not None and unit.pk != token_scope(request).unit.pk
    unit.parent_uuid = unit.parent.uuid if inside else None
    return unit


def paginate(qs: QuerySet, paging: PageIn) -> dict[str, Any]:
    """Return one page of ``qs`` in two queries (count, rows); a page past the end is empty."""
    count = qs.count()
    start = (paging.page - 1) * paging.page_size
    items = list(qs[start : start + paging.page_size]) if start < count else []
    return {
        "count": count,
        "page": paging.page,
        "page_size": paging.page_size,
        "pages": math.ceil(count / paging.page_size),
        "items": items,
    }


def aware(value: datetime | None, reach: Scope) -> datetime | None:
    """Read a naive date-time in the unit's own zone (WIB, WITA or WIT)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=reach.unit.zone)


# --- units ----------------------------------------------------------------------------------


@router.get(
    "/units/{unit_uuid}",
    response=responses({200: UnitOut}, 404),
    url_name="unit-detail",
    summary="Satu unit",
)
def unit_detail(request, unit_uuid: UUID):
    """Return one unit inside the token's reach."""
    scope = unit_scope(request, unit_uuid)
    scope.require("unit.view")
    return with_parent(request, scope.unit)


@router.get(
    "/units/{unit_uuid}/children",
    response=responses({200: UnitPage}, 404, 422),
    url_name="unit-children",
    summary="Daftar sub-unit",
)
def unit_children(
    request, unit_uuid: UUID, paging: Query[PageIn], q: str = "", archived: bool = False
):
    """List a unit's direct sub-units by name, each with its own and its subtree's size.

    ``q`` filters by name, short name or the start of the region code; ``archived=true``
    includes archived sub-units.
    """
    scope = unit_scope(request, unit_uuid)
    scope.require("unit.view")
    page = paginate(
        selectors.unit_children(
            scope=scope, unit=scope.unit, include_archived=archived, query=q.strip()
        ),
        paging,
    )
    for child in selectors.units_count_below(units=page["items"]):
        child.parent_uuid = scope.unit.uuid
    return page


@router.post(
    "/units/{unit_uuid}/children",
    response=responses({201: UnitChildOut}, 403, 404, 422),
    url_name="unit-create",
    summary="Buat sub-unit",
)
def unit_create(request, unit_uuid: UUID, payload: UnitIn):
    """Create a sub-unit. Needs the admin role on the parent."""
    scope = unit_scope(request, unit_uuid)
    scope.require("unit.manage")
    child = services.unit_create(actor=request.user, parent=scope.unit, **payload.service_fields())
    child.parent_uuid = scope.unit.uuid
    child.child_count = child.subtree_count = 0
    return Status(201, child)


@router.patch(
    "/units/{unit_uuid}",
    response=responses({200: UnitOut}, 403, 404, 422),
    url_name="unit-update",
    summary="Ubah unit",
)
def unit_update(request, unit_uuid: UUID, payload: UnitPatch):
    """Change a unit's own fields; only the fields sent change. Needs the admin role."""
    scope = unit_scope(request, unit_uuid)
    scope.require("unit.manage")
    unit = services.unit_update(actor=request.user, unit=scope.unit, **payload.service_fields())
    return with_parent(request, unit)


@router.post(
    "/units/{unit_uuid}/move",
    response=responses({200: UnitOut}, 403, 404, 422),
    url_name="unit-move",
    summary="Pindahkan unit",
)
def unit_move(request, unit_uuid: UUID, payload: MoveIn):
    """Move a unit and its subtree under ``target``. Needs the admin role on both."""
    scope = unit_scope(request, unit_uuid)
    scope.require("unit.manage")
    try:
        target = unit_scope(request, payload.target)
    except Http404:
        # The path names the unit acted on; a bad reference in the body is a field error.
        raise ValidationError(
            {"target": _("Unit tujuan tidak ditemukan atau di luar wewenang Anda.")}
        ) from None
    target.require("unit.manage")
    unit = services.unit_move(actor=request.user, unit=scope.unit, new_parent=target.unit)
    return with_parent(request, unit)


@router.post(
    "/units/{unit_uuid}/archive",
    response=responses({200: UnitOut}, 403, 404, 422),
    url_name="unit-archive",
    summary="Arsipkan atau pulihkan unit",
)
def unit_archive(request, unit_uuid: UUID, payload: ArchiveIn):
    """Archive (``archived: true``) or restore a unit with its whole subtree. Needs the admin role."""
    scope = unit_scope(request, unit_uuid)
    scope.require("unit.manage")
    if payload.archived and scope.unit.pk == token_scope(request).unit.pk:
        # Archiving the token's own unit would also switch the token off.
        raise ValidationError(
            _("Unit teratas jangkauan token ini tidak dapat diarsipkan lewat API.")
        )
    unit = services.unit_archive(actor=request.user, unit=scope.unit, archived=payload.archived)
    return with_parent(request, unit)


# --- memberships and invitations ------------------------------------------------------------


@router.get(
    "/units/{unit_uuid}/memberships",
    response=responses({200: MembershipPage}, 404, 422),
    url_name="membership-list",
    summary="Daftar anggota",
)
def membership_list(request, unit_uuid: UUID, paging: Query[PageIn]):
    """List the memberships on a unit and every unit below it."""
    scope = unit_scope(request, unit_uuid)
    scope.require("member.view")
    return paginate(selectors.membership_list(scope=scope, unit=scope.unit), paging)


@router.put(
    "/units/{unit_uuid}/memberships",
    response=responses({200: MembershipOut}, 403, 404, 422),
    url_name="membership-set",
    summary="Beri atau ubah peran anggota",
)
def membership_set(request, unit_uuid: UUID, payload: MembershipIn):
    """Give an existing user a role on the unit, or change it. Needs the admin role.

    A person without an account is invited instead (``POST …/invitations``).
    """
    scope = unit_scope(request, unit_uuid)
    scope.require("member.manage")
    user = get_user_model().objects.filter(email=payload.email, is_active=True).first()
    if user is None:
        raise ValidationError(
            {
                "email": _("Belum ada akun Warta dengan email %(email)s. Kirim undangan.")
                % {"email": payload.email}
            }
        )
    return services.membership_set(scope=scope, user=user, unit=scope.unit, role=payload.role)


@router.delete(
    "/memberships/{membership_id}",
    response=responses({204: None}, 403, 404, 422),
    url_name="membership-remove",
    summary="Cabut keanggotaan",
)
def membership_remove(request, membership_id: int):
    """Remove a membership on a unit inside the token's reach. Needs the admin role there."""
    reach = token_scope(request)
    membership = selectors.membership_get(scope=reach, pk=membership_id)
    scope = scope_for_unit(
        user=request.user, unit=membership.unit, grants=reach.grants, ceiling=request.api_token.role
    )
    scope.require("member.manage")
    services.membership_remove(scope=scope, membership=membership)
    return Status(204, None)


@router.post(
    "/units/{unit_uuid}/invitations",
    response=responses({201: InvitationOut}, 403, 404, 422),
    url_name="invitation-create",
    summary="Undang lewat email",
)
def invitation_create(request, unit_uuid: UUID, payload: InvitationIn):
    """Invite an email address to a role on the unit; the link goes by email only. Needs the admin role."""
    scope = unit_scope(request, unit_uuid)
    scope.require("member.manage")
    invitation, _raw = services.invitation_create(
        scope=scope, email=payload.email, unit=scope.unit, role=payload.role
    )
    return Status(201, invitation)


# --- API tokens -----------------------------------------------------------------------------


@router.get(
    "/tokens",
    response=responses({200: list[TokenOut]}),
    url_name="token-list",
    summary="Daftar token API",
)
def token_list(request):
    """List the token owner's tokens on units inside this token's reach (never the token itself)."""
    reach = token_scope(request)
    reach.require("token.manage")
    return list(selectors.api_token_list(scope=reach))


@router.post(
    "/tokens",
    response=responses({201: TokenCreatedOut}, 403, 422),
    url_name="token-create",
    summary="Buat token API (ditolak untuk pemanggil bertoken)",
)
def token_create(request, payload: TokenIn):
    """Create a token. Always refused (422) when the caller is itself a token: a leaked
    token must not be able to mint others. Create tokens on the web page instead."""
    token, raw = services.api_token_create(
        scope=token_scope(request), name=payload.name, role=payload.role, days=payload.days
    )
    return Status(201, {"token": token, "raw": raw})


@router.delete(
    "/tokens/{token_uuid}",
    response=responses({204: None}, 403, 404),
    url_name="token-revoke",
    summary="Cabut token API",
)
def token_revoke(request, token_uuid: UUID):
    """Revoke one of the owner's tokens (this one too). History keeps the revoked row."""
    reach = token_scope(request)
    reach.require("token.manage")
    token = selectors.api_token_get(scope=reach, token_uuid=token_uuid)
    if not reach.contains(token.unit):
        raise Http404
    services.api_token_revoke(scope=reach, token=token)
    return Status(204, None)


# --- audit trail ----------------------------------------------------------------------------


@router.get(
    "/audit",
    response=responses({200: AuditPage}, 403, 422),
    url_name="audit-list",
    summary="Jejak audit",
)
def audit_list(request, filters: Query[AuditFilterIn], paging: Query[PageIn]):
    """List audit events for units inside the token's reach, newest first."""
    reach = token_scope(request)
    reach.require("audit.view")
    events = selectors.audit_list(
        scope=reach,
        action=filters.action.strip(),
        actor=filters.actor.strip(),
        query=filters.q.strip(),
        since=aware(filters.since, reach),
        until=aware(filters.until, reach),
    )
    return paginate(events, paging)
