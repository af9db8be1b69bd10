"""Price expressions in Chinese and English queries: "300元以内", "under $50", "between 100 and 200",
"100-200元", "两千左右", "$50 or less" -> a range {min, max, currency} with offsets in the original text.

Matching runs on a length-preserving fold of the text (full-width -> half-width, lowercase) so span
offsets point into what the user typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from shopmind.text.normalize import cn_to_number

__all__ = ["PriceRange", "parse_prices", "parse_price", "fold", "parse_amount"]


def fold(text: str) -> str:
    """Lowercase and full-width -> half-width, one output char per input char (offsets stay valid)."""
    if text.isascii():
        return text.lower()
    quick = unicodedata.normalize("NFKC", text).lower()
    if len(quick) == len(text):
        return quick
    out = []
    for c in text:
        n = unicodedata.normalize("NFKC", c).lower() if ord(c) > 127 else c.lower()
        out.append(n if len(n) == 1 else c.lower())
    return "".join(out)


@dataclass(frozen=True)
class PriceRange:
    """A price constraint found in text; ``min``/``max`` None means open on that side."""

    start: int
    end: int
    text: str
    min: float | None
    max: float | None
    currency: str | None

    def as_value(self) -> dict:
        return {"min": self.min, "max": self.max, "currency": self.currency}


_CUR_PRE = {"$": "USD", "us$": "USD", "usd": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "rmb": "CNY", "cny": "CNY"}
_CUR_POST = {
    "元": "CNY", "块钱": "CNY", "块": "CNY", "rmb": "CNY", "cny": "CNY", "人民币": "CNY",
    "dollars": "USD", "dollar": "USD", "bucks": "USD", "usd": "USD", "$": "USD",
    "euros": "EUR", "euro": "EUR", "eur": "EUR", "€": "EUR", "pounds": "GBP", "gbp": "GBP",
}
_CN_NUM = "零〇一二两三四五六七八九十百千万"
# an amount: 1,299.99 / 1.5k / 2万 / 两千 / 三百五
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s?(?:k|千|万|w)(?![a-z]))?|[{_CN_NUM}]+"
_PRE = r"(?:us\$|\$|€|£|¥|rmb\s?|cny\s?|usd\s?)"
_POST = r"(?:\s?(?:块钱|块|元|人民币|rmb|cny|usd|dollars?|bucks|euros?|eur|pounds|gbp)(?![a-z])|\$)"
_AMT = rf"(?P<pre{{i}}>{_PRE})?\s?(?P<n{{i}}>{_NUM})(?P<post{{i}}>{_POST})?"


def _amt(i: int) -> str:
    return _AMT.replace("{i}", str(i))


_MAXW_EN = r"(?:under|below|less than|cheaper than|lower than|up to|at most|no more than|not more than|max(?:imum)?|within|budget(?: of| is)?|<=?)"
_MINW_EN = r"(?:over|above|more than|at least|min(?:imum)?|starting at|from|>=?)"
# with a bare number (no currency) only these words make it a price
_STRONG_EN = re.compile(r"^(?:under|below|less than|cheaper than|lower than|up to|at most|no more than|not more than|over|above|more than|at least|between|around|about|budget)")
# a bare number followed by one of these is a measure, not a price ("under 18 months", "over 6 ft")
_NOT_PRICE_NEXT = frozenset(
    "day days hour hours hr hrs minute minutes min mins second seconds week weeks month months year years yr yrs "
    "inch inches in ft feet foot cm mm m meter meters lb lbs kg g oz pack packs pcs pc piece pieces people person "
    "persons item items gb tb mb mah w watt watts volt volts v mph degree degrees percent % star stars x times qt "
    "gallon gallons gal liter liters l ml sq square cu cubic amp amps hp btu lumens ct count sheets rolls yards yd "
    "seats reviews users kids".split()
)
_NEXT_WORD = re.compile(r"\s*([a-z]+|%)")
_AROUND_EN = r"(?:around|about|approximately|roughly|~)"
_MAXW_ZH = r"(?:不超过|不高于|不到|低于|少于|小于|最多|顶多|预算|价格?在?)"
_MINW_ZH = r"(?:超过|高于|大于|多于|至少|起码|最少)"
_MAX_SUF_ZH = r"(?:以内|以下|之内|内|以下的|封顶|左右以内)"
_MIN_SUF_ZH = r"(?:以上|起)"
_AROUND_SUF_ZH = r"(?:左右|上下|附近)"
_B = r"(?<![a-z0-9.])"  # no letter/digit right before
_E = r"(?![a-z0-9])"  # no letter/digit right after (so "50in" or "128gb" is no price)

_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("between", re.compile(rf"{_B}between\s+{_amt(1)}\s+(?:and|to|-)\s+{_amt(2)}{_E}")),
    ("range", re.compile(rf"{_B}{_amt(1)}\s?(?:-|~|～|到|至|—|to)\s?{_amt(2)}{_E}(?:\s?(?:之间|以内|的))?")),
    ("max_zh", re.compile(rf"{_B}(?:{_MAXW_ZH}\s?)?{_amt(1)}\s?{_MAX_SUF_ZH}")),
    ("min_zh", re.compile(rf"{_B}(?:{_MINW_ZH}\s?)?{_amt(1)}\s?{_MIN_SUF_ZH}")),
    ("around_zh", re.compile(rf"{_B}{_amt(1)}\s?{_AROUND_SUF_ZH}")),
    ("max_zh_pre", re.compile(rf"{_MAXW_ZH}\s?{_amt(1)}{_E}")),
    ("min_zh_pre", re.compile(rf"{_MINW_ZH}\s?{_amt(1)}{_E}")),
    ("max_en", re.compile(rf"{_B}{_MAXW_EN}\s?{_amt(1)}{_E}")),
    ("min_en", re.compile(rf"{_B}{_MINW_EN}\s?{_amt(1)}{_E}")),
    ("around_en", re.compile(rf"{_B}{_AROUND_EN}\s?{_amt(1)}{_E}")),
    ("max_post_en", re.compile(rf"{_B}{_amt(1)}\s+(?:or less|or under|or below|and under|max)\b")),
    ("min_post_en", re.compile(rf"{_B}{_amt(1)}\s+(?:or more|and up|and above|or above|plus)\b")),
    ("exact", re.compile(rf"{_B}{_amt(1)}{_E}")),
]
_MULT = {"k": 1000, "千": 1000, "万": 10000, "w": 10000}
# cheap necessary conditions: a pattern whose accepted matches all contain one of these words is not
# run on text without any (product descriptions rarely mention money; this halves the time per text)
_CUR_HINT = r"[$€£¥元块]|rmb|cny|usd|人民币|dollar|bucks|euro|eur|pound|gbp"
_NEEDS: dict[str, re.Pattern | None] = {
    "between": re.compile(r"between"),
    "range": re.compile(rf"{_CUR_HINT}|price|价|预算|budget"),
    "max_zh": None, "min_zh": None, "around_zh": None, "max_zh_pre": None, "min_zh_pre": None,  # need CJK
    "max_en": re.compile(r"under|below|less than|cheaper than|lower than|up to|at most|no more than|not more than|max|within|budget|<"),
    "min_en": re.compile(r"over|above|more than|at least|min|starting at|from|>"),
    "around_en": re.compile(r"around|about|approximately|roughly|~"),
    "max_post_en": re.compile(r"or less|or under|or below|and under|max"),
    "min_post_en": re.compile(r"or more|and up|and above|or above|plus"),
    "exact": re.compile(_CUR_HINT),  # a bare number without a currency is never kept
}
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


def parse_amount(s: str) -> float | None:
    """"1,299.99" -> 1299.99, "1.5k" -> 1500, "2万" -> 20000, "两千" -> 2000; None when no number."""
    s = s.strip().replace(",", "")
    if not s:
        return None
    if s[0] in _CN_NUM:
        n = cn_to_number(s)
        return float(n) if n is not None else None
    mult = 1
    if s[-1] in _MULT:
        mult, s = _MULT[s[-1]], s[:-1].strip()
    try:
        return float(s) * mult
    except ValueError:
        return None


def _currency(m: re.Match, i: int) -> str | None:
    pre, post = m.group(f"pre{i}"), m.group(f"post{i}")
    if pre:
        return _CUR_PRE.get(pre.strip())
    if post:
        return _CUR_POST.get(post.strip())
    return None


def _is_cn_numeral_only(s: str) -> bool:
    return bool(s) and all(c in _CN_NUM for c in s)


def parse_prices(text: str, folded: str | None = None) -> list[PriceRange]:
    """Every price constraint in ``text``, left to right, non-overlapping (the longest reading wins).
    ``folded`` is ``fold(text)`` when the caller already has it."""
    t = folded if folded is not None else fold(text)
    if not any(c.isdigit() for c in t) and not any(c in _CN_NUM for c in t):
        return []
    found: list[tuple[int, int, PriceRange]] = []
    taken = [False] * len(t)
    has_cjk = _CJK_CHAR.search(t) is not None
    for kind, pat in _PATTERNS:
        need = _NEEDS[kind]
        if (not has_cjk) if need is None else need.search(t) is None:
            continue
        for m in pat.finditer(t):
            s, e = m.span()
            while s < e and t[s] == " ":
                s += 1
            while e > s and t[e - 1] == " ":
                e -= 1
            if s >= e or any(taken[s:e]):
                continue
            a = parse_amount(m.group("n1"))
            if a is None:
                continue
            cur = _currency(m, 1)
            b = cur2 = None
            if kind in ("between", "range"):
                b = parse_amount(m.group("n2"))
                cur2 = _currency(m, 2)
                if b is None:
                    continue
                if b < a:
                    a, b = b, a
            cur = cur or cur2
            has_money_word = cur is not None or kind.endswith("_zh") or kind in ("max_zh_pre", "min_zh_pre")
            # a bare number is a price only with a price word around it; a range needs a currency
            if kind == "exact" and cur is None:
                continue
            if cur is None and kind.endswith("_en") or kind == "between" and cur is None:
                if not _STRONG_EN.match(t[s:e]):
                    continue
                nxt = _NEXT_WORD.match(t, e)
                if nxt and nxt.group(1) in _NOT_PRICE_NEXT:
                    continue
            if kind == "range" and cur is None and not re.search(r"(?:price|价|预算|budget|\$)", t):
                continue
            if _is_cn_numeral_only(m.group("n1")) and not has_money_word:
                continue
            if kind in ("max_zh", "min_zh", "around_zh") and cur is None and not re.search(r"\d|[十百千万]", m.group("n1")):
                continue
            lo, hi = {
                "between": (a, b), "range": (a, b), "exact": (a, a),
                "max_zh": (None, a), "max_zh_pre": (None, a), "max_en": (None, a), "max_post_en": (None, a),
                "min_zh": (a, None), "min_zh_pre": (a, None), "min_en": (a, None), "min_post_en": (a, None),
                "around_zh": (round(a * 0.8, 2), round(a * 1.2, 2)), "around_en": (round(a * 0.8, 2), round(a * 1.2, 2)),
            }[kind]
            for k in range(s, e):
                taken[k] = True
            found.append((s, e, PriceRange(s, e, text[s:e], lo, hi, cur)))
    found.sort(key=lambda x: x[0])
    return [f[2] for f in found]


def parse_price(text: str) -> PriceRange | None:
    """The first price constraint in ``text`` (queries usually have one), or None."""
    res = parse_prices(text)
    return res[0] if res else None
