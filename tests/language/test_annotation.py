"""Annotation services: recording and correcting labels, the queue of uncertain items."""

import pytest
from django.core.exceptions import ValidationError

from tests.language.annotation_fakes import FakeClassifier, install
from warta.core.models import AuditEvent
from warta.language import annotation
from warta.language.models import Annotation, AnnotationCandidate
from warta.organisations.scope import scope_for_unit


@pytest.fixture
def classifier(monkeypatch):
    fake = FakeClassifier({
        "jalan rusak kapan dibenerin?": {"question": 0.48, "complaint": 0.46, "other": 0.06},  # margin 0.02
        "usul bikin taman": {"aspiration": 0.55, "praise": 0.35, "other": 0.10},  # margin 0.20
        "makasih pak": {"praise": 0.70, "other": 0.30},  # margin 0.40
        "spam slot gacor": {"other": 0.99, "praise": 0.01},  # sure: never queued
        "apakah ktp bisa diwakilkan": {"question": 0.51, "complaint": 0.49},  # margin 0.02, surer top
    })
    install(monkeypatch, "classifiers", classify=fake.classify)
    return fake


def _audits(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq"))


# --- annotation_record --------------------------------------------------------------------


def test_a_correction_is_stored_for_the_unit_with_its_source_and_audited(tree, admin):
    saved = annotation.annotation_record(actor=admin, unit=tree.kab, task="message_type", text="Jalan rusak!",
                                         label="complaint", source_kind="ingest.item", source_id="42",
                                         predicted=("question", 0.61))

    row = Annotation.objects.get()
    assert (row.pk, row.unit, row.task, row.text, row.label) == (saved.pk, tree.kab, "message_type", "Jalan rusak!", "complaint")
    assert (row.source_kind, row.source_id, row.predicted_label, row.predicted_score) == ("ingest.item", "42", "question", 0.61)
    assert row.created_by == admin
    [event] = _audits("annotation.record")
    assert event.changes == {"task": "message_type", "label": "complaint", "before": None, "predicted": "question",
                             "source": "ingest.item:42"}
    assert event.unit_id == tree.kab.pk
    assert event.actor_id == admin.pk


def test_correcting_the_same_source_again_replaces_the_label(tree, admin):
    annotation.annotation_record(actor=admin, unit=tree.kab, task="sentiment", text="biasa aja", label="neutral",
                                 source_kind="ingest.item", source_id="7")
    annotation.annotation_record(actor=admin, unit=tree.kab, task="sentiment", text="biasa aja", label="negative",
                                 source_kind="ingest.item", source_id="7")

    assert list(Annotation.objects.values_list("label", flat=True)) == ["negative"]
    assert _audits("annotation.record")[-1].changes["before"] == "neutral"


def test_a_text_without_source_is_keyed_by_its_own_text(tree, admin):
    annotation.annotation_record(actor=admin, unit=tree.kab, task="sentiment", text="Mantap  pelayanannya", label="positive")
    annotation.annotation_record(actor=admin, unit=tree.kab, task="sentiment", text="Mantap pelayanannya", label="neutral")

    row = Annotation.objects.get()
    assert row.source_kind == "manual"
    assert len(row.source_id) == 64
    assert row.label == "neutral"


def test_the_same_source_is_separate_per_unit_and_per_task(tree, admin, sibling):
    for unit, actor in ((tree.kab, admin), (tree.kota, sibling)):
        for task, label in (("sentiment", "negative"), ("message_type", "complaint")):
            annotation.annotation_record(actor=actor, unit=unit, task=task, text="air mati", label=label,
                                         source_kind="ingest.item", source_id="1")

    assert Annotation.objects.count() == 4
    scope = scope_for_unit(user=sibling, unit=tree.kota)
    assert {a.unit_id for a in annotation.annotation_list(scope=scope)} == {tree.kota.pk}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"label": "marah"}, "Label tidak dikenal untuk tugas ini: marah."),
    ({"label": ""}, "Pilih label."),
    ({"text": "   "}, "Teks yang diberi label tidak boleh kosong."),
    ({"task": "topik"}, "Tugas klasifikasi tidak dikenal: topik."),
    ({"source_kind": "ingest.item"}, "Sumber harus berisi jenis dan nomor sekaligus, atau dikosongkan."),
    ({"text": "x" * 10_001}, "Teks terlalu panjang (paling banyak 10000 karakter)."),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_stored(tree, admin, kwargs, message):
    args = {"actor": admin, "unit": tree.kab, "task": "message_type", "text": "halo", "label": "other", **kwargs}
    with pytest.raises(ValidationError) as exc:
        annotation.annotation_record(**args)

    assert exc.value.messages == [message]
    assert Annotation.objects.count() == 0
    assert _audits("annotation.record") == []


