"""The one place where a platform's HTTP answer becomes data or a :class:`ConnectorError`.

Each platform's ``client.py`` subclasses :class:`ApiClient` and overrides :meth:`map_error`
(to read the platform's error body) and :meth:`auth` (how the token travels). Every request
has a timeout, passes the per-account rate limiter first, and is retried once with fresh
tokens when the platform says the token expired.
"""

from __future__ import annotations

import email.utils
import functools
import json
import ssl
import time
from collections.abc import Mapping
from typing import Any, ClassVar

import certifi
import httpx

from warta.channels.connectors.base import ConnectorContext, TokenSet
from warta.channels.connectors.errors import ConnectorError, ErrorKind

USER_AGENT = "Warta/0.1 (+humas pemerintah)"


@functools.cache
def ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building one loads the CA bundle, which cost
    about as much CPU as a whole publication (measured by bench/publishing.py)."""
    return ssl.create_default_context(cafile=certifi.where())


def http_client(timeout_s: float, *, transport: httpx.BaseTransport | None = None,
                headers: Mapping[str, str] | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx client as every connector opens one: a total and a connect timeout, Warta's
    User-Agent, and redirects never followed on their own."""
    if transport is None:
        kwargs.setdefault("verify", ssl_context())
    return httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(10.0, timeout_s)),
                        headers={"User-Agent": USER_AGENT, **(headers or {})}, transport=transport,
                        follow_redirects=False, **kwargs)


def retry_after_seconds(value: str | None) -> float | None:
    """Read a Retry-After header: seconds, or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


# Our words for each kind of refusal (platforms prefix them with their name).
ERROR_MESSAGES: Mapping[ErrorKind, str] = {
    ErrorKind.RATE_LIMITED: "rate limited",
    ErrorKind.AUTH_EXPIRED: "token expired or revoked",
    ErrorKind.TRANSIENT: "platform error",
    ErrorKind.PERMANENT: "request refused",
}


def error_kind(status: int | None, *, rate_limited: bool = False, auth_expired: bool = False,
               transient: bool = False) -> ErrorKind:
    """What a refusal means, in the order every platform reads it: 429 (or the platform's own
    rate-limit sign), then 401 (or its expired-token sign), then 5xx (or its transient sign);
    anything else is PERMANENT."""
    if rate_limited or status == 429:
        return ErrorKind.RATE_LIMITED
    if auth_expired or status == 401:
        return ErrorKind.AUTH_EXPIRED
    if transient or (status is not None and status >= 500):
        return ErrorKind.TRANSIENT
    return ErrorKind.PERMANENT


class ApiClient:
    """An HTTP client of one platform API for one account."""

    platform: ClassVar[str] = ""
    default_base_url: ClassVar[str] = ""
    # (requests, seconds) per account, from the platform's published limits.
    rate_limit: ClassVar[tuple[int, int]] = (60, 60)
    # Narrower windows per endpoint family (X, YouTube, TikTok), taken on top of ``rate_limit``
    # by a request that names its ``family``.
    family_limits: ClassVar[Mapping[str, tuple[int, int]]] = {}

    def __init__(self, context: ConnectorContext, *, transport: httpx.BaseTransport | None = None) -> None:
        self.context = context
        self.tokens: TokenSet = context.tokens
        base = (context.app.base_url or self.default_base_url).rstrip("/")
        self.http = http_client(context.timeout_s, transport=transport, base_url=base)

    # --- hooks for subclasses ---------------------------------------------------------------

    def auth(self, request_kwargs: dict[str, Any]) -> None:
        """Put the access token on the request (default: a Bearer header)."""
        if self.tokens.access_token:
            request_kwargs.setdefault("headers", {})["Authorization"] = f"Bearer {self.tokens.access_token}"

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        """Turn a non-2xx answer into a ConnectorError; override to read the platform's body."""
        status = response.status_code
        kind = error_kind(status)
        retry_after = retry_after_seconds(response.headers.get("retry-after")) if kind == ErrorKind.RATE_LIMITED else None
        return ConnectorError(kind, ERROR_MESSAGES[kind], platform_message=_payload_message(payload) or response.reason_phrase,
                              status=status, retry_after=retry_after)

    def check_payload(self, response: httpx.Response, payload: Any) -> None:
        """Raise for a 2xx answer that still carries an error (some APIs do); default: none."""

    # --- the request ------------------------------------------------------------------------

    def take(self, family: str) -> None:
        """Take one request from ``family``'s window (when a limiter is set and a family named)."""
        limiter = self.context.rate_limiter
        if family and limiter is not None:
            requests, window = self.family_limits[family]
            key = self.context.account.key or self.context.account.external_id
            limiter.acquire(f"{self.platform}:{key}:{family}", limit=requests, window_s=window)

    def request(self, method: str, url: str, *, authenticated: bool = True, raw: bool = False, family: str = "",
                **kwargs: Any) -> Any:
        """Send one request and return its JSON (or the response when ``raw``).

        ``family`` names the endpoint family whose window the request also takes from."""
        self.take(family)
        limiter = self.context.rate_limiter
        if limiter is not None:
            requests, window = self.rate_limit
            limiter.acquire(f"{self.platform}:{self.context.account.key or self.context.account.external_id}",
                            limit=requests, window_s=window)
        for attempt in (1, 2):
            call = dict(kwargs)
            if authenticated:
                self.auth(call)
            try:
                response = self.http.request(method, url, **call)
            except httpx.TimeoutException as exc:
                raise ConnectorError(ErrorKind.TRANSIENT, f"timeout: {type(exc).__name__}") from None
            except httpx.HTTPError as exc:
                raise ConnectorError(ErrorKind.TRANSIENT, f"connection failed: {type(exc).__name__}") from None
            payload = _json_or_none(response)
            if response.is_success:
                if raw:
                    return response
                if payload is _MALFORMED:
                    raise ConnectorError(ErrorKind.TRANSIENT, "malformed JSON in the platform's answer",
                                         status=response.status_code)
                self.check_payload(response, payload)
                return payload
            error = self.map_error(response, None if payload is _MALFORMED else payload)
            if (error.kind == ErrorKind.AUTH_EXPIRED and attempt == 1 and authenticated
                    and self.context.on_auth_expired is not None):
                self.tokens = self.context.on_auth_expired()
                continue
            raise error
        raise AssertionError("unreachable")

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.http.close()


_MALFORMED = object()


def _json_or_none(response: httpx.Response) -> Any:
    if not response.content:
        return {}
    try:
        return json.loads(response.content)
    except ValueError:
        return _MALFORMED


def _payload_message(payload: Any) -> str:
    if isinstance(payload, Mapping):
        error = payload.get("error")
        if isinstance(error, Mapping):
            return str(error.get("message") or error.get("error_user_msg") or "")
        for key in ("message", "detail", "error_description", "description", "title"):
            if payload.get(key):
                return str(payload[key])
        if isinstance(error, str):
            return error
    return ""
