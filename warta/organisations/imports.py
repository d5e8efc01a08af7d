"""The official list of regions (CSV: code, name, kind) into units.

Planning reads and checks every row without writing; applying re-plans inside one
transaction and writes nothing unless every row is valid. Units are matched by region
code; a row's parent is the unit whose code is the row's code less its last segment
(or an explicit ``parent_code``), found in the file or among existing units; a row whose
parent is nowhere is placed directly under the unit the import is done for.
"""

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from warta.core.audit import audit_record
from warta.organisations import tree
from warta.organisations.models import RegionImport, Unit, UnitKind

CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
HEADER_ALIASES = {
    "code": "code", "kode": "code", "kode_wilayah": "code",
    "name": "name", "nama": "name",
    "kind": "kind", "jenis": "kind",
    "parent_code": "parent_code", "kode_induk": "parent_code",
}
KIND_BY_LABEL = {str(label).lower(): value for value, label in UnitKind.choices} | {v: v for v in UnitKind.values}
BATCH = 2000


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

    @property
    def errors(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.errors and bool(self.rows)

    def summary(self) -> dict:
        counts = defaultdict(int)
        for r in self.rows:
            counts[r.action] += 1
        return {"rows": len(self.rows), "create": counts["create"], "update": counts["update"],
                "unchanged": counts["unchanged"], "errors": len(self.errors), "file_errors": self.file_errors}


def infer_kind(code: str, name: str) -> str:
    depth = code.count(".") + 1
    if depth == 1:
        return UnitKind.PROVINSI
    if depth == 2:
        return UnitKind.KOTA if name.lower().startswith("kota ") else UnitKind.KABUPATEN
    if depth == 3:
        return UnitKind.KECAMATAN
    return UnitKind.KELURAHAN if code.rsplit(".", 1)[-1].startswith("1") else UnitKind.DESA


def decode(content: bytes) -> str:
    """Decode an upload as UTF-8 (with or without BOM); refuse anything else clearly."""
    if len(content) > settings.WARTA_MAX_IMPORT_BYTES:
        raise ValidationError(_("Berkas terlalu besar (paling besar %(mb)d MB).") % {"mb": settings.WARTA_MAX_IMPORT_BYTES // 2**20})
    if b"\x00" in content[:4096]:
        raise ValidationError(_("Berkas ini bukan CSV teks. Simpan daftar wilayah sebagai CSV (UTF-8)."))
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("Berkas harus berenkode UTF-8. Simpan ulang sebagai \"CSV UTF-8\".")) from exc


def region_import_plan(*, unit: Unit, text: str) -> ImportPlan:
    """Check every row of ``text`` against the file and the database; write nothing."""
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader, None)
    if not header:
        return ImportPlan([], [_("Berkas kosong.")])
    columns = [HEADER_ALIASES.get(h.strip().lower().replace(" ", "_")) for h in header]
    missing = [c for c in ("code", "name") if c not in columns]
    if missing:
        return ImportPlan([], [_("Kolom wajib tidak ada: %(cols)s. Baris pertama harus berisi judul kolom code,name,kind (atau kode,nama,jenis).") % {"cols": ", ".join(missing)}])
    rows: list[PlannedRow] = []
    seen: dict[str, int] = {}
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        record = {col: values[i].strip() if i < len(values) else "" for i, col in enumerate(columns) if col}
        code, name = record.get("code", ""), record.get("name", "")
        kind_raw = record.get("kind", "")
        row = PlannedRow(line=line, code=code, name=name, kind="", parent_code=record.get("parent_code") or None)
        if not CODE_RE.match(code):
            row.errors.append(_("Kode wilayah \"%(code)s\" tidak sah; contoh yang sah: 32, 32.01, 32.01.01, 32.01.01.2001.") % {"code": code})
        elif code in seen:
            row.errors.append(_("Kode %(code)s sudah muncul di baris %(line)d.") % {"code": code, "line": seen[code]})
        else:
            seen[code] = line
        if not name:
            row.errors.append(_("Nama kosong."))
        elif len(name) > 255:
            row.errors.append(_("Nama lebih dari 255 karakter."))
        if kind_raw:
            kind = KIND_BY_LABEL.get(kind_raw.lower())
            if kind is None:
                row.errors.append(_("Jenis \"%(kind)s\" tidak dikenal; pilih salah satu: %(kinds)s.") % {"kind": kind_raw, "kinds": ", ".join(UnitKind.values)})
            else:
                row.kind = kind
        elif CODE_RE.match(code):
            row.kind = infer_kind(code, name)
        if row.parent_code is None and CODE_RE.match(code) and "." in code:
            row.parent_code = code.rsplit(".", 1)[0]
        if row.parent_code and row.parent_code == code:
            row.errors.append(_("Unit tidak dapat menjadi induk bagi dirinya sendiri."))
        rows.append(row)
    if not rows:
        return ImportPlan([], [_("Berkas tidak berisi baris data.")])

    codes = [r.code for r in rows if CODE_RE.match(r.code)] + [r.parent_code for r in rows if r.parent_code]
    existing: dict[str, Unit] = {}
    unique_codes = list(set(codes))
    for i in range(0, len(unique_codes), 900):
        for u in Unit.objects.filter(region_code__in=unique_codes[i : i + 900]):
            existing[u.region_code] = u
    in_file = {r.code for r in rows}
    for row in rows:
        current = existing.get(row.code)
        if current is not None:
            if not tree.is_within(current.path, unit.path):
                row.errors.append(_("Kode %(code)s sudah dipakai oleh %(name)s, di luar wewenang unit ini.") % {"code": row.code, "name": current.name})
            elif current.name == row.name and current.kind == row.kind:
                row.action = "unchanged"
            else:
                row.action = "update"
        if row.parent_code and row.parent_code not in in_file:
            parent = existing.get(row.parent_code)
            if parent is None:
                if current is None:
                    row.notes.append(_("Induk %(code)s tidak ada; ditempatkan langsung di bawah %(unit)s.") % {"code": row.parent_code, "unit": unit.name})
            elif not tree.is_within(parent.path, unit.path):
                row.errors.append(_("Induk %(code)s (%(name)s) berada di luar wewenang unit ini.") % {"code": row.parent_code, "name": parent.name})
        if row.errors:
            row.action = "error"
    return ImportPlan(rows, [])


def region_import_apply(*, actor, unit: Unit, text: str, filename: str = "", progress=None) -> dict:
    """Apply a region list under ``unit``, all or nothing. Raises ValidationError with the
    row errors when any row is invalid (nothing is written). Side effects: one audit event."""
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        plan = region_import_plan(unit=unit, text=text)
        if not plan.ok:
            messages = plan.file_errors + [f"{_('baris')} {r.line}: {'; '.join(r.errors)}" for r in plan.errors[:50]]
            raise ValidationError(messages)
        # Parents first: shorter codes before longer ones.
        ordered = sorted(plan.rows, key=lambda r: (r.code.count("."), r.code))
        by_code: dict[str, Unit] = {u.region_code: u for u in Unit.objects.subtree_of(unit).exclude(region_code=None).only("id", "path", "depth", "region_code", "name", "kind", "time_zone")}
        next_segment: dict[int, int] = {}

        def allocate(parent: Unit) -> str:
            if parent.pk not in next_segment:
                last = Unit.objects.filter(parent_id=parent.pk).aggregate(m=Max("path"))["m"]
                next_segment[parent.pk] = int(last[-tree.SEGMENT:]) if last else 0
            next_segment[parent.pk] += 1
            return parent.path + tree.segment(next_segment[parent.pk])

        pending: list[Unit] = []
        updates: list[Unit] = []
        done = 0
        for depth_group in _group_by_depth(ordered):
            for row in depth_group:
                current = by_code.get(row.code)
                if current is not None:
                    if row.action == "update":
                        current.name, current.kind = row.name, row.kind
                        updates.append(current)
                    continue
                parent = by_code.get(row.parent_code) if row.parent_code else None
                parent = parent or unit
                path = allocate(parent)
                new = Unit(parent_id=parent.pk, path=path, depth=tree.depth_of(path), kind=row.kind, name=row.name,
                           region_code=row.code, time_zone=parent.time_zone)
                pending.append(new)
                by_code[row.code] = new
            # Save this depth before the next, so children know their parents' ids.
            for i in range(0, len(pending), BATCH):
                Unit.objects.bulk_create(pending[i : i + BATCH], batch_size=BATCH)
                done += len(pending[i : i + BATCH])
                if progress:
                    progress(done, len(plan.rows))
            if any(u.pk is None for u in pending):  # backends without RETURNING on bulk insert
                ids = dict(Unit.objects.filter(region_code__in=[u.region_code for u in pending]).values_list("region_code", "pk"))
                for u in pending:
                    u.pk = u.id = ids[u.region_code]
            pending = []
        Unit.objects.bulk_update(updates, ["name", "kind"], batch_size=BATCH)
        summary = plan.summary()
        audit_record(actor=actor, unit=unit, action="unit.import", target=unit,
                     changes={"file": filename, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                              "create": summary["create"], "update": summary["update"], "unchanged": summary["unchanged"]})
    return summary


def _group_by_depth(rows: list[PlannedRow]):
    groups: dict[int, list[PlannedRow]] = defaultdict(list)
    for row in rows:
        groups[row.code.count(".")].append(row)
    for depth in sorted(groups):
        yield groups[depth]


def region_import_create(*, actor, unit: Unit, filename: str, content: bytes) -> tuple[RegionImport, ImportPlan]:
    """Store an upload and its preview (nothing applied yet)."""
    text = decode(content)
    plan = region_import_plan(unit=unit, text=text)
    record = RegionImport.objects.create(
        unit=unit, created_by=actor, filename=filename[:255], sha256=hashlib.sha256(content).hexdigest(),
        content=text, summary=plan.summary(),
    )
    return record, plan


def region_import_finish(*, record: RegionImport, status: str, summary: dict | None = None, error: str = "") -> None:
    RegionImport.objects.filter(pk=record.pk).update(
        status=status, summary=summary if summary is not None else record.summary, error=error,
        finished_at=timezone.now(),
    )
