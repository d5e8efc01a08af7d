"""Which model reads a unit's texts for each task, how good it was measured to be, and a
try-out of one text through all of them (the "Model bahasa" page).

Analysts trust a label more when they can see where it comes from: the installation's default
model (with the figures measured when it was trained) or the unit's own retrained model (with
the held-back scores that let it replace the old one), and what the models make of a text they
type — including the normalised words the models actually read.
"""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from warta.language import annotation
from warta.language.models import RetrainRun, Task
from warta.language.normalise import tokens
from warta.language.prediction import predictions_from_scores

MAX_TEXT = 2000

# The figures each task's training measures (see training.train_task), as (name, path into metrics).
FIGURES = {
    Task.SENTIMENT: [(_("Ulasan SmSA, data validasi — macro-F1"), ("smsa_valid", "macro_f1")),
                     (_("Tweet kebijakan, validasi silang 5 lipatan — macro-F1"), ("policy_cv", "macro_f1"))],
    Task.EMOTION: [(_("Tweet EmoT, data validasi — macro-F1"), ("emot_valid", "macro_f1"))],
    Task.ABUSE: [(_("Ujaran kebencian, validasi silang — F1"), ("cv", "per_label", "HS", "f1")),
                 (_("Bahasa kasar, validasi silang — F1"), ("cv", "per_label", "Abusive", "f1"))],
    Task.MESSAGE_TYPE: [(_("Set awal buatan tangan, validasi silang — macro-F1"), ("cv", "macro_f1"))],
}
NOTES = {
    Task.ABUSE: _("Dilatih dengan data berlisensi CC BY-NC-SA 4.0: hanya untuk penggunaan non-komersial."),
    Task.MESSAGE_TYPE: _("Set awal ditulis oleh satu tim, jadi angkanya lebih baik daripada kenyataan; "
                         "label unit Anda memperbaikinya."),
}


@dataclass
class TaskModel:
    task: str
    name: str
    own: bool  # the unit's own retrained model (else the installation's default)
    backend: str
    created: datetime | None
    training_rows: int | None
    data_sha256: str
    figures: list[tuple[str, float]] = field(default_factory=list)
    run: RetrainRun | None = None
    labels: int = 0
    note: str = ""
    model: object = field(default=None, repr=False)  # the loaded model itself (try_text reads with it)


def _dig(metrics: dict, path: tuple[str, ...]):
    for key in path:
        if not isinstance(metrics, dict) or key not in metrics:
            return None
        metrics = metrics[key]
    return metrics


def _created(meta: dict) -> datetime | None:
    try:
        return datetime.fromisoformat(meta["created"])
    except (KeyError, TypeError, ValueError):
        return None


def task_models(*, scope) -> list[TaskModel]:
    """For each task: the model that serves ``scope.unit``, its figures, and the unit's labels."""
    from warta.language import classifiers

    unit = scope.unit
    counts = annotation.labels_per_task(unit)
    out = []
    for task in Task.values:
        run = annotation.unit_model_run(unit, task)
        model = annotation.unit_model(task, Path(run.artifact_path)) if run is not None else classifiers.model(task)
        meta = getattr(model, "meta", None) or {}
        figures = [(str(name), float(value)) for name, path in FIGURES[task]
                   if isinstance(value := _dig(meta.get("metrics", {}), path), int | float)]
        out.append(TaskModel(
            task=task, name=str(Task(task).label), own=run is not None, backend=getattr(model, "backend", ""),
            created=_created(meta), training_rows=meta.get("training_rows"),
            data_sha256=str(meta.get("data_sha256", ""))[:12], figures=figures, run=run,
            labels=counts.get(task, 0), note=str(NOTES.get(task, "")), model=model))
    return out


def try_text(*, text: str, tasks: list[TaskModel]) -> dict:
    """Read ``text`` with the models of ``tasks`` (``task_models``: those serving the unit);
    nothing is stored."""
    text = text[:MAX_TEXT]
    results = []
    for m in tasks:
        [prediction] = predictions_from_scores(m.task, m.model.labels, m.model.predict_proba([text]))
        chosen = list(prediction.labels) if prediction.labels is not None else [prediction.label]
        ranked = sorted(prediction.scores.items(), key=lambda kv: -kv[1])
        if m.task == Task.ABUSE:  # hate speech and abusive language first; the details only with hate speech
            main = [(label, prediction.scores[label]) for label in ("HS", "Abusive")]
            ranked = main + ([kv for kv in ranked if kv[0] not in ("HS", "Abusive")] if "HS" in chosen else [])
        results.append({
            "task": m.task, "name": m.name,
            "given": [annotation.label_name(label) for label in chosen if label] or [str(annotation.label_name("none"))],
            "scores": [(annotation.label_name(label), p, label in chosen) for label, p in ranked],
        })
    return {"tokens": tokens(text), "results": results}
