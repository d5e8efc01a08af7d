"""The X API v2 client: X's error bodies, its rate-limit headers and per-family limits.

X answers errors in two shapes: an RFC 7807 problem (``{"title", "detail", "type",
"status"}``, sometimes with ``errors: [{"message", "parameters"}]``) and, from older
surfaces, ``{"errors": [{"code", "message"}]}``. A 200 may still carry ``errors`` beside a
partial ``data`` (a deleted tweet in a lookup); only an answer with errors and no data at all
is a failure. On 429 X sends ``x-rate-limit-reset``: the epoch second the window reopens.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import (
    ERROR_MESSAGES,
    ApiClient,
    error_kind,
    retry_after_seconds,
)

DUPLICATE_CONTENT = "duplicate_content"

# Per account (user context), per endpoint family: (requests, seconds). Conservative values
# from X's published per-user limits of the Basic access tier; see ADR 0009.
FAMILY_LIMITS: dict[str, tuple[int, int]] = {
    "write": (100, 86400),  # POST /2/tweets (posts, replies, first replies), DELETE /2/tweets/:id
    "media": (100, 86400),  # POST /2/media/upload
    "hide": (50, 900),  # PUT /2/tweets/:id/hidden
    "timeline": (10, 900),  # GET /2/users/:id/tweets, /2/users/:id/mentions
    "search": (60, 900),  # GET /2/tweets/search/recent (also replies via conversation_id)
    "lookup": (15, 900),  # GET /2/tweets (metrics), GET /2/users/:id, /2/users/me
}


class XClient(ApiClient):
    platform: ClassVar[str] = "x"
    default_base_url: ClassVar[str] = "https://api.x.com"
    rate_limit: ClassVar[tuple[int, int]] = (150, 900)  # ceiling over all families, per account
    family_limits: ClassVar[dict[str, tuple[int, int]]] = FAMILY_LIMITS

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        status = response.status_code
        message = problem_message(payload) or response.reason_phrase
        code = _problem_code(payload)
        kind = error_kind(status)
        if status == 403 and "duplicate content" in message.lower():
            # A retried post that X already has: the publishing app reconciles it, never resends.
            code = DUPLICATE_CONTENT
        return ConnectorError(kind, f"x: {ERROR_MESSAGES[kind]}", platform_message=message, status=status, code=code,
                              retry_after=reset_after(response) if kind == ErrorKind.RATE_LIMITED else None)

    def check_payload(self, response: httpx.Response, payload: Any) -> None:
        if isinstance(payload, Mapping) and payload.get("errors") and "data" not in payload and "meta" not in payload:
            raise ConnectorError(ErrorKind.PERMANENT, "x: request refused", platform_message=problem_message(payload),
                                 status=response.status_code, code=_problem_code(payload))


def reset_after(response: httpx.Response) -> float | None:
    """Seconds until the rate window reopens, from ``x-rate-limit-reset`` (epoch seconds)."""
    reset = response.headers.get("x-rate-limit-reset")
    if reset:
        try:
            return max(0.0, float(reset) - time.time())
        except ValueError:
            pass
    return retry_after_seconds(response.headers.get("retry-after"))


def problem_message(payload: Any) -> str:
    """X's own words: the problem's detail, and each listed error's message."""
    if not isinstance(payload, Mapping):
        return ""
    parts: list[str] = []
    detail = payload.get("detail") or payload.get("title")
    if detail:
        parts.append(str(detail))
    for error in payload.get("errors") or ():
        if isinstance(error, Mapping):
            text = error.get("message") or error.get("detail")
            if text and str(text) not in parts:
                parts.append(str(text))
    return " ".join(parts)


def _problem_code(payload: Any) -> str:
    if not isinstance(payload, Mapping):
        return ""
    if payload.get("type"):
        return str(payload["type"])
    for error in payload.get("errors") or ():
        if isinstance(error, Mapping) and (error.get("type") or error.get("code")):
            return str(error.get("type") or error.get("code"))
    return ""
