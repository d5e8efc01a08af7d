"""Google's OAuth 2.0 for YouTube: offline access (a refresh token), consent every time (so
Google resends the refresh token on reconnect) and PKCE S256. A refresh answer carries no new
refresh token; the old one stays valid until revoked."""

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
from warta.channels.connectors.youtube.client import YouTubeClient

AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
TOKEN_URL = "https://oauth2.googleapis.com/token"


class GoogleOAuth:
    platform: ClassVar[str] = Platform.YOUTUBE
    uses_pkce: ClassVar[bool] = True
    pkce_challenge_encoding: ClassVar[str] = "base64url"
    default_scopes: ClassVar[tuple[str, ...]] = (
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.force-ssl",  # comments, moderation, delete
        "https://www.googleapis.com/auth/youtube.readonly",
    )

    def __init__(self, *, transport=None, timeout_s: float = 20.0) -> None:
        self.transport = transport
        self.timeout_s = timeout_s

    def authorization_url(self, app: AppConfig, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode({
            "client_id": app.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": " ".join(self.default_scopes),
            "access_type": "offline",
            "prompt": "consent",
            "include_granted_scopes": "true",
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        })
        return f"{app.extra.get('authorize_url') or AUTHORIZE_URL}?{query}"

    def exchange_code(self, app: AppConfig, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        answer = token_request(self._token_url(app), {
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": code_verifier, "client_id": app.client_id, "client_secret": app.client_secret,
        }, platform=Platform.YOUTUBE, timeout_s=self.timeout_s, transport=self.transport)
        return token_set(answer, None)

    def refresh(self, app: AppConfig, tokens: TokenSet) -> TokenSet:
        answer = token_request(self._token_url(app), {
            "grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
            "client_id": app.client_id, "client_secret": app.client_secret,
        }, platform=Platform.YOUTUBE, timeout_s=self.timeout_s, refreshing=True, transport=self.transport)
        return token_set(answer, tokens)

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        context = ConnectorContext(account=AccountRef(platform=Platform.YOUTUBE, external_id=""), app=app,
                                   tokens=tokens, timeout_s=self.timeout_s)
        client = YouTubeClient(context, transport=self.transport)
        try:
            answer = client.get("/youtube/v3/channels", params={"part": "snippet", "mine": "true"})
        finally:
            client.close()
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

    @staticmethod
    def _token_url(app: AppConfig) -> str:
        return app.extra.get("token_url") or TOKEN_URL
