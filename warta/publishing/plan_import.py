"""Importing a month's plan (ADR 0024): one CSV or XLSX row per planned post, all or nothing.

The file is read by the ingest app's reader (``warta.ingest.exports.reader.read_table``): its
type comes from its bytes (XLSX by its zip signature, CSV as UTF-8 with or without BOM, or
Windows-1252; ``,`` ``;`` tab or ``|`` found from the text). Columns (header names, any case,
Indonesian or English):

==========  ========================================================================
tanggal     the day, ``2026-12-01``, ``01/12/2026`` or ``01-12-2026`` (or a date cell)
jam         the local time of the unit, ``09:00`` or ``09.00`` (empty: 09:00)
judul       the internal title (required)
platform    one or more of facebook, instagram, x, youtube, tiktok, telegram (``,`` ``;`` ``/``)
teks        the text, the same for every platform of the row; checked against each limit
pilar       the name of a content pillar available to the unit (optional)
kampanye    the name of a campaign available to the unit (optional)
akun        handles of the unit's official accounts, e.g. ``@humasbogor`` (optional)
==========  ========================================================================

``plan_evaluate`` checks every row and reports each problem with its row number (as a
spreadsheet shows it) in Indonesian; ``plan_import_apply`` creates one draft per row with its
variants (the composer's ``post_create``) and its planned time, in one transaction, and only
when no row has a problem. Uploads wait in the default storage under a token between the
preview and the apply; a plan bigger than ``sync_rows()`` is applied by
``plan_tasks.plan_import_apply_task`` with progress (``warta.core.progress``) and a status
file the page polls.

Every preview and apply is kept as a ``PlanImport`` row (the history, "Riwayat impor rencana"):
``plan_preview`` makes it (previewed, or failed when the file cannot be read at all),
``plan_import_start`` moves it to applied (with the UUIDs of the drafts it made, in the same
transaction as the drafts), applying (a big plan, in a task) or failed (with the problems;
nothing else changes). Each step is audited.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from warta.channels import limits
from warta.channels.models import Account
from warta.core.audit import audit_action_register, audit_record
from warta.core.progress import Progress, progress_clear, progress_read, progress_reporter
from warta.ingest.exports.reader import ExportFileError, read_table
from warta.organisations import tree
from warta.organisations.models import Unit
from warta.publishing.calendar import DEFAULT_TIME
from warta.publishing.models import PlanImport, Post

logger = logging.getLogger(__name__)

audit_action_register({
    "post.plan_preview": gettext_lazy("Rencana bulanan diperiksa (pratinjau impor)"),
    "post.plan_import_failed": gettext_lazy("Impor rencana bulanan gagal"),
})
SUMMARY_ROWS = 20  # the problems kept in a history row: enough to see what went wrong

MAX_ROWS = 2000
SYNC_ROWS = 200
TITLE_MAX = 200
COLUMNS = ("tanggal", "jam", "judul", "platform", "teks", "pilar", "kampanye", "akun")
ALIASES = {
    "tanggal": ("tanggal", "tgl", "date", "hari/tanggal"),
    "jam": ("jam", "waktu", "pukul", "time"),
    "judul": ("judul", "title", "judul internal"),
    "platform": ("platform", "platforms", "kanal"),
    "teks": ("teks", "text", "naskah", "isi", "caption"),
    "pilar": ("pilar", "pillar", "pilar konten"),
    "kampanye": ("kampanye", "campaign"),
    "akun": ("akun", "account", "accounts", "akun resmi"),
}
REQUIRED = ("tanggal", "judul", "platform", "teks")
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
PLATFORM_WORDS = {"twitter": "x", "fb": "facebook", "ig": "instagram", "yt": "youtube"}
EXAMPLE_ROWS = [
    ("2026-12-01", "09:00", "Layanan KTP keliling", "facebook, instagram",
     "Layanan KTP keliling hadir di Kecamatan Cibinong hari ini. #BogorMelayani", "Layanan publik", "", ""),
    ("2026-12-03", "15:30", "Hari Disabilitas Internasional", "x",
     "Selamat Hari Disabilitas Internasional. Layanan publik untuk semua. #HDI2026", "", "", ""),
]


class PlanFileError(ValidationError):
    """The upload cannot be read as a plan at all; nothing is stored."""


def max_rows() -> int:
    return int(getattr(settings, "WARTA_PLAN_IMPORT_MAX_ROWS", MAX_ROWS))


def sync_rows() -> int:
    return int(getattr(settings, "WARTA_PLAN_IMPORT_SYNC_ROWS", SYNC_ROWS))


# --- the month ---------------------------------------------------------------------------------


def month_parse(value) -> date:
    """``2026-12`` (or a date in it) → the first of that month; ValidationError otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    text = str(value or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-\d{1,2})?", text)
    if match and 1 <= int(match[2]) <= 12 and 2000 <= int(match[1]) <= 2100:
        return date(int(match[1]), int(match[2]), 1)
    raise ValidationError({"month": _("Pilih bulan rencana (mis. 2026-12).")})


