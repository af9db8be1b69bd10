"""Ranker features of (query, candidate) pairs: functions of the query, the product's content and the
shop's own events only — never of judgments (see the data README's leak warning).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from shopmind.index.manager import IndexSet
from shopmind.search.query import COLORS, ParsedQuery, is_color_attr
from shopmind.text.normalize import normalize

FEATURES: tuple[str, ...] = (
    "bm25", "bm25_norm", "bm25_title", "bm25_brand", "bm25_category", "bm25_attributes", "bm25_description",
    "dense_cos", "dense_gap", "bm25_rank", "dense_rank", "rrf",
    "title_coverage", "title_idf_coverage", "any_idf_coverage", "all_in_title", "query_terms", "title_len",
    "phrase_in_title", "last_term_in_title", "first_term_in_title", "bigram_frac", "digits_matched",
    "first_match_pos", "title_precision", "brand_in_query", "attr_boosts", "category_boost", "price_fit",
    "popularity", "in_stock", "char3_containment", "synonym_in_title", "corrected",
    "tail_coverage", "last_term_in_tail", "query_matches_log", "bm25_max", "dense_max",
)
TAIL = 3  # the last title words usually name the product type ("... Wood and Concrete Coating")
MISSING_RANK = math.log2(1 + 1000)


@dataclass
class Candidates:
    """Retrieval output for one query: rows with their lexical/dense scores and ranks."""

    rows: np.ndarray
    bm25: np.ndarray
    dense: np.ndarray
    bm25_rank: np.ndarray
    dense_rank: np.ndarray
    rrf: np.ndarray
    extra: dict = field(default_factory=dict)


def _attr_text(attrs: dict) -> str:
    return " ".join(str(v) for v in attrs.values()).lower()


def _trigrams(s: str) -> list[str]:
    s = f" {s} "
    return list({s[i : i + 3] for i in range(len(s) - 2)})


def compute(ix: IndexSet, pq: ParsedQuery, c: Candidates, popularity: np.ndarray | None = None,
            ntitles: Callable[[int], str] | None = None) -> np.ndarray:
    """Feature matrix (len(rows), len(FEATURES)) in FEATURES order."""
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
    # any-field presence of each known query term among the candidates, vectorized
    posarr = np.full(max(len(cat), int(rows.max()) + 1), -1, dtype=np.int64)
    posarr[rows] = np.arange(n)
    any_cov = np.zeros(n, dtype=np.float32)
    digit_ids = [i for t, i in zip(qterms, qids) if i >= 0 and any(ch.isdigit() for ch in t)]
    n_digit_terms = sum(1 for t in qterms if any(ch.isdigit() for ch in t))
    digit_hits = np.zeros(n, dtype=np.float32)
    for i in set(known):
        hit = posarr[lex.term_rows(i, unique=False)]
        hit = np.unique(hit[hit >= 0])
        any_cov[hit] += idf.get(i, 0.0)
        if i in digit_ids:
            digit_hits[hit] += 1
    X[:, F["any_idf_coverage"]] = any_cov / q_idf_total
    X[:, F["digits_matched"]] = digit_hits / n_digit_terms if n_digit_terms else -1.0
    qbigrams = {(qids[k], qids[k + 1]) for k in range(len(qids) - 1)}
    exp_ids = {lex.vocab[t] for t in pq.expansions if t in lex.vocab}
    qset = set(qids)
    nq = max(len(qset), 1)
    first_id, last_id = (qids[0], qids[-1]) if qids else (-2, -2)
    X[:, F["query_terms"]] = len(qterms)
    X[:, F["corrected"]] = 1.0 if pq.corrections else 0.0
    qtext = pq.text
    q3 = _trigrams(qtext) if qtext else []
    brand_filter = normalize(pq.filters.get("brand") or "")
    attr_boosts = dict(pq.boosts.get("attrs", {}))
    attr_boosts.update(pq.filters.get("attrs", {}))
    cat_boost = normalize(pq.boosts.get("category") or "")
    pmin, pmax = pq.filters.get("price_min"), pq.filters.get("price_max")
    title_of = ntitles or (lambda r: normalize(cat.titles[r]))
    col = {name: F[name] for name in FEATURES}

    for j, row in enumerate(rows.tolist()):
        seq = lex.seqs[row] if row < len(lex.seqs) else ()
        tset = set(seq)
        matched = qset & tset
        xj = X[j]
        xj[col["title_coverage"]] = len(matched) / nq
        xj[col["title_idf_coverage"]] = sum(idf.get(i, 0.0) for i in matched) / q_idf_total
        xj[col["all_in_title"]] = 1.0 if qset and qset <= tset else 0.0
        xj[col["title_len"]] = len(seq)
        ntitle = title_of(row)
        xj[col["phrase_in_title"]] = 1.0 if qtext and qtext in ntitle else 0.0
        xj[col["last_term_in_title"]] = 1.0 if last_id in tset else 0.0
        xj[col["first_term_in_title"]] = 1.0 if first_id in tset else 0.0
        tail = set(seq[-TAIL:])
        xj[col["tail_coverage"]] = len(qset & tail) / nq
        xj[col["last_term_in_tail"]] = 1.0 if last_id in tail else 0.0
        if qbigrams and len(seq) > 1:
            tb = set(zip(seq, seq[1:]))
            xj[col["bigram_frac"]] = len(qbigrams & tb) / len(qbigrams)
        if matched:
            first = next(k for k, t in enumerate(seq) if t in qset)
            xj[col["first_match_pos"]] = first / len(seq)
            xj[col["title_precision"]] = sum(1 for t in seq if t in qset) / len(seq)
        else:
            xj[col["first_match_pos"]] = 1.5
        b = cat.brand[row]
        if b:
            bl = normalize(cat.brands.names[b])
            xj[col["brand_in_query"]] = 1.0 if (bl == brand_filter or bl in qtext) else 0.0
        else:
            xj[col["brand_in_query"]] = -1.0
        if attr_boosts:
            attrs = cat.attrs[row]
            atext = _attr_text(attrs) + " " + ntitle
            hits = 0
            for name, value in attr_boosts.items():
                v = str(value).lower()
                if name == "color":
                    names = [k for k, cv in COLORS.items() if cv == v]
                    pv = " ".join(str(x) for a, x in attrs.items() if is_color_attr(a)).lower()
                    hits += 1 if any(x in pv or re.search(rf"\b{re.escape(x)}\b", ntitle) for x in names) else 0
                elif v in atext:
                    hits += 1
            xj[col["attr_boosts"]] = hits / len(attr_boosts)
        else:
            xj[col["attr_boosts"]] = -1.0
        if cat_boost:
            cname = cat.categories.names[cat.category[row]] if cat.category[row] else ""
            xj[col["category_boost"]] = 1.0 if cat_boost in normalize(cname) else 0.0
        else:
            xj[col["category_boost"]] = -1.0
        if q3:
            xj[col["char3_containment"]] = sum(1 for g in q3 if g in ntitle) / len(q3)
        xj[col["synonym_in_title"]] = 1.0 if exp_ids & tset else 0.0
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
