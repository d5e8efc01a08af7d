"""``warta language train [--task T] [--seed S]`` and ``warta language evaluate [--task T]``."""

import json
import logging

from django.core.management.base import BaseCommand, CommandError

from warta.language import training
from warta.language.artifacts import ArtifactError
from warta.language.evaluation import format_report
from warta.language.prediction import TASKS


class Command(BaseCommand):
    help = ("Latih (train) atau ukur (evaluate) model bahasa: sentimen, emosi, ujaran kasar/kebencian, "
            "jenis pesan. Data latih dari WARTA_LANGUAGE_DATA_DIR (bawaan ../shared/data).")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("train", "evaluate"))
        parser.add_argument("--task", choices=TASKS, help="satu tugas saja (bawaan: semua)")
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--limit", type=int, default=None, help="ambil sebagian data (uji cepat)")
        parser.add_argument("--json", action="store_true", help="cetak metrik sebagai JSON")

    def handle(self, *args, action, task=None, seed=13, limit=None, json=False, **options):
        logging.getLogger("warta.language").setLevel(logging.INFO if options["verbosity"] > 1 else logging.WARNING)
        tasks = [task] if task else list(TASKS)
        out = {}
        for name in tasks:
            try:
                if action == "train":
                    result = training.train_task(name, seed=seed, limit=limit)
                    reports = result.metrics
                    self.stderr.write(f"{name}: dilatih dalam {result.seconds:.1f} s, disimpan di {result.directory}")
                else:
                    reports = training.evaluate_task(name)
            except FileNotFoundError as exc:
                raise CommandError(f"Data latih tidak ditemukan: {exc.filename}. Atur WARTA_LANGUAGE_DATA_DIR.") from None
            except ArtifactError as exc:
                raise CommandError(f"Model {name} tidak dapat dimuat: {exc}") from None
            out[name] = reports
            if not json:
                for label, report in reports.items():
                    if report:
                        self.stdout.write(format_report(f"{name} / {label}", report))
                        self.stdout.write("")
        if json:
            self.stdout.write(_json(out))


def _json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
