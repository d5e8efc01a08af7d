"""Writes on official accounts, their credentials, the platform apps and the network allow-list.

Every write validates first, changes rows in one transaction and records an audit event.
Secrets (tokens, client secrets, bot tokens) are stored only in encrypted fields and never
reach an audit summary, a log line or a message.

The rest of Warta gets a working connector for an account through :func:`connector_for`
and reports a platform failure back through :func:`account_error_record`.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels import connectors as registry
from warta.channels.connectors import pkce
from warta.channels.connectors.base import (
    AccountRef,
    AppConfig,
    Connector,
    ConnectorContext,
    DiscoveredAccount,
    Platform,
    TokenSet,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.models import (
    PLATFORM_LABELS,
    Account,
    ConnectionState,
    Credential,
    NetworkAllow,
    OAuthState,
    PlatformApp,
)
from warta.core.audit import audit_action_register, audit_record
from warta.organisations import tree
from warta.organisations.models import Membership, Unit
from warta.organisations.roles import Role, permission_register
from warta.organisations.scope import Scope, scope_for_unit

logger = logging.getLogger(__name__)

permission_register("account.view", set(Role))
permission_register("account.manage", {Role.ADMIN})

audit_action_register({
    "account.register": gettext_lazy("Akun resmi didaftarkan"),
    "account.update": gettext_lazy("Akun resmi diubah"),
    "account.archive": gettext_lazy("Akun resmi diarsipkan"),
    "account.restore": gettext_lazy("Akun resmi dipulihkan"),
    "account.connect": gettext_lazy("Akun resmi dihubungkan"),
    "account.disconnect": gettext_lazy("Sambungan akun resmi diputus"),
    "account.state": gettext_lazy("Status koneksi akun berubah"),
    "credential.refresh": gettext_lazy("Token akun diperbarui"),
    "credential.refresh_failed": gettext_lazy("Pembaruan token akun gagal"),
    "credential.use": gettext_lazy("Kredensial akun dipakai"),
    "platformapp.update": gettext_lazy("Aplikasi platform diubah"),
    "network_allow.add": gettext_lazy("Jaringan diizinkan"),
    "network_allow.remove": gettext_lazy("Izin jaringan dicabut"),
    "key.rotate": gettext_lazy("Kunci enkripsi diganti"),
})

OAUTH_STATE_TTL = timedelta(minutes=15)
EXPIRING_WITHIN = timedelta(days=7)
MAX_TRANSIENT_REFRESH_FAILURES = 3

# Handle rules per platform: the pattern (after a leading "@" is removed) and whether the
# stored handle carries "@". RSS and the sandbox take a free short name.
HANDLE_RULES: dict[str, tuple[str, bool]] = {
    Platform.INSTAGRAM: (r"[A-Za-z0-9._]{1,30}", True),
    Platform.X: (r"[A-Za-z0-9_]{1,15}", True),
    Platform.TIKTOK: (r"[A-Za-z0-9._]{2,24}", True),
    Platform.TELEGRAM: (r"[A-Za-z][A-Za-z0-9_]{4,31}", True),
    Platform.YOUTUBE: (r"[A-Za-z0-9._-]{3,30}", True),
    Platform.FACEBOOK: (r"[A-Za-z0-9.]{5,50}|[0-9]{5,25}", False),
    Platform.SANDBOX: (r"[A-Za-z0-9._-]{1,50}", True),
}
HANDLE_HINTS = {
    Platform.INSTAGRAM: gettext_lazy("1–30 huruf, angka, titik, atau garis bawah, mis. @humasbogorkab."),
    Platform.X: gettext_lazy("1–15 huruf, angka, atau garis bawah, mis. @humasbogorkab."),
    Platform.TIKTOK: gettext_lazy("2–24 huruf, angka, titik, atau garis bawah."),
    Platform.TELEGRAM: gettext_lazy("5–32 karakter, diawali huruf; huruf, angka, atau garis bawah."),
    Platform.YOUTUBE: gettext_lazy("Handle kanal YouTube, 3–30 karakter, mis. @pemkabbogor."),
    Platform.FACEBOOK: gettext_lazy("Nama pengguna halaman (5–50 huruf, angka, atau titik) atau ID halaman."),
    Platform.SANDBOX: gettext_lazy("1–50 huruf, angka, titik, tanda hubung, atau garis bawah."),
}

SUSPENSION_MARKERS = ("suspend", "disabled", "deactivated", "banned", "ditangguhkan", "dinonaktifkan",
                      "locked", "blocked")


# --- small helpers ----------------------------------------------------------------------------


def platform_label(platform: str) -> str:
    try:
        return str(PLATFORM_LABELS[Platform(platform)])
    except ValueError:
        return platform


def handle_normalise(*, platform: str, handle: str) -> str:
    """Return the handle as stored, or raise ValidationError with the platform's rule."""
    value = (handle or "").strip()
    if platform == Platform.RSS:
        if not value:
            raise ValidationError({"handle": _("Isi nama singkat sumber berita.")})
        if len(value) > 200:
            raise ValidationError({"handle": _("Nama akun paling banyak 200 karakter.")})
        return value
    if platform == Platform.FACEBOOK and "facebook.com/" in value:
        value = urlsplit(value if "://" in value else "https://" + value).path.strip("/").split("/")[0]
    bare = value.removeprefix("@")
    pattern, with_at = HANDLE_RULES[Platform(platform)]
    if not bare:
        raise ValidationError({"handle": _("Isi nama akun.")})
    if not re.fullmatch(pattern, bare):
        raise ValidationError({"handle": _("Nama akun tidak sesuai aturan %(platform)s: %(hint)s") % {
            "platform": platform_label(platform), "hint": HANDLE_HINTS[Platform(platform)]}})
    return f"@{bare}" if with_at else bare


def network_allow_list() -> list[str]:
    return list(NetworkAllow.objects.order_by("network").values_list("network", flat=True))


