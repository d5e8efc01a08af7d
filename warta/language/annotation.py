"""Annotation and feedback: a unit's own labels, the queue of uncertain items, retraining.

Services (every write audited):
- ``annotation_record`` — the one call any page uses when an analyst corrects a label
  (mentions, inbox messages…); also used by the annotation queue.
- ``annotation_delete``, ``candidate_skip``, ``candidate_label``.
- ``candidates_offer`` — classify new items and keep only the least sure in the unit's
  queue (the ingest app calls it; references are plain strings, no imports of other apps).
- ``classify_for_unit`` — classify with the unit's own model once a retraining gave it one.
- ``annotation_retrain`` — queue a retraining with the unit's labels; the background task
  (``warta.language.tasks``) runs ``retrain_run_execute``: 20 % of the labels held back (seeded), the model trained
  with the rest, old and new model scored on the held-back part, the new one kept only when
  its macro-F1 is higher.

Selectors take the acting scope and only ever return the scope's own unit's rows.
"""

from __future__ import annotations

import hashlib
import logging
import random
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.core.audit import audit_action_register, audit_record
from warta.language.models import Annotation, AnnotationCandidate, RetrainRun, Task
from warta.organisations.models import Unit
from warta.organisations.roles import Role, permission_register
from warta.organisations.scope import Scope

logger = logging.getLogger(__name__)

permission_register("annotation.view", set(Role))
permission_register("annotation.manage", {Role.ADMIN, Role.ANALYST})
permission_register("annotation.delete", {Role.ADMIN})

audit_action_register({
    "annotation.record": gettext_lazy("Label anotasi disimpan"),
    "annotation.delete": gettext_lazy("Label anotasi dihapus"),
    "annotation.skip": gettext_lazy("Butir antrean anotasi dilewati"),
    "annotation.retrain": gettext_lazy("Pelatihan ulang model diminta"),
    "annotation.model_replace": gettext_lazy("Model unit diganti hasil pelatihan ulang"),
})

QUEUE_LIMIT = 500  # unresolved candidates kept per unit and task, the least sure first
MAX_MARGIN = 0.5  # a prediction surer than this (top1 − top2) never enters the queue
OFFER_CHUNK = 1000  # texts classified at once by candidates_offer
MAX_TEXT = 10_000
MIN_LABELS = 20  # labels a unit needs before retraining (20 % of them are held back)
HELD_OUT = 0.2
DEFAULT_SEED = 13
MANUAL = "manual"

# The labels each task knows. The runtime's list (``warta.language.prediction.LABELS``) wins;
# this is the fallback, in the same names.
FALLBACK_LABELS: dict[str, tuple[str, ...]] = {
    Task.SENTIMENT: ("positive", "neutral", "negative"),
    Task.EMOTION: ("anger", "happy", "sadness", "fear", "love"),
    Task.ABUSE: ("HS", "Abusive", "HS_Individual", "HS_Group", "HS_Religion", "HS_Race", "HS_Physical",
                 "HS_Gender", "HS_Other", "HS_Weak", "HS_Moderate", "HS_Strong"),
    Task.MESSAGE_TYPE: ("question", "complaint", "aspiration", "praise", "other"),
}

LABEL_NAMES = {
    "positive": gettext_lazy("positif"), "neutral": gettext_lazy("netral"), "negative": gettext_lazy("negatif"),
    "anger": gettext_lazy("marah"), "happy": gettext_lazy("senang"), "sadness": gettext_lazy("sedih"),
    "fear": gettext_lazy("takut"), "love": gettext_lazy("sayang"),
    "Abusive": gettext_lazy("bahasa kasar"), "HS": gettext_lazy("ujaran kebencian"),
    "HS_Individual": gettext_lazy("sasaran: individu"), "HS_Group": gettext_lazy("sasaran: kelompok"),
    "HS_Religion": gettext_lazy("SARA: agama"), "HS_Race": gettext_lazy("SARA: ras/suku"),
    "HS_Physical": gettext_lazy("fisik"), "HS_Gender": gettext_lazy("gender"), "HS_Other": gettext_lazy("golongan lain"),
    "HS_Weak": gettext_lazy("kekuatan: lemah"), "HS_Moderate": gettext_lazy("kekuatan: sedang"),
    "HS_Strong": gettext_lazy("kekuatan: kuat"),
    "question": gettext_lazy("pertanyaan"), "complaint": gettext_lazy("keluhan"),
    "aspiration": gettext_lazy("aspirasi/usulan"), "praise": gettext_lazy("pujian"), "other": gettext_lazy("lainnya"),
    "none": gettext_lazy("tidak ada"),
}


