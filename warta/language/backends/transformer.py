"""The optional transformer backend: a fine-tuned model exported to ONNX, run with onnxruntime.

The installation provides, per task, a local folder (``WARTA_TRANSFORMER_DIR/<task>/``)::

    model.onnx       inputs input_ids, attention_mask (and token_type_ids if the model has
                     it), int64 [batch, sequence]; first output: logits [batch, n_labels]
    tokenizer.json   a Hugging Face ``tokenizers`` file (e.g. from an IndoBERT checkpoint)
    config.json      {"id2label": {"0": "positive", ...}, "problem_type":
                     "multi_label_classification" for abuse (sigmoid), "max_length": 128}

Nothing is downloaded. Texts are normalised the same way as for the linear models only when
``config.json`` says ``"normalise": true`` (a model fine-tuned on raw text gets raw text).
Batches of ``WARTA_TRANSFORMER_BATCH`` texts (default 32), padded to the longest in the batch;
``WARTA_TRANSFORMER_THREADS`` caps onnxruntime's threads (default 1: one per worker process).
"""

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from warta.language.normalise import normalise
from warta.language.prediction import LABELS


class TransformerError(Exception):
    """The transformer model folder is incomplete or inconsistent."""


def _setting(name, default):
    from warta.language.corpus import setting

    return setting(name, default)


class TransformerModel:
    backend = "transformer"

    def __init__(self, directory: Path, *, task: str, batch_size: int | None = None, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        directory = Path(directory)
        for name in ("model.onnx", "tokenizer.json", "config.json"):
            if not (directory / name).is_file():
                raise TransformerError(f"{directory / name} is missing")
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        id2label = config.get("id2label") or {}
        try:
            self.labels = tuple(id2label[str(i)] for i in range(len(id2label)))
        except KeyError as exc:
            raise TransformerError(f"config.json: id2label must number labels 0..n-1 ({exc})") from None
        if task in LABELS and set(self.labels) != set(LABELS[task]):
            raise TransformerError(f"config.json labels {self.labels} do not match the task {task}: {LABELS[task]}")
        self.task = task
        self.multilabel = config.get("problem_type") == "multi_label_classification"
        self.normalise = bool(config.get("normalise", False))
        self.max_length = int(config.get("max_length", 128))
        self.batch_size = batch_size or int(_setting("WARTA_TRANSFORMER_BATCH", 32))
        self.meta = {"backend": self.backend, "directory": str(directory), "config": config}

        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        pad_id = config.get("pad_token_id", 0)
        self.tokenizer.enable_padding(pad_id=pad_id, pad_token=config.get("pad_token", "[PAD]"))

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or int(_setting("WARTA_TRANSFORMER_THREADS", 1))
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(directory / "model.onnx"), sess_options=options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= self.inputs:
            raise TransformerError(f"model.onnx must take input_ids and attention_mask, not {sorted(self.inputs)}")

    def _logits(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        logits = self.session.run(None, feed)[0]
        if logits.ndim != 2 or logits.shape[1] != len(self.labels):
            raise TransformerError(f"model output shape {logits.shape} does not match {len(self.labels)} labels")
        return logits.astype(np.float64)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n_texts, n_labels)`` array of probabilities, computed batch by batch."""
        texts = [normalise(t) if self.normalise else t for t in texts]
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float64)
        for start in range(0, len(texts), self.batch_size):
            logits = self._logits(texts[start : start + self.batch_size])
            if self.multilabel:
                probabilities = 1.0 / (1.0 + np.exp(-logits))
            else:
                e = np.exp(logits - logits.max(axis=1, keepdims=True))
                probabilities = e / e.sum(axis=1, keepdims=True)
            out[start : start + len(logits)] = probabilities
        return out
