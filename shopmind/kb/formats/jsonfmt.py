"""JSON products: a JSON array of objects, or an object holding one under "products"/"items"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from shopmind.kb.formats.base import IngestError, RawRow, ReadStats, RowError, decode, has_bad_bytes, read_bytes


def load_array(path: Path, encoding: str | None = None, stats: ReadStats | None = None) -> tuple[list[Any], bool]:
    """(records of a JSON file, whether it holds invalid UTF-8, kept surrogate-escaped for row reports)."""
    raw, _ = read_bytes(path)
    text = decode(raw, encoding, stats, str(path))
    del raw
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IngestError(f"{path}: invalid JSON ({exc})") from None
    except RecursionError:
        raise IngestError(f"{path}: JSON nested too deeply") from None
    if isinstance(doc, dict):
        for key in ("products", "items", "data"):
            if isinstance(doc.get(key), list):
                return doc[key], has_bad_bytes(text)
        raise IngestError(f"{path}: JSON object without a 'products' list")
    if not isinstance(doc, list):
        raise IngestError(f"{path}: JSON must be an array of product objects")
    return doc, has_bad_bytes(text)


def read(path: Path, stats: ReadStats, encoding: str | None = None, **_: Any) -> Iterator[RawRow]:
    """One RawRow per array element; ``row`` is the element's 1-based position."""
    records, bad = load_array(path, encoding, stats)
    for i, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            yield RawRow(str(path), i, {}, [RowError(str(path), i, "", f"not a JSON object: {type(rec).__name__}")])
            continue
        yield RawRow(str(path), i, rec, typed=True, check_encoding=bad)
