"""Filters (brand, category, price, stock, attributes) as row masks, facet counts and sort orders."""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain
from typing import Any

import numpy as np

from shopmind.index.catalog import Catalog
from shopmind.search.query import COLORS, is_color_attr
from shopmind.text.normalize import normalize

FILTER_KEYS = {"brand", "category", "price_min", "price_max", "in_stock", "attrs"}
SORTS = ("relevance", "price_asc", "price_desc", "newest", "rating")
PRICE_BUCKETS = (0, 50, 100, 200, 500, 1000, 2000, 5000, 10000)


def check_filters(filters: dict[str, Any] | None) -> dict[str, Any]:
    """Validated copy of ``filters``; unknown keys or bad values raise ValueError naming the field."""
    out: dict[str, Any] = {}
    for k, v in (filters or {}).items():
        if v is None or v == "" or v == {}:
            continue
        if k not in FILTER_KEYS:
            raise ValueError(f"unknown filter {k!r}; expected one of {', '.join(sorted(FILTER_KEYS))}")
        if k in ("price_min", "price_max"):
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise ValueError(f"filter {k} must be a number, got {v!r}") from None
            if not np.isfinite(v) or v < 0:
                raise ValueError(f"filter {k} must be a finite number >= 0, got {v!r}")
        elif k == "in_stock":
            if isinstance(v, str):
                if v.lower() not in ("true", "false", "1", "0", "yes", "no"):
                    raise ValueError(f"filter in_stock must be true or false, got {v!r}")
                v = v.lower() in ("true", "1", "yes")
            v = bool(v)
        elif k == "attrs":
            if not isinstance(v, dict):
                raise ValueError("filter attrs must be an object of attribute name -> value")
        out[k] = v
    return out


def _as_list(v: Any) -> list[str]:
    return [str(x) for x in v] if isinstance(v, (list, tuple, set)) else [str(v)]


def _color_names(color: str) -> list[str]:
    c = COLORS.get(normalize(color), normalize(color))
    return sorted({k for k, v in COLORS.items() if v == c} | {c})


def attr_matches(attrs: dict[str, Any], name: str, value: Any, title: str = "") -> bool:
    """Whether a product satisfies ``name = value``; colors match across zh/en names, in any color
    attribute or in the title (many catalogs only say "black" in the title)."""
    wanted = [normalize(x) for x in _as_list(value)]
    if is_color_attr(normalize(name)):
        names = [n for w in wanted for n in _color_names(w)]
        have = normalize(" ".join(str(v) for a, v in attrs.items() if is_color_attr(a)) + " " + title)
        words = set(re.findall(r"[a-z]+", have))
        return any((n in words) if n.isascii() else (n in have) for n in names)
    for a, v in attrs.items():
        if normalize(a) == normalize(name):
            hv = normalize(str(v))
            return any(w == hv or w in hv.split(", ") for w in wanted)
    return False


def mask(cat: Catalog, filters: dict[str, Any]) -> np.ndarray:
    """Rows that are alive and pass every filter."""
    n = len(cat)
    m = cat.live().copy()
    if "brand" in filters:
        codes = [cat.brands.code.get(normalize(b), -1) for b in _as_list(filters["brand"])]
        m &= np.isin(cat.brand[:n], codes)
    if "category" in filters:
        wanted = [normalize(c) for c in _as_list(filters["category"])]
        ok = [
            i for i, name in enumerate(cat.categories.names)
            if i and any(
                normalize(name) == w or normalize(name).startswith(w + " > ")
                or w in [normalize(x) for x in name.split(">")]
                for w in wanted
            )
        ]
        m &= np.isin(cat.category[:n], ok)
    if "price_min" in filters:
        m &= cat.price[:n] >= filters["price_min"]
    if "price_max" in filters:
        m &= cat.price[:n] <= filters["price_max"]
    if "in_stock" in filters:
        st = cat.stock[:n]
        m &= (st > 0) if filters["in_stock"] else (st == 0)
    for name, value in (filters.get("attrs") or {}).items():
        rows = np.flatnonzero(m)
        keep = np.fromiter((attr_matches(cat.attrs[r], name, value, cat.titles[r]) for r in rows), dtype=bool,
                           count=len(rows))
        m[rows[~keep]] = False
    return m


def facets(cat: Catalog, rows: np.ndarray, top: int = 20, attr_sample: int = 2000) -> dict[str, Any]:
    """Counts over the result rows: brand, category, price buckets, stock, common attributes."""
    out: dict[str, Any] = {}
    if len(rows) == 0:
        return {"brand": [], "category": [], "price": [], "in_stock": {"true": 0, "false": 0}, "attributes": {}}
    for key, codes, names in (("brand", cat.brand, cat.brands.names), ("category", cat.category, cat.categories.names)):
        cnt = np.bincount(codes[rows], minlength=len(names))
        cnt[0] = 0
        order = np.argsort(-cnt, kind="stable")[:top]
        out[key] = [{"value": names[i], "count": int(cnt[i])} for i in order if cnt[i] > 0]
    prices = cat.price[rows]
    prices = prices[~np.isnan(prices) & (prices >= PRICE_BUCKETS[0])]
    edges = list(PRICE_BUCKETS) + [float("inf")]
    per_bucket = np.bincount(np.searchsorted(edges, prices, side="right") - 1, minlength=len(edges) - 1)
    out["price"] = [{"min": lo, "max": None if hi == float("inf") else hi, "count": int(c)}
                    for lo, hi, c in zip(edges[:-1], edges[1:], per_bucket.tolist()) if c]
    st = cat.stock[rows]
    out["in_stock"] = {"true": int((st > 0).sum()), "false": int((st == 0).sum())}
    pairs = cat.facet_pairs()
    counts: dict[str, dict[str, int]] = {}  # attributes in order of first appearance (ties below)
    sample = cat.with_facet_pairs(np.asarray(rows[:attr_sample], dtype=np.int64))
    for (a, sv), c in Counter(chain.from_iterable(pairs[r] for r in sample.tolist())).items():
        counts.setdefault(a, {})[sv] = c
    common = sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))[:8]
    out["attributes"] = {
        a: [{"value": v, "count": c} for v, c in sorted(vals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
        for a, vals in common if len(vals) > 1
    }
    return out


def sort_rows(cat: Catalog, rows: np.ndarray, relevance: np.ndarray, sort: str,
              rating: dict[int, float] | None = None) -> np.ndarray:
    """``rows`` reordered by ``sort``; relevance breaks ties (missing prices/ratings go last)."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    if sort == "relevance" or len(rows) == 0:
        return rows[np.lexsort((rows, -relevance))]
    if sort in ("price_asc", "price_desc"):
        p = cat.price[rows]
        key = np.where(np.isnan(p), np.inf, p if sort == "price_asc" else -p)
    elif sort == "newest":
        key = -cat.created[rows]
    else:
        r = rating or {}
        key = -np.asarray([r.get(int(x), -1.0) for x in rows], dtype=np.float64)
    return rows[np.lexsort((rows, -relevance, key))]
