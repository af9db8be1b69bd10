"""Filters (brand, category, price, stock, attributes) as row masks, facet counts and sort orders."""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain
from typing import Any

import numpy as np

from shopmind.index.catalog import Catalog
from shopmind.search.currency import base_prices
from shopmind.search.query import COLORS, is_color_attr
from shopmind.text.normalize import normalize

FILTER_KEYS = {"brand", "category", "class", "price_min", "price_max", "currency", "in_stock", "attrs"}
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
        elif k == "currency":
            if not (isinstance(v, str) and re.fullmatch(r"[A-Za-z]{3}", v.strip())):
                raise ValueError(f"filter currency must be a 3-letter ISO code (CNY, USD...), got {v!r}")
            v = v.strip().upper()
        elif k == "class" and not isinstance(v, str):
            raise ValueError(f"filter class must be a class id of the product graph, got {v!r}")
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


def _brand_names(names: list[str], graph: Any | None) -> list[str]:
    """Brand names with every alias of the same brand entity (Sony -> Sony, 索尼)."""
    if graph is None:
        return names
    out = list(names)
    for b in names:
        bid = graph.brand_of_name.get(normalize(b))
        out += graph.brand_names(bid) if bid else []
    return out


def _attr_names(name: str, graph: Any | None) -> list[str]:
    """An attribute name and the other names of its entity (颜色 -> 颜色, color)."""
    if graph is None:
        return [name]
    aid = graph.attr_of_name.get(normalize(name))
    if aid is None:  # a facet label ("Storage") rather than a catalog name
        aid = next((a for a, node in graph.attributes.items()
                    if normalize(name) in {normalize(x) for x in node.get("zh", []) + node.get("en", [])}), None)
    return [name] + (graph.attributes[aid].get("names", []) if aid else [])


def mask(cat: Catalog, filters: dict[str, Any], graph: Any | None = None, currency: Any | None = None,
         version: int | None = None) -> np.ndarray:
    """Rows that are alive and pass every filter. With the product ``graph``: brands match every alias,
    ``class`` every category of that class in both trees; with ``currency`` settings prices compare in
    the base currency (``price_min``/``price_max`` are in ``filters["currency"]``, default the base)."""
    n = len(cat)
    m = cat.live().copy()
    if "brand" in filters:
        codes = [cat.brands.code.get(normalize(b), -1) for b in _brand_names(_as_list(filters["brand"]), graph)]
        m &= np.isin(cat.brand[:n], codes)
    if "class" in filters:
        if graph is None:
            raise ValueError("filter class needs the product graph")
        if filters["class"] not in graph.classes:
            raise ValueError(f"filter class: unknown class {filters['class']!r}")
        codes = [cat.categories.code.get(normalize(c), -1) for c in graph.categories_of(filters["class"])]
        m &= np.isin(cat.category[:n], codes)
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
    if "price_min" in filters or "price_max" in filters:
        prices = base_prices(cat, currency, version)
        rate = currency.rate(filters.get("currency")) if currency is not None else 1.0
        if "price_min" in filters:
            m &= prices >= filters["price_min"] * rate
        if "price_max" in filters:
            m &= prices <= filters["price_max"] * rate
    if "in_stock" in filters:
        st = cat.stock[:n]
        m &= (st > 0) if filters["in_stock"] else (st == 0)
    for name, value in (filters.get("attrs") or {}).items():
        rows = np.flatnonzero(m)
        names = _attr_names(name, graph)
        keep = np.fromiter((any(attr_matches(cat.attrs[r], nm, value, cat.titles[r]) for nm in names)
                            for r in rows), dtype=bool, count=len(rows))
        m[rows[~keep]] = False
    return m


def _in_lang(names: list[str], lang: str) -> str:
    """The catalog's own name in the page's language (索尼 on a zh page, Sony on an en one)."""
    return next((n for n in names if bool(re.search(r"[\u4e00-\u9fff]", n)) == (lang == "zh")), names[0])


