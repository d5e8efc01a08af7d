"""The annotation workflow in the JSON API: the queue, labels, corrections, the unit's labels,
retraining. Same services, permissions and scope as the pages (tests/language/test_annotation_views.py)."""

import uuid

import pytest
from django.utils import timezone

from tests.api import Api, assert_problem, make_token
from tests.factories import make_member
from warta.core.models import AuditEvent
from warta.language.models import Annotation, AnnotationCandidate, RetrainRun
from warta.organisations.roles import Role


def _candidate(unit, text, margin, *, task="message_type", source_id=None, scores=None):
    scores = scores or {"question": 0.5 + margin / 2, "complaint": 0.5 - margin / 2}
    return AnnotationCandidate.objects.create(
        unit=unit, task=task, text=text, source_kind="ingest.item", source_id=source_id or text[:10],
        predicted_label=max(scores, key=scores.get), scores=scores, margin=margin,
        uncertainty=1 - max(scores.values()))


def _annotation(unit, text, label="praise", *, task="message_type", source_id=None, labels=None):
    return Annotation.objects.create(unit=unit, task=task, text=text, label=label if task != "abuse" else "",
                                     labels=labels or [], source_kind="ingest.item", source_id=source_id or text[:10])


def _labels(unit, n, task="message_type"):
    names = ["question", "complaint", "aspiration", "praise", "other"]
    for i in range(n):
        _annotation(unit, f"pesan nomor {i}", names[i % 5], task=task, source_id=str(i))


def _state() -> dict:
    """Everything the annotation endpoints may write, for 'nothing changed' asserts."""
    return {
        "annotations": list(Annotation.objects.order_by("pk").values_list("pk", "label", "labels", "updated_at")),
        "candidates": list(AnnotationCandidate.objects.order_by("pk").values_list("pk", "resolved_at", "resolution")),
        "runs": RetrainRun.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _audits(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


@pytest.fixture
def analyst_api(client, tree):
    analyst = make_member(tree.kab, Role.ANALYST, email="analis@bogorkab.go.id")
    return Api(client, make_token(analyst, tree.kab)[1])


def _queue(unit) -> str:
    return f"/units/{unit.uuid}/annotation-queue"


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_lists_the_least_sure_first_with_the_guess_and_probabilities(viewer_api, tree):
    sure = _candidate(tree.kab, "makasih pak bupati", 0.40, scores={"praise": 0.65, "other": 0.25, "question": 0.10})
    unsure = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)
    middle = _candidate(tree.kab, "biasa aja sih", 0.20, task="sentiment", scores={"neutral": 0.6, "negative": 0.4})
    done = _candidate(tree.kab, "sudah diberi label", 0.01)
    AnnotationCandidate.objects.filter(pk=done.pk).update(resolution="labelled", resolved_at=done.created_at)
    _candidate(tree.kota, "punya kota bogor", 0.01)  # the sibling's
    _candidate(tree.diskominfo, "punya dinas di bawahnya", 0.01)  # a unit below: its own queue

    response = viewer_api.get(_queue(tree.kab))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert [i["uuid"] for i in body["items"]] == [str(unsure.uuid), str(middle.uuid), str(sure.uuid)]
    first = body["items"][0]
    assert "id" not in first
    assert first["task"] == "message_type"
    assert first["text"] == "kapan jalan dibenerin"
    assert first["predicted_label"] == "question"
    assert first["predicted_labels"] is None
    assert first["scores"] == {"question": 0.51, "complaint": 0.49}
    assert first["margin"] == 0.02
    assert first["label_choices"] == ["question", "complaint", "aspiration", "praise", "other"]
    assert (first["resolution"], first["resolved_at"]) == (None, None)
    assert body["items"][2]["scores"] == {"praise": 0.65, "other": 0.25, "question": 0.10}


def test_the_queue_filters_by_task_and_pages(viewer_api, tree):
    for i in range(5):
        _candidate(tree.kab, f"pertanyaan {i}", 0.01 * (i + 1), source_id=str(i))
    _candidate(tree.kab, "biasa aja sih", 0.001, task="sentiment", scores={"neutral": 0.5, "negative": 0.5})

    response = viewer_api.get(_queue(tree.kab), task="message_type", page=2, page_size=2)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, 2, 2, 3)
    assert [i["text"] for i in body["items"]] == ["pertanyaan 2", "pertanyaan 3"]
    past_the_end = viewer_api.get(_queue(tree.kab), task="message_type", page=4, page_size=2).json()
    assert (past_the_end["count"], past_the_end["items"]) == (5, [])


