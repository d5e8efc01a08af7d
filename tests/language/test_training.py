"""Training is seeded and reproducible; artifacts are saved and loaded without unpickling."""

import json
import pickle

import numpy as np
import pytest

from warta.language import artifacts, training
from warta.language.artifacts import ArtifactError
from warta.language.backends.linear import LinearModel, fit
from warta.language.evaluation import evaluate_on

TEXTS = ["pelayanan bagus sekali terima kasih", "jalan rusak parah tolong diperbaiki",
         "mantap cepat sekali prosesnya", "lambat sekali antre berjam-jam kecewa",
         "petugasnya ramah dan sigap", "banjir lagi tidak ada penanganan"] * 4
LABELS = ["positive", "negative"] * 12


def small_model() -> LinearModel:
    return fit("sentiment", TEXTS, LABELS, ("positive", "neutral", "negative"), seed=7, calibration_folds=2)


def test_artifact_round_trip_gives_the_same_scores(tmp_path):
    model = small_model()
    artifacts.save(tmp_path / "m", model.to_arrays(), {**model.model_meta(), "seed": 7})

    arrays, meta = artifacts.load(tmp_path / "m")
    loaded = LinearModel.from_arrays(arrays, meta)

    texts = ["pelayanan bagus", "jalan rusak parah"]
    assert meta["artifact_version"] == artifacts.ARTIFACT_VERSION
    assert meta["seed"] == 7
    assert loaded.labels == ("positive", "neutral", "negative")
    np.testing.assert_allclose(loaded.predict_proba(texts), model.predict_proba(texts), atol=2e-3)
    assert [loaded.labels[i] for i in loaded.predict_proba(texts).argmax(1)] == ["positive", "negative"]


def test_a_pickle_is_refused_without_being_run(tmp_path):
    class Boom:
        def __reduce__(self):
            return (pytest.fail, ("the pickle was executed",))

    directory = tmp_path / "evil"
    directory.mkdir()
    (directory / "model.npz").write_bytes(pickle.dumps(Boom()))
    (directory / "meta.json").write_text(json.dumps({"artifact_version": 1}))

    with pytest.raises(ArtifactError, match="not a numpy .npz archive"):
        artifacts.load(directory)


def test_an_object_array_inside_the_archive_is_refused(tmp_path):
    directory = tmp_path / "objects"
    directory.mkdir()
    np.savez(directory / "model.npz", weights=np.array([{"a": 1}], dtype=object))
    (directory / "meta.json").write_text(json.dumps({"artifact_version": 1}))

    with pytest.raises(ArtifactError, match="cannot be read safely"):
        artifacts.load(directory)


def test_saving_refuses_non_numeric_arrays(tmp_path):
    with pytest.raises(ArtifactError, match="only numbers"):
        artifacts.save(tmp_path / "x", {"words": np.array(["a", "b"])}, {})
    assert not (tmp_path / "x" / "model.npz").exists()


def test_unknown_artifact_version_is_refused(tmp_path):
    model = small_model()
    artifacts.save(tmp_path / "m", model.to_arrays(), model.model_meta())
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    meta["artifact_version"] = 99
    (tmp_path / "m" / "meta.json").write_text(json.dumps(meta))

    with pytest.raises(ArtifactError, match="artifact version 99"):
        artifacts.load(tmp_path / "m")


def test_training_a_small_seeded_subset_twice_gives_the_same_metrics(tmp_path):
    first = training.train_task("message_type", seed=5, limit=150, folds=3, out_dir=tmp_path / "a")
    second = training.train_task("message_type", seed=5, limit=150, folds=3, out_dir=tmp_path / "b")

    assert first.metrics == second.metrics
    assert first.metrics["cv"]["folds"] == 3
    assert first.metrics["cv"]["n"] == 150
    a, meta_a = artifacts.load(tmp_path / "a")
    b, meta_b = artifacts.load(tmp_path / "b")
    assert meta_a["data_sha256"] == meta_b["data_sha256"]
    assert meta_a["seed"] == 5
    assert set(meta_a["libraries"]) == {"python", "numpy", "scipy", "scikit-learn"}
    for name in a:
        np.testing.assert_array_equal(a[name], b[name])


def test_extra_labels_are_trained_and_change_the_data_hash(tmp_path):
    base = training.train_task("message_type", seed=5, limit=100, folds=2, out_dir=tmp_path / "a")
    extra = [("kapan jembatan desa kami diperbaiki", "question"), ("terima kasih pak camat", "praise")]
    more = training.train_task("message_type", seed=5, limit=100, folds=2, out_dir=tmp_path / "b", extra=extra)

    assert more.model.meta["extra_rows"] == 2
    assert more.model.meta["training_rows"] == base.model.meta["training_rows"] + 2
    assert more.model.meta["data_sha256"] != base.model.meta["data_sha256"]
    metrics = evaluate_on("message_type", more.model, [t for t, _ in extra], [label for _, label in extra])
    assert metrics["n"] == 2
    assert 0.0 <= metrics["macro_f1"] <= 1.0


def test_an_unknown_label_in_extra_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown message_type label"):
        training.train_task("message_type", limit=50, folds=2, out_dir=tmp_path / "a", extra=[("x", "spam")])
    assert not (tmp_path / "a").exists()


def test_evaluate_on_accepts_abuse_labels_as_comma_separated_text():
    model = training.load_model("abuse")
    report = evaluate_on("abuse", model, ["dasar bodoh kamu", "selamat pagi warga"], ["Abusive", ""])

    assert report["n"] == 2
    assert report["per_label"]["Abusive"]["support"] == 1


def test_the_evaluate_command_prints_per_class_figures_and_the_confusion_matrix():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("language", "evaluate", "--task", "message_type", stdout=out)

    text = out.getvalue()
    assert "message_type / cv (from training): n=" in text
    assert "precision    recall        f1  support" in text
    assert "confusion (rows: true, columns: predicted)" in text
