"""In headless Chromium: an editor composes a post for the sandbox platform, sees a guideline
warning while typing, submits; an approver acknowledges the warning and approves, schedules it;
the dispatcher runs and the post is published on Warta's own sandbox platform (seen in its feed).
Screenshots land in tests/browser/screenshots/."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.browser.support import BROWSER_MARKS, SHOTS, log_in, page_fixture
from tests.factories import make_member
from warta.approvals.services import approval_chain_set
from warta.channels.models import Account, ConnectionState, Credential, PlatformApp
from warta.guideline.models import RuleKind, Severity
from warta.guideline.services import rule_create
from warta.organisations.roles import Role
from warta.publishing.models import Post, PostState

pytestmark = BROWSER_MARKS

page = page_fixture()

TEXT = "Layanan KTP keliling hadir di Kecamatan Cibinong hari Sabtu pukul 08.00 WIB. "


def logout(page):
    page.click("header form.inline button[type=submit]")
    page.wait_for_url("**/akun/masuk/**")


@pytest.mark.django_db(transaction=True)
def test_compose_warn_submit_approve_schedule_publish(page, live_server, tree, admin, editor, settings):
    from warta.publishing.dispatch import publications_dispatch
    from warta.sandbox.models import AccountKind
    from warta.sandbox.models import Post as SandboxPost
    from warta.sandbox.services import account_create, token_issue

    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # The live server answers in a thread: tasks run with the immediate backend here.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": list(settings.TASK_QUEUES)}}
    base = live_server.url
    # Warta's own sandbox platform, served by the live server, with an official account connected.
    humas = account_create(handle="humasbogorkab", display_name="Humas Kab. Bogor", kind=AccountKind.OFFICIAL)
    PlatformApp.objects.update_or_create(platform="sandbox", defaults={"base_url": f"{base}/sandbox/api"})
    account = Account.objects.create(unit=tree.kab, platform="sandbox", handle="@humasbogorkab",
                                     display_name="Humas Kab. Bogor", external_id=str(humas.pk),
                                     state=ConnectionState.CONNECTED)
    Credential.objects.create(account=account, tokens={"access_token": token_issue(account=humas)["access_token"]})
    # One approval level, and a guideline that asks for the regency's hashtag.
    approver = make_member(tree.kab, Role.APPROVER, email="approver@bogorkab.go.id")
    approval_chain_set(actor=admin, unit=tree.kab, kind="post", levels=["approver"])
    rule_create(actor=admin, unit=tree.kab, kind=RuleKind.REQUIRED_HASHTAG, severity=Severity.WARNING,
                params={"hashtags": ["#BogorKabMaju"]})

    # 1. The editor composes; the guideline warning shows as they type.
    log_in(page, base, editor, tree.kab)
    page.goto(base + reverse("publishing:post-create", args=[tree.kab.uuid]))
    page.fill("input[name=title]", "KTP keliling Cibinong")
    page.check("input[name=platforms][value=sandbox]")
    page.locator("[data-testid=text-sandbox]").press_sequentially(TEXT, delay=5)
    live = page.locator("[data-testid=live-sandbox]")
    live.locator("[data-severity=warning]").first.wait_for()
    assert "#BogorKabMaju" in live.inner_text()
    assert f"{len(TEXT.strip())} / 1000" in live.locator("[data-testid=count-sandbox]").inner_text()
    assert live.locator("[data-testid=preview-sandbox]").count() == 1
    page.screenshot(path=str(SHOTS / "publishing-01-composer-warning.png"), full_page=True)

    # 2. Save and submit: it waits for approval, with the warning kept for the approver.
    page.click("[data-testid=save-submit]")
    page.wait_for_selector("[data-testid=post-state][data-state=in_review]")
    assert "#BogorKabMaju" in page.locator("[data-testid=post-warnings]").inner_text()
    page.screenshot(path=str(SHOTS / "publishing-02-in-review.png"), full_page=True)
    post = Post.objects.get()
    logout(page)

    # 3. The approver acknowledges the warning and approves.
    log_in(page, base, approver, tree.kab)
    from warta.approvals.models import ApprovalRequest

    request = ApprovalRequest.objects.get(state="pending")
    page.goto(base + reverse("approvals:detail", args=[tree.kab.uuid, request.uuid]))
    assert page.locator("[data-testid=preview] [data-testid=preview-sandbox]").count() == 1
    for box in page.locator("[data-testid=warnings] input[type=checkbox]").all():
        box.check()
    page.screenshot(path=str(SHOTS / "publishing-03-approve.png"), full_page=True)
    page.click("[data-testid=approve]")
    page.wait_for_load_state()
    post.refresh_from_db()
    assert post.state == PostState.APPROVED

    # 4. Schedule it for a few minutes from now (the unit's zone, WIB), on the sandbox account.
    page.goto(base + reverse("publishing:post-detail", args=[tree.kab.uuid, post.uuid]))
    page.wait_for_selector("[data-testid=schedule-form]")
    when = timezone.localtime(timezone.now() + timedelta(minutes=5), tree.kab.zone)
    page.fill("[data-testid=schedule-when]", when.strftime("%Y-%m-%dT%H:%M"))
    page.click("[data-testid=schedule]")
    page.wait_for_selector("[data-testid=publication-row][data-state=pending]")
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    page.screenshot(path=str(SHOTS / "publishing-04-scheduled.png"), full_page=True)

    # 5. The dispatcher finds it due; the publication runs (immediately, in this thread).
    publications_dispatch(now=timezone.now() + timedelta(minutes=6))
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    published = SandboxPost.objects.filter(author=humas)
    assert published.count() == 1
    assert published.get().text.startswith("Layanan KTP keliling")
    page.reload()
    page.wait_for_selector("[data-testid=post-state][data-state=published]")
    assert page.locator("[data-testid=publication-row][data-state=published]").count() == 1
    page.screenshot(path=str(SHOTS / "publishing-05-published.png"), full_page=True)

    # 6. On the sandbox platform's own timeline.
    page.goto(base + "/sandbox/?akun=humasbogorkab")
    assert page.get_by_text("Layanan KTP keliling hadir di Kecamatan Cibinong").count() >= 1
    page.screenshot(path=str(SHOTS / "publishing-06-sandbox-feed.png"), full_page=True)

    # 7. In the editorial calendar, once the calendar exists.
    try:
        calendar = reverse("publishing:calendar", args=[tree.kab.uuid])
    except NoReverseMatch:
        return
    page.goto(base + calendar)
    assert page.get_by_text("KTP keliling Cibinong").count() >= 1
    page.screenshot(path=str(SHOTS / "publishing-07-calendar.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_composer_counts_per_platform_and_picks_media(page, live_server, tree, editor, settings, tmp_path):
    from tests.media.helpers import image_bytes, upload
    from warta.media.services import media_upload

    settings.MEDIA_ROOT = str(tmp_path)
    image = media_upload(actor=editor, unit=tree.kab, file=upload("a.jpg", image_bytes(1080, 1080)),
                         title="Vaksinasi di Cibinong", alt_text="Warga antre vaksin")
    base = live_server.url
    log_in(page, base, editor, tree.kab)
    page.goto(base + reverse("publishing:post-create", args=[tree.kab.uuid]))
    page.fill("input[name=title]", "Vaksinasi")
    page.check("input[name=platforms][value=x]")
    page.check("input[name=platforms][value=instagram]")
    # X counts a link as 23 and the limit is 280; the text is over it.
    page.locator("[data-testid=text-x]").press_sequentially("Vaksinasi " * 29, delay=1)
    page.wait_for_selector("[data-testid=count-x]")
    page.locator("[data-testid=count-x].over").wait_for()
    assert "/ 280" in page.locator("[data-testid=count-x]").inner_text()
    # Instagram needs media: pick the image from the unit's library.
    page.locator("[data-testid=text-instagram]").press_sequentially("Vaksinasi hari ini", delay=5)
    page.locator("[data-testid=live-instagram]").wait_for()
    assert "memerlukan paling sedikit satu berkas media" in page.locator("[data-testid=live-instagram]").inner_text()
    page.click("[data-testid=pick-instagram]")
    page.locator(f"[data-asset='{image.uuid}'] input[type=checkbox]").check()
    page.locator("[data-testid=live-instagram] .pv-media img").wait_for()
    assert "memerlukan paling sedikit satu berkas media" not in page.locator("[data-testid=live-instagram]").inner_text()
    page.screenshot(path=str(SHOTS / "publishing-08-composer-media.png"), full_page=True)
    # Saving refuses the X text over the limit and keeps everything typed.
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=form-errors]")
    assert "batas X 280" in page.locator("[data-testid=form-errors]").inner_text()
    assert not Post.objects.exists()
