"""Facebook Login for Business: the dialog, the code exchange, long-lived tokens, Page discovery.

Meta's flow (no PKCE): the dialog returns a code; ``GET /oauth/access_token`` turns it into a
short-lived user token (about two hours), which ``grant_type=fb_exchange_token`` turns into a
long-lived one (about 60 days). Page tokens read from ``/me/accounts`` with a long-lived user
token do not expire; they stop working only when the person loses their role on the Page,
changes their password, or removes the app. So each discovered Page keeps its Page token as
``access_token`` and the long-lived user token in ``extra`` for :meth:`MetaOAuth.refresh`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx

from warta.channels.connectors.base import (
    AccountRef,
    AppConfig,
    ConnectorContext,
    DiscoveredAccount,
    TokenSet,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind
from warta.channels.connectors.graph import DEFAULT_VERSION, GraphClient

DEFAULT_DIALOG_BASE_URL = "https://www.facebook.com"
ACCOUNT_FIELDS = "id,name,username,link,access_token,tasks"


class MetaOAuth:
    """The OAuth flow of Facebook Pages (``platform = "facebook"``)."""

    platform: ClassVar[str] = "facebook"
    uses_pkce: ClassVar[bool] = False
    default_scopes: ClassVar[tuple[str, ...]] = (
        "pages_show_list", "pages_read_engagement", "pages_read_user_engagement", "pages_manage_posts",
        "pages_manage_engagement", "pages_manage_metadata", "read_insights", "publish_video", "pages_messaging",
    )
    # Tests may set an httpx transport; None means the network.
    transport: httpx.BaseTransport | None = None

    # --- the dialog -------------------------------------------------------------------------

    def scopes(self, app: AppConfig) -> tuple[str, ...]:
        configured = app.extra.get("scopes", "")
        return tuple(s.strip() for s in configured.split(",") if s.strip()) or self.default_scopes

    def authorization_url(self, app: AppConfig, *, redirect_uri: str, state: str, code_challenge: str = "") -> str:
        """Return the Facebook Login dialog URL (``code_challenge`` is ignored: Meta has no PKCE)."""
        base = (app.extra.get("dialog_base_url") or DEFAULT_DIALOG_BASE_URL).rstrip("/")
        query = urlencode({"client_id": app.client_id, "redirect_uri": redirect_uri, "state": state,
                           "response_type": "code", "scope": ",".join(self.scopes(app))})
        return f"{base}/{app.api_version or DEFAULT_VERSION}/dialog/oauth?{query}"

    # --- tokens -----------------------------------------------------------------------------

    def exchange_code(self, app: AppConfig, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        """Turn the dialog's code into a long-lived user token (two exchanges, then debug_token)."""
        client = self._client(app)
        try:
            short = client.get(client.path("oauth", "access_token"), authenticated=False, params={
                "client_id": app.client_id, "client_secret": app.client_secret,
                "redirect_uri": redirect_uri, "code": code})
            short_token = _token(short)
            long_token, expires_at = self._long_lived(client, app, short_token)
            scopes = self._granted_scopes(client, app, long_token)
        finally:
            client.close()
        return TokenSet(access_token=long_token, expires_at=expires_at, scopes=scopes,
                        extra={"token_type": "user"})

    def refresh(self, app: AppConfig, tokens: TokenSet) -> TokenSet:
        """Exchange the long-lived user token again before it expires; re-read the Page token.

        An expired user token cannot be exchanged: that is ``AUTH_EXPIRED`` (reconnect).
        """
        user_token = tokens.extra.get("user_access_token") or tokens.access_token
        expires = tokens.extra.get("user_token_expires_at") or (tokens.expires_at.isoformat() if tokens.expires_at else "")
        if not user_token:
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "no Meta user token to refresh: reconnect the account")
        if expires and datetime.fromisoformat(expires) <= datetime.now(UTC):
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "the Meta user token has expired: reconnect the account")
        client = self._client(app)
        try:
            new_user_token, expires_at = self._long_lived(client, app, user_token)
            page_id = tokens.extra.get("page_id", "")
            if not page_id:
                return TokenSet(access_token=new_user_token, expires_at=expires_at, scopes=tokens.scopes,
                                extra={**tokens.extra, "token_type": "user"})
            client.tokens = TokenSet(access_token=new_user_token)
            node = client.get(client.path(page_id), params={"fields": "access_token"})
        finally:
            client.close()
        page_token = str(node.get("access_token") or "") if isinstance(node, Mapping) else ""
        if not page_token:
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "the person no longer manages this Page: reconnect it")
        return TokenSet(access_token=page_token, expires_at=None, scopes=tokens.scopes,
                        extra=page_token_extra(tokens.extra, page_id, new_user_token, expires_at))

    # --- accounts ---------------------------------------------------------------------------

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        """Return the Pages the person manages, each with its own (non-expiring) Page token."""
        return tuple(self._page_account(page, tokens) for page in self._pages(app, tokens, ACCOUNT_FIELDS)
                     if page.get("id") and page.get("access_token"))

    def _page_account(self, page: Mapping[str, Any], tokens: TokenSet) -> DiscoveredAccount:
        page_id = str(page["id"])
        return DiscoveredAccount(
            platform=self.platform, external_id=page_id, handle=str(page.get("username") or page_id),
            display_name=str(page.get("name") or ""), url=str(page.get("link") or f"https://www.facebook.com/{page_id}"),
            tokens=TokenSet(access_token=str(page["access_token"]), expires_at=None, scopes=tokens.scopes,
                            extra=page_token_extra(tokens.extra, page_id, tokens.access_token, tokens.expires_at)),
        )

    def _pages(self, app: AppConfig, tokens: TokenSet, fields: str) -> list[Mapping[str, Any]]:
        client = self._client(app, tokens)
        try:
            return client.all_pages(client.path("me", "accounts"), params={"fields": fields, "limit": 100})
        finally:
            client.close()

    # --- helpers ----------------------------------------------------------------------------

    def _client(self, app: AppConfig, tokens: TokenSet | None = None) -> GraphClient:
        context = ConnectorContext(account=AccountRef(platform=self.platform, external_id=""), app=app,
                                   tokens=tokens or TokenSet())
        return GraphClient(context, transport=self.transport)

    def _long_lived(self, client: GraphClient, app: AppConfig, token: str) -> tuple[str, datetime | None]:
        answer = client.get(client.path("oauth", "access_token"), authenticated=False, params={
            "grant_type": "fb_exchange_token", "client_id": app.client_id, "client_secret": app.client_secret,
            "fb_exchange_token": token})
        expires_in = answer.get("expires_in") if isinstance(answer, Mapping) else None
        expires_at = datetime.now(UTC) + timedelta(seconds=int(expires_in)) if isinstance(expires_in, int) else None
        return _token(answer), expires_at

    def _granted_scopes(self, client: GraphClient, app: AppConfig, token: str) -> tuple[str, ...]:
        """Ask ``debug_token`` (with the app token) which permissions the person granted."""
        try:
            answer = client.get(client.path("debug_token"), authenticated=False, params={"input_token": token},
                                headers={"Authorization": f"Bearer {app.client_id}|{app.client_secret}"})
        except ConnectorError as exc:
            if exc.kind != ErrorKind.PERMANENT:
                raise
            return ()  # not knowing the scopes is no reason to fail the connection
        data = answer.get("data") if isinstance(answer, Mapping) else None
        if isinstance(data, Mapping) and data.get("is_valid") is False:
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "Meta says the new token is not valid")
        scopes = data.get("scopes") if isinstance(data, Mapping) else None
        return tuple(str(s) for s in scopes) if isinstance(scopes, list) else ()


def _token(answer: Any) -> str:
    token = answer.get("access_token") if isinstance(answer, Mapping) else None
    if not token:
        raise ConnectorError(ErrorKind.TRANSIENT, "Meta's token answer carried no access_token")
    return str(token)


def page_token_extra(extra: Mapping[str, str], page_id: str, user_token: str, expires_at: datetime | None) -> dict[str, str]:
    merged = {k: v for k, v in extra.items() if k != "token_type"}
    merged.update({"token_type": "page", "page_id": page_id, "user_access_token": user_token,
                   "user_token_expires_at": expires_at.isoformat() if expires_at else ""})
    return merged