def label_name(label: str) -> str:
    """A label's Indonesian name; several (abuse, comma-separated) are named one by one."""
    if "," in label:
        return ", ".join(label_name(part) for part in label.split(",") if part)
    return str(LABEL_NAMES.get(label, label))


def task_labels(task: str) -> tuple[str, ...]:
    """Return the labels of ``task``: the runtime's list when it has one, else the fallback."""
    try:
        from warta.language.prediction import LABELS as published
    except ImportError:
        published = {}
    return tuple(published.get(task) or FALLBACK_LABELS[task])


def _task(task: str) -> str:
    if task not in Task.values:
        raise ValidationError(_("Tugas klasifikasi tidak dikenal: %(task)s.") % {"task": task})
    return task


def _labels_for(task: str, label) -> tuple[str, list[str]]:
    """Validate a label for ``task``; return (label, labels) as stored."""
    known = task_labels(task)
    if task == Task.ABUSE:
        if isinstance(label, str):
            values = [v.strip() for v in label.split(",")]
        else:
            values = [str(v).strip() for v in (label or ())]
        values = sorted({v for v in values if v and v != "none"})
        unknown = [v for v in values if v not in known]
        if unknown:
            raise ValidationError(_("Label tidak dikenal untuk tugas ini: %(labels)s.") % {"labels": ", ".join(unknown)})
        return "", values
    label = str(label or "").strip()
    if not label:
        raise ValidationError(_("Pilih label."))
    if label not in known:
        raise ValidationError(_("Label tidak dikenal untuk tugas ini: %(labels)s.") % {"labels": label})
    return label, []


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def _source(source_kind: str, source_id: str, text: str) -> tuple[str, str]:
    source_kind, source_id = (source_kind or "").strip(), str(source_id or "").strip()
    if bool(source_kind) != bool(source_id):
        raise ValidationError(_("Sumber harus berisi jenis dan nomor sekaligus, atau dikosongkan."))
    if not source_kind:
        return MANUAL, text_hash(text)
    if len(source_kind) > 40 or len(source_id) > 128:
        raise ValidationError(_("Rujukan sumber terlalu panjang."))
    return source_kind, source_id


@dataclass(frozen=True)
class Guess:
    """The model's guess for one text, however the caller had it."""

    label: str = ""
    score: float | None = None
    scores: dict | None = None


def _guess(predicted) -> Guess | None:
    """Accept a Prediction (``.label``, ``.scores``), a (label, score) pair, a label or a Guess."""
    if predicted is None or isinstance(predicted, Guess):
        return predicted
    if isinstance(predicted, str):
        return Guess(label=predicted)
    if isinstance(predicted, (tuple, list)):
        label, score = (list(predicted) + [None])[:2]
        return Guess(label=str(label or ""), score=float(score) if score is not None else None)
    label = getattr(predicted, "label", "") or ""
    labels = getattr(predicted, "labels", None)
    if not label and labels is not None:
        label = ",".join(labels)
    scores = dict(getattr(predicted, "scores", None) or {})
    score = scores.get(label) if label in scores else (max(scores.values()) if scores else None)
    return Guess(label=str(label), score=float(score) if score is not None else None, scores=scores)


# ---------------------------------------------------------------------------------------
# Services
# ---------------------------------------------------------------------------------------


