"""X's OAuth 2.0 Authorization Code flow with PKCE.

The token endpoint takes HTTP Basic auth with the client id and secret for confidential
clients (Warta's case); a public client sends ``client_id`` in the form instead. Access tokens
live two hours; ``offline.access`` gets a refresh token, which X rotates on every refresh.
"""

from __future__ import annotations

from typing import ClassVar

from warta.channels.connectors.base import AppConfig, DiscoveredAccount, Platform, TokenSet
from warta.channels.connectors.oauth2 import OAuth2Provider
from warta.channels.connectors.x.client import XClient

AUTHORIZE_URL = "https://x.com/i/oauth2/authorize"


class XOAuth(OAuth2Provider):
    platform: ClassVar[str] = Platform.X
    default_scopes: ClassVar[tuple[str, ...]] = (
        "tweet.read", "tweet.write", "tweet.moderate.write", "users.read", "media.write", "offline.access",
    )
    authorize_url: ClassVar[str] = AUTHORIZE_URL
    client_class = XClient

    def authorization_params(self, app: AppConfig, *, redirect_uri: str, state: str) -> dict[str, str]:
        return {"response_type": "code", "client_id": app.client_id, "redirect_uri": redirect_uri,
                "scope": " ".join(self.default_scopes), "state": state}

    def token_url(self, app: AppConfig) -> str:
        return f"{(app.base_url or XClient.default_base_url).rstrip('/')}/2/oauth2/token"

    def basic_auth(self, app: AppConfig) -> tuple[str, str] | None:
        return (app.client_id, app.client_secret) if app.client_secret else None

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        user = self.api_get(app, tokens, "/2/users/me", params={"user.fields": "username,name"})["data"]
        username = str(user.get("username") or "")
        return (DiscoveredAccount(platform=Platform.X, external_id=str(user["id"]), handle=username,
                                  display_name=str(user.get("name") or ""),
                                  url=f"https://x.com/{username}" if username else ""),)
