"""Score a model on labelled texts: per-class precision, recall, F1 and the confusion matrix.

``evaluate_on(task, model, texts, labels)`` is what retraining calls to compare the current
and the new model on the held-back part of a unit's own labels. ``labels`` holds one label per
text, or for ``abuse`` a list of labels per text (``[]`` for a clean text).
"""

from collections.abc import Sequence

import numpy as np

from warta.language.prediction import MULTILABEL, predictions_from_scores


def classification_report(labels: Sequence[str], y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Return accuracy, macro-F1, per-class precision/recall/F1/support and the confusion matrix."""
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        confusion[index[t], index[p]] += 1
    per_class = {}
    f1s = []
    for i, label in enumerate(labels):
        tp = confusion[i, i]
        precision = tp / confusion[:, i].sum() if confusion[:, i].sum() else 0.0
        recall = tp / confusion[i].sum() if confusion[i].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[label] = {"precision": round(float(precision), 4), "recall": round(float(recall), 4),
                            "f1": round(float(f1), 4), "support": int(confusion[i].sum())}
        if confusion[i].sum():
            f1s.append(f1)
    total = confusion.sum()
    return {
        "n": int(total),
        "accuracy": round(float(np.trace(confusion) / total), 4) if total else 0.0,
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "per_class": per_class,
        "labels": labels,
        "confusion": confusion.tolist(),
    }


def multilabel_report(labels: Sequence[str], y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Return binary precision/recall/F1 per label, plus their macro average."""
    per_label = {}
    for j, label in enumerate(labels):
        t, p = y_true[:, j].astype(bool), y_pred[:, j].astype(bool)
        tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_label[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                            "f1": round(f1, 4), "support": int(t.sum()),
                            "confusion": [[int((~t & ~p).sum()), fp], [fn, tp]]}
    return {"n": int(y_true.shape[0]),
            "macro_f1": round(float(np.mean([v["f1"] for v in per_label.values()])), 4),
            "per_label": per_label}


def label_matrix(labels: Sequence[str], rows: Sequence[Sequence[str]]) -> np.ndarray:
    """Return the 0/1 matrix of label lists (unknown labels are an error)."""
    index = {label: j for j, label in enumerate(labels)}
    y = np.zeros((len(rows), len(labels)), dtype=np.int8)
    for i, row in enumerate(rows):
        for label in row:
            y[i, index[label]] = 1
    return y


def evaluate_on(task: str, model, texts: Sequence[str], labels: Sequence) -> dict:
    """Return the metrics of ``model`` (any backend) on ``texts`` with their true ``labels``."""
    scores = model.predict_proba(list(texts))
    predictions = predictions_from_scores(task, model.labels, scores)
    if task in MULTILABEL:
        rows = [[p.strip() for p in row.split(",") if p.strip()] if isinstance(row, str) else row for row in labels]
        y_true = label_matrix(model.labels, rows)
        y_pred = label_matrix(model.labels, [p.labels for p in predictions])
        return multilabel_report(model.labels, y_true, y_pred)
    return classification_report(model.labels, list(labels), [p.label for p in predictions])


def format_report(name: str, report: dict) -> str:
    """Return a report as an aligned text table (what ``warta language evaluate`` prints)."""
    lines = [f"{name}: n={report['n']}  macro-F1={report['macro_f1']:.4f}"
             + (f"  accuracy={report['accuracy']:.4f}" if "accuracy" in report else "")]
    rows = report.get("per_class") or report.get("per_label")
    lines.append(f"  {'label':16} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>8}")
    for label, v in rows.items():
        lines.append(f"  {label:16} {v['precision']:9.4f} {v['recall']:9.4f} {v['f1']:9.4f} {v['support']:8d}")
    if "confusion" in report:
        labels = report["labels"]
        lines.append("  confusion (rows: true, columns: predicted)")
        lines.append("  " + " " * 16 + "".join(f"{label[:9]:>10}" for label in labels))
        for label, row in zip(labels, report["confusion"], strict=True):
            lines.append(f"  {label:16}" + "".join(f"{v:10d}" for v in row))
    elif "per_label" in report:
        lines.append("  confusion per label [[tn, fp], [fn, tp]]: "
                     + "; ".join(f"{k} {v['confusion']}" for k, v in report["per_label"].items()))
    return "\n".join(lines)
