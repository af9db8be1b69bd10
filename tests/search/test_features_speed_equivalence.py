"""The vectorized ranker features equal a straightforward per-candidate computation, value for value.

The shipped LightGBM ranker was trained on the per-candidate definition below (the implementation
`features.compute` had before it was vectorized): any change in a feature value fails here. Inputs are
real: the test catalog's shop (parser, lexical index, MiniLM vectors) and, when the shared data is
present, a Home Depot slice; candidates are each query's top lexical matches plus unmatched rows, with
filter/boost variants of the queries so every branch runs.
"""

from __future__ import annotations

import copy
import math
import re

import numpy as np
import pandas as pd

from shopmind.index.manager import IndexSet
from shopmind.kb.models import Product
from shopmind.search import features as feat
from shopmind.search.engine import SearchEngine
from shopmind.search.features import (
    FEATURES, Candidates, compound_match, dense_prf, prefix_coverage, quantities, quantity_match,
)
from shopmind.search.query import COLORS, is_color_attr
from shopmind.text.normalize import normalize

WORD = re.compile(r"[a-z]+")


def reference(ix, pq, c: Candidates, popularity=None) -> np.ndarray:
    """Per-candidate loop: the features' definition (the pre-vectorization implementation)."""
    rows = c.rows
    n = len(rows)
    X = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if n == 0:
        return X
    lex, cat = ix.lexical, ix.catalog
    F = {name: i for i, name in enumerate(FEATURES)}
    X[:, F["bm25"]] = c.bm25
    X[:, F["bm25_norm"]] = c.bm25 / max(float(c.bm25.max()), 1e-9)
    fields = c.extra.get("fields")
    fs = {f: a[rows] for f, a in fields.items()} if fields else lex.field_scores(rows, pq.terms)
    for f in lex.fields:
        X[:, F[f"bm25_{f}"]] = fs[f]
    X[:, F["dense_cos"]] = c.dense
    X[:, F["dense_gap"]] = c.dense - float(c.dense.max())
    X[:, F["bm25_max"]] = float(c.bm25.max())
    X[:, F["dense_max"]] = float(c.dense.max())
    X[:, F["query_matches_log"]] = math.log1p(float(c.extra.get("matched", 0)))
    X[:, F["bm25_rank"]] = c.bm25_rank
    X[:, F["dense_rank"]] = c.dense_rank
    X[:, F["rrf"]] = c.rrf
    qterms = list(dict.fromkeys(pq.terms))
    qids = [lex.vocab.get(t, -1) for t in qterms]
    known = [i for i in qids if i >= 0]
    idf = dict(zip(known, lex.idf(np.asarray(known, dtype=np.int64)).tolist())) if known else {}
    q_idf_total = sum(idf.get(i, 1.0) for i in qids) or 1.0
    any_cov = np.zeros(n, dtype=np.float32)
    digit_hits = np.zeros(n, dtype=np.float32)
    digit_ids = [i for t, i in zip(qterms, qids) if i >= 0 and any(ch.isdigit() for ch in t)]
    n_digit_terms = sum(1 for t in qterms if any(ch.isdigit() for ch in t))
    where = {r: j for j, r in enumerate(rows.tolist())}
    for i in set(known):
        hit = sorted({where[r] for r in lex.term_rows(i).tolist() if r in where})
        any_cov[hit] += idf.get(i, 0.0)
        if i in digit_ids:
            digit_hits[hit] += 1
    X[:, F["any_idf_coverage"]] = any_cov / q_idf_total
    X[:, F["digits_matched"]] = digit_hits / n_digit_terms if n_digit_terms else -1.0
    qbigrams = {(qids[k], qids[k + 1]) for k in range(len(qids) - 1)}
    exp_ids = {lex.vocab[t] for t in pq.expansions if t in lex.vocab}
    qset, known_set = set(qids), set(known)
    nq = max(len(qset), 1)
    first_id, last_id = (qids[0], qids[-1]) if qids else (-2, -2)
    X[:, F["query_terms"]] = len(qterms)
    X[:, F["query_oov"]] = sum(1 for i in qids if i < 0) / len(qids) if qids else 0.0
    X[:, F["corrected"]] = 1.0 if pq.corrections else 0.0
    qtext = pq.text
    q3 = list({f" {qtext} "[k : k + 3] for k in range(len(qtext))}) if qtext else []
    brand_filter = normalize(pq.filters.get("brand") or "")
    attr_boosts = dict(pq.boosts.get("attrs", {}))
    attr_boosts.update(pq.filters.get("attrs", {}))
    cat_boost = normalize(pq.boosts.get("category") or "")
    pmin, pmax = pq.filters.get("price_min"), pq.filters.get("price_max")
    q_qty = quantities(qtext) if qtext else ()
    q_words = WORD.findall(qtext)
    for j, row in enumerate(rows.tolist()):
        seq = lex.seqs[row] if row < len(lex.seqs) else ()
        tset, tail = set(seq), set(seq[-feat.TAIL :])
        ntitle = normalize(cat.titles[row])
        words = WORD.findall(ntitle)
        matched = qset & tset
        xj = X[j]
        xj[F["title_coverage"]] = len(matched) / nq
        xj[F["title_idf_coverage"]] = sum(idf.get(i, 0.0) for i in matched) / q_idf_total
        xj[F["all_in_title"]] = 1.0 if qset and qset <= tset else 0.0
        xj[F["title_missing_idf"]] = max((idf[i] for i in known_set - tset), default=0.0)
        xj[F["title_len"]] = len(seq)
        xj[F["phrase_in_title"]] = 1.0 if qtext and qtext in ntitle else 0.0
        xj[F["last_term_in_title"]] = 1.0 if last_id in tset else 0.0
        xj[F["first_term_in_title"]] = 1.0 if first_id in tset else 0.0
        xj[F["tail_coverage"]] = len(qset & tail) / nq
        xj[F["last_term_in_tail"]] = 1.0 if last_id in tail else 0.0
        if qbigrams and len(seq) > 1:
            xj[F["bigram_frac"]] = len(qbigrams & set(zip(seq, seq[1:]))) / len(qbigrams)
        if matched:
            xj[F["first_match_pos"]] = next(k for k, t in enumerate(seq) if t in qset) / len(seq)
            xj[F["title_precision"]] = sum(1 for t in seq if t in qset) / len(seq)
        else:
            xj[F["first_match_pos"]] = 1.5
        brand = cat.brand[row]
        bl = normalize(cat.brands.names[brand]) if brand else None
        xj[F["brand_in_query"]] = -1.0 if bl is None else (1.0 if (bl == brand_filter or bl in qtext) else 0.0)
        if attr_boosts:
            attrs = cat.attrs[row]
            atext = " ".join(str(v) for v in attrs.values()).lower() + " " + ntitle
            hits = 0
            for name, value in attr_boosts.items():
                v = str(value).lower()
                if name == "color":
                    names = [k for k, cv in COLORS.items() if cv == v]
                    pv = " ".join(str(x) for a, x in attrs.items() if is_color_attr(a)).lower()
                    hits += 1 if any(x in pv or re.search(rf"\b{re.escape(x)}\b", ntitle) for x in names) else 0
                elif v in atext:
                    hits += 1
            xj[F["attr_boosts"]] = hits / len(attr_boosts)
        else:
            xj[F["attr_boosts"]] = -1.0
        if cat_boost:
            cname = cat.categories.names[cat.category[row]] if cat.category[row] else ""
            xj[F["category_boost"]] = 1.0 if cat_boost in normalize(cname) else 0.0
        else:
            xj[F["category_boost"]] = -1.0
        if q3:
            xj[F["char3_containment"]] = sum(1 for g in q3 if g in ntitle) / len(q3)
        xj[F["synonym_in_title"]] = 1.0 if exp_ids & tset else 0.0
        xj[F["qty_match"]], xj[F["qty_conflict"]] = quantity_match(q_qty, quantities(ntitle))
        xj[F["prefix_coverage"]] = prefix_coverage(q_words, words)
        xj[F["compound_match"]] = compound_match(q_words, words)
    X[:, F["title_idf_coverage_gap"]] = X[:, F["title_idf_coverage"]] - X[:, F["title_idf_coverage"]].max()
    X[:, F["bm25_title_norm"]] = X[:, F["bm25_title"]] / max(float(X[:, F["bm25_title"]].max()), 1e-9)
    X[:, F["char3_gap"]] = X[:, F["char3_containment"]] - X[:, F["char3_containment"]].max()
    X[:, F["dense_prf"]] = dense_prf(ix, rows)
    price = cat.price[rows]
    if pmin is None and pmax is None:
        X[:, F["price_fit"]] = -1.0
    else:
        ok = np.ones(n, bool)
        if pmin is not None:
            ok &= price >= pmin
        if pmax is not None:
            ok &= price <= pmax
        X[:, F["price_fit"]] = np.where(np.isnan(price), 0.5, ok.astype(np.float32))
    st = cat.stock[rows]
    X[:, F["in_stock"]] = np.where(st < 0, -1.0, (st > 0).astype(np.float32))
    if popularity is not None and len(popularity):
        ok = rows < len(popularity)
        X[ok, F["popularity"]] = np.log1p(popularity[rows[ok]])
    return X


