"""Real data: a Home Depot slice through the lexical path and the evaluation harness (skips without data)."""

from __future__ import annotations

import pandas as pd
import pytest

from shopmind.eval.search import evaluate_ranking, load_judgments
from shopmind.index.manager import IndexSet
from shopmind.kb.models import Product
from shopmind.search.engine import SearchEngine


@pytest.fixture(scope="module")
def slice_(data_dir):
    d = data_dir / "search" / "homedepot"
    j = pd.read_csv(d / "judgments.csv", dtype={"product_id": str})
    queries = sorted(j["query"].unique())[:300]
    j = j[j["query"].isin(queries)]
    products = pd.read_csv(d / "products.csv", dtype={"product_id": str})
    products = products[products["product_id"].isin(set(j["product_id"]))]
    prods = [Product(id=r.product_id, title=r.title) for r in products.itertuples()]
    path = d / "judgments.csv"
    return SearchEngine(None, IndexSet.build(prods)), load_judgments(path, queries)


def test_bm25_on_a_home_depot_slice(slice_):
    eng, judged = slice_
    res = evaluate_ranking(lambda q: eng.ids_for(q, "bm25"), judged, min_grade=1.0, relevant_grade=2.33)
    # every judged product is in this small catalog, so BM25 does far better than on the full one
    assert 0.6 < res["ndcg@10"] < 1.0
    assert res["recall@100"] > 0.8 and 0 < res["mrr@10"] <= 1


def test_spelling_correction_uses_catalog_words(slice_):
    eng, _ = slice_
    pq = eng.parser.parse("angle brackett")
    assert pq.did_you_mean == "angle bracket" and "bracket" in pq.terms
