"""OAuth 2 with PKCE (S256) against the sandbox platform's /oauth/authorize and /oauth/token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from warta.channels.connectors.base import AppConfig, DiscoveredAccount, Platform, TokenSet
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.http import http_client
from warta.channels.connectors.sandbox.client import sandbox_base_url, sandbox_root


class SandboxOAuth:
    platform: ClassVar[str] = Platform.SANDBOX
    uses_pkce: ClassVar[bool] = True
    default_scopes: ClassVar[tuple[str, ...]] = ("publish", "read", "messages", "metrics")
    timeout_s: ClassVar[float] = 20.0

    def __init__(self, *, transport: httpx.BaseTransport | None = None) -> None:
        self.transport = transport

    def authorization_url(self, app: AppConfig, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode({"response_type": "code", "client_id": app.client_id, "redirect_uri": redirect_uri,
                           "state": state, "code_challenge": code_challenge, "code_challenge_method": "S256",
                           "scope": " ".join(self.default_scopes)})
        return f"{sandbox_root(app.base_url)}/oauth/authorize?{query}"

    def _http(self) -> httpx.Client:
        return http_client(self.timeout_s, transport=self.transport)

    def _token_call(self, app: AppConfig, form: dict[str, str]) -> TokenSet:
        form = dict(form, client_id=app.client_id, client_secret=app.client_secret)
        try:
            with self._http() as http:
                response = http.post(f"{sandbox_root(app.base_url)}/oauth/token", data=form)
        except httpx.TimeoutException:
            raise ConnectorError(ErrorKind.TRANSIENT, "timeout talking to the sandbox") from None
        except httpx.HTTPError as exc:
            raise ConnectorError(ErrorKind.TRANSIENT, f"connection failed: {type(exc).__name__}") from None
        try:
            payload: Any = response.json()
        except ValueError:
            raise ConnectorError(ErrorKind.TRANSIENT, "malformed JSON in the sandbox's answer",
                                 status=response.status_code) from None
        if not response.is_success or not isinstance(payload, dict) or "access_token" not in payload:
            code = str(payload.get("error", "")) if isinstance(payload, dict) else ""
            message = str(payload.get("error_description", "")) if isinstance(payload, dict) else ""
            if response.status_code >= 500:
                kind = ErrorKind.TRANSIENT
            elif code == "invalid_grant":
                kind = ErrorKind.AUTH_EXPIRED
            else:
                kind = ErrorKind.PERMANENT
            raise ConnectorError(kind, "token request refused", platform_message=message,
                                 status=response.status_code, code=code)
        expires_in = int(payload.get("expires_in") or 0)
        return TokenSet(
            access_token=payload["access_token"], refresh_token=payload.get("refresh_token", ""),
            expires_at=datetime.now(UTC) + timedelta(seconds=expires_in) if expires_in else None,
            scopes=tuple(str(payload.get("scope", "")).split()),
            extra={"account_id": str(payload.get("account_id", ""))},
        )

    def exchange_code(self, app: AppConfig, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        return self._token_call(app, {"grant_type": "authorization_code", "code": code,
                                      "redirect_uri": redirect_uri, "code_verifier": code_verifier})

    def refresh(self, app: AppConfig, tokens: TokenSet) -> TokenSet:
        if not tokens.refresh_token:
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "no refresh token: reconnect the account")
        return self._token_call(app, {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token})

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        try:
            with self._http() as http:
                response = http.get(f"{sandbox_base_url(app.base_url)}/me",
                                    headers={"Authorization": f"Bearer {tokens.access_token}"})
        except httpx.HTTPError as exc:
            raise ConnectorError(ErrorKind.TRANSIENT, f"connection failed: {type(exc).__name__}") from None
        try:
            me = response.json()
        except ValueError:
            raise ConnectorError(ErrorKind.TRANSIENT, "malformed JSON in the sandbox's answer") from None
        if response.status_code == 401:
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "token refused", status=401)
        if not response.is_success:
            raise ConnectorError(ErrorKind.PERMANENT, "account lookup refused", status=response.status_code)
        return (DiscoveredAccount(platform=Platform.SANDBOX, external_id=str(me["id"]), handle=f"@{me['handle']}",
                                  display_name=me.get("display_name", ""), url=me.get("url", ""), tokens=tokens),)
