"""Chat latency (p50/p95 per message) and groundedness over the scripted conversations, on the sample
knowledge base in a temporary Shop (SQLite store, the shop's real search engine; the recommender is not
trained, so recommendation requests go to search), without a generative backend.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 python benchmarks/assistant_chat.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from shopmind.assistant.grounding import groundedness
from shopmind.assistant.sample import load_bundle
from shopmind.config import Settings
from shopmind.shop import Shop

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "assistant"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    convs = json.loads((DATA / "conversations.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as d:
        shop = Shop(Settings(home=Path(d) / "home"))
        store = shop.store
        load_bundle(store, DATA / "kb.json")
        t0 = time.perf_counter()
        shop.search  # index the catalog
        a = shop.assistant  # built and warmed
        warm_s = time.perf_counter() - t0
        lat, pairs = [], []
        for rnd in range(args.rounds):
            for c in convs:
                for turn in c["turns"]:
                    t = time.perf_counter()
                    r = a.chat(f"{c['id']}-{rnd}", turn["message"], c["user_id"])
                    lat.append(time.perf_counter() - t)
                    if rnd == 0:
                        pairs.append((turn["message"], r))
        g = groundedness(store, pairs)
        shop.close()
    ms = np.array(lat) * 1000
    print(json.dumps({"messages": len(lat), "warm_s": round(warm_s, 2), "p50_ms": round(float(np.percentile(ms, 50)), 1),
                      "p95_ms": round(float(np.percentile(ms, 95)), 1), "max_ms": round(float(ms.max()), 1),
                      "groundedness": {k: v for k, v in g.items() if k != "failures"}, "failures": g["failures"]},
                     ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
