"""Pages of amplification: packages sent down the tree and their tracker, and the inbox of tasks
a unit received (accept and adapt, or decline)."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.amplification import selectors, services
from warta.amplification.forms import (
    PLATFORM_CHOICES,
    DeclineForm,
    InboxFilterForm,
    PackageFilterForm,
    PackageForm,
    TrackerFilterForm,
    variants_from_data,
)
from warta.amplification.models import PENDING_STATES, PackageState, TaskState
from warta.channels import limits
from warta.core.csvsafe import csv_safe_row
from warta.core.forms import form_errors_add
from warta.organisations.decorators import scoped

PAGE_SIZE = 50
RECIPIENT_LIST_MAX = 3000  # the picker lists at most this many units (a whole province's desa is more)


def _query(request) -> str:
    return urlencode({k: v for k, v in request.GET.items() if k != "page" and v})


# --- packages ------------------------------------------------------------------------------------


@scoped("amplification.view", write_permission="amplification.send")
def package_list(request):
    scope = request.scope
    form = PackageFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    rows = selectors.package_list(scope=scope, q=d.get("q", "").strip(), state=d.get("state", ""),
                                  own=d.get("own", False))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "amplification/package_list.html", {
        "unit": scope.unit, "page": page, "form": form, "querystring": _query(request),
        "can_send": scope.can("amplification.send"), "can_respond": scope.can("amplification.respond")})


def _recipients_from_post(unit, data) -> list:
    available = services.recipients_available(unit)
    chosen = set(data.getlist("recipients"))
    kinds = [k for k in data.getlist("all_kind") if k]
    units = []
    if chosen:
        try:
            units += list(available.filter(uuid__in=chosen))
        except ValidationError:
            raise ValidationError({"recipients": _("Unit penerima tidak dikenal.")}) from None
        if len(units) != len(chosen):
            raise ValidationError({"recipients": _("Sebagian unit penerima bukan unit di bawah unit ini.")})
    if kinds:
        units += list(available.filter(kind__in=kinds))
    return units


def _source_post(scope, post_uuid: str):
    """The post a package is made from ("Amplifikasikan" on a post): one of the unit's subtree."""
    if not post_uuid:
        return None
    from django.http import Http404

    from warta.publishing.selectors import post_get

    try:
        return post_get(scope=scope, post_uuid=post_uuid)
    except (Http404, ValidationError, ValueError):  # a stale or foreign link just opens an empty form
        return None


@scoped("amplification.send")
def package_create(request):
    scope = request.scope
    unit = scope.unit
    data = request.POST if request.method == "POST" else None
    initial = {}
    source = _source_post(scope, (data or request.GET).get("konten", ""))
    if data is None and source is not None:
        initial = {"title": source.title, "platforms": [v.platform for v in source.variants.all()]}
    form = PackageForm(data, initial=initial)
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            recipients = _recipients_from_post(unit, data)
            package = services.package_create(
                actor=request.user, unit=unit, title=d["title"], note=d["note"],
                deadline=d["deadline"].replace(tzinfo=unit.zone) if d["deadline"] else None,
                variants=variants_from_data(data, d["platforms"]), recipients=recipients,
                media=[m for m in data.getlist("media") if m], source_post=source)
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Paket dikirim ke %(n)s unit.") % {"n": package.tasks.count()})
            return redirect("amplification:package-detail", unit.uuid, package.uuid)
    texts = {}
    if source is not None and data is None:
        texts = {v.platform: {"text": v.text, "link": v.link} for v in source.variants.all()}
    chosen_platforms = set(data.getlist("platforms")) if data is not None else set(initial.get("platforms", ()))
    rows = [{"platform": p, "name": name, "chosen": p in chosen_platforms,
             "text": data.get(f"text_{p}", "") if data is not None else texts.get(p, {}).get("text", ""),
             "link": data.get(f"link_{p}", "") if data is not None else texts.get(p, {}).get("link", ""),
             "limit": limits.rules_for(p).text_limit} for p, name in PLATFORM_CHOICES]
    available = services.recipients_available(unit).order_by("path")
    units = list(available[:RECIPIENT_LIST_MAX])
    for u in units:
        u.rel_depth = min(u.depth - unit.depth, 5)
    chosen_units = set(data.getlist("recipients")) if data is not None else set()
    chosen_kinds = set(data.getlist("all_kind")) if data is not None else set()
    chosen_media = set(data.getlist("media")) if data is not None else set()
    return render(request, "amplification/package_form.html", {
        "unit": unit, "form": form, "rows": rows, "units": units,
        "units_total": available.count(), "kinds": selectors.recipient_kinds(unit), "chosen_units": chosen_units,
        "chosen_kinds": chosen_kinds, "media": services.package_media_available(unit)[:100],
        "chosen_media": chosen_media, "source": source})