def test_an_abuse_item_shows_the_guessed_labels(viewer_api, tree):
    _candidate(tree.kab, "dasar kalian semua", 0.1, task="abuse",
               scores={"Abusive": 0.55, "HS": 0.52, "HS_Religion": 0.1})
    AnnotationCandidate.objects.update(predicted_label="Abusive,HS")

    [item] = viewer_api.get(_queue(tree.kab)).json()["items"]

    assert item["predicted_label"] is None
    assert item["predicted_labels"] == ["Abusive", "HS"]
    assert "HS_Religion" in item["label_choices"]


def test_an_unknown_task_filter_is_422_in_indonesian(viewer_api, tree):
    problem = assert_problem(viewer_api.get(_queue(tree.kab), task="cuaca"), 422)

    assert problem["errors"]["task"][0].startswith("Nilai tidak dikenal. Pilihan:")


def test_the_queue_of_a_sibling_unit_is_404(sibling_api, api, tree):
    _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    assert_problem(sibling_api.get(_queue(tree.kab)), 404)
    assert_problem(api.get(_queue(tree.kota)), 404)


# --- labelling and skipping --------------------------------------------------------------------


def test_labelling_an_item_stores_the_label_resolves_it_and_is_audited(analyst_api, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    response = analyst_api.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", {"label": "complaint"})

    assert response.status_code == 200, response.content
    body = response.json()
    saved = Annotation.objects.get()
    assert body["uuid"] == str(saved.uuid)
    assert (body["task"], body["label"], body["labels"]) == ("message_type", "complaint", None)
    assert (body["predicted_label"], body["predicted_score"]) == ("question", 0.51)
    assert body["created_by"] == "analis@bogorkab.go.id"
    assert (saved.unit, saved.text, saved.label, saved.source_id) == (tree.kab, candidate.text, "complaint",
                                                                      candidate.source_id)
    candidate.refresh_from_db()
    assert candidate.resolution == "labelled"
    [event] = _audits("annotation.record")
    assert event.changes["label"] == "complaint"
    assert event.changes["predicted"] == "question"
    assert event.actor_label == "analis@bogorkab.go.id"
    assert analyst_api.get(_queue(tree.kab)).json()["count"] == 0


def test_an_abuse_item_takes_a_list_of_labels(api, tree):
    candidate = _candidate(tree.kab, "dasar kalian semua", 0.1, task="abuse", scores={"Abusive": 0.55, "HS": 0.45})

    response = api.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", {"labels": ["HS", "Abusive"]})

    assert response.status_code == 200, response.content
    assert (response.json()["label"], response.json()["labels"]) == (None, ["Abusive", "HS"])
    assert Annotation.objects.get().labels == ["Abusive", "HS"]


def test_an_empty_list_labels_an_abuse_item_as_none(api, tree):
    candidate = _candidate(tree.kab, "selamat pagi warga", 0.1, task="abuse", scores={"Abusive": 0.45})

    response = api.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", {"labels": []})

    assert response.status_code == 200, response.content
    assert Annotation.objects.get().labels == []


@pytest.mark.parametrize(
    ("task", "body", "field", "message"),
    [
        ("message_type", {"label": "cuaca"}, "__all__", "Label tidak dikenal untuk tugas ini: cuaca."),
        ("message_type", {}, "__all__", "Pilih label."),
        ("message_type", {"label": "  "}, "__all__", "Pilih label."),
        ("message_type", {"labels": ["question"]}, "labels", "Tugas ini memakai satu label: kirim label, bukan labels."),
        ("abuse", {"labels": ["HS", "cuaca"]}, "__all__", "Label tidak dikenal untuk tugas ini: cuaca."),
        ("abuse", {"label": "HS"}, "label",
         "Tugas abuse memakai labels (daftar label yang berlaku), bukan label."),
        ("abuse", {}, "labels", "Kirim labels: daftar label yang berlaku (daftar kosong berarti tidak ada)."),
        ("message_type", {"label": "question", "catatan": "x"}, "catatan", "Kolom ini tidak dikenal."),
        ("message_type", {"label": "q" * 41}, "label", "Paling banyak 40 karakter."),
    ],
)
def test_a_bad_label_is_422_and_changes_nothing(api, tree, task, body, field, message):
    scores = {"Abusive": 0.55, "HS": 0.45} if task == "abuse" else None
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02, task=task, scores=scores)
    before = _state()

    problem = assert_problem(api.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", body), 422)

    assert problem["errors"][field] == [message]
    assert _state() == before


def test_errors_follow_accept_language(api, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)
    api.headers["accept-language"] = "en"

    problem = assert_problem(api.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", {"label": "cuaca"}), 422)

    assert problem["errors"]["__all__"] == ["Unknown labels for this task: cuaca."]


def test_skipping_takes_an_item_out_of_the_queue_once(api, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    response = api.post(f"{_queue(tree.kab)}/{candidate.uuid}/skip")

    assert response.status_code == 200, response.content
    assert response.json()["uuid"] == str(candidate.uuid)
    assert response.json()["resolution"] == "skipped"
    assert response.json()["resolved_at"] is not None
    assert not Annotation.objects.exists()
    [event] = _audits("annotation.skip")
    assert event.changes["task"] == "message_type"
    before = _state()
    problem = assert_problem(api.post(f"{_queue(tree.kab)}/{candidate.uuid}/skip"), 422)
    assert problem["errors"]["__all__"] == ["Butir ini sudah tidak ada di antrean."]
    assert _state() == before


@pytest.mark.parametrize("action", ["label", "skip"])
def test_another_units_item_is_404_and_untouched(api, sibling_api, tree, action):
    below = _candidate(tree.diskominfo, "punya dinas di bawahnya", 0.02)
    theirs = _candidate(tree.kota, "punya kota bogor", 0.02)
    mine = _candidate(tree.kab, "punya kabupaten", 0.02)
    before = _state()

    # an item of a unit below, named under the kabupaten: rows are the unit's own
    assert_problem(api.post(f"{_queue(tree.kab)}/{below.uuid}/{action}", {"label": "question"}), 404)
    # the sibling's own item, by the kabupaten's token
    assert_problem(api.post(f"{_queue(tree.kota)}/{theirs.uuid}/{action}", {"label": "question"}), 404)
    # the kabupaten's item by the sibling: under either unit
    assert_problem(sibling_api.post(f"{_queue(tree.kab)}/{mine.uuid}/{action}", {"label": "question"}), 404)
    assert_problem(sibling_api.post(f"{_queue(tree.kota)}/{mine.uuid}/{action}", {"label": "question"}), 404)
    assert_problem(api.post(f"{_queue(tree.kab)}/{uuid.uuid4()}/{action}", {"label": "question"}), 404)
    assert_problem(api.post(f"{_queue(tree.kab)}/bukan-uuid/{action}", {"label": "question"}), 404)
    assert _state() == before


# --- corrections -------------------------------------------------------------------------------


def test_a_correction_stores_the_label_with_the_models_guess(analyst_api, tree):
    response = analyst_api.post(f"/units/{tree.kab.uuid}/annotations", {
        "task": "sentiment", "text": "pelayanan lambat sekali", "label": "negative",
        "source_kind": "ingest.item", "source_id": "42", "predicted_label": "neutral", "predicted_score": 0.48})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["label"], body["predicted_label"], body["predicted_score"]) == ("negative", "neutral", 0.48)
    assert (body["source_kind"], body["source_id"]) == ("ingest.item", "42")
    saved = Annotation.objects.get()
    assert (saved.unit, saved.task, saved.text, saved.label) == (tree.kab, "sentiment", "pelayanan lambat sekali",
                                                                 "negative")
    [event] = _audits("annotation.record")
    assert (event.changes["before"], event.changes["label"]) == (None, "negative")


def test_a_second_correction_of_the_same_source_corrects_it_without_the_text(api, tree):
    first = _annotation(tree.kab, "kapan jalan dibenerin", "question", source_id="7")

    response = api.post(f"/units/{tree.kab.uuid}/annotations", {
        "task": "message_type", "label": "complaint", "source_kind": "ingest.item", "source_id": "7"})

    assert response.status_code == 200, response.content
    assert response.json()["uuid"] == str(first.uuid)
    first.refresh_from_db()
    assert (first.label, first.text) == ("complaint", "kapan jalan dibenerin")
    assert Annotation.objects.count() == 1
    [event] = _audits("annotation.record")
    assert (event.changes["before"], event.changes["label"]) == ("question", "complaint")


def test_a_correction_of_a_queue_item_resolves_it(api, tree):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02, source_id="9")

    response = api.post(f"/units/{tree.kab.uuid}/annotations", {
        "task": "message_type", "label": "question", "source_kind": "ingest.item", "source_id": "9"})

    assert response.status_code == 200, response.content
    candidate.refresh_from_db()
    assert candidate.resolution == "labelled"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"task": "sentiment", "label": "negative"}, "__all__", "Teks yang diberi label tidak boleh kosong."),
        ({"task": "sentiment", "text": "lambat", "label": "negative", "source_kind": "ingest.item"}, "__all__",
         "Sumber harus berisi jenis dan nomor sekaligus, atau dikosongkan."),
        ({"task": "sentiment", "text": "x" * 10_001, "label": "negative"}, "__all__",
         "Teks terlalu panjang (paling banyak 10000 karakter)."),
        ({"task": "sentiment", "text": "lambat", "label": "marah"}, "__all__",
         "Label tidak dikenal untuk tugas ini: marah."),
        ({"task": "cuaca", "text": "lambat", "label": "negative"}, "task", None),
        ({"text": "lambat", "label": "negative"}, "task", "Wajib diisi."),
        ({"task": "sentiment", "text": "lambat", "label": "negative", "predicted_label": "neutral",
          "predicted_score": 1.5}, "predicted_score", "Paling besar 1.0."),
        ({"task": "abuse", "text": "dasar kalian", "label": "HS"}, "label",
         "Tugas abuse memakai labels (daftar label yang berlaku), bukan label."),
    ],
)
def test_a_bad_correction_is_422_and_changes_nothing(api, tree, body, field, message):
    before = _state()

    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/annotations", body), 422)

    if message is None:
        assert problem["errors"][field][0].startswith("Nilai tidak dikenal. Pilihan:")
    else:
        assert problem["errors"][field] == [message]
    assert _state() == before


