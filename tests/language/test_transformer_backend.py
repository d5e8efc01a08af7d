"""The transformer backend loads model.onnx + tokenizer.json + config.json and predicts in batches.

The model is built inside the test: a word-level tokenizer and an ONNX graph that sums a
3-dimensional embedding of each (unmasked) token, so its logits are known exactly."""

import io
import json

import numpy as np
import onnx
import pytest
from django.core.management import CommandError, call_command
from onnx import TensorProto, helper
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import Whitespace

from warta.language import classifiers, corpus, training
from warta.language.backends.transformer import TransformerError, TransformerModel

VOCAB = {"[PAD]": 0, "[UNK]": 1, "bagus": 2, "buruk": 3, "biasa": 4, "sekali": 5}
# Columns: positive, neutral, negative.
EMBEDDING = np.array([
    [9.0, 9.0, 9.0],  # [PAD]: would swamp everything if padding were not masked
    [0.0, 0.0, 0.0],
    [2.0, 0.0, -1.0],
    [-1.0, 0.0, 2.0],
    [0.0, 1.5, 0.0],
    [0.5, 0.0, 0.5],
], dtype=np.float32)


def build_model(directory, *, labels=("positive", "neutral", "negative"), problem_type=None):
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = Tokenizer(WordLevel(VOCAB, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = Whitespace()
    tokenizer.save(str(directory / "tokenizer.json"))

    nodes = [
        helper.make_node("Gather", ["embedding", "input_ids"], ["vectors"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_f", "axis2"], ["mask3"]),
        helper.make_node("Mul", ["vectors", "mask3"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "axis1"], ["logits"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        initializer=[helper.make_tensor("embedding", TensorProto.FLOAT, EMBEDDING.shape, EMBEDDING.ravel()),
                     helper.make_tensor("axis2", TensorProto.INT64, [1], [2]),
                     helper.make_tensor("axis1", TensorProto.INT64, [1], [1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(directory / "model.onnx"))
    config = {"id2label": {str(i): label for i, label in enumerate(labels)}, "max_length": 8}
    if problem_type:
        config["problem_type"] = problem_type
    (directory / "config.json").write_text(json.dumps(config))
    return directory


def expected_logits(text):
    ids = [VOCAB.get(w, 1) for w in text.split()][:8]
    return EMBEDDING[ids].sum(axis=0)


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def test_batches_of_different_lengths_give_the_exact_probabilities(tmp_path):
    model = TransformerModel(build_model(tmp_path / "sentiment"), task="sentiment", batch_size=2)
    texts = ["bagus", "buruk sekali sekali", "biasa", "bagus bagus bagus bagus buruk", "kata asing"]

    got = model.predict_proba(texts)

    assert got.shape == (5, 3)
    for row, text in zip(got, texts, strict=True):
        np.testing.assert_allclose(row, softmax(expected_logits(text)), rtol=1e-5)
    assert [model.labels[i] for i in got.argmax(axis=1)] == ["positive", "negative", "neutral", "positive", "positive"]


def test_long_texts_are_truncated_to_max_length(tmp_path):
    model = TransformerModel(build_model(tmp_path / "sentiment"), task="sentiment", batch_size=4)
    text = " ".join(["buruk"] * 3 + ["bagus"] * 20)

    got = model.predict_proba([text])[0]

    np.testing.assert_allclose(got, softmax(expected_logits(text)), rtol=1e-5)


def test_multi_label_models_use_a_sigmoid(tmp_path):
    directory = build_model(tmp_path / "m", labels=("a", "b", "c"), problem_type="multi_label_classification")
    model = TransformerModel(directory, task="custom", batch_size=3)

    got = model.predict_proba(["bagus"])[0]

    np.testing.assert_allclose(got, 1 / (1 + np.exp(-np.array([2.0, 0.0, -1.0]))), rtol=1e-5)


def test_a_missing_file_is_a_clear_error(tmp_path):
    directory = build_model(tmp_path / "sentiment")
    (directory / "tokenizer.json").unlink()

    with pytest.raises(TransformerError, match="tokenizer.json is missing"):
        TransformerModel(directory, task="sentiment")


def test_labels_must_match_the_task(tmp_path):
    directory = build_model(tmp_path / "sentiment", labels=("senang", "biasa", "sedih"))

    with pytest.raises(TransformerError, match="do not match the task sentiment"):
        TransformerModel(directory, task="sentiment")


def test_the_runtime_serves_a_task_from_the_transformer_folder(tmp_path, settings):
    build_model(tmp_path / "sentiment")
    settings.WARTA_LANGUAGE_BACKEND = {"sentiment": "transformer"}
    settings.WARTA_TRANSFORMER_DIR = str(tmp_path)
    classifiers.reset()
    try:
        predictions = classifiers.classify("sentiment", ["bagus sekali", "buruk"])
        assert classifiers.model("sentiment").backend == "transformer"
        assert classifiers.model("emotion").backend == "linear"
    finally:
        classifiers.reset()

    assert [p.label for p in predictions] == ["positive", "negative"]
    assert set(predictions[0].scores) == {"positive", "neutral", "negative"}


needs_smsa = pytest.mark.skipif(not (corpus.data_dir() / "smsa" / "valid_preprocess.tsv").is_file(),
                                reason="the SmSA validation split (../shared/data) is not beside this clone")


@needs_smsa
def test_evaluate_scores_an_installation_s_transformer_on_the_validation_split(tmp_path, settings):
    build_model(tmp_path / "sentiment")
    settings.WARTA_TRANSFORMER_DIR = str(tmp_path)
    out, err = io.StringIO(), io.StringIO()

    call_command("language", "evaluate", "--task", "sentiment", "--backend", "transformer", "--json", stdout=out, stderr=err)

    report = json.loads(out.getvalue())["sentiment"]["smsa_valid"]
    assert report["n"] == 1260
    linear = training.evaluate_task("sentiment")["smsa_valid"]
    assert report["confusion"] != linear["confusion"]  # the tiny model, not the linear one, was scored
    assert "policy_cv (from training)" not in json.loads(out.getvalue())["sentiment"]


def test_evaluate_with_a_missing_transformer_folder_is_a_clear_error(tmp_path, settings):
    settings.WARTA_TRANSFORMER_DIR = str(tmp_path / "nothing")
    with pytest.raises(CommandError, match="Model transformer sentiment tidak dapat dimuat"):
        call_command("language", "evaluate", "--task", "sentiment", "--backend", "transformer")


def test_evaluate_says_when_a_task_has_no_validation_split_for_a_transformer(tmp_path, settings):
    build_model(tmp_path / "message_type", labels=("question", "complaint", "aspiration", "praise", "other"))
    settings.WARTA_TRANSFORMER_DIR = str(tmp_path)
    out, err = io.StringIO(), io.StringIO()

    call_command("language", "evaluate", "--task", "message_type", "--backend", "transformer", stdout=out, stderr=err)

    assert "tidak ada data validasi untuk model transformer" in err.getvalue()
    assert out.getvalue().strip() == ""
