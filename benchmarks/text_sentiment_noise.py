"""Label-noise cleaning of the Chinese sentiment training part, on the validation share only (the test
split is never read): out-of-fold scores of the category-ngram model, then refits on training parts with
the most contradicted labels dropped or flipped (benchmarks/results/text.md, "sixth pass").

    python benchmarks/text_sentiment_noise.py base               # baseline fit (SEED env, default 0)
    python benchmarks/text_sentiment_noise.py oof 5              # 5-fold out-of-fold P(positive)
    python benchmarks/text_sentiment_noise.py clean 5 drop 0.01 0.02 0.04 cl   # or: clean 5 relabel 0.02

Intermediate arrays and one JSON line per variant go to $SHOPMIND_NOISE_DIR (default /tmp/shopmind-noise).
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from text_sentiment import zh_split, zh_validation_hold  # noqa: E402

from shopmind.text.catlinear import CategoryNgramClassifier  # noqa: E402
from shopmind.text.noise import clean, out_of_fold_proba, pick_suspicious  # noqa: E402

D = Path(os.environ.get("SHOPMIND_NOISE_DIR", "/tmp/shopmind-noise"))
D.mkdir(parents=True, exist_ok=True)
SEED = int(os.environ.get("SEED", 0))
tr_x, tr_y, _te_x, _te_y, tr_cat, _ = zh_split()
del _te_x, _te_y
hold = zh_validation_hold(tr_y)
T = np.flatnonzero(~hold); V = np.flatnonzero(hold)
X = [tr_x[i] for i in T]; Y = tr_y[T]; C = [tr_cat[i] for i in T]
VX = [tr_x[i] for i in V]; VY = tr_y[V]
print("train", len(T), "val", len(V), flush=True)

def fit(rows, labels):
    np.random.seed(SEED)  # liblinear draws its seed from numpy's global RNG
    return CategoryNgramClassifier().fit([X[i] for i in rows], labels, [C[i] for i in rows])

def log(rec):
    print(rec, flush=True)
    with open(D / "results.jsonl", "a") as f:
        f.write(json.dumps(rec) + "\n")

phase = sys.argv[1]
if phase == "base":
    t = time.time(); m = fit(np.arange(len(T)), Y); s = time.time() - t
    p = m.predict_proba(VX)
    np.savez(D / f"base_val_p{SEED}.npz", p=p, rows=V)
    log({"variant": "baseline", "seed": SEED, "n_train": len(T), "val_acc": round(float(np.mean((p >= 0.5) == VY)), 4), "fit_s": round(s)})
elif phase == "oof":
    k = int(sys.argv[2])
    cats = sorted(set(C)); strata = Y * 100 + np.array([cats.index(c) for c in C])
    def fp(a, b):
        t = time.time(); m = fit(a, Y[a]); p = m.predict_proba([X[i] for i in b])
        print(f"  fold fit+score {time.time()-t:.0f}s, fold acc {np.mean((p>=0.5)==Y[b]):.4f}", flush=True)
        return p
    p = out_of_fold_proba(fp, Y, k=k, seed=0, strata=strata, progress=True)
    np.savez(D / f"oof{k}.npz", p=p, rows=T)
    log({"variant": f"oof k={k}", "oof_acc": round(float(np.mean((p >= 0.5) == Y)), 4),
         "contradicted": int(np.sum(np.where(Y == 1, 1 - p, p) > 0.5))})
elif phase == "clean":
    k, mode = int(sys.argv[2]), sys.argv[3]
    p = np.load(D / f"oof{k}.npz")["p"]
    for sh in sys.argv[4:]:
        share = None if sh == "cl" else float(sh)
        bad = pick_suspicious(p, Y, share)
        rows, lab = clean(Y, bad, mode)
        t = time.time(); m = fit(rows, lab); s = time.time() - t
        pv = m.predict_proba(VX)
        log({"variant": f"{mode} {sh}", "seed": SEED, "k": k, "n_picked": int(len(bad)), "picked_pos_share": round(float(Y[bad].mean()), 3),
             "n_train": int(len(rows)), "val_acc": round(float(np.mean((pv >= 0.5) == VY)), 4), "fit_s": round(s)})
