"""The Meta Graph API client shared by the Facebook and Instagram connectors.

What is Graph-specific lives here once: the error body (``error.code``, ``error_subcode``,
``is_transient``, ``error_user_msg``) mapped to :class:`ConnectorError`, the usage headers
(``X-App-Usage``, ``X-Business-Use-Case-Usage``, ``X-Page-Usage``) read for a retry-after
estimate, the versioned paths, cursor paging (``paging.cursors.after`` / ``paging.next``), the
access token (an ``Authorization: Bearer`` header, so it never sits in a URL that a proxy or a
log line could keep) and ``appsecret_proof`` when the installation has an app secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import httpx

from warta.channels.connectors.base import PublishResult
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import ApiClient, error_kind, retry_after_seconds

logger = logging.getLogger(__name__)

DEFAULT_VERSION = "v21.0"
DEFAULT_BASE_URL = "https://graph.facebook.com"

# Graph error codes that mean "slow down" (API too many calls, user/page/app limits, and the
# Business Use Case family 80000-80014 of the Pages and Instagram APIs).
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613} | set(range(80000, 80015)))
AUTH_CODES = frozenset({102, 190})
# 1/2: unknown or service error; 9007: an Instagram container not ready for publishing yet.
TRANSIENT_CODES = frozenset({1, 2, 9007})
# Instagram's daily publishing cap (code 9, subcode 2207042): wait for the 24-hour window.
PUBLISH_CAP = (9, 2207042)
# When Meta throttles without saying for how long, wait this long (its windows roll over an hour).
DEFAULT_RETRY_AFTER_S = 300.0
GRAPH_MESSAGES = {
    ErrorKind.RATE_LIMITED: "Graph API rate limit reached",
    ErrorKind.AUTH_EXPIRED: "Meta access token expired or revoked",
    ErrorKind.TRANSIENT: "temporary Graph API error",
    ErrorKind.PERMANENT: "Graph API refused the request",
}
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-ad-account-usage")
# Query parameters never carried inside an opaque paging cursor.
_SECRET_PARAMS = frozenset({"access_token", "appsecret_proof", "client_secret"})
NEXT_PREFIX = "next:"


def appsecret_proof(access_token: str, app_secret: str) -> str:
    """Return Graph's ``appsecret_proof``: HMAC-SHA256 of the token keyed by the app secret."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def graph_time(value: Any) -> datetime:
    """Parse a Graph timestamp (``2024-05-01T03:04:05+0000``, or unix seconds/milliseconds)."""
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        if number > 1e11:  # milliseconds (messaging webhooks)
            number /= 1000
        return datetime.fromtimestamp(number, tz=UTC)
    if isinstance(value, str) and value:
        for fmt in ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f%z"):
            try:
                return datetime.strptime(value, fmt).astimezone(UTC)
            except ValueError:
                continue
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"not a Graph timestamp: {value!r}")


def usage_retry_after(headers: Mapping[str, str]) -> float | None:
    """Estimate how long to wait from Retry-After and Meta's usage headers (None: no hint).

    ``X-Business-Use-Case-Usage`` is ``{"<id>": [{"type": …, "call_count": %, "total_time": %,
    "total_cputime": %, "estimated_time_to_regain_access": minutes}]}``; ``X-App-Usage`` and
    ``X-Page-Usage`` are one such object without the id level.
    """
    waits: list[float] = []
    header = retry_after_seconds(headers.get("retry-after"))
    if header:
        waits.append(header)
    saturated = False
    entries: list[Mapping[str, Any]] = []
    raw = headers.get("x-business-use-case-usage")
    if raw:
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        if isinstance(data, Mapping):
            for value in data.values():
                entries.extend(e for e in (value if isinstance(value, list) else []) if isinstance(e, Mapping))
    for name in USAGE_HEADERS:
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if isinstance(data, Mapping):
            entries.append(data)
    for entry in entries:
        minutes = _number(entry.get("estimated_time_to_regain_access"))
        if minutes:
            waits.append(minutes * 60.0)
        if max(_number(entry.get(k)) for k in ("call_count", "total_time", "total_cputime")) >= 100:
            saturated = True
    if waits:
        return max(waits)
    return DEFAULT_RETRY_AFTER_S if saturated else None


