"""Flag likely duplicate products (same EAN/SKU under two ids, near-identical titles of one brand).

Nothing is merged: the report is for whoever keeps the catalog. Title similarity is token Jaccard,
among products of one brand with the same numbers in their titles (else they are variants), made
fast on 50k+ products by that blocking and the all-pairs prefix filter (Bayardo et al. 2007):
two sets with Jaccard >= t must share a token among the rarest ``|x| - ceil(t*|x|) + 1`` of each.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from typing import Iterable

from pydantic import BaseModel

from shopmind.kb.models import Product
from shopmind.kb.store import KnowledgeBase

_WORD = re.compile(r"[^\W_]+(?:[.,]\d+)*", re.UNICODE)  # words; decimals like 9.5 stay whole
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


class DuplicateGroup(BaseModel):
    """Products that look like one: ``kind`` says why (ean, sku, title), ``key`` what they share."""

    kind: str
    key: str
    ids: list[str]
    brand: str | None = None
    titles: list[str] = []
    similarity: float = 1.0


def title_tokens(title: str) -> frozenset[str]:
    """Lower-cased word tokens; Chinese runs become character bigrams (single characters when alone)."""
    text = unicodedata.normalize("NFKC", title).casefold()
    toks: set[str] = set()
    for w in _WORD.findall(text):
        for part in re.split(r"([\u3400-\u9fff\uf900-\ufaff]+)", w):
            if not part:
                continue
            if _CJK.fullmatch(part):
                toks.update(part[i : i + 2] for i in range(max(len(part) - 1, 1)))
            else:
                toks.add(part)
    return frozenset(toks)


def _numbers(title: str) -> list[str]:
    """The title's tokens holding digits, in order ('1 in. x 8 in.' differs from '8 in. x 1 in.')."""
    text = unicodedata.normalize("NFKC", title).casefold()
    return [t for t in _WORD.findall(text) if any(c.isdigit() for c in t)]


def _norm_code(code: str, digits: bool) -> str:
    c = code.strip().casefold()
    if digits and c.isdigit():
        return c.zfill(14)  # EAN-13 / UPC-A / GTIN-14 compare equal
    return c


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for x in self.parent:
            out[self.find(x)].append(x)
        return [sorted(g) for g in out.values() if len(g) > 1]


def _code_groups(products: list[Product], kind: str) -> list[DuplicateGroup]:
    """Products sharing an EAN (any of their EANs) or a SKU."""
    owners: dict[str, list[str]] = defaultdict(list)
    for p in products:
        raw = p.ean if kind == "ean" else p.sku
        if not raw:
            continue
        codes = {_norm_code(c, kind == "ean") for c in (raw.split(",") if kind == "ean" else [raw])}
        for c in codes:
            if c:
                owners[c].append(p.id)
    uf = _UnionFind()
    shared: dict[str, set[str]] = defaultdict(set)
    for code, ids in owners.items():
        if len(ids) > 1:
            for other in ids[1:]:
                uf.union(ids[0], other)
            shared[ids[0]].add(code)
    by_id = {p.id: p for p in products}
    out = []
    for ids in uf.groups():
        keys = sorted(set().union(*(shared.get(i, set()) for i in ids)))
        out.append(DuplicateGroup(kind=kind, key=",".join(keys), ids=ids, brand=by_id[ids[0]].brand,
                                  titles=[by_id[i].title for i in ids]))
    return out


def similar_pairs(sets: dict[str, frozenset[str]], threshold: float) -> list[tuple[str, str, float]]:
    """All pairs with Jaccard >= threshold (prefix filter + size filter, then exact check)."""
    freq = Counter(t for s in sets.values() for t in s)
    order = sorted((i for i in sets if sets[i]), key=lambda i: (len(sets[i]), i))
    index: dict[str, list[str]] = defaultdict(list)
    pairs = []
    for i in order:
        x = sets[i]
        toks = sorted(x, key=lambda t: (freq[t], t))
        n = len(toks)
        prefix = n - math.ceil(threshold * n) + 1
        seen: set[str] = set()
        for t in toks[:prefix]:
            for j in index[t]:
                if j in seen:
                    continue
                seen.add(j)
                y = sets[j]
                if len(y) < threshold * n:  # sizes ascend: y is never larger than x
                    continue
                inter = len(x & y)
                sim = inter / (n + len(y) - inter)
                if sim >= threshold:
                    pairs.append((j, i, sim))
            index[t].append(i)
    return pairs


def _title_groups(products: list[Product], threshold: float) -> list[DuplicateGroup]:
    blocks: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    by_id = {p.id: p for p in products}
    for p in products:
        # Block on brand and on the title's tokens holding digits (sizes, model numbers, pack counts):
        # titles that differ there are variants (59 in. vs 71 in. door), not duplicates.
        brand = unicodedata.normalize("NFKC", p.brand or "").casefold().strip()
        toks = title_tokens(p.title)
        numbers = " ".join(_numbers(p.title))
        blocks[f"{brand}\x1f{numbers}"][p.id] = toks
    out = []
    for brand, sets in blocks.items():
        uf = _UnionFind()
        low: dict[str, float] = {}
        for a, b, sim in similar_pairs(sets, threshold):
            uf.union(a, b)
            low[a] = min(low.get(a, 1.0), sim)
            low[b] = min(low.get(b, 1.0), sim)
        for ids in uf.groups():
            first = by_id[ids[0]]
            out.append(DuplicateGroup(kind="title", key=first.title, ids=ids, brand=first.brand,
                                      titles=[by_id[i].title for i in ids],
                                      similarity=round(min(low[i] for i in ids), 4)))
    return out


def find_duplicates(
    store: KnowledgeBase | None = None,
    threshold: float = 0.9,
    products: Iterable[Product] | None = None,
) -> list[DuplicateGroup]:
    """Groups of active products that look like duplicates, by EAN, SKU and title (flagged, not merged)."""
    items = list(products if products is not None else store.iter_products())  # type: ignore[union-attr]
    items = [p for p in items if p.status != "deleted"]
    groups = _code_groups(items, "ean") + _code_groups(items, "sku") + _title_groups(items, threshold)
    return sorted(groups, key=lambda g: ({"ean": 0, "sku": 1, "title": 2}[g.kind], -len(g.ids), g.ids[0]))


def dedupe_report(store: KnowledgeBase, threshold: float = 0.9) -> dict:
    """JSON-able summary for the CLI/API: counts per kind and the groups."""
    groups = find_duplicates(store, threshold)
    kinds = Counter(g.kind for g in groups)
    return {
        "groups": len(groups),
        "products": len({i for g in groups for i in g.ids}),
        "by_kind": dict(kinds),
        "threshold": threshold,
        "duplicates": [g.model_dump() for g in groups],
    }


__all__ = ["DuplicateGroup", "dedupe_report", "find_duplicates", "similar_pairs", "title_tokens"]
