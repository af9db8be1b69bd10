"""Home Depot ``products.csv`` (product_id,title); bytes that are not UTF-8 are read as Windows-1252."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from shopmind.kb.formats.base import RawRow, ReadStats, RowError
from shopmind.kb.formats.csvfmt import read_table

HEADER = ("product_id", "title")


def read(path: Path, stats: ReadStats, encoding: str | None = None, **_: Any) -> Iterator[RawRow]:
    """id = product_id (kept as is, so judgments join), title, language en."""
    _, records = read_table(path, delimiter=",", encoding=encoding, fallback_encoding=True, stats=stats)
    for line, rec, problems in records:
        data = {"id": rec.get("product_id"), "title": rec.get("title"), "language": "en"}
        yield RawRow(str(path), line, data, [RowError(str(path), line, "", p) for p in problems])
