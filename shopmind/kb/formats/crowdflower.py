"""Crowdflower ``train.csv(.zip)``: the products behind the query rows, one per distinct title+description."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterator

from shopmind.kb.formats.base import RawRow, ReadStats, RowError
from shopmind.kb.formats.csvfmt import read_table

REQUIRED = ("product_title", "product_description")


def product_id(title: str | None, description: str | None) -> str:
    """A stable id from the product's text: the file has no product ids and repeats products per query."""
    key = f"{(title or '').strip()}\x1f{(description or '').strip()}"
    return "cf-" + hashlib.sha1(key.encode("utf-8", errors="surrogateescape")).hexdigest()[:16]


def read(path: Path, stats: ReadStats, encoding: str | None = None, **_: Any) -> Iterator[RawRow]:
    """Distinct products; a repeat of the same title+description is skipped (counted in ``stats``)."""
    _, records = read_table(path, delimiter=",", encoding=encoding, stats=stats)
    seen: set[str] = set()
    for line, rec, problems in records:
        title, desc = rec.get("product_title"), rec.get("product_description")
        pid = product_id(title, desc)
        if pid in seen and not problems:
            stats.skipped += 1
            continue
        seen.add(pid)
        data = {"id": pid, "title": title, "description": desc, "language": "en"}
        yield RawRow(str(path), line, data, [RowError(str(path), line, "", p) for p in problems])
