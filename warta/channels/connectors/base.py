"""The connector contract: what Warta asks of a platform, in frozen dataclasses.

Every platform package (``connectors/<platform>/``) has ``client.py`` (HTTP, auth, paging,
error mapping), ``connector.py`` (a class implementing :class:`Connector`) and, where the
platform pushes events, ``webhooks.py``. Connectors import no Django model and no feature app:
they take a :class:`ConnectorContext` and return the dataclasses below. Times are aware UTC.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from warta.channels.connectors.errors import ConnectorError, ErrorKind

if TYPE_CHECKING:
    import httpx

    from warta.channels.connectors.http import ApiClient
    from warta.channels.ratelimit import RateLimiter


class Platform(enum.StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    TELEGRAM = "telegram"
    RSS = "rss"
    SANDBOX = "sandbox"


class Capability(enum.StrEnum):
    PUBLISH_TEXT = "publish_text"
    PUBLISH_IMAGE = "publish_image"
    PUBLISH_VIDEO = "publish_video"
    PUBLISH_LINK = "publish_link"
    FIRST_COMMENT = "first_comment"  # a first comment, or the next post of a thread
    DELETE = "delete"
    FETCH_POSTS = "fetch_posts"  # the account's own posts
    POST_METRICS = "post_metrics"
    ACCOUNT_METRICS = "account_metrics"  # followers and the like
    FETCH_COMMENTS = "fetch_comments"  # comments and replies on own posts
    REPLY = "reply"
    HIDE_COMMENT = "hide_comment"
    FETCH_MENTIONS = "fetch_mentions"
    SEARCH = "search"  # public posts matching tracked terms
    DIRECT_MESSAGES = "direct_messages"
    WEBHOOKS = "webhooks"  # the platform pushes events to Warta


class ItemKind(enum.StrEnum):
    """What an inbound item is; the ingest app stores every kind in one table."""

    POST = "post"  # an official account's own post
    COMMENT = "comment"  # a comment or reply under a post
    MENTION = "mention"  # a public post naming or tagging an official account
    MESSAGE = "message"  # a direct message to an official account
    SEARCH_RESULT = "search_result"  # a public post found by a tracked term
    NEWS = "news"  # an online news article


# --- what goes out ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Media:
    """A file to publish: ``path`` on local disk (uploads) and, for platforms that fetch the
    file themselves (Instagram, TikTok pull), ``public_url`` — a signed, expiring Warta URL."""

    kind: str  # "image" | "video"
    path: str
    mime_type: str
    size_bytes: int
    public_url: str = ""
    alt_text: str = ""
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


@dataclass(frozen=True)
class OutboundPost:
    text: str
    link: str = ""
    media: tuple[Media, ...] = ()
    first_comment: str = ""
    title: str = ""  # video title (YouTube, TikTok)
    idempotency_key: str = ""  # Warta's publication id; connectors pass it where the API takes one


@dataclass(frozen=True)
class PublishResult:
    external_id: str
    url: str = ""
    published_at: datetime | None = None
    first_comment_id: str = ""
    status: str = "published"  # or "processing" (video still being processed by the platform)
    notice: str = ""  # e.g. TikTok: "unaudited app: the post is private"


# --- what comes in ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundItem:
    """One normalised item from any platform; ``docs/inbound-item.schema.json`` documents it.

    ``(platform, external_id)`` identifies the item: the ingest app stores it once.
    """

    platform: str
    external_id: str
    kind: str  # an ItemKind value
    text: str
    created_at: datetime
    url: str = ""
    account_external_id: str = ""  # the official account it belongs or speaks to, if any
    author_external_id: str = ""
    author_handle: str = ""
    author_name: str = ""
    parent_external_id: str = ""  # the post or comment it answers
    thread_external_id: str = ""  # the top post of the conversation
    title: str = ""  # news headline, video title
    source_name: str = ""  # news outlet, feed title
    language: str = ""
    media_urls: tuple[str, ...] = ()
    metrics: Mapping[str, int] = field(default_factory=dict)  # likes, replies, shares, views…
    extra: Mapping[str, Any] = field(default_factory=dict)  # small platform-specific facts


@dataclass(frozen=True)
class PostMetrics:
    external_id: str
    observed_at: datetime
    values: Mapping[str, int]  # impressions, reach, likes, comments, shares, saves, views, clicks…


@dataclass(frozen=True)
class AccountMetrics:
    observed_at: datetime
    followers: int | None = None
    following: int | None = None
    posts: int | None = None
    values: Mapping[str, int] = field(default_factory=dict)  # page views, profile visits…


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results; ``next_cursor`` is opaque and empty on the last page."""

    items: tuple[T, ...]
    next_cursor: str = ""