def _number(value: Any) -> float:
    try:
        return float(value or 0)
    except (TypeError, ValueError):
        return 0.0


def graph_error(response: httpx.Response | None, payload: Any, *, status: int | None = None) -> ConnectorError:
    """Map a Graph error body (and the HTTP status) to one :class:`ConnectorError`."""
    status = response.status_code if response is not None else status
    headers = response.headers if response is not None else {}
    error = payload.get("error") if isinstance(payload, Mapping) else None
    error = error if isinstance(error, Mapping) else {}
    try:
        code = int(error.get("code")) if error.get("code") is not None else None
    except (TypeError, ValueError):
        code = None
    subcode = error.get("error_subcode")
    kind_name = str(error.get("type") or "")
    platform_message = str(error.get("error_user_msg") or error.get("message") or "")
    if not platform_message and response is not None:
        platform_message = response.reason_phrase
    code_text = str(code) if code is not None else ""
    if subcode:
        code_text = f"{code_text}/{subcode}"

    if (code, subcode) == PUBLISH_CAP:
        return ConnectorError(ErrorKind.RATE_LIMITED, "Instagram daily publishing limit reached",
                              platform_message=platform_message, status=status, code=code_text, retry_after=3600.0)
    kind = error_kind(status, rate_limited=code in RATE_LIMIT_CODES,
                      auth_expired=code in AUTH_CODES or (kind_name == "OAuthException" and code is None),
                      transient=error.get("is_transient") is True or code in TRANSIENT_CODES)
    retry_after = (usage_retry_after(headers) or DEFAULT_RETRY_AFTER_S) if kind == ErrorKind.RATE_LIMITED else None
    return ConnectorError(kind, GRAPH_MESSAGES[kind], platform_message=platform_message, status=status,
                          code=code_text, retry_after=retry_after)


