"""Search benchmark: every method side by side with two plain baselines from established libraries
(bm25s with stemming and stopwords; tantivy's `en_stem` BM25, from the `bench` extra), on Home Depot,
Crowdflower and the Icecat electronics queries, in one run.

    python benchmarks/search_prepare.py            # once: load catalogs into stores, embed (cached)
    python benchmarks/search_bench.py [--train-default] [--datasets homedepot,crowdflower,icecat]
                                      [--max-test 2000] [--out benchmarks/results/search.md]

Queries are split train/test by a hash of the query text (shopmind.search.ranker.split_queries); the
ranker is trained on train queries only (--train-default retrains the shipped default model on the Home
Depot + Crowdflower train halves) and every number reported for those two sets is on test queries.
Icecat is never trained on: it shows the same pipeline, unchanged, on an unseen catalog.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import re
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402

from search_prepare import HOME, catalog, prepare  # noqa: E402

from shopmind.config import Settings  # noqa: E402
from shopmind.eval.search import evaluate_ranking, load_judgments, relevant_threshold  # noqa: E402
from shopmind.index import build_indexes  # noqa: E402
from shopmind.search import ranker as rk  # noqa: E402
from shopmind.search.engine import SearchEngine  # noqa: E402
from shopmind.shop import Shop  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def bm25s_baseline(products, field_text):
    """Plain bm25s (Snowball stemming + English stopwords) over the given product text; query -> ids."""
    import bm25s
    import Stemmer

    stem = Stemmer.Stemmer("english")
    ids = [p.id for p in products]
    corpus = [field_text(p) for p in products]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(corpus, stopwords="en", stemmer=stem, show_progress=False), show_progress=False)

    def search(q: str) -> list[str]:
        tok = bm25s.tokenize([q], stopwords="en", stemmer=stem, show_progress=False)
        if not tok.vocab:
            return []
        docs, scores = retriever.retrieve(tok, k=min(100, len(ids)), show_progress=False, n_threads=1)
        return [ids[i] for i, s in zip(docs[0], scores[0]) if s > 0]

    return search


_TANTIVY_SYNTAX = re.compile(r'[+\-:"()\[\]{}^~*?\\/!<>=&|\']')


def tantivy_baseline(products, field_text):
    """Plain tantivy (in-memory index, `en_stem` tokenizer: lowercase + Snowball English stemming, no
    stopwords; BM25 with its defaults) over a title field and a body field holding the rest of the
    product text bm25s sees; query -> ids. Query-syntax characters are blanked so a user query is a plain
    disjunction of its terms over both fields."""
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", stored=False, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=False, tokenizer_name="en_stem")
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    index = tantivy.Index(sb.build())
    writer = index.writer(heap_size=64_000_000, num_threads=1)
    for p in products:
        rest = field_text(p)
        rest = rest[len(p.title):] if rest.startswith(p.title) else rest
        writer.add_document(tantivy.Document(id=p.id, title=p.title, body=rest.strip()))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def search(q: str) -> list[str]:
        q = _TANTIVY_SYNTAX.sub(" ", q).strip()
        if not q:
            return []
        query, _errors = index.parse_query_lenient(q, ["title", "body"])
        hits = searcher.search(query, 100).hits
        return [searcher.doc(addr)["id"][0] for _score, addr in hits]

    return search


def text_of(name: str):
    if name == "homedepot":
        return lambda p: p.title
    if name == "crowdflower":
        return lambda p: f"{p.title} {p.description or ''}"
    return lambda p: " ".join([p.title, p.brand or "", p.description or ""] + [str(v) for v in p.attributes.values()])


def open_shop(name: str) -> Shop:
    db = HOME / f"{name}.sqlite3"
    if not db.exists():
        prepare(name)
    return Shop(Settings(home=HOME / f"{name}-home", store_url=f"sqlite:///{db}", encoder="minilm"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default="homedepot,crowdflower,icecat")
    ap.add_argument("--train-default", action="store_true", help="retrain shopmind/search/models/ranker.lgb")
    ap.add_argument("--train-on", default="homedepot,crowdflower", help="data sets whose train halves train the default ranker")
    ap.add_argument("--max-train", type=int, default=6000, help="train queries per data set (sampled)")
    ap.add_argument("--max-test", type=int, default=2000, help="test queries per data set (sampled)")
    ap.add_argument("--methods", default="bm25s,tantivy,bm25,dense,hybrid,ranked", help="methods to evaluate")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "search.md"))
    ap.add_argument("--json", default=None, help="also write raw results as JSON here")
    args = ap.parse_args()
    names = [n for n in args.datasets.split(",") if n]
    rng = np.random.default_rng(0)
    report: dict = {"date": dt.date.today().isoformat(), "machine": f"{os.cpu_count()} cores, no GPU, {platform.python_version()}",
                    "datasets": {}}
    engines, judg_files = {}, {}
    for name in names:
        shop = open_shop(name)
        t = time.time()
        info = build_indexes(shop, full=True)
        build_s = time.time() - t
        eng = shop.search
        engines[name], judg_files[name] = eng, catalog(name)[1]
        report["datasets"][name] = {"products": info["products"], "index_build_s": round(build_s, 1),
                                    "index_bytes": info["bytes"], "ann": info["ann"]}
        print(f"{name}: {info['products']} products, index built in {build_s:.1f}s {info['bytes']}", flush=True)

    if args.train_default:
        groups, valid = [], []
        for name in names:
            if name == "icecat" or name not in args.train_on.split(","):
                continue  # Icecat is never trained on: the unseen-catalog check
            df = rk.read_judgments(judg_files[name])
            train_q, _ = rk.split_queries(df["query"])
            if len(train_q) > args.max_train:
                train_q = sorted(rng.choice(train_q, args.max_train, replace=False).tolist())
            n_valid = len(train_q) // 10
            t = time.time()
            groups += rk.training_groups(engines[name], df, train_q[n_valid:], depth=engines[name].rank_depth)
            valid += rk.training_groups(engines[name], df, train_q[:n_valid], depth=engines[name].rank_depth)
            print(f"{name}: features of {len(train_q)} train queries in {time.time() - t:.0f}s", flush=True)
        t = time.time()
        model = rk.fit(groups, valid, rounds=600)
        model.save(rk.DEFAULT_MODEL)
        report["ranker"] = {"trained_on": [n for n in names if n != "icecat" and n in args.train_on.split(",")],
                            "train_groups": len(groups), "valid_groups": len(valid), "trees": model.booster.num_trees(),
                            "train_s": round(time.time() - t, 1), "bytes": rk.DEFAULT_MODEL.stat().st_size}
        print(f"ranker: {report['ranker']}", flush=True)
        for eng in engines.values():
            eng.set_ranker(model)

    for name in names:
        eng: SearchEngine = engines[name]
        jf = judg_files[name]
        if not Path(jf).exists():
            print(f"{name}: no judgments at {jf}; skipped", flush=True)
            continue
        df = rk.read_judgments(jf)
        if name == "icecat":
            test_q = sorted(set(df["query"]))
        else:
            test_q = rk.split_queries(df["query"])[1]
        if len(test_q) > args.max_test:
            test_q = sorted(rng.choice(test_q, args.max_test, replace=False).tolist())
        judged = load_judgments(jf, test_q)
        lo, rel = float(df["grade"].min()), relevant_threshold(df["grade"])
        rows = {}
        prods = list(eng.store.iter_products())
        wanted = args.methods.split(",")
        if "bm25s" in wanted:
            base = bm25s_baseline(prods, text_of(name))
            rows["bm25s (baseline)"] = evaluate_ranking(base, judged, relevant_grade=rel, min_grade=lo)
        if "tantivy" in wanted and importlib.util.find_spec("tantivy") is None:
            print("tantivy baseline skipped: pip install -e '.[bench]'", flush=True)
        elif "tantivy" in wanted:
            base = tantivy_baseline(prods, text_of(name))
            rows["tantivy en_stem (baseline)"] = evaluate_ranking(base, judged, relevant_grade=rel, min_grade=lo)
        for m in ("bm25", "dense", "hybrid", "ranked"):
            if m not in wanted or (m == "ranked" and eng.ranker is None):
                continue
            eng.ids_for(test_q[0], method=m)
            rows[m] = evaluate_ranking(lambda q, m=m: eng.ids_for(q, method=m, k=100), judged,
                                       relevant_grade=rel, min_grade=lo)
            print(f"{name} {m}: {rows[m]}", flush=True)
        # the full API path (parse + retrieve + rank + facets + page) for latency
        lat = []
        for q in test_q[:500]:
            t = time.perf_counter()
            eng.search(q, size=10)
            lat.append(time.perf_counter() - t)
        rows["_api"] = {"p50_ms": round(float(np.percentile(lat, 50)) * 1000, 2),
                        "p95_ms": round(float(np.percentile(lat, 95)) * 1000, 2), "queries": len(lat)}
        report["datasets"][name].update(queries=len(judged), relevant_grade=rel, methods=rows)
    report["max_rss_mb"] = round(rss_mb(), 1)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    write_markdown(report, Path(args.out), " ".join(sys.argv[1:]))
    print(json.dumps(report, indent=2))


def write_markdown(report: dict, path: Path, argv: str) -> None:
    lines = [
        "# Search benchmark results",
        "",
        f"Date {report['date']} · machine: {report['machine']} (shared with other engineers while measuring: "
        "timings are loaded) · command: `python benchmarks/search_bench.py {argv}`".format(argv=argv),
        "",
        "NDCG@10 with gain = grade − lowest grade (unjudged = 0), full-catalog retrieval; relevant = grade ≥ "
        "the upper half (Home Depot 2.33, Crowdflower 3, Icecat 2). Home Depot and Crowdflower: test queries "
        "only (hash split; the ranker never saw them). Icecat: all queries; never trained on. "
        "Latency per query including query encoding (ONNX int8 MiniLM), one process.",
        "",
    ]
    if "ranker" in report:
        lines += [f"Ranker: LightGBM LambdaMART, {report['ranker']['trees']} trees, trained on "
                  f"{report['ranker']['train_groups']} train queries of {' + '.join(report['ranker']['trained_on'])} in {report['ranker']['train_s']} s, "
                  f"model file {report['ranker']['bytes'] / 1024:.0f} KiB.", ""]
    for name, d in report["datasets"].items():
        if "methods" not in d:
            continue
        lines += [f"## {name} — {d['products']:,} products, {d['queries']:,} queries", "",
                  "| method | NDCG@10 | Recall@100 | MRR@10 | p50 ms | p95 ms |", "|---|---|---|---|---|---|"]
        for m, r in d["methods"].items():
            if m.startswith("_"):
                continue
            lines.append(f"| {m} | {r['ndcg@10']:.4f} | {r['recall@100']:.4f} | {r['mrr@10']:.4f} | "
                         f"{r['p50_ms']} | {r['p95_ms']} |")
        api = d["methods"].get("_api")
        b = d["index_bytes"]
        lines += ["", f"Full `engine.search` (parse, hybrid retrieval, ranking, facets, page of 10) on {api['queries']} "
                  f"queries: p50 {api['p50_ms']} ms, p95 {api['p95_ms']} ms. Index build (embeddings cached): "
                  f"{d['index_build_s']} s; index memory: lexical {b['lexical'] / 2**20:.1f} MiB, dense "
                  f"{b['dense'] / 2**20:.1f} MiB ({'hnswlib' if d['ann'] else 'exact'}), catalog "
                  f"{b['catalog'] / 2**20:.1f} MiB.", ""]
    lines.append(f"Peak RSS of the benchmark process: {report['max_rss_mb']:.0f} MiB.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
