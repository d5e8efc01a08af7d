"""Retraining with the unit's own labels: held-back part, old vs new, replace only when better."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.language.annotation_fakes import FakeTraining
from warta.core.models import AuditEvent
from warta.language import annotation
from warta.language.models import Annotation, RetrainRun


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.WARTA_DATA_DIR = tmp_path
    return tmp_path


def _label(unit, n, task="message_type", start=0):
    labels = ["question", "complaint", "aspiration", "praise", "other"]
    for i in range(start, start + n):
        Annotation.objects.create(unit=unit, task=task, text=f"pesan nomor {i}", label=labels[i % 5],
                                  source_kind="ingest.item", source_id=str(i))


def _run(admin, unit, captured, task="message_type"):
    with captured(execute=True):
        run = annotation.annotation_retrain(actor=admin, unit=unit, task=task)
    run.refresh_from_db()
    return run


def test_the_new_model_replaces_the_old_when_it_scores_higher_on_the_held_back_part(
        tree, admin, monkeypatch, data_dir, django_capture_on_commit_callbacks):
    training = FakeTraining(scores={"default": 0.60, "new": 0.72})
    training.install(monkeypatch)
    _label(tree.kab, 25)

    run = _run(admin, tree.kab, django_capture_on_commit_callbacks)

    assert (run.status, run.replaced, run.old_score, run.new_score) == ("done", True, 0.60, 0.72)
    assert (run.labels_total, run.labels_train, run.labels_heldout) == (25, 20, 5)
    expected = data_dir / "models" / str(tree.kab.uuid) / "message_type" / str(run.uuid)
    assert run.artifact_path == str(expected)
    assert (expected / "model.json").exists()
    assert annotation.unit_model_dir(tree.kab, "message_type") == expected
    assert run.old_metrics == {"macro_f1": 0.60, "n": 5}
    assert run.new_metrics == {"macro_f1": 0.72, "n": 5}
    # trained with 80 % of the unit's labels; both models scored on the other 20 %
    [trained] = training.trained
    held_texts = training.evaluated[0][1]
    assert len(trained["extra"]) == 20
    assert trained["seed"] == 13
    assert trained["evaluate"] is False  # judged on the held-back labels; needs no validation split
    assert {t for t, _l in trained["extra"]}.isdisjoint(held_texts)
    assert [(name, len(texts)) for name, texts, _l in training.evaluated] == [("new", 5), ("default", 5)]
    assert training.evaluated[0][1:] == training.evaluated[1][1:]
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="annotation.").order_by("seq")] == [
        "annotation.retrain", "annotation.model_replace"]
    assert AuditEvent.objects.get(action="annotation.model_replace").changes == {
        "task": "message_type", "old_macro_f1": 0.6, "new_macro_f1": 0.72, "heldout": 5, "train": 20}


def test_the_old_model_stays_when_the_new_one_is_not_better(
        tree, admin, monkeypatch, data_dir, django_capture_on_commit_callbacks):
    training = FakeTraining(scores={"default": 0.70, "new": 0.70})
    training.install(monkeypatch)
    _label(tree.kab, 30)

    run = _run(admin, tree.kab, django_capture_on_commit_callbacks)

    assert (run.status, run.replaced, run.old_score, run.new_score, run.artifact_path) == ("done", False, 0.70, 0.70, "")
    assert not Path(training.trained[0]["out_dir"]).exists()
    assert annotation.unit_model_dir(tree.kab, "message_type") is None
    assert not AuditEvent.objects.filter(action="annotation.model_replace").exists()


def test_a_second_retraining_is_compared_with_the_unit_model_not_the_default(
        tree, admin, monkeypatch, data_dir, django_capture_on_commit_callbacks):
    training = FakeTraining(scores={"default": 0.50, "new": 0.65, "unit": 0.80})
    training.install(monkeypatch)
    _label(tree.kab, 25)
    first = _run(admin, tree.kab, django_capture_on_commit_callbacks)
    _label(tree.kab, 10, start=25)

    second = _run(admin, tree.kab, django_capture_on_commit_callbacks)

    assert training.loaded == [None, Path(first.artifact_path)]
    assert (second.old_score, second.new_score, second.replaced) == (0.80, 0.65, False)
    assert annotation.unit_model_dir(tree.kab, "message_type") == Path(first.artifact_path)


def test_without_any_installed_model_the_new_one_is_used(
        tree, admin, monkeypatch, data_dir, django_capture_on_commit_callbacks):
    training = FakeTraining(scores={"new": 0.5})

    def missing(task, directory=None):
        raise FileNotFoundError("no artifact")

    training.load_model = missing
    training.install(monkeypatch)
    _label(tree.kab, 20)

    run = _run(admin, tree.kab, django_capture_on_commit_callbacks)

    assert (run.status, run.replaced, run.old_score, run.new_score) == ("done", True, None, 0.5)
    assert AuditEvent.objects.get(action="annotation.model_replace").changes["old_macro_f1"] is None


def test_the_split_is_seeded_and_the_same_every_time():
    pairs = [(f"t{i}", "other") for i in range(50)]

    train_a, held_a = annotation.heldout_split(pairs, seed=13)
    train_b, held_b = annotation.heldout_split(pairs, seed=13)
    _train_c, held_c = annotation.heldout_split(pairs, seed=14)

    assert (train_a, held_a) == (train_b, held_b)
    assert len(held_a) == 10
    assert len(train_a) == 40
    assert set(held_a).isdisjoint(train_a)
    assert held_c != held_a


def test_abuse_labels_reach_training_as_lists(tree, admin, monkeypatch, data_dir, django_capture_on_commit_callbacks):
    training = FakeTraining(scores={"default": 0.1, "new": 0.2})
    training.install(monkeypatch)
    for i in range(20):
        Annotation.objects.create(unit=tree.kab, task="abuse", text=f"teks {i}", labels=["HS", "Abusive"] if i % 2 else [],
                                  source_kind="manual", source_id=str(i))

    _run(admin, tree.kab, django_capture_on_commit_callbacks, task="abuse")

    assert {tuple(label) for _t, label in training.trained[0]["extra"]} == {("HS", "Abusive"), ()}


def test_too_few_labels_are_refused_and_nothing_is_queued(tree, admin, monkeypatch, data_dir):
    FakeTraining().install(monkeypatch)
    _label(tree.kab, 19)

    with pytest.raises(ValidationError) as exc:
        annotation.annotation_retrain(actor=admin, unit=tree.kab, task="message_type")

    assert exc.value.messages == ["Pelatihan ulang memerlukan sedikitnya 20 label dari unit ini untuk tugas ini; baru ada 19. "
                                  "Beri label dulu lewat antrean anotasi."]
    assert RetrainRun.objects.count() == 0
    assert not AuditEvent.objects.filter(action="annotation.retrain").exists()


def test_only_one_run_per_task_waits_at_a_time(tree, admin, monkeypatch, data_dir):
    FakeTraining().install(monkeypatch)
    _label(tree.kab, 20)
    annotation.annotation_retrain(actor=admin, unit=tree.kab, task="message_type")  # on_commit not run: stays queued

    with pytest.raises(ValidationError) as exc:
        annotation.annotation_retrain(actor=admin, unit=tree.kab, task="message_type")

    assert exc.value.messages == ["Pelatihan ulang untuk tugas ini sedang berjalan. Tunggu sampai selesai."]
    assert RetrainRun.objects.count() == 1


def test_a_failing_training_leaves_the_old_model_and_says_so(
        tree, admin, monkeypatch, data_dir, django_capture_on_commit_callbacks):
    FakeTraining(fail=True).install(monkeypatch)
    _label(tree.kab, 20)

    run = _run(admin, tree.kab, django_capture_on_commit_callbacks)

    assert (run.status, run.replaced, run.artifact_path) == ("failed", False, "")
    assert run.error == ("Pelatihan ulang gagal karena kesalahan tak terduga; model lama tetap dipakai. "
                         "Coba lagi nanti atau hubungi pengelola Warta.")
    assert list((data_dir / "models" / str(tree.kab.uuid) / "message_type").iterdir()) == []


def test_the_retrain_page_starts_a_run_and_shows_both_scores(
        admin_client, tree, admin, monkeypatch, data_dir, django_capture_on_commit_callbacks):
    FakeTraining(scores={"default": 0.61, "new": 0.7349}).install(monkeypatch)
    _label(tree.kab, 20)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("language:retrain", args=[tree.kab.uuid]), {"task": "message_type"})

    run = RetrainRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("language:retrain-detail", args=[tree.kab.uuid, run.uuid])
    page = admin_client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    assert 'data-testid="retrain-replaced"' in page
    assert 'data-testid="old-score">0,610<' in page
    assert 'data-testid="new-score">0,735<' in page
    listing = admin_client.get(reverse("language:retrain", args=[tree.kab.uuid])).content.decode()
    assert "model baru dipakai" in listing


def test_a_running_retraining_is_polled(admin_client, tree, admin):
    run = RetrainRun.objects.create(unit=tree.kab, task="sentiment", created_by=admin, status="running")

    page = admin_client.get(reverse("language:retrain-detail", args=[tree.kab.uuid, run.uuid])).content.decode()
    partial = admin_client.get(reverse("language:retrain-detail", args=[tree.kab.uuid, run.uuid]),
                               headers={"HX-Request": "true"}).content.decode()

    assert 'hx-trigger="every 2s"' in page
    assert 'data-testid="retrain-progress"' in page
    assert partial.lstrip().startswith('<section id="retrain-status"')


def test_the_retrain_page_refuses_too_few_labels_in_indonesian(admin_client, tree, data_dir):
    response = admin_client.post(reverse("language:retrain", args=[tree.kab.uuid]), {"task": "emotion"})

    assert response.status_code == 400
    assert "Pelatihan ulang memerlukan sedikitnya 20 label dari unit ini untuk tugas ini; baru ada 0." in response.content.decode()
    assert RetrainRun.objects.count() == 0
