"""TikTok's OAuth 2.0 (Login Kit v2): ``client_key`` instead of ``client_id``, comma-separated
scopes, and PKCE. TikTok's Login Kit documents the code challenge as the hex SHA-256 digest of
the verifier (not RFC 7636's base64url), hence ``pkce_challenge_encoding = "hex"``: callers
compute the challenge with :func:`warta.channels.connectors.pkce.challenge_for`."""

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
from warta.channels.connectors.tiktok.client import TikTokClient

AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/"


class TikTokOAuth:
    platform: ClassVar[str] = Platform.TIKTOK
    uses_pkce: ClassVar[bool] = True
    pkce_challenge_encoding: ClassVar[str] = "hex"
    # user.info.profile: the username; user.info.stats: follower and video counts.
    default_scopes: ClassVar[tuple[str, ...]] = (
        "user.info.basic", "user.info.profile", "user.info.stats", "video.publish", "video.list",
    )

    def __init__(self, *, transport=None, timeout_s: float = 20.0) -> None:
        self.transport = transport
        self.timeout_s = timeout_s

    def authorization_url(self, app: AppConfig, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode({
            "client_key": app.client_id,
            "scope": ",".join(self.default_scopes),
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        })
        return f"{app.extra.get('authorize_url') or AUTHORIZE_URL}?{query}"

    def exchange_code(self, app: AppConfig, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        answer = token_request(self._token_url(app), {
            "client_key": app.client_id, "client_secret": app.client_secret, "code": code,
            "grant_type": "authorization_code", "redirect_uri": redirect_uri, "code_verifier": code_verifier,
        }, platform=Platform.TIKTOK, timeout_s=self.timeout_s, transport=self.transport)
        return _with_open_id(token_set(answer, None), answer)

    def refresh(self, app: AppConfig, tokens: TokenSet) -> TokenSet:
        answer = token_request(self._token_url(app), {
            "client_key": app.client_id, "client_secret": app.client_secret,
            "grant_type": "refresh_token", "refresh_token": tokens.refresh_token,
        }, platform=Platform.TIKTOK, timeout_s=self.timeout_s, refreshing=True, transport=self.transport)
        return _with_open_id(token_set(answer, tokens), answer)

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        context = ConnectorContext(account=AccountRef(platform=Platform.TIKTOK, external_id=""), app=app,
                                   tokens=tokens, timeout_s=self.timeout_s)
        client = TikTokClient(context, transport=self.transport)
        try:
            answer = client.get("/v2/user/info/", params={"fields": "open_id,union_id,avatar_url,display_name,username"})
        finally:
            client.close()
        user = (answer.get("data") or {}).get("user") or {}
        username = str(user.get("username") or "")
        return (DiscoveredAccount(platform=Platform.TIKTOK, external_id=str(user["open_id"]), handle=username,
                                  display_name=str(user.get("display_name") or ""),
                                  url=f"https://www.tiktok.com/@{username}" if username else ""),)

    @staticmethod
    def _token_url(app: AppConfig) -> str:
        base = (app.base_url or TikTokClient.default_base_url).rstrip("/")
        return app.extra.get("token_url") or f"{base}/v2/oauth/token/"


def _with_open_id(tokens: TokenSet, answer: dict) -> TokenSet:
    extra = dict(tokens.extra)
    if answer.get("open_id"):
        extra["open_id"] = str(answer["open_id"])
    if answer.get("refresh_expires_in"):
        extra["refresh_expires_in"] = str(answer["refresh_expires_in"])
    return TokenSet(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                    expires_at=tokens.expires_at, scopes=tokens.scopes, extra=extra)
