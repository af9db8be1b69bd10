"""What text encoding a product file uses, and whether it is text at all.

UTF-8 (with or without BOM) and UTF-16/32 with a BOM are read as such; a file that is not UTF-8 is
run through charset-normalizer, and a multi-byte legacy encoding it names (GBK/GB18030, Big5,
Shift-JIS, EUC-KR, UTF-16 without BOM; Excel's defaults in China, Taiwan, Japan, Korea) is used when
the whole file decodes with it. GB18030 is tried first and kept when the text reads as common
simplified Chinese (short texts fool the detector: four bytes of GBK are valid Big5 too). Single-byte legacy encodings (Windows-1252, ...) are too ambiguous
to guess: such files stay UTF-8 with each bad row reported, unless ``encoding=`` is given. Images,
archives and random bytes are refused with one error, from the first 64 KB only.
"""

from __future__ import annotations

import codecs
from functools import lru_cache
from pathlib import Path

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"\x1f\x8b", "gzip data"), (b"PK\x03\x04", "a zip archive (name it .zip)"),
    (b"\x7fELF", "a program"), (b"MZ", "a program"), (b"RIFF", "audio/video data"),
    (b"BZh", "bzip2 data"), (b"\xfd7zXZ", "xz data"), (b"7z\xbc\xaf", "a 7z archive"),
    (b"SQLite format 3", "an SQLite database"), (b"\xd0\xcf\x11\xe0", "an old Office document"),
)
#: what charset-normalizer may name and we then decode with (its superset where there is one)
_MULTIBYTE = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "gb18030",
    "big5": "big5hkscs", "big5hkscs": "big5hkscs", "cp950": "big5hkscs",
    "shift_jis": "cp932", "cp932": "cp932", "euc_jp": "euc_jp", "euc_kr": "cp949", "cp949": "cp949",
    "utf_16": "utf-16", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be",
}
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1a")
HEAD = 1 << 16
_CJK_PUNCT = frozenset("，。、；：！？“”‘’（）《》【】—…·￥％～")


class NotText(ValueError):
    """The bytes are not a text file (an image, an archive, random bytes)."""


def _utf16_without_bom(head: bytes) -> str | None:
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def check_text(raw: bytes) -> None:
    """Raise NotText for bytes that are clearly not a text file (magic numbers, NULs, control bytes)."""
    head = raw[:HEAD]
    if any(head.startswith(bom) for bom, _ in _BOMS) or _utf16_without_bom(head):
        return
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise NotText(f"not a text file: it looks like {what}")
    controls = len(head) - len(head.translate(None, _CONTROL))
    if b"\x00" in head or controls > max(2, len(head) // 200):
        raise NotText("not a text file: it holds binary bytes (NUL or control characters)")


def detect(raw: bytes, utf8_checked: bool = False) -> str:
    """The encoding to decode ``raw`` with (a Python codec name); 'utf-8' when in doubt.

    ``utf8_checked``: the caller already found that ``raw`` is not valid UTF-8."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    head = raw[:HEAD]
    wide = _utf16_without_bom(head)
    if wide:
        return wide
    if not utf8_checked:
        try:
            raw.decode("utf-8")
            return "utf-8"
        except UnicodeDecodeError:
            pass
    try:  # GBK/GB18030 (Excel's default in China) when it reads as common simplified Chinese
        if _common_hanzi_share(raw[:HEAD * 4].decode("gb18030", errors="ignore")) >= 0.85:
            raw.decode("gb18030")
            return "gb18030"
    except UnicodeDecodeError:
        pass
    text = head.decode("utf-8", "surrogateescape")
    bad = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    good = sum(1 for ch in text if ch > "\x7f") - bad
    if good >= bad:
        return "utf-8"  # UTF-8 with a few broken bytes: keep it, each bad row is reported
    from charset_normalizer import from_bytes

    best = from_bytes(head).best()
    name = _MULTIBYTE.get(best.encoding) if best is not None else None
    if name is None:
        return "utf-8"
    try:
        raw.decode(name)
        return name
    except UnicodeDecodeError:
        return "utf-8"


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    lines = (Path(__file__).with_name("hanzi.txt")).read_text(encoding="utf-8").splitlines()
    return frozenset("".join(line for line in lines if not line.startswith("#")))


def _common_hanzi_share(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common simplified Chinese (or CJK punctuation).

    Text read with the wrong CJK codec has rare characters, kana and symbols among its Han ones."""
    odd = [ch for ch in text[:20000] if ch > "\x7f" and not ch.isspace()]
    if not odd:
        return 0.0
    common = _common_hanzi()
    return sum(ch in common or ch in _CJK_PUNCT for ch in odd) / len(odd)
