"""Icecat JSON (zipped arrays from o19s/chorus): supplier -> brand, cents -> price, attr_* -> attributes."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from shopmind.kb.formats.base import RawRow, ReadStats, RowError
from shopmind.kb.formats.jsonfmt import load_array

# Icecat's catalog is European and the files carry no currency; EUR unless the caller says otherwise.
DEFAULT_CURRENCY = "EUR"
_IMAGE_KEYS = ("img_500x500", "img_high", "img_low", "img_thumb")
_KNOWN = {"id", "name", "title", "ean", "supplier", "price", "short_description", "date_released",
          "category", *_IMAGE_KEYS}
_PREFIX_ORDER = {"attr_t_": 0, "attr_n_": 1, "attr_b_": 2}
_SUFFIX = {"attr_t_": "_text", "attr_n_": "_value", "attr_b_": "_flag"}


def looks_like(record: Any) -> bool:
    """True for an Icecat product object (supplier + ean list + attr_* keys or img_* URLs)."""
    return (
        isinstance(record, dict)
        and "supplier" in record
        and isinstance(record.get("ean"), list)
        and any(k.startswith(("attr_", "img_")) for k in record)
    )


@lru_cache(maxsize=65536)
def attr_key(raw: str) -> str:
    """``attr_t_operating_temperature__t_t_`` -> ``operating_temperature_t_t``."""
    return re.sub(r"_+", "_", raw[7:]).strip("_") or raw


def _number(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() and abs(v) < 2**53 else v


def attributes(rec: dict[str, Any]) -> dict[str, Any]:
    """Typed attributes: text, number, yes/no; a name clash across types gets a type suffix."""
    by_type: tuple[list, list, list] = ([], [], [])
    for k, v in rec.items():
        kind = _PREFIX_ORDER.get(k[:7])
        if kind is not None and v is not None and v != "":
            by_type[kind].append((k, v))
    out: dict[str, Any] = {}
    for kind, items in enumerate(by_type):
        for k, v in items:
            name = attr_key(k)
            if kind == 1:
                v = _number(v)
            if name in out:
                if out[name] == v:
                    continue
                name += _SUFFIX[k[:7]]
            out[name] = v
    return out


def to_record(rec: dict[str, Any], currency: str = DEFAULT_CURRENCY) -> dict[str, Any]:
    """Map one Icecat object onto ProductIn fields (left for validation to check)."""
    data: dict[str, Any] = {
        "id": rec.get("id"),
        "title": rec.get("title") or rec.get("name"),
        "brand": rec.get("supplier"),
        "description": rec.get("short_description"),
        "language": "en",
    }
    eans = rec.get("ean")
    if isinstance(eans, list):
        data["ean"] = ",".join(str(e).strip() for e in eans if str(e).strip()) or None
    elif eans:
        data["ean"] = str(eans)
    price = rec.get("price")
    if price is not None:
        if isinstance(price, (int, float)) and not isinstance(price, bool):
            data["price"] = round(price / 100, 2)
            data["currency"] = currency
        else:
            data["price"] = price  # validation reports it as unparsable
    if rec.get("category"):
        data["category"] = rec["category"]
    data["images"] = list(dict.fromkeys(rec[k] for k in _IMAGE_KEYS if rec.get(k)))
    attrs = attributes(rec)
    if rec.get("name") and "model" not in attrs:
        attrs["model"] = rec["name"]
    if rec.get("date_released") and "date_released" not in attrs:
        attrs["date_released"] = str(rec["date_released"])[:10]
    data["attributes"] = attrs
    for k, v in rec.items():  # anything unexpected is kept so validation reports it, never dropped
        if k not in _KNOWN and k[:7] not in _PREFIX_ORDER:
            data[k] = v
    return data


def read(path: Path, stats: ReadStats, encoding: str | None = None, currency: str = DEFAULT_CURRENCY,
         **_: Any) -> Iterator[RawRow]:
    """One RawRow per product; ``row`` is its 1-based position in the array."""
    records, bad = load_array(path, encoding, stats)
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            yield RawRow(str(path), i, {}, [RowError(str(path), i, "", f"not a JSON object: {type(rec).__name__}")])
            continue
        yield RawRow(str(path), i, to_record(rec, currency), typed=True, check_encoding=bad)
