"""The classification tasks, their labels, and how scores become a ``Prediction``."""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

SENTIMENT, EMOTION, ABUSE, MESSAGE_TYPE = "sentiment", "emotion", "abuse", "message_type"
TASKS = (SENTIMENT, EMOTION, ABUSE, MESSAGE_TYPE)
MULTILABEL = frozenset({ABUSE})

LABELS = {
    SENTIMENT: ("positive", "neutral", "negative"),
    EMOTION: ("anger", "happy", "sadness", "fear", "love"),
    ABUSE: ("HS", "Abusive", "HS_Individual", "HS_Group", "HS_Religion", "HS_Race", "HS_Physical",
            "HS_Gender", "HS_Other", "HS_Weak", "HS_Moderate", "HS_Strong"),
    MESSAGE_TYPE: ("question", "complaint", "aspiration", "praise", "other"),
}
THRESHOLD = 0.5


@dataclass(frozen=True)
class Prediction:
    """One text's result: ``label`` (None for abuse), ``labels`` (abuse only) and every score."""

    label: str | None
    scores: dict[str, float]
    labels: tuple[str, ...] | None = field(default=None)

    def as_dict(self) -> dict:
        if self.labels is not None:
            return {"labels": list(self.labels), "scores": self.scores}
        return {"label": self.label, "scores": self.scores}


def abuse_labels(scores: dict[str, float], threshold: float = THRESHOLD) -> tuple[str, ...]:
    """Return the abuse labels given: hate-speech details only when ``HS`` itself is given."""
    hs = scores.get("HS", 0.0) >= threshold
    return tuple(label for label, p in scores.items()
                 if p >= threshold and (label in ("HS", "Abusive") or hs))


def predictions_from_scores(task: str, labels: Sequence[str], scores: np.ndarray) -> list[Prediction]:
    """Turn an ``(n, n_labels)`` probability array into predictions."""
    out = []
    rounded = np.round(np.asarray(scores, dtype=np.float64), 4).tolist()
    if task in MULTILABEL:
        for row in rounded:
            s = dict(zip(labels, row, strict=True))
            out.append(Prediction(label=None, scores=s, labels=abuse_labels(s)))
        return out
    best = np.argmax(scores, axis=1) if len(rounded) else []
    for row, b in zip(rounded, best, strict=True):
        out.append(Prediction(label=labels[int(b)], scores=dict(zip(labels, row, strict=True))))
    return out