class GraphClient(ApiClient):
    """An HTTP client of the Graph API for one Page or Instagram account (or one OAuth flow)."""

    platform: ClassVar[str] = "facebook"
    default_base_url: ClassVar[str] = DEFAULT_BASE_URL
    # Meta's platform limit is 200 calls per user per hour; Page and IG tokens fall under the
    # Business Use Case limits, which scale with the audience and are usually higher.
    rate_limit: ClassVar[tuple[int, int]] = (200, 3600)
    max_pages: ClassVar[int] = 50  # a safety stop for "read every page" loops

    def __init__(self, context, *, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(context, transport=transport)
        self.version = context.app.api_version or DEFAULT_VERSION

    # --- hooks ------------------------------------------------------------------------------

    def auth(self, request_kwargs: dict[str, Any]) -> None:
        """Send the token as ``Authorization: Bearer`` (or, if the installation sets
        ``extra["access_token_in"] = "query"``, as Graph's ``access_token`` parameter)."""
        token = self.tokens.access_token
        if not token:
            return
        params = dict(request_kwargs.get("params") or {})
        if self.context.app.extra.get("access_token_in") == "query":
            params["access_token"] = token
        else:
            request_kwargs.setdefault("headers", {})["Authorization"] = f"Bearer {token}"
        secret = self.context.app.client_secret
        if secret:
            params["appsecret_proof"] = appsecret_proof(token, secret)
        if params:
            request_kwargs["params"] = params

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        return graph_error(response, payload)

    def check_payload(self, response: httpx.Response, payload: Any) -> None:
        if isinstance(payload, Mapping) and isinstance(payload.get("error"), Mapping):
            raise graph_error(response, payload)

    # --- helpers ----------------------------------------------------------------------------

    def path(self, *parts: str) -> str:
        """Return the versioned path of a node or edge: ``path("123", "feed")`` → ``/v21.0/123/feed``."""
        return "/" + "/".join([self.version, *(quote(str(p), safe="") for p in parts if p != "")])

    def paged(self, path: str, *, params: Mapping[str, Any], cursor: str = "") -> tuple[list[Mapping[str, Any]], str]:
        """Read one page of an edge; return its items and the opaque cursor of the next page."""
        if cursor.startswith(NEXT_PREFIX):
            url = cursor[len(NEXT_PREFIX):]
            if not url.startswith(f"/{self.version}/"):
                raise ConnectorError(ErrorKind.PERMANENT, "invalid paging cursor")
            payload = self.get(url)
        else:
            query = dict(params)
            if cursor:
                query["after"] = cursor
            payload = self.get(path, params=query)
        if not isinstance(payload, Mapping):
            raise ConnectorError(ErrorKind.TRANSIENT, "unexpected Graph answer (not an object)")
        data = payload.get("data") or []
        items = [item for item in data if isinstance(item, Mapping)] if isinstance(data, list) else []
        return items, next_cursor(payload.get("paging"))

    def first_comment(self, result: PublishResult, text: str) -> PublishResult:
        """Comment ``text`` under the just-published ``result``. The post is out whatever
        happens: a failure is logged and reported in ``notice``, never raised."""
        try:
            answer = self.post(self.path(result.external_id, "comments"), data={"message": text})
        except ConnectorError as exc:
            logger.warning("%s first comment failed on %s: %s", self.platform, result.external_id, exc.kind)
            return replace(result, notice=f"first comment failed: {exc.platform_message or exc.message}")
        return replace(result, first_comment_id=str(answer.get("id") or ""))

    def all_pages(self, path: str, *, params: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """Read every page of an edge (bounded by :attr:`max_pages`)."""
        items: list[Mapping[str, Any]] = []
        cursor = ""
        for _ in range(self.max_pages):
            page, cursor = self.paged(path, params=params, cursor=cursor)
            items.extend(page)
            if not cursor:
                break
        return items


def next_cursor(paging: Any) -> str:
    """Return the cursor of the next page from a Graph ``paging`` object ("" on the last page).

    Graph marks the last page by leaving out ``paging.next``. Cursor-paged edges give
    ``paging.cursors.after``; time-paged edges (insights) give only ``next``, which is kept as a
    relative URL without the access token.
    """
    if not isinstance(paging, Mapping) or not paging.get("next"):
        return ""
    cursors = paging.get("cursors")
    if isinstance(cursors, Mapping) and cursors.get("after"):
        return str(cursors["after"])
    parts = urlsplit(str(paging["next"]))
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in _SECRET_PARAMS]
    return NEXT_PREFIX + parts.path + ("?" + urlencode(query) if query else "")


def insight_value(entry: Mapping[str, Any]) -> int | None:
    """Return the number of one insights entry (``values[-1].value`` or ``total_value.value``)."""
    total = entry.get("total_value")
    if isinstance(total, Mapping) and isinstance(total.get("value"), int | float):
        return int(total["value"])
    values = entry.get("values")
    if isinstance(values, list) and values:
        value = values[-1].get("value") if isinstance(values[-1], Mapping) else None
        if isinstance(value, int | float):
            return int(value)
        if isinstance(value, Mapping):  # breakdowns (reactions by type): the sum
            return int(sum(v for v in value.values() if isinstance(v, int | float)))
    return None


def summary_count(node: Any) -> int:
    """Return ``summary.total_count`` of an edge requested with ``.summary(true)`` (0 if absent)."""
    if isinstance(node, Mapping):
        summary = node.get("summary")
        if isinstance(summary, Mapping):
            return int(summary.get("total_count") or 0)
        if "count" in node:
            return int(node.get("count") or 0)
    return 0
