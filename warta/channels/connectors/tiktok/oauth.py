"""TikTok's OAuth 2.0 (Login Kit v2): ``client_key`` instead of ``client_id``, comma-separated
scopes, and PKCE. TikTok's Login Kit documents the code challenge as the hex SHA-256 digest of
the verifier (not RFC 7636's base64url), hence ``pkce_challenge_encoding = "hex"``: callers
compute the challenge with :func:`warta.channels.connectors.pkce.challenge_for`."""

from __future__ import annotations

from typing import Any, ClassVar

from warta.channels.connectors.base import AppConfig, DiscoveredAccount, Platform, TokenSet
from warta.channels.connectors.oauth2 import OAuth2Provider
from warta.channels.connectors.tiktok.client import TikTokClient

AUTHORIZE_URL = "https://www.tiktok.com/v2/auth/authorize/"


class TikTokOAuth(OAuth2Provider):
    platform: ClassVar[str] = Platform.TIKTOK
    pkce_challenge_encoding: ClassVar[str] = "hex"
    # user.info.profile: the username; user.info.stats: follower and video counts.
    default_scopes: ClassVar[tuple[str, ...]] = (
        "user.info.basic", "user.info.profile", "user.info.stats", "video.publish", "video.list",
    )
    authorize_url: ClassVar[str] = AUTHORIZE_URL
    client_class = TikTokClient

    def authorization_params(self, app: AppConfig, *, redirect_uri: str, state: str) -> dict[str, str]:
        return {"client_key": app.client_id, "scope": ",".join(self.default_scopes), "response_type": "code",
                "redirect_uri": redirect_uri, "state": state}

    def token_url(self, app: AppConfig) -> str:
        base = (app.base_url or TikTokClient.default_base_url).rstrip("/")
        return app.extra.get("token_url") or f"{base}/v2/oauth/token/"

    def token_form(self, app: AppConfig, grant: dict[str, str]) -> dict[str, str]:
        # In the order of TikTok's documentation: the app's key and secret, then the code (if
        # any) before the grant type.
        form = {"client_key": app.client_id, "client_secret": app.client_secret}
        if "code" in grant:
            form["code"] = grant["code"]
        return {**form, **grant}

    def tokens_from(self, answer: dict[str, Any], previous: TokenSet | None) -> TokenSet:
        return _with_open_id(super().tokens_from(answer, previous), answer)

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        answer = self.api_get(app, tokens, "/v2/user/info/",
                              params={"fields": "open_id,union_id,avatar_url,display_name,username"})
        user = (answer.get("data") or {}).get("user") or {}
        username = str(user.get("username") or "")
        return (DiscoveredAccount(platform=Platform.TIKTOK, external_id=str(user["open_id"]), handle=username,
                                  display_name=str(user.get("display_name") or ""),
                                  url=f"https://www.tiktok.com/@{username}" if username else ""),)


def _with_open_id(tokens: TokenSet, answer: dict) -> TokenSet:
    extra = dict(tokens.extra)
    if answer.get("open_id"):
        extra["open_id"] = str(answer["open_id"])
    if answer.get("refresh_expires_in"):
        extra["refresh_expires_in"] = str(answer["refresh_expires_in"])
    return TokenSet(access_token=tokens.access_token, refresh_token=tokens.refresh_token,
                    expires_at=tokens.expires_at, scopes=tokens.scopes, extra=extra)
