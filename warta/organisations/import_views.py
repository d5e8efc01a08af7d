"""Pages of the region import: upload, preview, apply, and the applying import's status."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from warta.organisations import imports
from warta.organisations.decorators import scoped
from warta.organisations.models import RegionImport, Unit, UnitKind

PAGE_SIZE = 50
RECENT = 20
ACTIONS = ("create", "update", "unchanged", "error")


class RegionImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas CSV"),
        help_text=gettext_lazy("Kolom: code,name,kind (atau kode,nama,jenis); kolom parent_code boleh ada. "
                               "Enkode UTF-8, pemisah koma, titik koma, atau tab."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )


def _record_or_404(scope, import_uuid) -> RegionImport:
    """Find an import of the scope's unit or a unit below it; anything else does not exist."""
    record = (RegionImport.objects.filter(unit__in=Unit.objects.subtree_of(scope.unit), uuid=import_uuid)
              .select_related("unit", "created_by").first())
    if record is None:
        raise Http404
    return record


def _action_labels() -> dict[str, str]:
    return {"create": _("baru"), "update": _("diperbarui"), "unchanged": _("tetap"), "error": _("bermasalah")}


@scoped("unit.manage")
def region_import(request):
    scope = request.scope
    form = RegionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Never read more than one byte past the limit, whatever was sent.
        content = upload.read(settings.WARTA_MAX_IMPORT_BYTES + 1)
        try:
            record, _plan = imports.region_import_create(actor=request.user, unit=scope.unit,
                                                        filename=upload.name, content=content)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("organisations:region-import-detail", scope.unit.uuid, record.uuid)
    recent = RegionImport.objects.filter(unit=scope.unit).select_related("created_by").defer("content")[:RECENT]
    return render(request, "organisations/region_import.html", {
        "unit": scope.unit, "form": form, "recent": recent, "max_bytes": settings.WARTA_MAX_IMPORT_BYTES,
    }, status=400 if form.errors else 200)


@scoped("unit.manage")
def region_import_detail(request, import_uuid):
    scope = request.scope
    record = _record_or_404(scope, import_uuid)
    Status = RegionImport.Status
    context = {
        "unit": scope.unit, "record": record, "summary": record.summary,
        "polling": record.status in (Status.QUEUED, Status.APPLYING),
        "progress": imports.region_import_progress(record=record),
        "errors": record.error.splitlines() if record.error else [],
        "plan_ok": None, "page": None,  # set below when the file is planned again
    }
    if request.htmx:
        return render(request, "organisations/region_import_detail.html#status", context)
    if record.status in (Status.PREVIEW, Status.FAILED):
        # Plan again against the data as it is now, in the reader's language.
        plan = imports.region_import_plan(unit=record.unit, text=record.content)
        summary = plan.summary()
        labels = _action_labels()
        chosen = request.GET.get("tindakan", "error" if summary["errors"] else "")
        rows = [r for r in plan.rows if r.action == chosen] if chosen in ACTIONS else plan.rows
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        for row in page.object_list:
            row.action_label = labels[row.action]
            row.kind_label = UnitKind(row.kind).label if row.kind else ""
        context.update({
            "summary": summary, "plan_ok": plan.ok, "page": page, "chosen": chosen if chosen in ACTIONS else "",
            "filters": [("", _("semua"), summary["rows"])] + [(a, labels[a], summary[a if a != "error" else "errors"]) for a in ACTIONS],
            "querystring": f"tindakan={chosen}" if chosen in ACTIONS else "",
        })
    return render(request, "organisations/region_import_detail.html", context)


@require_POST
@scoped("unit.manage")
def region_import_apply(request, import_uuid):
    scope = request.scope
    record = _record_or_404(scope, import_uuid)
    if record.summary.get("errors") or record.summary.get("file_errors"):
        messages.error(request, _("Berkas ini bermasalah dan tidak dapat diterapkan. Perbaiki lalu unggah ulang."))
    elif imports.region_import_queue(record=record):
        messages.success(request, _("Impor %(file)s masuk antrean dan segera diterapkan.") % {"file": record.filename})
    else:
        messages.info(request, _("Impor ini sudah diterapkan atau sedang diproses."))
    return redirect("organisations:region-import-detail", scope.unit.uuid, record.uuid)