def candidates(eng: SearchEngine, pq, k: int = 150, unmatched: int = 20) -> Candidates:
    """The query's top-``k`` lexical matches, then ``unmatched`` rows it does not match (spread over the
    catalog), with their BM25 scores and ranks."""
    ix = eng.ix
    fields: dict = {}
    lex = ix.lexical.score(pq.terms, per_field=fields)
    top = np.flatnonzero(lex > 0)
    top = top[np.lexsort((top, -lex[top]))][:k]
    rest = np.setdiff1d(np.arange(len(ix.catalog)), top)
    rows = np.concatenate([top, rest[:: max(1, len(rest) // unmatched)][:unmatched]]).astype(np.int64)
    rank = np.arange(len(rows), dtype=np.float64)
    lexical_rank = np.where(np.arange(len(rows)) < len(top), np.log2(2 + rank), feat.MISSING_RANK)
    return Candidates(rows=rows, bm25=lex[rows], dense=np.zeros(len(rows), np.float32),
                      bm25_rank=lexical_rank.astype(np.float32),
                      dense_rank=np.full(len(rows), feat.MISSING_RANK, np.float32),
                      rrf=(1.0 / (61.0 + rank)).astype(np.float32),
                      extra={"fields": fields, "matched": int((lex > 0).sum())})


def variants(pq, i: int, brands: list[str], cats: list[str]):
    """The parsed query as is, and with a brand filter / color and attribute boosts / category boost /
    price range, so the brand, attribute, category and price features take every branch."""
    yield pq
    v = copy.deepcopy(pq)
    if brands:
        v.filters["brand"] = brands[i % len(brands)]
    v.filters.setdefault("attrs", {})["color"] = ["red", "black", "white", "blue", "grey"][i % 5]
    v.filters["price_min" if i % 2 else "price_max"] = 300.0
    yield v
    v = copy.deepcopy(pq)
    v.boosts.setdefault("attrs", {})["color"] = ["black", "red", "silver"][i % 3]
    v.boosts["attrs"]["storage"] = "256gb"
    if cats:
        v.boosts["category"] = cats[i % len(cats)]
    yield v


def check_equal(eng: SearchEngine, queries: list[str], min_varied: int) -> int:
    """Every feature of every (query, candidate) pair equal to the reference, with no row cache, with one
    cache kept across all queries (first and second use of a row), and for repeated calls."""
    ix, cat = eng.ix, eng.ix.catalog
    brands = [b for b in cat.brands.names if b][:12]
    cats = [c for c in cat.categories.names if c][:12]
    pop = np.log1p(np.arange(len(cat), dtype=np.float64) % 7)  # a popularity column that varies by row
    cache: dict = {}
    refs, n = [], 0
    for rnd in range(2):
        for i, q in enumerate(queries):
            for pq in variants(eng.parser.parse(q), i, brands, cats):
                c = candidates(eng, pq)
                want = reference(ix, pq, c, pop)
                if rnd == 0:
                    refs.append(want)
                for got in (feat.compute(ix, pq, c, pop, row_cache=cache), feat.compute(ix, pq, c, pop)):
                    assert got.shape == want.shape and got.dtype == want.dtype
                    bad = [name for j, name in enumerate(FEATURES) if not np.array_equal(got[:, j], want[:, j])]
                    assert not bad, f"query {q!r} ({pq.filters}, {pq.boosts}): features differ: {bad}"
                n += 1
    # the inputs exercise the title features: each takes several values over the queries
    allx = np.concatenate(refs)
    varied = {name for j, name in enumerate(FEATURES) if len(np.unique(allx[:, j])) > 1}
    title = {"title_coverage", "title_idf_coverage", "all_in_title", "title_missing_idf", "title_len",
             "phrase_in_title", "last_term_in_title", "first_term_in_title", "tail_coverage", "last_term_in_tail",
             "bigram_frac", "first_match_pos", "title_precision", "char3_containment", "qty_match", "qty_conflict",
             "prefix_coverage", "compound_match", "price_fit", "attr_boosts", "any_idf_coverage"}
    assert len(title & varied) >= min_varied, sorted(title - varied)
    return n


CATALOG_QUERIES = [
    "red nike shoes under 300元", "nike running shoes", "running shoes", "shoe", "sneakers white leather",
    "华为 手机", "华为手机 256gb", "小米14 黑色", "apple iphone 15 128gb", "iphone", "bluetoth hedphones",
    "sony wh-1000xm5 headphones", "noise cancelling wireless headphones", "bose bluetooth", "headphones 45",
    "espresso machine", "logitech mouse", "3/4 in. copper pipe", "2x4x8 lumber", "60-watt led bulb 4 pack",
    "dish washer", "back splash tile", "road running", "smartphone blue", "adidas", "xm5", "nike nike shoes",
    "running running shoes", "phone", "x",
]


def test_vectorized_features_equal_the_reference_on_the_test_catalog(search_shop):
    eng = search_shop.search
    assert check_equal(eng, CATALOG_QUERIES, min_varied=14) == 2 * 3 * len(CATALOG_QUERIES)


def test_vectorized_features_equal_the_reference_on_a_home_depot_slice(data_dir):
    d = data_dir / "search" / "homedepot"
    j = pd.read_csv(d / "judgments.csv", dtype={"product_id": str})
    queries = sorted(j["query"].unique())[::80][:60]
    prods = pd.read_csv(d / "products.csv", dtype={"product_id": str})
    # the judged products of a few hundred queries: a catalog where queries have many candidates
    keep = set(j[j["query"].isin(sorted(j["query"].unique())[::25])]["product_id"])
    eng = SearchEngine(None, IndexSet.build(Product(id=r.product_id, title=r.title)
                                            for r in prods[prods["product_id"].isin(keep)].itertuples()))
    assert check_equal(eng, queries, min_varied=17) == 2 * 3 * len(queries)
