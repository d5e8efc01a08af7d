"""Paired bootstraps on valid: transformer (pre / scratch, full train) vs the linear model, pre vs scratch."""
import json
from common import *
d = data(); out = {}
for task in ["emot", "smsa"]:
    if task == "emot":
        tr, va, labels = d["emot_train"], d["emot_valid"], LABELS[EMOTION]
        lin = T.fit_task(EMOTION, tr, seed=SEED)
    else:
        tr, va, labels = d["smsa_train"], d["smsa_valid"], LABELS[SENTIMENT]
        lin = T.fit_sentiment(tr, d["policy"], seed=SEED)
    y = np.array(va.labels)
    pl = np.array([labels[i] for i in lin.predict_proba(va.texts).argmax(1)])
    pp = np.array([labels[i] for i in np.load(f"probs_{task}_pre_full.npz")["valid"].argmax(1)])
    ps = np.array([labels[i] for i in np.load(f"probs_{task}_scratch_full.npz")["valid"].argmax(1)])
    r = {"linear": macro_f1(y, pl), "pre": macro_f1(y, pp), "scratch": macro_f1(y, ps),
         "pre_minus_linear": bootstrap_diff(y, pl, pp), "scratch_minus_linear": bootstrap_diff(y, pl, ps),
         "pre_minus_scratch": bootstrap_diff(y, ps, pp),
         "agreement_pre_linear": float((pp == pl).mean()),
         "oracle_either_correct": float(((pp == y) | (pl == y)).mean()), "acc_linear": float((pl == y).mean())}
    out[task] = r; print(task, json.dumps(r), flush=True)
json.dump(out, open("exp2_compare.json", "w"), indent=1)
