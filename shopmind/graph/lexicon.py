"""The graph's built-in bilingual vocabulary (``data/lexicon.json``): classes of one taxonomy with zh and
en labels, brand aliases, features and attribute names; and the label matching used to tie catalog
names (category leaves, brands, attribute names) to them.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from shopmind.text.normalize import normalize

LEXICON = Path(__file__).resolve().parent / "data" / "lexicon.json"
_UNIT = re.compile(r"^(.*?)\s*[\(（]([^)）]*)[\)）]\s*$")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """The matching key of a label: normalized, '&'/'-' as spaces, a plain English plural dropped."""
    k = re.sub(r"[&\-_/]+", " ", normalize(text))
    k = re.sub(r"\s+", " ", k).strip()
    if k.isascii() and len(k) > 3:
        if k.endswith(("ches", "shes", "sses", "xes")):
            k = k[:-2]
        elif k.endswith("s") and not k.endswith(("ss", "us")):
            k = k[:-1]
    return k


@lru_cache(maxsize=65536)
def split_unit(attr_name: str) -> tuple[str, str | None]:
    """'重量(g)' -> ('重量', 'g'); 'battery life (h)' -> ('battery life', 'h'); no unit -> (name, None)."""
    m = _UNIT.match(attr_name.strip())
    return (m.group(1).strip(), m.group(2).strip() or None) if m else (attr_name.strip(), None)


_ZH = re.compile(r"[\u4e00-\u9fff]")


def is_zh(text: str) -> bool:
    return bool(_ZH.search(text))


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    return json.loads(LEXICON.read_text(encoding="utf-8"))


def index(section: str) -> dict[str, str]:
    """label key -> entry id for one lexicon section (classes, brands, features, attributes)."""
    out: dict[str, str] = {}
    for e in lexicon()[section]:
        for lab in e["zh"] + e["en"]:
            out.setdefault(key(lab), e["id"])
    return out
