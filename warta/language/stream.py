"""Classify a JSON-lines stream in batches, in constant memory (``warta classify``).

Each input line is ``{"id": ..., "text": ...}``; each output line is
``{"id": ..., "label": ..., "scores": {label: probability}}`` (for abuse ``"labels": [...]``
instead of ``"label"``). A line that is not a JSON object with a string ``text`` is reported
with its line number and skipped; the rest is classified.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

import numpy as np

from warta.language import classifiers
from warta.language.prediction import MULTILABEL, abuse_labels

BATCH = 1000
MAX_REPORTED = 100


@dataclass
class StreamReport:
    read: int = 0
    written: int = 0
    bad: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def classify_stream(task: str, lines: Iterable[str], out: IO[str], *, batch_size: int = BATCH,
                    on_bad: Callable[[int, str], None] | None = None, model=None) -> StreamReport:
    """Read ``lines``, write one JSON line per good input line to ``out``, in order; return counts.

    ``model``: the model to read with (a unit's own); by default the installation's."""
    report = StreamReport()
    ids: list = []
    texts: list[str] = []
    dumps = json.dumps
    multilabel = task in MULTILABEL

    # Output lines are formatted by hand: much faster than json.dumps of a nested dict.
    model = model or classifiers.model(task)
    labels = model.labels
    names = [dumps(label, ensure_ascii=False) for label in labels]
    scores_format = "{" + ", ".join(f"{name}: %r" for name in names) + "}"

    def flush():
        probabilities = model.predict_proba(texts)
        rows = probabilities.astype(np.float64).round(4).tolist()
        buf = []
        if multilabel:
            for ident, row in zip(ids, rows, strict=True):
                given = abuse_labels(dict(zip(labels, row, strict=True)))
                buf.append(f'{{"id": {dumps(ident, ensure_ascii=False)}, "labels": {dumps(list(given))}, '
                           f'"scores": {scores_format % tuple(row)}}}')
        else:
            best = probabilities.argmax(axis=1).tolist()
            for ident, row, b in zip(ids, rows, best, strict=True):
                buf.append(f'{{"id": {dumps(ident, ensure_ascii=False)}, "label": {names[b]}, '
                           f'"scores": {scores_format % tuple(row)}}}')
        out.write("\n".join(buf) + "\n")
        report.written += len(buf)
        ids.clear()
        texts.clear()

    def bad(number: int, reason: str):
        report.bad += 1
        if len(report.bad_lines) < MAX_REPORTED:
            report.bad_lines.append((number, reason))
        if on_bad is not None:
            on_bad(number, reason)

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            bad(number, f"bukan JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            bad(number, "bukan objek JSON")
            continue
        text = record.get("text")
        if not isinstance(text, str):
            bad(number, "kolom \"text\" tidak ada atau bukan teks")
            continue
        report.read += 1
        ids.append(record.get("id"))
        texts.append(text)
        if len(texts) >= batch_size:
            flush()
    if texts:
        flush()
    return report
