"""The language endpoints of the JSON API: classify texts with Warta's models, and a unit's
annotation workflow (the queue of uncertain items, its own labels, retraining its models)."""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from warta.language import annotation, classifiers, overview
from warta.language.models import AnnotationCandidate, Task
from warta.language.prediction import predictions_from_scores
from warta.language.schemas import (
    AnnotationFilterIn,
    AnnotationOut,
    AnnotationPage,
    CandidateOut,
    CandidatePage,
    ClassifyIn,
    ClassifyOut,
    CorrectionIn,
    LabelIn,
    RetrainIn,
    RetrainRunOut,
    RetrainRunPage,
    TaskFilterIn,
    TaskModelOut,
)
from warta.organisations.api import paginate, responses, token_scope, unit_scope
from warta.organisations.roles import Role, permission_register
from warta.organisations.schemas import PageIn
from warta.organisations.scope import Scope

router = Router(tags=["language"])

permission_register("language.classify", set(Role))


@router.post("/language/classify", response=responses({200: ClassifyOut}, 403, 422), url_name="language-classify",
             summary="Klasifikasikan teks (sentimen, emosi, ujaran kasar/kebencian, jenis pesan)")
def language_classify(request, payload: ClassifyIn):
    """Classify up to 1,000 texts for one task; each result carries every label's probability.

    ``texts`` answers in the same order; ``items`` also echoes each ``ref``. For ``abuse`` the
    result has ``labels`` (every label that applies) instead of ``label``."""
    token_scope(request).require("language.classify")
    task = payload.task.value
    if payload.items is not None:
        refs, texts = [i.ref for i in payload.items], [i.text for i in payload.items]
    else:
        refs, texts = [None] * len(payload.texts), payload.texts
    own = None
    if payload.unit is not None:  # 404 outside the token's reach
        own = annotation.unit_model_dir(unit_scope(request, payload.unit).unit, task)
    model = annotation.unit_model(task, own) if own is not None else classifiers.model(task)
    predictions = predictions_from_scores(task, model.labels, model.predict_proba(texts))
    results = [{"ref": ref, **p.as_dict()} for ref, p in zip(refs, predictions, strict=True)]
    return {"task": task, "backend": getattr(model, "backend", "linear"), "model": "unit" if own else "default",
            "results": results}


@router.get("/units/{unit_uuid}/language-models", response=responses({200: list[TaskModelOut]}, 403, 404),
            url_name="language-models", summary="Model bahasa yang membaca teks unit")
def language_models(request, unit_uuid: UUID):
    """For each task: the model that reads the unit's texts (the default, or the unit's own after
    a retraining), when it was trained, on how many texts, and how well it measured."""
    scope = _scope(request, unit_uuid, "annotation.view")
    return [{**vars(m), "figures": [{"name": n, "value": v} for n, v in m.figures],
             "heldout_old": m.run.old_score if m.run else None, "heldout_new": m.run.new_score if m.run else None}
            for m in overview.task_models(scope=scope)]


# --- annotation: the queue, the unit's labels, retraining ---------------------------------------
#
# Same rules as the pages (``warta.language.views``) and the same services: a unit inside the
# token's reach (else 404), ``annotation.view`` to read, ``annotation.manage`` to label, skip,
# correct and retrain, ``annotation.delete`` to delete a label (else 403). Rows are the unit's
# own; another unit's rows are 404.


def _scope(request, unit_uuid: UUID, permission: str) -> Scope:
    scope = unit_scope(request, unit_uuid)
    scope.require(permission)
    return scope


def _clean(value: str) -> str:
    return (value or "").replace("\x00", "").strip()


def _candidate(scope: Scope, candidate_uuid: UUID) -> AnnotationCandidate:
    """A queue item of the scope's own unit (resolved or not), else 404."""
    candidate = (AnnotationCandidate.objects.filter(unit=scope.unit, uuid=candidate_uuid)
                 .select_related("unit").first())
    if candidate is None:
        raise Http404
    return candidate


def _label_value(task: str, payload: LabelIn):
    """The label as the service takes it: the list of labels for abuse, else one label."""
    if task == Task.ABUSE:
        if payload.label is not None:
            raise ValidationError({"label": _("Tugas abuse memakai labels (daftar label yang berlaku), bukan label.")})
        if payload.labels is None:
            raise ValidationError({"labels": _("Kirim labels: daftar label yang berlaku (daftar kosong berarti "
                                               "tidak ada).")})
        return payload.labels
    if payload.labels is not None:
        raise ValidationError({"labels": _("Tugas ini memakai satu label: kirim label, bukan labels.")})
    return payload.label or ""


@router.get("/units/{unit_uuid}/annotation-queue", response=responses({200: CandidatePage}, 403, 404, 422),
            url_name="language-annotation-queue", summary="Antrean anotasi unit")
def annotation_queue(request, unit_uuid: UUID, filters: Query[TaskFilterIn], paging: Query[PageIn]):
    """The items the model was least sure of, least sure first (smallest ``margin``), with the
    model's guess and every label's probability; ``task`` keeps one task."""
    scope = _scope(request, unit_uuid, "annotation.view")
    task = filters.task.value if filters.task else ""
    return paginate(annotation.candidate_queue(scope=scope, task=task), paging)