def month_label(month: date) -> str:
    return date_format(month, "F Y")


# --- rows ----------------------------------------------------------------------------------------


@dataclass
class PlanRow:
    number: int
    day: date | None = None
    at: time | None = None
    title: str = ""
    platforms: list[str] = field(default_factory=list)
    text: str = ""
    pillar: object = None
    campaign: object = None
    accounts: list[Account] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    when: datetime | None = None  # UTC

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"row": self.number, "date": self.day, "time": self.at.strftime("%H:%M") if self.at else None,
                "title": self.title, "platforms": self.platforms, "text": self.text,
                "pillar": getattr(self.pillar, "name", None), "campaign": getattr(self.campaign, "name", None),
                "accounts": [a.handle for a in self.accounts], "errors": self.errors}


@dataclass
class Evaluation:
    month: date
    rows: list[PlanRow]
    headers: list[str]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def bad_rows(self) -> list[PlanRow]:
        return [r for r in self.rows if not r.ok]

    def problems(self) -> list[dict]:
        return [{"row": r.number, "errors": r.errors} for r in self.bad_rows]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").replace("\r\n", "\n").strip()


def _parse_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value)
    if " " in text:  # "2026-12-01 00:00:00" from a spreadsheet that kept the time
        text = text.split(" ", 1)[0]
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007  (a day, no time)
        except ValueError:
            continue
    return None


