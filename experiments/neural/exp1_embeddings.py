"""Exp 1: FastText skip-gram trained on train texts; doc vectors appended to Warta's TF-IDF."""
import time, json, sys
from common import *
from gensim.models import FastText, Word2Vec
from sklearn.svm import LinearSVC

seed_all()
t0 = time.time()
d = data()
corpus = [tokens(t) for t in unsup_texts(d)]
print("corpus docs", len(corpus), "tokens", sum(map(len, corpus)), flush=True)
KIND = sys.argv[1] if len(sys.argv) > 1 else "fasttext"
DIM = 150
t = time.time()
if KIND == "fasttext":
    emb = FastText(corpus, vector_size=DIM, window=5, min_count=2, sg=1, epochs=10, workers=1, seed=SEED,
                   min_n=3, max_n=5, negative=10, sample=1e-4).wv
else:
    emb = Word2Vec(corpus, vector_size=DIM, window=5, min_count=2, sg=1, epochs=10, workers=1, seed=SEED,
                   negative=10, sample=1e-4).wv
emb_time = time.time() - t
print(KIND, "trained", round(emb_time, 1), "s; vocab", len(emb.key_to_index), flush=True)
emb.save(f"emb_{KIND}.kv")
for w in ["bagus", "jelek", "marah", "senang", "takut"]:
    if KIND == "fasttext" or w in emb.key_to_index:
        print(w, [x for x, _ in emb.most_similar(w, topn=6)])

def docvecs(texts, mode):
    out = np.zeros((len(texts), DIM * (2 if mode == "meanmax" else 1)), dtype=np.float32)
    for i, t in enumerate(texts):
        toks = tokens(t)
        if KIND != "fasttext":
            toks = [w for w in toks if w in emb.key_to_index]
        if not toks:
            continue
        v = np.stack([emb[w] for w in toks])
        mean = v.mean(0); mean /= (np.linalg.norm(mean) + 1e-9)
        if mode == "meanmax":
            mx = v.max(0); mx /= (np.linalg.norm(mx) + 1e-9)
            out[i] = np.concatenate([mean, mx]) / np.sqrt(2)
        else:
            out[i] = mean
    return out  # unit L2 norm per row

def stack(x, dense, alpha):
    if dense is None: return x
    return sp.hstack([x, sp.csr_matrix(dense * alpha)], format="csr")

results = []
def record(**r):
    results.append(r); print(json.dumps(r), flush=True)

ALPHAS = [0.5, 1.0, 2.0]
# ---------------- EmoT ----------------
tr, va = d["emot_train"], d["emot_valid"]
labels = LABELS[EMOTION]; k = len(labels)
ytr = np.array([labels.index(l) for l in tr.labels]); yva = np.array(va.labels)
feat = Tfidf(tr.texts)
xtr, xva = feat(tr.texts), feat(va.texts)
dv = {m: (docvecs(tr.texts, m), docvecs(va.texts, m)) for m in ["mean", "meanmax"]}
preds = {}
for mode in [None, "mean", "meanmax"]:
    for alpha in ([1.0] if mode is None else ALPHAS):
        t = time.time()
        dtr = None if mode is None else dv[mode][0]; dva = None if mode is None else dv[mode][1]
        # alpha chosen on train: 3-fold CV macro-F1 (no calibration: argmax unaffected)
        folds = L._folds(len(ytr), 3, SEED, ytr); oof = np.zeros(len(ytr), dtype=int)
        X = stack(xtr, dtr, alpha)
        for te in folds:
            trn = np.setdiff1d(np.arange(len(ytr)), te)
            w, b = L._fit_multiclass(X[trn], ytr[trn], k, 0.1, SEED)
            oof[te] = (np.asarray(X[te] @ w) + b).argmax(1)
        cv = macro_f1(ytr, oof)
        w, b, s = fit_softmax_head(X, ytr, k, 0.1)
        p = softmax((np.asarray(stack(xva, dva, alpha) @ w) + b) * s)
        pred = np.array([labels[i] for i in p.argmax(1)])
        preds[(mode, alpha)] = pred
        record(task="emot", block=mode or "none", alpha=alpha, train_cv3_f1=round(cv, 4),
               valid_f1=round(macro_f1(yva, pred), 4), secs=round(time.time() - t, 1))