def annotation_record(*, actor, unit: Unit, task: str, text: str = "", label, source_kind: str = "",
                      source_id: str = "", predicted=None) -> Annotation:
    """Store (or correct) the unit's label for one text, resolve it in the queue, audit it.

    ``label`` is the class, or for ``abuse`` a list (or comma-separated string) of labels,
    empty for none. ``text`` may be left out when the source is already known to the unit
    (an earlier label or a queue item). ``predicted`` is the model's guess when known: a
    Prediction, a ``(label, score)`` pair or a label.
    """
    task = _task(task)
    label, labels = _labels_for(task, label)
    text = (text or "").strip()
    if not text and source_kind and source_id:
        known = (Annotation.objects.filter(unit=unit, task=task, source_kind=source_kind, source_id=str(source_id)).first()
                 or AnnotationCandidate.objects.filter(unit=unit, task=task, source_kind=source_kind,
                                                       source_id=str(source_id)).first())
        text = known.text if known else ""
    if not text:
        raise ValidationError(_("Teks yang diberi label tidak boleh kosong."))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("Teks terlalu panjang (paling banyak %(n)d karakter).") % {"n": MAX_TEXT})
    source_kind, source_id = _source(source_kind, source_id, text)
    guess = _guess(predicted)
    try:
        return _annotation_write(actor, unit, task, text, label, labels, source_kind, source_id, guess)
    except IntegrityError:  # the same source labelled at the same moment elsewhere: correct that one
        return _annotation_write(actor, unit, task, text, label, labels, source_kind, source_id, guess)


def _annotation_write(actor, unit, task, text, label, labels, source_kind, source_id, guess) -> Annotation:
    now = timezone.now()
    with transaction.atomic():
        candidate = (AnnotationCandidate.objects.select_for_update()
                     .filter(unit=unit, task=task, source_kind=source_kind, source_id=source_id).first())
        if guess is None and candidate is not None:
            guess = Guess(label=candidate.predicted_label, score=candidate.scores.get(candidate.predicted_label))
        annotation = (Annotation.objects.select_for_update()
                      .filter(unit=unit, task=task, source_kind=source_kind, source_id=source_id).first())
        before = annotation.label_text if annotation else None
        if annotation is None:
            annotation = Annotation(unit=unit, task=task, source_kind=source_kind, source_id=source_id,
                                    created_by=actor if getattr(actor, "pk", None) else None, created_at=now)
        annotation.text, annotation.label, annotation.labels, annotation.updated_at = text, label, labels, now
        if guess is not None:
            annotation.predicted_label = guess.label[:40]
            annotation.predicted_score = guess.score
        annotation.save()
        if candidate is not None and candidate.resolved_at is None:
            candidate.resolved_at, candidate.resolution = now, AnnotationCandidate.Resolution.LABELLED
            candidate.save(update_fields=["resolved_at", "resolution"])
        audit_record(actor=actor, unit=unit, action="annotation.record", target=annotation, changes={
            "task": task, "label": annotation.label_text, "before": before,
            "predicted": annotation.predicted_label or None, "source": f"{source_kind}:{source_id}",
        })
    return annotation


def annotation_delete(*, actor, annotation: Annotation) -> None:
    """Delete one of the unit's labels (it leaves the unit's training data), audited."""
    with transaction.atomic():
        audit_record(actor=actor, unit=annotation.unit, action="annotation.delete", target=annotation, changes={
            "task": annotation.task, "label": annotation.label_text, "text": annotation.text[:200],
            "source": f"{annotation.source_kind}:{annotation.source_id}",
        })
        annotation.delete()


def candidate_label(*, actor, candidate: AnnotationCandidate, label) -> Annotation:
    """Label a queue item: the same as a correction, with the item's text and guess."""
    return annotation_record(actor=actor, unit=candidate.unit, task=candidate.task, text=candidate.text, label=label,
                             source_kind=candidate.source_kind, source_id=candidate.source_id)


