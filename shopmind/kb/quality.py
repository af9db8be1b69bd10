"""Catalog health per category: what is missing, duplicated or oddly priced — the keeper's to-do list.

Unusual prices use a robust z-score per category and currency on log prices (Iglewicz & Hoaglin's
modified z: 0.6745 * (x - median) / MAD, flagged beyond 3.5), so one wild price cannot hide itself
by inflating the spread the way it would with mean/std. Key attributes of a category are those set
on most of its products (or the shop's own list in meta ``quality.key_attributes``).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from typing import Any

from shopmind.kb.dedupe import DuplicateGroup, find_duplicates
from shopmind.kb.models import Product
from shopmind.kb.store import KnowledgeBase

UNCATEGORIZED = "(uncategorized)"
Z_LIMIT = 3.5
KEY_ATTR_SHARE = 0.6  # an attribute set on >= 60% of a category's products is "key" there
MIN_GROUP = 8  # fewer priced products than this: no price statistics
EXAMPLES = 20  # ids listed per issue and category


def robust_z(values: list[float]) -> list[float]:
    """Modified z-scores (median/MAD; mean absolute deviation when MAD is 0; zeros when no spread)."""
    med = statistics.median(values)
    dev = [abs(v - med) for v in values]
    mad = statistics.median(dev)
    if mad > 0:
        return [0.6745 * (v - med) / mad for v in values]
    mean_ad = sum(dev) / len(dev)
    if mean_ad > 0:
        return [(v - med) / (1.253314 * mean_ad) for v in values]
    return [0.0] * len(values)


def unusual_prices(products: list[Product], z_limit: float = Z_LIMIT) -> list[dict[str, Any]]:
    """Products whose price is far from their category's (per currency); zero prices always count."""
    by_cur: dict[str | None, list[Product]] = defaultdict(list)
    out: list[dict[str, Any]] = []
    for p in products:
        if p.price is None:
            continue
        if p.price == 0:
            out.append({"id": p.id, "price": p.price, "currency": p.currency, "z": None, "why": "zero price"})
        else:
            by_cur[p.currency].append(p)
    for cur, items in by_cur.items():
        if len(items) < MIN_GROUP:
            continue
        zs = robust_z([math.log(p.price) for p in items])  # type: ignore[arg-type]
        for p, z in zip(items, zs):
            if abs(z) > z_limit:
                out.append({"id": p.id, "price": p.price, "currency": cur, "z": round(z, 2),
                            "why": "far above the category" if z > 0 else "far below the category"})
    return sorted(out, key=lambda r: -abs(r["z"]) if r["z"] is not None else -math.inf)


def key_attributes(products: list[Product], configured: list[str] | None = None) -> list[str]:
    """The category's key attributes: configured ones, else those most of its products have."""
    if configured is not None:
        return list(configured)
    if len(products) < 5:
        return []
    counts = Counter(k for p in products for k, v in p.attributes.items() if v not in (None, ""))
    return sorted(k for k, n in counts.items() if n >= KEY_ATTR_SHARE * len(products))[:8]


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _category_report(name: str, items: list[Product], dup_ids: set[str], keys: list[str]) -> dict[str, Any]:
    missing: dict[str, list[str]] = {"brand": [], "price": [], "description": [], "key_attributes": []}
    for p in items:
        if _blank(p.brand):
            missing["brand"].append(p.id)
        if p.price is None:
            missing["price"].append(p.id)
        if _blank(p.description):
            missing["description"].append(p.id)
        if keys and any(_blank(p.attributes.get(k)) for k in keys):
            missing["key_attributes"].append(p.id)
    dups = sorted(p.id for p in items if p.id in dup_ids)
    odd = unusual_prices(items)
    flagged = set(dups) | {r["id"] for r in odd} | {i for ids in missing.values() for i in ids}
    return {
        "category": name,
        "products": len(items),
        "missing_brand": len(missing["brand"]),
        "missing_price": len(missing["price"]),
        "missing_description": len(missing["description"]),
        "missing_key_attributes": len(missing["key_attributes"]),
        "key_attributes": keys,
        "duplicates": len(dups),
        "unusual_prices": len(odd),
        "products_with_issues": len(flagged),
        "health": round(1 - len(flagged) / len(items), 4) if items else 1.0,
        "todo": {
            "missing_brand": missing["brand"][:EXAMPLES],
            "missing_price": missing["price"][:EXAMPLES],
            "missing_description": missing["description"][:EXAMPLES],
            "missing_key_attributes": missing["key_attributes"][:EXAMPLES],
            "duplicates": dups[:EXAMPLES],
            "unusual_prices": odd[:EXAMPLES],
        },
    }


def quality_report(store: KnowledgeBase, duplicates: list[DuplicateGroup] | None = None) -> dict[str, Any]:
    """Health of the active catalog per category, worst first, with example ids for each issue."""
    products = [p for p in store.iter_products() if p.status != "deleted"]
    groups = duplicates if duplicates is not None else find_duplicates(products=products)
    dup_ids = {i for g in groups for i in g.ids}
    configured = store.get_meta("quality.key_attributes", {}) or {}
    by_cat: dict[str, list[Product]] = defaultdict(list)
    for p in products:
        by_cat[p.category or UNCATEGORIZED].append(p)
    cats = [
        _category_report(name, items, dup_ids, key_attributes(items, configured.get(name, configured.get("*"))))
        for name, items in by_cat.items()
    ]
    cats.sort(key=lambda c: (-c["products_with_issues"], c["category"]))
    fields = ("missing_brand", "missing_price", "missing_description", "missing_key_attributes",
              "duplicates", "unusual_prices", "products_with_issues")
    totals = {f: sum(c[f] for c in cats) for f in fields}
    return {
        "products": len(products),
        "categories": cats,
        "totals": totals,
        "duplicate_groups": dict(Counter(g.kind for g in groups)),
        "health": round(1 - totals["products_with_issues"] / len(products), 4) if products else 1.0,
    }


__all__ = ["quality_report", "robust_z", "unusual_prices", "key_attributes"]
