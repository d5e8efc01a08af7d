"""In headless Chromium: the calendar's month of 21 April marks Hari Kartini as a commemoration day
(from KDE's KHolidays) and an ancestor unit's important date "(dari …)"; the calendar's
"Riwayat impor rencana" button opens the history, empty at first; the delivery log of a press
release shows a delivery stuck in "sending" as uncertain with both actions, and "Tandai terkirim"
settles it. Screenshots land in tests/browser/screenshots/."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.support import BROWSER_MARKS, SHOTS, log_in, page_fixture
from tests.factories import make_member
from tests.press.conftest import make_release
from warta.organisations.roles import Role
from warta.planning import kholidays
from warta.planning import services as planning
from warta.press import services as press
from warta.press.models import PressDelivery

pytestmark = BROWSER_MARKS

page = page_fixture()


@pytest.mark.django_db(transaction=True)
def test_calendar_marks_hari_kartini_and_an_ancestor_date(page, live_server, tree, editor):
    base = live_server.url
    year = datetime.now(UTC).year + 1
    province_admin = make_member(tree.jabar, Role.ADMIN, email="admin@jabarprov.go.id")
    planning.important_date_create(actor=province_admin, unit=tree.jabar, date=date(1950, 4, 19),
                                   title="Hari Jadi Jawa Barat", yearly=True)

    log_in(page, base, editor, tree.kab)
    page.goto(base + reverse("publishing:calendar", args=[tree.kab.uuid]) + f"?date={year}-04-01")
    assert page.locator("[data-testid=cal-period]").inner_text() == f"April {year}"
    ancestor = page.locator(f"[data-testid=day-{year}-04-19] .mark-unit")
    assert " ".join(ancestor.inner_text().split()) == "Tanggal penting: Hari Jadi Jawa Barat (dari Provinsi Jawa Barat)"
    assert ancestor.locator("[data-testid=mark-owner]").inner_text() == "(dari Provinsi Jawa Barat)"
    page.screenshot(path=str(SHOTS / "new-01-calendar-april.png"), full_page=True)

    kartini = page.locator(f"[data-testid=day-{year}-04-21] .mark-commemoration")
    if not kholidays.commemorations():
        assert page.locator("[data-testid=commemorations-missing]").count() == 1
        assert kartini.count() == 0
        pytest.skip("KDE's KHolidays library (libkf5holidays5) is not installed: no commemoration days")
    assert page.locator("[data-testid=commemorations-missing]").count() == 0
    assert " ".join(kartini.inner_text().split()) == "Hari peringatan: Hari Kartini"
    # a commemoration is not a day off: the day is not marked as a holiday
    assert page.locator(f"[data-testid=day-{year}-04-21].mark-holiday").count() == 0
    assert "hari peringatan" in page.locator(".cal-legend .mark-commemoration").inner_text()


@pytest.mark.django_db(transaction=True)
def test_plan_history_is_empty_and_an_uncertain_delivery_offers_both_actions(page, live_server, tree, admin,
                                                                              settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    base = live_server.url
    approver = make_member(tree.kab, Role.APPROVER, email="approver@bogorkab.go.id")
    release = make_release(admin, tree.kab)
    press.release_submit(actor=admin, release=release)  # no chain: approved at once
    rina = press.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    budi = press.contact_create(actor=admin, unit=tree.kab, name="Budi", email="budi@pikiran.id")
    media = press.list_create(actor=admin, unit=tree.kab, name="Media lokal", contacts=[rina, budi])
    stuck, sent = sorted(press.press_send(actor=admin, release=release, distribution_list=media),
                         key=lambda d: d.email != "rina@radar.id")
    # A run claimed Rina's row 20 minutes ago and died before recording the outcome.
    PressDelivery.objects.filter(pk=stuck.pk).update(state=PressDelivery.State.SENDING, claim="mati", sent_at=None,
                                                     claimed_at=timezone.now() - timedelta(minutes=20))

    log_in(page, base, approver, tree.kab)
    page.goto(base + reverse("publishing:calendar", args=[tree.kab.uuid]))
    page.click("[data-testid=plan-history]")
    page.wait_for_url("**/kalender/impor/riwayat/")
    assert page.locator("main .empty").inner_text() == "Belum ada impor rencana."
    assert page.locator("[data-testid=plan-history-row]").count() == 0
    page.screenshot(path=str(SHOTS / "new-02-plan-history-empty.png"), full_page=True)

    page.goto(base + reverse("press:delivery-list", args=[tree.kab.uuid, release.uuid]))
    assert "1 pengiriman berstatus tidak pasti" in page.locator("[data-testid=delivery-uncertain]").inner_text()
    row = page.locator("tbody tr", has_text="rina@radar.id")
    assert row.locator("[data-testid=uncertain]").inner_text() == "status tidak pasti"
    assert row.locator("[data-testid=delivery-resend]").inner_text() == "Kirim ulang"
    assert row.locator("[data-testid=delivery-mark-sent]").inner_text() == "Tandai terkirim"
    other = page.locator("tbody tr", has_text="budi@pikiran.id")
    assert other.locator("button").count() == 0
    page.screenshot(path=str(SHOTS / "new-03-delivery-uncertain.png"), full_page=True)

    row.locator("[data-testid=delivery-mark-sent]").click()
    assert page.locator(".messages .msg-success").inner_text() == "Pengiriman ke rina@radar.id ditandai terkirim."
    assert page.locator("[data-testid=delivery-uncertain]").count() == 0
    assert page.locator("[data-testid=delivery-mark-sent]").count() == 0
    stuck.refresh_from_db()
    sent.refresh_from_db()
    assert (stuck.state, sent.state) == (PressDelivery.State.SENT, PressDelivery.State.SENT)
