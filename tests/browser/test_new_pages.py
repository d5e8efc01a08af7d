"""TEMP screenshot script (replaced later)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.browser.support import BROWSER_MARKS, page_fixture
from tests.factories import PASSWORD, make_member
from tests.press.conftest import make_release
from warta.approvals.models import ApprovalChain, ApprovalRequest
from warta.organisations.roles import Role
from warta.planning import services as planning
from warta.press import services as press
from warta.press.models import PressDelivery

pytestmark = BROWSER_MARKS
page = page_fixture()
OUT = "/tmp/shots/"


def login(page, base, user, home):
    page.context.clear_cookies()
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/u/{home.uuid}/")


@pytest.mark.django_db(transaction=True)
def test_shots(page, live_server, tree, admin, editor, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    base = live_server.url
    approver = make_member(tree.kab, Role.APPROVER, email="approver@bogorkab.go.id")
    planning.important_date_create(actor=admin, unit=tree.jabar, date=date(1950, 4, 19), title="Hari Jadi Jawa Barat", yearly=True) if False else None
    planning.important_date_create(actor=admin, unit=tree.kab, date=date(2027, 4, 14), title="Rapat koordinasi humas")
    # press: an approved release with one delivery stuck in "sending" and one sent
    rel = make_release(admin, tree.kab)
    press.release_submit(actor=admin, release=rel)
    rel.refresh_from_db()
    c1 = press.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    c2 = press.contact_create(actor=admin, unit=tree.kab, name="Budi", email="budi@pikiran.id")
    dl = press.list_create(actor=admin, unit=tree.kab, name="Media lokal", contacts=[c1, c2])
    rows = press.press_send(actor=admin, release=rel, distribution_list=dl)
    PressDelivery.objects.filter(pk=rows[0].pk).update(state=PressDelivery.State.SENDING, claim="x", attempts=1,
                                                       claimed_at=timezone.now() - timedelta(minutes=20))
    # approval: a chain for press releases, editor submits
    ApprovalChain.objects.update_or_create(unit=tree.kab, content_kind="press_release", defaults={"levels": ["approver"]})
    rel2 = make_release(editor, tree.kab, headline="Bupati Resmikan Jembatan Cibinong", number="002/HUMAS/XI/2026")
    press.release_submit(actor=editor, release=rel2)
    appr = ApprovalRequest.objects.get(object_id=rel2.pk) if hasattr(ApprovalRequest, "object_id") else ApprovalRequest.objects.latest("pk")

    login(page, base, editor, tree.kab)
    cal = reverse("publishing:calendar", args=[tree.kab.uuid])
    page.goto(base + cal + "?date=2027-04-01")
    page.screenshot(path=OUT + "01-cal-april.png", full_page=True)
    page.goto(base + cal + "?date=2027-11-01")
    page.screenshot(path=OUT + "02-cal-nov.png", full_page=True)
    page.goto(base + cal + "?date=2027-04-01&view=week")
    page.goto(base + cal + "?date=2027-04-21&view=week")
    page.screenshot(path=OUT + "03-cal-week.png", full_page=True)
    page.goto(base + cal + "?date=2027-04-01&view=list")
    page.screenshot(path=OUT + "04-cal-list.png", full_page=True)
    page.goto(base + reverse("publishing:plan-import-history", args=[tree.kab.uuid]))
    page.screenshot(path=OUT + "05-history-empty.png", full_page=True)
    # make one failed preview and one applied import
    from tests.publishing.test_plan_import import csv_bytes, good_rows, next_month
    month = next_month(tree.kab)
    bad = tmp_path / "rusak.csv"
    bad.write_bytes(csv_bytes(good_rows(month) + [[f"{month:%Y-%m}-31x", "09:00", "Rusak", "myspace", "a" * 10, "", "", ""]], delimiter=";"))
    good = tmp_path / "rencana-desember.csv"
    good.write_bytes(csv_bytes(good_rows(month), delimiter=";"))
    imp = reverse("publishing:plan-import", args=[tree.kab.uuid])
    for f in (bad, good):
        page.goto(base + imp)
        page.fill("input[name=month]", month.strftime("%Y-%m"))
        page.set_input_files("input[name=file]", str(f))
        page.click("[data-testid=plan-upload] button[type=submit]")
    page.screenshot(path=OUT + "06-import-preview.png", full_page=True)
    page.click("[data-testid=plan-apply] button")
    page.wait_for_load_state()
    page.goto(base + reverse("publishing:plan-import-history", args=[tree.kab.uuid]))
    page.screenshot(path=OUT + "07-history.png", full_page=True)
    page.locator("[data-testid=plan-history-row] a").first.click()
    page.wait_for_load_state()
    page.screenshot(path=OUT + "08-detail-applied.png", full_page=True)
    page.goto(base + reverse("publishing:plan-import-history", args=[tree.kab.uuid]))
    page.locator("[data-testid=plan-history-row] a").nth(2).click()
    page.wait_for_load_state()
    page.screenshot(path=OUT + "09-detail-bad.png", full_page=True)
    page.goto(base + imp)
    page.screenshot(path=OUT + "10-import-form.png", full_page=True)
    # approval
    page.goto(base + reverse("approvals:detail", args=[tree.kab.uuid, appr.uuid]))
    page.screenshot(path=OUT + "11-approval.png", full_page=True)
    page.click("[data-testid=remind-form] button")
    page.wait_for_load_state()
    page.screenshot(path=OUT + "12-approval-reminded.png", full_page=True)
    page.click("[data-testid=remind-form] button") if page.locator("[data-testid=remind-form] button").count() else None
    page.wait_for_load_state()
    page.screenshot(path=OUT + "13-approval-reminded-again.png", full_page=True)
    # press
    login(page, base, approver, tree.kab)
    page.goto(base + reverse("press:delivery-list", args=[tree.kab.uuid, rel.uuid]))
    page.screenshot(path=OUT + "14-deliveries.png", full_page=True)
    page.click("[data-testid=delivery-mark-sent]")
    page.wait_for_load_state()
    page.screenshot(path=OUT + "15-deliveries-marked.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + cal + "?date=2027-04-01&view=month")
    page.screenshot(path=OUT + "16-cal-phone.png", full_page=True)
