"""Google's OAuth 2.0 for YouTube: offline access (a refresh token), consent every time (so
Google resends the refresh token on reconnect) and PKCE S256. A refresh answer carries no new
refresh token; the old one stays valid until revoked."""

from __future__ import annotations

from typing import ClassVar

from warta.channels.connectors.base import AppConfig, DiscoveredAccount, Platform, TokenSet
from warta.channels.connectors.oauth2 import OAuth2Provider
from warta.channels.connectors.youtube.client import YouTubeClient

AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"


class GoogleOAuth(OAuth2Provider):
    platform: ClassVar[str] = Platform.YOUTUBE
    default_scopes: ClassVar[tuple[str, ...]] = (
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.force-ssl",  # comments, moderation, delete
        "https://www.googleapis.com/auth/youtube.readonly",
    )
    authorize_url: ClassVar[str] = AUTHORIZE_URL
    client_class = YouTubeClient

    def authorization_params(self, app: AppConfig, *, redirect_uri: str, state: str) -> dict[str, str]:
        return {
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(self.default_scopes),
            "access_type": "offline",
            "prompt": "consent",
            "include_granted_scopes": "true",
            "state": state,
        }

    def token_url(self, app: AppConfig) -> str:
        return app.extra.get("token_url") or TOKEN_URL

    def token_form(self, app: AppConfig, grant: dict[str, str]) -> dict[str, str]:
        return {**grant, "client_id": app.client_id, "client_secret": app.client_secret}

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        answer = self.api_get(app, tokens, "/youtube/v3/channels", params={"part": "snippet", "mine": "true"})
        accounts = []
        for channel in answer.get("items") or ():
            snippet = channel.get("snippet") or {}
            handle = str(snippet.get("customUrl") or "")
            accounts.append(DiscoveredAccount(
                platform=Platform.YOUTUBE, external_id=str(channel["id"]), handle=handle,
                display_name=str(snippet.get("title") or ""),
                url=f"https://www.youtube.com/{handle}" if handle else f"https://www.youtube.com/channel/{channel['id']}",
            ))
        return tuple(accounts)