def _tracker_filters(request) -> tuple[TrackerFilterForm, dict]:
    form = TrackerFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    return form, {"state": d.get("state", ""), "q": d.get("q", "").strip(), "overdue": d.get("overdue", False)}


@scoped("amplification.view", write_permission="amplification.send")
def package_detail(request, package_uuid):
    """The tracker: every recipient unit, its state, when it shared, its reach."""
    scope = request.scope
    package = selectors.package_get(scope=scope, package_uuid=package_uuid)
    form, filters = _tracker_filters(request)
    page = Paginator(selectors.tracker_rows(package=package, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for task in page.object_list:
        task.package = package
        task.overdue = task.is_overdue(now)
    media = list(package.media.all())
    return render(request, "amplification/package_detail.html", {
        "unit": scope.unit, "package": package, "summary": selectors.tracker_summary(package=package),
        "page": page, "form": form, "querystring": _query(request), "media": media,
        "variants": [(limits.PLATFORM_NAMES.get(p, p), v) for p, v in package.variants.items()],
        "can_send": scope.can("amplification.send") and scope.contains(package.unit),
        "is_open": package.state == PackageState.OPEN, "zone": package.unit.time_zone,
        "zone_label": package.unit.zone_label})


class _Echo:
    def write(self, value):
        return value


@scoped("amplification.view")
def package_export(request, package_uuid):
    """The tracker as CSV (every row, in the sender's zone)."""
    scope = request.scope
    package = selectors.package_get(scope=scope, package_uuid=package_uuid)
    _form, filters = _tracker_filters(request)
    writer = csv.writer(_Echo())
    zone = package.unit.zone
    now = timezone.now()

    def stamp(value):
        return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows():
        yield "\ufeff"
        yield writer.writerow([_("Unit"), _("Jenis unit"), _("Kode wilayah"), _("Status"), _("Dibagikan pada"),
                               _("Jangkauan"), _("Lewat batas waktu"), _("Terakhir diingatkan"),
                               _("Alasan penolakan")])
        for task in selectors.tracker_rows(package=package, **filters).iterator(chunk_size=500):
            task.package = package
            yield writer.writerow(csv_safe_row([
                task.unit.name, task.unit.kind_label, task.unit.region_code or "", task.get_state_display(),
                stamp(task.published_at), "" if task.reach is None else str(task.reach),
                _("ya") if task.is_overdue(now) else _("tidak"), stamp(task.reminded_at), task.declined_reason]))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="amplifikasi-{str(package.uuid)[:8]}.csv"'
    return response


@require_POST
@scoped("amplification.view", write_permission="amplification.send")
def package_remind(request, package_uuid):
    scope = request.scope
    package = selectors.package_get(scope=scope, package_uuid=package_uuid)
    try:
        sent, skipped = services.package_remind(actor=request.user, package=package)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("Pengingat dikirim ke %(n)s unit.") % {"n": sent}
        if skipped:
            text += " " + _("%(n)s unit sudah diingatkan hari ini.") % {"n": skipped}
        messages.success(request, text)
    return redirect("amplification:package-detail", scope.unit.uuid, package.uuid)


@require_POST
@scoped("amplification.view", write_permission="amplification.send")
def package_close(request, package_uuid):
    scope = request.scope
    package = selectors.package_get(scope=scope, package_uuid=package_uuid)
    services.package_close(actor=request.user, package=package)
    messages.success(request, _("Paket ditutup."))
    return redirect("amplification:package-detail", scope.unit.uuid, package.uuid)


# --- the inbox of tasks --------------------------------------------------------------------------


@scoped("amplification.view", write_permission="amplification.respond")
def task_list(request):
    scope = request.scope
    form = InboxFilterForm(request.GET or None)
    d = form.cleaned_data if form.is_valid() else {}
    rows = selectors.task_inbox(scope=scope, state=d.get("state", ""), q=d.get("q", "").strip())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    for task in page.object_list:
        task.overdue = task.is_overdue(now)
    return render(request, "amplification/task_list.html", {
        "unit": scope.unit, "page": page, "form": form, "querystring": _query(request),
        "pending": selectors.task_inbox(scope=scope, pending=True).count()})


def _accept_rows(task, data=None) -> list[dict]:
    package = task.package
    rows = []
    for platform, v in package.variants.items():
        rows.append({
            "platform": platform, "name": limits.PLATFORM_NAMES.get(platform, platform),
            "chosen": (platform in data.getlist("platforms")) if data is not None else True,
            "text": data.get(f"text_{platform}", "") if data is not None else v.get("text", ""),
            "link": data.get(f"link_{platform}", "") if data is not None else v.get("link", ""),
            "original": v.get("text", ""), "limit": limits.rules_for(platform).text_limit})
    return rows


def _task_page(request, task, *, accept_errors=None, accept_data=None, decline_form=None, status=200):
    scope = request.scope
    can_respond = scope.can("amplification.respond")
    is_open = task.package.state == PackageState.OPEN
    return render(request, "amplification/task_detail.html", {
        "unit": scope.unit, "task": task, "package": task.package, "media": list(task.package.media.all()),
        "rows": _accept_rows(task, accept_data), "accept_errors": accept_errors or [],
        "decline_form": decline_form or DeclineForm(), "overdue": task.is_overdue(),
        "can_accept": can_respond and is_open and task.state == TaskState.WAITING,
        "can_decline": can_respond and task.state in PENDING_STATES,
        "zone": task.unit.time_zone, "zone_label": task.unit.zone_label}, status=status)


@scoped("amplification.view", write_permission="amplification.respond")
def task_detail(request, task_uuid):
    task = selectors.task_get(scope=request.scope, task_uuid=task_uuid)
    return _task_page(request, task)


@require_POST
@scoped("amplification.view", write_permission="amplification.respond")
def task_accept(request, task_uuid):
    """Make the unit's own draft from the package (adapted text), checked against its guideline."""
    scope = request.scope
    task = selectors.task_get(scope=scope, task_uuid=task_uuid)
    platforms = [p for p in request.POST.getlist("platforms") if p in task.package.variants]
    variants = {p: {"text": request.POST.get(f"text_{p}", ""), "link": request.POST.get(f"link_{p}", "")}
                for p in platforms}
    try:
        services.task_accept(actor=request.user, task=task, variants=variants,
                             submit=request.POST.get("submit") == "1")
    except ValidationError as exc:
        errors = [m for ms in (exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages])
                  for m in ms]
        return _task_page(request, task, accept_errors=errors, accept_data=request.POST, status=422)
    task.refresh_from_db()
    messages.success(request, _("Draf konten unit Anda sudah dibuat. Lanjutkan persetujuan dan penjadwalannya "
                                "seperti konten lain."))
    if task.post_id:
        return redirect("publishing:post-detail", scope.unit.uuid, task.post.uuid)
    return redirect("amplification:task-detail", scope.unit.uuid, task.uuid)


@require_POST
@scoped("amplification.view", write_permission="amplification.respond")
def task_decline(request, task_uuid):
    scope = request.scope
    task = selectors.task_get(scope=scope, task_uuid=task_uuid)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.task_decline(actor=request.user, task=task, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("Tugas ditolak. Pengirim dapat melihat alasannya."))
            return redirect("amplification:task-list", scope.unit.uuid)
    return _task_page(request, task, decline_form=form, status=422)


@require_POST
@scoped("amplification.view")
def task_check(request, task_uuid):
    """The live guideline check of one variant of the accept form, against the task's unit's
    guideline; answers the guideline app's partial. Writes nothing."""
    from warta.publishing.services import guideline_run

    task = selectors.task_get(scope=request.scope, task_uuid=task_uuid)
    platform = request.POST.get("platform", "")
    context = {"unit": task.unit, "result": None, "check_errors": []}
    if platform not in task.package.variants:
        context["check_errors"] = [_("Platform tidak dikenal.")]
    else:
        text = request.POST.get(f"text_{platform}", "")[:20000]
        link = request.POST.get(f"link_{platform}", "")[:1000]
        context["result"] = guideline_run(unit=task.unit, text=text, platform=platform, links=[link])
    return render(request, "guideline/_findings.html", context)
