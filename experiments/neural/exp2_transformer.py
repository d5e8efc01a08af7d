"""Exp 2: small transformer encoder, WordPiece tokenizer and MLM pretraining on train texts only.

Usage:
  exp2_transformer.py tokenizer
  exp2_transformer.py bench
  exp2_transformer.py pretrain MINUTES
  exp2_transformer.py finetune TASK {pre|scratch} {full|split} EPOCHS
"""
import sys, time, json, math, os
from common import *
import torch, torch.nn as nn, torch.nn.functional as F
from tokenizers import Tokenizer, models, trainers, pre_tokenizers, normalizers
from warta.language.normalise import normalise

torch.set_num_threads(1)
seed_all()
HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB = 8000
MAXLEN = 128
D, LAYERS, HEADS, FF = 256, 4, 4, 512
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD, UNK, CLS, SEP, MASK = range(5)

def train_tokenizer(texts):
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tr = trainers.WordPieceTrainer(vocab_size=VOCAB, min_frequency=2, special_tokens=SPECIALS)
    tok.train_from_iterator([normalise(t) for t in texts], tr)
    tok.save(f"{HERE}/wordpiece.json")
    return tok

def encode(tok, texts):
    out = []
    for enc in tok.encode_batch([normalise(t) for t in texts]):
        out.append([CLS] + enc.ids[: MAXLEN - 2] + [SEP])
    return out

class Encoder(nn.Module):
    def __init__(self, vocab=VOCAB):
        super().__init__()
        self.tok = nn.Embedding(vocab, D, padding_idx=PAD)
        self.pos = nn.Embedding(MAXLEN, D)
        layer = nn.TransformerEncoderLayer(D, HEADS, FF, dropout=0.1, activation="gelu", batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D)
        self.drop = nn.Dropout(0.1)
        nn.init.normal_(self.tok.weight, std=0.02); nn.init.normal_(self.pos.weight, std=0.02)
        with torch.no_grad(): self.tok.weight[PAD].zero_()
    def forward(self, ids):
        pad = ids == PAD
        h = self.drop(self.tok(ids) + self.pos(torch.arange(ids.shape[1])[None]))
        return self.norm(self.enc(h, src_key_padding_mask=pad)), pad

class MLM(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = Encoder()
        self.head = nn.Sequential(nn.Linear(D, D), nn.GELU(), nn.LayerNorm(D))
        self.bias = nn.Parameter(torch.zeros(VOCAB))
    def forward(self, ids, targets):
        h, _ = self.body(ids)
        sel = targets != -100
        z = self.head(h[sel]) @ self.body.tok.weight.T + self.bias  # tied output, masked positions only
        return F.cross_entropy(z, targets[sel])

class Classifier(nn.Module):
    def __init__(self, k):
        super().__init__()
        self.body = Encoder(); self.drop = nn.Dropout(0.1); self.out = nn.Linear(D, k)
    def forward(self, ids):
        h, pad = self.body(ids)
        keep = (~pad).unsqueeze(-1).float()
        pooled = (h * keep).sum(1) / keep.sum(1).clamp(min=1)  # mean pooling
        return self.out(self.drop(pooled))

def batches(seqs, bs, rng, shuffle=True):
    """Length-bucketed batches (sort within chunks of 50 batches), padded to the batch max."""
    idx = np.arange(len(seqs))
    if shuffle: rng.shuffle(idx)
    chunk = bs * 50
    order = []
    for s in range(0, len(idx), chunk):
        c = idx[s:s + chunk]; order.extend(sorted(c, key=lambda i: len(seqs[i])))
    bl = [order[s:s + bs] for s in range(0, len(order), bs)]
    if shuffle: rng.shuffle(bl)
    for b in bl:
        L_ = max(len(seqs[i]) for i in b)
        ids = torch.full((len(b), L_), PAD, dtype=torch.long)
        for j, i in enumerate(b): ids[j, :len(seqs[i])] = torch.tensor(seqs[i])
        yield b, ids

def mask_tokens(ids, rng_t):
    targets = ids.clone()
    special = ids < 5
    prob = torch.rand(ids.shape, generator=rng_t)
    m = (prob < 0.15) & ~special
    targets[~m] = -100
    r = torch.rand(ids.shape, generator=rng_t)
    ids = ids.clone()
    ids[m & (r < 0.8)] = MASK
    rnd = m & (r >= 0.8) & (r < 0.9)
    ids[rnd] = torch.randint(5, VOCAB, (int(rnd.sum()),), generator=rng_t)
    return ids, targets

def pretrain(minutes):
    d = data(); tok = Tokenizer.from_file(f"{HERE}/wordpiece.json")
    seqs = encode(tok, unsup_texts(d))
    print("pretrain docs", len(seqs), "wordpieces", sum(map(len, seqs)), flush=True)
    model = MLM(); opt = torch.optim.AdamW(model.parameters(), lr=5e-4, weight_decay=0.01, betas=(0.9, 0.98))
    budget = minutes * 60; t0 = time.time(); rng = np.random.default_rng(SEED); g = torch.Generator().manual_seed(SEED)
    step, epoch, done, hist = 0, 0, False, []
    while not done:
        epoch += 1
        for _, ids in batches(seqs, 64, rng):
            frac = (time.time() - t0) / budget
            if frac >= 1: done = True; break
            lr = 5e-4 * min(1.0, step / 300) * max(0.0, 1 - frac)  # warmup, then linear decay in TIME
            for pg in opt.param_groups: pg["lr"] = lr
            x, y = mask_tokens(ids, g)
            loss = model(x, y); opt.zero_grad(); loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); step += 1
            hist.append(loss.item())
            if step % 100 == 0:
                print(f"step {step} epoch {epoch} {time.time()-t0:.0f}s loss {np.mean(hist[-100:]):.3f}", flush=True)
    torch.save(model.body.state_dict(), f"{HERE}/mlm_body.pt")
    info = dict(minutes=minutes, steps=step, epochs_started=epoch, final_loss=float(np.mean(hist[-100:])),
                secs=round(time.time() - t0, 1))
    json.dump(info, open(f"{HERE}/pretrain_info.json", "w")); print(info, flush=True)

