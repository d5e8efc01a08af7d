"""X's OAuth 2.0 Authorization Code flow with PKCE.

The token endpoint takes HTTP Basic auth with the client id and secret for confidential
clients (Warta's case); a public client sends ``client_id`` in the form instead. Access tokens
live two hours; ``offline.access`` gets a refresh token, which X rotates on every refresh.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

from warta.channels.connectors.base import (
    AccountRef,
    AppConfig,
    ConnectorContext,
    DiscoveredAccount,
    Platform,
    TokenSet,
)
from warta.channels.connectors.pkce import token_request, token_set
from warta.channels.connectors.x.client import XClient

AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"


class XOAuth:
    platform: ClassVar[str] = Platform.X
    uses_pkce: ClassVar[bool] = True
    pkce_challenge_encoding: ClassVar[str] = "base64url"
    default_scopes: ClassVar[tuple[str, ...]] = (
        "tweet.read", "tweet.write", "tweet.moderate.write", "users.read", "media.write", "offline.access",
    )

    def __init__(self, *, transport=None, timeout_s: float = 20.0) -> None:
        self.transport = transport
        self.timeout_s = timeout_s

    def authorization_url(self, app: AppConfig, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode({
            "response_type": "code",
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(self.default_scopes),
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        })
        return f"{app.extra.get('authorize_url') or AUTHORIZE_URL}?{query}"

    def exchange_code(self, app: AppConfig, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        return self._token(app, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                 "code_verifier": code_verifier, "client_id": app.client_id}, previous=None)

    def refresh(self, app: AppConfig, tokens: TokenSet) -> TokenSet:
        return self._token(app, {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
                                 "client_id": app.client_id}, previous=tokens)

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        context = ConnectorContext(account=AccountRef(platform=Platform.X, external_id=""), app=app, tokens=tokens,
                                   timeout_s=self.timeout_s)
        client = XClient(context, transport=self.transport)
        try:
            user = client.get("/2/users/me", params={"user.fields": "username,name"})["data"]
        finally:
            client.close()
        username = str(user.get("username") or "")
        return (DiscoveredAccount(platform=Platform.X, external_id=str(user["id"]), handle=username,
                                  display_name=str(user.get("name") or ""),
                                  url=f"https://x.com/{username}" if username else ""),)

    def _token(self, app: AppConfig, data: dict[str, str], *, previous: TokenSet | None) -> TokenSet:
        base = (app.base_url or XClient.default_base_url).rstrip("/")
        basic = (app.client_id, app.client_secret) if app.client_secret else None
        answer = token_request(f"{base}/2/oauth2/token", data, platform=Platform.X, basic_auth=basic,
                               timeout_s=self.timeout_s, refreshing=previous is not None, transport=self.transport)
        return token_set(answer, previous)

