"""The training data Warta ships (``corpus``): an installation without ``../shared`` can retrain,
and what it trains on is exactly the source data — the policy tweets only as hashed counts."""

import gzip
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from warta.language import corpus, training
from warta.language.features import Counted, FeatureConfig, text_counts

SOURCE = corpus.data_dir()
needs_source = pytest.mark.skipif(not (SOURCE / corpus.POLICY_TWEETS).is_file(),
                                  reason="the source data (../shared/data) is not beside this clone")


@pytest.fixture
def no_source(settings, tmp_path):
    """No source data: every loader must fall back to the shipped copy."""
    settings.WARTA_LANGUAGE_DATA_DIR = str(tmp_path / "absent")
    return tmp_path


@needs_source
@pytest.mark.parametrize("relative", list(corpus.SHIPPED_TEXT))
def test_the_shipped_text_is_a_byte_exact_copy_of_the_source(relative):
    shipped = gzip.decompress((corpus.SHIPPED / f"{relative}.gz").read_bytes())
    assert shipped == (SOURCE / relative).read_bytes(), "run `warta language pack` and commit the result"


@needs_source
def test_the_shipped_policy_counts_are_exactly_the_counts_of_the_source_text():
    source = corpus._tsv(corpus.POLICY_TWEETS, 0, 1, header=True)
    shipped = corpus.counted_load(corpus.SHIPPED / corpus.POLICY_COUNTS)

    assert shipped.labels == source.labels
    assert shipped.sources == source.sources  # same name and SHA-256 of the original bytes
    expected = text_counts(FeatureConfig(), source.texts)
    got = text_counts(FeatureConfig(), shipped.texts)
    # A change of the normaliser or the hashing breaks this: run `warta language pack` again.
    assert (expected != got).nnz == 0, "run `warta language pack` and commit the result"


def test_the_shipped_policy_pack_holds_no_text():
    meta = (corpus.SHIPPED / corpus.POLICY_COUNTS / "meta.json").read_text(encoding="utf-8")
    arrays = np.load(corpus.SHIPPED / corpus.POLICY_COUNTS / "model.npz", allow_pickle=False)
    assert sorted(arrays.files) == ["counts", "indices", "indptr", "labels"]
    assert all(arrays[name].dtype.kind in "iu" for name in arrays.files)
    assert "vaksin" not in meta.lower()


def test_without_the_source_every_training_set_comes_from_the_shipped_copy(no_source):
    smsa, emot, abuse, policy = corpus.smsa("train"), corpus.emot("train"), corpus.abuse(), corpus.policy_tweets()

    assert (len(smsa), len(emot), len(abuse), len(policy)) == (11000, 3521, 10536, 2092)
    assert {"positive", "neutral", "negative"} == set(smsa.labels) == set(policy.labels)
    assert all(isinstance(row, Counted) for row in policy.texts)
    assert all(isinstance(text, str) for text in smsa.texts + emot.texts + abuse.texts)
    assert sum("HS" in labels for labels in abuse.labels) > 3000
    with pytest.raises(FileNotFoundError):
        corpus.smsa("valid")  # validation splits are for measuring, not shipped


def test_counted_rows_and_texts_mix_in_any_order():
    config = FeatureConfig()
    texts = ["vaksin gratis bagus bangettt", "antre lama di puskesmas", "s4y4 takut efek samping", "ok"]
    counted = [Counted(row.indices, row.data, config) for row in text_counts(config, texts)]
    mixed = [counted[0], texts[1], counted[2], texts[3]]

    assert (text_counts(config, mixed) != text_counts(config, texts)).nnz == 0
    assert (text_counts(config, counted) != text_counts(config, texts)).nnz == 0


def test_a_counted_row_of_another_feature_config_is_refused():
    other = FeatureConfig(word_bits=16)
    row = Counted(np.array([1, 2], dtype=np.int32), np.array([1.0, 2.0], dtype=np.float32), other)
    with pytest.raises(ValueError, match="hashed with"):
        text_counts(FeatureConfig(), [row, "teks biasa"])


@needs_source
def test_training_from_the_shipped_copy_gives_the_model_the_source_gives(settings, tmp_path):
    from_source = training.train_task("sentiment", seed=5, limit=300, evaluate=False, out_dir=tmp_path / "a")
    settings.WARTA_LANGUAGE_DATA_DIR = str(tmp_path / "absent")
    from_shipped = training.train_task("sentiment", seed=5, limit=300, evaluate=False, out_dir=tmp_path / "b")

    np.testing.assert_array_equal(from_source.model.weights, from_shipped.model.weights)
    assert from_source.model.meta["data_sha256"] == from_shipped.model.meta["data_sha256"]
    assert from_shipped.metrics == {}


def test_training_without_the_source_must_skip_evaluation(no_source, tmp_path):
    with pytest.raises(FileNotFoundError):
        training.train_task("emotion", seed=5, limit=200, out_dir=tmp_path / "m")  # EmoT valid is not shipped
    result = training.train_task("emotion", seed=5, limit=200, evaluate=False, out_dir=tmp_path / "m")
    assert result.model.labels == ("anger", "happy", "sadness", "fear", "love")
    assert Path(tmp_path / "m" / "model.npz").is_file()


def test_pack_without_the_source_fails_with_a_clear_message(no_source):
    with pytest.raises(CommandError, match="Data sumber tidak ditemukan"):
        call_command("language", "pack")


@needs_source
def test_pack_writes_the_same_copy_again(tmp_path):
    corpus.pack(destination=tmp_path)
    for relative in corpus.SHIPPED_TEXT:
        assert (tmp_path / f"{relative}.gz").read_bytes() == (corpus.SHIPPED / f"{relative}.gz").read_bytes()
    again = corpus.counted_load(tmp_path / corpus.POLICY_COUNTS)
    shipped = corpus.counted_load(corpus.SHIPPED / corpus.POLICY_COUNTS)
    assert again.labels == shipped.labels
    assert all(np.array_equal(a.indices, b.indices) and np.array_equal(a.values, b.values)
               for a, b in zip(again.texts, shipped.texts, strict=True))


@pytest.mark.parametrize(("task", "loaders"), [
    ("sentiment", (lambda: corpus.smsa("train"), corpus.policy_tweets)),
    ("emotion", (lambda: corpus.emot("train"),)),
    ("abuse", (corpus.abuse,)),
    ("message_type", (corpus.message_types,)),
])
def test_each_committed_model_was_trained_on_exactly_the_data_warta_ships(no_source, task, loaders):
    """The artifact's data hash is the hash of the shipped training data: a unit's retraining starts
    from the very data the default model learnt from."""
    sources = [source for load in loaders for source in load().sources]
    meta = training.load_model(task).meta
    assert meta["extra_rows"] == 0
    assert meta["data_sha256"] == corpus.data_sha256(sources, corpus.Labelled([], []))
