"""Figures of the language models for ``make bench`` (``figures()``), or alone::

    python -m bench.language            # prints the figures as JSON
    python -m bench.language --cv       # also re-runs the cross-validations (minutes)

- ``smsa_valid_macro_f1``, ``emot_valid_macro_f1``: the models that serve the task (the committed
  linear ones, or a transformer where ``WARTA_LANGUAGE_BACKEND`` says so; ``language_backends``
  names them) scored now on the SmSA and EmoT validation splits (null when ``../shared/data`` is
  absent).
- ``policy_cv_macro_f1``, ``abuse_hs_f1``, ``abuse_abusive_f1``, ``message_type_cv_macro_f1``:
  5-fold cross-validation of the linear models, seeded; read from the artifacts' metadata, where
  ``warta language train`` wrote them (``--cv`` recomputes them with the same code).
- ``sentiment_texts_per_s_per_core``: ``warta classify``'s streaming loop (read JSON lines
  from a file, classify in batches of 1,000, write JSON lines to a file) on 20,000 lines,
  divided by this process's CPU time — the loop is single-threaded, so this is per core.
- ``models_load_s``, ``models_memory_mb``: a fresh Python process loads all four models;
  wall time of the load, and the process's resident memory afterwards (everything: the
  interpreter, numpy, scipy and the models); ``models_memory_delta_mb`` is the models' share.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
THROUGHPUT_LINES = 20_000


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _load_in_this_process() -> dict:
    before = _rss_mb()
    started = time.perf_counter()
    from warta.language import classifiers

    classifiers.load_all()
    seconds = time.perf_counter() - started
    after = _rss_mb()
    return {"models_load_s": round(seconds, 3), "models_memory_mb": round(after, 1),
            "models_memory_delta_mb": round(after - before, 1)}


def load_figures() -> dict:
    """Load all models in a fresh process; return its load time and memory."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.run([sys.executable, "-m", "bench.language", "--load-only"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _sample_texts() -> list[str]:
    from warta.language import corpus

    try:
        texts = corpus.smsa("valid").texts + corpus.emot("valid").texts
    except OSError:
        texts = [f"pelayanan kantor nomor {i} cepat ramah tapi antre lama bangettt gak jelas @pemkab #bogor"
                 for i in range(1000)]
    return texts


def throughput() -> float:
    """Return texts per CPU-second of ``warta classify``'s loop for sentiment."""
    from warta.language import classifiers
    from warta.language.stream import classify_stream

    classifiers.model("sentiment")
    texts = _sample_texts()
    with tempfile.TemporaryDirectory(prefix="warta-bench-language-") as tmp:
        source, target = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        with source.open("w", encoding="utf-8") as fh:
            for i in range(THROUGHPUT_LINES):
                fh.write(json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n")
        with source.open(encoding="utf-8") as fin, target.open("w", encoding="utf-8") as fout:
            classify_stream("sentiment", [next(fin) for _ in range(1000)], fout)  # warm the caches
        started = time.process_time()
        with source.open(encoding="utf-8") as fin, target.open("w", encoding="utf-8") as fout:
            report = classify_stream("sentiment", fin, fout)
        cpu = time.process_time() - started
    assert report.written == THROUGHPUT_LINES
    return round(THROUGHPUT_LINES / cpu, 0)


def quality(cv: bool = False) -> dict:
    from warta.language import classifiers, corpus, training

    out: dict = {"language_backends": {task: classifiers.backend_for(task) for task in training.TASKS}}
    models = {task: training.load_model(task) for task in training.TASKS}
    try:  # the validation splits score whichever backend serves the task (an installation's IndoBERT too)
        out["smsa_valid_macro_f1"] = training.evaluate_task(
            "sentiment", classifiers.load("sentiment"))["smsa_valid"]["macro_f1"]
        out["emot_valid_macro_f1"] = training.evaluate_task("emotion", classifiers.load("emotion"))["emot_valid"]["macro_f1"]
    except OSError:
        out["smsa_valid_macro_f1"] = out["emot_valid_macro_f1"] = None
    if cv:
        seed = 13
        policy = training.cross_validate("sentiment", corpus.policy_tweets(), seed=seed, base=corpus.smsa("train"))
        abuse = training.cross_validate("abuse", corpus.abuse(), seed=seed)
        message = training.cross_validate("message_type", corpus.message_types(), seed=seed)
    else:
        policy = models["sentiment"].meta["metrics"]["policy_cv"]
        abuse = models["abuse"].meta["metrics"]["cv"]
        message = models["message_type"].meta["metrics"]["cv"]
    out["policy_cv_macro_f1"] = policy["macro_f1"]
    out["abuse_hs_f1"] = abuse["per_label"]["HS"]["f1"]
    out["abuse_abusive_f1"] = abuse["per_label"]["Abusive"]["f1"]
    out["message_type_cv_macro_f1"] = message["macro_f1"]
    out["language_cv_source"] = "recomputed" if cv else "artifact metadata (warta language train)"
    return out


def figures(cv: bool = False) -> dict:
    """Return every language figure (see the module docstring), flat, for bench/results/latest.json."""
    out = quality(cv=cv)
    out["sentiment_texts_per_s_per_core"] = throughput()
    out.update(load_figures())
    return out


if __name__ == "__main__":
    if "--load-only" in sys.argv:
        print(json.dumps(_load_in_this_process()))
    else:
        print(json.dumps(figures(cv="--cv" in sys.argv), indent=2))
