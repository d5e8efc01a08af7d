"""Pages of the editorial calendar and the month-plan import (ADR 0024).

Every view is unit-scoped (``@scoped``): posts are looked up through the scope, so a post of a
unit outside the user's subtree is a 404; moving needs ``publishing.publish`` and importing
``publishing.edit`` (a read-only role gets 403).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from warta.organisations.decorators import scoped
from warta.publishing import calendar as cal
from warta.publishing import plan_import
from warta.publishing.models import Post, PostState
from warta.publishing.schedule import utc_to_local

# --- the calendar ----------------------------------------------------------------------------------


class CalendarFilterForm(forms.Form):
    view = forms.ChoiceField(label=gettext_lazy("Tampilan"), required=False,
                             choices=[("month", gettext_lazy("Bulan")), ("week", gettext_lazy("Minggu")),
                                      ("list", gettext_lazy("Daftar"))])
    date = forms.DateField(label=gettext_lazy("Tanggal"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=None, required=False, to_field_name="uuid",
                                  empty_label=gettext_lazy("Semua unit"))
    account = forms.ModelChoiceField(label=gettext_lazy("Akun"), queryset=None, required=False, to_field_name="uuid",
                                     empty_label=gettext_lazy("Semua akun"))
    state = forms.ChoiceField(label=gettext_lazy("Status"), required=False,
                              choices=[("", gettext_lazy("Semua status")), *PostState.choices])

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = choices["units"]
        self.fields["account"].queryset = choices["accounts"]
        if choices["pillars"] is not None:
            self.fields["pillar"] = forms.ModelChoiceField(
                label=_("Pilar"), queryset=choices["pillars"], required=False, to_field_name="uuid",
                empty_label=_("Semua pilar"))
            self.fields["campaign"] = forms.ModelChoiceField(
                label=_("Kampanye"), queryset=choices["campaigns"], required=False, to_field_name="uuid",
                empty_label=_("Semua kampanye"))

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is not None and not cal.day_sane(day):
            raise ValidationError(_("Tanggal harus antara tahun %(min)s dan %(max)s.")
                                  % {"min": cal.MIN_YEAR, "max": cal.MAX_YEAR})
        return day

    def filters(self) -> cal.CalendarFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return cal.CalendarFilter(unit=data.get("unit"), account=data.get("account"), pillar=data.get("pillar"),
                                  campaign=data.get("campaign"), state=data.get("state") or "")


def _query_without(request, *names) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in names and v])


@scoped("publishing.view")
def calendar_view(request):
    scope = request.scope
    form = CalendarFilterForm(request.GET or None, choices=cal.filter_choices(scope))
    valid = form.is_valid() if request.GET else False
    data = form.cleaned_data if valid else {}
    today = timezone.now().astimezone(scope.unit.zone).date()
    day = data.get("date") or today
    view = data.get("view") or "month"
    filters = form.filters() if valid else cal.CalendarFilter()
    context = cal.calendar_build(scope=scope, view=view, day=day, filters=filters)
    return render(request, "publishing/calendar.html", {
        "unit": scope.unit, "form": form, "cal": context, "invalid": bool(request.GET) and not valid,
        "filters_query": _query_without(request, "view", "date"), "can_publish": scope.can("publishing.publish"),
        "can_edit": scope.can("publishing.edit"),
        "move_url": reverse("publishing:calendar-move", args=[scope.unit.uuid]),
        "weekdays": [_("Sen"), _("Sel"), _("Rab"), _("Kam"), _("Jum"), _("Sab"), _("Min")],
    })


def _post_in_scope(scope, post_uuid) -> Post:
    post = Post.objects.for_scope(scope).select_related("unit").filter(uuid=post_uuid).first()
    if post is None:
        raise Http404
    return post


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _parse_day(value) -> date | None:
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _calendar_back(request, scope, day: date | None = None) -> str:
    url = reverse("publishing:calendar", args=[scope.unit.uuid])
    back = request.POST.get("next", "")
    if back.startswith(url):
        return back
    return f"{url}?{urlencode({'date': day.isoformat()})}" if day else url


@require_POST
@scoped("publishing.view", write_permission="publishing.publish")
def calendar_move(request):
    """Move a post to another local day (the drag of ``calendar.js``): JSON for the script, a
    redirect with a message for a plain form."""
    scope = request.scope
    post = _post_in_scope(scope, _uuid_or_404(request.POST.get("post")))
    day = _parse_day(request.POST.get("date"))
    try:
        if day is None:
            raise ValidationError({"date": _("Tanggal tujuan tidak sah (gunakan TTTT-BB-HH).")})
        post = cal.post_move(actor=request.user, post=post, new_day=day)
    except ValidationError as error:
        message = " ".join(error.messages)
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": message}, status=422)
        messages.error(request, message)
        return redirect(_calendar_back(request, scope, day))
    message = cal.move_message(post)
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message, "state": post.state,
                             "scheduled_at": post.scheduled_at.isoformat()})
    messages.success(request, message)
    return redirect(_calendar_back(request, scope, day))


def _uuid_or_404(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        raise Http404 from None


class MoveForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Tanggal baru"),
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": gettext_lazy("Isi tanggal baru."),
                                           "invalid": gettext_lazy("Tanggal tidak sah.")})
    time = forms.TimeField(label=gettext_lazy("Jam"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                           error_messages={"invalid": gettext_lazy("Jam tidak sah (mis. 09:00).")})


@scoped("publishing.view", write_permission="publishing.publish")
def calendar_move_form(request, post_uuid):
    """The same move without JavaScript: a small form per post ("Jadwalkan ulang")."""
    scope = request.scope
    scope.require("publishing.publish")
    post = _post_in_scope(scope, post_uuid)
    local = utc_to_local(post.unit, cal.post_time(post))
    if request.method == "POST":
        form = MoveForm(request.POST)
        if form.is_valid():
            try:
                post = cal.post_move(actor=request.user, post=post, new_day=form.cleaned_data["date"],
                                     new_time=form.cleaned_data.get("time"))
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, cal.move_message(post))
                return redirect(_calendar_back(request, scope, form.cleaned_data["date"]))
    else:
        form = MoveForm(initial={"date": local.date() if local else None,
                                 "time": local.strftime("%H:%M") if local else "09:00"})
    return render(request, "publishing/calendar_move.html", {
        "unit": scope.unit, "post": post, "form": form, "local": local,
        "movable": cal.movable(post, can_publish=True)}, status=422 if form.errors else 200)


# --- the month-plan import -------------------------------------------------------------------------


class PlanUploadForm(forms.Form):
    month = forms.CharField(label=gettext_lazy("Bulan rencana"), widget=forms.TextInput(attrs={"type": "month"}),
                            error_messages={"required": gettext_lazy("Pilih bulan rencana (mis. 2026-12).")})
    file = forms.FileField(label=gettext_lazy("Berkas CSV atau XLSX"),
                           error_messages={"required": gettext_lazy("Pilih berkas rencana."),
                                           "empty": gettext_lazy("Berkas kosong.")})

    def clean_month(self):
        return plan_import.month_parse(self.cleaned_data["month"])


def _next_month(today: date) -> str:
    return (today.replace(day=28) + (date(2000, 1, 31) - date(2000, 1, 1))).strftime("%Y-%m")


@scoped("publishing.view", write_permission="publishing.edit")
def plan_import_view(request):
    scope = request.scope
    scope.require("publishing.edit")
    evaluation = token = None
    status = 200
    if request.method == "POST":
        form = PlanUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > plan_import_max_bytes():
                form.add_error("file", _("Berkas terlalu besar; paling besar 5 MB."))
            else:
                content = upload.read()
                try:
                    evaluation, record = plan_import.plan_preview(actor=request.user, unit=scope.unit,
                                                                  content=content, month=form.cleaned_data["month"],
                                                                  file_name=upload.name)
                except ValidationError as error:
                    for message in error.messages:
                        form.add_error("file", message)
                else:
                    token = str(record.token) if record.token else None
        if form.errors or (evaluation and not evaluation.ok):
            status = 422
    else:
        today = timezone.now().astimezone(scope.unit.zone).date()
        form = PlanUploadForm(initial={"month": _next_month(today)})
    return render(request, "publishing/plan_import.html", {
        "unit": scope.unit, "form": form, "evaluation": evaluation, "token": token,
        "columns": plan_import.COLUMNS, "zone": scope.unit.zone_label}, status=status)


def plan_import_max_bytes() -> int:
    return 5 * 1024 * 1024


@require_POST
@scoped("publishing.view", write_permission="publishing.edit")
def plan_import_apply_view(request):
    scope = request.scope
    token = request.POST.get("token", "")
    try:
        state, posts = plan_import.plan_import_start(actor=request.user, unit=scope.unit, token=token,
                                                     month=request.POST.get("month", ""))
    except ValidationError as error:
        for message in error.messages[:20]:
            messages.error(request, message)
        return redirect("publishing:plan-import", scope.unit.uuid)
    if state == "queued":
        messages.info(request, _("Rencana sedang diimpor di latar belakang."))
        return redirect("publishing:plan-import-status", scope.unit.uuid, token)
    messages.success(request, _("%(n)s draf rencana dibuat.") % {"n": len(posts)})
    first = min((p.scheduled_at for p in posts if p.scheduled_at), default=None)
    day = utc_to_local(scope.unit, first).date() if first else None
    url = reverse("publishing:calendar", args=[scope.unit.uuid])
    return redirect(f"{url}?{urlencode({'date': day.isoformat(), 'view': 'list'})}" if day else url)


@scoped("publishing.view", write_permission="publishing.edit")
def plan_import_status(request, token):
    scope = request.scope
    status = plan_import.plan_status_read(unit=scope.unit, token=token)
    if status is None:
        raise Http404
    progress = status.get("progress")
    percent = int(progress[0] * 100 / progress[1]) if progress and progress[1] else None
    template = "publishing/plan_import_status.html#status" if request.htmx else "publishing/plan_import_status.html"
    return render(request, template, {"unit": scope.unit, "status": status, "token": token, "percent": percent})


@scoped("publishing.view")
def plan_import_template(request):
    response = HttpResponse(plan_import.example_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contoh-rencana-bulanan.csv"'
    return response


PLAN_HISTORY_PAGE = 20


@scoped("publishing.view")
@require_safe
def plan_import_history(request):
    """"Riwayat impor rencana": every preview and apply of the unit and the units below it."""
    scope = request.scope
    page = Paginator(plan_import.plan_import_list(scope=scope), PLAN_HISTORY_PAGE).get_page(request.GET.get("page"))
    return render(request, "publishing/plan_import_history.html", {
        "unit": scope.unit, "page": page, "can_import": scope.can("publishing.edit")})


@scoped("publishing.view")
def plan_import_detail(request, plan_import_uuid):
    """One import of the history, with the drafts it created (those the user can see)."""
    scope = request.scope
    record = plan_import.plan_import_get(scope=scope, import_uuid=plan_import_uuid)  # another unit's: 404 first
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    posts = plan_import.plan_import_posts(scope=scope, record=record)
    return render(request, "publishing/plan_import_detail.html", {
        "unit": scope.unit, "record": record, "posts": posts, "missing": max(len(record.posts) - len(posts), 0)})

