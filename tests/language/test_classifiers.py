"""The committed models answer sensibly, load once, and are safe to share between threads."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from warta.language import classifiers
from warta.language.prediction import LABELS, TASKS


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Pelayanan di kantor kecamatan cepat dan ramah, terima kasih banyak!", "positive"),
        ("Makanannya enak sekali, tempatnya nyaman, saya puas", "positive"),
        ("Jalan rusak parah sudah berbulan-bulan, kecewa sekali dengan pemda", "negative"),
        ("pelayanannya lambat bangettt gak jelas, nyesel dateng", "negative"),
    ],
)
def test_sentiment_of_obvious_sentences(text, label):
    [prediction] = classifiers.classify("sentiment", [text])

    assert prediction.label == label
    assert prediction.scores[label] == max(prediction.scores.values())
    assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Kapan jalan di desa kami diperbaiki? Mohon infonya pak", "question"),
        ("Terima kasih BPBD sudah sigap mengevakuasi warga saat banjir, luar biasa", "praise"),
    ],
)
def test_message_type_of_obvious_messages(text, label):
    assert classifiers.classify("message_type", [text])[0].label == label


def test_emotion_gives_one_of_five_labels_with_every_score():
    [prediction] = classifiers.classify("emotion", ["Aku sedih banget, kangen ibu di kampung"])

    assert prediction.label in LABELS["emotion"]
    assert set(prediction.scores) == set(LABELS["emotion"])


def test_abuse_flags_an_insult_and_not_a_greeting():
    insult, greeting = classifiers.classify("abuse", ["dasar bodoh goblok kamu anjing", "selamat pagi warga bogor"])

    assert "Abusive" in insult.labels
    assert insult.label is None
    assert greeting.labels == ()
    assert set(greeting.scores) == set(LABELS["abuse"])


def test_hate_speech_details_come_only_with_hate_speech():
    for prediction in classifiers.classify("abuse", ["kafir semua kalian harus diusir", "jalan rusak", "bagus"]):
        if "HS" not in prediction.labels:
            assert not [label for label in prediction.labels if label.startswith("HS_")]


def test_models_load_once_and_empty_input_is_empty():
    first = classifiers.model("sentiment")

    assert classifiers.model("sentiment") is first
    assert classifiers.classify("sentiment", []) == []


def test_every_model_loads():
    models = classifiers.load_all()

    assert set(models) == set(TASKS)
    for task, model in models.items():
        assert set(model.labels) == set(LABELS[task])
        assert model.meta["data_sha256"]
        assert model.meta["metrics"]


def test_an_unknown_task_is_refused():
    with pytest.raises(ValueError, match="unknown task"):
        classifiers.classify("hoax", ["a"])


def test_threads_get_the_same_answers():
    texts = [f"layanan nomor {i} {'bagus sekali' if i % 2 else 'buruk sekali'}" for i in range(200)]
    expected = classifiers.classify("sentiment", texts)
    classifiers.reset()

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: classifiers.classify("sentiment", texts), range(8)))

    assert all(r == expected for r in results)
