"""Phrase dictionaries (brands, categories, colors, materials, sizes) matched longest-first.

Built from the bundled bilingual lexicon plus the shop's own brands, categories and attribute values
from the knowledge base. Matching runs on folded text (see ``prices.fold``) so offsets are the input's.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Iterable

from shopmind.text.prices import fold

if TYPE_CHECKING:
    from shopmind.kb.store import KnowledgeBase

__all__ = ["Gazetteer", "load_lexicon", "units", "GAZETTEER_TYPES"]

GAZETTEER_TYPES = ("brand", "category", "color", "material", "size")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_UNIT_RE = re.compile(rf"[a-z0-9]+|[{_CJK}]|[&+']")
_CJK_RE = re.compile(rf"[{_CJK}]")
# attribute names (lowercase, from any catalog) whose values are colors / materials / sizes
_ATTR_TYPES = [
    (re.compile(r"(^|_)(colou?rs?|颜色|颜色分类)($|_)"), "color"),
    (re.compile(r"(^|_)(material|材质|面料|jacket_material)($|_)"), "material"),
    (re.compile(r"^(size|尺码|clothing_size|shoe_size)$"), "size"),
]
_BAD_VALUE = re.compile(r"^[\d\s.,%/-]*$|^(yes|no|n/a|na|none|other|others|y|n|unknown|not specified)$", re.I)
_GENERIC_VALUES = frozenset("light dark multi mixed various assorted standard original photo matte matt gloss glossy "
                            "natural classic basic plain solid n/a".split())
_WORDISH = re.compile(rf"[a-z{_CJK}]")
# type order when one phrase has several meanings: the first listed wins in the span
_TYPE_RANK = {t: i for i, t in enumerate(GAZETTEER_TYPES)}


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, Any]:
    """The bundled lexicon (shopmind/text/lexicon/lexicon.json): type -> canonical value -> aliases."""
    raw = resources.files("shopmind.text").joinpath("lexicon/lexicon.json").read_text("utf-8")
    return json.loads(raw)


def units(folded: str) -> list[tuple[str, int, int]]:
    """Matching units of folded text with offsets: Latin/digit words, single CJK chars, & + '."""
    return [(m.group(), m.start(), m.end()) for m in _UNIT_RE.finditer(folded)]


