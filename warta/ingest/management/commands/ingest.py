"""``warta ingest FILE``: bring inbound items from any source, as JSON lines."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from warta.channels.models import Account
from warta.ingest.models import Source
from warta.ingest.services import items_ingest, quarantine_record


class Command(BaseCommand):
    help = ("Simpan butir masuk dari berkas JSON lines (satu objek per baris, bentuk "
            "docs/inbound-item.schema.json). '-' membaca dari stdin. Baris rusak dikarantina; sisanya tetap disimpan.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="berkas .jsonl, atau - untuk stdin")
        parser.add_argument("--account", help="UUID akun resmi tempat butir-butir ini berasal (opsional)")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, file, account=None, batch_size=500, **options):
        owner = None
        if account:
            owner = Account.objects.filter(uuid=account).select_related("unit").first()
            if owner is None:
                raise CommandError(f"Akun {account} tidak ditemukan.")
        try:
            stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Berkas tidak dapat dibuka: {exc.strerror}") from None
        unreadable = 0
        with stream:
            def records():
                nonlocal unreadable
                for number, line in enumerate(stream, start=1):
                    if not line.strip():
                        continue
                    try:
                        yield json.loads(line)
                    except ValueError as exc:
                        unreadable += 1
                        quarantine_record(payload=line, reason=f"baris {number}: bukan JSON ({exc})",
                                          source=Source.CLI, account=owner)

            report = items_ingest(items=records(), source=Source.CLI, account=owner, batch_size=batch_size)
        quarantined = len(report.quarantined) + unreadable
        self.stdout.write(f"disimpan {report.stored}, duplikat {report.duplicates}, dikarantina {quarantined}")
        for index, reason in report.quarantined[:20]:
            self.stderr.write(f"  butir ke-{index + 1}: {reason}")
        if report.stored == 0 and report.duplicates == 0 and quarantined:
            raise CommandError("Tidak ada butir yang dapat disimpan.")
