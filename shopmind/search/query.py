"""Query understanding (zh/en): price constraints, spelling correction, synonyms, and entity linking of
query spans to catalog brands, categories and attribute values (hard filters) — the parsed query is
returned with every result page.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from shopmind.search.spell import Speller
from shopmind.text.normalize import normalize
from shopmind.text.tokenize import tokenize

# -- price constraints ------------------------------------------------------------------------------
_NUM = r"(\d+(?:\.\d+)?)\s*(k|千|万|w)?"
_CUR = r"(?:元|块钱|块|rmb|yuan|cny|usd|dollars?|euros?|eur|¥|\$|€)"
_PRE = r"(?:[¥$€]\s*)?"
_PRICE_PATTERNS: list[tuple[re.Pattern, str]] = [
    (re.compile(rf"(?:between|from)\s+{_PRE}{_NUM}\s*{_CUR}?\s*(?:and|to|-)\s*{_PRE}{_NUM}\s*{_CUR}?"), "range"),
    (re.compile(rf"{_PRE}{_NUM}\s*{_CUR}?\s*(?:-|~|到|至|to)\s*{_PRE}{_NUM}\s*{_CUR}"), "range"),
    (re.compile(rf"(?:under|below|less than|cheaper than|up to|at most|max|within|<=?|低于|少于|不超过|不到|小于|便宜于)\s*{_PRE}{_NUM}\s*{_CUR}?"), "max"),
    (re.compile(rf"{_PRE}{_NUM}\s*{_CUR}?\s*(?:以下|以内|之内|内|or less|and under|and below|or under)"), "max"),
    (re.compile(rf"(?:over|above|more than|at least|min|>=?|高于|超过|大于|不低于)\s*{_PRE}{_NUM}\s*{_CUR}?"), "min"),
    (re.compile(rf"{_PRE}{_NUM}\s*{_CUR}?\s*(?:以上|起|or more|and up|and above|plus)"), "min"),
]
_MULT = {"k": 1000.0, "千": 1000.0, "万": 10000.0, "w": 10000.0}


_MAX_PRICE = 1e12  # a query's "999...9 元" (hundreds of digits) must not become inf: it is not JSON


def _num(value: str, mult: str | None) -> float:
    return min(float(value) * _MULT.get(mult or "", 1.0), _MAX_PRICE)


_CURRENCY_OF = [(re.compile(r"[¥￥元块]|rmb|yuan|cny|人民币"), "CNY"), (re.compile(r"\$|usd|dollar"), "USD"),
                (re.compile(r"€|eur"), "EUR")]


def parse_price(text: str) -> tuple[float | None, float | None, str]:
    """(price_min, price_max, query text without the price phrase); the text is normalized first."""
    return parse_price_currency(text)[:3]


def parse_price_currency(text: str) -> tuple[float | None, float | None, str, str | None]:
    """``parse_price`` and the currency the phrase names ("¥", "元", "$", "usd"...; None when it names
    none)."""
    text = normalize(text)
    for pat, kind in _PRICE_PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        g = m.groups()
        rest = (text[: m.start()] + " " + text[m.end() :]).strip()
        rest = re.sub(r"\s+", " ", rest)
        cur = next((c for r, c in _CURRENCY_OF if r.search(m.group(0))), None)
        if kind == "range":
            lo, hi = _num(g[0], g[1]), _num(g[2], g[3])
            return min(lo, hi), max(lo, hi), rest, cur
        if kind == "max":
            return None, _num(g[0], g[1]), rest, cur
        return _num(g[0], g[1]), None, rest, cur
    return None, None, text, None


# -- colors: the attribute value people type most; zh and en names of one color meet on the English name
COLORS: dict[str, str] = {
    "red": "red", "红": "red", "红色": "red", "black": "black", "黑": "black", "黑色": "black",
    "white": "white", "白": "white", "白色": "white", "blue": "blue", "蓝": "blue", "蓝色": "blue",
    "green": "green", "绿": "green", "绿色": "green", "yellow": "yellow", "黄": "yellow", "黄色": "yellow",
    "pink": "pink", "粉": "pink", "粉色": "pink", "粉红": "pink", "purple": "purple", "紫": "purple",
    "紫色": "purple", "orange": "orange", "橙": "orange", "橙色": "orange", "grey": "grey", "gray": "grey",
    "灰": "grey", "灰色": "grey", "silver": "silver", "银": "silver", "银色": "silver", "gold": "gold",
    "金色": "gold", "brown": "brown", "棕色": "brown", "咖啡色": "brown", "beige": "beige", "米色": "beige",
}
_ZH_COLORS = [(k, v) for k, v in COLORS.items() if not k.isascii() and len(k) > 1]
COLOR_ATTRS = ("color", "colour", "颜色", "colors", "colours")


def is_color_attr(name: str) -> bool:
    """Attribute names that hold a product's color ("color", "product_colour", "颜色", ...), not a printer's
    printing colours."""
    n = name.lower()
    return n in COLOR_ATTRS or ((n.endswith("colour") or n.endswith("color")) and "print" not in n) or "颜色" in n

#: built-in synonym groups (zh/en); admins add more through the API (meta key search.synonyms)
DEFAULT_SYNONYMS: list[list[str]] = [
    ["手机", "phone", "cellphone", "smartphone", "mobile phone"],
    ["笔记本", "笔记本电脑", "laptop", "notebook"],
    ["耳机", "headphones", "earphones", "headset", "earbuds"],
    ["电视", "tv", "television"],
    ["冰箱", "fridge", "refrigerator"],
    ["鞋", "鞋子", "shoes", "sneakers"],
    ["平板", "平板电脑", "tablet"],
    ["显示器", "monitor", "display"],
    ["鼠标", "mouse"],
    ["键盘", "keyboard"],
    ["打印机", "printer"],
    ["相机", "camera"],
    ["充电器", "charger"],
    ["音箱", "speaker", "speakers"],
]


@dataclass
class ParsedQuery:
    """What the engine understood of a query; ``to_dict`` is what the API returns as ``query``."""

    raw: str
    normalized: str = ""
    text: str = ""  # the normalized text searched (price phrase removed, spelling corrected)
    terms: list[str] = field(default_factory=list)
    expansions: dict[str, float] = field(default_factory=dict)  # synonym term -> weight
    corrections: list[tuple[str, str]] = field(default_factory=list)
    did_you_mean: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)  # brand, category, price_min/max, attrs
    boosts: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] = field(default_factory=list)
    lang: str = "en"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["corrections"] = [list(c) for c in self.corrections]
        return d


class Gazetteer:
    """Normalized catalog names (brands, categories, attribute values) -> (kind, value) for linking."""

    def __init__(self) -> None:
        self.names: dict[str, tuple[str, str]] = {}
        self.colors: set[str] = set()  # canonical colors some product has as a color attribute
        self.zh_names: list[str] = []
        self.max_words = 1

    def add(self, name: str, kind: str, value: str, override: bool = False) -> None:
        key = normalize(name)
        if len(key) < 2 or key.isdigit():
            return
        if override:
            self.names[key] = (kind, value)
        else:
            self.names.setdefault(key, (kind, value))
        if not key.isascii() and key not in self.zh_names:
            self.zh_names.append(key)
            self.zh_names.sort(key=len, reverse=True)
        self.max_words = max(self.max_words, min(4, len(key.split())))

    def link(self, text: str) -> list[tuple[str, str, str]]:
        """Longest-first matches of word n-grams (and Chinese substrings) as (span, kind, value)."""
        out: list[tuple[str, str, str]] = []
        words = text.split()
        used = [False] * len(words)
        for n in range(self.max_words, 0, -1):
            for i in range(len(words) - n + 1):
                if any(used[i : i + n]):
                    continue
                span = " ".join(words[i : i + n])
                hit = self.names.get(span)
                if hit:
                    out.append((span, *hit))
                    for k in range(i, i + n):
                        used[k] = True
        # Chinese: names inside a run without spaces ("华为手机"), longest first, not overlapping
        # ("平板电脑" is a tablet, not also the 电脑 inside it)
        for i, w in enumerate(words):
            if used[i] or w.isascii():
                continue
            taken = [False] * len(w)
            for span in self.zh_names:
                if len(span) >= len(w):
                    continue
                start = w.find(span)
                while start >= 0 and any(taken[start : start + len(span)]):
                    start = w.find(span, start + 1)
                if start >= 0:
                    taken[start : start + len(span)] = [True] * len(span)
                    if not any(span == s for s, _, _ in out):
                        out.append((span, *self.names[span]))
        return out


class QueryParser:
    """Turns a raw query into a ParsedQuery using the catalog vocabulary, synonyms and gazetteer."""

    def __init__(self, speller: Speller | None = None, gazetteer: Gazetteer | None = None,
                 synonyms: Iterable[Iterable[str]] | None = None, synonym_weight: float = 0.5,
                 graph: Any | None = None) -> None:
        self.speller = speller or Speller()
        self.gazetteer = gazetteer or Gazetteer()
        self.graph = graph  # shopmind.graph.ProductGraph: class, brand and feature linking
        self.synonym_weight = synonym_weight
        self.set_synonyms(synonyms if synonyms is not None else DEFAULT_SYNONYMS)

    def set_synonyms(self, groups: Iterable[Iterable[str]]) -> None:
        """Replace the synonym groups; each term maps to the analyzed terms of the others."""
        self.synonym_groups = [[str(t) for t in g if str(t).strip()] for g in groups]
        self.syn: dict[str, set[str]] = {}
        for g in self.synonym_groups:
            analyzed = [" ".join(tokenize(t)) for t in g]
            for a in analyzed:
                if a:
                    self.syn.setdefault(a, set()).update(x for x in analyzed if x and x != a)
            for t in g:
                for w in normalize(t).split():
                    self.speller.protected.add(w)

    def add_graph_vocabulary(self) -> None:
        """Link the graph's class, brand and feature labels (zh and en) and keep the speller off them
        ("novel" is a word of the shop, not a typo of "navel")."""
        if self.graph is None:
            return
        for label, kind, ident in self.graph.vocabulary():
            self.gazetteer.add(label, kind, ident, override=True)
            if label.isascii():
                self.speller.add_text(label)
            for w in normalize(label).split():
                self.speller.protected.add(w)

    def parse(self, raw: str, correct: bool = True) -> ParsedQuery:
        if not isinstance(raw, str):
            raise TypeError(f"query must be a string, got {type(raw).__name__}")
        norm = normalize(raw)
        pq = ParsedQuery(raw=raw, normalized=norm)
        pq.lang = "zh" if re.search(r"[\u4e00-\u9fff]", norm) else "en"
        lo, hi, text, cur = parse_price_currency(norm)
        if lo is not None:
            pq.filters["price_min"] = lo
        if hi is not None:
            pq.filters["price_max"] = hi
        if cur is not None and (lo is not None or hi is not None):
            pq.filters["currency"] = cur
        if correct:
            fixed, fixes = self.speller.correct(text)
            if fixes:
                pq.corrections = fixes
                pq.did_you_mean = fixed
                text = fixed
        pq.text = text
        pq.terms = tokenize(text, search_mode=True)
        self._link(pq)
        self._expand(pq)
        return pq

    def _link(self, pq: ParsedQuery) -> None:
        """Brands become a filter; colors a filter when the catalog has color attributes with that
        value (else a boost); categories and other attribute values are soft boosts."""
        attrs: dict[str, str] = {}
        boosts: dict[str, str] = {}
        links = self.gazetteer.link(pq.text)
        # a class filters when it is the query's head (its last words: "noise cancelling headphones",
        # "华为手机"; not "notebook bag") and the catalog has products of it; else it only boosts
        tail = re.sub(r"[\s的]+$", "", pq.text)
        classes = sorted((x for x in links if x[1] == "class" and tail.endswith(x[0])
                          and self.graph is not None and self.graph.categories_of(x[2])), key=lambda x: -len(x[0]))
        lines = [self.graph.lines[x[2]] for x in links if x[1] == "line"] if self.graph is not None else []
        if lines and not classes:  # "iphone": a product line knows its class and brand
            classes = [(lines[0]["label"], "class", lines[0]["class"])]
            if not any(k == "brand" for _, k, _ in links):
                links.append((lines[0]["label"], "brand", lines[0]["brand"]))
        if classes and self.graph is not None:  # the longest class name is what the shopper wants
            cid = classes[0][2]
            pq.filters["class"] = cid
            for lab in self.graph.class_terms(cid):  # cross-language: 手机 also finds "Phones"
                for t in tokenize(lab):
                    if t not in pq.terms:
                        pq.expansions[t] = max(pq.expansions.get(t, 0.0), self.synonym_weight)
        for span, kind, value in links:
            pq.entities.append({"span": span, "type": kind, "value": value})
            if kind == "brand" and "brand" not in pq.filters:
                names = (self.graph.brand_names(value) if self.graph is not None else []) or value
                pq.filters["brand"] = names[0] if isinstance(names, list) and len(names) == 1 else names
            elif kind == "feature":
                pq.boosts.setdefault("features", []).append(value)
            elif kind == "category":
                pq.boosts.setdefault("category", value)
            elif kind.startswith("attr:"):
                boosts.setdefault(kind[5:], value)
        seen = set()
        for span in re.findall(r"[a-z]+|[\u4e00-\u9fff]+", pq.text):
            names = [(span, COLORS[span])] if span in COLORS else []
            if not span.isascii():
                names += [(nm, c) for nm, c in _ZH_COLORS if nm in span and nm != span]
            for name, color in names:
                if color not in seen:
                    seen.add(color)
                    pq.entities.append({"span": name, "type": "color", "value": color})
                    if color in self.gazetteer.colors and "color" not in attrs:
                        attrs["color"] = color
                    else:
                        boosts.setdefault("color", color)
        if attrs:
            pq.filters["attrs"] = attrs
        if boosts:
            pq.boosts.setdefault("attrs", {}).update(boosts)

    def _expand(self, pq: ParsedQuery) -> None:
        terms = pq.terms
        for n in (1, 2, 3):
            for i in range(len(terms) - n + 1):
                others = self.syn.get(" ".join(terms[i : i + n]))
                if not others:
                    continue
                for o in others:
                    for t in o.split():
                        if t not in terms:
                            pq.expansions[t] = max(pq.expansions.get(t, 0.0), self.synonym_weight)
