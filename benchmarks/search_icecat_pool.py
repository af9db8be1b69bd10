"""Pooling helper for the hand-labelled Icecat query set (tests/data/search/icecat_*.{txt,csv}).

Prints, for each query, the products in the top-N of the chosen methods that have no label yet, so a
person can grade them (0 irrelevant, 1 related accessory/part, 2 relevant but not what was asked
exactly, 3 exactly what was asked) and append `query,product_id,grade` rows to the judgments file.

    python benchmarks/search_icecat_pool.py [--methods bm25s,bm25,dense,hybrid,ranked] [--depth 10]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pandas as pd  # noqa: E402

from search_bench import bm25s_baseline, open_shop, text_of  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "search"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--methods", default="bm25s,bm25,dense,hybrid,ranked")
    ap.add_argument("--depth", type=int, default=10)
    args = ap.parse_args()
    queries = [q.strip() for q in (DATA / "icecat_queries.txt").read_text("utf-8").splitlines() if q.strip()]
    jf = DATA / "icecat_judgments.csv"
    done = set()
    if jf.exists():
        j = pd.read_csv(jf, dtype=str)
        done = set(zip(j["query"], j["product_id"]))
    methods = args.methods.split(",")
    if set(methods) <= {"bm25s", "bm25"}:  # lexical pooling needs no embedded store
        from search_data import icecat

        from shopmind.index.manager import IndexSet
        from shopmind.kb.models import Product
        from shopmind.search.engine import SearchEngine

        prods = {p.id: Product(**p.model_dump()) for p in icecat()}
        eng = SearchEngine(None, IndexSet.build(prods.values()))
    else:
        shop = open_shop("icecat")
        eng = shop.search
        prods = {p.id: p for p in shop.store.iter_products()}
    base = bm25s_baseline(list(prods.values()), text_of("icecat"))
    for q in queries:
        pool: dict[str, None] = {}
        for m in methods:
            ids = base(q) if m == "bm25s" else eng.ids_for(q, method=m, k=args.depth) if (m != "ranked" or eng.ranker) else []
            for pid in ids[: args.depth]:
                pool.setdefault(pid)
        todo = [pid for pid in pool if (q, pid) not in done]
        if not todo:
            continue
        print(f"## {q}")
        for pid in todo:
            p = prods[pid]
            colour = p.attributes.get("product_colour", "")
            print(f"{q},{pid}  | {p.brand} | {p.title[:110]} | {colour} | {(p.description or '')[:80]}")


if __name__ == "__main__":
    main()