def _parse_time(value) -> time | None:
    if value in (None, ""):
        return DEFAULT_TIME
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time as a fraction of a day
        minutes = round(value * 24 * 60)
        return time(minutes // 60 % 24, minutes % 60)
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?", _cell_text(value))
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    return None


def _platforms(value) -> tuple[list[str], list[str]]:
    names = {name.lower(): code for code, name in limits.PLATFORM_NAMES.items()}
    found, unknown = [], []
    for word in re.split(r"[\s,;/|]+", _cell_text(value).lower()):
        if not word:
            continue
        code = word if word in limits.RULES else names.get(word) or PLATFORM_WORDS.get(word)
        if code is None or code not in limits.RULES:
            unknown.append(word)
        elif code not in found:
            found.append(code)
    return found, unknown


def _column_index(headers: list[str]) -> dict[str, int]:
    index = {}
    for i, header in enumerate(headers):
        key = header.lower().strip().strip("*").strip()
        for column, aliases in ALIASES.items():
            if key in aliases and column not in index:
                index[column] = i
    return index


class _Reach:
    """Pillars, campaigns and accounts a row may name, looked up once per file."""

    def __init__(self, unit: Unit):
        from warta.planning.selectors import campaigns_available, pillars_available

        self.pillars = {p.name.lower(): p for p in pillars_available(unit)}
        self.campaigns = {c.name.lower(): c for c in campaigns_available(unit)}
        self.accounts = {a.handle.lower().lstrip("@"): a
                         for a in Account.objects.active().filter(unit__path__startswith=unit.path)}


def _row(number: int, cells: list, index: dict[str, int], *, unit: Unit, month: date, reach: _Reach,
         now: datetime) -> PlanRow:
    def cell(column):
        return cells[index[column]] if column in index else None

    row = PlanRow(number=number)
    raw_date = cell("tanggal")
    row.day = _parse_date(raw_date)
    if row.day is None:
        row.errors.append(_("Tanggal “%(value)s” tidak dapat dibaca; tulis seperti 2026-12-01 atau 01/12/2026.")
                          % {"value": _cell_text(raw_date)} if _cell_text(raw_date) else _("Tanggal wajib diisi."))
    elif (row.day.year, row.day.month) != (month.year, month.month):
        row.errors.append(_("Tanggal %(day)s di luar bulan rencana (%(month)s).")
                          % {"day": row.day.strftime("%d-%m-%Y"), "month": month_label(month)})
    row.at = _parse_time(cell("jam"))
    if row.at is None:
        row.errors.append(_("Jam “%(value)s” tidak dapat dibaca; tulis seperti 09:00.") % {"value": _cell_text(cell("jam"))})
    in_month = row.day is not None and (row.day.year, row.day.month) == (month.year, month.month)
    if in_month and row.at is not None:
        row.when = datetime.combine(row.day, row.at, tzinfo=unit.zone).astimezone(now.tzinfo)
        if row.when <= now:
            row.errors.append(_("Waktu rencana %(day)s %(time)s sudah lewat.")
                              % {"day": row.day.strftime("%d-%m-%Y"), "time": row.at.strftime("%H:%M")})
    row.title = _cell_text(cell("judul"))
    if not row.title:
        row.errors.append(_("Judul wajib diisi."))
    elif len(row.title) > TITLE_MAX:
        row.errors.append(_("Judul paling banyak %(n)s karakter.") % {"n": TITLE_MAX})
    row.platforms, unknown = _platforms(cell("platform"))
    if unknown:
        row.errors.append(_("Platform tidak dikenal: %(names)s. Pilihan: %(choices)s.") % {
            "names": ", ".join(unknown), "choices": ", ".join(p for p in limits.RULES if p != "sandbox")})
    elif not row.platforms:
        row.errors.append(_("Isi kolom platform (mis. facebook, instagram)."))
    row.text = _cell_text(cell("teks"))
    if not row.text:
        row.errors.append(_("Teks wajib diisi."))
    for platform in row.platforms:
        row.errors += [_("%(platform)s: %(problem)s") % {"platform": limits.PLATFORM_NAMES.get(platform, platform),
                                                         "problem": p}
                       for p in limits.text_problems(platform, row.text)]
    pillar = _cell_text(cell("pilar"))
    if pillar:
        row.pillar = reach.pillars.get(pillar.lower())
        if row.pillar is None:
            row.errors.append(_("Pilar “%(name)s” tidak ada di unit ini atau unit di atasnya.") % {"name": pillar})
    campaign = _cell_text(cell("kampanye"))
    if campaign:
        row.campaign = reach.campaigns.get(campaign.lower())
        if row.campaign is None:
            row.errors.append(_("Kampanye “%(name)s” tidak ada di unit ini atau unit di atasnya.") % {"name": campaign})
    for handle in re.split(r"[\s,;]+", _cell_text(cell("akun"))):
        if not handle:
            continue
        account = reach.accounts.get(handle.lower().lstrip("@"))
        if account is None:
            row.errors.append(_("Akun %(handle)s bukan akun resmi unit ini atau unit di bawahnya.") % {"handle": handle})
        elif account.platform not in row.platforms:
            row.errors.append(_("Akun %(handle)s ada di %(platform)s, yang tidak dipilih pada baris ini.")
                              % {"handle": account.handle, "platform": account.get_platform_display()})
        elif account not in row.accounts:
            row.accounts.append(account)
    return row


def plan_evaluate(*, unit: Unit, content: bytes, month, now=None) -> Evaluation:
    """Read ``content`` (CSV or XLSX) and check every row for the plan of ``month`` of ``unit``.

    Raises :class:`PlanFileError` (or ValidationError for the month) when the file cannot be
    read as a plan at all; row problems are in the returned rows.
    """
    month = month_parse(month)
    try:
        table = read_table(content)
    except ExportFileError as error:
        raise PlanFileError({"file": error.messages}) from None
    index = _column_index(table.headers)
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        raise PlanFileError({"file": [_("Kolom wajib tidak ada: %(columns)s. Unduh contoh templat untuk melihat "
                                        "susunan kolomnya.") % {"columns": ", ".join(missing)}]})
    rows = [(n, cells) for n, cells in table.rows if any(_cell_text(c) for c in cells)]
    if not rows:
        raise PlanFileError({"file": [_("Berkas tidak berisi baris rencana.")]})
    if len(rows) > max_rows():
        raise PlanFileError({"file": [_("Paling banyak %(n)s baris per impor.") % {"n": max_rows()}]})
    reach = _Reach(unit)
    now = now or timezone.now()  # tests give a fixed moment
    out = [_row(n, cells, index, unit=unit, month=month, reach=reach, now=now) for n, cells in rows]
    seen: dict[tuple, int] = {}
    for row in out:
        if row.when is None or not row.title:
            continue
        key = (row.when, row.title.lower())
        if key in seen:
            row.errors.append(_("Baris ganda: judul dan waktunya sama dengan baris %(n)s.") % {"n": seen[key]})
        else:
            seen[key] = row.number
    existing = set(Post.objects.filter(unit=unit, archived_at__isnull=True, scheduled_at__in=[k[0] for k in seen])
                   .values_list("scheduled_at", "title"))
    existing = {(at, title.lower()) for at, title in existing}
    for row in out:
        if row.when is not None and (row.when, row.title.lower()) in existing and row.ok:
            row.errors.append(_("Konten “%(title)s” pada waktu ini sudah ada di unit ini.") % {"title": row.title})
    return Evaluation(month=month, rows=out, headers=table.headers)


# --- applying ------------------------------------------------------------------------------------


def _notes(row: PlanRow) -> str:
    if not row.accounts:
        return ""
    return _("Akun rencana: %(handles)s") % {"handles": ", ".join(a.handle for a in row.accounts)}


def plan_import_apply(*, actor, unit: Unit, evaluation: Evaluation, progress: Progress | None = None,
                      record: PlanImport | None = None) -> list[Post]:
    """Create one draft per row (variants, planned time), all in one transaction; refuse the
    whole plan (ValidationError listing the rows) when any row has a problem. ``record``, the
    import's history row, is marked applied (with the drafts) in the same transaction."""
    from warta.publishing.services import post_create

    if not evaluation.ok:
        raise ValidationError({"rows": [_("Baris %(n)s: %(errors)s") % {"n": r.number, "errors": " ".join(r.errors)}
                                        for r in evaluation.bad_rows] or [_("Berkas tidak berisi baris rencana.")]})
    total = len(evaluation.rows)
    posts = []
    with transaction.atomic():
        # One import of a unit at a time, and the duplicate check again under that lock: two
        # requests (a double click, a replayed apply, two queued tasks) that both evaluated the
        # plan before either applied it must not both create its drafts.
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        existing = set(Post.objects.filter(unit=unit, archived_at__isnull=True,
                                           scheduled_at__in=[r.when for r in evaluation.rows if r.when])
                       .values_list("scheduled_at", "title"))
        existing = {(at, title.lower()) for at, title in existing}
        taken = [r for r in evaluation.rows if (r.when, r.title.lower()) in existing]
        if taken:
            raise ValidationError({"rows": [_("Baris %(n)s: Konten “%(title)s” pada waktu ini sudah ada di unit ini.")
                                            % {"n": r.number, "title": r.title} for r in taken]})
        for i, row in enumerate(evaluation.rows, start=1):
            try:
                post = post_create(actor=actor, unit=unit, title=row.title,
                                   variants={p: {"text": row.text} for p in row.platforms}, notes=_notes(row),
                                   campaign=row.campaign, pillar=row.pillar)
            except ValidationError as error:
                raise ValidationError({"rows": [_("Baris %(n)s: %(errors)s") % {
                    "n": row.number, "errors": " ".join(error.messages)}]}) from None
            Post.objects.filter(pk=post.pk).update(scheduled_at=row.when)
            post.scheduled_at = row.when
            posts.append(post)
            if progress and (i % 20 == 0 or i == total):
                progress(i, total)
        changes = {"month": evaluation.month.strftime("%Y-%m"), "posts": len(posts)}
        if record is not None:
            record.state, record.applied_by, record.applied_at = PlanImport.State.APPLIED, actor, timezone.now()
            record.month, record.rows_total, record.rows_created = evaluation.month, total, len(posts)
            record.errors_count, record.error_summary = 0, ""
            record.posts = [str(p.uuid) for p in posts]
            record.save()
            changes["import"] = str(record.uuid)
        audit_record(actor=actor, unit=unit, action="post.plan_import", target=unit, changes=changes)
    return posts


# --- uploads between preview and apply -----------------------------------------------------------


def _path(unit: Unit, token, suffix: str) -> str:
    return f"plan-imports/{unit.uuid}/{uuid.UUID(str(token))}.{suffix}"


def plan_upload_store(*, unit: Unit, content: bytes) -> str:
    """Keep an upload until it is applied; return its token."""
    token = str(uuid.uuid4())
    default_storage.save(_path(unit, token, "bin"), ContentFile(content))
    return token


def plan_upload_read(*, unit: Unit, token) -> bytes:
    try:
        path = _path(unit, token, "bin")
    except (ValueError, TypeError):
        path = None
    if path is None or not default_storage.exists(path):
        raise ValidationError({"token": _("Berkas rencana tidak ditemukan lagi. Unggah ulang berkasnya.")})
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def plan_upload_delete(*, unit: Unit, token) -> None:
    for suffix in ("bin",):
        path = _path(unit, token, suffix)
        if default_storage.exists(path):
            default_storage.delete(path)


def plan_status_write(*, unit: Unit, token, status: dict) -> None:
    path = _path(unit, token, "json")
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(status, default=str).encode()))