def test_a_body_that_is_not_json_is_400(api, tree):
    response = api.client.post(f"/api/v1/units/{tree.kab.uuid}/annotations", data="{bukan json",
                               content_type="application/json", headers=api.headers)

    assert_problem(response, 400)
    assert not Annotation.objects.exists()


# --- the unit's labels -------------------------------------------------------------------------


def test_the_units_labels_are_listed_latest_first_with_filters_and_pages(viewer_api, tree):
    _labels(tree.kab, 5)
    _annotation(tree.kab, "dasar kalian", task="abuse", labels=["Abusive", "HS"])
    _annotation(tree.kota, "punya kota bogor")
    _annotation(tree.diskominfo, "punya dinas")

    everything = viewer_api.get(f"/units/{tree.kab.uuid}/annotations").json()
    assert everything["count"] == 6
    assert everything["items"][0]["labels"] == ["Abusive", "HS"]
    assert everything["items"][0]["label"] is None
    assert "id" not in everything["items"][0]

    paged = viewer_api.get(f"/units/{tree.kab.uuid}/annotations", task="message_type", page=1, page_size=2).json()
    assert (paged["count"], paged["pages"]) == (5, 3)
    assert [i["text"] for i in paged["items"]] == ["pesan nomor 4", "pesan nomor 3"]
    assert paged["items"][0]["labels"] is None

    by_label = viewer_api.get(f"/units/{tree.kab.uuid}/annotations", label="HS").json()
    assert [i["text"] for i in by_label["items"]] == ["dasar kalian"]
    by_text = viewer_api.get(f"/units/{tree.kab.uuid}/annotations", q="NOMOR 2").json()
    assert [i["text"] for i in by_text["items"]] == ["pesan nomor 2"]