def tokens_to_dict(tokens: TokenSet) -> dict:
    return {
        "access_token": tokens.access_token,
        "refresh_token": tokens.refresh_token,
        "expires_at": tokens.expires_at.isoformat() if tokens.expires_at else None,
        "scopes": list(tokens.scopes),
        "extra": dict(tokens.extra),
    }


def tokens_from_dict(data: dict | None) -> TokenSet:
    data = data or {}
    expires = data.get("expires_at")
    return TokenSet(
        access_token=data.get("access_token", ""),
        refresh_token=data.get("refresh_token", ""),
        expires_at=datetime.fromisoformat(expires) if expires else None,
        scopes=tuple(data.get("scopes") or ()),
        extra=dict(data.get("extra") or {}),
    )


def app_config(platform: str) -> AppConfig:
    """Return the installation's app of ``platform`` as the connectors take it (the ONE place)."""
    app = PlatformApp.objects.filter(platform=platform).first()
    if app is None:
        return AppConfig(platform=platform)
    secret = dict(app.secret or {})
    extra = {k: str(v) for k, v in (app.options or {}).items()}
    extra.update({k: str(v) for k, v in secret.items() if k != "client_secret" and v})
    return AppConfig(
        platform=platform,
        client_id=app.client_id,
        client_secret=str(secret.get("client_secret", "")),
        api_version=app.api_version,
        base_url=app.base_url,
        extra=extra,
    )


def account_ref(account: Account) -> AccountRef:
    return AccountRef(platform=account.platform, external_id=account.external_id or "",
                      handle=account.handle, url=account.url, key=str(account.uuid))


def _state_set(account: Account, state: str, message: str = "", *, now: datetime | None = None) -> None:
    now = now or timezone.now()
    fields = {"state": state, "state_message": message[:2000], "state_changed_at": now}
    if state == ConnectionState.CONNECTED and account.state != ConnectionState.CONNECTED:
        fields["connected_at"] = now
    Account.objects.filter(pk=account.pk).update(**fields)
    for key, value in fields.items():
        setattr(account, key, value)


def _is_suspension(error: ConnectorError) -> bool:
    text = f"{error.platform_message} {error.message}".lower()
    return any(marker in text for marker in SUSPENSION_MARKERS)


def _require_in_scope(scope: Scope, unit: Unit) -> None:
    if not scope.contains(unit):
        raise ValidationError({"unit": _("Unit pemilik harus unit ini atau unit di bawahnya.")})


# --- officers ---------------------------------------------------------------------------------


def officer_candidates(*, scope: Scope, unit: Unit):
    """Users who may be responsible for an account of ``unit``: members of its subtree, or of
    the units between the scope's unit and it (their role reaches it)."""
    between = [p for p in tree.ancestor_paths(unit.path) if tree.is_within(p, scope.unit.path)]
    user_ids = Membership.objects.filter(
        Q(unit_path__startswith=unit.path) | Q(unit_path__in=between), unit__archived_at__isnull=True
    ).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).order_by("email")


def _check_officers(*, scope: Scope, unit: Unit, officers: Iterable) -> list:
    officers = list(officers or ())
    if not officers:
        return []
    allowed = set(officer_candidates(scope=scope, unit=unit).filter(pk__in=[u.pk for u in officers])
                  .values_list("pk", flat=True))
    outside = [u for u in officers if u.pk not in allowed]
    if outside:
        raise ValidationError({"officers": _("Petugas harus anggota unit pemilik atau unit di bawahnya: %(names)s.")
                               % {"names": ", ".join(str(u) for u in outside)}})
    return officers


# --- duplicates -------------------------------------------------------------------------------


def _check_duplicates(*, scope: Scope, platform: str, handle: str, external_id: str, exclude_pk: int | None) -> None:
    active = Account.objects.active().exclude(pk=exclude_pk).filter(platform=platform)
    clash = active.annotate(h=Lower("handle")).filter(h=handle.lower()).select_related("unit").first()
    field = "handle"
    if clash is None and external_id:
        clash = active.filter(external_id=external_id).select_related("unit").first()
        field = "url" if platform == Platform.RSS else "handle"
    if clash is None:
        return
    if scope.contains(clash.unit):
        message = _("%(handle)s di %(platform)s sudah terdaftar sebagai akun resmi %(unit)s.") % {
            "handle": clash.handle, "platform": platform_label(platform), "unit": clash.unit.name}
    else:
        message = _("%(handle)s di %(platform)s sudah terdaftar oleh unit lain di Warta. Hubungi admin unit "
                    "tersebut atau pengelola Warta.") % {"handle": clash.handle, "platform": platform_label(platform)}
    raise ValidationError({field: message})


def _rss_check(url: str):
    """Check a feed before saving; return its FeedInfo or raise ValidationError on the url."""
    # Imported lazily: another package, perhaps not installed.
    from warta.channels.connectors.rss.connector import feed_check

    try:
        return feed_check(url, allow=network_allow_list())
    except ConnectorError as error:
        raise ValidationError({"url": error.message}) from None


def _validate_url(url: str, *, required: bool) -> str:
    url = (url or "").strip()
    if not url:
        if required:
            raise ValidationError({"url": _("Isi alamat umpan RSS/Atom.")})
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError({"url": _("Alamat harus URL http:// atau https:// yang lengkap.")}) from None
    return url


def _snapshot(account: Account) -> dict:
    return {
        "unit": account.unit.name, "platform": account.platform, "handle": account.handle,
        "display_name": account.display_name, "url": account.url, "verified": account.verified,
        "officers": sorted(str(u) for u in account.officers.all()),
    }


# --- register, update, archive ----------------------------------------------------------------


