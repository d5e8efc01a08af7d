"""Shared helpers: data, Warta's TF-IDF features and heads (imported read-only), metrics."""
import os, sys, time, random
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))  # the repository
import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score
from warta.language import corpus as C
from warta.language import training as T
from warta.language.normalise import tokens
from warta.language.features import FeatureConfig, counts, idf_fit, tfidf
from warta.language.backends import linear as L
from warta.language.prediction import LABELS, SENTIMENT, EMOTION

SEED = 13

def seed_all(s=SEED):
    random.seed(s); np.random.seed(s)
    try:
        import torch; torch.manual_seed(s)
    except ImportError:
        pass

def data():
    """Return dict of Labelled sets (train-side only except *_valid)."""
    return {"smsa_train": C.smsa("train"), "smsa_valid": C.smsa("valid"), "policy": C.policy_tweets(),
            "emot_train": C.emot("train"), "emot_valid": C.emot("valid"), "abuse": C.abuse()}

def unsup_texts(d):
    """All TRAIN texts (never valid) for unsupervised pretraining."""
    return d["smsa_train"].texts + d["policy"].texts + d["emot_train"].texts + d["abuse"].texts

def macro_f1(y_true, y_pred):
    return f1_score(y_true, y_pred, average="macro")

def bootstrap_diff(y, pa, pb, n=1000, seed=SEED):
    """Paired bootstrap of macro-F1(b) - macro-F1(a) over valid rows: mean, 2.5%, 97.5%, P(diff<=0)."""
    rng = np.random.default_rng(seed)
    y, pa, pb = map(np.asarray, (y, pa, pb))
    m = len(y); diffs = []
    for _ in range(n):
        i = rng.integers(0, m, m)
        diffs.append(f1_score(y[i], pb[i], average="macro") - f1_score(y[i], pa[i], average="macro"))
    diffs = np.array(diffs)
    return float(diffs.mean()), float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5)), float((diffs <= 0).mean())

def softmax(d):
    e = np.exp(d - d.max(axis=1, keepdims=True)); return e / e.sum(axis=1, keepdims=True)

class Tfidf:
    """Warta's hashed TF-IDF, fitted on a training list of texts."""
    def __init__(self, texts, config=None):
        self.config = config or FeatureConfig()
        raw = counts(self.config, [tokens(t) for t in texts])
        self.idf = idf_fit(self.config, raw)
    def __call__(self, texts):
        return tfidf(self.config, counts(self.config, [tokens(t) for t in texts]), self.idf).astype(np.float32)

def fit_softmax_head(x, y_idx, k, c, seed=SEED, calibration_folds=3):
    """Warta's calibrated one-vs-rest plain+NB-SVM head on an arbitrary (sparse) matrix."""
    return L._multiclass_head(x, y_idx, k, c, seed, calibration_folds)

def fit_mixture_x(x, y_idx, in_domain, k, c, seed=SEED, calibration_folds=3):
    """Warta's sentiment mixture (general + domain + gate) on an arbitrary matrix x."""
    domain = np.flatnonzero(np.asarray(in_domain, dtype=bool))
    wg, bg, sg = L._multiclass_head(x, y_idx, k, c, seed, calibration_folds)
    wd, bd, sd = L._multiclass_head(x[domain], y_idx[domain], k, c, seed, calibration_folds)
    gy = np.zeros(x.shape[0], dtype=np.int8); gy[domain] = 1
    wgate, bgate = L._fit_binary(x, gy, c, seed)
    return dict(wg=wg, bg=bg, sg=sg, wd=wd, bd=bd, sd=sd, wgate=wgate, bgate=bgate)

def mixture_proba(m, x):
    g = 1 / (1 + np.exp(-L.GATE_SLOPE * (np.asarray(x @ m["wgate"]).ravel() + m["bgate"])))[:, None]
    pg = softmax((np.asarray(x @ m["wg"]) + m["bg"]) * m["sg"])
    pd = softmax((np.asarray(x @ m["wd"]) + m["bd"]) * m["sd"])
    return (1 - g) * pg + g * pd
