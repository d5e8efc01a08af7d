"""Writes of the export-file import: upload and preview, change the mapping, apply.

Applying is all or nothing: the file is read and checked again inside one transaction and
its posts go through :func:`warta.ingest.services.items_ingest` (new ones) and
:func:`warta.ingest.services.metrics_record` (a snapshot per post at the observation
time); any failure rolls everything back and the import is marked failed with its reason.
Small files apply during the request; bigger ones as ``export_import_apply_task`` with
progress. The reads used by the pages and the API are at the end (they take the scope).
"""

from __future__ import annotations

import hashlib
import logging
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels.connectors.base import InboundItem, ItemKind, PostMetrics
from warta.channels.models import Account
from warta.core.audit import audit_action_register, audit_record
from warta.core.progress import Progress, progress_clear, progress_read, progress_reporter
from warta.ingest import services as ingest_services
from warta.ingest.exports import mapping as mapping_module
from warta.ingest.exports.formats import FORMATS, GENERIC, ExportFormat, formats_for
from warta.ingest.exports.mapping import MESSAGES, Conversion, Options, Post, problem
from warta.ingest.exports.reader import Table, read_table
from warta.ingest.models import ExportImport, Item
from warta.organisations.roles import Role, permission_register

logger = logging.getLogger(__name__)

permission_register("export.import", {Role.ADMIN, Role.EDITOR})
audit_action_register({
    "export.upload": gettext_lazy("Mengunggah berkas ekspor platform"),
    "export.mapping": gettext_lazy("Mengubah pemetaan kolom berkas ekspor"),
    "export.apply": gettext_lazy("Menerapkan berkas ekspor platform"),
    "export.apply_failed": gettext_lazy("Penerapan berkas ekspor gagal"),
})
MESSAGES.update({
    "apply_failed": gettext_lazy("Terjadi kesalahan tak terduga saat menerapkan; tidak ada yang disimpan. Coba lagi "
                                 "nanti atau hubungi pengelola Warta."),
    "has_bad_rows": gettext_lazy("%(count)s baris bermasalah. Perbaiki berkasnya, atau pilih “Terapkan baris yang "
                                 "valid saja”."),
    "nothing_valid": gettext_lazy("Tidak ada baris yang valid untuk diterapkan."),
    "rejected": gettext_lazy("Baris %(row)s ditolak saat disimpan: %(reason)s. Tidak ada yang disimpan."),
    "lost_permission": gettext_lazy("Yang menerapkan tidak lagi berwenang mengimpor untuk %(unit)s; tidak ada "
                                    "yang disimpan."),
    "account_archived": gettext_lazy("Akun ini sudah diarsipkan; tidak ada yang disimpan."),
})

SYNC_MAX_ROWS = 1000  # more valid rows than this apply as a background task
BATCH = 500  # posts per items_ingest / metrics_record call
PREVIEW_ROWS = 10
MAX_LISTED_BAD = 1000
DATE_ORDERS = ("auto", "mdy", "dmy")
TIME_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "UTC")

Status = ExportImport.Status


class ExportApplyError(Exception):
    """Applying stopped for a reason the officer can act on (kept as problem codes)."""

    def __init__(self, problems: list[dict]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class Evaluation:
    table: Table
    fmt: ExportFormat
    problems: list[dict]
    conversion: Conversion | None = None
    bad: list[dict] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)


# --- upload and preview -------------------------------------------------------------------