def plan_status_read(*, unit: Unit, token) -> dict | None:
    """The state of a queued import: {"state": queued|running|done|failed, ...}; None if unknown."""
    try:
        path = _path(unit, token, "json")
    except (ValueError, TypeError):
        return None
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as handle:
        status = json.loads(handle.read() or b"{}")
    if status.get("state") in ("queued", "running"):
        status["progress"] = progress_read(_progress_key(token))
    return status


def plan_uploads_cleanup(*, older_than) -> int:
    """Delete stored uploads and status files older than ``older_than`` (a timedelta); the count."""
    cutoff = timezone.now() - older_than
    removed = 0
    try:
        units, _files = default_storage.listdir("plan-imports")
    except FileNotFoundError:
        return 0
    for unit_dir in units:
        _dirs, files = default_storage.listdir(f"plan-imports/{unit_dir}")
        for name in files:
            path = f"plan-imports/{unit_dir}/{name}"
            try:
                modified = default_storage.get_modified_time(path)
            except (OSError, NotImplementedError):
                continue
            if modified < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed


def _progress_key(token) -> str:
    return f"publishing:plan-import-progress:{token}"


def _file_type(content: bytes) -> str:
    return PlanImport.FileType.XLSX if content[:4] == b"PK\x03\x04" else PlanImport.FileType.CSV


