"""Blend the fine-tuned transformer's probabilities with the linear model's (softmax of its
calibrated decision). The weight is chosen on a held-out 20 % of TRAIN (both models fitted on
the other 80 %), then applied to the full-train models on valid."""
import json, sys
from common import *

def held_split(tr):
    folds = L._folds(len(tr), 5, SEED, np.array(tr.labels))
    held = folds[0]; return np.setdiff1d(np.arange(len(tr)), held), held

d = data(); out = {}
GRID = np.round(np.arange(0, 1.0001, 0.05), 2)
for task in sys.argv[1:] or ["emot", "smsa"]:
    init = "pre"
    if task == "emot":
        tr, va, labels = d["emot_train"], d["emot_valid"], LABELS[EMOTION]
        fit = lambda data_: T.fit_task(EMOTION, data_, seed=SEED)
    else:
        tr, va, labels = d["smsa_train"], d["smsa_valid"], LABELS[SENTIMENT]
        fit = lambda data_: T.fit_sentiment(data_, d["policy"], seed=SEED)
    fit_idx, held = held_split(tr)
    h = tr.subset(held)
    lin_held = fit(tr.subset(fit_idx)).predict_proba(h.texts)
    lin_valid = fit(tr).predict_proba(va.texts)
    for init in ["pre", "scratch", "cnn", "gru"]:
        try:
            nn_held = np.load(f"probs_{task}_{init}_split.npz")["held"]
        except FileNotFoundError:
            continue
        nn_valid = np.load(f"probs_{task}_{init}_full.npz")["valid"]
        yh, yv = np.array(h.labels), np.array(va.labels)
        f = lambda p, y: macro_f1(y, [labels[i] for i in p.argmax(1)])
        held_curve = [f(w * nn_held + (1 - w) * lin_held, yh) for w in GRID]
        best = max(held_curve); ws = [w for w, s in zip(GRID, held_curve) if s >= best - 1e-9]
        w = float(np.median(ws))
        valid_curve = [f(x * nn_valid + (1 - x) * lin_valid, yv) for x in GRID]
        pb = lambda p: np.array([labels[i] for i in p.argmax(1)])
        r = {"task": task, "init": init, "w_chosen_on_train_heldout": w,
             "held_linear": round(held_curve[0], 4), "held_nn": round(held_curve[-1], 4), "held_best": round(best, 4),
             "valid_linear": round(valid_curve[0], 4), "valid_nn": round(valid_curve[-1], 4),
             "valid_blend": round(f(w * nn_valid + (1 - w) * lin_valid, yv), 4),
             "bootstrap_blend_minus_linear": bootstrap_diff(yv, pb(lin_valid), pb(w * nn_valid + (1 - w) * lin_valid)),
             "valid_curve_for_info_only": dict(zip(map(float, GRID), [round(x, 4) for x in valid_curve])),
             "held_curve": dict(zip(map(float, GRID), [round(x, 4) for x in held_curve]))}
        out[f"{task}_{init}"] = r; print(json.dumps(r), flush=True)
json.dump(out, open("blend_" + "_".join(sys.argv[1:] or ["all"]) + ".json", "w"), indent=1)
