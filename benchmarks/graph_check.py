"""Does the product graph change search on catalogs it was not built for? NDCG@10 of the full
``engine.search`` (BM25 path, no encoder: embedding these catalogs takes tens of minutes on 2 cores) with
and without the graph, on Icecat (19,406 products, 30 hand-judged queries) and a Home Depot slice (the
products judged for the first N queries; titles only, so no categories or brands to link).

    python benchmarks/graph_check.py [--homedepot-queries 500]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_data import homedepot, icecat  # noqa: E402

from shopmind.eval.search import evaluate_ranking, load_judgments  # noqa: E402
from shopmind.graph import ProductGraph  # noqa: E402
from shopmind.index.manager import IndexSet  # noqa: E402
from shopmind.kb import open_store  # noqa: E402
from shopmind.kb.models import Product  # noqa: E402
from shopmind.search.engine import SearchEngine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def compare(name: str, products: list, judged: dict, tmp: Path, **grades) -> dict:
    store = open_store(f"sqlite:///{tmp / (name + '.sqlite3')}")
    store.upsert_products(products, source="bench")
    t = time.time()
    graph = ProductGraph(store)
    graph.refresh()
    built = round(time.time() - t, 1)
    prods = [Product(**p.model_dump()) for p in products]
    out = {"products": len(products), "queries": len(judged), "graph_build_s": built,
           "graph": graph.gs.counts()}
    for label, g in (("without graph", None), ("with graph", graph)):
        eng = SearchEngine(store, IndexSet.build(prods), graph=g)
        fn = lambda q: [r["id"] for r in eng.search(q, size=10, method="bm25")["results"]]  # noqa: E731
        out[label] = evaluate_ranking(fn, judged, **grades)
    store.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--homedepot-queries", type=int, default=500)
    a = ap.parse_args()
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        ice = icecat()
        res["icecat"] = compare("icecat", ice, load_judgments(ROOT / "tests/data/search/icecat_judgments.csv"),
                                Path(tmp), min_grade=0.0, relevant_grade=2.0)
        hd, path = homedepot()
        judged_all = load_judgments(path)
        queries = sorted(judged_all)[: a.homedepot_queries]
        judged = {q: judged_all[q] for q in queries}
        want = {pid for q in queries for pid in judged[q]}
        res["homedepot_slice"] = compare("homedepot", [p for p in hd if p.id in want], judged, Path(tmp),
                                         min_grade=1.0, relevant_grade=2.33)
    print(json.dumps(res, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