def _summary(messages: list[str]) -> str:
    lines = [str(m) for m in messages[:SUMMARY_ROWS]]
    if len(messages) > SUMMARY_ROWS:
        lines.append(_("… dan %(n)s masalah lain.") % {"n": len(messages) - SUMMARY_ROWS})
    return "\n".join(lines)


def _row_problems(evaluation: Evaluation) -> list[str]:
    return [_("Baris %(n)s: %(errors)s") % {"n": r.number, "errors": " ".join(r.errors)} for r in evaluation.bad_rows]


def plan_preview(*, actor, unit: Unit, content: bytes, month, file_name: str = "",
                 now=None) -> tuple[Evaluation, PlanImport]:
    """Check an upload as the plan of ``month`` and keep it in the history.

    When every row is right the upload is stored for the apply (``record.token``). Raises
    ValidationError for a month that cannot be read (nothing recorded) and PlanFileError when
    the file cannot be read as a plan (recorded as failed, with the reason). Audited.
    """
    month = month_parse(month)
    record = PlanImport(unit=unit, created_by=actor, file_name=str(file_name or "")[:255],
                        file_type=_file_type(content), month=month)
    try:
        evaluation = plan_evaluate(unit=unit, content=content, month=month, now=now)
    except PlanFileError as error:
        record.state, record.error_summary, record.errors_count = (PlanImport.State.FAILED,
                                                                   _summary(error.messages), len(error.messages))
        with transaction.atomic():
            record.save()
            audit_record(actor=actor, unit=unit, action="post.plan_preview", target=record, changes={
                "month": month.strftime("%Y-%m"), "file": record.file_name, "readable": False})
        raise
    problems = _row_problems(evaluation)
    record.rows_total, record.errors_count, record.error_summary = len(evaluation.rows), len(problems), _summary(problems)
    if evaluation.ok:
        record.token = uuid.UUID(plan_upload_store(unit=unit, content=content))
    with transaction.atomic():
        record.save()
        audit_record(actor=actor, unit=unit, action="post.plan_preview", target=record, changes={
            "month": month.strftime("%Y-%m"), "file": record.file_name, "rows": record.rows_total,
            "bad_rows": record.errors_count})
    return evaluation, record