@router.post("/units/{unit_uuid}/annotation-queue/{candidate_uuid}/label",
             response=responses({200: AnnotationOut}, 403, 404, 422), url_name="language-annotation-queue-label",
             summary="Beri label butir antrean anotasi")
def annotation_queue_label(request, unit_uuid: UUID, candidate_uuid: UUID, payload: LabelIn):
    """Label a queue item: ``label`` for a single-label task, ``labels`` (a list, empty for none)
    for ``abuse``. The item leaves the queue; the label joins the unit's training data."""
    scope = _scope(request, unit_uuid, "annotation.manage")
    candidate = _candidate(scope, candidate_uuid)
    label = _label_value(candidate.task, payload)
    return annotation.candidate_label(actor=request.user, candidate=candidate, label=label)


@router.post("/units/{unit_uuid}/annotation-queue/{candidate_uuid}/skip",
             response=responses({200: CandidateOut}, 403, 404, 422), url_name="language-annotation-queue-skip",
             summary="Lewati butir antrean anotasi")
def annotation_queue_skip(request, unit_uuid: UUID, candidate_uuid: UUID):
    """Take an item out of the queue without labelling it (422 when it already left the queue)."""
    scope = _scope(request, unit_uuid, "annotation.manage")
    return annotation.candidate_skip(actor=request.user, candidate=_candidate(scope, candidate_uuid))


@router.get("/units/{unit_uuid}/annotations", response=responses({200: AnnotationPage}, 403, 404, 422),
            url_name="language-annotation-list", summary="Label milik unit")
def annotation_list(request, unit_uuid: UUID, filters: Query[AnnotationFilterIn], paging: Query[PageIn]):
    """The unit's own labels (its training data), the latest change first."""
    scope = _scope(request, unit_uuid, "annotation.view")
    qs = annotation.annotation_list(scope=scope, task=filters.task.value if filters.task else "",
                                    label=_clean(filters.label), query=_clean(filters.q))
    return paginate(qs, paging)


@router.post("/units/{unit_uuid}/annotations", response=responses({200: AnnotationOut}, 403, 404, 422),
             url_name="language-annotation-correct", summary="Simpan atau koreksi label teks")
def annotation_correct(request, unit_uuid: UUID, payload: CorrectionIn):
    """Store the unit's label for a text, or correct it when the same source was labelled before.

    ``source_kind`` and ``source_id`` name where the text came from (both or neither; without
    them the text names itself); ``text`` may be left out when the source is already known to
    the unit. ``predicted_label`` and ``predicted_score`` record the model's guess being corrected."""
    scope = _scope(request, unit_uuid, "annotation.manage")
    task = payload.task.value
    predicted = None
    if payload.predicted_label:
        predicted = (payload.predicted_label, payload.predicted_score)
    return annotation.annotation_record(
        actor=request.user, unit=scope.unit, task=task, text=payload.text, label=_label_value(task, payload),
        source_kind=payload.source_kind, source_id=payload.source_id, predicted=predicted)


@router.delete("/units/{unit_uuid}/annotations/{annotation_uuid}", response=responses({204: None}, 403, 404),
               url_name="language-annotation-delete", summary="Hapus label milik unit")
def annotation_delete(request, unit_uuid: UUID, annotation_uuid: UUID):
    """Delete one of the unit's labels: it leaves the unit's training data. Admins only."""
    scope = _scope(request, unit_uuid, "annotation.delete")
    target = annotation.annotation_get(scope=scope, annotation_uuid=annotation_uuid)
    annotation.annotation_delete(actor=request.user, annotation=target)
    return Status(204, None)


@router.get("/units/{unit_uuid}/retrain-runs", response=responses({200: RetrainRunPage}, 403, 404, 422),
            url_name="language-retrain-list", summary="Daftar pelatihan ulang model unit")
def retrain_list(request, unit_uuid: UUID, filters: Query[TaskFilterIn], paging: Query[PageIn]):
    scope = _scope(request, unit_uuid, "annotation.view")
    return paginate(annotation.retrain_runs(scope=scope, task=filters.task.value if filters.task else ""), paging)


@router.post("/units/{unit_uuid}/retrain-runs", response=responses({202: RetrainRunOut}, 403, 404, 422),
             url_name="language-retrain-start", summary="Mulai pelatihan ulang model unit")
def retrain_start(request, unit_uuid: UUID, payload: RetrainIn):
    """Queue a retraining of the unit's model for ``task`` with the unit's labels (at least 20;
    one run per task at a time). It runs in the background: follow it with the run's URL."""
    scope = _scope(request, unit_uuid, "annotation.manage")
    run = annotation.annotation_retrain(actor=request.user, unit=scope.unit, task=payload.task.value)
    return Status(202, run)


@router.get("/units/{unit_uuid}/retrain-runs/{run_uuid}", response=responses({200: RetrainRunOut}, 403, 404),
            url_name="language-retrain-detail", summary="Status dan hasil pelatihan ulang")
def retrain_detail(request, unit_uuid: UUID, run_uuid: UUID):
    """A run's status and, once done, the old and the new model's macro-F1 on the held-back labels."""
    scope = _scope(request, unit_uuid, "annotation.view")
    return annotation.retrain_run_get(scope=scope, run_uuid=run_uuid)
