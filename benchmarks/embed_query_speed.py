"""Query encoder speed and quality: the default English encoder ("minilm", MiniLMOnnx) with its derived
int8-GEMM query model (shopmind.embed.quantize) against the shipped model's path.

    python benchmarks/embed_query_speed.py [--queries 1000] [--titles 2000] [--hd-test 1500] [--skip-search]

1. build time of the derived model (into an empty temporary cache), and load time when cached;
2. one query at a time (encode_queries([q]): tokenize + run + pool), single thread and 2 threads without
   spinning, the two models interleaved query by query so machine load hits both alike;
3. batch passage throughput (2,000 titles, batch 64, default threads) of both models;
4. cosine of the vectors to the shipped model's, on real queries and product titles;
5. search NDCG@10 (dense / hybrid / ranked) on the EXISTING bench indexes under shopmind-data/bench-search
   (made with the shipped model's passage vectors; they are loaded with shopmind.search.build(save=False),
   never rebuilt), swapping only ``engine.encoder`` between the two query models. Paired per-query deltas
   with their standard error. Icecat's judgments were pooled from the shipped model's top 10, so it also
   shows judged@10 and condensed NDCG (unjudged results removed), which is free of that pooling bias.
Prints markdown.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

DATA = Path(os.environ.get("SHOPMIND_DATA", ROOT.parent / "shared" / "data")) / "search"


def judgments_path(name: str) -> Path:
    from search_prepare import HOME

    return {"homedepot": DATA / "homedepot" / "judgments.csv", "crowdflower": HOME / "crowdflower_judgments.csv",
            "icecat": ROOT / "tests" / "data" / "search" / "icecat_judgments.csv"}[name]


def real_queries(n: int, rng) -> list[str]:
    """Distinct judged queries: all of Crowdflower's and Icecat's, the rest Home Depot."""
    out: list[str] = []
    for name in ("crowdflower", "icecat", "homedepot"):
        with open(judgments_path(name), newline="") as f:
            qs = sorted({r["query"] for r in csv.DictReader(f)} - set(out))
        take = n - len(out) if name == "homedepot" else min(len(qs), n // 3)
        out += rng.choice(qs, min(take, len(qs)), replace=False).tolist()
    return out[:n]


def real_titles(n: int, rng) -> list[str]:
    """Product titles from the three catalogs (Home Depot half, Icecat and Crowdflower a quarter each)."""
    with open(DATA / "homedepot" / "products.csv", newline="") as f:
        hd = [r["title"] for r in csv.DictReader(f)]
    from search_bench import open_shop

    ice = [p.title for p in open_shop("icecat").store.iter_products()]
    cf = [p.title for p in open_shop("crowdflower").store.iter_products()]
    parts = [rng.choice(hd, n // 2, replace=False), rng.choice(ice, n // 4, replace=False),
             rng.choice(cf, n - n // 2 - n // 4, replace=False)]
    return [str(t) for p in parts for t in p]


def pct(ts, q) -> float:
    return float(np.percentile(ts, q)) * 1000


def latency(encs: dict, queries: list[str], reps: int = 2) -> dict[str, tuple[float, float]]:
    ts: dict[str, list[float]] = {k: [] for k in encs}
    for k, e in encs.items():  # warm up
        e.encode_queries(queries[:20])
    for _ in range(reps):
        for q in queries:
            for k, e in encs.items():
                t = time.perf_counter()
                e.encode_queries([q])
                ts[k].append(time.perf_counter() - t)
    return {k: (pct(v, 50), pct(v, 95)) for k, v in ts.items()}


def passages_per_s(enc, session, titles: list[str], batch: int = 64) -> float:
    order = np.argsort([len(t) for t in titles], kind="stable")
    t = time.perf_counter()
    for s in range(0, len(titles), batch):
        enc._run(session, [titles[i] for i in order[s: s + batch]])
    return len(titles) / (time.perf_counter() - t)


def search_quality(encs: dict, hd_test: int, rng) -> list[str]:
    from search_bench import open_shop

    from shopmind.eval.metrics import ndcg_for
    from shopmind.eval.search import load_judgments
    from shopmind.search import build as build_engine
    from shopmind.search import ranker as rk

    lines = ["| data set | queries | method | shipped | int8-GEMM | delta (paired) | se | queries changed |",
             "|---|---|---|---|---|---|---|---|"]
    for name in ("crowdflower", "icecat", "homedepot"):
        eng = build_engine(open_shop(name), save=False)  # the saved indexes as they are: no rebuild, no save
        if eng.ix.encoder_name != encs["shipped"].name:
            raise SystemExit(f"{name}: index made with {eng.ix.encoder_name}, not {encs['shipped'].name}")
        jf = judgments_path(name)
        df = rk.read_judgments(jf)
        test_q = sorted(set(df["query"])) if name == "icecat" else rk.split_queries(df["query"])[1]
        if len(test_q) > hd_test:
            test_q = sorted(rng.choice(test_q, hd_test, replace=False).tolist())
        judged = load_judgments(jf, test_q)
        lo = float(df["grade"].min())
        res: dict[tuple[str, str], np.ndarray] = {}
        for en, enc in encs.items():
            eng.encoder = enc
            eng._qvecs.clear()  # the engine's recent-query-vector cache
            for m in ("dense", "hybrid", "ranked"):
                rows = [(eng.ids_for(q, method=m, k=100), {p: g - lo for p, g in j.items()}) for q, j in judged.items()]
                res[(en, m)] = np.array([ndcg_for(ids, gj, 10) for ids, gj in rows])
                if name == "icecat":
                    res[(en, m + " condensed")] = np.array([ndcg_for([i for i in ids if i in gj], gj, 10) for ids, gj in rows])
                    res[(en, m + " judged@10")] = np.array([np.mean([i in gj for i in ids[:10]]) for ids, gj in rows])
        for key in sorted({m for _, m in res}, key=lambda m: (m.split()[0] != "dense", m.split()[0] != "hybrid", m)):
            a, b = res[("shipped", key)], res[("int8-gemm", key)]
            d = b - a
            lines.append(f"| {name} | {len(d)} | {key} | {a.mean():.4f} | {b.mean():.4f} | {d.mean():+.4f} | "
                         f"{d.std(ddof=1) / np.sqrt(len(d)):.4f} | {np.mean(np.abs(d) > 1e-9):.0%} |")
        print(f"{name}: done", file=sys.stderr, flush=True)
    return lines


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queries", type=int, default=1000)
    ap.add_argument("--titles", type=int, default=2000)
    ap.add_argument("--hd-test", type=int, default=1500, help="Home Depot test queries (sampled)")
    ap.add_argument("--latency-queries", type=int, default=500)
    ap.add_argument("--skip-search", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(0)

    from shopmind.embed import quantize
    from shopmind.embed.encoders import MiniLMOnnx

    out = [f"load before: {os.getloadavg()}"]
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SHOPMIND_MODEL_CACHE"] = tmp
        t = time.perf_counter()
        enc = MiniLMOnnx(threads=1)
        first = time.perf_counter() - t
        assert enc.query_model == "int8-gemm", enc.query_model
        t = time.perf_counter()
        MiniLMOnnx(threads=1)
        cached = time.perf_counter() - t
        t = time.perf_counter()
        quantize.derive_int8_gemm(enc.source_path).SerializeToString()
        derive = time.perf_counter() - t
        size = enc.query_model_path.stat().st_size
    os.environ.pop("SHOPMIND_MODEL_CACHE")
    out.append(f"derived model: {size / 1e6:.1f} MB; encoder init with build (derive + probe check + write) "
               f"{first:.2f} s, derive alone {derive:.2f} s, init when cached {cached:.2f} s "
               f"(the shipped model's session is loaded lazily; it is in the first figure for the probe check)")

    queries, titles = real_queries(args.queries, rng), real_titles(args.titles, rng)
    lat_q = queries[: args.latency_queries]
    for threads in (1, 2):
        encs = {"shipped": MiniLMOnnx(threads=threads, query_model="shipped"),
                "int8-gemm": MiniLMOnnx(threads=threads)}
        r = latency(encs, lat_q)
        out.append(f"one query, {threads} thread(s), no spinning, {len(lat_q)} real queries x2 interleaved: "
                   + "; ".join(f"{k} p50 {p50:.2f} ms p95 {p95:.2f} ms" for k, (p50, p95) in r.items())
                   + f"; speed-up p50 {r['shipped'][0] / r['int8-gemm'][0]:.2f}x p95 {r['shipped'][1] / r['int8-gemm'][1]:.2f}x")
    dflt = MiniLMOnnx()  # default threads, as when indexing
    out.append(f"passages (batch 64, default threads), {len(titles)} titles: shipped "
               f"{passages_per_s(dflt, dflt.session, titles):.0f}/s, int8-gemm "
               f"{passages_per_s(dflt, dflt.query_session, titles):.0f}/s (passages stay on the shipped model)")

    ship, fast = encs["shipped"], encs["int8-gemm"]
    for what, texts in (("queries", queries), ("product titles", titles)):
        a = np.vstack([ship.encode_queries([x]) for x in texts])
        b = np.vstack([fast.encode_queries([x]) for x in texts])
        c = (a * b).sum(1)
        out.append(f"cosine to the shipped model, {len(texts)} real {what} (one at a time): mean {c.mean():.4f} "
                   f"p5 {np.percentile(c, 5):.4f} min {c.min():.4f}")
    if not args.skip_search:
        out += ["", *search_quality({"shipped": ship, "int8-gemm": fast}, args.hd_test, rng)]
    out.append(f"\nload after: {os.getloadavg()}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