def test_the_labels_of_a_sibling_unit_are_404(sibling_api, tree):
    _annotation(tree.kab, "kapan jalan dibenerin")

    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/annotations"), 404)


def test_an_admin_deletes_a_label_audited(api, tree):
    target = _annotation(tree.kab, "kapan jalan dibenerin")
    kept = _annotation(tree.kab, "terima kasih", source_id="2")

    response = api.delete(f"/units/{tree.kab.uuid}/annotations/{target.uuid}")

    assert response.status_code == 204, response.content
    assert list(Annotation.objects.all()) == [kept]
    [event] = _audits("annotation.delete")
    assert event.changes["text"] == "kapan jalan dibenerin"
    assert event.target_type == "language.annotation"


def test_deleting_another_units_label_is_404(api, sibling_api, tree):
    mine = _annotation(tree.kab, "kapan jalan dibenerin")
    below = _annotation(tree.diskominfo, "punya dinas")
    before = _state()

    assert_problem(sibling_api.delete(f"/units/{tree.kab.uuid}/annotations/{mine.uuid}"), 404)
    assert_problem(sibling_api.delete(f"/units/{tree.kota.uuid}/annotations/{mine.uuid}"), 404)
    assert_problem(api.delete(f"/units/{tree.kab.uuid}/annotations/{below.uuid}"), 404)
    assert_problem(api.delete(f"/units/{tree.kab.uuid}/annotations/{uuid.uuid4()}"), 404)
    assert _state() == before