def task_data(task, part):
    """Return (train texts, train labels, eval sets {name: (texts, labels)}, labels)."""
    d = data()
    tr, va = (d["emot_train"], d["emot_valid"]) if task == "emot" else (d["smsa_train"], d["smsa_valid"])
    labels = LABELS[EMOTION if task == "emot" else SENTIMENT]
    if part == "full":
        return tr.texts, tr.labels, {"valid": (va.texts, va.labels)}, labels
    # 'split': 80 % of train to fit, 20 % held out (for choosing the blend weight), valid too
    folds = L._folds(len(tr), 5, SEED, np.array(tr.labels))
    held = folds[0]; fit_idx = np.setdiff1d(np.arange(len(tr)), held)
    a, h = tr.subset(fit_idx), tr.subset(held)
    return a.texts, a.labels, {"held": (h.texts, h.labels), "valid": (va.texts, va.labels)}, labels

def finetune(task, init, part, epochs):
    tok = Tokenizer.from_file(f"{HERE}/wordpiece.json")
    texts, ys, evals, labels = task_data(task, part)
    k = len(labels); y = np.array([labels.index(l) for l in ys])
    seqs = encode(tok, texts)
    model = Classifier(k)
    if init == "pre":
        model.body.load_state_dict(torch.load(f"{HERE}/mlm_body.pt"))
    lr = 1e-4 if init == "pre" else 3e-4
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    counts_ = np.bincount(y, minlength=k); cw = torch.tensor(len(y) / (k * counts_), dtype=torch.float32)
    bs = 32; total = epochs * math.ceil(len(seqs) / bs); step = 0
    rng = np.random.default_rng(SEED); t0 = time.time()
    enc_evals = {n: (encode(tok, t), np.array(l)) for n, (t, l) in evals.items()}
    log = []
    for ep in range(1, epochs + 1):
        model.train()
        for b, ids in batches(seqs, bs, rng):
            warm = max(1, int(0.1 * total))
            for pg in opt.param_groups: pg["lr"] = lr * ((step + 1) / warm if step < warm else max(0.0, (total - step) / (total - warm)))
            loss = F.cross_entropy(model(ids), torch.tensor(y[b]), weight=cw)
            opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); step += 1
        probs = {n: predict(model, s) for n, (s, _) in enc_evals.items()}
        row = {"epoch": ep, "secs": round(time.time() - t0, 1)}
        for n, (s, l) in enc_evals.items():
            row[n + "_f1"] = round(macro_f1(l, [labels[i] for i in probs[n].argmax(1)]), 4)
        log.append(row); print(json.dumps(row), flush=True)
    name = f"{task}_{init}_{part}"
    np.savez(f"{HERE}/probs_{name}.npz", **probs)
    json.dump({"task": task, "init": init, "part": part, "epochs": epochs, "lr": lr, "batch": bs, "log": log,
               "final": log[-1]}, open(f"{HERE}/ft_{name}.json", "w"))

@torch.no_grad()
def predict(model, seqs):
    model.eval(); out = np.zeros((len(seqs), model.out.out_features), dtype=np.float32)
    for b, ids in batches(seqs, 64, None, shuffle=False):
        out[b] = F.softmax(model(ids), -1).numpy()
    return out

def bench():
    tok = Tokenizer.from_file(f"{HERE}/wordpiece.json"); d = data()
    for name in ["smsa_train", "emot_train", "policy", "abuse"]:
        s = encode(tok, d[name].texts); ls = np.array([len(x) for x in s])
        print(name, "len mean", ls.mean().round(1), "p50", np.median(ls), "p95", np.percentile(ls, 95), ">=128", (ls >= 128).mean().round(3))
    model = MLM(); opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    print("params", sum(p.numel() for p in model.parameters()))
    g = torch.Generator().manual_seed(0)
    for L_ in [48, 128]:
        ids = torch.randint(5, VOCAB, (32, L_)); t = time.time()
        for _ in range(3):
            x, y = mask_tokens(ids, g); loss = model(x, y); opt.zero_grad(); loss.backward(); opt.step()
        dt = (time.time() - t) / 3; print(f"train step bs32 len{L_}: {dt:.2f}s = {32*L_/dt:.0f} tok/s", flush=True)

if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "tokenizer":
        t = time.time(); tok = train_tokenizer(unsup_texts(data())); print("tokenizer", tok.get_vocab_size(), round(time.time() - t, 1), "s")
        print(tok.encode(normalise("pelayanannya sangat mengecewakan, gak bakal balik lagi!")).tokens)
    elif cmd == "bench": bench()
    elif cmd == "pretrain": pretrain(float(sys.argv[2]))
    elif cmd == "finetune": finetune(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
