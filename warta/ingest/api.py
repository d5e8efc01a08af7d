"""The ingest endpoints of the JSON API.

Sections: inbound items (lead); export-file imports (below, if present).
"""

import json
from uuid import UUID

from django.http import Http404
from ninja import Router, Schema
from ninja.errors import HttpError

from warta.channels.models import Account
from warta.ingest.models import Item, Source
from warta.ingest.services import items_ingest, quarantine_record
from warta.organisations.api import responses, token_scope
from warta.organisations.roles import Role, permission_register
from warta.organisations.scope import scope_for_unit

router = Router(tags=["ingest"])

permission_register("ingest.push", {Role.ADMIN, Role.EDITOR})

# --- inbound items ------------------------------------------------------------------------


class ItemsIn(Schema):
    account_uuid: UUID
    items: list[dict]


class QuarantinedOut(Schema):
    index: int
    reason: str


class IngestOut(Schema):
    stored: int
    duplicates: int
    quarantined: list[QuarantinedOut]


@router.post("/ingest/items", response=responses({200: IngestOut}, 403, 404, 422), url_name="ingest-items",
             summary="Kirim butir masuk (bentuk docs/inbound-item.schema.json)")
def ingest_items(request, payload: ItemsIn):
    """Store up to 1,000 inbound items for one official account in the token's reach.

    Each is stored once by (platform, id); invalid ones are quarantined with their reason and
    reported by their index, and the rest are kept."""
    reach = token_scope(request)
    account = Account.objects.active().for_scope(reach).select_related("unit").filter(uuid=payload.account_uuid).first()
    if account is None:
        raise Http404
    scope = scope_for_unit(user=request.user, unit=account.unit, grants=reach.grants, ceiling=request.api_token.role)
    scope.require("ingest.push")
    if len(payload.items) > 1000:
        raise HttpError(422, "Paling banyak 1.000 butir per permintaan.")
    foreign = _foreign_items(payload.items, account)
    for index, reason in foreign.items():
        quarantine_record(payload=json.dumps(payload.items[index], ensure_ascii=False, default=str), reason=reason,
                          source=Source.API, account=account)
    kept = [i for i in range(len(payload.items)) if i not in foreign]
    report = items_ingest(items=[payload.items[i] for i in kept], source=Source.API, account=account)
    quarantined = sorted([*foreign.items(), *((kept[i], r) for i, r in report.quarantined)])
    return {"stored": report.stored, "duplicates": report.duplicates,
            "quarantined": [{"index": i, "reason": r} for i, r in quarantined]}


def _foreign_items(items: list[dict], account) -> dict[int, str]:
    """Items pushed for ``account`` that would land on, or change, another account's data: a
    different platform, another account's id or handle, or an item another account holds."""
    refs = {account.external_id, account.handle} - {""}
    out: dict[int, str] = {}
    for index, item in enumerate(items):
        if item.get("platform") != account.platform:
            out[index] = f"platform: expected {account.platform!r}, the platform of this account"
        elif item.get("account_external_id") and str(item.get("account_external_id")) not in refs:
            out[index] = "account_external_id: names another account"
    ids = {item["external_id"] for i, item in enumerate(items)
           if i not in out and isinstance(item.get("external_id"), str)}
    held = set(Item.objects.filter(platform=account.platform, external_id__in=ids, account__isnull=False)
               .exclude(account=account).values_list("external_id", flat=True)) if ids else set()
    for index, item in enumerate(items):
        if index not in out and isinstance(item.get("external_id"), str) and item["external_id"] in held:
            out[index] = "external_id: already stored for another account"
    return out


# --- export-file imports (Meta Business Suite, X analytics, YouTube Studio) ------------------

from datetime import datetime  # noqa: E402  (section kept apart)
from typing import Any  # noqa: E402

from ninja import Field, File, Form, Query, Status  # noqa: E402
from ninja.files import UploadedFile  # noqa: E402

from warta.ingest.exports import reader as export_reader  # noqa: E402
from warta.ingest.exports import services as export_services  # noqa: E402
from warta.ingest.exports.formats import FORMATS  # noqa: E402
from warta.ingest.exports.mapping import describe  # noqa: E402
from warta.organisations.api import aware, paginate, unit_scope  # noqa: E402
from warta.organisations.schemas import BodyIn, Paged, PageIn  # noqa: E402


class ExportProblemOut(Schema):
    code: str
    message: str
    params: dict[str, Any] = {}


class ExportBadRowOut(Schema):
    row: int = Field(description="Nomor baris seperti terlihat di spreadsheet (baris judul = 1).")
    post_id: str
    reasons: list[ExportProblemOut]


class ExportImportSummaryOut(Schema):
    uuid: UUID
    unit: UUID
    account: UUID
    platform: str
    format: str
    format_label: str
    filename: str
    sha256: str
    status: str
    created_at: datetime
    applied_at: datetime | None
    counts: dict[str, int]


class ExportImportOut(ExportImportSummaryOut):
    headers: list[str]
    mapping: dict[str, str]
    options: dict[str, Any]
    problems: list[ExportProblemOut]
    notes: list[ExportProblemOut]
    preview: list[dict[str, Any]]
    bad_rows: list[ExportBadRowOut]
    applied: dict[str, Any] | None
    error: list[ExportProblemOut]


class ExportMappingIn(BodyIn):
    format: str | None = Field(None, description="Kode format, mis. meta_facebook_posts; mengganti format "
                                                 "mengusulkan pemetaan baru bila `mapping` tidak dikirim.")
    mapping: dict[str, str] | None = Field(None, description="Isian Warta → judul kolom berkas.")
    timezone: str | None = Field(None, description="Zona waktu tanggal tanpa zona di berkas.")
    date_order: str | None = Field(None, description="auto, mdy, atau dmy.")
    observed_at: datetime | None = Field(None, description="Waktu pengamatan metrik (data per tanggal).")


