"""In headless Chromium: the editorial calendar's month view shows a national holiday and a
scheduled post; dragging the post to another day reschedules it (same time of day); on a
390 px phone screen the calendar still reads. Screenshots land in tests/browser/screenshots/."""

from datetime import UTC, date, datetime, time

import pytest
from django.urls import reverse

from tests.browser.support import BROWSER_MARKS, SHOTS, log_in, page_fixture
from tests.publishing.test_engine_support import make_account, make_post
from warta.planning.holidays import calendar_marks
from warta.publishing.models import Post, PostState, Publication
from warta.publishing.schedule import post_schedule

pytestmark = BROWSER_MARKS

page = page_fixture()


def at_local(unit, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=unit.zone).astimezone(UTC)


@pytest.mark.django_db(transaction=True)
def test_month_view_with_a_holiday_and_drag_to_reschedule(page, live_server, tree, editor):
    base = live_server.url
    year = datetime.now(UTC).year + 1
    new_year, day, target = date(year, 1, 1), date(year, 1, 13), date(year, 1, 15)
    [holiday, *_] = [m for m in calendar_marks(tree.kab, new_year, new_year) if m.kind == "holiday"]
    account = make_account(tree.kab)
    post = make_post(tree.kab, author=editor, state=PostState.APPROVED, title="Imbauan banjir")
    post_schedule(actor=editor, post=post, when=at_local(tree.kab, day, 10, 15), accounts=[account])
    draft = make_post(tree.kab, author=editor, state=PostState.DRAFT, title="Ide: lomba foto")

    log_in(page, base, editor, tree.kab)

    page.goto(base + reverse("publishing:calendar", args=[tree.kab.uuid]) + f"?date={day.isoformat()}")
    first = page.locator(f"[data-testid=day-{new_year.isoformat()}]")
    assert holiday.title in first.inner_text()
    entry = page.locator(f"[data-testid=day-{day.isoformat()}] [data-post='{post.uuid}']")
    assert "10:15" in entry.inner_text()
    assert draft.title in page.locator("[data-testid=unscheduled]").inner_text()
    page.screenshot(path=str(SHOTS / "calendar-01-month.png"), full_page=True)

    entry.drag_to(page.locator(f"[data-testid=day-{target.isoformat()}]"))
    page.locator(f"[data-testid=day-{target.isoformat()}] [data-post='{post.uuid}']").wait_for()
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    assert post.scheduled_at == at_local(tree.kab, target, 10, 15)
    assert Publication.objects.get(post=post).due_at == at_local(tree.kab, target, 10, 15)
    assert "10:15" in page.locator(f"[data-testid=day-{target.isoformat()}]").inner_text()
    page.screenshot(path=str(SHOTS / "calendar-02-moved.png"), full_page=True)

    # A move into the past is refused with a message; nothing changes.
    page.goto(base + reverse("publishing:calendar", args=[tree.kab.uuid]) + "?date=2020-01-10")
    page.goto(base + reverse("publishing:calendar-move-form", args=[tree.kab.uuid, post.uuid]))
    page.fill("input[name=date]", "2020-01-10")
    page.click("main form button[type=submit]")
    assert "masa lalu" in page.locator("[data-testid=form-errors]").inner_text()
    assert Post.objects.get(pk=post.pk).scheduled_at == at_local(tree.kab, target, 10, 15)

    # A phone screen: the calendar opens as a list, which reads without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base + reverse("publishing:calendar", args=[tree.kab.uuid]) + f"?date={day.isoformat()}")
    page.wait_for_url("**view=list**")
    assert post.title in page.locator("[data-testid=cal-list]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=str(SHOTS / "calendar-03-phone-list.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_plan_import_preview_shows_row_errors(page, live_server, tree, editor, tmp_path):
    from tests.publishing.test_plan_import import csv_bytes, good_rows, next_month

    base = live_server.url
    month = next_month(tree.kab)
    rows = good_rows(month) + [[f"{month:%Y-%m}-31x", "09:00", "Rusak", "myspace", "a" * 10, "", "", ""]]
    plan = tmp_path / "rencana.csv"
    plan.write_bytes(csv_bytes(rows, delimiter=";"))
    log_in(page, base, editor, tree.kab)
    page.goto(base + reverse("publishing:plan-import", args=[tree.kab.uuid]))
    page.fill("input[name=month]", month.strftime("%Y-%m"))
    page.set_input_files("input[name=file]", str(plan))
    page.click("[data-testid=plan-upload] button[type=submit]")
    bad = page.locator("[data-row='4']")
    assert "Platform tidak dikenal: myspace" in bad.inner_text()
    assert page.locator("[data-testid=plan-apply]").count() == 0
    page.screenshot(path=str(SHOTS / "calendar-04-plan-import-errors.png"), full_page=True)
    assert Post.objects.count() == 0
