"""The runtime: ``classify(task, texts)`` with every model loaded once per process.

Which backend serves a task is a setting (read when the model is first needed):

- ``WARTA_LANGUAGE_BACKEND``: ``"linear"`` (default; the committed CPU models) or
  ``"transformer"``; or a dict per task, e.g. ``{"sentiment": "transformer"}``.
- ``WARTA_LANGUAGE_ARTIFACTS``: where the linear models live (default
  ``warta/language/artifacts``; one folder per task).
- ``WARTA_TRANSFORMER_DIR``: the local folder with one sub-folder per task holding
  ``model.onnx``, ``tokenizer.json`` and ``config.json`` (see ``backends/transformer.py``).

Loading is guarded by a lock; prediction is read-only and thread-safe.
"""

import threading
from collections.abc import Sequence
from pathlib import Path

from warta.language.corpus import setting
from warta.language.prediction import TASKS, Prediction, predictions_from_scores
from warta.language.training import artifacts_dir, load_model

_models: dict[str, object] = {}
_lock = threading.Lock()
MAX_BATCH = 4096


def backend_for(task: str) -> str:
    """Return the backend name configured for ``task``."""
    value = setting("WARTA_LANGUAGE_BACKEND", "linear")
    if isinstance(value, dict):
        value = value.get(task, "linear")
    if value not in ("linear", "transformer"):
        raise ValueError(f"WARTA_LANGUAGE_BACKEND: unknown backend {value!r} (linear or transformer)")
    return value


def load(task: str, backend: str | None = None):
    """Load ``task``'s model of ``backend`` (default: the configured one), without caching it."""
    if (backend or backend_for(task)) == "transformer":
        from warta.language.backends.transformer import TransformerModel

        base = setting("WARTA_TRANSFORMER_DIR", None)
        if not base:
            raise ValueError("WARTA_TRANSFORMER_DIR is not set: the transformer backend needs a local model folder")
        return TransformerModel(Path(base) / task, task=task)
    return load_model(task, artifacts_dir() / task)


def model(task: str):
    """Return the loaded model of ``task`` (loading it on first use)."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    found = _models.get(task)
    if found is None:
        with _lock:
            found = _models.get(task)
            if found is None:
                found = _models[task] = load(task)
    return found


def load_all() -> dict[str, object]:
    """Load every task's model now (at start-up, or to measure memory and time)."""
    return {task: model(task) for task in TASKS}


def reset() -> None:
    """Forget the loaded models (after retraining, or when tests change the settings)."""
    with _lock:
        _models.clear()


def scores(task: str, texts: Sequence[str]):
    """Return ``(labels, probabilities)`` for ``texts``: an ``(n, n_labels)`` array."""
    m = model(task)
    return m.labels, m.predict_proba(list(texts))


def classify(task: str, texts: Sequence[str]) -> list[Prediction]:
    """Classify ``texts`` for ``task``: one ``Prediction`` per text, in order."""
    texts = [t if isinstance(t, str) else str(t) for t in texts]
    out: list[Prediction] = []
    for start in range(0, len(texts), MAX_BATCH):
        labels, probabilities = scores(task, texts[start : start + MAX_BATCH])
        out.extend(predictions_from_scores(task, labels, probabilities))
    return out
