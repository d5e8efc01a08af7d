"""``warta language train [--task T] [--seed S] [--no-evaluation]``, ``warta language evaluate
[--task T]`` and ``warta language pack`` (write the shipped copy of the training data)."""

import json
import logging

from django.core.management.base import BaseCommand, CommandError

from warta.language import classifiers, corpus, training
from warta.language.artifacts import ArtifactError
from warta.language.backends.transformer import TransformerError
from warta.language.evaluation import format_report
from warta.language.prediction import TASKS


class Command(BaseCommand):
    help = ("Latih (train) atau ukur (evaluate) model bahasa: sentimen, emosi, ujaran kasar/kebencian, "
            "jenis pesan. Data latih dari WARTA_LANGUAGE_DATA_DIR (bawaan ../shared/data), atau salinan "
            "bawaan Warta bila tidak ada. `pack` menulis salinan bawaan itu dari data sumber.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("train", "evaluate", "pack"))
        parser.add_argument("--task", choices=TASKS, help="satu tugas saja (bawaan: semua)")
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument("--limit", type=int, default=None, help="ambil sebagian data (uji cepat)")
        parser.add_argument("--json", action="store_true", help="cetak metrik sebagai JSON")
        parser.add_argument("--backend", choices=("linear", "transformer"),
                            help="evaluate: ukur model backend ini (bawaan: yang diatur WARTA_LANGUAGE_BACKEND)")
        parser.add_argument("--no-evaluation", action="store_true",
                            help="latih tanpa mengukur (tanpa data validasi, mis. hanya dengan salinan bawaan)")

    def handle(self, *args, action, task=None, seed=13, limit=None, json=False, no_evaluation=False, backend=None,
               **options):
        logging.getLogger("warta.language").setLevel(logging.INFO if options["verbosity"] > 1 else logging.WARNING)
        if action == "pack":
            try:
                written = corpus.pack()
            except FileNotFoundError as exc:
                raise CommandError(f"Data sumber tidak ditemukan: {exc.filename}. Atur WARTA_LANGUAGE_DATA_DIR.") from None
            for path in written:
                self.stdout.write(str(path))
            return
        tasks = [task] if task else list(TASKS)
        out = {}
        for name in tasks:
            try:
                if action == "train":
                    result = training.train_task(name, seed=seed, limit=limit, evaluate=not no_evaluation)
                    reports = result.metrics
                    self.stderr.write(f"{name}: dilatih dalam {result.seconds:.1f} s, disimpan di {result.directory}")
                else:
                    reports = self._evaluate(name, backend)
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

    def _evaluate(self, task: str, backend: str | None) -> dict:
        """The validation reports of ``task``'s model of ``backend`` (the linear one by default)."""
        if (backend or classifiers.backend_for(task)) == "linear":
            return training.evaluate_task(task)
        try:
            model = classifiers.load(task, "transformer")
        except (TransformerError, ValueError, OSError) as exc:
            raise CommandError(f"Model transformer {task} tidak dapat dimuat: {exc}") from None
        if task not in training.VALIDATION_SPLITS:
            self.stderr.write(f"{task}: tidak ada data validasi untuk model transformer; ukur dengan label unit "
                              "(pelatihan ulang) atau data berlabel sendiri.")
            return {}
        return training.evaluate_task(task, model)


def _json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
