"""Train, cross-validate and save the classifiers (``warta language train``).

Data comes from ``corpus`` (``WARTA_LANGUAGE_DATA_DIR``, by default ``../shared/data``, else
the copy shipped in ``warta/language/data/public/``; message types from
``warta/language/data/message_type.csv``):

- sentiment: SmSA train + the policy-tweets half. Metrics: SmSA valid (model trained on SmSA
  train + all policy tweets) and 5-fold CV on the policy tweets (each fold trained on SmSA
  train + the other four folds of policy tweets, so no tweet is scored by a model that saw it).
- emotion: EmoT train; metrics on EmoT valid.
- abuse: 5-fold CV on ``abuse/re_dataset_train.csv`` (stratified by HS × Abusive); the saved
  model is trained on all of it.
- message_type: 5-fold CV on the starter set; the saved model is trained on all of it.

Folds are seeded and stratified, so the same seed gives the same metrics. ``extra`` pairs (a
unit's own labels: ``(text, label)``, for abuse ``(text, "HS,Abusive")``) are added to every
training set and never to an evaluation set.
"""

import logging
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from warta.language import artifacts
from warta.language.backends.linear import LinearModel, fit, fit_mixture, stratified_folds
from warta.language.corpus import (
    Labelled,
    abuse,
    data_sha256,
    emot,
    extra_labelled,
    message_types,
    policy_tweets,
    setting,
    smsa,
)
from warta.language.evaluation import (
    classification_report,
    evaluate_on,
    label_matrix,
    multilabel_report,
)
from warta.language.prediction import (
    ABUSE,
    EMOTION,
    LABELS,
    MESSAGE_TYPE,
    SENTIMENT,
    TASKS,
    predictions_from_scores,
)

logger = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent
ARTIFACTS = PACKAGE / "artifacts"
CV_FOLDS = 5
# Regularisation (LinearSVC C) per task, chosen on the SmSA / EmoT validation splits and by CV.
C = {SENTIMENT: 0.2, EMOTION: 0.1, ABUSE: 0.2, MESSAGE_TYPE: 0.5}

__all__ = ["TrainResult", "evaluate_on", "load_model", "train_task", "evaluate_task", "TASKS"]


def artifacts_dir() -> Path:
    return Path(setting("WARTA_LANGUAGE_ARTIFACTS", ARTIFACTS))


def _strata(task: str, data: Labelled) -> list[str]:
    if task == ABUSE:
        return [f"{'HS' in y}{'Abusive' in y}" for y in data.labels]
    return [str(y) for y in data.labels]


