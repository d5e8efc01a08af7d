"""In headless Chromium: an analyst labels the least sure item with one click (htmx swaps the
row, no reload), skips another, corrects a label through the embeddable form, and sees the
unit's labels. Screenshots land in tests/browser/screenshots/ for a person to look at."""


import pytest

from tests.browser.support import BROWSER_MARKS, SHOTS, log_in, page_fixture
from tests.factories import PASSWORD, make_member
from warta.language.models import Annotation, AnnotationCandidate
from warta.organisations.roles import Role

pytestmark = BROWSER_MARKS


page = page_fixture("id-ID")


def _candidate(unit, text, scores, source_id):
    top = sorted(scores.values(), reverse=True)
    return AnnotationCandidate.objects.create(
        unit=unit, task="message_type", text=text, source_kind="ingest.item", source_id=source_id,
        predicted_label=max(scores, key=scores.get), scores=scores, margin=top[0] - top[1], uncertainty=1 - top[0])


@pytest.mark.django_db(transaction=True)
def test_analyst_works_the_queue(page, live_server, tree):
    analyst = make_member(tree.kab, Role.ANALYST, email="analis@bogorkab.go.id")
    unsure = _candidate(tree.kab, "Kapan jalan di depan SDN 2 diperbaiki? Sudah 3 bulan berlubang 😡",
                        {"question": 0.47, "complaint": 0.45, "other": 0.08}, "101")
    _candidate(tree.kab, "Makasih min infonya, mantap 👍", {"praise": 0.62, "other": 0.30, "question": 0.08}, "102")
    base = live_server.url
    log_in(page, base, analyst, tree.kab)

    page.goto(base + f"/bahasa/u/{tree.kab.uuid}/anotasi/")
    first = page.locator("[data-testid=candidate]").first
    assert first.get_attribute("data-pk") == str(unsure.pk)
    page.screenshot(path=str(SHOTS / "language-01-queue.png"), full_page=True)

    first.locator("[data-testid=label-complaint]").click()
    page.wait_for_selector(f"#candidate-{unsure.pk} [data-testid=resolved]")
    assert page.locator(f"#candidate-{unsure.pk} [data-testid=resolved]").inner_text() == "Disimpan sebagai keluhan."
    assert Annotation.objects.get().label == "complaint"
    page.locator("[data-testid=candidate]").nth(1).locator("[data-testid=skip]").click()
    page.wait_for_selector("text=Dilewati.")
    page.screenshot(path=str(SHOTS / "language-02-queue-labelled.png"), full_page=True)

    page.goto(base + f"/bahasa/u/{tree.kab.uuid}/anotasi/koreksi/?task=sentiment&text=Air+PDAM+mati+lagi&label=neutral")
    page.check("input[name=label][value=negative]")
    page.click("[data-testid=correct-submit]")
    page.wait_for_selector("text=Label disimpan: negatif.")
    page.get_by_role("link", name="Label unit ini").click()
    table = page.locator("[data-testid=annotation-table]")
    assert table.locator("[data-testid=annotation-row]").count() == 2
    page.screenshot(path=str(SHOTS / "language-03-labels.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_admin_retrains_and_sees_both_scores(page, live_server, tree, admin, monkeypatch, settings, tmp_path):
    from tests.conftest import totp_code
    from tests.language.annotation_fakes import FakeTraining

    settings.DATA_DIR = tmp_path
    settings.WARTA_DATA_DIR = tmp_path
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    # The live server answers in a thread: RQ's synchronous mode needs the main thread, so the
    # task runs with the immediate backend here whatever the suite's backend is.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": list(settings.TASK_QUEUES)}}
    FakeTraining(scores={"default": 0.612, "new": 0.684}).install(monkeypatch)
    labels = ["question", "complaint", "aspiration", "praise", "other"]
    for i in range(25):
        Annotation.objects.create(unit=tree.kab, task="message_type", text=f"pesan warga {i}", label=labels[i % 5],
                                  source_kind="manual", source_id=str(i), created_by=admin)
    base = live_server.url
    page.goto(base + "/akun/masuk/")
    page.fill("input[name=username]", admin.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/masuk/verifikasi/**")
    page.fill("input[name=token]", totp_code(admin.totp))
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/u/{tree.kab.uuid}/")

    page.goto(base + f"/bahasa/u/{tree.kab.uuid}/anotasi/latih/")
    page.select_option("select[name=task]", "message_type")
    page.click("[data-testid=retrain-start]")
    page.wait_for_selector("[data-testid=retrain-status][data-status=done]")
    assert page.locator("[data-testid=new-score]").inner_text() == "0,684"
    assert page.locator("[data-testid=retrain-replaced]").count() == 1
    page.screenshot(path=str(SHOTS / "language-04-retrain.png"), full_page=True)
    page.get_by_role("link", name="Pelatihan ulang").first.click()
    assert page.locator("[data-testid=retrain-runs]").locator("text=model baru dipakai").count() == 1
    page.screenshot(path=str(SHOTS / "language-05-retrain-list.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_viewer_tries_a_text_on_the_models_page(page, live_server, tree):
    viewer = make_member(tree.kab, Role.VIEWER, email="peninjau@bogorkab.go.id")
    base = live_server.url
    log_in(page, base, viewer, tree.kab)

    page.goto(base + f"/bahasa/u/{tree.kab.uuid}/anotasi/")
    page.click("text=Model & uji teks")
    assert page.locator("[data-testid=task-models] tbody tr").count() == 4
    page.fill("textarea[name=text]", "Pak, kpn bansos cair? udh 3 bln gak ada kabar, kecewa bangettt 😞")
    page.click("[data-testid=try-submit]")
    page.wait_for_selector("[data-testid=try-result]")
    assert "banget" in page.locator("[data-testid=try-tokens]").inner_text()
    assert page.locator("[data-testid=try-sentiment] .figure").inner_text() == "negatif"
    assert page.locator("[data-testid=try-message_type] .figure").inner_text() in {"pertanyaan", "keluhan"}
    page.screenshot(path=str(SHOTS / "language-05-models-try.png"), full_page=True)