def account_register(*, scope: Scope, unit: Unit, platform: str, handle: str, display_name: str = "",
                     url: str = "", verified: bool = False, officers: Sequence = ()) -> Account:
    """Register an official account of ``unit`` (the scope's unit or one below it).

    Checks the handle format, duplicates and, for a news feed, the feed itself (one HTTP call).
    Nothing is stored when any check fails. Audited as ``account.register``.
    """
    scope.require("account.manage")
    _require_in_scope(scope, unit)
    try:
        platform = Platform(platform).value
    except ValueError:
        raise ValidationError({"platform": _("Platform tidak dikenal.")}) from None
    url = _validate_url(url, required=platform == Platform.RSS)
    external_id = ""
    state = ConnectionState.NOT_CONNECTED
    if platform == Platform.RSS:
        external_id = url
        if not (handle or "").strip():
            handle = urlsplit(url).hostname or url
    handle = handle_normalise(platform=platform, handle=handle)
    officers = _check_officers(scope=scope, unit=unit, officers=officers)
    _check_duplicates(scope=scope, platform=platform, handle=handle, external_id=external_id, exclude_pk=None)
    if platform == Platform.RSS:
        info = _rss_check(url)
        display_name = display_name or (info.title or "")[:200]
        state = ConnectionState.CONNECTED  # a feed needs no credentials: it is ready once checked
    now = timezone.now()
    try:
        with transaction.atomic():
            account = Account.objects.create(
                unit=unit, platform=platform, handle=handle, display_name=(display_name or "").strip(),
                url=url, external_id=external_id, verified=bool(verified), state=state, state_changed_at=now,
                connected_at=now if state == ConnectionState.CONNECTED else None, created_by=scope.user,
            )
            account.officers.set(officers)
            audit_record(actor=scope.user, unit=unit, action="account.register", target=account,
                         changes=_snapshot(account))
    except IntegrityError:  # a racing registration of the same account
        raise ValidationError({"handle": _("Akun ini baru saja didaftarkan oleh orang lain.")}) from None
    return account


UPDATABLE = ("unit", "handle", "display_name", "url", "verified", "officers")