base = preds[(None, 1.0)]
for key, pred in preds.items():
    if key[0] is not None:
        print("emot bootstrap", key, bootstrap_diff(yva, base, pred))
# dense block alone (reference)
for mode in ["mean", "meanmax"]:
    clf = LinearSVC(C=1.0, class_weight="balanced", random_state=SEED, max_iter=5000).fit(dv[mode][0], ytr)
    record(task="emot", block=mode + " ONLY (LinearSVC C=1)", alpha=None, train_cv3_f1=None,
           valid_f1=round(macro_f1(yva, [labels[i] for i in clf.predict(dv[mode][1])]), 4), secs=None)

# ---------------- SmSA (production mixture: SmSA train + policy tweets) ----------------
tr, pol, va = d["smsa_train"], d["policy"], d["smsa_valid"]
labels = LABELS[SENTIMENT]; k = len(labels)
allt = tr + pol
y_all = np.array([labels.index(l) for l in allt.labels]); yva = np.array(va.labels)
in_dom = [False] * len(tr) + [True] * len(pol)
feat = Tfidf(allt.texts)
xall, xva = feat(allt.texts), feat(va.texts)
dv = {m: (docvecs(allt.texts, m), docvecs(va.texts, m)) for m in ["mean", "meanmax"]}
ntr = len(tr); ysm = y_all[:ntr]
preds = {}
for mode in [None, "mean", "meanmax"]:
    for alpha in ([1.0] if mode is None else ALPHAS):
        t = time.time()
        dall = None if mode is None else dv[mode][0]; dva = None if mode is None else dv[mode][1]
        X = stack(xall, dall, alpha)
        # alpha selection signal on train: 3-fold CV of the plain head on SmSA train
        folds = L._folds(ntr, 3, SEED, ysm); oof = np.zeros(ntr, dtype=int)
        Xs = X[:ntr]
        for te in folds:
            trn = np.setdiff1d(np.arange(ntr), te)
            w, b = L._fit_multiclass(Xs[trn], ysm[trn], k, 0.2, SEED)
            oof[te] = (np.asarray(Xs[te] @ w) + b).argmax(1)
        cv = macro_f1(ysm, oof)
        m = fit_mixture_x(X, y_all, in_dom, k, 0.2)
        p = mixture_proba(m, stack(xva, dva, alpha))
        pred = np.array([labels[i] for i in p.argmax(1)])
        preds[(mode, alpha)] = pred
        record(task="smsa", block=mode or "none", alpha=alpha, train_cv3_f1=round(cv, 4),
               valid_f1=round(macro_f1(yva, pred), 4), secs=round(time.time() - t, 1))
base = preds[(None, 1.0)]
for key, pred in preds.items():
    if key[0] is not None:
        print("smsa bootstrap", key, bootstrap_diff(yva, base, pred))
for mode in ["mean", "meanmax"]:
    clf = LinearSVC(C=1.0, class_weight="balanced", random_state=SEED, max_iter=5000).fit(dv[mode][0][:ntr], ysm)
    record(task="smsa", block=mode + " ONLY (LinearSVC C=1, SmSA train)", alpha=None, train_cv3_f1=None,
           valid_f1=round(macro_f1(yva, [labels[i] for i in clf.predict(dv[mode][1])]), 4), secs=None)
json.dump(results, open(f"exp1_{KIND}.json", "w"), indent=1)
print("total", round(time.time() - t0, 1), "s; embedding training", round(emb_time, 1), "s")