def _record_for(*, actor, unit: Unit, token, month) -> PlanImport | None:
    """The history row of the upload ``token`` of ``unit``; a new one when its preview was not
    recorded (made before the history existed); None when neither token nor month can be read."""
    try:
        key = uuid.UUID(str(token))
    except (ValueError, TypeError):
        key = None
    record = PlanImport.objects.filter(unit=unit, token=key).first() if key else None
    if record is not None:
        return record
    try:
        month = month_parse(month)
    except ValidationError:
        return None
    # The token is set once its upload is found (``_token_claim``): a forged one never reaches a row.
    return PlanImport(unit=unit, created_by=actor, month=month)


def _token_claim(record: PlanImport | None, token) -> None:
    if record is not None and record.token is None:
        record.token = uuid.UUID(str(token))


def plan_import_failed(*, actor, unit: Unit, record: PlanImport | None, error: ValidationError) -> None:
    """Mark an import failed with its problems (an import already applied is left as it is)."""
    if record is None:
        return
    messages = error.messages
    with transaction.atomic():
        if record.pk is not None:
            locked = PlanImport.objects.select_for_update().get(pk=record.pk)
            if locked.state == PlanImport.State.APPLIED:
                return  # a second apply of the same plan was refused: the first one stands
            record = locked
        record.state, record.errors_count, record.error_summary = (PlanImport.State.FAILED, len(messages),
                                                                   _summary(messages))
        record.rows_created, record.posts = 0, []
        record.save()
        audit_record(actor=actor, unit=unit, action="post.plan_import_failed", target=record, changes={
            "month": record.month.strftime("%Y-%m"), "problems": len(messages)})


