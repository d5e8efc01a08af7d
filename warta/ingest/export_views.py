"""Pages of the export-file import: upload and list, preview with the mapping, apply, status."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from warta.ingest.export_forms import ExportMappingForm, ExportUploadForm
from warta.ingest.exports import reader
from warta.ingest.exports import services as export_services
from warta.ingest.exports.formats import FORMATS, TARGETS
from warta.ingest.exports.mapping import describe
from warta.ingest.models import ExportImport
from warta.organisations.decorators import scoped

PAGE_SIZE = 25
BAD_PAGE_SIZE = 50
Status = ExportImport.Status


@scoped("export.import")
def export_import_list(request):
    scope = request.scope
    accounts = export_services.export_accounts(scope=scope)
    initial = {}
    chosen = request.GET.get("akun")
    if chosen:
        initial["account"] = accounts.filter(uuid=chosen).first() if _is_uuid(chosen) else None
    form = ExportUploadForm(request.POST or None, request.FILES or None, accounts=accounts, initial=initial)
    with timezone.override(scope.unit.zone):  # a date typed in the form is in the unit's zone
        valid = request.method == "POST" and form.is_valid()
    if valid:
        upload = form.cleaned_data["file"]
        content = upload.read(reader.max_bytes() + 1)  # never more than one byte past the limit
        observed_at = form.cleaned_data.get("observed_at")
        account = form.cleaned_data["account"]
        if observed_at is not None and observed_at.tzinfo is None:
            observed_at = observed_at.replace(tzinfo=account.unit.zone)
        try:
            record = export_services.export_import_create(actor=request.user, account=account, filename=upload.name,
                                                          content=content, observed_at=observed_at)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("ingest:export-import-detail", scope.unit.uuid, record.uuid)
    page = Paginator(export_services.export_import_list(scope=scope), PAGE_SIZE).get_page(request.GET.get("page"))
    for record in page.object_list:
        record.format_label = _format_label(record.format)
    return render(request, "ingest/export_import_list.html", {
        "unit": scope.unit, "form": form, "page": page, "has_accounts": accounts.exists(),
        "max_bytes": reader.max_bytes(), "max_rows": reader.max_rows(),
    }, status=400 if form.errors else 200)


@scoped("export.import")
def export_import_detail(request, export_uuid):
    scope = request.scope
    record = export_services.export_import_get(scope=scope, import_uuid=export_uuid)
    context = _context(request, record)
    if request.htmx:
        return render(request, "ingest/export_import_detail.html#status", context)
    return render(request, "ingest/export_import_detail.html", context)


@require_POST
@scoped("export.import")
def export_import_mapping(request, export_uuid):
    scope = request.scope
    record = export_services.export_import_get(scope=scope, import_uuid=export_uuid)
    form = ExportMappingForm(request.POST, record=record)
    with timezone.override(record.unit.zone):
        valid = form.is_valid()
    if valid:
        data = form.cleaned_data
        observed_at = data.get("observed_at")
        if observed_at is not None and observed_at.tzinfo is None:
            observed_at = observed_at.replace(tzinfo=record.unit.zone)
        current = parse_datetime(record.report.get("options", {}).get("observed_at", "") or "")
        if observed_at is not None and current is not None and observed_at == current.replace(second=0):
            observed_at = None  # shown to the minute; unchanged, keep the exact stored time
        format_changed = data["format"] != record.format
        try:
            export_services.export_import_mapping_update(
                actor=request.user, record=record, format_code=data["format"],
                mapping=None if format_changed else form.mapping(),
                options={"timezone": data["timezone"], "date_order": data["date_order"], "observed_at": observed_at})
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Pemetaan disimpan dan semua baris diperiksa ulang."))
    else:
        messages.error(request, _("Pemetaan tidak dapat disimpan; periksa pilihan Anda."))
    return redirect("ingest:export-import-detail", scope.unit.uuid, record.uuid)


@require_POST
@scoped("export.import")
def export_import_apply(request, export_uuid):
    scope = request.scope
    record = export_services.export_import_get(scope=scope, import_uuid=export_uuid)
    skip_invalid = request.POST.get("skip_invalid") == "1"
    try:
        record = export_services.export_import_apply(actor=request.user, record=record, skip_invalid=skip_invalid)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        if record.status == Status.DONE:
            applied = record.report.get("applied", {})
            messages.success(request, _("Selesai: %(stored)s unggahan baru, %(already)s sudah ada, %(snapshots)s "
                                        "catatan metrik.") % {"stored": applied.get("stored", 0),
                                                              "already": applied.get("already_stored", 0),
                                                              "snapshots": applied.get("snapshots", 0)})
        elif record.status == Status.APPLYING:
            messages.info(request, _("Berkas besar ini diterapkan di latar belakang; halaman ini diperbarui sendiri."))
        else:
            messages.error(request, _("Penerapan gagal; tidak ada yang disimpan."))
    return redirect("ingest:export-import-detail", scope.unit.uuid, record.uuid)


def _context(request, record: ExportImport) -> dict:
    report = record.report
    counts = report.get("counts", {})
    editable = record.status in (Status.PREVIEW, Status.FAILED)
    preview = []
    for row in report.get("preview", []):
        preview.append(row | {"created": parse_datetime(row["created_at"]),
                              "metric_list": [(TARGETS[k].label if k in TARGETS else k, v)
                                              for k, v in row.get("metrics", {}).items()]})
    bad_page = Paginator(report.get("bad_rows", []), BAD_PAGE_SIZE).get_page(request.GET.get("page"))
    bad_rows = [{"row": b["row"], "post_id": b.get("post_id", ""), "reasons": [describe(r) for r in b["reasons"]]}
                for b in bad_page.object_list]
    observed = parse_datetime(report.get("options", {}).get("observed_at", "") or "")
    form = None
    if editable:
        initial = ExportMappingForm.initial_for(record)
        if observed:
            initial["observed_at"] = observed.astimezone(record.unit.zone).strftime("%Y-%m-%dT%H:%M")
        form = ExportMappingForm(initial=initial, record=record)
    problems = [describe(p) for p in report.get("problems", [])]
    return {
        "unit": request.scope.unit, "record": record, "report": report, "counts": counts,
        "format_label": _format_label(record.format),
        "problems": problems, "notes": [describe(n) for n in report.get("notes", [])],
        "errors": [describe(e) for e in report.get("error") or []],
        "preview": preview, "bad_rows": bad_rows, "bad_page": bad_page,
        "observed_at": observed, "form": form, "editable": editable,
        "can_apply": editable and not problems and counts.get("valid", 0) > 0,
        "polling": record.status == Status.APPLYING,
        "progress": export_services.export_import_progress(record=record),
        "applied": report.get("applied"),
        "target_labels": {k: t.label for k, t in TARGETS.items()},
        "mapping_rows": [(TARGETS[k].label, record.mapping.get(k, "")) for k in TARGETS if record.mapping.get(k)],
    }


def _format_label(code: str):
    fmt = FORMATS.get(code)
    return fmt.label if fmt else code


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