def test_abuse_takes_several_labels_or_none(tree, admin):
    a = annotation.annotation_record(actor=admin, unit=tree.kab, task="abuse", text="dasar kalian ...",
                                     label=["HS_Group", "HS", "Abusive", "HS"], source_kind="ingest.item", source_id="1")
    b = annotation.annotation_record(actor=admin, unit=tree.kab, task="abuse", text="selamat pagi", label="none")
    c = annotation.annotation_record(actor=admin, unit=tree.kab, task="abuse", text="kalimat biasa", label=[])

    assert (a.labels, a.label, a.label_text) == (["Abusive", "HS", "HS_Group"], "", "Abusive,HS,HS_Group")
    assert (b.labels, b.label_text, c.labels) == ([], "none", [])
    with pytest.raises(ValidationError) as exc:
        annotation.annotation_record(actor=admin, unit=tree.kab, task="abuse", text="x", label=["HS", "kasar"])
    assert exc.value.messages == ["Label tidak dikenal untuk tugas ini: kasar."]


def test_only_the_source_reference_is_enough_when_the_unit_knows_the_text(tree, admin):
    AnnotationCandidate.objects.create(unit=tree.kab, task="message_type", text="kapan PPDB dibuka?",
                                       source_kind="ingest.item", source_id="9", predicted_label="complaint",
                                       scores={"complaint": 0.5, "question": 0.45}, margin=0.05)

    saved = annotation.annotation_record(actor=admin, unit=tree.kab, task="message_type", label="question",
                                         source_kind="ingest.item", source_id="9")

    assert (saved.text, saved.predicted_label, saved.predicted_score) == ("kapan PPDB dibuka?", "complaint", 0.5)
    candidate = AnnotationCandidate.objects.get()
    assert candidate.resolution == "labelled"
    assert candidate.resolved_at is not None


def test_deleting_a_label_is_audited(tree, admin):
    saved = annotation.annotation_record(actor=admin, unit=tree.kab, task="emotion", text="sedih banget", label="sadness")

    annotation.annotation_delete(actor=admin, annotation=saved)

    assert Annotation.objects.count() == 0
    [event] = _audits("annotation.delete")
    assert event.changes["label"] == "sadness"
    assert event.changes["text"] == "sedih banget"
    assert event.target_id == str(saved.uuid)


# --- the queue ------------------------------------------------------------------------------


def _items(*texts):
    return [("ingest.item", str(i), t) for i, t in enumerate(texts, start=1)]


def test_offered_items_are_classified_and_only_the_unsure_ones_queued_least_sure_first(tree, admin, classifier):
    kept = annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items(
        "makasih pak", "spam slot gacor", "usul bikin taman", "jalan rusak kapan dibenerin?",
        "apakah ktp bisa diwakilkan"))

    assert kept == 4
    scope = scope_for_unit(user=admin, unit=tree.kab)
    queue = list(annotation.candidate_queue(scope=scope))
    # equal margins: the lower top probability (higher uncertainty) first
    assert [c.text for c in queue] == ["jalan rusak kapan dibenerin?", "apakah ktp bisa diwakilkan",
                                       "usul bikin taman", "makasih pak"]
    first = queue[0]
    assert (first.predicted_label, first.scores, first.source_kind, first.source_id) == (
        "question", {"question": 0.48, "complaint": 0.46, "other": 0.06}, "ingest.item", "4")
    assert first.margin == pytest.approx(0.02)
    assert first.uncertainty == pytest.approx(0.52)
    assert classifier.calls == [("message_type", ["makasih pak", "spam slot gacor", "usul bikin taman",
                                                  "jalan rusak kapan dibenerin?", "apakah ktp bisa diwakilkan"])]


def test_the_queue_is_bounded_keeping_the_least_sure(tree, admin, classifier):
    annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items("makasih pak", "usul bikin taman"), limit=2)
    annotation.candidates_offer(unit=tree.kab, task="message_type",
                                items=[("ingest.item", "9", "jalan rusak kapan dibenerin?")], limit=2)

    assert list(AnnotationCandidate.objects.order_by("margin").values_list("text", flat=True)) == [
        "jalan rusak kapan dibenerin?", "usul bikin taman"]