def plan_import_start(*, actor, unit: Unit, token, month) -> tuple[str, list[Post]]:
    """Apply the stored upload ``token`` as the plan of ``month``: now (returns ("done", posts)),
    or, for a big plan, as a task (returns ("queued", [])). Refuses (ValidationError) when any
    row has a problem; nothing is created then, and the import's history row says failed."""
    record = _record_for(actor=actor, unit=unit, token=token, month=month)
    try:
        content = plan_upload_read(unit=unit, token=token)
        _token_claim(record, token)
        evaluation = plan_evaluate(unit=unit, content=content, month=month)
        if not evaluation.ok:
            plan_import_apply(actor=actor, unit=unit, evaluation=evaluation)  # raises with the rows
        if len(evaluation.rows) <= sync_rows():
            posts = plan_import_apply(actor=actor, unit=unit, evaluation=evaluation, record=record)
            plan_upload_delete(unit=unit, token=token)
            return "done", posts
    except ValidationError as error:
        plan_import_failed(actor=actor, unit=unit, record=record, error=error)
        raise
    from warta.publishing.plan_tasks import plan_import_apply_task

    record.state, record.applied_by, record.month = PlanImport.State.APPLYING, actor, evaluation.month
    record.rows_total = len(evaluation.rows)
    record.save()
    plan_status_write(unit=unit, token=token, status={"state": "queued", "month": evaluation.month.isoformat(),
                                                      "rows": len(evaluation.rows)})
    progress_clear(_progress_key(token))
    plan_import_apply_task.enqueue(unit.pk, getattr(actor, "pk", None), str(token), evaluation.month.isoformat())
    return "queued", []


def plan_import_run(*, unit_id: int, actor_id: int | None, token: str, month: str) -> str:
    """The task's body: check again, apply all or nothing with progress; record the outcome."""
    from django.contrib.auth import get_user_model

    unit = Unit.objects.get(pk=unit_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    status = plan_status_read(unit=unit, token=token) or {}
    if status.get("state") not in ("queued", None):
        return status.get("state", "")
    plan_status_write(unit=unit, token=token, status={**status, "state": "running", "progress": None})
    record = _record_for(actor=actor, unit=unit, token=token, month=month)
    try:
        content = plan_upload_read(unit=unit, token=token)
        _token_claim(record, token)
        evaluation = plan_evaluate(unit=unit, content=content, month=month)
        posts = plan_import_apply(actor=actor, unit=unit, evaluation=evaluation,
                                  progress=progress_reporter(_progress_key(token)), record=record)
    except ValidationError as error:
        plan_import_failed(actor=actor, unit=unit, record=record, error=error)
        plan_status_write(unit=unit, token=token, status={"state": "failed", "errors": error.messages,
                                                          "month": month})
        return "failed"
    plan_status_write(unit=unit, token=token, status={"state": "done", "created": len(posts), "month": month,
                                                      "posts": [str(p.uuid) for p in posts[:20]]})
    plan_upload_delete(unit=unit, token=token)
    progress_clear(_progress_key(token))
    return "done"


# --- the history -----------------------------------------------------------------------------------


def plan_import_list(*, scope):
    """The imports of the scope's unit and every unit below it, newest first."""
    unit = scope.unit
    return (PlanImport.objects.filter(unit__path__gte=unit.path, unit__path__lt=tree.upper_bound(unit.path))
            .select_related("unit", "created_by", "applied_by").order_by("-created_at", "-pk"))


def plan_import_get(*, scope, import_uuid) -> PlanImport:
    """One import inside the scope's subtree; Http404 otherwise."""
    row = plan_import_list(scope=scope).filter(uuid=import_uuid).first()
    if row is None:
        raise Http404
    return row


def plan_import_posts(*, scope, record: PlanImport) -> list[Post]:
    """The drafts an applied import made that still exist, read through the scope, in plan order."""
    if not record.posts:
        return []
    return list(Post.objects.for_scope(scope).filter(uuid__in=record.posts).select_related("unit")
                .order_by("scheduled_at", "pk"))


# --- the example file ----------------------------------------------------------------------------


def example_csv() -> bytes:
    """The example template: UTF-8 with BOM (Excel opens it right), comma-separated."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
