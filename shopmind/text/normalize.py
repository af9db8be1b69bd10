"""Text normalization for Chinese and English product text: width, case, spaces, units and numbers.

``normalize`` is what every analyzer (tokens, entities, search) applies first, so a query and a title
written differently ("１２８ G", "128GB", "128g") meet on one form ("128gb").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalize", "detect_language", "cn_to_number", "CJK_RE", "UNIT_ALIASES"]

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_RE = re.compile(r"[A-Za-z]")
_SPACE_RE = re.compile(r"\s+")

# A cheap traditional -> simplified table for characters common in product text (not a full converter).
_T2S = str.maketrans(
    "機體電腦價極質買賣號碼顏色寬長輕鬆紅藍綠黃銀灰開關錶鍵盤滑鼠螢幕顯響連線話線點無線鐵鋁實"
    "單雙網們這個來為與戶樣產廠業從後裡衛們運費務隊評論優惠貨",
    "机体电脑价极质买卖号码颜色宽长轻松红蓝绿黄银灰开关表键盘滑鼠萤幕显响连线话线点无线铁铝实"
    "单双网们这个来为与户样产厂业从后里卫们运费务队评论优惠货",
)

# unit spelling -> canonical unit (applied right after a number)
UNIT_ALIASES: dict[str, str] = {
    "gb": "gb", "gib": "gb", "g": "gb?", "tb": "tb", "t": "tb?", "mb": "mb", "kb": "kb",
    "mah": "mah", "毫安时": "mah", "毫安": "mah",
    "w": "w", "瓦": "w", "kw": "kw", "千瓦": "kw", "v": "v", "伏": "v",
    "hz": "hz", "ghz": "ghz", "mhz": "mhz", "赫兹": "hz",
    "mm": "mm", "毫米": "mm", "cm": "cm", "厘米": "cm", "公分": "cm", "m": "m", "米": "m",
    "kg": "kg", "千克": "kg", "公斤": "kg", "克": "g", "mg": "mg", "毫克": "mg", "lb": "lb", "lbs": "lb",
    "oz": "oz", "ml": "ml", "毫升": "ml", "l": "l", "升": "l",
    "inch": "in", "inches": "in", "in": "in", "英寸": "in", "寸": "in", '"': "in", "''": "in",
    "ft": "ft", "feet": "ft", "英尺": "ft",
}
# memory/storage sizes written with a bare "G"/"T" ("8G+256G", "1T固态"); other numbers + g are grams.
_GB_SIZES = {1, 2, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 512, 1024, 2048}
_TB_SIZES = {1, 2, 4, 8, 16}

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUM = "零〇一二两三四五六七八九十百千万"

_UNIT_ALT = "|".join(sorted((re.escape(u) for u in UNIT_ALIASES), key=len, reverse=True))
# a number (1,299.5 / 13.3) then optional space then a unit not followed by another letter
_NUM_UNIT_RE = re.compile(
    rf"(?<![a-z0-9.])(\d+(?:\.\d+)?)\s?({_UNIT_ALT})(?![a-z])", re.IGNORECASE
)
_CN_NUM_UNIT_RE = re.compile(rf"([{_CN_NUM}]+)(英寸|寸|毫升|升|千克|公斤|克|毫米|厘米|米|瓦|毫安时|毫安)")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def cn_to_number(s: str) -> int | None:
    """Chinese numerals to an int ("十二" -> 12, "一百零五" -> 105, "两" -> 2); None if not a numeral."""
    if not s or any(c not in _CN_NUM for c in s):
        return None
    total, section, digit = 0, 0, None
    for c in s:
        if c in _CN_DIGITS:
            digit = _CN_DIGITS[c]
        else:
            unit = _CN_UNITS[c]
            if unit == 10000:
                section = (section + (digit or 0)) * unit
                total, section = total + section, 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def _unit_sub(m: re.Match) -> str:
    num, unit = m.group(1), m.group(2)
    canon = UNIT_ALIASES.get(unit.lower(), UNIT_ALIASES.get(unit))
    if canon is None:
        return m.group(0)
    if canon in ("gb?", "tb?"):
        try:
            value = float(num)
        except ValueError:
            return m.group(0)
        sizes = _GB_SIZES if canon == "gb?" else _TB_SIZES
        if value.is_integer() and int(value) in sizes:
            canon = canon[:2]
        elif canon == "gb?":
            canon = "g"  # grams
        else:
            return m.group(0)
    if unit.lower() == "in" and m.group(0)[len(num)] == " ":
        return m.group(0)  # "2 in 1" is a word, "15in" a size
    return f"{num}{canon}"


def _cn_unit_sub(m: re.Match) -> str:
    n = cn_to_number(m.group(1))
    if n is None:
        return m.group(0)
    return f"{n}{UNIT_ALIASES[m.group(2)]}"


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """NFKC (full-width -> half-width), common traditional -> simplified, lowercase, single spaces,
    thousands separators dropped, and number+unit joined to one canonical token ("128 G" -> "128gb",
    "13.3英寸" -> "13.3in", "十二寸" -> "12in", "1.5 L" -> "1.5l", "5000 mAh" -> "5000mah")."""
    if not isinstance(text, str):
        raise TypeError(f"normalize expects str, got {type(text).__name__}")
    t = unicodedata.normalize("NFKC", text).translate(_T2S)
    t = t.replace("\u3000", " ").replace("“", '"').replace("”", '"').replace("′′", '"')
    t = _THOUSANDS_RE.sub("", t)
    t = _CN_NUM_UNIT_RE.sub(_cn_unit_sub, t)
    t = _NUM_UNIT_RE.sub(_unit_sub, t)
    t = t.lower()
    return _SPACE_RE.sub(" ", t).strip()


def detect_language(text: str) -> str:
    """"zh" when the text has Chinese characters in a real share of its letters, else "en"."""
    cjk = len(CJK_RE.findall(text))
    if cjk == 0:
        return "en"
    latin = len(_LATIN_RE.findall(text))
    return "zh" if cjk * 4 >= latin * 0.5 or cjk >= 4 else "en"