# --- what a connector is given -----------------------------------------------------------------


@dataclass(frozen=True)
class TokenSet:
    """The secrets of one connection. Only ever held in memory and in the encrypted field."""

    access_token: str = ""
    refresh_token: str = ""
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)  # page token, bot token, channel id…

    def __repr__(self) -> str:  # never let a token reach a log line or a traceback
        return f"TokenSet(expires_at={self.expires_at!r}, scopes={self.scopes!r}, <secrets hidden>)"


@dataclass(frozen=True)
class AppConfig:
    """The installation's platform app (set by an installation admin in Pengaturan)."""

    platform: str
    client_id: str = ""
    client_secret: str = ""
    api_version: str = ""
    base_url: str = ""  # empty: the platform's public API; tests and the sandbox set their own
    extra: Mapping[str, str] = field(default_factory=dict)  # webhook verify token, app audit state…

    def __repr__(self) -> str:
        return f"AppConfig(platform={self.platform!r}, client_id={self.client_id!r}, <secret hidden>)"


@dataclass(frozen=True)
class AccountRef:
    platform: str
    external_id: str  # page id, IG user id, X user id, channel id, chat id, feed URL…
    handle: str = ""
    url: str = ""
    key: str = ""  # Warta's own account uuid: rate-limit and audit key


@dataclass(frozen=True)
class ConnectorContext:
    account: AccountRef
    app: AppConfig
    tokens: TokenSet
    rate_limiter: RateLimiter | None = None
    # Called by a client when the platform says the token expired: returns fresh tokens
    # (refreshed and stored by the channels app) or raises ConnectorError(AUTH_EXPIRED).
    on_auth_expired: Callable[[], TokenSet] | None = None
    timeout_s: float = 20.0


# --- the contract -------------------------------------------------------------------------------


@runtime_checkable
class Connector(Protocol):
    """A platform, as Warta sees it. Unsupported methods raise ``ConnectorError(NOT_SUPPORTED)``;
    ``capabilities`` says in advance which ones work."""

    platform: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    # Published limits: requests per window, per account (the rate limiter enforces them).
    rate_limit: ClassVar[tuple[int, int]]  # (requests, seconds)

    def __init__(self, context: ConnectorContext) -> None: ...

    def publish(self, post: OutboundPost) -> PublishResult: ...
    def delete(self, external_id: str) -> None: ...
    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]: ...
    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]: ...
    def account_metrics(self) -> AccountMetrics: ...
    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]: ...
    def reply(self, to_external_id: str, text: str) -> PublishResult: ...
    def hide_comment(self, external_id: str, *, hidden: bool = True) -> None: ...
    def fetch_mentions(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]: ...
    def search(self, query: str, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]: ...
    def fetch_messages(self, *, cursor: str = "") -> Page[InboundItem]: ...
    def send_message(self, to_external_id: str, text: str) -> PublishResult: ...