def account_update(*, scope: Scope, account: Account, **fields) -> Account:
    """Change an account's own fields (only those given). The platform never changes.

    A feed whose URL changes is checked again. Audited as ``account.update`` with the diff.
    """
    scope.require("account.manage")
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ValidationError(_("Kolom tidak dapat diubah: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    before = _snapshot(account)
    unit = fields.get("unit", account.unit)
    _require_in_scope(scope, unit)
    handle = account.handle
    if "handle" in fields:
        handle = handle_normalise(platform=account.platform, handle=fields["handle"])
    url = account.url
    if "url" in fields:
        url = _validate_url(fields["url"], required=account.platform == Platform.RSS)
    external_id = url if account.platform == Platform.RSS else account.external_id
    if "officers" in fields:
        officers = _check_officers(scope=scope, unit=unit, officers=fields["officers"])
    else:  # a move must not leave officers who no longer reach the account
        officers = None
        if unit != account.unit:
            _check_officers(scope=scope, unit=unit, officers=account.officers.all())
    _check_duplicates(scope=scope, platform=account.platform, handle=handle, external_id=external_id,
                      exclude_pk=account.pk)
    if account.platform == Platform.RSS and url != account.url:
        _rss_check(url)
    try:
        with transaction.atomic():
            account.unit = unit
            account.handle = handle
            account.url = url
            account.external_id = external_id
            if "display_name" in fields:
                account.display_name = (fields["display_name"] or "").strip()
            if "verified" in fields:
                account.verified = bool(fields["verified"])
            account.save()
            if officers is not None:
                account.officers.set(officers)
            after = _snapshot(account)
            diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
            if diff:
                audit_record(actor=scope.user, unit=unit, action="account.update", target=account, changes=diff)
    except IntegrityError:
        account.refresh_from_db()
        raise ValidationError({"handle": _("Akun ini baru saja didaftarkan oleh orang lain.")}) from None
    return account


def account_archive(*, scope: Scope, account: Account, archived: bool = True) -> Account:
    """Archive an account (its credential is deleted: Warta stops using it) or restore it.

    Restoring checks duplicates again. Audited as ``account.archive`` / ``account.restore``.
    """
    scope.require("account.manage")
    if archived == (account.archived_at is not None):
        return account
    if not archived:
        _check_duplicates(scope=scope, platform=account.platform, handle=account.handle,
                          external_id=account.external_id, exclude_pk=account.pk)
    with transaction.atomic():
        if archived:
            Credential.objects.filter(account=account).delete()
            account.archived_at = timezone.now()
            if account.platform != Platform.RSS:
                account.state = ConnectionState.NOT_CONNECTED
                account.state_message = ""
        else:
            account.archived_at = None
        account.save()
        audit_record(actor=scope.user, unit=account.unit, action="account.archive" if archived else "account.restore",
                     target=account)
    return account


def account_disconnect(*, scope: Scope, account: Account) -> Account:
    """Delete the account's credential; Warta stops reading and publishing for it."""
    scope.require("account.manage")
    with transaction.atomic():
        deleted, _n = Credential.objects.filter(account=account).delete()
        _state_set(account, ConnectionState.NOT_CONNECTED)
        audit_record(actor=scope.user, unit=account.unit, action="account.disconnect", target=account,
                     changes={"removed": bool(deleted)})
    return account


# --- storing a connection ---------------------------------------------------------------------


def _credential_store(*, account: Account, tokens: TokenSet, actor) -> Credential:
    credential, created = Credential.objects.get_or_create(
        account=account, defaults={"tokens": tokens_to_dict(tokens), "expires_at": tokens.expires_at,
                                   "scopes": list(tokens.scopes), "created_by": actor})
    if not created:
        credential.tokens = tokens_to_dict(tokens)
        credential.expires_at = tokens.expires_at
        credential.scopes = list(tokens.scopes)
        credential.refresh_failures = 0
        credential.refreshed_at = None
        credential.save()
    return credential


def _state_for_expiry(tokens: TokenSet, now: datetime, *, failures: int = 0) -> str:
    """EXPIRING when the token ends within 7 days and may not be renewed on its own: it has
    no refresh token, or refreshing has already failed. Short-lived tokens with a refresh
    token (X, YouTube, TikTok: hours) are renewed by the job and stay CONNECTED."""
    soon = tokens.expires_at is not None and tokens.expires_at - now <= EXPIRING_WITHIN
    if soon and (not tokens.refresh_token or failures):
        return ConnectionState.EXPIRING
    return ConnectionState.CONNECTED


def account_connect(*, scope: Scope, account: Account, discovered: DiscoveredAccount | None,
                    tokens: TokenSet, method: str) -> Account:
    """Store the credential of a connection and mark the account connected.

    Fills the account's platform id, handle and display name where they are empty. Refused
    when the platform account is already another active Warta account.
    """
    scope.require("account.manage")
    if account.archived_at is not None:
        raise ValidationError(_("Akun ini diarsipkan. Pulihkan dulu sebelum menghubungkan."))
    tokens = (discovered.tokens if discovered and discovered.tokens else None) or tokens
    external_id = discovered.external_id if discovered else account.external_id
    if discovered and account.external_id and account.external_id != discovered.external_id:
        raise ValidationError(_("Akun yang Anda izinkan (%(handle)s) bukan akun yang terdaftar di sini (%(mine)s). "
                                "Masuk ke platform dengan akun yang benar lalu coba lagi.")
                              % {"handle": discovered.handle, "mine": account.handle})
    if external_id and Account.objects.active().filter(platform=account.platform, external_id=external_id) \
            .exclude(pk=account.pk).exists():
        raise ValidationError(_("Akun platform ini sudah terhubung sebagai akun resmi lain di Warta."))
    now = timezone.now()
    with transaction.atomic():
        if discovered:
            account.external_id = account.external_id or discovered.external_id
            account.display_name = account.display_name or discovered.display_name[:200]
            account.url = account.url or discovered.url[:500]
            account.save(update_fields=["external_id", "display_name", "url"])
        _credential_store(account=account, tokens=tokens, actor=scope.user)
        _state_set(account, _state_for_expiry(tokens, now), now=now)
        audit_record(actor=scope.user, unit=account.unit, action="account.connect", target=account,
                     changes={"method": method, "scopes": list(tokens.scopes),
                              "expires_at": tokens.expires_at.isoformat() if tokens.expires_at else None})
    return account


# --- OAuth ------------------------------------------------------------------------------------


def _provider_or_error(platform: str):
    try:
        provider = registry.oauth_provider(platform)
    except ImportError:
        raise ValidationError(_("Konektor %(platform)s belum terpasang di instalasi ini.")
                              % {"platform": platform_label(platform)}) from None
    if provider is None:
        raise ValidationError(_("%(platform)s tidak dihubungkan lewat OAuth.") % {"platform": platform_label(platform)})
    return provider


def oauth_start(*, scope: Scope, account: Account, redirect_uri: str) -> tuple[OAuthState, str]:
    """Begin "Hubungkan akun": store a one-time state (and PKCE verifier) and return the
    platform's authorisation URL to send the user to."""
    scope.require("account.manage")
    if account.archived_at is not None:
        raise ValidationError(_("Akun ini diarsipkan. Pulihkan dulu sebelum menghubungkan."))
    provider = _provider_or_error(account.platform)
    app = app_config(account.platform)
    if not app.client_id:
        raise ValidationError(_("Aplikasi %(platform)s belum diatur oleh admin instalasi (Pengaturan → Aplikasi "
                                "platform). Hubungi pengelola Warta.") % {"platform": platform_label(account.platform)})
    verifier = pkce.code_verifier() if provider.uses_pkce else ""
    state = OAuthState.objects.create(
        state=secrets.token_urlsafe(32), code_verifier=verifier or None, platform=account.platform,
        account=account, unit=account.unit, user=scope.user, redirect_uri=redirect_uri,
    )
    url = provider.authorization_url(app, redirect_uri=redirect_uri, state=state.state,
                                     code_challenge=pkce.challenge_for(provider, verifier) if verifier else "")
    return state, url


OAUTH_ERRORS = {
    "access_denied": gettext_lazy("Anda (atau platform) menolak memberi izin, jadi akun belum terhubung. "
                                  "Jika ini tidak disengaja, klik Hubungkan akun lagi dan pilih Izinkan."),
}


class OAuthOutcome:
    """What a callback led to: connected, or a choice of several discovered accounts."""

    def __init__(self, *, account: Account, scope: Scope, state: OAuthState, choices: tuple[DiscoveredAccount, ...] = ()):
        self.account = account
        self.scope = scope
        self.state = state
        self.choices = choices

    @property
    def needs_choice(self) -> bool:
        return bool(self.choices)


def _discovered_to_dict(d: DiscoveredAccount) -> dict:
    return {"platform": d.platform, "external_id": d.external_id, "handle": d.handle,
            "display_name": d.display_name, "url": d.url,
            "tokens": tokens_to_dict(d.tokens) if d.tokens else None}


def _discovered_from_dict(data: dict) -> DiscoveredAccount:
    return DiscoveredAccount(platform=data["platform"], external_id=data["external_id"], handle=data["handle"],
                             display_name=data.get("display_name", ""), url=data.get("url", ""),
                             tokens=tokens_from_dict(data["tokens"]) if data.get("tokens") else None)


def oauth_complete(*, user, state: str, code: str = "", error: str = "", error_description: str = "",
                   now: datetime | None = None) -> OAuthOutcome:
    """Finish the flow at the callback: check the state (exists, unused, < 15 min, same user),
    exchange the code, discover the accounts, then connect or ask which one.

    The state is spent first, in its own transaction: a replayed callback is refused even
    when this one fails later.
    """
    now = now or timezone.now()
    with transaction.atomic():
        record = OAuthState.objects.select_for_update(of=("self",)).select_related("account__unit", "unit").filter(
            state=state or "-").first()
        if record is None or record.user_id != getattr(user, "pk", None):
            raise ValidationError(_("Tautan persetujuan ini tidak dikenal. Mulai lagi dari halaman akun dengan "
                                    "Hubungkan akun."))
        if record.used_at is not None:
            raise ValidationError(_("Tautan persetujuan ini sudah dipakai. Mulai lagi dari halaman akun."))
        if now - record.created_at > OAUTH_STATE_TTL:
            raise ValidationError(_("Waktu persetujuan sudah habis (lebih dari 15 menit). Mulai lagi dari halaman akun."))
        record.used_at = now
        record.save(update_fields=["used_at"])
    account = record.account
    if account is None or account.archived_at is not None:
        raise ValidationError(_("Akun yang hendak dihubungkan tidak ada lagi atau sudah diarsipkan."))
    scope = scope_for_unit(user=user, unit=account.unit)
    scope.require("account.manage")
    if error:
        message = OAUTH_ERRORS.get(error)
        if message is None:
            message = _("Platform tidak memberi izin: %(detail)s") % {"detail": (error_description or error)[:300]}
        raise ValidationError(str(message))
    if not code:
        raise ValidationError(_("Platform tidak mengirim kode persetujuan. Coba hubungkan lagi."))
    provider = _provider_or_error(account.platform)
    app = app_config(account.platform)
    try:
        tokens = provider.exchange_code(app, code=code, redirect_uri=record.redirect_uri,
                                        code_verifier=record.code_verifier or "")
        found = tuple(provider.discover_accounts(app, tokens))
    except ConnectorError as exc:
        explanation, action = error_explain(exc)
        raise ValidationError(f"{explanation} {action}") from None
    if not found:
        raise ValidationError(_("Izin diberikan, tetapi platform tidak menunjukkan akun yang dapat dikelola. "
                                "Pastikan Anda admin akun tersebut di %(platform)s.")
                              % {"platform": platform_label(account.platform)})
    chosen = _auto_choice(account, found)
    if chosen is None:
        OAuthState.objects.filter(pk=record.pk).update(
            discovered={"accounts": [_discovered_to_dict(d) for d in found], "user_tokens": tokens_to_dict(tokens)})
        return OAuthOutcome(account=account, scope=scope, state=record, choices=found)
    account_connect(scope=scope, account=account, discovered=chosen, tokens=tokens, method="oauth")
    return OAuthOutcome(account=account, scope=scope, state=record)


def _auto_choice(account: Account, found: tuple[DiscoveredAccount, ...]) -> DiscoveredAccount | None:
    if account.external_id:
        for d in found:
            if d.external_id == account.external_id:
                return d
    bare = account.handle.lower().lstrip("@")
    matching = [d for d in found if d.handle.lower().lstrip("@") == bare]
    if len(matching) == 1:
        return matching[0]
    return found[0] if len(found) == 1 else None


def oauth_pending(*, scope: Scope, account: Account, now: datetime | None = None) -> OAuthState | None:
    """Return this user's latest spent-but-unchosen state for ``account`` (< 15 min)."""
    now = now or timezone.now()
    return (OAuthState.objects.filter(account=account, user=scope.user, used_at__isnull=False,
                                      created_at__gte=now - OAUTH_STATE_TTL, discovered__isnull=False)
            .order_by("-created_at").first())


def oauth_choices(state: OAuthState) -> tuple[DiscoveredAccount, ...]:
    return tuple(_discovered_from_dict(d) for d in (state.discovered or {}).get("accounts", ()))


def oauth_choose(*, scope: Scope, account: Account, state: OAuthState, external_id: str) -> Account:
    """Connect the discovered account the user picked; the choice is then forgotten."""
    data = state.discovered or {}
    choices = {d.external_id: d for d in oauth_choices(state)}
    chosen = choices.get(external_id)
    if chosen is None:
        raise ValidationError({"external_id": _("Pilih salah satu akun yang ditemukan.")})
    account_connect(scope=scope, account=account, discovered=chosen,
                    tokens=tokens_from_dict(data.get("user_tokens")), method="oauth")
    OAuthState.objects.filter(pk=state.pk).update(discovered=None)
    return account


def oauth_states_prune(*, now: datetime | None = None) -> int:
    """Delete states older than a day (spent or abandoned)."""
    now = now or timezone.now()
    deleted, _n = OAuthState.objects.filter(created_at__lt=now - timedelta(days=1)).delete()
    return deleted


# --- Telegram ---------------------------------------------------------------------------------

TELEGRAM_TOKEN = re.compile(r"[0-9]{5,15}:[A-Za-z0-9_-]{30,60}")


def telegram_connect(*, scope: Scope, account: Account, bot_token: str, webhook_url: str = "") -> Account:
    """Connect a Telegram channel with its bot token: checked through the connector first;
    when ``webhook_url`` is given the webhook is set with a fresh secret."""
    scope.require("account.manage")
    if account.platform != Platform.TELEGRAM:
        raise ValidationError(_("Token bot hanya untuk akun Telegram."))
    bot_token = (bot_token or "").strip()
    if not TELEGRAM_TOKEN.fullmatch(bot_token):
        raise ValidationError({"bot_token": _("Token bot tidak sah. Salin token dari @BotFather, bentuknya "
                                              "123456789:ABC… (angka, titik dua, lalu huruf dan angka).")})
    extra = {}
    if webhook_url:
        extra["webhook_secret"] = secrets.token_urlsafe(32)
    tokens = TokenSet(access_token=bot_token, extra=extra)
    # The connector names the channel by its chat id, or by @username until the id is known.
    ref = replace(account_ref(account), external_id=account.external_id or account.handle)
    discovered = None
    try:
        connector = registry.connector_class(account.platform)(ConnectorContext(
            account=ref, app=app_config(account.platform), tokens=tokens))
        connector.account_metrics()  # proves the token and that the bot sees the channel
        get_chat = getattr(getattr(connector, "client", None), "get_chat", None)
        if get_chat is not None and not account.external_id:
            chat = get_chat(ref.external_id)
            discovered = DiscoveredAccount(platform=account.platform, external_id=str(chat["id"]),
                                           handle=account.handle, display_name=str(chat.get("title", "")))
    except ImportError:
        raise ValidationError(_("Konektor Telegram belum terpasang di instalasi ini.")) from None
    except ConnectorError as exc:
        if exc.kind == ErrorKind.AUTH_EXPIRED:
            message = _("Telegram menolak token bot ini. Salin ulang token dari @BotFather (perintah /token).")
        elif exc.kind == ErrorKind.PERMANENT:
            message = _("Telegram tidak dapat membuka kanal %(handle)s dengan bot ini. Pastikan nama kanal benar dan "
                        "bot sudah menjadi admin kanal.") % {"handle": account.handle}
        else:
            message = " ".join(error_explain(exc))
        if exc.platform_message:
            message += " " + _("Pesan Telegram: %(m)s") % {"m": exc.platform_message[:300]}
        raise ValidationError({"bot_token": message}) from None
    if webhook_url:
        try:
            # Imported lazily: another package, perhaps not installed.
            from warta.channels.connectors.telegram.client import set_webhook

            set_webhook(connector.context, webhook_url, extra["webhook_secret"])
        except ConnectorError as exc:
            raise ValidationError({"webhook": _("Webhook tidak dapat dipasang: %(why)s Hapus centang webhook untuk "
                                                "menghubungkan tanpa webhook.") % {"why": exc.message}}) from None
    return account_connect(scope=scope, account=account, discovered=discovered, tokens=tokens, method="bot_token")


# --- errors in plain words --------------------------------------------------------------------


def error_explain(error: ConnectorError) -> tuple[str, str]:
    """Return (what happened, what to do) in the user's language for a platform failure."""
    if _is_suspension(error):
        return (_("Platform menangguhkan atau menonaktifkan akun ini."),
                _("Buka akun di aplikasi platform dan ikuti petunjuk pemulihannya, lalu hubungkan ulang."))
    if error.kind == ErrorKind.AUTH_EXPIRED:
        return (_("Izin Warta untuk akun ini sudah kedaluwarsa atau dicabut."),
                _("Klik Hubungkan ulang dan masuk dengan akun pengelola."))
    if error.kind == ErrorKind.RATE_LIMITED:
        return (_("Platform sementara membatasi jumlah permintaan dari Warta."),
                _("Tidak perlu tindakan; Warta mencoba lagi otomatis."))
    if error.kind == ErrorKind.TRANSIENT:
        return (_("Platform sedang tidak dapat dihubungi atau memberi jawaban yang tidak dapat dibaca."),
                _("Warta mencoba lagi otomatis. Jika berlangsung lebih dari sehari, hubungi pengelola Warta."))
    if error.kind == ErrorKind.NOT_SUPPORTED:
        return (_("Platform ini tidak menyediakan fitur tersebut."), _("Gunakan cara lain, misalnya impor berkas CSV."))
    return (_("Platform menolak permintaan Warta."),
            _("Periksa izin akun dan pengaturan aplikasi platform, lalu coba lagi."))


def state_explain(account: Account) -> tuple[str, str]:
    """Return (what the state means, what to do) for the account page."""
    state = account.state
    if state == ConnectionState.CONNECTED:
        return _("Akun terhubung; Warta dapat membaca dan menerbitkan sesuai kemampuan platform."), ""
    if state == ConnectionState.EXPIRING:
        return (_("Izin akses akan segera berakhir. Warta mencoba memperbaruinya otomatis."),
                _("Jika pembaruan gagal, klik Hubungkan ulang."))
    if state == ConnectionState.RECONNECT:
        return (_("Warta tidak lagi dapat memakai akun ini: izinnya kedaluwarsa atau dicabut."),
                _("Klik Hubungkan ulang dan masuk dengan akun pengelola."))
    if state == ConnectionState.SUSPENDED:
        return (_("Platform menangguhkan atau menonaktifkan akun ini."),
                _("Buka akun di aplikasi platform dan ikuti petunjuk pemulihannya, lalu hubungkan ulang."))
    return (_("Akun belum terhubung; Warta belum dapat membaca atau menerbitkan untuknya."),
            _("Klik Hubungkan akun."))


def account_error_record(account: Account, error: ConnectorError) -> Account:
    """Update the account's state from a platform failure (ingest and publishing call this).

    AUTH_EXPIRED → needs reconnection; a platform message saying the account is suspended or
    disabled → suspended. Other failures leave the state alone.
    """
    message = error.platform_message or error.message
    if _is_suspension(error) and error.kind in (ErrorKind.PERMANENT, ErrorKind.AUTH_EXPIRED):
        new = ConnectionState.SUSPENDED
    elif error.kind == ErrorKind.AUTH_EXPIRED:
        new = ConnectionState.RECONNECT
    else:
        return account
    if account.state != new or account.state_message != message:
        with transaction.atomic():
            old = account.state
            _state_set(account, new, message)
            audit_record(actor=None, unit=account.unit, action="account.state", target=account,
                         changes={"state": [old, new], "reason": error.kind.value})
    return account


# --- refresh ----------------------------------------------------------------------------------


def _unit_admin_emails(unit: Unit) -> list[str]:
    """The admins nearest to ``unit``: on the unit itself, else the closest ancestor with any."""
    rows = (Membership.objects.filter(unit_path__in=tree.ancestor_paths(unit.path), role=Role.ADMIN,
                                      user__is_active=True)
            .values_list("unit_path", "user__email"))
    by_path: dict[str, list[str]] = {}
    for path, email in rows:
        by_path.setdefault(path, []).append(email)
    if not by_path:
        return []
    return sorted(by_path[max(by_path, key=len)])


def _alert_admins(account: Account, message: str) -> None:
    recipients = _unit_admin_emails(account.unit)
    if not recipients:
        return
    link = settings.SITE_URL.rstrip("/") + f"/kanal/u/{account.unit.uuid}/akun/{account.uuid}/"
    subject = _("[Warta] Akun %(handle)s perlu dihubungkan ulang") % {"handle": account.handle}
    body = _("Warta tidak dapat memperbarui izin akses akun resmi %(handle)s (%(platform)s) milik %(unit)s.\n\n"
             "Pesan platform: %(message)s\n\n"
             "Sampai akun dihubungkan ulang, Warta tidak dapat membaca atau menerbitkan untuk akun ini.\n"
             "Buka %(link)s lalu klik Hubungkan ulang.") % {
        "handle": account.handle, "platform": platform_label(account.platform), "unit": account.unit.name,
        "message": message or "-", "link": link}
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # an unreachable mail server must not undo the state change
        logger.exception("Reconnect alert for account %s could not be sent", account.pk)


def credential_refresh(*, credential: Credential, now: datetime | None = None, reason: str = "ahead") -> TokenSet:
    """Refresh one credential with the platform's provider and store the new tokens.

    On failure the account needs reconnection (after a few transient failures, or at once
    for a refused refresh), the platform message is kept, admins are emailed, and
    ``ConnectorError`` is raised again.
    """
    now = now or timezone.now()
    account = credential.account
    try:
        provider = registry.oauth_provider(account.platform)
    except ImportError:
        provider = None
    if provider is None:
        raise ConnectorError(ErrorKind.NOT_SUPPORTED, f"{account.platform}: no token refresh")
    try:
        fresh = provider.refresh(app_config(account.platform), tokens_from_dict(credential.tokens))
    except ConnectorError as error:
        _refresh_failed(credential=credential, error=error, now=now)
        raise
    with transaction.atomic():
        credential.tokens = tokens_to_dict(fresh)
        credential.expires_at = fresh.expires_at
        credential.scopes = list(fresh.scopes) or credential.scopes
        credential.refreshed_at = now
        credential.refresh_failures = 0
        credential.save()
        _state_set(account, _state_for_expiry(fresh, now), now=now)
        audit_record(actor=None, unit=account.unit, action="credential.refresh", target=account,
                     changes={"reason": reason, "expires_at": fresh.expires_at.isoformat() if fresh.expires_at else None})
    return fresh


def _refresh_failed(*, credential: Credential, error: ConnectorError, now: datetime) -> None:
    account = credential.account
    if error.kind == ErrorKind.NOT_SUPPORTED:
        return
    transient = error.kind in (ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED)
    failures = credential.refresh_failures + 1
    expired = credential.expires_at is not None and credential.expires_at <= now
    give_up = not transient or failures >= MAX_TRANSIENT_REFRESH_FAILURES or expired
    message = error.platform_message or error.message
    with transaction.atomic():
        Credential.objects.filter(pk=credential.pk).update(refresh_failures=failures)
        credential.refresh_failures = failures
        new_state = None
        if give_up:
            new_state = ConnectionState.SUSPENDED if _is_suspension(error) else ConnectionState.RECONNECT
            _state_set(account, new_state, message, now=now)
        audit_record(actor=None, unit=account.unit, action="credential.refresh_failed", target=account,
                     changes={"kind": error.kind.value, "failures": failures, "state": new_state or account.state})
    if give_up:
        _alert_admins(account, message)


def credentials_refresh_due(*, now: datetime | None = None, ahead: timedelta | None = None) -> dict:
    """Refresh every credential that expires within ``ahead`` (24 h by default, setting
    ``WARTA_TOKEN_REFRESH_AHEAD_HOURS``), and mark those expiring within 7 days EXPIRING."""
    now = now or timezone.now()
    ahead = ahead or timedelta(hours=float(getattr(settings, "WARTA_TOKEN_REFRESH_AHEAD_HOURS", 24)))
    live = (ConnectionState.CONNECTED, ConnectionState.EXPIRING)
    due = (Credential.objects.select_related("account__unit")
           .filter(account__archived_at__isnull=True, account__state__in=live,
                   expires_at__isnull=False, expires_at__lte=now + ahead).order_by("expires_at"))
    report = {"refreshed": 0, "failed": 0, "skipped": 0, "expiring": 0}
    for credential in due:
        try:
            credential_refresh(credential=credential, now=now)
        except ConnectorError as error:
            report["skipped" if error.kind == ErrorKind.NOT_SUPPORTED else "failed"] += 1
            if error.kind == ErrorKind.NOT_SUPPORTED and credential.expires_at <= now:
                _state_set(credential.account, ConnectionState.RECONNECT,
                           _("Izin akses sudah berakhir dan platform tidak dapat memperbaruinya."), now=now)
        else:
            report["refreshed"] += 1
    soon = (Credential.objects.select_related("account")
            .filter(account__archived_at__isnull=True, account__state=ConnectionState.CONNECTED,
                    expires_at__isnull=False, expires_at__lte=now + EXPIRING_WITHIN))
    for credential in soon.iterator(chunk_size=500):
        state = _state_for_expiry(tokens_from_dict(credential.tokens), now, failures=credential.refresh_failures)
        if state == ConnectionState.EXPIRING:
            _state_set(credential.account, state, now=now)
            report["expiring"] += 1
    return report


# --- the one door to a connector ---------------------------------------------------------------


def connector_for(account: Account, *, purpose: str, actor=None) -> Connector:
    """Return a working connector for ``account``; audits the credential use (with ``purpose``).

    The context carries the decrypted tokens, the installation's app, a shared rate limiter
    and an ``on_auth_expired`` callback that refreshes and stores the tokens (or marks the
    account for reconnection and raises ``ConnectorError(AUTH_EXPIRED)``).
    """
    from warta.channels.ratelimit import RateLimiter

    credential = Credential.objects.filter(account=account).first()
    if credential is None and account.platform not in (Platform.RSS, Platform.SANDBOX):
        raise ConnectorError(ErrorKind.AUTH_EXPIRED, f"account {account.uuid} is not connected")
    tokens = tokens_from_dict(credential.tokens) if credential else TokenSet()

    def on_auth_expired() -> TokenSet:
        with transaction.atomic():
            current = Credential.objects.select_for_update(of=("self",)).select_related("account__unit") \
                .filter(account=account).first()
            if current is None:
                raise ConnectorError(ErrorKind.AUTH_EXPIRED, "the credential was removed")
            stored = tokens_from_dict(current.tokens)
        if stored.access_token != tokens.access_token:  # another worker refreshed meanwhile
            return stored
        try:
            return credential_refresh(credential=current, reason="expired")
        except ConnectorError as error:
            if error.kind in (ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED):
                raise
            account_error_record(account, ConnectorError(ErrorKind.AUTH_EXPIRED, error.message,
                                                         platform_message=error.platform_message))
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "token expired and could not be refreshed",
                                 platform_message=error.platform_message) from None

    context = ConnectorContext(
        account=account_ref(account), app=app_config(account.platform), tokens=tokens,
        rate_limiter=RateLimiter(), on_auth_expired=on_auth_expired if credential else None,
    )
    connector = registry.connector_class(account.platform)(context)
    if credential is not None:
        audit_record(actor=actor, unit=account.unit, action="credential.use", target=account,
                     changes={"purpose": purpose})
    return connector


# --- installation settings ----------------------------------------------------------------------

SECRET_KEYS = ("client_secret", "webhook_verify_token")


def platform_app_update(*, actor, platform: str, client_id: str, api_version: str = "", base_url: str = "",
                        options: dict | None = None, secrets_new: dict | None = None,
                        secrets_clear: Iterable[str] = ()) -> PlatformApp:
    """Save a platform's app. Secrets are write-only: an empty value keeps the stored one,
    ``secrets_clear`` removes them. Only an installation admin may call this."""
    if not getattr(actor, "is_superuser", False):
        raise ValidationError(_("Hanya admin instalasi yang dapat mengubah aplikasi platform."))
    platform = Platform(platform).value
    if options is not None and not isinstance(options, dict):
        raise ValidationError({"options": _("Pengaturan lain harus objek JSON, mis. {\"audited\": true}.")})
    if base_url:
        _validate_url(base_url, required=False)
    with transaction.atomic():
        app, _created = PlatformApp.objects.select_for_update().get_or_create(platform=platform)
        secret = dict(app.secret or {})
        changed_secrets = []
        for key, value in (secrets_new or {}).items():
            if value:
                secret[key] = value
                changed_secrets.append(key)
        for key in secrets_clear:
            if secret.pop(key, None) is not None:
                changed_secrets.append(key)
        before = {"client_id": app.client_id, "api_version": app.api_version, "base_url": app.base_url,
                  "options": app.options}
        app.client_id = (client_id or "").strip()
        app.api_version = (api_version or "").strip()
        app.base_url = (base_url or "").strip()
        app.options = options if options is not None else app.options
        app.secret = secret or None
        app.updated_by = actor
        app.save()
        after = {"client_id": app.client_id, "api_version": app.api_version, "base_url": app.base_url,
                 "options": app.options}
        diff = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        # Only the names of changed secrets, never values (and not under a "secret" key: masked).
        diff["changed_fields"] = sorted(set(changed_secrets))
        audit_record(actor=actor, action="platformapp.update", target=app, changes=diff)
    return app


HOSTNAME = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")


def network_allow_add(*, actor, network: str, note: str = "") -> NetworkAllow:
    """Allow feeds and webhooks to reach a private host or network (CIDR)."""
    if not getattr(actor, "is_superuser", False):
        raise ValidationError(_("Hanya admin instalasi yang dapat mengubah daftar jaringan."))
    value = (network or "").strip().lower()
    try:
        value = str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        if not HOSTNAME.fullmatch(value):
            raise ValidationError({"network": _("Isi nama host (mis. portal.intranet.go.id), alamat IP, atau "
                                                "jaringan CIDR (mis. 10.20.0.0/16).")}) from None
    if NetworkAllow.objects.filter(network=value).exists():
        raise ValidationError({"network": _("%(n)s sudah ada di daftar.") % {"n": value}})
    with transaction.atomic():
        row = NetworkAllow.objects.create(network=value, note=(note or "").strip()[:255], created_by=actor)
        audit_record(actor=actor, action="network_allow.add", target=row, changes={"network": value, "note": row.note})
    return row


def network_allow_remove(*, actor, row: NetworkAllow) -> None:
    if not getattr(actor, "is_superuser", False):
        raise ValidationError(_("Hanya admin instalasi yang dapat mengubah daftar jaringan."))
    with transaction.atomic():
        audit_record(actor=actor, action="network_allow.remove", target=row, changes={"network": row.network})
        row.delete()


# --- key rotation -------------------------------------------------------------------------------

ENCRYPTED_FIELDS = ((Credential, ("tokens",)), (PlatformApp, ("secret",)), (OAuthState, ("code_verifier", "discovered")))


def secrets_reencrypt() -> int:
    """Re-encrypt every encrypted field under the newest key, in one transaction; return the
    number of values rewritten. Reading decrypts with any key; saving encrypts with the first."""
    count = 0
    with transaction.atomic():
        for model, fields in ENCRYPTED_FIELDS:
            for row in model.objects.only("pk", *fields).iterator(chunk_size=500):
                values = {f: getattr(row, f) for f in fields if getattr(row, f) is not None}
                if values:
                    model.objects.filter(pk=row.pk).update(**values)
                    count += len(values)
        audit_record(actor=None, action="key.rotate", target_type="channels.encryption", target_label="Fernet",
                     changes={"values": count})
    return count


def secrets_count() -> int:
    return sum(model.objects.exclude(**{f"{f}__isnull": True}).count()
               for model, fields in ENCRYPTED_FIELDS for f in fields)