def candidate_skip(*, actor, candidate: AnnotationCandidate) -> AnnotationCandidate:
    """Take an item out of the queue without labelling it."""
    with transaction.atomic():
        updated = AnnotationCandidate.objects.filter(pk=candidate.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolution=AnnotationCandidate.Resolution.SKIPPED)
        if not updated:
            raise ValidationError(_("Butir ini sudah tidak ada di antrean."))
        candidate.refresh_from_db()
        audit_record(actor=actor, unit=candidate.unit, action="annotation.skip", target_type="language.annotationcandidate",
                     target_id=str(candidate.pk), target_label=candidate.text[:100],
                     changes={"task": candidate.task, "source": f"{candidate.source_kind}:{candidate.source_id}"})
    return candidate


def uncertainty_of(task: str, prediction) -> tuple[float, float]:
    """Return (margin, uncertainty) of a prediction; a small margin means unsure.

    Single-label: margin = top1 − top2, uncertainty = 1 − top1. Multi-label (abuse, each
    label its own probability): margin = the smallest distance of any label from 0.5,
    doubled; uncertainty = 1 − margin.
    """
    scores = [float(v) for v in (getattr(prediction, "scores", None) or {}).values()]
    if not scores:
        return 1.0, 0.0
    if task == Task.ABUSE:
        margin = min(abs(2 * p - 1) for p in scores)
        return margin, 1.0 - margin
    top = sorted(scores, reverse=True)
    second = top[1] if len(top) > 1 else 0.0
    return top[0] - second, 1.0 - top[0]


def candidates_offer(*, unit: Unit, task: str, items: Iterable[tuple[str, str, str]],
                     limit: int = QUEUE_LIMIT, predicted: dict | None = None) -> int:
    """Classify ``items`` (source_kind, source_id, text) and queue the least sure of them.

    ``predicted`` maps a source_id to a Prediction the caller already has for this task, so
    the same text is not classified twice.

    Items the unit already labelled or already had in its queue are left out. The queue of
    unresolved items keeps at most ``limit`` per unit and task, the smallest margins; the
    rest are dropped. Returns how many new items are in the queue afterwards.
    """
    from warta.language import classifiers  # the runtime; imported late (heavy, optional)

    task = _task(task)
    added: list[int] = []
    batch: list[tuple[str, str, str]] = []

    def flush():
        if batch:
            added.extend(_offer_batch(classifiers, unit, task, batch, limit, predicted or {}))
            batch.clear()

    seen: set[tuple[str, str]] = set()
    for kind, ident, text in items:
        key = (str(kind).strip()[:40], str(ident).strip()[:128])
        text = (text or "").strip()[:MAX_TEXT]
        if not key[0] or not key[1] or not text or key in seen:
            continue
        seen.add(key)
        batch.append((key[0], key[1], text))
        if len(batch) >= OFFER_CHUNK:
            flush()
    flush()
    if not added:
        return 0
    with transaction.atomic():
        open_queue = AnnotationCandidate.objects.filter(unit=unit, task=task, resolved_at__isnull=True)
        overflow = list(open_queue.order_by("margin", "-uncertainty", "pk").values_list("pk", flat=True)[limit:])
        if overflow:
            AnnotationCandidate.objects.filter(pk__in=overflow).delete()
    return AnnotationCandidate.objects.filter(pk__in=added).count()