def test_items_already_labelled_or_queued_are_not_offered_again(tree, admin, classifier):
    annotation.annotation_record(actor=admin, unit=tree.kab, task="message_type", text="makasih pak", label="praise",
                                 source_kind="ingest.item", source_id="1")
    annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items("makasih pak", "usul bikin taman"))
    classifier.calls.clear()

    again = annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items("makasih pak", "usul bikin taman"))

    assert again == 0
    assert classifier.calls == []
    assert list(AnnotationCandidate.objects.values_list("text", flat=True)) == ["usul bikin taman"]


def test_offered_items_without_text_or_reference_are_ignored(tree, classifier):
    kept = annotation.candidates_offer(unit=tree.kab, task="message_type", items=[
        ("ingest.item", "1", "  "), ("", "2", "usul bikin taman"), ("ingest.item", "", "usul bikin taman")])

    assert kept == 0
    assert AnnotationCandidate.objects.count() == 0


def test_abuse_uncertainty_is_the_label_closest_to_one_half(tree, admin, monkeypatch):
    fake = FakeClassifier({"dasar kau": {"HS": 0.55, "Abusive": 0.9}, "halo": {"HS": 0.1, "Abusive": 0.2}})
    install(monkeypatch, "classifiers", classify=fake.classify)

    annotation.candidates_offer(unit=tree.kab, task="abuse", items=_items("dasar kau", "halo"))

    candidate = AnnotationCandidate.objects.get()
    assert (candidate.text, candidate.predicted_label) == ("dasar kau", "HS,Abusive")
    assert candidate.margin == pytest.approx(0.1)
    assert candidate.uncertainty == pytest.approx(0.9)


def test_labelling_a_queue_item_resolves_it_and_keeps_the_model_guess(tree, admin, classifier):
    annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items("jalan rusak kapan dibenerin?"))
    candidate = AnnotationCandidate.objects.get()

    saved = annotation.candidate_label(actor=admin, candidate=candidate, label="complaint")

    assert (saved.label, saved.predicted_label, saved.predicted_score) == ("complaint", "question", 0.48)
    assert (saved.source_kind, saved.source_id) == ("ingest.item", "1")
    scope = scope_for_unit(user=admin, unit=tree.kab)
    assert list(annotation.candidate_queue(scope=scope)) == []


def test_skipping_takes_an_item_out_of_the_queue_once(tree, admin, classifier):
    annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items("usul bikin taman"))
    candidate = AnnotationCandidate.objects.get()

    annotation.candidate_skip(actor=admin, candidate=candidate)
    with pytest.raises(ValidationError) as exc:
        annotation.candidate_skip(actor=admin, candidate=candidate)

    assert exc.value.messages == ["Butir ini sudah tidak ada di antrean."]
    candidate.refresh_from_db()
    assert candidate.resolution == "skipped"
    assert len(_audits("annotation.skip")) == 1
    assert Annotation.objects.count() == 0


def test_progress_counts_per_task(tree, admin, classifier):
    annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items("usul bikin taman", "makasih pak"))
    annotation.candidate_skip(actor=admin, candidate=AnnotationCandidate.objects.get(text="makasih pak"))
    annotation.annotation_record(actor=admin, unit=tree.kab, task="message_type", text="tanya", label="question")

    progress = {p["task"]: p for p in annotation.annotation_progress(scope=scope_for_unit(user=admin, unit=tree.kab))}

    assert (progress["message_type"]["labelled"], progress["message_type"]["waiting"],
            progress["message_type"]["skipped"]) == (1, 1, 1)
    assert (progress["sentiment"]["labelled"], progress["sentiment"]["waiting"]) == (0, 0)


def test_a_unit_with_its_own_model_is_classified_with_it(tree, admin, classifier, monkeypatch, tmp_path):
    import numpy as np

    from tests.language.annotation_fakes import install
    from warta.language.models import RetrainRun

    directory = tmp_path / "models" / str(tree.kab.uuid) / "message_type" / "run"
    directory.mkdir(parents=True)
    RetrainRun.objects.create(unit=tree.kab, task="message_type", status="done", replaced=True,
                              artifact_path=str(directory))

    class UnitModel:
        labels = ("question", "complaint", "aspiration", "praise", "other")

        def predict_proba(self, texts):
            return np.array([[0.4, 0.35, 0.1, 0.1, 0.05]] * len(texts))

    loaded = []
    install(monkeypatch, "training", load_model=lambda task, d=None: loaded.append(d) or UnitModel())
    annotation._unit_model.cache_clear()

    annotation.candidates_offer(unit=tree.kab, task="message_type", items=_items("makasih pak"))

    assert classifier.calls == []
    assert loaded == [directory]
    candidate = AnnotationCandidate.objects.get()
    assert candidate.predicted_label == "question"
    assert candidate.margin == pytest.approx(0.05)
