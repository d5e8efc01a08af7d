"""The channels endpoints of the JSON API: official accounts and the platform registry.

Same auth and scope rules as the organisations API (see its module docstring). No response
ever carries a token or a client secret.
"""

from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from warta.channels import connectors as registry
from warta.channels import selectors, services
from warta.channels.connectors.base import Platform
from warta.channels.models import PLATFORM_LABELS
from warta.channels.schemas import (
    AccountArchiveIn,
    AccountFilterIn,
    AccountIn,
    AccountOut,
    AccountPage,
    AccountPatch,
    PlatformOut,
)
from warta.organisations.api import paginate, responses, token_scope, unit_scope
from warta.organisations.schemas import PageIn
from warta.organisations.scope import Scope, scope_for_unit

router = Router(tags=["kanal"])


def _account_scope(request, account_uuid: UUID) -> tuple[Scope, object]:
    """Return the scope on the account's unit (capped by the token) and the account."""
    reach = token_scope(request)
    account = selectors.account_get(scope=reach, account_uuid=account_uuid)
    scope = scope_for_unit(user=request.user, unit=account.unit, grants=reach.grants, ceiling=request.api_token.role)
    return scope, account


def _owner(request, scope: Scope, unit_uuid: UUID | None):
    if unit_uuid is None:
        return scope.unit
    try:
        unit = unit_scope(request, unit_uuid).unit
    except Http404:
        return None
    return unit if scope.contains(unit) else None


def _officers(emails: list[str]):
    users = list(get_user_model().objects.filter(email__in=emails, is_active=True))
    missing = sorted(set(emails) - {u.email for u in users})
    if missing:
        raise ValidationError({"officers": _("Pengguna tidak dikenal: %(emails)s.") % {"emails": ", ".join(missing)}})
    return users


@router.get("/units/{unit_uuid}/accounts", response=responses({200: AccountPage}, 403, 404, 422),
            url_name="account-list", summary="Daftar akun resmi")
def account_list(request, unit_uuid: UUID, filters: Query[AccountFilterIn], paging: Query[PageIn]):
    """List the official accounts of a unit and every unit below it; ``q`` searches handle and name."""
    scope = unit_scope(request, unit_uuid)
    scope.require("account.view")
    def text(value: str) -> str:  # PostgreSQL refuses NUL in text (a 500)
        return value.replace("\x00", "").strip()

    f = selectors.AccountFilter(query=text(filters.q), platform=text(filters.platform), kind=text(filters.kind),
                                region=text(filters.region), state=text(filters.state), archived=filters.archived)
    return paginate(selectors.account_list(scope=scope, filters=f).prefetch_related("officers"), paging)


@router.post("/units/{unit_uuid}/accounts", response=responses({201: AccountOut}, 403, 404, 422),
             url_name="account-register", summary="Daftarkan akun resmi")
def account_register(request, unit_uuid: UUID, payload: AccountIn):
    """Register an official account of the unit (or of ``unit`` below it). Needs the admin role."""
    scope = unit_scope(request, unit_uuid)
    scope.require("account.manage")
    owner = _owner(request, scope, payload.unit)
    if owner is None:
        raise ValidationError({"unit": _("Unit pemilik tidak ditemukan atau di luar wewenang Anda.")})
    account = services.account_register(
        scope=scope, unit=owner, platform=payload.platform, handle=payload.handle, display_name=payload.display_name,
        url=payload.url, verified=payload.verified, officers=_officers(payload.officers))
    return Status(201, account)


@router.get("/accounts/{account_uuid}", response=responses({200: AccountOut}, 403, 404),
            url_name="account-detail", summary="Satu akun resmi")
def account_detail(request, account_uuid: UUID):
    scope, account = _account_scope(request, account_uuid)
    scope.require("account.view")
    return account


@router.patch("/accounts/{account_uuid}", response=responses({200: AccountOut}, 403, 404, 422),
              url_name="account-update", summary="Ubah akun resmi")
def account_update(request, account_uuid: UUID, payload: AccountPatch):
    """Change an account's fields; only the fields sent change. Needs the admin role."""
    scope, account = _account_scope(request, account_uuid)
    scope.require("account.manage")
    fields = payload.dict(exclude_unset=True)
    if "unit" in fields:
        owner = _owner(request, token_scope(request), fields["unit"]) if fields["unit"] else None
        if owner is None or not scope.contains(owner):
            raise ValidationError({"unit": _("Unit pemilik tidak ditemukan atau di luar wewenang Anda.")})
        fields["unit"] = owner
    if "officers" in fields:
        fields["officers"] = _officers(fields["officers"] or [])
    return services.account_update(scope=scope, account=account, **fields)


@router.post("/accounts/{account_uuid}/archive", response=responses({200: AccountOut}, 403, 404, 422),
             url_name="account-archive", summary="Arsipkan atau pulihkan akun resmi")
def account_archive(request, account_uuid: UUID, payload: AccountArchiveIn):
    scope, account = _account_scope(request, account_uuid)
    scope.require("account.manage")
    return services.account_archive(scope=scope, account=account, archived=payload.archived)


@router.get("/platforms", response=responses({200: list[PlatformOut]}), url_name="platform-list",
            summary="Platform dan kemampuannya")
def platform_list(request):
    """List every platform Warta knows, how it connects and what it can do here."""
    rows = []
    for platform in Platform:
        try:
            caps, installed = sorted(registry.capabilities(platform)), True
        except ImportError:
            caps, installed = [], False
        how = "oauth" if platform in registry.OAUTH_PROVIDERS else "bot_token" if platform == Platform.TELEGRAM else "none"
        rows.append({"platform": platform.value, "label": str(PLATFORM_LABELS[platform]), "connects_with": how,
                     "installed": installed, "capabilities": caps})
    return rows