def _offer_batch(classifiers, unit, task, batch, limit, predicted) -> list[int]:
    kinds = {k for k, _i, _t in batch}
    ids = [i for _k, i, _t in batch]
    known = set(Annotation.objects.filter(unit=unit, task=task, source_kind__in=kinds, source_id__in=ids)
                .values_list("source_kind", "source_id"))
    known |= set(AnnotationCandidate.objects.filter(unit=unit, task=task, source_kind__in=kinds, source_id__in=ids)
                 .values_list("source_kind", "source_id"))
    fresh = [row for row in batch if (row[0], row[1]) not in known]
    if not fresh:
        return []
    missing = [t for _k, i, t in fresh if i not in predicted]
    computed = iter(classify_for_unit(unit=unit, task=task, texts=missing, classifiers=classifiers) if missing else ())
    predictions = [predicted[i] if i in predicted else next(computed) for _k, i, _t in fresh]
    scored = []
    for (kind, ident, text), prediction in zip(fresh, predictions, strict=True):
        margin, uncertainty = uncertainty_of(task, prediction)
        if margin > MAX_MARGIN:
            continue
        guess = _guess(prediction)
        scored.append(AnnotationCandidate(
            unit=unit, task=task, text=text, source_kind=kind, source_id=ident, predicted_label=guess.label[:40],
            scores={k: round(float(v), 4) for k, v in (guess.scores or {}).items()},
            margin=round(margin, 6), uncertainty=round(uncertainty, 6)))
    scored.sort(key=lambda c: (c.margin, -c.uncertainty))
    scored = scored[:limit]
    if not scored:
        return []
    with transaction.atomic():
        created = AnnotationCandidate.objects.bulk_create(scored, ignore_conflicts=True)
    pks = [c.pk for c in created if c.pk is not None]
    if len(pks) != len(created):  # some backends do not return keys with ignore_conflicts
        pks = list(AnnotationCandidate.objects.filter(
            unit=unit, task=task, source_kind__in={c.source_kind for c in scored},
            source_id__in=[c.source_id for c in scored], resolved_at__isnull=True,
        ).values_list("pk", flat=True))
    return pks


# ---------------------------------------------------------------------------------------
# Retraining
# ---------------------------------------------------------------------------------------


def unit_models_root(unit: Unit) -> Path:
    """Where a unit's own models live: <data dir>/models/<unit uuid>/."""
    base = Path(getattr(settings, "WARTA_DATA_DIR", None) or settings.DATA_DIR)
    return base / "models" / str(unit.uuid)


def unit_model_run(unit: Unit, task: str) -> RetrainRun | None:
    """The retraining whose model serves the unit for ``task`` now, or None (the default serves).

    The runtime calls this to serve a unit its own model once a retraining replaced the
    default one; a run whose folder is gone no longer serves."""
    run = (RetrainRun.objects.filter(unit=unit, task=task, replaced=True, status=RetrainRun.Status.DONE)
           .exclude(artifact_path="").order_by("-finished_at", "-pk").first())
    return run if run is not None and Path(run.artifact_path).exists() else None


def unit_model_dir(unit: Unit, task: str) -> Path | None:
    """Return the directory of the unit's current model for ``task``, or None (use the default)."""
    run = unit_model_run(unit, task)
    return Path(run.artifact_path) if run is not None else None


@lru_cache(maxsize=16)
def _unit_model(task: str, directory: str, _mtime: float):
    from warta.language import training

    return training.load_model(task, Path(directory))


def classify_for_unit(*, unit: Unit, task: str, texts: Sequence[str], classifiers=None) -> list:
    """Classify with the unit's own model when a retraining gave it one, else the default.

    Returns the runtime's Prediction objects (``.label``, ``.labels`` for abuse, ``.scores``).
    """
    if classifiers is None:
        from warta.language import classifiers
    directory = unit_model_dir(unit, task)
    if directory is None:
        return list(classifiers.classify(task, list(texts)))
    from warta.language.prediction import predictions_from_scores

    model = unit_model(task, directory)
    return predictions_from_scores(task, model.labels, model.predict_proba(list(texts)))


def unit_model(task: str, directory: Path):
    """The unit's own model in ``directory`` (cached while the folder is unchanged)."""
    return _unit_model(task, str(directory), directory.stat().st_mtime)


