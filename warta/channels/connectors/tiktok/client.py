"""The TikTok Open API v2 client: the ``error`` envelope and per-endpoint limits.

Every answer carries ``{"data": {...}, "error": {"code", "message", "log_id"}}``, with
``code == "ok"`` on success — and TikTok may put a real error in a 200, so
:meth:`check_payload` reads the envelope too. TikTok documents its limits per user token and
endpoint, in one-minute windows; it sends no reset header, so a 429 waits for ``Retry-After``
when present, else for the window (60 s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import ApiClient, error_kind, retry_after_seconds

AUTH_CODES = frozenset({"access_token_invalid", "token_expired", "access_token_expired"})
RATE_CODES = frozenset({"rate_limit_exceeded"})
TRANSIENT_CODES = frozenset({"internal_error", "server_error", "service_unavailable"})

# Per user token, per endpoint family (TikTok's published limits, one-minute windows).
FAMILY_LIMITS: dict[str, tuple[int, int]] = {
    "creator_info": (20, 60),  # /v2/post/publish/creator_info/query/
    "init": (6, 60),  # /v2/post/publish/video/init/
    "status": (30, 60),  # /v2/post/publish/status/fetch/
    "display": (600, 60),  # /v2/video/list/, /v2/video/query/, /v2/user/info/
}


class TikTokClient(ApiClient):
    platform: ClassVar[str] = "tiktok"
    default_base_url: ClassVar[str] = "https://open.tiktokapis.com"
    rate_limit: ClassVar[tuple[int, int]] = (600, 60)
    family_limits: ClassVar[dict[str, tuple[int, int]]] = FAMILY_LIMITS

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        return tiktok_error(response, payload)

    def check_payload(self, response: httpx.Response, payload: Any) -> None:
        error = payload.get("error") if isinstance(payload, Mapping) else None
        if isinstance(error, Mapping) and str(error.get("code") or "ok") != "ok":
            raise tiktok_error(response, payload)


def tiktok_error(response: httpx.Response, payload: Any) -> ConnectorError:
    status = response.status_code
    error = payload.get("error") if isinstance(payload, Mapping) else None
    code, message, log_id = "", "", ""
    if isinstance(error, Mapping):
        code = str(error.get("code") or "")
        message = str(error.get("message") or "")
        log_id = str(error.get("log_id") or "")
    message = message or response.reason_phrase
    ours = f"tiktok: {code or status}" + (f" (log_id {log_id})" if log_id else "")
    kind = error_kind(status, rate_limited=code in RATE_CODES, auth_expired=code in AUTH_CODES,
                      transient=code in TRANSIENT_CODES)
    retry_after = None
    if kind == ErrorKind.RATE_LIMITED:
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        retry_after = 60.0 if retry_after is None else retry_after
    return ConnectorError(kind, ours, platform_message=message, status=status, code=code, retry_after=retry_after)
