"""What every browser test shares: Debian's Chromium, the skip when it is absent, the
screenshot folder, and a page fixture factory (one locale per test module)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]


def page_fixture(locale: str | None = None):
    """Return a ``page`` fixture: a fresh headless Chromium page at 1280×900 in ``locale``."""

    @pytest.fixture
    def page(live_server):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
        from playwright.sync_api import sync_playwright

        SHOTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            options = {"viewport": {"width": 1280, "height": 900}} | ({"locale": locale} if locale else {})
            context = browser.new_context(**options)
            pg = context.new_page()
            pg.set_default_timeout(15000)
            yield pg
            context.close()
            browser.close()

    return page


def log_in(page, base: str, user, unit) -> None:
    """Sign ``user`` in (demo password, no second factor) and wait for ``unit``'s home page."""
    from tests.factories import PASSWORD

    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/u/{unit.uuid}/")