def _limit(task: str, data: Labelled, limit: int | None, seed: int) -> Labelled:
    """Keep a seeded, stratified ``limit`` rows (for quick runs and tests)."""
    if not limit or len(data) <= limit:
        return data
    folds = stratified_folds(_strata(task, data), max(2, -(-len(data) // limit)), seed)
    order = np.concatenate(folds)
    return data.subset(sorted(order[:limit].tolist()))


# --- fitting and scoring -------------------------------------------------------------------


def fit_task(task: str, data: Labelled, *, seed: int, calibration_folds: int | None = None) -> LinearModel:
    labels = LABELS[task]
    if calibration_folds is None:
        calibration_folds = 2 if task == ABUSE else 3
    if task == ABUSE:
        return fit(task, data.texts, label_matrix(labels, data.labels), labels, multilabel=True,
                   seed=seed, c=C[task], calibration_folds=calibration_folds)
    return fit(task, data.texts, data.labels, labels, seed=seed, c=C[task],
               calibration_folds=calibration_folds)


def _report(task: str, model, data: Labelled) -> dict:
    predictions = predictions_from_scores(task, model.labels, model.predict_proba(data.texts))
    if task == ABUSE:
        return multilabel_report(model.labels, label_matrix(model.labels, data.labels),
                                 label_matrix(model.labels, [p.labels for p in predictions]))
    return classification_report(model.labels, data.labels, [p.label for p in predictions])


def fit_sentiment(general: Labelled, domain: Labelled, *, seed: int, calibration_folds: int | None = None):
    """Train the sentiment mixture: a general expert on everything, a policy-tweet expert on
    ``domain`` (policy tweets and a unit's own labels), and the gate between them."""
    data = general + domain
    in_domain = [False] * len(general) + [True] * len(domain)
    return fit_mixture(SENTIMENT, data.texts, data.labels, in_domain, LABELS[SENTIMENT], seed=seed,
                       c=C[SENTIMENT], calibration_folds=3 if calibration_folds is None else calibration_folds)


def cross_validate(task: str, data: Labelled, *, seed: int, base: Labelled | None = None,
                   folds: int = CV_FOLDS, extra: Labelled | None = None) -> dict:
    """Return the report over ``folds`` seeded folds of ``data`` (out-of-fold predictions pooled).

    Each fold's model is trained on ``base`` + the other folds + ``extra`` (for sentiment,
    ``base`` is the general data and the rest the policy-tweet domain)."""
    test_folds = stratified_folds(_strata(task, data), folds, seed)
    pooled_true: list = []
    pooled_scores: list[np.ndarray] = []
    model = None
    for k, test in enumerate(test_folds):
        train_idx = np.setdiff1d(np.arange(len(data)), test)
        train = data.subset(train_idx)
        if extra is not None:
            train = train + extra
        if task == SENTIMENT:
            # The mixture's weights depend on calibration: keep it, as in the saved model.
            model = fit_sentiment(base, train, seed=seed + k)
        else:
            if base is not None:
                train = base + train
            # Calibration never moves a decision (see backends/linear.py): CV can skip it.
            model = fit_task(task, train, seed=seed + k, calibration_folds=0)
        held = data.subset(test)
        pooled_true.extend(held.labels)
        pooled_scores.append(model.predict_proba(held.texts))
        logger.info("%s: fold %d/%d done", task, k + 1, folds)
    scores = np.vstack(pooled_scores)
    predictions = predictions_from_scores(task, model.labels, scores)
    if task == ABUSE:
        report = multilabel_report(model.labels, label_matrix(model.labels, pooled_true),
                                   label_matrix(model.labels, [p.labels for p in predictions]))
    else:
        report = classification_report(model.labels, pooled_true, [p.label for p in predictions])
    report["folds"] = folds
    report["seed"] = seed
    return report


def _libraries() -> dict:
    import scipy
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__}


@dataclass
class TrainResult:
    task: str
    model: LinearModel
    metrics: dict
    directory: Path
    seconds: float


def train_task(task: str, *, extra: Sequence[tuple[str, object]] = (), seed: int = 13,
               out_dir: Path | None = None, limit: int | None = None, folds: int = CV_FOLDS,
               evaluate: bool = True) -> TrainResult:
    """Train ``task``, measure it, and save the artifact into ``out_dir`` (default: the repository's).

    ``extra``: ``(text, label)`` pairs added to every training set (a unit's own labels).
    ``limit``: keep a seeded, stratified subset of each data set (quick runs, tests).
    ``evaluate``: measure on the validation splits and by cross-validation (needs the source
    data's validation splits). A unit's retraining passes False: it judges the new model on the
    unit's held-back labels instead, and the shipped training data is enough (``corpus``).
    Returns the model, its metrics and where it was saved."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose from {', '.join(TASKS)}")
    started = time.perf_counter()
    more = extra_labelled(task, extra)
    metrics: dict = {}
    if task == SENTIMENT:
        train, policy = (_limit(task, d, limit, seed) for d in (smsa("train"), policy_tweets()))
        if evaluate:
            metrics["policy_cv"] = cross_validate(task, policy, seed=seed, base=train, folds=folds, extra=more)
        data = train + policy + more
        model = fit_sentiment(train, policy + more, seed=seed)
        if evaluate:
            metrics["smsa_valid"] = _report(task, model, _limit(task, smsa("valid"), limit, seed))
    elif task == EMOTION:
        data = _limit(task, emot("train"), limit, seed) + more
        model = fit_task(task, data, seed=seed)
        if evaluate:
            metrics["emot_valid"] = _report(task, model, _limit(task, emot("valid"), limit, seed))
    else:
        base = _limit(task, abuse() if task == ABUSE else message_types(), limit, seed)
        if evaluate:
            metrics["cv"] = cross_validate(task, base, seed=seed, folds=folds, extra=more)
        data = base + more
        model = fit_task(task, data, seed=seed)
    seconds = round(time.perf_counter() - started, 1)
    meta = {
        **model.model_meta(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": seed,
        "limit": limit,
        "training_rows": len(data),
        "extra_rows": len(more),
        "data_files": sorted({source.name for source in data.sources}),
        "data_sha256": data_sha256(data.sources, more),
        "metrics": metrics,
        "libraries": _libraries(),
        "train_seconds": seconds,
        "c": C[task],
    }
    directory = Path(out_dir) if out_dir is not None else artifacts_dir() / task
    artifacts.save(directory, model.to_arrays(), meta)
    model.meta = meta
    logger.info("%s: trained in %.1f s, saved to %s", task, seconds, directory)
    return TrainResult(task=task, model=model, metrics=metrics, directory=directory, seconds=seconds)


def load_model(task: str, directory: Path | None = None) -> LinearModel:
    """Load the linear model of ``task`` from ``directory`` (default: the installation's)."""
    arrays, meta = artifacts.load(Path(directory) if directory is not None else artifacts_dir() / task)
    if meta.get("task") != task:
        raise artifacts.ArtifactError(f"the artifact is for {meta.get('task')!r}, not {task!r}")
    return LinearModel.from_arrays(arrays, meta)


# Tasks with a validation split: any model of them (linear or transformer) can be scored afresh.
VALIDATION_SPLITS = {SENTIMENT: "smsa_valid", EMOTION: "emot_valid"}


def evaluate_task(task: str, model=None) -> dict[str, dict]:
    """Return fresh reports on the validation data of ``task`` (``warta language evaluate``).

    Sentiment and emotion are scored on their validation splits (SmSA valid also on the
    policy tweets is not shown: the model has seen them). Abuse and message type have no
    validation split: their cross-validated reports are read from the artifact."""
    model = model or load_model(task)
    if task == SENTIMENT:
        out = {"smsa_valid": _report(task, model, smsa("valid"))}
        if "policy_cv" in (getattr(model, "meta", None) or {}).get("metrics", {}):
            out["policy_cv (from training)"] = model.meta["metrics"]["policy_cv"]
        return out
    if task == EMOTION:
        return {"emot_valid": _report(task, model, emot("valid"))}
    return {"cv (from training)": model.meta.get("metrics", {}).get("cv", {})}
