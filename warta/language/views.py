"""Pages of the annotation workflow: the queue, label corrections, the unit's labels, retraining."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.core.csvsafe import csv_safe
from warta.language import annotation, overview
from warta.language.forms import AnnotationFilterForm, CorrectionForm, RetrainForm, TryTextForm
from warta.language.models import AnnotationCandidate, RetrainRun, Task
from warta.organisations.decorators import scoped

QUEUE_PAGE = 20
LIST_PAGE = 50


def _task_param(request) -> str:
    task = request.GET.get("tugas", "")
    return task if task in Task.values else ""


def _label_choices(task: str) -> list[tuple[str, str]]:
    return [(label, annotation.label_name(label)) for label in annotation.task_labels(task)]


def _row(candidate: AnnotationCandidate) -> dict:
    scores = sorted(((k, annotation.label_name(k), float(v)) for k, v in candidate.scores.items()),
                    key=lambda s: -s[2])
    return {"candidate": candidate, "scores": scores, "choices": _label_choices(candidate.task),
            "predicted_name": annotation.label_name(candidate.predicted_label),
            "predicted_set": set(candidate.predicted_label.split(",")),
            "multi": candidate.task == Task.ABUSE}


def _querystring(request, drop=("page",)) -> str:
    query = request.GET.copy()
    for key in drop:
        query.pop(key, None)
    return query.urlencode()


@scoped("annotation.view")
def annotation_queue(request):
    """The items the model was least sure of, least sure first, with one-click labels."""
    scope = request.scope
    task = _task_param(request)
    page = Paginator(annotation.candidate_queue(scope=scope, task=task), QUEUE_PAGE).get_page(request.GET.get("page"))
    return render(request, "language/queue.html", {
        "unit": scope.unit, "page": page, "rows": [_row(c) for c in page.object_list], "task": task,
        "tasks": Task.choices, "progress": annotation.annotation_progress(scope=scope),
        "can_manage": scope.can("annotation.manage"), "querystring": _querystring(request),
        "queue_limit": annotation.QUEUE_LIMIT,
    })


def _queue_answer(request, candidate, *, error: str = "", saved=None):
    """Answer a one-click label or skip: the row's new state (htmx) or back to the queue."""
    if request.htmx:
        context = {"unit": request.scope.unit, "row": _row(candidate), "error": error, "saved": saved,
                   "can_manage": True, "saved_name": saved and annotation.label_name(saved.label_text)}
        return render(request, "language/queue.html#row", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    elif saved is not None:
        messages.success(request, _("Label disimpan: %(label)s.") % {"label": annotation.label_name(saved.label_text)})
    else:
        messages.success(request, _("Butir dilewati."))
    url = reverse("language:annotation-queue", args=[request.scope.unit.uuid])
    back = request.POST.get("back", "")
    return redirect(f"{url}?{back}" if back and "//" not in back else url)


@require_POST
@scoped("annotation.manage")
def candidate_label(request, candidate_pk: int):
    candidate = annotation.candidate_get(scope=request.scope, pk=candidate_pk)
    values = request.POST.getlist("label")
    label = values if candidate.task == Task.ABUSE else (values[0] if values else "")
    try:
        saved = annotation.candidate_label(actor=request.user, candidate=candidate, label=label)
    except ValidationError as exc:
        return _queue_answer(request, candidate, error=" ".join(exc.messages))
    candidate.refresh_from_db()
    return _queue_answer(request, candidate, saved=saved)


@require_POST
@scoped("annotation.manage")
def candidate_skip(request, candidate_pk: int):
    candidate = annotation.candidate_get(scope=request.scope, pk=candidate_pk)
    try:
        candidate = annotation.candidate_skip(actor=request.user, candidate=candidate)
    except ValidationError as exc:
        return _queue_answer(request, candidate, error=" ".join(exc.messages))
    return _queue_answer(request, candidate)


def _safe_next(request, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                 require_https=request.is_secure()):
        return value
    return ""


@scoped("annotation.manage")
def annotation_correct(request):
    """Correct a label shown anywhere in Warta: a small form other pages embed with htmx.

    GET ``?task=&text=&source_kind=&source_id=&predicted_label=&predicted_score=&next=``
    renders the form; POST stores the label (``annotation_record``). With htmx the answer is
    the fragment itself; without, a redirect to ``next`` (same site only) or the label list.
    """
    scope = request.scope
    data = request.POST if request.method == "POST" else None
    form = CorrectionForm(data, initial={k: request.GET.get(k, "") for k in CorrectionForm.base_fields})
    saved = None
    if request.method == "POST" and form.is_valid():
        values = request.POST.getlist("label")
        task = form.cleaned_data["task"]
        predicted = None
        if form.cleaned_data["predicted_label"]:
            predicted = (form.cleaned_data["predicted_label"], form.cleaned_data["predicted_score"])
        try:
            saved = annotation.annotation_record(
                actor=request.user, unit=scope.unit, task=task, text=form.cleaned_data["text"],
                label=values if task == Task.ABUSE else (values[0] if values else ""),
                source_kind=form.cleaned_data["source_kind"], source_id=form.cleaned_data["source_id"],
                predicted=predicted)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            if not request.htmx:
                messages.success(request, _("Label disimpan: %(label)s.") % {"label": annotation.label_name(saved.label_text)})
                return redirect(_safe_next(request, form.cleaned_data["next"])
                                or reverse("language:annotation-list", args=[scope.unit.uuid]))
    task = (form.data.get("task") if form.is_bound else form.initial.get("task")) or ""
    current = request.POST.getlist("label") if form.is_bound else [request.GET.get("label", "")]
    context = {
        "unit": scope.unit, "form": form, "saved": saved, "task": task if task in Task.values else "",
        "choices": _label_choices(task) if task in Task.values else [], "current": current,
        "groups": [] if task in Task.values else [(name, _label_choices(value)) for value, name in Task.choices],
        "multi": task == Task.ABUSE, "saved_name": saved and annotation.label_name(saved.label_text),
    }
    status = 400 if form.errors else 200
    if request.htmx:
        return render(request, "language/_correct_form.html", context, status=status)
    return render(request, "language/correct.html", context, status=status)


def _filtered(request):
    form = AnnotationFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {"task": form.cleaned_data["task"], "label": form.cleaned_data["label"].strip(),
                   "query": form.cleaned_data["q"].strip()}
    return form, annotation.annotation_list(scope=request.scope, **filters)


@scoped("annotation.view")
def annotation_list(request):
    """The unit's own labels: filter, export, delete (admins)."""
    scope = request.scope
    form, annotations = _filtered(request)
    page = Paginator(annotations, LIST_PAGE).get_page(request.GET.get("page"))
    for a in page.object_list:
        a.label_name = annotation.label_name(a.label_text)
        a.predicted_name = annotation.label_name(a.predicted_label) if a.predicted_label else ""
    return render(request, "language/annotation_list.html", {
        "unit": scope.unit, "form": form, "page": page, "querystring": _querystring(request),
        "can_delete": scope.can("annotation.delete"), "progress": annotation.annotation_progress(scope=scope),
    })


class _Echo:
    def write(self, value):
        return value


@scoped("annotation.view")
def annotation_export(request):
    """Stream the filtered labels as CSV (constant memory)."""
    _form, annotations = _filtered(request)
    writer = csv.writer(_Echo())
    header = ["tugas", "teks", "label", "tebakan_model", "skor_tebakan", "jenis_sumber", "nomor_sumber",
              "oleh", "dibuat_utc", "diubah_utc"]

    def rows():
        yield writer.writerow(header)
        for a in annotations.iterator(chunk_size=2000):
            yield writer.writerow([a.task, csv_safe(a.text), csv_safe(a.label_text), a.predicted_label,
                                   "" if a.predicted_score is None else round(a.predicted_score, 4),
                                   a.source_kind, csv_safe(a.source_id), csv_safe(a.created_by.email if a.created_by else ""),
                                   a.created_at.isoformat(), a.updated_at.isoformat()])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="anotasi-{request.scope.unit.uuid}.csv"'
    return response


@require_POST
@scoped("annotation.delete")
def annotation_delete(request, annotation_uuid):
    scope = request.scope
    target = annotation.annotation_get(scope=scope, annotation_uuid=annotation_uuid)
    annotation.annotation_delete(actor=request.user, annotation=target)
    messages.success(request, _("Label dihapus dari data latih unit ini."))
    back = request.POST.get("back", "")
    url = reverse("language:annotation-list", args=[scope.unit.uuid])
    return redirect(f"{url}?{back}" if back and "//" not in back else url)


@scoped("annotation.view", write_permission="annotation.manage")
def retrain(request):
    """Retraining with the unit's labels: start one, see the runs and their figures."""
    scope = request.scope
    form = RetrainForm(request.POST or None, initial={"task": _task_param(request) or Task.MESSAGE_TYPE})
    if request.method == "POST" and form.is_valid():
        try:
            run = annotation.annotation_retrain(actor=request.user, unit=scope.unit, task=form.cleaned_data["task"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Pelatihan ulang masuk antrean. Halaman ini menampilkan hasilnya setelah selesai."))
            return redirect("language:retrain-detail", scope.unit.uuid, run.uuid)
    page = Paginator(annotation.retrain_runs(scope=scope), LIST_PAGE).get_page(request.GET.get("page"))
    return render(request, "language/retrain.html", {
        "unit": scope.unit, "form": form, "page": page, "can_manage": scope.can("annotation.manage"),
        "progress": annotation.annotation_progress(scope=scope), "min_labels": annotation.MIN_LABELS,
        "heldout_percent": round(annotation.HELD_OUT * 100), "querystring": "",
    }, status=400 if form.errors else 200)


@scoped("annotation.view")
def retrain_detail(request, run_uuid):
    scope = request.scope
    run = annotation.retrain_run_get(scope=scope, run_uuid=run_uuid)
    Status = RetrainRun.Status
    context = {"unit": scope.unit, "run": run, "polling": run.status in (Status.QUEUED, Status.RUNNING),
               "errors": run.error.splitlines() if run.error else []}
    if request.htmx:
        return render(request, "language/retrain_detail.html#status", context)
    return render(request, "language/retrain_detail.html", context)


@scoped("annotation.view")
def models(request):
    """The models that read the unit's texts, their figures, and a try-out of one text.

    POST only reads (the text is classified, nothing is stored), so every role may use it."""
    scope = request.scope
    form = TryTextForm(request.POST or None)
    tasks = overview.task_models(scope=scope)
    reading = overview.try_text(text=form.cleaned_data["text"], tasks=tasks) if form.is_valid() else None
    return render(request, "language/models.html", {
        "unit": scope.unit, "form": form, "reading": reading, "tasks": tasks,
    }, status=400 if form.errors else 200)
