"""Ranker features of (query, candidate) pairs: functions of the query, the product's content and the
shop's own events only — never of judgments (see the data README's leak warning).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from collections import Counter
from functools import lru_cache
from typing import Sequence

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
    "qty_match", "qty_conflict", "prefix_coverage", "compound_match", "query_oov",
    "title_idf_coverage_gap", "bm25_title_norm", "char3_gap", "dense_prf",
    "title_missing_idf",
)
PRF_TOP = 5  # pseudo-relevance feedback: the first fused candidates whose centroid dense_prf compares to
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


# units of measure as written in product titles and queries, mapped to one canonical name
UNITS: dict[str, str] = {}
for _canon, _aliases in {
    "in": ("in", "inch", "inches"), "ft": ("ft", "feet", "foot"), "gal": ("gal", "gallon", "gallons"),
    "w": ("w", "watt", "watts"), "v": ("v", "volt", "volts"), "a": ("a", "amp", "amps"),
    "lb": ("lb", "lbs", "pound", "pounds"), "oz": ("oz", "ounce", "ounces"), "mm": ("mm",), "cm": ("cm",),
    "qt": ("qt", "quart", "quarts"), "pt": ("pt", "pint", "pints"), "gauge": ("gauge", "ga", "awg"),
    "pack": ("pack", "pk", "piece", "pieces", "pc", "count", "ct"), "hp": ("hp",), "psi": ("psi",),
    "btu": ("btu",), "mil": ("mil",), "sq": ("sq",), "cu": ("cu",), "lm": ("lm", "lumen", "lumens"),
    "k": ("k",), "light": ("light", "lights"), "tier": ("tier",), "drawer": ("drawer", "drawers"),
}.items():
    for _a in _aliases:
        UNITS[_a] = _canon
_QTY_RE = re.compile(
    r"(?<![a-z0-9.])(\d+(?:-\d+/\d+|/\d+|\.\d+)?)\s*-?\s*(" + "|".join(sorted(UNITS, key=len, reverse=True))
    + r")?(?![a-z])"
)
_DIMS_RE = re.compile(r"(?<![a-z0-9.])\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)+(?![a-z0-9])")


def _number(text: str) -> float:
    """'1-1/2' -> 1.5, '3/4' -> 0.75, '2.50' -> 2.5."""
    whole, _, frac = text.partition("-") if "/" in text and "-" in text else ("", "", text)
    if "/" in frac:
        a, b = frac.split("/")
        v = int(a) / int(b) if int(b) else float(a)
    else:
        v = float(frac)
    return round(v + (float(whole) if whole else 0.0), 3)


@lru_cache(maxsize=200_000)
def quantities(text: str) -> tuple[tuple[float, str], ...]:
    """(value, canonical unit or "") pairs in normalized text: "3/4 in." -> (0.75, "in"), "3/4-inch" ->
    (0.75, "in"), "2x4x8" -> (2, ""), (4, ""), (8, "")."""
    out: list[tuple[float, str]] = []
    for m in _DIMS_RE.finditer(text):
        out.extend((_number(v), "") for v in m.group(0).split("x"))
    for m in _QTY_RE.finditer(_DIMS_RE.sub(" ", text)):
        try:
            out.append((_number(m.group(1)), UNITS.get(m.group(2) or "", "")))
        except (ValueError, ZeroDivisionError):
            continue
    return tuple(out)


def quantity_match(query_qty: tuple[tuple[float, str], ...], title_qty: tuple[tuple[float, str], ...]) -> tuple[float, float]:
    """(share of the query's quantities the title has — same value, same unit when both name one — or -1
    without any; 1 when the title states a quantity in a unit the query asks for but never the asked
    value, 0 when it does not, -1 when the query names no unit)."""
    if not query_qty:
        return -1.0, -1.0
    hits, conflict, any_unit = 0, 0.0, False
    for v, u in query_qty:
        if any(tv == v and (not u or not tu or tu == u) for tv, tu in title_qty):
            hits += 1
        elif u and any(tu == u for _, tu in title_qty):
            conflict = 1.0
        any_unit = any_unit or bool(u)
    return hits / len(query_qty), (conflict if any_unit else -1.0)


_WORD_RE = re.compile(r"[a-z]+")


@lru_cache(maxsize=200_000)
def _words(text: str) -> tuple[str, ...]:
    """The letter-only words of normalized text (cached: titles recur across queries)."""
    return tuple(_WORD_RE.findall(text))


PREFIX = 4
ROW_CACHE_MAX = 30_000


def _prefixes(words: Sequence[str], n: int = PREFIX) -> list[str]:
    return [w[:n] for w in words if len(w) >= n]


def _joined(words: Sequence[str]) -> list[str]:
    """Adjacent word pairs run together: ["dish", "washer"] -> ["dishwasher"]."""
    return [a + b for a, b in zip(words, words[1:])]


def _compound(query_long: Sequence[str], query_joined: Sequence[str], title_joined: set[str],
              title_words: set[str]) -> float:
    return 1.0 if any(w in title_joined for w in query_long) or any(p in title_words for p in query_joined) else 0.0


def _prefix_share(query_prefixes: Sequence[str], title_prefixes: set[str]) -> float:
    return sum(1 for w in query_prefixes if w in title_prefixes) / len(query_prefixes) if query_prefixes else -1.0


def compound_match(query_words: Sequence[str], title_words: Sequence[str]) -> float:
    """1 when a query word is two adjacent title words run together ("dishwasher" ~ "dish washer") or two
    adjacent query words are one title word ("back splash" ~ "backsplash"), else 0."""
    return _compound([w for w in query_words if len(w) >= 5], _joined(query_words), set(_joined(title_words)),
                     set(title_words))


def prefix_coverage(query_words: Sequence[str], title_words: Sequence[str], n: int = PREFIX) -> float:
    """Share of the query's words (of at least ``n`` letters) that share their first ``n`` letters with a
    title word — plural/singular, typos past the prefix and stems the analyzer splits differently; -1
    when the query has no such word."""
    return _prefix_share(_prefixes(query_words, n), set(_prefixes(title_words, n)))


def dense_prf(ix: IndexSet, rows: np.ndarray, top: int = PRF_TOP) -> np.ndarray:
    """Cosine of each candidate's vector with the normalized centroid of the first ``top`` candidates
    (rows come in fused order): agreement with what the query's best matches are about; 0 without vectors."""
    dn = ix.dense
    out = np.zeros(len(rows), dtype=np.float32)
    if dn is None or dn.n == 0 or len(rows) == 0:
        return out
    ok = (rows < dn.n)
    ok[ok] &= dn.has_vec[rows[ok]]
    head = rows[ok][:top]
    if len(head) == 0:
        return out
    centroid = dn.vectors[head].sum(axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm <= 0:
        return out
    out[ok] = dn.vectors[rows[ok]] @ (centroid / norm)
    return out


def _trigrams(s: str) -> list[str]:
    s = f" {s} "
    return list({s[i : i + 3] for i in range(len(s) - 2)})


_DIGIT_RE = re.compile(r"\d")
_UNIT_CODE = {u: k for k, u in enumerate(sorted(set(UNITS.values())), start=1)}  # "" -> 0
_EMPTY_I = np.zeros(0, dtype=np.int64)


@dataclass(slots=True)
class _Row:
    """What the features need of one product's title, independent of the query (cached per row): its
    term ids in order, normalized text, normalized brand, and the sets of its word prefixes, joined word
    pairs and words. Quantities and attribute text are filled in on first use by a query that needs them."""

    seq: np.ndarray
    ntitle: str
    brand: str | None
    pref: set
    joined: set
    words: set
    qty: tuple | None = None  # (values float64, unit codes int64; "" -> 0)
    attr_text: str | None = None  # attribute values + " " + title
    color_text: str | None = None  # color attribute values


def _row_info(lex, cat, row: int, ntitle: str) -> _Row:
    seq = lex.seqs[row] if row < len(lex.seqs) else ()
    words = _words(ntitle)
    brand = cat.brand[row]
    return _Row(np.asarray(seq, dtype=np.int64) if seq else _EMPTY_I, ntitle,
                normalize(cat.brands.names[brand]) if brand else None,
                set(_prefixes(words)), set(_joined(words)), set(words))


def _row_qty(r: _Row) -> tuple[np.ndarray, np.ndarray]:
    if r.qty is None:
        q = quantities(r.ntitle) if _DIGIT_RE.search(r.ntitle) else ()  # every quantity starts with a digit
        r.qty = (np.asarray([v for v, _ in q], dtype=np.float64),
                 np.asarray([_UNIT_CODE.get(u, 0) for _, u in q], dtype=np.int64))
    return r.qty


def _trigram_codes(text: str) -> np.ndarray:
    """Each 3-character window of ``text`` as one integer (three 21-bit code points, so equal codes are
    equal trigrams), in text order."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    if len(cp) < 3:
        return _EMPTY_I
    return (cp[:-2] << 42) | (cp[1:-1] << 21) | cp[2:]


_SLOTS = (4093, 4091, 4079, 4073, 4057, 4051, 4049, 4027, 4021, 4019)  # primes: hash slots of query trigrams


def _char3_hits(titles: list[str], q3: list[str]) -> np.ndarray:
    """Per title: how many of the distinct 3-character strings ``q3`` occur in it, for all titles in one
    pass over their concatenation (a window counts only where it lies inside one title)."""
    n = len(titles)
    codes = _trigram_codes("\n".join(titles))
    qcodes = [(ord(a) << 42) | (ord(b) << 21) | ord(c) for a, b, c in q3]  # distinct strings: distinct codes
    if not qcodes or len(codes) == 0:
        return np.zeros(n, dtype=np.int64)
    qc = np.asarray(qcodes, dtype=np.int64)
    # candidate matches through a collision-free slot table of the query's codes, then confirmed exactly
    p = next((p for p in _SLOTS if len({x % p for x in qcodes}) == len(qcodes)), 0)
    if p:
        table = np.full(p, -1, dtype=np.int64)
        table[qc % p] = np.arange(len(qc))
        k = table[codes % p]
        at = np.flatnonzero(k >= 0)
        at = at[qc[k[at]] == codes[at]]
    else:  # more query trigrams than any table separates (a very long query): sorted search
        order = np.argsort(qc)
        k = order[np.minimum(np.searchsorted(qc[order], codes), len(qc) - 1)]
        at = np.flatnonzero(qc[k] == codes)
    lens = np.fromiter(map(len, titles), np.int64, n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(lens[:-1] + 1, out=starts[1:])
    owner = np.searchsorted(starts, at, side="right") - 1
    inside = at + 3 <= starts[owner] + lens[owner]
    seen = np.zeros((n, len(qc)), dtype=bool)  # (title, query trigram) counted once
    seen[owner[inside], k[at[inside]]] = True
    return np.count_nonzero(seen, axis=1)


def _members(strings: list[str], sets: list[set], n: int) -> np.ndarray:
    """Per candidate: how many of ``strings`` (a repeated string counts again) are in its set."""
    count = Counter(strings)
    qs = frozenset(count)
    if len(count) == len(strings):
        return np.fromiter([len(qs & st) for st in sets], np.int64, n)
    return np.fromiter([sum(count[x] for x in qs & st) for st in sets], np.int64, n)


def compute(ix: IndexSet, pq: ParsedQuery, c: Candidates, popularity: np.ndarray | None = None,
            row_cache: dict | None = None) -> np.ndarray:
    """Feature matrix (len(rows), len(FEATURES)) in FEATURES order. ``row_cache`` (row -> title data) is
    kept by the caller across queries and must be emptied when rows change."""
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
    posarr = np.full(max(len(cat), int(rows.max()) + 1), -1, dtype=np.int32)
    posarr[rows] = np.arange(n, dtype=np.int32)
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
    exp_ids = {lex.vocab[t] for t in pq.expansions if t in lex.vocab}
    qset = set(qids)
    nq = max(len(qset), 1)
    X[:, F["query_terms"]] = len(qterms)
    X[:, F["query_oov"]] = sum(1 for i in qids if i < 0) / len(qids) if qids else 0.0
    X[:, F["corrected"]] = 1.0 if pq.corrections else 0.0
    qtext = pq.text
    q3 = _trigrams(qtext) if qtext else []
    bf = pq.filters.get("brand") or ""
    brand_filter = {normalize(b) for b in ([bf] if isinstance(bf, str) else bf)} - {""}  # a brand's aliases
    attr_boosts = dict(pq.boosts.get("attrs", {}))
    attr_boosts.update(pq.filters.get("attrs", {}))
    cat_boost = normalize(pq.boosts.get("category") or "")
    pmin, pmax = pq.filters.get("price_min"), pq.filters.get("price_max")
    q_qty = quantities(qtext) if qtext else ()
    q_words = _WORD_RE.findall(qtext)
    q_pref, q_long, q_joined = _prefixes(q_words), [w for w in q_words if len(w) >= 5], _joined(q_words)

    # the candidates' title data, from the cache or computed once per row
    info = row_cache if row_cache is not None else {}
    if len(info) > ROW_CACHE_MAX:  # bounded: about 3.5 KB a row
        info.clear()
    recs: list[_Row] = []
    for row in rows.tolist():
        ri = info.get(row)
        if ri is None:
            ri = info[row] = _row_info(lex, cat, row, normalize(cat.titles[row]))
        recs.append(ri)

    # title terms: a padded (n, L) matrix of term ids (-1 past a title's end; no query id is -1 here)
    lens = np.fromiter((len(r.seq) for r in recs), np.int64, n)
    L = max(int(lens.max()), 1)
    pos = np.arange(L)
    valid = pos < lens[:, None]
    S = np.full((n, L), -1, dtype=np.int64)
    if lens.sum():
        S[valid] = np.concatenate([r.seq for r in recs])
    tail = valid & (pos >= (lens - TAIL)[:, None])
    ku = sorted(set(known))  # distinct known query terms
    present = np.zeros((n, len(ku)), dtype=bool)
    in_tail = np.zeros((n, len(ku)), dtype=bool)
    hitpos = np.zeros((n, L), dtype=bool)
    eq: dict[int, np.ndarray] = {}
    for k, i in enumerate(ku):
        e = eq[i] = S == i
        present[:, k] = e.any(axis=1)
        in_tail[:, k] = (e & tail).any(axis=1)
        hitpos |= e
    idf_k = np.asarray([idf[i] for i in ku], dtype=np.float64)
    n_matched = present.sum(axis=1)
    X[:, F["title_coverage"]] = n_matched / nq
    # the sums of float32 idfs in float64 are exact, so any order gives the reference's values
    X[:, F["title_idf_coverage"]] = (present * idf_k).sum(axis=1) / q_idf_total
    X[:, F["all_in_title"]] = present.all(axis=1) if (qset and -1 not in qset) else 0.0
    X[:, F["title_missing_idf"]] = (np.where(present, -np.inf, idf_k).max(axis=1).clip(min=0.0) if ku
                                    else 0.0)
    X[:, F["title_len"]] = lens
    if qtext:
        X[:, F["phrase_in_title"]] = [qtext in r.ntitle for r in recs]
    kpos = {i: k for k, i in enumerate(ku)}
    if qids and qids[-1] >= 0:
        X[:, F["last_term_in_title"]] = present[:, kpos[qids[-1]]]
        X[:, F["last_term_in_tail"]] = in_tail[:, kpos[qids[-1]]]
    if qids and qids[0] >= 0:
        X[:, F["first_term_in_title"]] = present[:, kpos[qids[0]]]
    X[:, F["tail_coverage"]] = in_tail.sum(axis=1) / nq
    qbigrams = {(qids[k], qids[k + 1]) for k in range(len(qids) - 1)}
    if qbigrams:
        nb = np.zeros(n, dtype=np.int64)
        for a, b in qbigrams:
            if a >= 0 and b >= 0 and L > 1:
                nb += (eq[a][:, :-1] & eq[b][:, 1:]).any(axis=1)
        X[:, F["bigram_frac"]] = np.where(lens > 1, nb / len(qbigrams), 0.0)
    matched = n_matched > 0
    safe = np.maximum(lens, 1)
    X[:, F["first_match_pos"]] = np.where(matched, hitpos.argmax(axis=1) / safe, 1.5)
    X[:, F["title_precision"]] = np.where(matched, hitpos.sum(axis=1) / safe, 0.0)
    X[:, F["brand_in_query"]] = [-1.0 if r.brand is None else float(r.brand in brand_filter or r.brand in qtext)
                                 for r in recs]
    if attr_boosts:
        boosts = [(name, str(value).lower()) for name, value in attr_boosts.items()]
        color_names = {v: [(k, re.compile(rf"\b{re.escape(k)}\b")) for k, cv in COLORS.items() if cv == v]
                       for name, v in boosts if name == "color"}
        for j, (row, r) in enumerate(zip(rows.tolist(), recs)):
            if r.attr_text is None:  # cached: rows change only with the cache emptied
                attrs = cat.attrs[row]
                r.attr_text = _attr_text(attrs) + " " + r.ntitle
                r.color_text = " ".join(str(x) for a, x in attrs.items() if is_color_attr(a)).lower()
            atext, pv = r.attr_text, r.color_text
            hits = 0
            for name, v in boosts:
                if name == "color":
                    hits += 1 if any(x in pv or pat.search(r.ntitle) for x, pat in color_names[v]) else 0
                elif v in atext:
                    hits += 1
            X[j, F["attr_boosts"]] = hits / len(attr_boosts)
    else:
        X[:, F["attr_boosts"]] = -1.0
    if cat_boost:
        cids = np.asarray(cat.category[rows])
        uc, inv = np.unique(cids, return_inverse=True)
        hit_c = np.asarray([1.0 if cat_boost in normalize(cat.categories.names[u] if u else "") else 0.0
                            for u in uc.tolist()])
        X[:, F["category_boost"]] = hit_c[inv.reshape(-1)]
    else:
        X[:, F["category_boost"]] = -1.0
    if q3:
        X[:, F["char3_containment"]] = _char3_hits([r.ntitle for r in recs], q3) / len(q3)
    if exp_ids:
        X[:, F["synonym_in_title"]] = np.isin(S, np.asarray(sorted(exp_ids), dtype=np.int64)).any(axis=1)
    if q_qty:
        qty = [_row_qty(r) for r in recs]
        nv = np.fromiter((len(v) for v, _ in qty), np.int64, n)
        tv = np.concatenate([v for v, _ in qty])
        tu = np.concatenate([u for _, u in qty])
        owner = np.repeat(np.arange(n), nv)
        hits = np.zeros(n, dtype=np.int64)
        conflict = np.zeros(n, dtype=bool)
        for v, u in q_qty:
            code = _UNIT_CODE.get(u, 0)
            same = (tv == v) & ((tu == 0) | (tu == code)) if u else (tv == v)
            hit = np.bincount(owner[same], minlength=n) > 0
            hits += hit
            if u:  # a title stating the asked unit, but not the asked value
                conflict |= ~hit & (np.bincount(owner[tu == code], minlength=n) > 0)
        X[:, F["qty_match"]] = hits / len(q_qty)
        X[:, F["qty_conflict"]] = conflict if any(u for _, u in q_qty) else -1.0
    else:
        X[:, F["qty_match"]] = -1.0
        X[:, F["qty_conflict"]] = -1.0
    X[:, F["prefix_coverage"]] = _members(q_pref, [r.pref for r in recs], n) / len(q_pref) if q_pref else -1.0
    if q_long or q_joined:
        ql, qj = frozenset(q_long), frozenset(q_joined)
        X[:, F["compound_match"]] = [not (ql.isdisjoint(r.joined) and qj.isdisjoint(r.words)) for r in recs]
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
