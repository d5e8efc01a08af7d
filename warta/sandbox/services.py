"""Every write of the sandbox platform: accounts, posts, comments, likes, shares, messages,
news, its OAuth 2 server (codes with PKCE, access and refresh tokens, rate windows) and the
simulation switches.

The sandbox is a platform of its own: posts written by simulated citizens are platform data,
not Warta actions, so only the installation admin's switches (simulation, scenarios, app
clients, demo tokens) go into Warta's audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import datetime, timedelta

import filetype
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.core.audit import audit_action_register, audit_record
from warta.sandbox.models import (
    AccessToken,
    AccountKind,
    AppClient,
    AuthorizationCode,
    DirectMessage,
    Follow,
    Like,
    Mention,
    NewsArticle,
    Post,
    RateLimit,
    RefreshToken,
    SandboxAccount,
    Share,
    SimulationState,
)

audit_action_register({
    "sandbox.simulation_update": gettext_lazy("Simulasi sandbox diubah"),
    "sandbox.scenario_start": gettext_lazy("Skenario sandbox dimulai"),
    "sandbox.scenario_stop": gettext_lazy("Skenario sandbox dihentikan"),
    "sandbox.client_create": gettext_lazy("Aplikasi sandbox didaftarkan"),
    "sandbox.token_issue": gettext_lazy("Token sandbox diterbitkan"),
})

MAX_TEXT = 2000
HANDLE_RE = re.compile(r"^[a-z0-9_]{2,50}$")
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{2,50})")
ACCESS_TTL = timedelta(hours=2)
REFRESH_TTL = timedelta(days=60)
CODE_TTL = timedelta(minutes=10)


class SandboxError(Exception):
    """A refused platform request: ``code`` and ``status`` travel to the API's error body."""

    def __init__(self, code: str, message: str, *, status: int = 400, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.retry_after = retry_after


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def rate_limit_setting() -> tuple[int, int]:
    """Requests per window per token: (300, 900) unless ``SANDBOX_RATE_LIMIT`` says otherwise."""
    return tuple(getattr(settings, "SANDBOX_RATE_LIMIT", (300, 900)))


# --- accounts -------------------------------------------------------------------------------------


def account_create(*, handle: str, display_name: str, kind: str = AccountKind.CITIZEN, bio: str = "",
                   region: str = "", followers_count: int = 0, now: datetime | None = None) -> SandboxAccount:
    """Create a sandbox account; the handle is stored lower case without "@"."""
    handle = handle.lstrip("@").lower()
    if not HANDLE_RE.match(handle):
        raise SandboxError("invalid_handle", _("Nama akun hanya boleh huruf kecil, angka dan garis bawah (2–50)."))
    if kind not in AccountKind.values:
        raise SandboxError("invalid_kind", _("Jenis akun tidak dikenal."))
    if SandboxAccount.objects.filter(handle=handle).exists():
        raise SandboxError("handle_taken", _("Nama akun @%(handle)s sudah dipakai.") % {"handle": handle}, status=409)
    return SandboxAccount.objects.create(handle=handle, display_name=display_name[:120] or handle, kind=kind,
                                         bio=bio[:300], region=region[:120], followers_count=followers_count,
                                         created_at=now or timezone.now())


def follow_create(*, follower: SandboxAccount, followed: SandboxAccount, now: datetime | None = None) -> bool:
    """Make ``follower`` follow ``followed``; return False when it already did."""
    if follower.pk == followed.pk:
        return False
    try:
        with transaction.atomic():
            Follow.objects.create(follower=follower, followed=followed, created_at=now or timezone.now())
    except IntegrityError:
        return False
    SandboxAccount.objects.filter(pk=followed.pk).update(followers_count=F("followers_count") + 1)
    SandboxAccount.objects.filter(pk=follower.pk).update(following_count=F("following_count") + 1)
    return True


# --- posts, comments and what people do with them ---------------------------------------------------


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise SandboxError("invalid_text", _("Teks tidak boleh kosong."))
    if len(text) > MAX_TEXT:
        raise SandboxError("text_too_long", _("Teks paling panjang %(n)s karakter.") % {"n": MAX_TEXT})
    return text


def _mentions(post: Post) -> None:
    handles = {h.lower() for h in MENTION_RE.findall(post.text)}
    if not handles:
        return
    accounts = SandboxAccount.objects.filter(handle__in=handles).exclude(pk=post.author_id)
    Mention.objects.bulk_create([Mention(post=post, account=a) for a in accounts], ignore_conflicts=True)


def post_create(*, author: SandboxAccount, text: str, parent: Post | None = None, quote_of: Post | None = None,
                image=None, link: str = "", idempotency_key: str = "", now: datetime | None = None,
                scenario_run=None) -> Post:
    """Write a post, or a comment/reply when ``parent`` is given; derive its mentions and bump
    the counters. With an ``idempotency_key`` the author's earlier post of that key is returned."""
    text = _clean_text(text)
    key = idempotency_key[:100]
    write = dict(author=author, text=text, parent=parent, quote_of=quote_of, image=image, link=link, key=key,
                 now=now, scenario_run=scenario_run)
    if key and image is None:
        # Write first: the unique (author, key) constraint answers "seen before?", a statement
        # less per post than asking first. A duplicate's write is rolled back, then read.
        try:
            return _post_write(**write)
        except IntegrityError:
            existing = Post.objects.filter(author=author, idempotency_key=key).first()
            if existing is None:
                raise
            return existing
    if key:  # with an image, ask first: a duplicate must not store its file again
        existing = Post.objects.filter(author=author, idempotency_key=key).first()
        if existing is not None:
            return existing
    return _post_write(**write)


@transaction.atomic
def _post_write(*, author: SandboxAccount, text: str, parent: Post | None, quote_of: Post | None, image,
                link: str, key: str, now: datetime | None, scenario_run) -> Post:
    if parent is not None and (parent.deleted or parent.hidden):
        raise SandboxError("not_found", _("Kiriman yang dibalas tidak ditemukan."), status=404)
    if image is not None:
        size = getattr(image, "size", 0) or 0
        if size > 5 * 1024 * 1024:
            raise SandboxError("image_too_large", _("Gambar paling besar 5 MB."))
        head = image.read(262)
        image.seek(0)
        kind = filetype.guess(head)  # the bytes decide, not the name or the declared type
        if kind is None or not kind.mime.startswith("image/"):
            raise SandboxError("invalid_image", _("Berkas ini bukan gambar."))
    post = Post(author=author, text=text, parent=parent, quote_of=quote_of, link=link[:500],
                idempotency_key=key, created_at=now or timezone.now(), scenario_run=scenario_run)
    if parent is not None:
        post.root_id = parent.root_id or parent.pk
    if image is not None:
        post.image = image
    post.save()
    _mentions(post)
    if parent is not None:
        Post.objects.filter(pk=parent.pk).update(comments_count=F("comments_count") + 1)
        if post.root_id != parent.pk:
            Post.objects.filter(pk=post.root_id).update(comments_count=F("comments_count") + 1)
    else:
        SandboxAccount.objects.filter(pk=author.pk).update(posts_count=F("posts_count") + 1)
    if quote_of is not None:
        Post.objects.filter(pk=quote_of.pk).update(shares_count=F("shares_count") + 1)
    return post


def post_delete(*, actor: SandboxAccount, post: Post) -> None:
    """Delete the actor's own post (kept as a tombstone so counts and ids stay stable)."""
    if post.author_id != actor.pk:
        raise SandboxError("forbidden", _("Anda hanya dapat menghapus kiriman Anda sendiri."), status=403)
    if post.deleted:
        return
    Post.objects.filter(pk=post.pk).update(deleted=True)
    post.deleted = True
    if post.parent_id is None:
        SandboxAccount.objects.filter(pk=actor.pk, posts_count__gt=0).update(posts_count=F("posts_count") - 1)


def comment_hide(*, actor: SandboxAccount, comment: Post, hidden: bool = True) -> Post:
    """Hide (or show again) a comment under one of the actor's posts."""
    if comment.parent_id is None:
        raise SandboxError("not_a_comment", _("Yang dapat disembunyikan hanya komentar."))
    root = Post.objects.get(pk=comment.root_id or comment.parent_id)
    if root.author_id != actor.pk:
        raise SandboxError("forbidden", _("Anda hanya dapat menyembunyikan komentar pada kiriman Anda."), status=403)
    Post.objects.filter(pk=comment.pk).update(hidden=hidden)
    comment.hidden = hidden
    return comment


def like_create(*, account: SandboxAccount, post: Post, now: datetime | None = None) -> bool:
    try:
        with transaction.atomic():
            Like.objects.create(account=account, post=post, created_at=now or timezone.now())
    except IntegrityError:
        return False
    Post.objects.filter(pk=post.pk).update(likes_count=F("likes_count") + 1)
    return True


def share_create(*, account: SandboxAccount, post: Post, now: datetime | None = None) -> Share:
    share = Share.objects.create(account=account, post=post, created_at=now or timezone.now())
    Post.objects.filter(pk=post.pk).update(shares_count=F("shares_count") + 1)
    return share


def views_add(*, post_ids: list[int], views: int = 1) -> None:
    Post.objects.filter(pk__in=post_ids).update(views_count=F("views_count") + views)


def message_send(*, sender: SandboxAccount, recipient: SandboxAccount, text: str,
                 now: datetime | None = None) -> DirectMessage:
    """Send a direct message."""
    text = _clean_text(text)
    if sender.pk == recipient.pk:
        raise SandboxError("invalid_recipient", _("Tidak dapat mengirim pesan ke akun sendiri."))
    return DirectMessage.objects.create(sender=sender, recipient=recipient, text=text, created_at=now or timezone.now())


def article_publish(*, portal: SandboxAccount, title: str, body: str, now: datetime | None = None,
                    scenario_run=None) -> NewsArticle:
    """Publish a news article of a news portal (also shown in the RSS feed)."""
    if portal.kind != AccountKind.NEWS:
        raise SandboxError("not_a_portal", _("Hanya portal berita yang dapat menerbitkan artikel."), status=403)
    title = title.strip()[:300]
    if not title:
        raise SandboxError("invalid_title", _("Judul artikel tidak boleh kosong."))
    base = slugify(title)[:100] or "artikel"
    slug = f"{base}-{secrets.token_hex(4)}"
    return NewsArticle.objects.create(portal=portal, title=title, body=body.strip(), slug=slug,
                                      published_at=now or timezone.now(), scenario_run=scenario_run)


# --- OAuth 2 with PKCE -----------------------------------------------------------------------------


def client_create(*, name: str, redirect_uris: list[str] | tuple[str, ...] = (), client_id: str = "",
                  client_secret: str = "", actor=None) -> tuple[AppClient, str]:
    """Register an app at the sandbox; return it and its secret (shown once, stored hashed)."""
    client_id = client_id or f"sbx_{secrets.token_hex(8)}"
    raw = client_secret or secrets.token_urlsafe(32)
    client = AppClient.objects.create(client_id=client_id, name=name[:120], secret_hash=token_hash(raw),
                                      redirect_uris="\n".join(redirect_uris))
    if actor is not None:
        audit_record(actor=actor, action="sandbox.client_create", target=client, changes={"client_id": client_id})
    return client, raw


def client_authenticate(*, client_id: str, client_secret: str) -> AppClient:
    client = AppClient.objects.filter(client_id=client_id).first()
    if client is None or not secrets.compare_digest(client.secret_hash, token_hash(client_secret or "")):
        raise SandboxError("invalid_client", _("Client ID atau client secret salah."), status=401)
    return client


def pkce_challenge(verifier: str) -> str:
    """Return the S256 code challenge of a PKCE verifier (RFC 7636)."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorization_code_issue(*, client: AppClient, account: SandboxAccount, user, redirect_uri: str,
                             code_challenge: str, scope: str = "") -> str:
    """Issue a one-time authorisation code bound to the PKCE challenge; return it raw."""
    if account.kind != AccountKind.OFFICIAL:
        raise SandboxError("invalid_account", _("Hanya akun resmi yang dapat dihubungkan."))
    if not client.allows_redirect(redirect_uri):
        raise SandboxError("invalid_redirect_uri", _("Alamat pengalihan tidak terdaftar untuk aplikasi ini."))
    if not re.fullmatch(r"[A-Za-z0-9_-]{43,128}", code_challenge or ""):
        raise SandboxError("invalid_request", _("Tantangan PKCE (S256) tidak sah."))
    if not getattr(user, "is_superuser", False):  # the "admin" scope starts and stops scenarios
        scope = " ".join(s for s in scope.split() if s != "admin")
    raw = secrets.token_urlsafe(32)
    AuthorizationCode.objects.create(code_hash=token_hash(raw), client=client, account=account,
                                     user=user if getattr(user, "pk", None) else None, redirect_uri=redirect_uri,
                                     code_challenge=code_challenge, scope=scope[:200],
                                     expires_at=timezone.now() + CODE_TTL)
    return raw


def token_issue(*, account: SandboxAccount, client: AppClient | None = None, scope: str = "",
                access_ttl: timedelta = ACCESS_TTL, actor=None) -> dict:
    """Issue an access and a refresh token for ``account``; return the token response."""
    now = timezone.now()
    access, refresh = f"sbxa_{secrets.token_urlsafe(32)}", f"sbxr_{secrets.token_urlsafe(32)}"
    AccessToken.objects.create(token_hash=token_hash(access), client=client, account=account, scope=scope,
                               expires_at=now + access_ttl)
    RefreshToken.objects.create(token_hash=token_hash(refresh), client=client, account=account, scope=scope,
                                expires_at=now + REFRESH_TTL)
    if actor is not None:
        audit_record(actor=actor, action="sandbox.token_issue", target=account, changes={"scope": scope})
    return {"access_token": access, "token_type": "Bearer", "expires_in": int(access_ttl.total_seconds()),
            "refresh_token": refresh, "scope": scope, "account_id": str(account.pk),
            "expires_at": (now + access_ttl).isoformat()}


def token_exchange_code(*, client: AppClient, code: str, redirect_uri: str, code_verifier: str) -> dict:
    """Trade a code for tokens. The code is used once: a second use, a wrong verifier or a
    different redirect URI is refused (and a reused code revokes nothing else, the code is dead).
    A wrong verifier kills the code too: its use is committed before the refusal."""
    with transaction.atomic():
        row = AuthorizationCode.objects.select_for_update().filter(code_hash=token_hash(code or "")).first()
        if row is None or row.client_id != client.pk:
            raise SandboxError("invalid_grant", _("Kode otorisasi tidak dikenal."))
        if row.used_at is not None:
            raise SandboxError("invalid_grant", _("Kode otorisasi sudah pernah dipakai."))
        if row.expires_at <= timezone.now():
            raise SandboxError("invalid_grant", _("Kode otorisasi sudah kedaluwarsa."))
        if row.redirect_uri != redirect_uri:
            raise SandboxError("invalid_grant", _("Alamat pengalihan tidak sama dengan saat otorisasi."))
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        if code_verifier and secrets.compare_digest(pkce_challenge(code_verifier), row.code_challenge):
            return token_issue(account=row.account, client=client, scope=row.scope)
    raise SandboxError("invalid_grant", _("Verifier PKCE tidak cocok."))


@transaction.atomic
def token_refresh(*, client: AppClient | None, refresh_token: str) -> dict:
    """Trade a refresh token for new tokens (refresh tokens rotate: each is used once)."""
    row = RefreshToken.objects.select_for_update().filter(token_hash=token_hash(refresh_token or "")).first()
    if row is None or (client is not None and row.client_id not in (None, client.pk)):
        raise SandboxError("invalid_grant", _("Refresh token tidak dikenal."))
    if row.used_at is not None or row.expires_at <= timezone.now():
        raise SandboxError("invalid_grant", _("Refresh token sudah dipakai atau kedaluwarsa."))
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return token_issue(account=row.account, client=row.client, scope=row.scope)


def token_authenticate(raw: str) -> AccessToken:
    """Return the live access token of a Bearer value, or raise ``SandboxError`` (401)."""
    row = AccessToken.objects.select_related("account").filter(token_hash=token_hash(raw or "")).first()
    if row is None or row.revoked_at is not None:
        raise SandboxError("invalid_token", _("Token akses tidak sah."), status=401)
    if row.expires_at <= timezone.now():
        raise SandboxError("token_expired", _("Token akses sudah kedaluwarsa."), status=401)
    return row


def rate_limit_hit(*, token: AccessToken, now: datetime | None = None) -> None:
    """Count one request of ``token``; raise ``SandboxError`` (429, Retry-After) over the limit."""
    limit, window = rate_limit_setting()
    now = now or timezone.now()
    # The common case in one statement: the token's window goes on and has room.
    if RateLimit.objects.filter(token=token, window_start__gt=now - timedelta(seconds=window),
                                count__lt=limit).update(count=F("count") + 1):
        return
    row, created = RateLimit.objects.get_or_create(token=token, defaults={"window_start": now, "count": 1})
    if created:
        return
    if (now - row.window_start).total_seconds() >= window:
        RateLimit.objects.filter(pk=row.pk).update(window_start=now, count=1)
        return
    if row.count >= limit:
        retry = int(window - (now - row.window_start).total_seconds()) + 1
        raise SandboxError("rate_limited", _("Terlalu banyak permintaan. Coba lagi dalam %(s)s detik.") % {"s": retry},
                           status=429, retry_after=retry)
    RateLimit.objects.filter(pk=row.pk).update(count=F("count") + 1)


# --- the simulation switches -----------------------------------------------------------------------


def simulation_state() -> SimulationState:
    state, _created = SimulationState.objects.get_or_create(pk=1)
    return state


def simulation_update(*, actor=None, running: bool | None = None, speed: float | None = None) -> SimulationState:
    """Switch the simulation on or off and set its speed (0.1–100 times the base rate)."""
    state = simulation_state()
    changes = {}
    if speed is not None:
        if not 0.1 <= float(speed) <= 100:
            raise SandboxError("invalid_speed", _("Kecepatan harus antara 0,1 dan 100."))
        changes["speed"] = [state.speed, float(speed)]
        state.speed = float(speed)
    if running is not None:
        changes["running"] = [state.running, bool(running)]
        state.running = bool(running)
        if running:
            state.last_tick_at = timezone.now()
    state.save()
    if actor is not None:
        audit_record(actor=actor, action="sandbox.simulation_update", target=state,
                     target_label="simulasi sandbox", changes=changes)
    return state