def test_only_admins_delete_labels(analyst_api, tree):
    target = _annotation(tree.kab, "kapan jalan dibenerin")
    before = _state()

    assert_problem(analyst_api.delete(f"/units/{tree.kab.uuid}/annotations/{target.uuid}"), 403)
    assert _state() == before


# --- retraining --------------------------------------------------------------------------------


def test_retraining_needs_enough_labels(api, tree):
    _labels(tree.kab, 19)
    before = _state()

    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/retrain-runs", {"task": "message_type"}), 422)

    assert problem["errors"]["__all__"] == [
        "Pelatihan ulang memerlukan sedikitnya 20 label dari unit ini untuk tugas ini; baru ada 19. "
        "Beri label dulu lewat antrean anotasi."]
    assert _state() == before


def test_retraining_needs_enough_labels_in_english(api, tree):
    api.headers["accept-language"] = "en"

    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/retrain-runs", {"task": "message_type"}), 422)

    assert problem["errors"]["__all__"][0].startswith("Retraining needs at least 20 labels")


def test_a_retraining_is_queued_once_per_task_and_audited(analyst_api, tree, django_capture_on_commit_callbacks):
    _labels(tree.kab, 20)

    with django_capture_on_commit_callbacks() as callbacks:
        response = analyst_api.post(f"/units/{tree.kab.uuid}/retrain-runs", {"task": "message_type"})

    assert response.status_code == 202, response.content
    body = response.json()
    run = RetrainRun.objects.get()
    assert body["uuid"] == str(run.uuid)
    assert (body["task"], body["status"], body["labels_total"]) == ("message_type", "queued", 20)
    assert (body["old_score"], body["new_score"], body["error"]) == (None, None, None)
    assert body["created_by"] == "analis@bogorkab.go.id"
    [event] = _audits("annotation.retrain")
    assert event.changes == {"task": "message_type", "labels": 20, "seed": 13}
    [enqueue] = callbacks  # the background task, once the run is stored
    assert enqueue.args == (run.pk,)
    before = _state()
    problem = assert_problem(analyst_api.post(f"/units/{tree.kab.uuid}/retrain-runs", {"task": "message_type"}), 422)
    assert problem["errors"]["__all__"] == ["Pelatihan ulang untuk tugas ini sedang berjalan. Tunggu sampai selesai."]
    assert _state() == before


@pytest.mark.parametrize(("body", "field"), [({"task": "cuaca"}, "task"), ({}, "task"),
                                              ({"task": "sentiment", "seed": 1}, "seed")])
def test_a_bad_retraining_body_is_422(api, tree, body, field):
    _labels(tree.kab, 25, task="sentiment")
    before = _state()

    problem = assert_problem(api.post(f"/units/{tree.kab.uuid}/retrain-runs", body), 422)

    assert field in problem["errors"]
    assert _state() == before


