"""The official list of regions (CSV: code, name, kind) into units.

Planning reads and checks every row without writing; applying re-plans inside one
transaction and writes nothing unless every row is valid. Units are matched by region
code; a row's parent is the unit whose code is the row's code less its last segment
(an optional ``parent_code`` column must agree), found in the file or among existing
units; a row whose parent is nowhere is placed directly under the unit the import is done
for. Existing units are renamed or re-kinded, never moved.
"""

import csv
import hashlib
import io
import logging
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from warta.core.audit import audit_record
from warta.core.progress import Progress, progress_clear, progress_read, progress_reporter
from warta.organisations import tree
from warta.organisations.models import RegionImport, TimeZoneName, Unit, UnitKind

logger = logging.getLogger(__name__)

# ASCII digits only: ``\d`` would also accept Arabic-Indic and other Unicode digits.
CODE_RE = re.compile(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$")
HEADER_ALIASES = {
    "code": "code", "kode": "code", "kode_wilayah": "code",
    "name": "name", "nama": "name",
    "kind": "kind", "jenis": "kind",
    "parent_code": "parent_code", "kode_induk": "parent_code",
}
# Kinds by value, by value with spaces, and common abbreviations; labels in the user's
# language are looked up too (see ``_kind_from``).
KIND_BY_LABEL = (
    {v: v for v in UnitKind.values}
    | {v.replace("_", " "): v for v in UnitKind.values}
    | {"prov": UnitKind.PROVINSI, "prov.": UnitKind.PROVINSI, "kab": UnitKind.KABUPATEN,
       "kab.": UnitKind.KABUPATEN, "kabupaten administrasi": UnitKind.KABUPATEN,
       "kota administrasi": UnitKind.KOTA, "kec": UnitKind.KECAMATAN, "kec.": UnitKind.KECAMATAN,
       "kel": UnitKind.KELURAHAN, "kel.": UnitKind.KELURAHAN, "desa adat": UnitKind.DESA}
)
# The kinds a code of each level (number of segments) may have.
KINDS_BY_LEVEL = {
    1: (UnitKind.PROVINSI,),
    2: (UnitKind.KABUPATEN, UnitKind.KOTA),
    3: (UnitKind.KECAMATAN,),
    4: (UnitKind.DESA, UnitKind.KELURAHAN),
}
# Province code → time zone (Permendagri zones; everything else is WIB).
WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
BATCH = 2000
LOOKUP_CHUNK = 900  # stays under SQLite's 999 bound parameters per query
SCAN_ABOVE = 5000  # codes to look up beyond which reading every coded unit is cheaper
MAX_LISTED_ERRORS = 50



class ExistingUnit(NamedTuple):
    pk: int
    region_code: str
    path: str
    name: str
    kind: str
    archived: bool


@dataclass
class PlannedRow:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    action: str = "create"  # create | update | unchanged | error
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    file_errors: list[str]
    # Units matched by the file's codes and parent codes, as read when planning.
    existing: dict[str, ExistingUnit] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors and bool(self.rows)

    def summary(self) -> dict:
        counts: dict[str, int] = defaultdict(int)
        for r in self.rows:
            counts[r.action] += 1
        return {"rows": len(self.rows), "create": counts["create"], "update": counts["update"],
                "unchanged": counts["unchanged"], "errors": counts["error"], "file_errors": self.file_errors}

    def messages(self, limit: int = MAX_LISTED_ERRORS) -> list[str]:
        """Return the file errors and the first ``limit`` row errors as sentences."""
        errors = self.errors
        out = list(self.file_errors)
        out += [_("Baris %(line)d (%(code)s): %(errors)s") % {"line": r.line, "code": r.code or "—", "errors": " ".join(r.errors)}
                for r in errors[:limit]]
        if len(errors) > limit:
            out.append(_("… dan %(n)d baris lain bermasalah.") % {"n": len(errors) - limit})
        return out


def level_of(code: str) -> int:
    return code.count(".") + 1


def infer_kind(code: str, name: str) -> str:
    """Return the kind a region code implies; kota/kabupaten and kelurahan/desa by code."""
    level = level_of(code)
    last = code.rsplit(".", 1)[-1]
    if level == 1:
        return UnitKind.PROVINSI
    if level == 2:
        lowered = name.lower()
        if lowered.startswith("kota "):
            return UnitKind.KOTA
        if lowered.startswith("kabupaten "):
            return UnitKind.KABUPATEN
        return UnitKind.KOTA if int(last) >= 71 else UnitKind.KABUPATEN  # 01–69 kabupaten, 71–99 kota
    if level == 3:
        return UnitKind.KECAMATAN
    return UnitKind.KELURAHAN if last.startswith("1") else UnitKind.DESA  # 1xxx kelurahan, 2xxx desa


def zone_for_code(code: str) -> str:
    """Return the time zone of the province a region code belongs to."""
    province = code[:2]
    if province in WITA_PROVINCES:
        return TimeZoneName.WITA
    if province in WIT_PROVINCES:
        return TimeZoneName.WIT
    return TimeZoneName.WIB


def decode(content: bytes) -> str:
    """Decode an upload as UTF-8 (with or without BOM); refuse anything else clearly."""
    if len(content) > settings.WARTA_MAX_IMPORT_BYTES:
        raise ValidationError(_("Berkas terlalu besar; paling besar %(max)s.") % {
            "max": filesizeformat(settings.WARTA_MAX_IMPORT_BYTES)})
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(_("Berkas berenkode UTF-16. Simpan ulang sebagai \"CSV UTF-8\"."))
    if b"\x00" in content:
        raise ValidationError(_("Berkas ini bukan CSV teks. Simpan daftar wilayah sebagai CSV (UTF-8)."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Berkas harus berenkode UTF-8. Simpan ulang sebagai \"CSV UTF-8\".")) from exc


def _clean(value: str) -> str:
    """Trim and collapse whitespace (line breaks and tabs included)."""
    return " ".join(value.split())


def _columns(header: list[str]) -> list[str | None]:
    return [HEADER_ALIASES.get(_clean(h).lower().replace(" ", "_")) for h in header]


def _kind_from(raw: str) -> str | None:
    lowered = raw.lower()
    kind = KIND_BY_LABEL.get(lowered)
    if kind is None:
        kind = {str(label).lower(): value for value, label in UnitKind.choices}.get(lowered)
    return kind


def _reader(text: str):
    """Return a CSV reader whose delimiter (comma, semicolon or tab) is the one the header uses."""
    lines = text[:4096].splitlines()
    first = lines[0] if lines else ""
    best = ","
    for delimiter in (",", ";", "\t"):
        columns = _columns(next(csv.reader([first], delimiter=delimiter), []))
        if "code" in columns and "name" in columns:
            best = delimiter
            break
    else:
        best = max((",", ";", "\t"), key=first.count) if first else ","
    return csv.reader(io.StringIO(text, newline=""), delimiter=best)


def _missing_columns_error(missing: list[str]) -> str:
    return _("Kolom wajib tidak ada: %(cols)s. Baris pertama harus berisi judul kolom code,name,kind "
             "(atau kode,nama,jenis).") % {"cols": ", ".join(missing)}


def _broken_csv_error(line: int) -> str:
    return _("CSV tidak dapat dibaca mulai baris %(line)d; periksa tanda petik (\") yang tidak ditutup.") % {"line": line}


def region_import_plan(*, unit: Unit, text: str) -> ImportPlan:
    """Check every row of ``text`` against the file and the database; write nothing."""
    reader = _reader(text)
    try:
        header = next(reader, None)
    except csv.Error:
        return ImportPlan([], [_broken_csv_error(1)])
    if not header or not any(h.strip() for h in header):
        return ImportPlan([], [_("Berkas kosong.")])
    columns = _columns(header)
    missing = [c for c in ("code", "name") if c not in columns]
    if missing:
        return ImportPlan([], [_missing_columns_error(missing)])
    if unit.is_archived:
        return ImportPlan([], [_("%(unit)s diarsipkan; pulihkan dulu sebelum mengimpor wilayah.") % {"unit": unit.name}])

    rows: list[PlannedRow] = []
    seen: dict[str, int] = {}
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append(_plan_row(reader.line_num, values, columns, seen, unit))
    except csv.Error:
        return ImportPlan(rows, [_broken_csv_error(reader.line_num)])
    if not rows:
        return ImportPlan([], [_("Berkas tidak berisi baris data.")])

    existing = _existing_units({r.code for r in rows if not r.errors} | {r.parent_code for r in rows if r.parent_code})
    in_file = {r.code for r in rows}
    for row in rows:
        if row.errors:
            row.action = "error"
            continue
        current = existing.get(row.code)
        if current is not None:
            if not tree.is_within(current.path, unit.path):
                row.errors.append(_("Kode %(code)s sudah dipakai oleh %(name)s, di luar wewenang unit ini.") % {
                    "code": row.code, "name": current.name})
            elif current.name == row.name and current.kind == row.kind:
                row.action = "unchanged"
            else:
                row.action = "update"
                changes = []
                if current.name != row.name:
                    changes.append(_("nama: %(old)s → %(new)s") % {"old": current.name, "new": row.name})
                if current.kind != row.kind:
                    changes.append(_("jenis: %(old)s → %(new)s") % {"old": UnitKind(current.kind).label, "new": UnitKind(row.kind).label})
                row.notes.append("; ".join(changes))
            if current.archived:
                row.notes.append(_("Unit ini diarsipkan."))
        if row.parent_code and row.parent_code not in in_file and current is None:
            parent = existing.get(row.parent_code)
            if parent is None:
                row.notes.append(_("Induk %(code)s tidak ada; ditempatkan langsung di bawah %(unit)s.") % {
                    "code": row.parent_code, "unit": unit.name})
            elif not tree.is_within(parent.path, unit.path):
                row.errors.append(_("Induk %(code)s (%(name)s) berada di luar wewenang unit ini.") % {
                    "code": row.parent_code, "name": parent.name})
            elif parent.archived:
                row.errors.append(_("Induk %(code)s (%(name)s) diarsipkan; pulihkan dulu sebelum menambah wilayah di bawahnya.") % {
                    "code": row.parent_code, "name": parent.name})
        if row.errors:
            row.action = "error"
    return ImportPlan(rows, [], existing)


def _plan_row(line: int, values: list[str], columns: list[str | None], seen: dict[str, int], unit: Unit) -> PlannedRow:
    """Check one row on its own (format, duplicates, kind); the database comes later."""
    record = {col: _clean(values[i]) if i < len(values) else "" for i, col in enumerate(columns) if col}
    code, name = record.get("code", ""), record.get("name", "")
    kind_raw, parent_raw = record.get("kind", ""), record.get("parent_code", "")
    row = PlannedRow(line=line, code=code, name=name, kind="", parent_code=None)
    valid_code = bool(CODE_RE.match(code))
    if not code:
        row.errors.append(_("Kode wilayah kosong."))
    elif not valid_code:
        row.errors.append(_("Kode wilayah \"%(code)s\" tidak sah; contoh yang sah: 32, 32.01, 32.01.01, 32.01.01.2001.") % {"code": code[:40]})
    elif code in seen:
        row.errors.append(_("Kode %(code)s sudah muncul di baris %(line)d.") % {"code": code, "line": seen[code]})
    else:
        seen[code] = line
    if valid_code and unit.region_code and not (code == unit.region_code or code.startswith(unit.region_code + ".")):
        row.errors.append(_("Kode %(code)s bukan bagian dari wilayah %(unit)s (%(unit_code)s).") % {
            "code": code, "unit": unit.name, "unit_code": unit.region_code})
    if not name:
        row.errors.append(_("Nama kosong."))
    elif len(name) > 255:
        row.errors.append(_("Nama lebih dari 255 karakter."))
    elif not name.isprintable():  # control, format, private-use or unassigned characters
        row.errors.append(_("Nama berisi karakter yang tidak dapat ditampilkan."))
    if valid_code:
        allowed = KINDS_BY_LEVEL[level_of(code)]
        if kind_raw:
            kind = _kind_from(kind_raw)
            if kind is None:
                row.errors.append(_("Jenis \"%(kind)s\" tidak dikenal; untuk kode %(code)s pilih: %(kinds)s.") % {
                    "kind": kind_raw[:40], "code": code, "kinds": ", ".join(allowed)})
            elif kind not in allowed:
                row.errors.append(_("Jenis \"%(kind)s\" tidak cocok untuk kode %(code)s; pilih: %(kinds)s.") % {
                    "kind": kind_raw[:40], "code": code, "kinds": ", ".join(allowed)})
            else:
                row.kind = kind
        else:
            row.kind = infer_kind(code, name)
        expected_parent = code.rsplit(".", 1)[0] if "." in code else None
        if parent_raw and parent_raw != expected_parent:
            if expected_parent is None:
                row.errors.append(_("Kode induk %(parent)s tidak cocok: %(code)s adalah provinsi dan tidak berinduk.") % {
                    "parent": parent_raw[:40], "code": code})
            else:
                row.errors.append(_("Kode induk %(parent)s tidak cocok dengan kode %(code)s; seharusnya %(expected)s.") % {
                    "parent": parent_raw[:40], "code": code, "expected": expected_parent})
        row.parent_code = expected_parent
    return row


def _existing_units(codes: set[str]) -> dict[str, ExistingUnit]:
    """Load the units carrying any of ``codes`` as light tuples (no model instances)."""
    columns = ("pk", "region_code", "path", "name", "kind", "archived_at")
    if len(codes) > SCAN_ABOVE:
        # One pass over every coded unit beats a hundred long IN lists.
        querysets = [Unit.objects.filter(region_code__isnull=False)]
    else:
        wanted = sorted(codes)
        querysets = [Unit.objects.filter(region_code__in=wanted[i : i + LOOKUP_CHUNK])
                     for i in range(0, len(wanted), LOOKUP_CHUNK)]
    found: dict[str, ExistingUnit] = {}
    for queryset in querysets:
        for pk, code, path, name, kind, archived_at in queryset.order_by().values_list(*columns):
            if code in codes:
                found[code] = ExistingUnit(pk, code, path, name, kind, archived_at is not None)
    return found


def region_import_apply(*, actor, unit: Unit, text: str, filename: str = "", progress: Progress | None = None) -> dict:
    """Apply a region list under ``unit``, all or nothing; return the plan's summary.

    Preconditions: the caller checked that ``actor`` may manage ``unit`` (``actor`` is None
    for the command line). Re-plans under a lock on ``unit``, so data changed since the
    preview is caught. Raises ValidationError with the file and row errors when any row is
    invalid, and writes nothing then. Side effects: units created and renamed, one audit
    event. ``progress(done, total)`` is called as rows are written (inside the transaction).
    """
    try:
        with transaction.atomic():
            unit = Unit.objects.select_for_update().get(pk=unit.pk)
            plan = region_import_plan(unit=unit, text=text)
            if not plan.ok:
                raise ValidationError(plan.messages())
            if progress:
                progress(0, len(plan.rows))
            updated = _write(plan=plan, unit=unit, progress=progress)
            summary = plan.summary()
            audit_record(actor=actor, unit=unit, action="unit.import", target=unit, changes={
                "file": filename, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                "create": summary["create"], "update": summary["update"], "unchanged": summary["unchanged"],
                "updated": updated,
            })
    except IntegrityError as exc:
        logger.warning("Region import under unit %s collided: %s", unit.pk, exc)
        raise ValidationError(_("Impor bentrok dengan perubahan lain pada pohon unit; tidak ada yang diubah. Coba lagi.")) from exc
    logger.info("Region import under unit %s: %s", unit.pk, summary)
    return summary


def _write(*, plan: ImportPlan, unit: Unit, progress: Progress | None) -> dict[str, list[str]]:
    """Write a valid plan: rename changed units, then insert new ones level by level.

    Returns the renamed units (at most 200) for the audit event.
    """
    now = timezone.now()
    total, done = len(plan.rows), 0
    existing = plan.existing
    done += sum(1 for r in plan.rows if r.action == "unchanged")

    changed = [r for r in plan.rows if r.action == "update"]
    updated: dict[str, list[str]] = {}
    for i in range(0, len(changed), BATCH):
        chunk = changed[i : i + BATCH]
        _rename([(existing[r.code].pk, r.name, str(r.kind)) for r in chunk], now=now)
        done += len(chunk)
        if progress:
            progress(done, total)
    for r in changed[:200]:
        updated[r.code] = [existing[r.code].name, r.name]

    # A parent's id and path, by code: existing units first, new ones as they are inserted.
    ids: dict[str, int] = {code: e.pk for code, e in existing.items()}
    paths: dict[str, str] = {code: e.path for code, e in existing.items()}
    needed_ids = {r.parent_code for r in plan.rows if r.parent_code}
    next_segment: dict[int, int] = {}
    inserter = _UnitInserter(now=now)
    creates = sorted((r for r in plan.rows if r.action == "create"), key=lambda r: (level_of(r.code), r.code))
    for level_rows in _by_level(creates):
        parents: list[tuple[int, str]] = []
        for row in level_rows:
            if row.parent_code and row.parent_code in ids:
                parents.append((ids[row.parent_code], paths[row.parent_code]))
            else:
                parents.append((unit.pk, unit.path))
        _load_last_segments({pk for pk, _path in parents} - next_segment.keys(), next_segment)
        batch: list[tuple] = []
        for row, (parent_id, parent_path) in zip(level_rows, parents, strict=True):
            next_segment[parent_id] += 1
            if next_segment[parent_id] > tree.MAX_SEGMENT:
                raise ValidationError(_("Unit ini sudah memiliki terlalu banyak sub-unit."))
            path = parent_path + tree.segment(next_segment[parent_id])
            if tree.depth_of(path) > tree.MAX_DEPTH:
                raise ValidationError(_("Pohon unit terlalu dalam (paling banyak %(n)d tingkat).") % {"n": tree.MAX_DEPTH})
            paths[row.code] = path
            batch.append(inserter.row(parent_id=parent_id, path=path, kind=row.kind, name=row.name,
                                      region_code=row.code, time_zone=zone_for_code(row.code)))
            if len(batch) >= BATCH:
                inserter.insert(batch)
                done += len(batch)
                batch = []
                if progress:
                    progress(done, total)
        if batch:
            inserter.insert(batch)
            done += len(batch)
            if progress:
                progress(done, total)
        # Children on the next level need the ids of the parents just inserted.
        wanted = sorted(r.code for r in level_rows if r.code in needed_ids)
        for i in range(0, len(wanted), LOOKUP_CHUNK):
            ids.update(Unit.objects.filter(region_code__in=wanted[i : i + LOOKUP_CHUNK]).order_by().values_list("region_code", "pk"))
        for code in wanted:
            next_segment[ids[code]] = 0  # new: no children yet, no need to ask the database
    return updated


def _rename(rows: list[tuple[int, str, str]], *, now: datetime) -> None:
    """Set the name and kind of many units by id.

    ``bulk_update`` builds one CASE per column over every row, which grows quadratically:
    renaming the national list that way took well over a minute.
    """
    meta = Unit._meta
    quote = connection.ops.quote_name
    table, pk, name, kind, updated_at = (quote(meta.db_table), quote(meta.pk.column), quote(meta.get_field("name").column),
                                         quote(meta.get_field("kind").column), quote(meta.get_field("updated_at").column))
    stamp = meta.get_field("updated_at").get_db_prep_save(now, connection)
    # Table and column names come from the model, never from input.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET {name} = v.name, {kind} = v.kind, {updated_at} = %s "  # noqa: S608
                f"FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS name, unnest(%s::text[]) AS kind) AS v "
                f"WHERE {table}.{pk} = v.id",
                [stamp, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )
        else:
            cursor.executemany(f"UPDATE {table} SET {name} = %s, {kind} = %s, {updated_at} = %s WHERE {pk} = %s",  # noqa: S608
                               [(n, k, stamp, i) for i, n, k in rows])


def _load_last_segments(parent_ids: set[int], next_segment: dict[int, int]) -> None:
    """Read the last child segment of each existing parent, in a few grouped queries."""
    wanted = sorted(parent_ids)
    for i in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[i : i + LOOKUP_CHUNK]
        last = dict(Unit.objects.filter(parent_id__in=chunk).order_by().values("parent_id")
                    .annotate(m=Max("path")).values_list("parent_id", "m"))
        for pk in chunk:
            next_segment[pk] = int(last[pk][-tree.SEGMENT:]) if pk in last else 0


class _UnitInserter:
    """Insert many units with one prepared statement.

    ``bulk_create`` prepares every value of every row through the field machinery and, on
    SQLite, batches at most 999 parameters per statement: the national list (~91,000 rows)
    took over 20 seconds that way. Here the constant columns are prepared once from a
    template unit (so a new field with a default needs no change here) and only the varying
    columns are set per row.
    """

    VARYING = ("uuid", "parent_id", "path", "depth", "kind", "name", "region_code", "time_zone")

    def __init__(self, *, now: datetime):
        meta = Unit._meta
        template = Unit(kind=UnitKind.LAINNYA, name="-", created_at=now, updated_at=now)
        self.fields = [f for f in meta.concrete_fields if not f.primary_key]
        self.template = [f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in self.fields]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        missing = set(self.VARYING) - self.index.keys()
        if missing:  # pragma: no cover - guards a future rename
            raise RuntimeError(f"Unit has no columns {missing}")
        self.native_uuid = connection.features.has_native_uuid_field
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        # Table and column names come from the model, never from input.
        self.insert_sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
        self.copy_sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"

    def row(self, *, parent_id: int, path: str, kind: str, name: str, region_code: str, time_zone: str) -> tuple:
        values = list(self.template)
        index = self.index
        new_uuid = uuid.uuid4()
        values[index["uuid"]] = new_uuid if self.native_uuid else new_uuid.hex  # as UUIDField stores it
        values[index["parent_id"]] = parent_id
        values[index["path"]] = path
        values[index["depth"]] = tree.depth_of(path)
        values[index["kind"]] = str(kind)
        values[index["name"]] = name
        values[index["region_code"]] = region_code
        values[index["time_zone"]] = str(time_zone)
        return tuple(values)

    def insert(self, rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams the rows in one command: no per-row round trip, no giant query.
                # The raw cursor's errors are not translated by Django; do it here so a
                # collision surfaces as IntegrityError like any other write.
                with connection.wrap_database_errors, cursor.cursor.copy(self.copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                # SQLite runs in-process: one prepared statement run per row is the fastest way.
                cursor.executemany(self.insert_sql, rows)


def _by_level(rows: list[PlannedRow]) -> Iterator[list[PlannedRow]]:
    groups: dict[int, list[PlannedRow]] = defaultdict(list)
    for row in rows:
        groups[level_of(row.code)].append(row)
    for level in sorted(groups):
        yield groups[level]


def region_import_merge(*, files: list[tuple[str, str]]) -> tuple[str, list[tuple[str, int]]]:
    """Join several region CSV texts (each with its own header) into one ``code,name,kind,parent_code`` text.

    ``files`` holds (name, text) pairs. Returns the joined text and, for each of its data
    rows in order, the (file name, line) it came from. Raises ValidationError naming the
    file when one lacks the required columns or cannot be read.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "kind", "parent_code"])
    origins: list[tuple[str, int]] = []
    for name, text in files:
        reader = _reader(text)
        try:
            header = next(reader, None)
            columns = _columns(header or [])
            missing = [c for c in ("code", "name") if c not in columns]
            if missing:
                raise ValidationError(f"{name}: {_missing_columns_error(missing)}")
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                record = {col: _clean(values[i]) if i < len(values) else "" for i, col in enumerate(columns) if col}
                writer.writerow([record.get(c, "") for c in ("code", "name", "kind", "parent_code")])
                origins.append((name, reader.line_num))
        except csv.Error as exc:
            raise ValidationError(f"{name}: {_broken_csv_error(reader.line_num)}") from exc
    return out.getvalue(), origins


def region_import_create(*, actor, unit: Unit, filename: str, content: bytes) -> tuple[RegionImport, ImportPlan]:
    """Store an upload and its preview (nothing applied yet).

    Raises ValidationError when the bytes are not a UTF-8 text file within the size limit;
    nothing is stored then. A file with row errors is stored, so its preview can show them.
    """
    text = decode(content)
    plan = region_import_plan(unit=unit, text=text)
    record = RegionImport.objects.create(
        unit=unit, created_by=actor, filename=filename[:255], sha256=hashlib.sha256(content).hexdigest(),
        content=text, summary=plan.summary(),
    )
    return record, plan


def region_import_queue(*, record: RegionImport) -> bool:
    """Queue a previewed (or failed) import to be applied once this transaction commits.

    Returns False when the record was already queued, applying or done (nothing changes
    then). Preconditions: the caller checked that the acting user may manage the record's
    unit. The task re-plans and re-checks the uploader's authority before writing.
    """
    from warta.organisations.tasks import region_import_apply_task  # tasks import this module

    queued = RegionImport.objects.filter(
        pk=record.pk, status__in=[RegionImport.Status.PREVIEW, RegionImport.Status.FAILED],
    ).update(status=RegionImport.Status.QUEUED, error="", finished_at=None)
    if queued:
        progress_clear(_progress_key(record))
        transaction.on_commit(partial(region_import_apply_task.enqueue, record.pk))
    return bool(queued)


def _progress_key(record: RegionImport) -> str:
    return f"organisations:region-import-progress:{record.uuid}"


def region_import_progress_reporter(*, record: RegionImport) -> Progress | None:
    """Return a ``progress`` callback that shares an applying import's progress, if possible."""
    return progress_reporter(_progress_key(record))


def region_import_progress(*, record: RegionImport) -> tuple[int, int] | None:
    """Return (rows done, rows in all) of an applying import, when known."""
    if record.status != RegionImport.Status.APPLYING:
        return None
    return progress_read(_progress_key(record))


def region_import_finish(*, record: RegionImport, status: str, summary: dict | None = None, error: str = "") -> None:
    """Record how an applied import ended."""
    RegionImport.objects.filter(pk=record.pk).update(
        status=status, summary=summary if summary is not None else record.summary, error=error,
        finished_at=timezone.now(),
    )