def export_import_create(*, actor, account: Account, filename: str, content: bytes,
                         observed_at: datetime | None = None) -> ExportImport:
    """Store an upload with its detected format, proposed mapping and preview report.

    Preconditions: the caller checked that ``actor`` holds ``export.import`` on the
    account's unit. Raises ``ValidationError`` (``ExportFileError``) when the bytes are not
    a readable CSV or XLSX within the limits; nothing is stored then. A file with bad rows
    or unknown columns is stored, so the officer can see why and fix the mapping. Writes
    one audit event.
    """
    table = read_table(content)
    detection = mapping_module.detect(table.headers, account.platform)
    digest = hashlib.sha256(content).hexdigest()
    fixed_notes: list[dict] = []
    if observed_at is None:
        previous = (ExportImport.objects.filter(account=account, sha256=digest, status=Status.DONE)
                    .order_by("-applied_at").only("report", "applied_at").first())
        if previous is not None and previous.report.get("options", {}).get("observed_at"):
            observed_at = parse_datetime(previous.report["options"]["observed_at"])
            when = previous.applied_at.astimezone(account.unit.zone) if previous.applied_at else None
            fixed_notes.append(problem("already_applied", when=f"{when:%d/%m/%Y %H:%M} {account.unit.zone_label}".strip()
                                       if when else "—"))
    observed_at = _observed_at(observed_at)
    options = {"observed_at": observed_at.isoformat(), "timezone": account.unit.time_zone, "date_order": "auto"}
    record = ExportImport(unit=account.unit, account=account, format=detection.format.code, filename=filename[:255],
                          sha256=digest, content=content, mapping=detection.mapping, created_by=actor)
    blocking = [p for p in detection.problems if p["code"] == "platform_mismatch"]
    record.report = {"options": options, "blocking": blocking, "fixed_notes": fixed_notes,
                     "language": detection.language}
    evaluation = _evaluate(record, table=table)
    record.report = _report(record, evaluation)
    with transaction.atomic():
        record.save()
        audit_record(actor=actor, unit=account.unit, action="export.upload", target=record, target_label=record.filename,
                     changes={"account": str(account.uuid), "sha256": digest, "format": record.format,
                              "rows": record.report["counts"]["rows"], "bad": record.report["counts"]["bad"]})
    return record


def export_import_mapping_update(*, actor, record: ExportImport, mapping: dict | None = None,
                                 format_code: str | None = None, options: dict | None = None) -> ExportImport:
    """Change an import's format, column mapping or options and check every row again.

    Only an import not yet applied can change. Choosing another format proposes its
    mapping unless one is given. Raises ``ValidationError`` for an unknown format, time
    zone or date order, or an observation time in the future. Writes one audit event.
    """
    if record.status not in (Status.PREVIEW, Status.FAILED):
        raise ValidationError(_("Impor ini sudah diterapkan atau sedang diproses; pemetaannya tidak dapat diubah."))
    table = read_table(bytes(record.content))
    report = dict(record.report)
    if format_code and format_code != record.format:
        allowed = {f.code for f in formats_for(record.account.platform)}
        if format_code not in allowed:
            raise ValidationError({"format": _("Format ini tidak tersedia untuk akun %(platform)s.") % {
                "platform": record.account.get_platform_display()}})
        record.format = format_code
        if mapping is None:
            mapping = mapping_module.propose(FORMATS[format_code], table.headers)[0]
    if mapping is not None:
        record.mapping = mapping_module.clean_mapping(mapping)
    report["options"] = _clean_options(dict(report.get("options", {})), options or {})
    record.report = report
    evaluation = _evaluate(record, table=table)
    record.report = _report(record, evaluation)
    record.status = Status.PREVIEW
    with transaction.atomic():
        record.save(update_fields=["format", "mapping", "report", "status"])
        audit_record(actor=actor, unit=record.unit, action="export.mapping", target=record, target_label=record.filename,
                     changes={"format": record.format, "mapping": record.mapping, "options": record.report["options"]})
    return record


def _clean_options(current: dict, changes: dict) -> dict:
    errors = {}
    if "timezone" in changes and changes["timezone"]:
        if changes["timezone"] not in TIME_ZONES:
            errors["timezone"] = _("Zona waktu tidak dikenal.")
        else:
            current["timezone"] = changes["timezone"]
    if "date_order" in changes and changes["date_order"]:
        if changes["date_order"] not in DATE_ORDERS:
            errors["date_order"] = _("Urutan tanggal tidak dikenal.")
        else:
            current["date_order"] = changes["date_order"]
    if changes.get("observed_at"):
        value = changes["observed_at"]
        if isinstance(value, str):
            value = parse_datetime(value)
        if value is None:
            errors["observed_at"] = _("Waktu pengamatan tidak dapat dibaca.")
        else:
            if timezone.is_naive(value):
                value = value.replace(tzinfo=zoneinfo.ZoneInfo(current.get("timezone") or settings.TIME_ZONE))
            if value > timezone.now() + timedelta(minutes=5):
                errors["observed_at"] = _("Waktu pengamatan tidak boleh di masa depan.")
            else:
                current["observed_at"] = _observed_at(value).isoformat()
    if errors:
        raise ValidationError(errors)
    return current


def _observed_at(value: datetime | None) -> datetime:
    value = value or timezone.now()
    return value.astimezone(zoneinfo.ZoneInfo("UTC")).replace(microsecond=0)


