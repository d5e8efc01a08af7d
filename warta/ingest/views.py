"""Pages of inbound data: what arrived, what was quarantined, and the tracked terms."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.channels.models import PLATFORM_CHOICES
from warta.ingest import selectors, terms
from warta.ingest.models import KIND_CHOICES, TrackedTerm
from warta.organisations.decorators import scoped
from warta.organisations.roles import Role, permission_register

permission_register("ingest.view", {Role.ADMIN, Role.APPROVER, Role.EDITOR, Role.ANALYST, Role.VIEWER})
permission_register("term.manage", {Role.ADMIN, Role.ANALYST})
PAGE_SIZE = 50


def _querystring(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _readings(item, *, unit, correct: bool, back: str) -> list[dict]:
    """The models' labels of one item, named, each with a link to correct it."""
    from warta.language.annotation import label_name
    from warta.language.models import Task

    out = []
    for task in (Task.SENTIMENT, Task.MESSAGE_TYPE, Task.ABUSE):
        reading = item.labels.get(task)
        if not reading:
            continue
        label = ",".join(reading.get("labels", [])) if task == Task.ABUSE else reading.get("label", "")
        if task == Task.ABUSE and not label:
            continue
        link = ""
        if correct:
            link = reverse("language:annotation-correct", args=[unit.uuid]) + "?" + urlencode({
                "task": task, "text": item.text[:2000], "source_kind": "ingest.item", "source_id": item.pk,
                "label": label, "predicted_label": label, "predicted_score": reading.get("score", ""), "next": back})
        out.append({"task": Task(task).label, "label": label_name(label), "score": reading.get("score"),
                    "correct_url": link})
    return out


@scoped("ingest.view")
def item_list(request):
    filters = {"kind": request.GET.get("kind", ""), "platform": request.GET.get("platform", ""),
               "q": request.GET.get("q", "").replace("\x00", "").strip()[:200]}  # PostgreSQL refuses NUL
    if filters["kind"] not in dict(KIND_CHOICES):
        filters["kind"] = ""
    if filters["platform"] not in dict(PLATFORM_CHOICES):
        filters["platform"] = ""
    items = selectors.item_list(scope=request.scope, **filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    correct = request.scope.can("annotation.manage")
    page.object_list = list(page.object_list)  # evaluated once, so the readings stay attached
    for item in page.object_list:
        item.readings = _readings(item, unit=request.scope.unit, correct=correct, back=request.get_full_path())
    return render(request, "ingest/item_list.html", {
        "unit": request.scope.unit, "page": page, "filters": filters, "kinds": KIND_CHOICES,
        "platforms": PLATFORM_CHOICES, "querystring": _querystring(request),
    })


@scoped("ingest.view")
def quarantine_list(request):
    page = Paginator(selectors.quarantine_list(scope=request.scope), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ingest/quarantine_list.html", {"unit": request.scope.unit, "page": page,
                                                           "querystring": _querystring(request)})


@scoped("ingest.view", write_permission="term.manage")
def term_list(request):
    if request.method == "POST":
        try:
            terms.term_add(actor=request.user, scope=request.scope, term=request.POST.get("term", "").replace("\x00", ""))
        except ValidationError as exc:
            for message in exc.message_dict.get("term", []):
                messages.error(request, message)
        else:
            messages.success(request, _("Kata kunci ditambahkan."))
        return redirect("ingest:term-list", request.scope.unit.uuid)
    return render(request, "ingest/term_list.html", {
        "unit": request.scope.unit, "terms": selectors.term_list(scope=request.scope),
        "can_manage": request.scope.can("term.manage"),
    })


@require_POST
@scoped("term.manage")
def term_remove(request, term_uuid):
    try:
        tracked = selectors.term_get(scope=request.scope, term_uuid=term_uuid)
    except TrackedTerm.DoesNotExist:
        raise Http404 from None
    terms.term_remove(actor=request.user, scope=request.scope, tracked=tracked)
    messages.success(request, _("Kata kunci dihapus."))
    return redirect("ingest:term-list", request.scope.unit.uuid)