class ExportApplyIn(BodyIn):
    skip_invalid: bool = Field(False, description="Terapkan baris yang valid saja; baris bermasalah dicatat.")


def _problems(items) -> list[dict]:
    return [{"code": p.get("code", ""), "message": describe(p), "params": p.get("params") or {}} for p in items or []]


def _export_summary(record) -> dict:
    fmt = FORMATS.get(record.format)
    return {"uuid": record.uuid, "unit": record.unit.uuid, "account": record.account.uuid,
            "platform": record.account.platform, "format": record.format,
            "format_label": str(fmt.label) if fmt else record.format, "filename": record.filename,
            "sha256": record.sha256, "status": record.status, "created_at": record.created_at,
            "applied_at": record.applied_at, "counts": record.report.get("counts", {})}


def _export_out(record) -> dict:
    report = record.report
    return _export_summary(record) | {
        "headers": report.get("file", {}).get("headers", []), "mapping": record.mapping,
        "options": report.get("options", {}), "problems": _problems(report.get("problems")),
        "notes": _problems(report.get("notes")), "preview": report.get("preview", []),
        "bad_rows": [{"row": b["row"], "post_id": b.get("post_id", ""), "reasons": _problems(b["reasons"])}
                     for b in report.get("bad_rows", [])],
        "applied": report.get("applied"), "error": _problems(report.get("error")),
    }


def _export_scope(request, unit_uuid: UUID):
    scope = unit_scope(request, unit_uuid)
    scope.require("export.import")
    return scope


@router.post("/units/{unit_uuid}/export-imports", response=responses({201: ExportImportOut}, 403, 404, 422),
             url_name="export-import-create", summary="Unggah berkas ekspor platform (pratinjau)")
def export_import_create(request, unit_uuid: UUID, account: Form[UUID], file: File[UploadedFile],
                         observed_at: Form[datetime | None] = None):
    """Upload a platform's export (CSV or XLSX, multipart) for an official account; return the preview.

    Nothing is stored in the inbound tables until ``…/apply``. A file that cannot be read
    (not CSV/XLSX, empty, too big, no header) is refused with 422 and not kept.
    """
    scope = _export_scope(request, unit_uuid)
    target = export_services.export_account_get(scope=scope, account_uuid=account)
    content = file.read(export_reader.max_bytes() + 1)
    record = export_services.export_import_create(actor=request.user, account=target, filename=file.name or "ekspor",
                                                  content=content, observed_at=aware(observed_at, scope))
    return Status(201, _export_out(record))


@router.get("/units/{unit_uuid}/export-imports", response=responses({200: Paged[ExportImportSummaryOut]}, 403, 404, 422),
            url_name="export-import-list", summary="Daftar impor berkas ekspor")
def export_import_list(request, unit_uuid: UUID, paging: Query[PageIn]):
    """List the export imports of the unit and the units below it, newest first."""
    scope = _export_scope(request, unit_uuid)
    page = paginate(export_services.export_import_list(scope=scope), paging)
    page["items"] = [_export_summary(r) for r in page["items"]]
    return page


@router.get("/units/{unit_uuid}/export-imports/{import_uuid}", response=responses({200: ExportImportOut}, 403, 404),
            url_name="export-import-detail", summary="Status dan laporan impor berkas ekspor")
def export_import_detail(request, unit_uuid: UUID, import_uuid: UUID):
    """Return an import's status, mapping, preview, bad rows and, once applied, what was stored."""
    scope = _export_scope(request, unit_uuid)
    return _export_out(export_services.export_import_get(scope=scope, import_uuid=import_uuid))


@router.put("/units/{unit_uuid}/export-imports/{import_uuid}/mapping",
            response=responses({200: ExportImportOut}, 403, 404, 422), url_name="export-import-mapping",
            summary="Ubah pemetaan kolom (memeriksa ulang semua baris)")
def export_import_mapping(request, unit_uuid: UUID, import_uuid: UUID, payload: ExportMappingIn):
    """Change the format, the column mapping or the reading options; every row is checked again."""
    scope = _export_scope(request, unit_uuid)
    record = export_services.export_import_get(scope=scope, import_uuid=import_uuid)
    options = {k: v for k, v in {"timezone": payload.timezone, "date_order": payload.date_order,
                                 "observed_at": aware(payload.observed_at, scope)}.items() if v is not None}
    mapping = None if payload.mapping is None else {  # no read column holds NUL; PostgreSQL's jsonb refuses it
        k: v.replace("\x00", "") for k, v in payload.mapping.items()}
    record = export_services.export_import_mapping_update(actor=request.user, record=record, format_code=payload.format,
                                                          mapping=mapping, options=options)
    return _export_out(record)


@router.post("/units/{unit_uuid}/export-imports/{import_uuid}/apply",
             response=responses({200: ExportImportOut, 202: ExportImportOut}, 403, 404, 422),
             url_name="export-import-apply", summary="Terapkan impor berkas ekspor (semua atau tidak sama sekali)")
def export_import_apply(request, unit_uuid: UUID, import_uuid: UUID, payload: ExportApplyIn):
    """Apply the import in one transaction (200 with status done or failed), or queue a big file (202)."""
    scope = _export_scope(request, unit_uuid)
    record = export_services.export_import_get(scope=scope, import_uuid=import_uuid)
    record = export_services.export_import_apply(actor=request.user, record=record, skip_invalid=payload.skip_invalid)
    status = 202 if record.status == record.Status.APPLYING else 200
    return Status(status, _export_out(record))
