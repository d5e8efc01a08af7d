"""In a browser: a regency sends a package; a kecamatan's editor sees its own guideline's
error live while adapting, fixes it, makes the draft; the regency's tracker shows it."""

import pytest

from tests.amplification.conftest import make_package
from tests.browser.support import BROWSER_MARKS, page_fixture
from tests.conftest import totp_code
from tests.factories import PASSWORD
from warta.amplification.models import AmplificationTask, TaskState
from warta.guideline import services as guideline
from warta.guideline.models import RuleKind, Severity

pytestmark = BROWSER_MARKS
page = page_fixture("id-ID")


def _login(page, base, user, device=None):
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    if device is not None:
        page.wait_for_url("**/verifikasi/**")
        page.fill("input[name=token]", totp_code(device))
        page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/akun/masuk/" not in url)


@pytest.mark.django_db(transaction=True)
def test_adapt_within_the_guideline_and_track(page, live_server, tree, admin, kec_editor, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": list(settings.TASK_QUEUES)}}
    base = live_server.url
    guideline.rule_create(actor=None, unit=tree.kec, kind=RuleKind.FORBIDDEN_PHRASE, severity=Severity.ERROR,
                          params={"phrases": ["gratis"]})
    package = make_package(tree, admin, recipients=[tree.kec, tree.diskominfo])
    task = package.tasks.get(unit=tree.kec)

    _login(page, base, kec_editor)
    page.goto(f"{base}/amplifikasi/u/{tree.kec.uuid}/tugas/")
    page.click("text=Imbauan mudik aman")
    page.fill("[data-testid=text-sandbox]", "Mudik gratis untuk warga Cibinong")
    page.wait_for_selector("#findings-sandbox [data-severity=error]")
    assert "gratis" in page.inner_text("#findings-sandbox")
    page.fill("[data-testid=text-sandbox]", "Mudik aman untuk warga Cibinong #MudikAman")
    page.wait_for_selector("#findings-sandbox [data-testid=guideline-ok]")
    page.click("[data-testid=accept]")
    page.wait_for_url("**/publikasi/**/konten/**")
    task.refresh_from_db()
    assert task.state == TaskState.ADAPTED
    assert task.post.variants.get().text == "Mudik aman untuk warga Cibinong #MudikAman"

    page.click("header form.inline button[type=submit]")  # log out
    page.wait_for_url("**/akun/masuk/**")
    AmplificationTask.objects.filter(pk=task.pk).update(state=TaskState.PUBLISHED, reach=420)
    _login(page, base, admin, admin.totp)
    page.goto(f"{base}/amplifikasi/u/{tree.kab.uuid}/paket/{package.uuid}/")
    assert "1 dari 2 unit sudah membagikan" in page.inner_text("[data-testid=shared-count]")
    assert page.inner_text("[data-testid=reach-total]") == "420"
