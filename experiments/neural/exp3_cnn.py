"""Exp 3: Kim-style 1-D CNN (or BiGRU) over the experiment-1 FastText embeddings (train texts only).
Usage: exp3_cnn.py {cnn|gru} {emot|smsa} EPOCHS"""
import sys, time, json, math
from common import *
import torch, torch.nn as nn, torch.nn.functional as F
from gensim.models import KeyedVectors
torch.set_num_threads(1); seed_all()
arch, task, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
part = sys.argv[4] if len(sys.argv) > 4 else "full"
d = data()
tr, va = (d["emot_train"], d["emot_valid"]) if task == "emot" else (d["smsa_train"], d["smsa_valid"])
held_set = None
if part == "split":  # same 80/20 split of train as exp2 (for choosing a blend weight)
    folds = L._folds(len(tr), 5, SEED, np.array(tr.labels)); hi = folds[0]
    held_set = tr.subset(hi); tr = tr.subset(np.setdiff1d(np.arange(len(tr)), hi))
labels = LABELS[EMOTION if task == "emot" else SENTIMENT]; k = len(labels)
kv = KeyedVectors.load("emb_fasttext.kv")
# vocabulary: tokens of the unsupervised (train) corpus; OOV words get FastText's char-n-gram vectors
vocab = ["<pad>"] + sorted(kv.key_to_index)
index = {w: i for i, w in enumerate(vocab)}
def ids(texts, extend):
    out = []
    for t in texts:
        row = []
        for w in tokens(t)[:128]:
            if w not in index and extend:
                index[w] = len(vocab); vocab.append(w)
            row.append(index.get(w, 0))
        out.append(row or [0])
    return out
xtr, xva = ids(tr.texts, True), ids(va.texts, True)
xhe = ids(held_set.texts, True) if held_set is not None else None  # OOV valid words: vector from char n-grams only, no label info
E = np.stack([np.zeros(kv.vector_size, dtype=np.float32)] + [kv[w] for w in vocab[1:]])
E /= (np.linalg.norm(E, axis=1, keepdims=True) + 1e-9)
ytr = np.array([labels.index(l) for l in tr.labels]); yva = np.array(va.labels)

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding.from_pretrained(torch.tensor(E) * 3, freeze=False, padding_idx=0)
        if arch == "cnn":
            self.convs = nn.ModuleList([nn.Conv1d(E.shape[1], 128, w, padding=w - 1) for w in (1, 2, 3, 4)])
            out = 128 * 4 * 2
        else:
            self.rnn = nn.GRU(E.shape[1], 128, batch_first=True, bidirectional=True); out = 256 * 2
        self.drop = nn.Dropout(0.5); self.fc = nn.Linear(out, k)
    def forward(self, x):
        m = (x != 0).float().unsqueeze(-1); e = self.drop(self.emb(x)) if self.training else self.emb(x)
        if arch == "cnn":
            hs = [F.relu(c(e.transpose(1, 2))).transpose(1, 2)[:, : x.shape[1]] for c in self.convs]
            h = torch.cat(hs, -1)
        else:
            h, _ = self.rnn(e)
        mx = (h - 1e4 * (1 - m)).max(1).values; mean = (h * m).sum(1) / m.sum(1).clamp(min=1)
        return self.fc(self.drop(torch.cat([mx, mean], -1)))

def batches(seqs, bs, rng):
    idx = np.arange(len(seqs))
    if rng is not None: rng.shuffle(idx)
    for s in range(0, len(idx), bs):
        b = idx[s:s + bs]; L_ = max(len(seqs[i]) for i in b)
        x = torch.zeros((len(b), L_), dtype=torch.long)
        for j, i in enumerate(b): x[j, :len(seqs[i])] = torch.tensor(seqs[i])
        yield b, x

net = Net(); opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-4)
cw = torch.tensor(len(ytr) / (k * np.bincount(ytr, minlength=k)), dtype=torch.float32)
rng = np.random.default_rng(SEED); t0 = time.time(); log = []
total = epochs * math.ceil(len(xtr) / 32); step = 0
for ep in range(1, epochs + 1):
    net.train()
    for b, x in batches(xtr, 32, rng):
        for pg in opt.param_groups: pg["lr"] = 1e-3 * (1 - step / total)
        loss = F.cross_entropy(net(x), torch.tensor(ytr[b]), weight=cw)
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
    net.eval(); P = np.zeros((len(xva), k), dtype=np.float32)
    with torch.no_grad():
        for b, x in batches(xva, 128, None): P[b] = F.softmax(net(x), -1).numpy()
    row = {"epoch": ep, "secs": round(time.time() - t0, 1), "valid_f1": round(macro_f1(yva, [labels[i] for i in P.argmax(1)]), 4)}
    log.append(row); print(json.dumps(row), flush=True)
out = {"valid": P}
if xhe is not None:
    H = np.zeros((len(xhe), k), dtype=np.float32)
    with torch.no_grad():
        for b, x in batches(xhe, 128, None): H[b] = F.softmax(net(x), -1).numpy()
    out["held"] = H
np.savez(f"probs_{task}_{arch}_{part}.npz", **out)
json.dump({"arch": arch, "task": task, "part": part, "epochs": epochs, "log": log, "final": log[-1]}, open(f"exp3_{arch}_{task}_{part}.json", "w"))
