"""One retraining with the real trainer (message type, the repository's own data): the
annotation workflow and ``warta.language.training`` fit together end to end."""

import csv
from pathlib import Path

import pytest

from warta.language import annotation, training
from warta.language.models import Annotation

DATA = Path(annotation.__file__).parent / "data" / "message_type.csv"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.WARTA_DATA_DIR = tmp_path
    return tmp_path


def test_a_unit_retrains_message_type_with_the_real_trainer(tree, admin, data_dir, django_capture_on_commit_callbacks):
    with DATA.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:30]
    for i, row in enumerate(rows):
        Annotation.objects.create(unit=tree.kab, task="message_type", text=row["text"] + " #kabbogor",
                                  label=row["label"], source_kind="manual", source_id=str(i))

    with django_capture_on_commit_callbacks(execute=True):
        run = annotation.annotation_retrain(actor=admin, unit=tree.kab, task="message_type")
    run.refresh_from_db()

    assert run.status == "done", run.error
    assert (run.labels_train, run.labels_heldout) == (24, 6)
    assert 0.0 <= run.new_score <= 1.0
    assert run.new_metrics["n"] == 6
    if run.replaced:
        model = training.load_model("message_type", Path(run.artifact_path))
        assert model.labels == ("question", "complaint", "aspiration", "praise", "other")
        assert annotation.unit_model_dir(tree.kab, "message_type") == Path(run.artifact_path)


def test_a_unit_retrains_emotion_without_the_source_data(tree, admin, data_dir, settings,
                                                         django_capture_on_commit_callbacks):
    """An installation has no ../shared: the retraining trains on the shipped EmoT copy plus the
    unit's labels, and judges old and new on the unit's held-back labels."""
    settings.WARTA_LANGUAGE_DATA_DIR = str(data_dir / "no-source-here")
    tweets = {"anger": "kesal banget jalan rusak tidak diperbaiki", "happy": "senang bansos cair tepat waktu",
              "sadness": "sedih rumah kebanjiran lagi", "fear": "takut banjir susulan malam ini",
              "love": "sayang sekali sama kota ini"}
    for i in range(30):
        label = list(tweets)[i % 5]
        Annotation.objects.create(unit=tree.kab, task="emotion", text=f"{tweets[label]} {i}", label=label,
                                  source_kind="manual", source_id=str(i))

    with django_capture_on_commit_callbacks(execute=True):
        run = annotation.annotation_retrain(actor=admin, unit=tree.kab, task="emotion")
    run.refresh_from_db()

    assert run.status == "done", run.error
    assert (run.labels_train, run.labels_heldout) == (24, 6)
    assert run.new_metrics["n"] == 6
    assert run.old_score is not None
    assert run.replaced == (run.new_score > run.old_score)
