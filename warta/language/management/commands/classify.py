"""``warta classify --task T --input IN.jsonl --output OUT.jsonl``: classify a JSON-lines file."""

import sys

from django.core.management.base import BaseCommand, CommandError

from warta.language.artifacts import ArtifactError
from warta.language.prediction import TASKS
from warta.language.stream import BATCH, classify_stream


class Command(BaseCommand):
    help = ("Klasifikasikan teks dari berkas JSON lines (satu {\"id\": ..., \"text\": ...} per baris) dan tulis "
            "{\"id\", \"label\", \"scores\"} per baris (untuk abuse: \"labels\"). '-' berarti stdin/stdout. "
            "Baris rusak dilaporkan dengan nomornya di stderr dan dilewati.")

    def add_arguments(self, parser):
        parser.add_argument("--task", required=True, choices=TASKS)
        parser.add_argument("--input", required=True, help="berkas .jsonl, atau - untuk stdin")
        parser.add_argument("--output", required=True, help="berkas .jsonl, atau - untuk stdout")
        parser.add_argument("--batch-size", type=int, default=BATCH)
        parser.add_argument("--unit", help="UUID unit: baca dengan model milik unit itu bila sudah dilatih ulang")

    def handle(self, *args, task, input, output, batch_size=BATCH, unit=None, **options):
        if batch_size < 1:
            raise CommandError("--batch-size harus paling sedikit 1.")
        model = self._unit_model(task, unit) if unit else None
        try:
            source = sys.stdin if input == "-" else open(input, encoding="utf-8", errors="replace")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Berkas masukan tidak dapat dibuka: {exc.strerror}") from None
        try:
            target = sys.stdout if output == "-" else open(output, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            source.close()
            raise CommandError(f"Berkas keluaran tidak dapat dibuat: {exc.strerror}") from None

        def on_bad(number, reason):
            self.stderr.write(f"baris {number}: {reason}; dilewati")

        try:
            with source, target:
                report = classify_stream(task, source, target, batch_size=batch_size, on_bad=on_bad, model=model)
        except (ArtifactError, ValueError) as exc:
            raise CommandError(f"Model {task} tidak dapat dimuat: {exc}") from None
        self.stderr.write(f"{task}: {report.written} baris ditulis, {report.bad} baris rusak dilewati")
        if report.read == 0 and report.bad:
            raise CommandError("Tidak ada baris yang dapat dibaca.")

    def _unit_model(self, task: str, unit_uuid: str):
        """The unit's own model of ``task``, or None (the default) with a word on stderr."""
        from django.core.exceptions import ValidationError

        from warta.language import annotation
        from warta.organisations.models import Unit

        try:
            unit = Unit.objects.filter(uuid=unit_uuid).first()
        except ValidationError:
            unit = None
        if unit is None:
            raise CommandError(f"Unit {unit_uuid} tidak ditemukan.")
        directory = annotation.unit_model_dir(unit, task)
        if directory is None:
            self.stderr.write(f"{unit.name} belum punya model {task} sendiri: memakai model bawaan.")
            return None
        self.stderr.write(f"{unit.name}: memakai model {task} milik unit ({directory}).")
        return annotation.unit_model(task, directory)
