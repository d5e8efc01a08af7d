"""A fake platform for the channels tests: an OAuth provider and a connector registered in
place of Facebook's, so these tests never depend on the real platform packages."""

from datetime import UTC, datetime, timedelta

from warta.channels.connectors.base import (
    AccountMetrics,
    BaseConnector,
    Capability,
    DiscoveredAccount,
    TokenSet,
)
from warta.channels.connectors.errors import ConnectorError, ErrorKind

ACCESS = "EAAtokenrahasia-akses-0001"
REFRESHED = "EAAtokenrahasia-baru-0002"
PAGE_TOKEN = "EAAtokenrahasia-halaman-0003"
BOT_TOKEN = "123456789:AAHrahasiaBotTokenUntukUjiCobaWarta01"


class FakeProvider:
    platform = "facebook"
    uses_pkce = True
    default_scopes = ("pages_show_list",)
    calls: list = []
    accounts: tuple = ()
    exchange_error: ConnectorError | None = None
    refresh_error: ConnectorError | None = None

    @classmethod
    def reset(cls):
        cls.calls = []
        cls.accounts = (DiscoveredAccount(platform="facebook", external_id="1001", handle="humasbogorkab",
                                          display_name="Humas Kabupaten Bogor", url="https://facebook.com/humasbogorkab",
                                          tokens=TokenSet(access_token=PAGE_TOKEN)),)
        cls.exchange_error = None
        cls.refresh_error = None

    def authorization_url(self, app, *, redirect_uri, state, code_challenge):
        self.calls.append(("authorize", app.client_id, redirect_uri, state, code_challenge))
        return f"https://fb.example/dialog/oauth?client_id={app.client_id}&state={state}&code_challenge={code_challenge}"

    def exchange_code(self, app, *, code, redirect_uri, code_verifier):
        self.calls.append(("exchange", code, redirect_uri, code_verifier, app.client_secret))
        if self.exchange_error:
            raise self.exchange_error
        return TokenSet(access_token=ACCESS, refresh_token="refresh-rahasia",
                        expires_at=datetime.now(UTC) + timedelta(days=60), scopes=("pages_show_list",))

    def refresh(self, app, tokens):
        self.calls.append(("refresh", tokens.refresh_token))
        if self.refresh_error:
            raise self.refresh_error
        return TokenSet(access_token=REFRESHED, refresh_token="refresh-rahasia-2",
                        expires_at=datetime.now(UTC) + timedelta(days=60), scopes=tokens.scopes)

    def discover_accounts(self, app, tokens):
        self.calls.append(("discover", tokens.access_token == ACCESS))
        return self.accounts


class FakeConnector(BaseConnector):
    platform = "facebook"
    capabilities = frozenset({Capability.PUBLISH_TEXT, Capability.ACCOUNT_METRICS})
    fail_once_with_expired = False

    def account_metrics(self):
        if self.context.tokens.access_token == "":
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "no token")
        if type(self).fail_once_with_expired:
            type(self).fail_once_with_expired = False
            fresh = self.context.on_auth_expired()
            return AccountMetrics(observed_at=datetime.now(UTC), followers=len(fresh.access_token))
        return AccountMetrics(observed_at=datetime.now(UTC), followers=10)


class FakeTelegramConnector(BaseConnector):
    platform = "telegram"
    capabilities = frozenset({Capability.PUBLISH_TEXT})
    valid = True

    def account_metrics(self):
        if not type(self).valid:
            raise ConnectorError(ErrorKind.AUTH_EXPIRED, "getMe failed", platform_message="Unauthorized", status=401)
        return AccountMetrics(observed_at=datetime.now(UTC), followers=5)
