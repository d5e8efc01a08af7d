"""The OAuth 2.0 authorisation-code flow with PKCE, as X, YouTube and TikTok run it.

A provider names its platform, scopes, dialog URL and API client, and says what differs on its
platform: how the dialog's query is spelled (:meth:`OAuth2Provider.authorization_params`),
where the token endpoint is (:meth:`~OAuth2Provider.token_url`), how the app authenticates
there (:meth:`~OAuth2Provider.token_form`, :meth:`~OAuth2Provider.basic_auth`) and which
accounts the tokens reach (``discover_accounts``). The rest is the same everywhere: the S256
challenge in the dialog URL, the token call (:func:`.pkce.token_request`) for a code or a
refresh, the :class:`TokenSet`, and one API read with the fresh tokens.
"""

from __future__ import annotations

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
from warta.channels.connectors.http import ApiClient
from warta.channels.connectors.pkce import token_request, token_set


class OAuth2Provider:
    """The authorisation-code flow with PKCE (S256) of one platform; see the module's text."""

    platform: ClassVar[str] = ""
    uses_pkce: ClassVar[bool] = True
    pkce_challenge_encoding: ClassVar[str] = "base64url"
    default_scopes: ClassVar[tuple[str, ...]] = ()
    authorize_url: ClassVar[str] = ""  # the platform's dialog; ``AppConfig.extra["authorize_url"]`` overrides it
    client_class: ClassVar[type[ApiClient]] = ApiClient

    def __init__(self, *, transport: httpx.BaseTransport | None = None, timeout_s: float = 20.0) -> None:
        self.transport = transport
        self.timeout_s = timeout_s

    # --- what differs per platform ------------------------------------------------------------

    def authorization_params(self, app: AppConfig, *, redirect_uri: str, state: str) -> dict[str, str]:
        """The dialog's query before the PKCE challenge (names and order as the platform documents)."""
        raise NotImplementedError

    def token_url(self, app: AppConfig) -> str:
        raise NotImplementedError

    def token_form(self, app: AppConfig, grant: dict[str, str]) -> dict[str, str]:
        """The token request's form: the grant and the app's credentials (default: ``client_id``)."""
        return {**grant, "client_id": app.client_id}

    def basic_auth(self, app: AppConfig) -> tuple[str, str] | None:
        """HTTP Basic credentials for the token endpoint (default: none, the form carries them)."""
        return None

    def tokens_from(self, answer: dict[str, Any], previous: TokenSet | None) -> TokenSet:
        return token_set(answer, previous)

    def discover_accounts(self, app: AppConfig, tokens: TokenSet) -> tuple[DiscoveredAccount, ...]:
        raise NotImplementedError

    # --- the flow -----------------------------------------------------------------------------

    def authorization_url(self, app: AppConfig, *, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = {**self.authorization_params(app, redirect_uri=redirect_uri, state=state),
                 "code_challenge": code_challenge, "code_challenge_method": "S256"}
        return f"{app.extra.get('authorize_url') or self.authorize_url}?{urlencode(query)}"

    def exchange_code(self, app: AppConfig, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        return self._token(app, {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                                 "code_verifier": code_verifier}, previous=None)

    def refresh(self, app: AppConfig, tokens: TokenSet) -> TokenSet:
        return self._token(app, {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
                           previous=tokens)

    def api_get(self, app: AppConfig, tokens: TokenSet, url: str, **kwargs: Any) -> Any:
        """One authenticated GET of the platform's API with ``tokens`` (account discovery)."""
        context = ConnectorContext(account=AccountRef(platform=self.platform, external_id=""), app=app,
                                   tokens=tokens, timeout_s=self.timeout_s)
        client = self.client_class(context, transport=self.transport)
        try:
            return client.get(url, **kwargs)
        finally:
            client.close()

    def _token(self, app: AppConfig, grant: dict[str, str], *, previous: TokenSet | None) -> TokenSet:
        answer = token_request(self.token_url(app), self.token_form(app, grant), platform=self.platform,
                               basic_auth=self.basic_auth(app), timeout_s=self.timeout_s,
                               refreshing=previous is not None, transport=self.transport)
        return self.tokens_from(answer, previous)