class BaseConnector:
    """Defaults for a connector: everything not supported, until a subclass says otherwise.

    A connector that talks HTTP through its platform's :class:`~.http.ApiClient` subclass names
    it in ``client_class``: the constructor then opens ``self.client`` for the context (tests
    pass an httpx ``transport``), and ``rate_limit`` defaults to the client's published limit.
    """

    platform: ClassVar[str] = ""
    capabilities: ClassVar[frozenset[Capability]] = frozenset()
    rate_limit: ClassVar[tuple[int, int]] = (60, 60)
    client_class: ClassVar[type[ApiClient] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.client_class is not None and "rate_limit" not in cls.__dict__:
            cls.rate_limit = cls.client_class.rate_limit

    def __init__(self, context: ConnectorContext, *, transport: httpx.BaseTransport | None = None) -> None:
        self.context = context
        if self.client_class is not None:
            self.client = self.client_class(context, transport=transport)

    def _unsupported(self, what: str):
        raise ConnectorError(ErrorKind.NOT_SUPPORTED, f"{self.platform}: {what} is not supported")

    def publish(self, post: OutboundPost) -> PublishResult:
        self._unsupported("publish")

    def delete(self, external_id: str) -> None:
        self._unsupported("delete")

    def fetch_posts(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        self._unsupported("fetch_posts")

    def post_metrics(self, external_ids: tuple[str, ...]) -> tuple[PostMetrics, ...]:
        self._unsupported("post_metrics")

    def account_metrics(self) -> AccountMetrics:
        self._unsupported("account_metrics")

    def fetch_comments(self, post_external_id: str, *, cursor: str = "") -> Page[InboundItem]:
        self._unsupported("fetch_comments")

    def reply(self, to_external_id: str, text: str) -> PublishResult:
        self._unsupported("reply")

    def hide_comment(self, external_id: str, *, hidden: bool = True) -> None:
        self._unsupported("hide_comment")

    def fetch_mentions(self, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        self._unsupported("fetch_mentions")

    def search(self, query: str, *, cursor: str = "", since: datetime | None = None) -> Page[InboundItem]:
        self._unsupported("search")

    def fetch_messages(self, *, cursor: str = "") -> Page[InboundItem]:
        self._unsupported("fetch_messages")

    def send_message(self, to_external_id: str, text: str) -> PublishResult:
        self._unsupported("send_message")


# --- small helpers shared by connectors ---------------------------------------------------------


def iso_time(value: str | None) -> datetime:
    """Parse an ISO 8601 timestamp (``2024-05-01T03:04:05Z``) as aware UTC; now when absent."""
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def items_since(items: Iterable[InboundItem], since: datetime | None) -> tuple[tuple[InboundItem, ...], bool]:
    """Keep the items created at or after ``since`` (all of them when None); also say whether
    one was older, so that newest-first paging can stop there."""
    kept = tuple(item for item in items if since is None or item.created_at >= since)
    return kept, since is not None and any(item.created_at < since for item in items)


def text_with_link(text: str, link: str, *, separator: str = "\n") -> str:
    """``text`` with ``link`` after it (on its own line), unless the text already carries it."""
    if not link or link in text:
        return text
    return f"{text}{separator}{link}" if text else link


# --- connecting an account ----------------------------------------------------------------------


@dataclass(frozen=True)
class DiscoveredAccount:
    """An account the user may connect after authorising (a Facebook Page, an IG account…)."""

    platform: str
    external_id: str
    handle: str
    display_name: str = ""
    url: str = ""
    tokens: TokenSet | None = None  # account-specific tokens (a Page token), if the platform has them


@runtime_checkable
class OAuthProvider(Protocol):
    """The OAuth 2 authorisation-code flow of one platform (with PKCE where it supports it)."""

    platform: ClassVar[str]
    uses_pkce: ClassVar[bool]
    default_scopes: ClassVar[tuple[str, ...]]

    def authorization_url(self, app: AppConfig, *, redirect_uri: str, state: str, code_challenge: str) -> str: ...
    def exchange_code(self, app: AppConfig, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet: ...
    def refresh(self, app: AppConfig, tokens: TokenSet) -> TokenSet: ...
    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]: ...


@dataclass(frozen=True)
class WebhookRequest:
    """An inbound HTTP call as the webhook parser sees it (no Django request object)."""

    method: str
    headers: Mapping[str, str]  # lower-case names
    query: Mapping[str, str]
    body: bytes