class Gazetteer:
    """Phrase -> (type, normalized value) entries, matched longest-first over text units."""

    def __init__(self) -> None:
        self._phrases: dict[tuple[str, ...], tuple[str, str]] = {}
        self.max_len = 1
        self.counts: Counter[str] = Counter()
        self._starts: set[str] = set()  # first units of all phrases: most positions are skipped at once

    def __len__(self) -> int:
        return len(self._phrases)

    def add(self, type_: str, value: str, alias: str | None = None, override: bool = False) -> bool:
        """Add ``alias`` (default: the value itself) as a phrase meaning (type, value)."""
        key = tuple(u for u, _, _ in units(fold(alias or value)))
        if not key or len(key) > 8:
            return False
        old = self._phrases.get(key)
        if old is not None and not override and _TYPE_RANK.get(old[0], 9) <= _TYPE_RANK.get(type_, 9):
            return False
        self._phrases[key] = (type_, value)
        self._starts.add(key[0])
        self.max_len = max(self.max_len, len(key))
        self.counts[type_] += old is None
        return True

    def words(self) -> list[str]:
        """Phrases with Chinese characters (for jieba's user dictionary)."""
        return ["".join(k) for k in self._phrases if any(_CJK_RE.match(u) for u in k)]

    @classmethod
    def builtin(cls) -> "Gazetteer":
        """The gazetteer of the bundled lexicon only."""
        g = cls()
        lex = load_lexicon()
        for type_ in GAZETTEER_TYPES:
            for value, aliases in lex.get(type_, {}).items():
                if len(value) > 1:
                    g.add(type_, value, value)
                for a in aliases:
                    g.add(type_, value, a)
        return g

    def add_catalog(
        self,
        brands: Iterable[str] = (),
        categories: Iterable[str] = (),
        attributes: Iterable[tuple[str, Any]] = (),
    ) -> None:
        """Add a catalog's brands, category paths (each level) and color/material/size attribute values.

        A catalog brand equal (case-insensitively) to a bundled one takes over its aliases' value, so
        "华为" maps to the shop's own spelling "HUAWEI"."""
        lex = load_lexicon()
        canon = {v.casefold(): v for v in lex.get("brand", {})}
        for b in brands:
            b = (b or "").strip()
            if len(b) < 2 or _BAD_VALUE.match(b):
                continue
            self.add("brand", b, b, override=True)
            builtin = canon.get(b.casefold())
            if builtin:
                for a in lex["brand"][builtin]:
                    self.add("brand", b, a, override=True)
        for path in categories:
            for level in (path or "").split(">"):
                level = level.strip()
                if len(level) >= 2 and not _BAD_VALUE.match(level):
                    self.add("category", level, level)
        for name, value in attributes:
            type_ = attribute_type(name)
            if type_ is None or not isinstance(value, str):
                continue
            for v in re.split(r"\s*[,;/]\s*", value):
                v = v.strip()
                if not (3 <= len(v) <= 40) or _BAD_VALUE.match(v) or v.lower() in _GENERIC_VALUES:
                    continue
                key = [u for u, _, _ in units(fold(v))]
                if not key or any(not _WORDISH.search(u) for u in key):
                    continue  # "< 16", "2 x 5": not a name
                canon = self.lookup(v)
                if canon is None:  # a value the lexicon knows keeps its meaning ("Stainless Steel")
                    self.add(type_, v.lower(), v)

    @classmethod
    def from_store(cls, store: "KnowledgeBase", max_products: int | None = None) -> "Gazetteer":
        """The bundled lexicon plus the shop's brands, categories and attribute values."""
        return cls.from_products(store.iter_products(), max_products)

    @classmethod
    def from_products(cls, products: Iterable[Any], max_products: int | None = None) -> "Gazetteer":
        """``from_store`` over products already in hand (enrichment has loaded them all anyway)."""
        g = cls.builtin()
        brands: Counter[str] = Counter()
        cats: set[str] = set()
        attrs: set[tuple[str, str]] = set()
        for i, p in enumerate(products):
            if max_products is not None and i >= max_products:
                break
            if p.brand:
                brands[p.brand] += 1
            if p.category:
                cats.add(p.category)
            for k, v in p.attributes.items():
                if isinstance(v, str) and attribute_type(k):
                    attrs.add((k, v))
        g.add_catalog(brands, sorted(cats), sorted(attrs))
        return g

    def lookup(self, phrase: str) -> tuple[str, str] | None:
        """(type, value) of an exact phrase, or None."""
        return self._phrases.get(tuple(u for u, _, _ in units(fold(phrase))))

    def match(self, folded: str, boundaries: set[int] | None = None) -> list[tuple[str, int, int, str]]:
        """(type, start, end, value) of the longest phrases in ``folded``, left to right, no overlap.

        A one-character Chinese phrase counts only at word ``boundaries`` (jieba's), so "包" (bag) is
        not found inside "包邮"."""
        us = units(folded)
        words = [u for u, _, _ in us]
        out: list[tuple[str, int, int, str]] = []
        i, n = 0, len(us)
        phrases, max_len, starts = self._phrases, self.max_len, self._starts
        while i < n:
            if words[i] not in starts:
                i += 1
                continue
            hit = None
            for L in range(min(max_len, n - i), 0, -1):
                key = tuple(words[i : i + L])
                entry = phrases.get(key)
                if entry is None:
                    continue
                s, e = us[i][1], us[i + L - 1][2]
                if L == 1 and _CJK_RE.match(key[0]) and (boundaries is None or s not in boundaries or e not in boundaries):
                    continue
                if L > 1 and not _contiguous(folded, us[i : i + L]):
                    continue
                hit = (entry[0], s, e, entry[1], L)
                break
            if hit:
                out.append(hit[:4])
                i += hit[4]
            else:
                i += 1
        return out


@lru_cache(maxsize=8192)
def attribute_type(name: str) -> str | None:
    """"color"/"material"/"size" for an attribute name that holds such values, else None."""
    n = name.lower()
    for pat, t in _ATTR_TYPES:
        if pat.search(n):
            return t
    return None


def _contiguous(text: str, us: list[tuple[str, int, int]]) -> bool:
    """Units of one phrase may be separated by spaces or hyphens only (not by commas or words)."""
    for (_, _, e), (_, s, _) in zip(us, us[1:]):
        gap = text[e:s]
        if gap and gap.strip(" -_.") != "":
            return False
    return True
