"""The default CPU backend: hashed TF-IDF features and linear SVMs with calibrated scores.

Each label (a class of a multi-class task, one-vs-rest, or a label of abuse) is scored by
the mean of two ``LinearSVC`` with balanced class weights: one on the TF-IDF features and
one on the same features scaled by their NB log-count ratio (NB-SVM, Wang & Manning 2012).
Both are linear, so they fold into one weight vector.

Scores: multi-class tasks (sentiment, emotion, message type) give ``softmax(decision / T)``
with the temperature ``T`` fitted on out-of-fold decisions; abuse gives ``sigmoid(a *
decision)`` per label with the slope ``a`` fitted the same way, so a label is given exactly
when its decision is positive (p ≥ 0.5; the ``HS_*`` details only together with ``HS``).
Calibration never moves a decision, so cross-validation can skip it.

Prediction is one sparse × dense product per batch: the weights of all classes sit in one
``(n_features, n_classes)`` float32 matrix.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from warta.language.features import FeatureConfig, idf_fit, text_counts, tfidf

SOFTMAX, SIGMOID, MIXTURE = "softmax", "sigmoid", "mixture"


def _softmax(d: np.ndarray) -> np.ndarray:
    e = np.exp(d - d.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@dataclass
class LinearModel:
    """A trained linear model; ``predict_proba`` takes raw texts."""

    task: str
    labels: tuple[str, ...]
    kind: str  # SOFTMAX (one label), SIGMOID (any number of labels) or MIXTURE (see fit_mixture)
    config: FeatureConfig
    idf: np.ndarray  # (n_features,) float32
    weights: np.ndarray  # (n_features, n_labels) float32
    bias: np.ndarray  # (n_labels,)
    scale: np.ndarray  # (n_labels,) softmax: 1/T repeated; sigmoid: Platt slope
    offset: np.ndarray  # (n_labels,) sigmoid: Platt intercept; softmax: zeros
    meta: dict = field(default_factory=dict)

    backend = "linear"

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        return tfidf(self.config, text_counts(self.config, texts), self.idf)

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.features(texts) @ self.weights) + self.bias

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n_texts, n_labels)`` array of probabilities."""
        if not len(texts):
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        d = self.decision(texts) * self.scale + self.offset
        if self.kind == SIGMOID:
            return 1.0 / (1.0 + np.exp(-d))
        if self.kind == MIXTURE:
            k = len(self.labels)
            gate = 1.0 / (1.0 + np.exp(-d[:, 2 * k : 2 * k + 1]))
            return (1.0 - gate) * _softmax(d[:, :k]) + gate * _softmax(d[:, k : 2 * k])
        return _softmax(d)

    # --- storage (see warta.language.artifacts) ---------------------------------------------

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Return the model as numeric arrays, keeping only the buckets seen in training."""
        used = np.flatnonzero(self.idf).astype(np.int32)
        return {
            "used": used,
            "idf": self.idf[used].astype(np.float16),
            "weights": self.weights[used].astype(np.float16),
            "bias": self.bias.astype(np.float32),
            "scale": self.scale.astype(np.float32),
            "offset": self.offset.astype(np.float32),
        }

    def model_meta(self) -> dict:
        return {"task": self.task, "labels": list(self.labels), "kind": self.kind,
                "features": self.config.to_dict(), "backend": self.backend}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], meta: dict) -> "LinearModel":
        config = FeatureConfig(**meta["features"])
        labels = tuple(meta["labels"])
        used = arrays["used"].astype(np.int64)
        if used.size and (used.min() < 0 or used.max() >= config.n_features):
            raise ValueError("bucket index out of range")
        idf = np.zeros(config.n_features, dtype=np.float32)
        idf[used] = arrays["idf"].astype(np.float32)
        weights = np.zeros((config.n_features, arrays["weights"].shape[1]), dtype=np.float32)
        weights[used] = arrays["weights"].astype(np.float32)
        return cls(task=meta["task"], labels=labels, kind=meta["kind"], config=config, idf=idf,
                   weights=weights, bias=arrays["bias"].astype(np.float32),
                   scale=arrays["scale"].astype(np.float32), offset=arrays["offset"].astype(np.float32),
                   meta=meta)


# --- training ---------------------------------------------------------------------------------


def _svc(c: float, seed: int):
    from sklearn.svm import LinearSVC

    return LinearSVC(C=c, class_weight="balanced", random_state=seed, max_iter=5000)


def _nb_ratio(xb, y) -> np.ndarray:
    """Return the NB log-count ratio of each feature for the positive class (Wang & Manning 2012)."""
    p = np.asarray(xb[y == 1].sum(axis=0)).ravel() + 1.0
    q = np.asarray(xb[y == 0].sum(axis=0)).ravel() + 1.0
    return np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)


def _fit_binary(x, y, c, seed, xb=None):
    """Return (weights, bias) of one label: the mean of a plain SVM and an NB-SVM.

    Both are linear in ``x`` (the NB-SVM's ratio folds into its weights), so the pair costs one
    weight vector at prediction time."""
    if y.min() == y.max():  # a label never (or always) present: a constant decision
        return np.zeros(x.shape[1], dtype=np.float32), (1.0 if y[0] else -1.0)
    plain = _svc(c, seed).fit(x, y)
    if xb is None:
        xb = x.copy()
        xb.data[:] = 1.0
    r = _nb_ratio(xb, y)
    nb = _svc(c, seed).fit(x.multiply(r).tocsr(), y)
    weights = (plain.coef_.ravel() + r * nb.coef_.ravel()) / 2.0
    return weights.astype(np.float32), float(plain.intercept_[0] + nb.intercept_[0]) / 2.0


def _fit_multiclass(x, y_idx, n_labels, c, seed):
    """One-vs-rest: one binary model (plain + NB-SVM) per class."""
    weights = np.zeros((x.shape[1], n_labels), dtype=np.float32)
    bias = np.full(n_labels, -1.0, dtype=np.float32)
    xb = x.copy()
    xb.data[:] = 1.0
    for j in range(n_labels):
        weights[:, j], bias[j] = _fit_binary(x, (y_idx == j).astype(np.int8), c, seed, xb)
    return weights, bias


def _folds(n: int, k: int, seed: int, strata: np.ndarray) -> list[np.ndarray]:
    """Return ``k`` test-index arrays, stratified by ``strata``, seeded."""
    rng = np.random.default_rng(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    offset = 0
    for value in np.unique(strata):
        idx = np.flatnonzero(strata == value)
        rng.shuffle(idx)
        for i, j in enumerate(idx):
            folds[(i + offset) % k].append(int(j))
        offset += len(idx)
    return [np.array(sorted(f), dtype=np.int64) for f in folds]


def stratified_folds(strata: Sequence, k: int, seed: int) -> list[np.ndarray]:
    """Return ``k`` seeded, stratified test folds (index arrays) over ``strata``."""
    values = np.array([str(s) for s in strata])
    return _folds(len(values), k, seed, values)


def _temperature(decisions: np.ndarray, y_idx: np.ndarray) -> float:
    from scipy.optimize import minimize_scalar

    def nll(log_t):
        d = decisions / np.exp(log_t)
        d = d - d.max(axis=1, keepdims=True)
        logp = d - np.log(np.exp(d).sum(axis=1, keepdims=True))
        return -logp[np.arange(len(y_idx)), y_idx].mean()

    return float(np.exp(minimize_scalar(nll, bounds=(-4, 3), method="bounded").x))


def _platt(decision: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit the slope of ``sigmoid(a * decision)``; the boundary stays at decision 0 (p = 0.5)."""
    from sklearn.linear_model import LogisticRegression

    if y.min() == y.max():
        return 1.0, 0.0
    model = LogisticRegression(C=100.0, fit_intercept=False).fit(decision.reshape(-1, 1), y)
    return max(float(model.coef_[0, 0]), 1e-3), 0.0


def _multiclass_head(x, y_idx, n_labels, c, seed, calibration_folds):
    """Return (weights, bias, scale) of a calibrated one-vs-rest head on the matrix ``x``."""
    weights, bias = _fit_multiclass(x, y_idx, n_labels, c, seed)
    oof = np.zeros((x.shape[0], n_labels), dtype=np.float64)
    for test in _folds(x.shape[0], calibration_folds, seed, y_idx) if calibration_folds > 1 else []:
        train = np.setdiff1d(np.arange(x.shape[0]), test)
        w, b = _fit_multiclass(x[train], y_idx[train], n_labels, c, seed)
        oof[test] = np.asarray(x[test] @ w) + b
    temperature = _temperature(oof, y_idx) if calibration_folds > 1 else 1.0
    return weights, bias, np.full(n_labels, 1.0 / temperature, dtype=np.float32)


GATE_SLOPE = 4.0


def fit_mixture(task: str, texts: Sequence[str], targets, in_domain: Sequence[bool], labels: Sequence[str], *,
                seed: int = 13, c: float = 0.2, config: FeatureConfig | None = None,
                calibration_folds: int = 3) -> LinearModel:
    """Train a two-expert model on one feature space: a general head on every text, a domain
    head on the texts marked ``in_domain`` only, and a gate telling the domain apart.

    Scores are ``(1 - g) * general + g * domain`` with ``g = sigmoid(4 * gate decision)``.
    All three heads sit in one weight matrix (``2k + 1`` columns): still one product."""
    config = config or FeatureConfig()
    labels = tuple(labels)
    k = len(labels)
    raw = text_counts(config, texts)
    idf = idf_fit(config, raw)
    x = tfidf(config, raw, idf)
    index = {label: i for i, label in enumerate(labels)}
    y_idx = np.array([index[t] for t in targets], dtype=np.int64)
    domain = np.flatnonzero(np.asarray(in_domain, dtype=bool))
    w_general, b_general, s_general = _multiclass_head(x, y_idx, k, c, seed, calibration_folds)
    w_domain, b_domain, s_domain = _multiclass_head(x[domain], y_idx[domain], k, c, seed, calibration_folds)
    gate_y = np.zeros(x.shape[0], dtype=np.int8)
    gate_y[domain] = 1
    w_gate, b_gate = _fit_binary(x, gate_y, c, seed)
    weights = np.hstack([w_general, w_domain, w_gate.reshape(-1, 1)]).astype(np.float32)
    bias = np.concatenate([b_general, b_domain, [b_gate]]).astype(np.float32)
    scale = np.concatenate([s_general, s_domain, [GATE_SLOPE]]).astype(np.float32)
    return LinearModel(task=task, labels=labels, kind=MIXTURE, config=config, idf=idf, weights=weights,
                       bias=bias, scale=scale, offset=np.zeros(2 * k + 1, dtype=np.float32))


def fit(task: str, texts: Sequence[str], targets, labels: Sequence[str], *, multilabel: bool = False,
        seed: int = 13, c: float = 0.2, config: FeatureConfig | None = None,
        calibration_folds: int = 3) -> LinearModel:
    """Train a ``LinearModel``.

    ``targets``: for one-label tasks the label of each text; for multi-label tasks an
    ``(n_texts, n_labels)`` 0/1 array in the order of ``labels``."""
    config = config or FeatureConfig()
    labels = tuple(labels)
    raw = text_counts(config, texts)
    idf = idf_fit(config, raw)
    x = tfidf(config, raw, idf)
    n = x.shape[0]
    if multilabel:
        y = np.asarray(targets, dtype=np.int8)
        weights = np.zeros((x.shape[1], len(labels)), dtype=np.float32)
        bias = np.zeros(len(labels), dtype=np.float32)
        xb = x.copy()
        xb.data[:] = 1.0
        for j in range(len(labels)):
            weights[:, j], bias[j] = _fit_binary(x, y[:, j], c, seed, xb)
        oof = np.zeros((n, len(labels)), dtype=np.float64)
        strata = y[:, 0] * 2 + y[:, 1] if y.shape[1] > 1 else y[:, 0]
        for test in _folds(n, calibration_folds, seed, strata) if calibration_folds > 1 else []:
            train = np.setdiff1d(np.arange(n), test)
            xt = x[train]
            xtb = xt.copy()
            xtb.data[:] = 1.0
            for j in range(len(labels)):
                w, b = _fit_binary(xt, y[train, j], c, seed, xtb)
                oof[test, j] = x[test] @ w + b
        platt = ([_platt(oof[:, j], y[:, j]) for j in range(len(labels))] if calibration_folds > 1
                 else [(1.0, 0.0)] * len(labels))
        scale = np.array([a for a, _ in platt], dtype=np.float32)
        offset = np.array([b for _, b in platt], dtype=np.float32)
        kind = SIGMOID
    else:
        index = {label: i for i, label in enumerate(labels)}
        y_idx = np.array([index[t] for t in targets], dtype=np.int64)
        weights, bias, scale = _multiclass_head(x, y_idx, len(labels), c, seed, calibration_folds)
        offset = np.zeros(len(labels), dtype=np.float32)
        kind = SOFTMAX
    return LinearModel(task=task, labels=labels, kind=kind, config=config, idf=idf, weights=weights,
                       bias=bias, scale=scale, offset=offset)