def annotation_retrain(*, actor, unit: Unit, task: str, seed: int = DEFAULT_SEED) -> RetrainRun:
    """Queue a retraining of the unit's ``task`` model with the unit's labels, audited.

    Needs at least MIN_LABELS labels and no other run of the same task waiting or running.
    The work runs in the background (``tasks.annotation_retrain_task``).
    """
    from warta.language.tasks import annotation_retrain_task  # tasks import this module

    task = _task(task)
    count = Annotation.objects.filter(unit=unit, task=task).count()
    if count < MIN_LABELS:
        raise ValidationError(_("Pelatihan ulang memerlukan sedikitnya %(min)d label dari unit ini untuk tugas ini; "
                                "baru ada %(n)d. Beri label dulu lewat antrean anotasi.") % {"min": MIN_LABELS, "n": count})
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one request at a time per unit
        busy = RetrainRun.objects.filter(unit=unit, task=task,
                                         status__in=[RetrainRun.Status.QUEUED, RetrainRun.Status.RUNNING]).exists()
        if busy:
            raise ValidationError(_("Pelatihan ulang untuk tugas ini sedang berjalan. Tunggu sampai selesai."))
        run = RetrainRun.objects.create(unit=unit, task=task, seed=seed, labels_total=count,
                                        created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor, unit=unit, action="annotation.retrain", target=run,
                     changes={"task": task, "labels": count, "seed": seed})
        transaction.on_commit(partial(annotation_retrain_task.enqueue, run.pk))
    return run


def heldout_split(pairs: Sequence[tuple[str, str]], *, seed: int, share: float = HELD_OUT):
    """Split labelled pairs into (train, held-back): a seeded shuffle, ``share`` held back (≥ 1)."""
    order = list(range(len(pairs)))
    random.Random(seed).shuffle(order)
    k = max(1, round(len(pairs) * share))
    held = [pairs[i] for i in sorted(order[:k])]
    train = [pairs[i] for i in sorted(order[k:])]
    return train, held


def macro_f1_of(metrics: dict) -> float:
    """Read the macro-F1 out of an evaluation result, whatever its spelling."""
    for key in ("macro_f1", "f1_macro", "macro-f1"):
        if key in metrics:
            return float(metrics[key])
    nested = metrics.get("macro avg") or metrics.get("macro_avg") or {}
    for key in ("f1-score", "f1"):
        if key in nested:
            return float(nested[key])
    raise KeyError("macro_f1")


def _load_model(training, task: str, directory: Path | None):
    """The unit's current model (``directory``) or, with None, the installation's default."""
    return training.load_model(task, directory)


def retrain_run_execute(*, run: RetrainRun) -> RetrainRun:
    """Do one queued retraining (called by the background task); see the module docstring."""
    from warta.language import training

    unit, task = run.unit, run.task
    annotations = Annotation.objects.filter(unit=unit, task=task).order_by("pk")
    # abuse is multi-label: its label is the list of labels given (empty = none).
    pairs = [(a.text, list(a.labels) if task == Task.ABUSE else a.label)
             for a in annotations.only("text", "label", "labels", "task")]
    if len(pairs) < MIN_LABELS:
        raise ValidationError(_("Label unit ini tinggal %(n)d; pelatihan ulang memerlukan sedikitnya %(min)d.")
                              % {"n": len(pairs), "min": MIN_LABELS})
    train, held = heldout_split(pairs, seed=run.seed)
    RetrainRun.objects.filter(pk=run.pk).update(labels_total=len(pairs), labels_train=len(train), labels_heldout=len(held))
    out_dir = unit_models_root(unit) / task / str(run.uuid)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    old_dir = unit_model_dir(unit, task)
    try:
        result = training.train_task(task, extra=train, seed=run.seed, out_dir=out_dir, evaluate=False)
        new_model = getattr(result, "model", None)
        if new_model is None:
            new_model = _load_model(training, task, out_dir)
        texts, labels = [t for t, _l in held], [lab for _t, lab in held]
        new_metrics = dict(training.evaluate_on(task, new_model, texts, labels))
        new_score = macro_f1_of(new_metrics)
        try:
            old_model = _load_model(training, task, old_dir)
        except Exception as exc:  # no model installed at all: nothing to beat
            logger.warning("Retrain run %s: no old %s model to compare with (%s)", run.pk, task, exc)
            old_metrics, old_score = {}, None
        else:
            old_metrics = dict(training.evaluate_on(task, old_model, texts, labels))
            old_score = macro_f1_of(old_metrics)
    except Exception:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    replaced = old_score is None or new_score > old_score
    if not replaced:
        shutil.rmtree(out_dir, ignore_errors=True)
    with transaction.atomic():
        RetrainRun.objects.filter(pk=run.pk).update(
            status=RetrainRun.Status.DONE, finished_at=timezone.now(), old_score=old_score, new_score=new_score,
            old_metrics=_jsonable(old_metrics), new_metrics=_jsonable(new_metrics), replaced=replaced,
            artifact_path=str(out_dir) if replaced else "", error="")
        run.refresh_from_db()
        if replaced:
            audit_record(actor=run.created_by, unit=unit, action="annotation.model_replace", target=run, changes={
                "task": task, "old_macro_f1": None if old_score is None else round(old_score, 4),
                "new_macro_f1": round(new_score, 4),
                "heldout": len(held), "train": len(train)})
    return run


