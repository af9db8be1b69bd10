"""Intent accuracy on Bitext (stratified 80/20 split, seeded) next to the baselines measured in the same
run (TF-IDF + LR, MiniLM + LR), plus the default model on the Chinese held-out set.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python benchmarks/assistant_intents.py [--seeds 0 1 2]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score

from shopmind.assistant import intents as I
from shopmind.config import data_dir

ROOT = Path(__file__).resolve().parents[1]


def scores(gold, pred) -> dict:
    return {"accuracy": round(float(accuracy_score(gold, pred)), 4),
            "macro_f1": round(float(f1_score(gold, pred, average="macro")), 4)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = ap.parse_args()
    texts, labels = I.read_intent_csv(data_dir() / "support" / "bitext" / "support.csv")
    X, y = np.array(texts, dtype=object), np.array(labels)
    t0 = time.perf_counter()
    E = I.encoder_fn("e5")(list(texts))
    t_e5 = time.perf_counter() - t0
    from shopmind.embed import get_encoder

    t0 = time.perf_counter()
    M = get_encoder("minilm-torch").encode_passages(list(texts))
    t_mini = time.perf_counter() - t0
    rows = []
    for seed in args.seeds:
        tr, te = I.stratified_split(labels, 0.2, seed)
        vec = TfidfVectorizer(sublinear_tf=True)
        lr = LogisticRegression(max_iter=3000, C=10).fit(vec.fit_transform(X[tr]), y[tr])
        rows.append({"seed": seed, "method": "TF-IDF + LR (baseline)", **scores(y[te], lr.predict(vec.transform(X[te])))})
        lr = LogisticRegression(max_iter=3000, C=10).fit(M[tr], y[tr])
        rows.append({"seed": seed, "method": "MiniLM + LR (baseline)", **scores(y[te], lr.predict(M[te]))})
        t0 = time.perf_counter()
        model = I.fit(list(X[tr]), list(y[tr]), vectors=E[tr], seed=seed)
        fit_s = time.perf_counter() - t0
        rows.append({"seed": seed, "method": "shopmind: e5 + char n-gram TF-IDF + LR",
                     **scores(y[te], model.predict(list(X[te]), vectors=E[te])), "fit_s": round(fit_s, 1)})
    zt, zl = I.read_intent_csv(ROOT / "tests" / "data" / "assistant" / "intents_zh_test.csv")
    default = I.default_model()
    zh = I.evaluate(default, zt, zl)
    en_all = I.evaluate(default, texts, labels)
    out = {"bitext": rows, "default_on_zh_test": zh, "default_on_all_bitext": en_all,
           "encode_s": {"e5": round(t_e5, 1), "minilm": round(t_mini, 1)}, "n": len(texts)}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    by = {}
    for r in rows:
        by.setdefault(r["method"], []).append(r)
    print("\n| method | accuracy (mean over seeds) | macro-F1 | per seed (acc) |\n|---|---|---|---|")
    for m, rs in by.items():
        print(f"| {m} | {np.mean([r['accuracy'] for r in rs]):.4f} | {np.mean([r['macro_f1'] for r in rs]):.4f} | "
              + ", ".join(f"{r['accuracy']:.4f}" for r in rs) + " |")


if __name__ == "__main__":
    main()
