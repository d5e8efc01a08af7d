"""HTTP to the sandbox platform's API: Bearer tokens, ``{"error": {"code", "message"}}`` bodies,
cursor paging with ``next_cursor``."""

from __future__ import annotations

from typing import Any

import httpx

from warta.channels.connectors.base import Platform
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import (
    ERROR_MESSAGES,
    ApiClient,
    error_kind,
    retry_after_seconds,
)

AUTH_CODES = {"invalid_token", "token_expired"}


def sandbox_base_url(base_url: str = "") -> str:
    """The API root: the app's ``base_url``, else this installation's own sandbox."""
    if base_url:
        return base_url.rstrip("/")
    from django.conf import settings  # read when used, never at import

    return f"{getattr(settings, 'SITE_URL', 'http://127.0.0.1:8000').rstrip('/')}/sandbox/api"


def sandbox_root(base_url: str = "") -> str:
    """The platform root (where /oauth/ lives): the API root without its trailing ``/api``."""
    api = sandbox_base_url(base_url)
    return api[: -len("/api")] if api.endswith("/api") else api


class SandboxClient(ApiClient):
    platform = Platform.SANDBOX
    rate_limit = (300, 900)

    @property
    def default_base_url(self) -> str:  # type: ignore[override]
        return sandbox_base_url()

    def map_error(self, response: httpx.Response, payload: Any) -> ConnectorError:
        error = payload.get("error") if isinstance(payload, dict) else None
        code = str(error.get("code", "")) if isinstance(error, dict) else ""
        message = str(error.get("message", "")) if isinstance(error, dict) else response.reason_phrase
        status = response.status_code
        kind = error_kind(status, rate_limited=code == "rate_limited", auth_expired=code in AUTH_CODES)
        retry_after = retry_after_seconds(response.headers.get("retry-after")) if kind == ErrorKind.RATE_LIMITED else None
        return ConnectorError(kind, ERROR_MESSAGES[kind], platform_message=message, status=status, code=code,
                              retry_after=retry_after)

    def check_payload(self, response: httpx.Response, payload: Any) -> None:
        if not isinstance(payload, dict):
            raise ConnectorError(ErrorKind.TRANSIENT, "unexpected answer from the sandbox", status=response.status_code)