def retrain_run_fail(*, run: RetrainRun, error: str) -> None:
    RetrainRun.objects.filter(pk=run.pk).update(status=RetrainRun.Status.FAILED, finished_at=timezone.now(), error=error)


def _jsonable(value):
    """Keep what JSON can hold (numpy numbers and arrays become plain numbers and lists)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


# ---------------------------------------------------------------------------------------
# Selectors
# ---------------------------------------------------------------------------------------


def candidate_queue(*, scope: Scope, task: str = "") -> QuerySet[AnnotationCandidate]:
    """The unit's open queue, least sure first."""
    qs = AnnotationCandidate.objects.filter(unit=scope.unit, resolved_at__isnull=True)
    if task:
        qs = qs.filter(task=task)
    return qs.order_by("margin", "-uncertainty", "pk")


def candidate_get(*, scope: Scope, pk: int) -> AnnotationCandidate:
    candidate = AnnotationCandidate.objects.filter(unit=scope.unit, pk=pk).select_related("unit").first()
    if candidate is None:
        raise Http404
    return candidate


def annotation_list(*, scope: Scope, task: str = "", label: str = "", query: str = "") -> QuerySet[Annotation]:
    qs = Annotation.objects.filter(unit=scope.unit).select_related("created_by")
    if task:
        qs = qs.filter(task=task)
    if label:
        qs = qs.filter(Q(label=label) | Q(labels__icontains=f'"{label}"'))
    if query:
        qs = qs.filter(text__icontains=query)
    return qs.order_by("-updated_at", "-pk")


def annotation_get(*, scope: Scope, annotation_uuid) -> Annotation:
    annotation = Annotation.objects.filter(unit=scope.unit, uuid=annotation_uuid).select_related("unit").first()
    if annotation is None:
        raise Http404
    return annotation


def labels_per_task(unit: Unit) -> dict[str, int]:
    """How many labels the unit has given, per task."""
    return dict(Annotation.objects.filter(unit=unit).values_list("task").annotate(n=Count("pk")))


def annotation_progress(*, scope: Scope) -> list[dict]:
    """Per task: labels given, items waiting in the queue, items skipped."""
    labelled = labels_per_task(scope.unit)
    queue = AnnotationCandidate.objects.filter(unit=scope.unit).values("task").annotate(
        waiting=Count("pk", filter=Q(resolved_at__isnull=True)),
        skipped=Count("pk", filter=Q(resolution=AnnotationCandidate.Resolution.SKIPPED)))
    queue = {row["task"]: row for row in queue}
    return [{"task": value, "label": label, "labelled": labelled.get(value, 0),
             "waiting": queue.get(value, {}).get("waiting", 0), "skipped": queue.get(value, {}).get("skipped", 0),
             "ready": labelled.get(value, 0) >= MIN_LABELS}
            for value, label in Task.choices]


def retrain_runs(*, scope: Scope, task: str = "") -> QuerySet[RetrainRun]:
    qs = RetrainRun.objects.filter(unit=scope.unit).select_related("created_by")
    if task:
        qs = qs.filter(task=task)
    return qs.order_by("-created_at", "-pk")


def retrain_run_get(*, scope: Scope, run_uuid) -> RetrainRun:
    run = RetrainRun.objects.filter(unit=scope.unit, uuid=run_uuid).select_related("created_by").first()
    if run is None:
        raise Http404
    return run