def _options(record: ExportImport, table: Table) -> Options:
    stored = record.report.get("options", {})
    try:
        zone = zoneinfo.ZoneInfo(stored.get("timezone") or record.unit.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = record.unit.zone
    fmt = FORMATS.get(record.format, GENERIC)
    return Options(zone=zone, date_order=stored.get("date_order", "auto"), decimal_comma=table.delimiter == ";",
                   month_first=fmt.month_first and record.report.get("language") != "id")


def _evaluate(record: ExportImport, *, table: Table | None = None) -> Evaluation:
    """Read the stored file and check every row under the record's mapping; write nothing."""
    table = table if table is not None else read_table(bytes(record.content))
    fmt = FORMATS.get(record.format, GENERIC)
    problems = list(record.report.get("blocking", []))
    problems += mapping_module.mapping_problems(record.mapping, table.headers)
    if fmt is GENERIC and not record.report.get("blocking") and any(p["code"] == "required_unmapped" for p in problems):
        problems.insert(0, problem("unknown_format"))
    evaluation = Evaluation(table=table, fmt=fmt, problems=_unique(problems))
    if evaluation.problems:
        return evaluation
    if not table.rows:
        evaluation.problems = [problem("no_rows")]
        return evaluation
    conversion = mapping_module.convert(table, fmt, record.mapping, _options(record, table))
    evaluation.conversion = conversion
    elsewhere = _stored_for_other_accounts(record.account, [p.external_id for p in conversion.posts])
    bad = list(conversion.bad)
    posts = []
    for post in conversion.posts:
        if post.external_id in elsewhere:
            bad.append({"row": post.row, "post_id": post.external_id,
                        "reasons": [problem("other_account", id=post.external_id)]})
        else:
            posts.append(post)
    evaluation.bad = sorted(bad, key=lambda b: b["row"])
    evaluation.posts = posts
    if not posts and not bad:
        evaluation.problems = [problem("no_rows")]
    return evaluation


def _unique(problems: list[dict]) -> list[dict]:
    out = []
    for p in problems:
        if p not in out:
            out.append(p)
    return out


def _stored_for_other_accounts(account: Account, ids: list[str]) -> set[str]:
    """Return the ids already stored as items of another account (a wrong account chosen?)."""
    found: set[str] = set()
    for i in range(0, len(ids), 900):  # SQLite's bound-parameter limit
        found.update(Item.objects.filter(platform=account.platform, external_id__in=ids[i : i + 900])
                     .exclude(account=None).exclude(account=account).values_list("external_id", flat=True))
    return found


def _report(record: ExportImport, evaluation: Evaluation) -> dict:
    table = evaluation.table
    mapped = set(record.mapping.values())
    notes = list(record.report.get("fixed_notes", []))
    conversion = evaluation.conversion
    if conversion and conversion.skipped_total_rows:
        notes.append(problem("total_rows_skipped", count=conversion.skipped_total_rows))
    unused = [h for h in table.headers if h and h not in mapped]
    if unused and not evaluation.problems:
        notes.append(problem("unused_columns", columns=", ".join(unused)))
    rows = conversion.total_rows if conversion else len(table.rows)
    keep = {k: record.report[k] for k in ("options", "blocking", "fixed_notes", "language") if k in record.report}
    return keep | {
        "file": {"kind": table.kind, "encoding": table.encoding, "delimiter": table.delimiter,
                 "header_row": table.header_row, "headers": table.headers},
        "problems": evaluation.problems,
        "notes": notes,
        "counts": {"rows": rows, "valid": len(evaluation.posts), "bad": len(evaluation.bad),
                   "total_rows_skipped": conversion.skipped_total_rows if conversion else 0},
        "bad_rows": evaluation.bad[:MAX_LISTED_BAD],
        "preview": [_preview(p) for p in evaluation.posts[:PREVIEW_ROWS]],
    }


def _preview(post: Post) -> dict:
    return {"row": post.row, "external_id": post.external_id, "created_at": post.created_at.isoformat(),
            "text": post.text[:280], "title": post.title[:200], "url": post.url, "extra": post.extra,
            "metrics": post.values}


# --- applying -----------------------------------------------------------------------------


def export_import_apply(*, actor, record: ExportImport, skip_invalid: bool = False) -> ExportImport:
    """Apply a previewed import: now when small, else queue it; return the record as it stands.

    Refused (``ValidationError``, nothing changes) when the mapping is unusable, when some
    rows are bad and ``skip_invalid`` is false, or when the import is already applied or
    in progress. With ``skip_invalid`` the valid rows are applied and the skipped ones are
    listed in the report. Preconditions: the caller checked ``export.import`` on the unit.
    """
    if record.status not in (Status.PREVIEW, Status.FAILED):
        raise ValidationError(_("Impor ini sudah diterapkan atau sedang diproses."))
    evaluation = _evaluate(record)
    refusal = _refusal(evaluation, skip_invalid=skip_invalid)
    if refusal:
        raise ValidationError([mapping_module.describe(p) for p in refusal])
    report = dict(record.report) | {"skip_invalid": skip_invalid, "phase": "queued", "error": [],
                                    "applied_by": getattr(actor, "pk", None)}
    claimed = ExportImport.objects.filter(pk=record.pk, status__in=[Status.PREVIEW, Status.FAILED]).update(
        status=Status.APPLYING, report=report)
    if not claimed:
        raise ValidationError(_("Impor ini sudah diterapkan atau sedang diproses."))
    _progress_clear(record)
    if len(evaluation.posts) > SYNC_MAX_ROWS:
        from warta.ingest.tasks import export_import_apply_task  # tasks import this module

        transaction.on_commit(partial(export_import_apply_task.enqueue, record.pk))
    else:
        export_import_run(import_id=record.pk, reraise=False)
    record.refresh_from_db()
    return record


def _refusal(evaluation: Evaluation, *, skip_invalid: bool) -> list[dict]:
    if evaluation.problems:
        return evaluation.problems
    if evaluation.bad and not skip_invalid:
        return [problem("has_bad_rows", count=len(evaluation.bad))]
    if not evaluation.posts:
        return [problem("nothing_valid")]
    return []


def export_import_run(*, import_id: int, reraise: bool = True) -> str:
    """Apply a queued import in one transaction; return the status it ended with.

    Safe to run twice: the run that finds the record still queued (under a row lock)
    applies it, any other skips. The applier's authority is checked again and the file
    is read and checked again against the data as it is now.
    """
    record = (ExportImport.objects.select_related("account", "account__unit", "unit", "created_by")
              .filter(pk=import_id).first())
    if record is None or record.status != Status.APPLYING or record.report.get("phase") != "queued":
        logger.info("Export import %s is not queued any more; skipped", import_id)
        return "skipped"
    actor = _applier(record)
    language = getattr(actor, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        if not _may_apply(actor, record):
            _fail(record, actor, [problem("lost_permission", unit=record.unit.name)])
            return str(Status.FAILED)
        if record.account.archived_at is not None:
            _fail(record, actor, [problem("account_archived")])
            return str(Status.FAILED)
        try:
            with transaction.atomic():
                locked = ExportImport.objects.select_for_update().filter(pk=import_id, status=Status.APPLYING).first()
                if locked is None or locked.report.get("phase") != "queued":
                    return "skipped"
                locked.account, locked.unit = record.account, record.unit
                summary = _write(locked, progress=export_progress_reporter(record=locked))
                locked.status = Status.DONE
                locked.applied_at = timezone.now()
                locked.report = locked.report | {"phase": "done", "applied": summary, "error": []}
                locked.save(update_fields=["status", "applied_at", "report"])
                audit_record(actor=actor, unit=record.unit, action="export.apply", target=locked,
                             target_label=locked.filename, changes={
                                 "account": str(record.account.uuid), "sha256": locked.sha256, "format": locked.format,
                                 "stored": summary["stored"], "already_stored": summary["already_stored"],
                                 "snapshots": summary["snapshots"], "skipped_rows": len(summary["skipped_rows"]),
                                 "observed_at": locked.report["options"]["observed_at"]})
        except ExportApplyError as exc:
            _fail(record, actor, exc.problems)
            return str(Status.FAILED)
        except Exception:
            logger.exception("Export import %s failed", import_id)
            _fail(record, actor, [problem("apply_failed")])
            if reraise:
                raise
            return str(Status.FAILED)
    return str(Status.DONE)


def _write(record: ExportImport, *, progress: Progress | None) -> dict:
    evaluation = _evaluate(record)
    refusal = _refusal(evaluation, skip_invalid=bool(record.report.get("skip_invalid")))
    if refusal:
        raise ExportApplyError(refusal)
    account = record.account
    observed_at = parse_datetime(record.report["options"]["observed_at"])
    reference = account.external_id or account.handle
    posts = evaluation.posts
    existing = _already_stored(account.platform, [p.external_id for p in posts])
    stored = already = snapshots = 0
    total = len(posts)
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH):
        batch = posts[start : start + BATCH]
        new = [p for p in batch if p.external_id not in existing]
        if new:
            result = ingest_services.items_ingest(
                items=[_item(p, account=account, reference=reference, record=record) for p in new],
                source="file", account=account)
            if result.quarantined:
                index, reason = result.quarantined[0]
                raise ExportApplyError([problem("rejected", row=new[index].row, reason=reason)])
            stored += result.stored
            already += result.duplicates
        already += len(batch) - len(new)
        metrics = [PostMetrics(external_id=p.external_id, observed_at=observed_at, values=p.values)
                   for p in batch if p.values]
        if metrics:
            snapshots += ingest_services.metrics_record(account=account, post_metrics=metrics)
        if progress:
            progress(min(start + BATCH, total), total)
    return {"stored": stored, "already_stored": already, "snapshots": snapshots,
            "skipped_rows": [b["row"] for b in evaluation.bad]}


def _item(post: Post, *, account: Account, reference: str, record: ExportImport) -> InboundItem:
    return InboundItem(
        platform=account.platform, external_id=post.external_id, kind=ItemKind.POST.value, text=post.text,
        created_at=post.created_at, url=post.url, account_external_id=reference, title=post.title,
        metrics=dict(post.metrics), extra=dict(post.extra) | {"export_import": str(record.uuid),
                                                              "export_format": record.format},
    )


def _already_stored(platform: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(ids), 900):
        found.update(Item.objects.filter(platform=platform, external_id__in=ids[i : i + 900])
                     .values_list("external_id", flat=True))
    return found


def _applier(record: ExportImport):
    from django.contrib.auth import get_user_model

    user_id = record.report.get("applied_by")
    if user_id is None:
        return record.created_by
    return get_user_model().objects.filter(pk=user_id).first()


def _may_apply(actor, record: ExportImport) -> bool:
    """Return whether the applier still holds ``export.import`` on the record's unit."""
    from warta.organisations.scope import scope_for_unit

    if actor is None or not actor.is_active:
        return False
    try:
        scope = scope_for_unit(user=actor, unit=record.unit)
    except Http404:
        return False
    return scope.can("export.import")


def _fail(record: ExportImport, actor, problems: list[dict]) -> None:
    """Record why an import failed (outside the rolled-back transaction)."""
    with transaction.atomic():
        current = ExportImport.objects.filter(pk=record.pk).values_list("report", flat=True).first() or {}
        ExportImport.objects.filter(pk=record.pk).update(
            status=Status.FAILED, report=current | {"phase": "failed", "error": problems})
        audit_record(actor=actor, unit=record.unit, action="export.apply_failed", target=record,
                     target_label=record.filename, changes={"reasons": [p["code"] for p in problems]})


# --- progress -----------------------------------------------------------------------------


def _progress_key(record: ExportImport) -> str:
    return f"ingest:export-import-progress:{record.uuid}"


def _progress_clear(record: ExportImport) -> None:
    progress_clear(_progress_key(record))


def export_progress_reporter(*, record: ExportImport) -> Progress | None:
    return progress_reporter(_progress_key(record))


def export_import_progress(*, record: ExportImport) -> tuple[int, int] | None:
    """Return (posts done, posts in all) of an applying import, when known."""
    if record.status != Status.APPLYING:
        return None
    return progress_read(_progress_key(record))


# --- reads (take the acting scope) --------------------------------------------------------


def export_accounts(*, scope):
    """Accounts in the scope's subtree that an export can be imported for."""
    return Account.objects.for_scope(scope).active().select_related("unit").order_by("unit__path", "platform", "handle")


def export_account_get(*, scope, account_uuid) -> Account:
    account = export_accounts(scope=scope).filter(uuid=account_uuid).first()
    if account is None:
        raise Http404
    return account


def export_import_list(*, scope):
    """Imports for units in the scope's subtree, newest first (the file content left out)."""
    return (ExportImport.objects.filter(unit__path__startswith=scope.unit.path)
            .select_related("account", "unit", "created_by").defer("content").order_by("-created_at", "-pk"))


def export_import_get(*, scope, import_uuid) -> ExportImport:
    record = export_import_list(scope=scope).filter(uuid=import_uuid).first()
    if record is None:
        raise Http404
    return record
