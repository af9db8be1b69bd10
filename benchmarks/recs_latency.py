"""Recommendation latency per user from a served (saved, reloaded) model on Amazon Beauty.

Run:  python benchmarks/recs_latency.py [--model benchmarks/.recs-models/blend.npz] [--users 1000]
Without --model, fits a blend of item-kNN + EASE (+ SASRec with --sasrec) on Beauty first.
Times `model.recommend(user, n=10)` one user at a time (the serving call) and prints p50/p95/p99.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shopmind.config import data_dir  # noqa: E402
from shopmind.recommend.base import load_model  # noqa: E402
from shopmind.recommend.data import load_sequences  # noqa: E402
from shopmind.recommend.models import make  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    ap.add_argument("--users", type=int, default=1000)
    ap.add_argument("--sasrec", default=None, help="SASRec params JSON to include it in the fitted blend")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--home", default=None, help="with --service: reuse a shop home loaded by an earlier run")
    ap.add_argument("--profile", action="store_true", help="with --service: cProfile 200 calls, print the top")
    ap.add_argument("--service", action="store_true",
                    help="time the whole serving path (RecommendationService on a SQLite shop holding Beauty)")
    a = ap.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    if a.service:
        service_latency(a.users, a.home, a.profile)
        return
    data = load_sequences(data_dir() / "recs/amazon-beauty/Beauty.txt")
    path = a.model
    if path is None:
        comps = {"ease": {"l2": 500.0}, "itemknn": {}}
        weights = {"ease": 1.0, "itemknn": 1.0}
        if a.sasrec:
            comps["sasrec"] = json.loads(a.sasrec)
            weights["sasrec"] = 1.0
        model = make("blend", components=comps, weights=weights).fit(data)
        path = str(model.save(Path(tempfile.mkdtemp()) / "blend.npz"))
    t0 = time.perf_counter()
    model = load_model(path)
    load_s = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    users = rng.choice(list(model.user_index), min(a.users, len(model.user_index)), replace=False)
    model.recommend(str(users[0]), n=10)  # warm-up
    times = []
    for u in users:
        t = time.perf_counter()
        model.recommend(str(u), n=10)
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    print(f"model {model.name} {json.dumps(model.params.get('weights', model.params))}")
    print(f"load {load_s:.2f}s; {len(ms)} users, one at a time, {a.threads} thread(s): "
          f"p50 {np.percentile(ms, 50):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms")


def service_latency(n_users: int, home: str | None = None, profile: bool = False) -> None:
    """Load Beauty into a temporary shop (items as products with their attribute ids, sequences as view
    events), train the service (item-kNN + EASE + content), then time `recommend(user)` with rules + MMR.
    With --home of an earlier run whose trained models are saved there, reuses them (no retraining)."""
    from shopmind.config import Settings
    from shopmind.kb.models import EventIn, ProductIn
    from shopmind.shop import Shop

    root = data_dir() / "recs/amazon-beauty"
    attrs = json.loads((root / "Beauty_item2attributes.json").read_text())
    data = load_sequences(root / "Beauty.txt")
    shop = Shop(Settings(home=Path(home or tempfile.mkdtemp()), encoder="minilm"))
    print(f"shop home {shop.settings.home}")
    t0 = time.perf_counter()
    if shop.store.count_products() == 0:
        shop.store.upsert_products(
            ProductIn(id=i, title=f"beauty product {i}", category=f"Beauty > group {attrs.get(i, [0])[0] % 20}",
                      stock=10, attributes={f"a{x}": True for x in attrs.get(i, [])[:8]})
            for i in data.item_ids
        )
        ev = [EventIn(type="view", user_id=u, product_id=data.item_ids[k], ts=1e9 + t)
              for u, s in zip(data.user_ids, data.sequences) for t, k in enumerate(s)]
        shop.store.add_events(ev)
    print(f"shop loaded in {time.perf_counter() - t0:.0f}s")
    svc = shop.recommender
    if svc.blend is None:
        info = svc.train(["itemknn", "ease"])
        print(f"trained: {info}")
    else:
        print(f"reusing the models saved in {svc.path}")
    rng = np.random.default_rng(0)
    users = rng.choice(data.user_ids, n_users, replace=False)
    svc.recommend(user=str(users[0]), n=10)
    if profile:
        import cProfile
        import pstats

        pr = cProfile.Profile()
        pr.enable()
        for u in users[:200]:
            svc.recommend(user=str(u), n=10)
        pr.disable()
        pstats.Stats(pr).sort_stats("cumulative").print_stats(25)
    times = []
    for u in users:
        t = time.perf_counter()
        svc.recommend(user=str(u), n=10)
        times.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    print(f"service recommend(user, n=10) incl. rules/MMR/explanations, {len(ms)} users: "
          f"p50 {np.percentile(ms, 50):.2f} ms, p95 {np.percentile(ms, 95):.2f} ms, p99 {np.percentile(ms, 99):.2f} ms")
    shop.close()


if __name__ == "__main__":
    main()
