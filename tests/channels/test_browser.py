"""In headless Chromium: register an official account, connect it through the OAuth flow
(a fake platform whose consent page sends the browser straight back), see it connected in
the directory, then disconnect it. Screenshots land in tests/browser/screenshots/."""

from urllib.parse import urlencode

import pytest

from tests.browser.support import BROWSER_MARKS, SHOTS, page_fixture
from tests.channels.fakes import FakeProvider
from tests.conftest import totp_code
from tests.factories import PASSWORD
from warta.channels import connectors as registry
from warta.channels.connectors.base import Platform

pytestmark = BROWSER_MARKS


class SelfConsentingProvider(FakeProvider):
    """The platform's consent page, skipped: back to the callback with a code at once."""

    def authorization_url(self, app, *, redirect_uri, state, code_challenge):
        return redirect_uri + "?" + urlencode({"state": state, "code": "kode-browser"})


page = page_fixture()


@pytest.mark.django_db(transaction=True)
def test_register_connect_and_disconnect_an_account(page, live_server, tree, admin, settings, fake_platform, monkeypatch):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    monkeypatch.setattr(SelfConsentingProvider, "calls", [])
    monkeypatch.setitem(registry.OAUTH_PROVIDERS, Platform.FACEBOOK, "tests.channels.test_browser.SelfConsentingProvider")
    registry.oauth_provider.cache_clear()
    base = live_server.url
    page.goto(base + "/")
    page.fill("input[name=username]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/masuk/verifikasi/**")
    page.fill("input[name=token]", totp_code(admin.totp))
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/u/{tree.kab.uuid}/")

    page.goto(f"{base}/kanal/u/{tree.kab.uuid}/akun/")
    assert "Belum ada akun resmi" in page.content()
    page.click("[data-testid=add-account]")
    page.select_option("select[name=platform]", "facebook")
    page.fill("input[name=handle]", "humasbogorkab")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=account-state]")
    assert "Belum terhubung" in page.locator("[data-testid=account-state]").inner_text()

    page.click("[data-testid=connect]")
    page.click("[data-testid=start-oauth]")
    page.screenshot(path=str(SHOTS / "channels-01-continue.png"), full_page=True)
    page.click("[data-testid=authorize]")
    page.wait_for_selector("[data-testid=account-state]")
    state_text = page.locator("[data-testid=account-state]").inner_text()
    assert "Terhubung" in state_text
    page.screenshot(path=str(SHOTS / "channels-02-connected.png"), full_page=True)

    page.goto(f"{base}/kanal/u/{tree.kab.uuid}/akun/")
    assert page.locator("[data-state=connected]").inner_text() == "1"
    page.screenshot(path=str(SHOTS / "channels-03-directory.png"), full_page=True)

    page.click("table >> text=humasbogorkab")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=Putus sambungan")
    page.wait_for_selector("text=token dihapus dari Warta")
    assert "Belum terhubung" in page.locator("[data-testid=account-state]").inner_text()
    registry.oauth_provider.cache_clear()
