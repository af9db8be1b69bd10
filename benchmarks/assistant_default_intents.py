"""The shipped default intent model (trained only on the project's own examples) on real messages it
never saw: all of Bitext (English), its two stratified halves (seed 42: "dev" is the half whose errors
were read while writing examples, "test" the half never looked at), and the own Chinese test set; plus
how many in-scope messages pass the clarification threshold.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python benchmarks/assistant_default_intents.py [--model PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, f1_score

from shopmind.assistant import intents as I
from shopmind.assistant.assistant import CLARIFY_THRESHOLD
from shopmind.config import data_dir

ROOT = Path(__file__).resolve().parents[1]


def scores(gold, pred) -> dict:
    return {"accuracy": round(float(accuracy_score(gold, pred)), 4),
            # macro over the test set's own intents (a prediction outside them still counts as an error)
            "macro_f1": round(float(f1_score(gold, pred, labels=sorted(set(gold)), average="macro", zero_division=0)), 4),
            "n": len(gold)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, default=I.DEFAULT_MODEL)
    args = ap.parse_args()
    model = I.IntentModel.load(args.model)
    train_texts, _ = I.read_intent_csv(I.DEFAULT_EXAMPLES)
    seen = {t.lower().strip() for t in train_texts}
    bt, bl = I.read_intent_csv(data_dir() / "support" / "bitext" / "support.csv")
    zt, zl = I.read_intent_csv(ROOT / "tests" / "data" / "assistant" / "intents_zh_test.csv")
    t0 = time.perf_counter()
    bp = model.predict_proba(bt)
    encode_s = time.perf_counter() - t0
    zp = model.predict_proba(zt)
    bpred, zpred = np.array(model.labels)[bp.argmax(1)], np.array(model.labels)[zp.argmax(1)]
    bl_a, zl_a = np.array(bl), np.array(zl)
    dev, test = I.stratified_split(bl, test_size=0.5, seed=42)
    out = {
        "model": str(args.model), "train_rows": len(train_texts),
        "bitext_rows_also_in_training": sum(t.lower().strip() in seen for t in bt),
        "bitext_all": scores(bl_a, bpred),
        "bitext_dev_half": scores(bl_a[dev], bpred[dev]),
        "bitext_test_half": scores(bl_a[test], bpred[test]),
        "zh_test": scores(zl_a, zpred),
        "clarify_threshold": CLARIFY_THRESHOLD,
        "passing_threshold": {"bitext": round(float((bp.max(1) >= CLARIFY_THRESHOLD).mean()), 4),
                              "zh_test": round(float((zp.max(1) >= CLARIFY_THRESHOLD).mean()), 4)},
        "seconds_bitext": round(encode_s, 1),
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
