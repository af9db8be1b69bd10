"""Per-row product facts the search needs without touching the store: fields to filter, facet and sort on.

Rows are shared with the lexical and dense indexes. Brand and category are integer-coded so facet
counts over tens of thousands of matches are one ``np.bincount``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np


from shopmind.kb.models import Product
from shopmind.text.normalize import normalize
from shopmind.text.tokenize import tokenize
from shopmind.durable import write_npz, write_text
from shopmind.index.persist import load_meta

FORMAT_VERSION = 1


def product_fields(p: Product | Any) -> dict[str, list[str]]:
    """The analyzed terms of each indexed field of a product (same analyzer as queries)."""
    attrs = " ".join(str(v) for v in (p.attributes or {}).values() if not isinstance(v, bool))
    return {
        "title": tokenize(p.title or "", search_mode=True),
        "brand": tokenize(p.brand or ""),
        "category": tokenize((p.category or "").replace(">", " "), search_mode=True),
        "attributes": tokenize(attrs),
        "description": tokenize((p.description or "")[:4000]),
    }


class Codes:
    """String values to small ints (code 0 is 'none') with their display names."""

    def __init__(self, names: list[str] | None = None) -> None:
        self.names: list[str] = names or [""]
        self.code = {normalize(n): i for i, n in enumerate(self.names) if i}

    def get(self, value: str | None, grow: bool = True) -> int:
        if not value:
            return 0
        key = normalize(value)
        c = self.code.get(key)
        if c is None and grow:
            c = self.code[key] = len(self.names)
            self.names.append(value)
        return c or 0


class Catalog:
    """Row-aligned product facts: id, title, brand, category, price, stock, dates, attributes."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.titles: list[str] = []
        self.attrs: list[dict[str, Any]] = []
        self.brands = Codes()
        self.categories = Codes()
        self.brand = np.zeros(0, np.int32)
        self.category = np.zeros(0, np.int32)
        self.price = np.zeros(0, np.float64)
        self.stock = np.zeros(0, np.int64)  # -1 unknown
        self.created = np.zeros(0, np.float64)
        self.alive = np.zeros(0, bool)
        self.currency: list[str | None] = []
        self._facet_pairs: list[tuple[tuple[str, str], ...]] = []  # per row, built on use (facet_pairs)
        self._facet_has = np.zeros(0, bool)  # per row: has facet pairs

    def __len__(self) -> int:
        return len(self.ids)

    def _grow(self, n: int) -> None:
        cur = len(self.brand)
        if n <= cur:
            return
        cap = max(n, 2 * cur, 64)

        def g(a: np.ndarray, fill: Any) -> np.ndarray:
            out = np.full(cap, fill, dtype=a.dtype)
            out[:cur] = a
            return out

        self.brand, self.category = g(self.brand, 0), g(self.category, 0)
        self.price, self.stock = g(self.price, np.nan), g(self.stock, -1)
        self.created, self.alive = g(self.created, 0.0), g(self.alive, False)

    def add(self, p: Product) -> int:
        """Append ``p`` as a new row (marking its previous row dead) and return the row."""
        old = self.row_of.get(p.id)
        if old is not None:
            self.alive[old] = False
        row = len(self.ids)
        self._grow(row + 1)
        self.ids.append(p.id)
        self.titles.append(p.title)
        self.attrs.append(dict(p.attributes or {}))
        self.currency.append(p.currency)
        self.row_of[p.id] = row
        self.brand[row] = self.brands.get(p.brand)
        self.category[row] = self.categories.get(p.category)
        self.price[row] = p.price if p.price is not None else np.nan
        self.stock[row] = p.stock if p.stock is not None else -1
        self.created[row] = p.created_at or 0.0
        self.alive[row] = p.status == "active"
        return row

    def remove(self, product_id: str) -> int | None:
        row = self.row_of.pop(product_id, None)
        if row is not None:
            self.alive[row] = False
        return row

    def n(self) -> int:
        return len(self.ids)

    def facet_pairs(self) -> list[tuple[tuple[str, str], ...]]:
        """Per row, its (attribute, value) pairs that facets count: text values of at most 40
        characters (numbers are ranges, not facets). Rows never change once added (an edit adds a
        row), so the list only grows; compaction starts it again."""
        pairs = self._facet_pairs
        start = len(pairs)
        for row in range(start, len(self.attrs)):
            pairs.append(tuple((a, sv) for a, v in self.attrs[row].items()
                               if (isinstance(v, bool) or not isinstance(v, (int, float))) and len(sv := str(v)) <= 40))
        if len(pairs) > start:
            self._facet_has = np.concatenate([self._facet_has[:start], np.fromiter(map(bool, pairs[start:]), bool)])
        return pairs

    def with_facet_pairs(self, rows: np.ndarray) -> np.ndarray:
        """The rows among ``rows`` (in their order) that have facet pairs."""
        self.facet_pairs()
        return rows[self._facet_has[rows]] if len(rows) else rows

    def live(self) -> np.ndarray:
        return self.alive[: len(self.ids)]

    def compact(self) -> np.ndarray:
        """Drop dead rows; returns the old row numbers kept, in their new order."""
        order = np.flatnonzero(self.live())
        self.ids = [self.ids[i] for i in order]
        self.titles = [self.titles[i] for i in order]
        self.attrs = [self.attrs[i] for i in order]
        self._facet_pairs, self._facet_has = [], np.zeros(0, bool)
        self.currency = [self.currency[i] for i in order]
        for name in ("brand", "category", "price", "stock", "created", "alive"):
            setattr(self, name, getattr(self, name)[order].copy())
        self.row_of = {pid: i for i, pid in enumerate(self.ids)}
        return order

    # -- persistence -----------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        n = len(self.ids)
        meta = {
            "format": FORMAT_VERSION,
            "ids": self.ids,
            "titles": self.titles,
            "attrs": self.attrs,
            "currency": self.currency,
            "brands": self.brands.names,
            "categories": self.categories.names,
        }
        write_text(path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False, default=_jsonable))
        write_npz(path.with_suffix(".npz"), {"brand": self.brand[:n], "category": self.category[:n],
                                              "price": self.price[:n], "stock": self.stock[:n],
                                              "created": self.created[:n], "alive": self.alive[:n]})

    @classmethod
    def load(cls, path: Path) -> "Catalog":
        meta = load_meta(path, "catalog", FORMAT_VERSION)
        c = cls()
        c.ids, c.titles, c.attrs, c.currency = meta["ids"], meta["titles"], meta["attrs"], meta["currency"]
        c.brands, c.categories = Codes(meta["brands"]), Codes(meta["categories"])
        with np.load(path.with_suffix(".npz"), allow_pickle=False) as z:
            for name in ("brand", "category", "price", "stock", "created", "alive"):
                setattr(c, name, z[name].copy())
        c.row_of = {pid: i for i, pid in enumerate(c.ids) if c.alive[i]}
        return c

    def nbytes(self) -> int:
        arrays = sum(getattr(self, a).nbytes for a in ("brand", "category", "price", "stock", "created", "alive"))
        return arrays + sum(len(t) for t in self.titles) * 2 + 120 * len(self.ids)


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return str(v)
