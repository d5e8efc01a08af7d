"""Pages of Perencanaan: the overview, and list/create/edit/archive of goals, audiences, pillars,
campaigns and important dates. Every row is looked up through the scope: a row outside the
unit's reach is 404; an ancestor's row is shown (inherited) but edited only from its owner."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from warta.core.forms import form_errors_add
from warta.organisations.decorators import scoped
from warta.planning import forms, holidays, selectors, services
from warta.planning.models import Audience, Campaign, Goal, ImportantDate, Pillar

PAGE_SIZE = 25
UPCOMING_DAYS = 60


@dataclass(frozen=True)
class Kind:
    key: str  # URL name prefix: goal, audience, pillar, campaign, date
    model: type
    form: type
    kwarg: str  # the URL keyword of one row
    title: str
    title_one: str
    empty: str
    create: callable
    update: callable
    archive: callable
    row_name: str  # the keyword of the row in the update/archive services


KINDS = {
    "goal": Kind("goal", Goal, forms.GoalForm, "goal_uuid", gettext_lazy("Tujuan komunikasi"),
                 gettext_lazy("tujuan"),
                 gettext_lazy("Belum ada tujuan komunikasi. Tetapkan sasaran yang terukur, mis. tingkat keterlibatan 5% "
                              "dalam satu triwulan."),
                 services.goal_create, services.goal_update, services.goal_archive, "goal"),
    "audience": Kind("audience", Audience, forms.AudienceForm, "audience_uuid", gettext_lazy("Khalayak sasaran"),
                     gettext_lazy("khalayak"),
                     gettext_lazy("Belum ada khalayak sasaran. Khalayak unit induk juga berlaku di sini."),
                     services.audience_create, services.audience_update, services.audience_archive, "audience"),
    "pillar": Kind("pillar", Pillar, forms.PillarForm, "pillar_uuid", gettext_lazy("Pilar konten"),
                   gettext_lazy("pilar"),
                   gettext_lazy("Belum ada pilar konten (kanalisasi konten). Pilar unit induk juga berlaku di sini."),
                   services.pillar_create, services.pillar_update, services.pillar_archive, "pillar"),
    "campaign": Kind("campaign", Campaign, forms.CampaignForm, "campaign_uuid", gettext_lazy("Kampanye"),
                     gettext_lazy("kampanye"),
                     gettext_lazy("Belum ada kampanye. Buat kampanye untuk program pemerintah yang sedang didukung."),
                     services.campaign_create, services.campaign_update, services.campaign_archive, "campaign"),
    "date": Kind("date", ImportantDate, forms.ImportantDateForm, "date_uuid", gettext_lazy("Tanggal penting"),
                 gettext_lazy("tanggal penting"),
                 gettext_lazy("Belum ada tanggal penting unit. Hari libur nasional sudah tampil otomatis di kalender."),
                 services.important_date_create, services.important_date_update, services.important_date_archive,
                 "important_date"),
}


def _today(unit):
    return timezone.localtime(timezone.now(), unit.zone).date()


# --- overview -----------------------------------------------------------------------------------


@scoped("planning.view")
def overview(request):
    scope = request.scope
    unit = scope.unit
    today = _today(unit)
    return render(request, "planning/overview.html", {
        "unit": unit, "today": today, "can_manage": scope.can("planning.manage"),
        "goals": list(selectors.goals_current(scope=scope, today=today)[:20]),
        "campaigns": list(selectors.campaigns_active(scope=scope, today=today).prefetch_related("pillars")[:20]),
        "pillars": list(selectors.pillars_available(unit)),
        "marks": holidays.calendar_marks(unit, today, today + timedelta(days=UPCOMING_DAYS)),
        "commemorations_available": holidays.commemorations_available(),
        "upcoming_days": UPCOMING_DAYS,
    })


# --- lists, forms, archive (one implementation for every kind) ----------------------------------


def _list(request, kind: Kind):
    scope = request.scope
    form = forms.FilterForm(request.GET or None)
    filters = selectors.ListFilter()
    if form.is_valid():
        filters = selectors.ListFilter(query=form.cleaned_data["q"].replace("\x00", "").strip(),
                                       archived=form.cleaned_data["arsip"])
    qs = selectors.row_list(kind.model, scope=scope, filters=filters)
    if kind.model is Campaign:
        qs = qs.prefetch_related("pillars")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, f"planning/{kind.key}_list.html", {
        "unit": scope.unit, "kind": kind, "form": form, "page": page, "querystring": urlencode(query),
        "can_manage": scope.can("planning.manage"),
    })


def _form_page(request, kind: Kind, row=None):
    scope = request.scope
    owner = row.unit if row is not None else scope.unit
    extra = {"owner": owner} if kind.model is Campaign else {}
    form = kind.form(request.POST or None, instance=row, **extra)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if row is None:
                saved = kind.create(actor=request.user, unit=scope.unit, **data)
                messages.success(request, _("%(what)s “%(name)s” disimpan.") % {"what": kind.title, "name": saved})
            else:
                saved = kind.update(actor=request.user, **{kind.row_name: row}, **data)
                messages.success(request, _("Perubahan pada “%(name)s” disimpan.") % {"name": saved})
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            if kind.model is Campaign:
                return redirect("planning:campaign-detail", scope.unit.uuid, saved.uuid)
            return redirect(f"planning:{kind.key}-list", scope.unit.uuid)
    return render(request, "planning/form.html", {"unit": scope.unit, "kind": kind, "form": form, "row": row,
                                                  "owner": owner}, status=400 if form.errors else 200)


def _archive(request, kind: Kind, row_uuid):
    scope = request.scope
    row = selectors.row_get(kind.model, scope=scope, uuid=row_uuid, editable=True)
    archived = request.POST.get("archived", "1") == "1"
    try:
        kind.archive(actor=request.user, **{kind.row_name: row}, archived=archived)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, (_("“%(name)s” diarsipkan.") if archived else _("“%(name)s” dipulihkan."))
                         % {"name": row})
    return redirect(f"planning:{kind.key}-list", scope.unit.uuid)


def _views(key: str):
    kind = KINDS[key]

    @scoped("planning.view")
    def list_view(request):
        return _list(request, kind)

    @scoped("planning.manage")
    def create_view(request):
        return _form_page(request, kind)

    @scoped("planning.manage")
    def edit_view(request, **kwargs):
        row = selectors.row_get(kind.model, scope=request.scope, uuid=kwargs[kind.kwarg], editable=True)
        return _form_page(request, kind, row)

    @require_POST
    @scoped("planning.manage")
    def archive_view(request, **kwargs):
        return _archive(request, kind, kwargs[kind.kwarg])

    for view, suffix in ((list_view, "list"), (create_view, "create"), (edit_view, "edit"), (archive_view, "archive")):
        view.__name__ = view.__qualname__ = f"{key}_{suffix}"
    return list_view, create_view, edit_view, archive_view


goal_list, goal_create, goal_edit, goal_archive = _views("goal")
audience_list, audience_create, audience_edit, audience_archive = _views("audience")
pillar_list, pillar_create, pillar_edit, pillar_archive = _views("pillar")
campaign_list, campaign_create, campaign_edit, campaign_archive = _views("campaign")
date_list, date_create, date_edit, date_archive = _views("date")


# --- campaign detail and duplicate --------------------------------------------------------------


def _campaign_page(request, campaign, form, status=200):
    scope = request.scope
    return render(request, "planning/campaign_detail.html", {
        "unit": scope.unit, "campaign": campaign, "form": form,
        "editable": selectors.is_editable(campaign, scope) and scope.can("planning.manage"),
        "goals": list(campaign.goals.select_related("unit")),
        "pillars": list(campaign.pillars.select_related("unit")),
        "audiences": list(campaign.audiences.select_related("unit")),
        # an ancestor's campaign may name accounts of sibling units: show only the scope's own
        "accounts": list(campaign.accounts.filter(unit__path__startswith=scope.unit.path).select_related("unit")),
    }, status=status)


@scoped("planning.view")
def campaign_detail(request, campaign_uuid):
    campaign = selectors.row_get(Campaign, scope=request.scope, uuid=campaign_uuid)
    form = forms.DuplicateForm(initial={"name": _("%(name)s (salinan)") % {"name": campaign.name}, "shift_days": 0})
    return _campaign_page(request, campaign, form)


@require_POST
@scoped("planning.manage")
def campaign_duplicate(request, campaign_uuid):
    scope = request.scope
    campaign = selectors.row_get(Campaign, scope=scope, uuid=campaign_uuid, editable=True)
    form = forms.DuplicateForm(request.POST)
    if form.is_valid():
        try:
            new = services.campaign_duplicate(actor=request.user, campaign=campaign, name=form.cleaned_data["name"],
                                              shift_days=form.cleaned_data["shift_days"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Kampanye diduplikat sebagai “%(name)s”.") % {"name": new.name})
            return redirect("planning:campaign-detail", scope.unit.uuid, new.uuid)
    return _campaign_page(request, campaign, form, status=400)
