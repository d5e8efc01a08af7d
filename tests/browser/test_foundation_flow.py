"""In headless Chromium (Debian's package, driven by Playwright): log in with the TOTP step,
switch to English and back, create a sub-unit, invite a user, and see both in the audit trail.
Screenshots land in tests/browser/screenshots/ for a person to look at."""


import pytest

from tests.browser.support import BROWSER_MARKS, SHOTS, log_in, page_fixture
from tests.conftest import totp_code
from tests.factories import PASSWORD

pytestmark = BROWSER_MARKS


page = page_fixture("en-US")


@pytest.mark.django_db(transaction=True)
def test_login_language_subunit_invite_audit(page, live_server, tree, admin, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    base = live_server.url
    page.goto(base + "/")
    # Indonesian by default, even though the browser asks for English.
    assert page.locator("h1").inner_text() == "Masuk ke Warta"
    page.fill("input[name=username]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/masuk/verifikasi/**")
    page.fill("input[name=token]", totp_code(admin.totp))
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/u/{tree.kab.uuid}/")
    assert page.locator("h1").inner_text() == "Kabupaten Bogor"
    page.screenshot(path=str(SHOTS / "01-dashboard-id.png"), full_page=True)

    page.click("[data-testid=lang-en]")
    page.wait_for_selector("[data-testid=lang-id]")
    assert page.get_by_role("link", name="Unit tree").count() == 1
    page.screenshot(path=str(SHOTS / "02-dashboard-en.png"), full_page=True)
    page.click("[data-testid=lang-id]")
    page.wait_for_selector("[data-testid=lang-en]")
    assert page.get_by_role("link", name="Pohon unit").count() == 1

    page.get_by_role("link", name="Pohon unit").click()
    page.click("[data-testid=add-subunit]")
    page.select_option("select[name=kind]", "kecamatan")
    page.fill("input[name=name]", "Kecamatan Gunungputri")
    page.fill("input[name=region_code]", "32.01.02")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Unit Kecamatan Gunungputri dibuat.")
    assert page.get_by_role("link", name="Kecamatan Gunungputri").count() == 1
    page.screenshot(path=str(SHOTS / "03-tree.png"), full_page=True)

    page.get_by_role("link", name="Anggota").first.click()
    page.click("[data-testid=invite-user]")
    page.fill("input[name=email]", "pranata.humas@bogorkab.go.id")
    page.select_option("select[name=role]", "editor")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Undangan dikirim ke pranata.humas@bogorkab.go.id.")
    page.screenshot(path=str(SHOTS / "04-members.png"), full_page=True)

    page.get_by_role("link", name="Jejak audit").first.click()
    table = page.locator("[data-testid=audit-table]")
    assert table.locator("text=Undangan dikirim").count() == 1
    assert table.get_by_role("cell", name="Kecamatan Gunungputri", exact=True).count() == 1
    page.screenshot(path=str(SHOTS / "05-audit.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_phone_screen_menu_folds(page, live_server, tree, viewer):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, viewer, tree.kab)
    assert not page.get_by_role("link", name="Jejak audit", exact=True).is_visible()  # folded under "Menu"
    page.click("summary:text('Menu')")
    assert page.get_by_role("link", name="Jejak audit", exact=True).is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""[...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap'))
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
    assert width <= 390 + 1, wide
    page.screenshot(path=str(SHOTS / "06-phone.png"), full_page=True)