def test_a_finished_run_shows_the_old_and_the_new_score(api, tree, admin):
    # The run itself is the background task's (tests/language/test_annotation_retrain.py);
    # here a finished one, as the task leaves it.
    run = RetrainRun.objects.create(
        unit=tree.kab, task="message_type", status="done", created_by=admin, labels_total=25, labels_train=20,
        labels_heldout=5, old_score=0.60, new_score=0.72, old_metrics={"macro_f1": 0.60, "n": 5},
        new_metrics={"macro_f1": 0.72, "n": 5}, replaced=True, started_at=timezone.now(), finished_at=timezone.now())
    RetrainRun.objects.create(unit=tree.kab, task="sentiment", status="queued")

    response = api.get(f"/units/{tree.kab.uuid}/retrain-runs/{run.uuid}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert "id" not in body
    assert (body["status"], body["replaced"], body["old_score"], body["new_score"]) == ("done", True, 0.60, 0.72)
    assert (body["labels_total"], body["labels_train"], body["labels_heldout"]) == (25, 20, 5)
    assert body["new_metrics"] == {"macro_f1": 0.72, "n": 5}
    assert body["finished_at"] is not None
    listed = api.get(f"/units/{tree.kab.uuid}/retrain-runs", task="message_type").json()
    assert [r["uuid"] for r in listed["items"]] == [str(run.uuid)]
    assert api.get(f"/units/{tree.kab.uuid}/retrain-runs").json()["count"] == 2


def test_a_failed_run_shows_why(viewer_api, tree, admin):
    run = RetrainRun.objects.create(unit=tree.kab, task="sentiment", status="failed", created_by=admin,
                                    error="Label unit ini tinggal 3; pelatihan ulang memerlukan sedikitnya 20.")

    body = viewer_api.get(f"/units/{tree.kab.uuid}/retrain-runs/{run.uuid}").json()

    assert (body["status"], body["error"]) == ("failed", run.error)
    assert body["created_by"] == "admin@bogorkab.go.id"


def test_another_units_run_is_404(api, sibling_api, tree, admin):
    mine = RetrainRun.objects.create(unit=tree.kab, task="sentiment", created_by=admin)
    below = RetrainRun.objects.create(unit=tree.diskominfo, task="sentiment")

    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/retrain-runs/{mine.uuid}"), 404)
    assert_problem(sibling_api.get(f"/units/{tree.kota.uuid}/retrain-runs/{mine.uuid}"), 404)
    assert_problem(sibling_api.get(f"/units/{tree.kab.uuid}/retrain-runs"), 404)
    assert_problem(sibling_api.post(f"/units/{tree.kab.uuid}/retrain-runs", {"task": "sentiment"}), 404)
    assert_problem(api.get(f"/units/{tree.kab.uuid}/retrain-runs/{below.uuid}"), 404)


# --- permissions -------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_never_writes(viewer_api, tree, admin):
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)
    target = _annotation(tree.kab, "terima kasih", source_id="t")
    _labels(tree.kab, 25)
    run = RetrainRun.objects.create(unit=tree.kab, task="sentiment", created_by=admin)
    base = f"/units/{tree.kab.uuid}"
    for path in (f"{base}/annotation-queue", f"{base}/annotations", f"{base}/retrain-runs",
                 f"{base}/retrain-runs/{run.uuid}"):
        assert viewer_api.get(path).status_code == 200, path
    before = _state()

    assert_problem(viewer_api.post(f"{base}/annotation-queue/{candidate.uuid}/label", {"label": "question"}), 403)
    assert_problem(viewer_api.post(f"{base}/annotation-queue/{candidate.uuid}/skip"), 403)
    assert_problem(viewer_api.post(f"{base}/annotations", {"task": "sentiment", "text": "lambat",
                                                           "label": "negative"}), 403)
    assert_problem(viewer_api.delete(f"{base}/annotations/{target.uuid}"), 403)
    assert_problem(viewer_api.post(f"{base}/retrain-runs", {"task": "message_type"}), 403)
    assert _state() == before


def test_an_admin_token_capped_at_viewer_cannot_write(client, tree, admin):
    capped = Api(client, make_token(admin, tree.kab, role=Role.VIEWER)[1])
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)
    before = _state()

    assert_problem(capped.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", {"label": "question"}), 403)
    assert _state() == before


def test_an_editor_may_not_label(client, tree):
    editor = make_member(tree.kab, Role.EDITOR, email="editor2@bogorkab.go.id")
    editor_api = Api(client, make_token(editor, tree.kab)[1])
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    assert_problem(editor_api.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", {"label": "question"}), 403)
    assert editor_api.get(_queue(tree.kab)).status_code == 200


def test_a_token_of_a_parent_unit_reaches_a_unit_below(client, tree):
    provincial = make_member(tree.jabar, Role.ANALYST, email="analis@jabarprov.go.id")
    jabar_api = Api(client, make_token(provincial, tree.jabar)[1])
    candidate = _candidate(tree.kab, "kapan jalan dibenerin", 0.02)

    response = jabar_api.post(f"{_queue(tree.kab)}/{candidate.uuid}/label", {"label": "question"})

    assert response.status_code == 200, response.content
    assert Annotation.objects.get().unit == tree.kab
