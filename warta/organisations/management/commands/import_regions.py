"""Import the official region list from CSV files under a unit, all or nothing."""

import time
import uuid
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from warta.organisations import imports
from warta.organisations.models import Unit

LISTED_ERRORS = 20


class Command(BaseCommand):
    help = ("Impor daftar wilayah resmi (CSV: code,name,kind atau code,name,parent_code) di bawah satu unit, "
            "semua atau tidak sama sekali.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Berkas CSV; beberapa berkas digabung menjadi satu impor.")
        parser.add_argument("--under", required=True, metavar="UNIT",
                            help="Kode wilayah atau UUID unit tempat wilayah diimpor.")
        parser.add_argument("--dry-run", action="store_true", help="Hanya tampilkan rencana; tidak ada yang diubah.")

    def handle(self, *args, files: list[str], under: str, dry_run: bool = False, **options):
        unit = self._unit(under)
        text, origins = self._read(files)
        started = time.monotonic()
        plan = imports.region_import_plan(unit=unit, text=text)
        summary = plan.summary()
        self.stdout.write(_("Rencana impor di bawah %(unit)s: %(rows)d baris — %(create)d baru, %(update)d diperbarui, "
                            "%(unchanged)d tetap, %(errors)d bermasalah.") % {"unit": unit.name, **summary})
        if not plan.ok:
            for message in summary["file_errors"]:
                self.stderr.write(message)
            for row in plan.errors[:LISTED_ERRORS]:
                name, line = origins[row.line - 2] if 2 <= row.line < len(origins) + 2 else ("?", row.line)
                self.stderr.write(f"{name}:{line}: {row.code or '—'}: {' '.join(row.errors)}")
            if len(plan.errors) > LISTED_ERRORS:
                self.stderr.write(_("… dan %(n)d baris lain bermasalah.") % {"n": len(plan.errors) - LISTED_ERRORS})
            raise CommandError(_("Tidak ada yang diubah."))
        if dry_run:
            self.stdout.write(_("Uji coba: tidak ada yang diubah."))
            return
        if summary["create"] + summary["update"] == 0:
            self.stdout.write(_("Semua wilayah sudah sesuai; tidak ada yang perlu diubah."))
            return
        try:
            result = imports.region_import_apply(actor=None, unit=unit, text=text, filename=", ".join(Path(f).name for f in files),
                                                 progress=self._progress())
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(_("Tidak ada yang diubah.")) from exc
        self.stdout.write(self.style.SUCCESS(
            _("Selesai dalam %(seconds).1f detik: %(create)d unit dibuat, %(update)d diperbarui, %(unchanged)d tetap.")
            % {"seconds": time.monotonic() - started, **result}))

    def _unit(self, key: str) -> Unit:
        try:
            unit = Unit.objects.filter(uuid=uuid.UUID(key)).first()
        except ValueError:
            unit = Unit.objects.filter(region_code=key).first()
        if unit is None:
            raise CommandError(_("Unit %(key)s tidak ditemukan (beri kode wilayah atau UUID unit).") % {"key": key})
        return unit

    def _read(self, files: list[str]) -> tuple[str, list[tuple[str, int]]]:
        texts = []
        for name in files:
            path = Path(name)
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise CommandError(_("%(file)s tidak dapat dibaca: %(error)s") % {"file": name, "error": exc.strerror}) from exc
            try:
                texts.append((path.name, imports.decode(content)))
            except ValidationError as exc:
                raise CommandError(f"{path.name}: {' '.join(exc.messages)}") from exc
        try:
            return imports.region_import_merge(files=texts)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _progress(self):
        last = {"percent": -1}

        def report(done: int, total: int) -> None:
            percent = done * 100 // total if total else 100
            if percent // 10 > last["percent"] // 10:
                last["percent"] = percent
                self.stdout.write(_("  %(done)d/%(total)d baris (%(percent)d%%)") % {"done": done, "total": total, "percent": percent})
                self.stdout.flush()

        return report
