"""Chinese sentiment: accuracy and reviews per CPU-second of the shipped ensemble on the test split, with
its LoRA e5 member in float32 and in int8 (dynamic quantization), and at other gate shares.

    HF_HUB_OFFLINE=1 python benchmarks/text_sentiment_speed.py [--gates 0.3,0.2] [--limit N]

Test split as in text_sentiment.py (reviews/online-shopping-zh, stratified 80/20, seed 0). The gate
share is turned into the n-gram member's |decision| threshold on the first 2,000 *training* reviews.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from text_sentiment import metrics, zh_split  # noqa: E402

from shopmind.text.sentiment import MODELS_DIR, load_model  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gates", default="0.3", help="gate shares to run (0.3: the shipped gate)")
    ap.add_argument("--limit", type=int, default=0, help="first N test reviews only (0: all)")
    a = ap.parse_args()
    tr_x, _, te_x, te_y, _, _ = zh_split()
    if a.limit:
        te_x, te_y = te_x[: a.limit], te_y[: a.limit]
    rows = []
    for int8 in (False, True):
        model = load_model(MODELS_DIR / "sentiment_zh.npz")
        enc = model.members[1]
        enc.int8 = int8
        shipped = model.gate
        ref = np.abs(model.members[0].decision(tr_x[:2000]))
        for share in [float(g) for g in a.gates.split(",")]:
            model.gate = shipped if abs(share - 0.3) < 1e-9 else float(np.quantile(ref, share))
            model.predict_proba(te_x[:16])  # build the network outside the timing
            load = os.getloadavg()[0]
            t, c = time.time(), time.process_time()
            p = model.predict_proba(te_x)
            wall, cpu = time.time() - t, time.process_time() - c
            gated = float(np.mean(np.abs(model.members[0].decision(te_x)) < model.gate))
            rows.append({"encoder": "int8" if int8 else "float32", "gate_share": share,
                         "gate": round(model.gate, 3), "encoder_share_test": round(gated, 3),
                         **metrics(te_y, p), "reviews_per_s": round(len(te_x) / wall, 1),
                         "reviews_per_cpu_s": round(len(te_x) / cpu, 1), "load_avg_1min": round(load, 2)})
            print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main()