def _merged(cnt: np.ndarray, names: list[str], entity_of: Any, label_of: Any, top: int,
            plain_singles: bool = False) -> list[dict[str, Any]]:
    """Counts of codes merged by entity (Sony + 索尼 -> one entry), labelled in the page's language."""
    merged: dict[str, list] = {}
    for i in np.flatnonzero(cnt).tolist():
        ent = entity_of(names[i])
        e = merged.setdefault(ent or names[i], [0, [], "", ent])
        e[0] += int(cnt[i])
        e[1].append(names[i])
    for e in merged.values():
        e[2] = label_of(e[3], e[1]) if e[3] else e[1][0]
    items = sorted(merged.values(), key=lambda e: (-e[0], e[2]))[:top]
    out = []
    for c, nm, lab, ent in items:
        if plain_singles and len(nm) == 1:  # an entry of one name looks as it does without the graph
            out.append({"value": lab, "count": c})
        else:
            out.append({"value": lab, "count": c, "names": nm, **({"entity": ent} if ent else {})})
    return out


def facets(cat: Catalog, rows: np.ndarray, top: int = 20, attr_sample: int = 2000, graph: Any | None = None,
           lang: str = "en", prices: np.ndarray | None = None) -> dict[str, Any]:
    """Counts over the result rows: brand, category, price buckets, stock, common attributes. With the
    product ``graph`` brands and attributes are merged by entity and labelled in ``lang``, and ``class``
    counts the unified taxonomy's classes; ``prices`` (base currency) buckets the prices."""
    out: dict[str, Any] = {}
    if len(rows) == 0:
        return {"brand": [], "category": [], "price": [], "in_stock": {"true": 0, "false": 0}, "attributes": {},
                **({"class": []} if graph is not None else {})}
    for key, codes, names in (("brand", cat.brand, cat.brands.names), ("category", cat.category, cat.categories.names)):
        cnt = np.bincount(codes[rows], minlength=len(names))
        cnt[0] = 0
        if graph is not None and key == "brand":
            out[key] = _merged(cnt, names, lambda n: graph.brand_of_name.get(normalize(n)),
                               lambda b, nm: _in_lang(nm, lang), top, plain_singles=True)
            continue
        if graph is not None:
            out["class"] = [{"value": e["entity"], "label": e["value"], "count": e["count"]}
                            for e in _merged(cnt, names, graph.class_of, lambda c, nm: graph.label("class", c, lang), top)
                            if "entity" in e]
        order = np.argsort(-cnt, kind="stable")[:top]
        out[key] = [{"value": names[i], "count": int(cnt[i])} for i in order if cnt[i] > 0]
    prices = (cat.price if prices is None else prices)[rows]
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
        if graph is not None and normalize(a) in graph.attr_of_name:  # 颜色 and color: one facet
            a = graph.label("attribute", graph.attr_of_name[normalize(a)], lang)
        vals = counts.setdefault(a, {})
        vals[sv] = vals.get(sv, 0) + c
    common = sorted(counts.items(), key=lambda kv: -sum(kv[1].values()))[:8]
    out["attributes"] = {
        a: [{"value": v, "count": c} for v, c in sorted(vals.items(), key=lambda kv: (-kv[1], kv[0]))[:top]]
        for a, vals in common if len(vals) > 1
    }
    return out


def sort_rows(cat: Catalog, rows: np.ndarray, relevance: np.ndarray, sort: str,
              rating: dict[int, float] | None = None, prices: np.ndarray | None = None) -> np.ndarray:
    """``rows`` reordered by ``sort``; relevance breaks ties (missing prices/ratings go last); ``prices``:
    per-row prices in the base currency (default the raw prices)."""
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    if sort == "relevance" or len(rows) == 0:
        return rows[np.lexsort((rows, -relevance))]
    if sort in ("price_asc", "price_desc"):
        p = (cat.price if prices is None else prices)[rows]
        key = np.where(np.isnan(p), np.inf, p if sort == "price_asc" else -p)
    elif sort == "newest":
        key = -cat.created[rows]
    else:
        r = rating or {}
        key = -np.asarray([r.get(int(x), -1.0) for x in rows], dtype=np.float64)
    return rows[np.lexsort((rows, -relevance, key))]
