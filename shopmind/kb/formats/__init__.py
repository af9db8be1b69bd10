"""Product file formats: one small reader module each, and auto-detection by extension and content."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, Callable, Iterator

from shopmind.kb.formats import crowdflower, csvfmt, homedepot, icecat, jsonfmt, jsonl
from shopmind.kb.formats.base import (
    IngestError,
    RawRow,
    ReadStats,
    RowError,
    read_bytes,
)
from shopmind.kb.formats.encoding import NotText, check_text, detect

Reader = Callable[..., Iterator[RawRow]]

READERS: dict[str, Reader] = {
    "csv": csvfmt.read,
    "jsonl": jsonl.read,
    "json": jsonfmt.read,
    "icecat": icecat.read,
    "homedepot": homedepot.read,
    "crowdflower": crowdflower.read,
}
FORMATS = tuple(READERS)
_DATA_EXT = (".csv", ".tsv", ".tab", ".txt", ".json", ".jsonl", ".ndjson", ".zip")


def _csv_header(text: str) -> list[str]:
    first = text[:65536]
    try:
        row = next(csv.reader(io.StringIO(first), delimiter=csvfmt.sniff_delimiter(first)))
    except (StopIteration, csv.Error):
        return []
    return [h.strip().lower() for h in row]


def _json_kind(text: str) -> str | None:
    s = text.lstrip()
    if s.startswith("["):
        # Parse the first element only; the reader parses (and reports errors in) the whole array.
        try:
            first, _ = json.JSONDecoder().raw_decode(s, len(s) - len(s[1:].lstrip()))
        except (json.JSONDecodeError, RecursionError):
            return "json"
        return "icecat" if icecat.looks_like(first) else "json"
    if s.startswith("{"):
        # One object holding a product list is a JSON document; otherwise objects per line (JSONL).
        try:
            doc, end = json.JSONDecoder().raw_decode(s)
        except (json.JSONDecodeError, RecursionError):
            return "jsonl"  # the JSONL reader reports the broken line
        wrapper = isinstance(doc, dict) and any(isinstance(doc.get(k), list) for k in ("products", "items", "data"))
        return "json" if wrapper and not s[end:].strip() else "jsonl"
    return None


def detect_format(path: Path) -> str:
    """Guess the format from the extension (inside a .zip: the member's) and the first bytes."""
    raw, inner = read_bytes(path, limit=1 << 20)
    ext = Path(inner).suffix.lower()
    if ext not in (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".tab", ".txt", ""):
        raise IngestError(
            f"{path}: unknown file format {ext!r}; use format= one of {', '.join(FORMATS)}"
        )
    try:
        check_text(raw)
    except NotText as exc:
        raise IngestError(f"{path}: {exc}") from None
    head = raw[: 1 << 20].decode(detect(raw[: 1 << 20]), errors="replace")  # may cut a character: replaced
    if ext in (".jsonl", ".ndjson"):
        return "jsonl"
    if ext == ".json":
        kind = _json_kind(head)
        if kind:
            return kind
        raise IngestError(f"{path}: .json file does not start with '[' or '{{'")
    kind = _json_kind(head) if ext in (".txt", "") else None
    if kind:
        return kind
    header = _csv_header(head)
    if not header:
        raise IngestError(f"{path}: empty file")
    if {"product_title", "product_description", "query"} <= set(header):
        return "crowdflower"
    if header == list(homedepot.HEADER):
        return "homedepot"
    return "csv"


def expand(paths: Any) -> list[Path]:
    """Files named by ``paths`` (one path, a folder = its data files sorted, or a list of either)."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    out: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in _DATA_EXT)
            if not found:
                raise IngestError(f"{p}: folder holds no data files ({', '.join(_DATA_EXT)})")
            out.extend(found)
        elif not p.exists():
            raise IngestError(f"{p}: no such file")
        else:
            out.append(p)
    if not out:
        raise IngestError("no input files given")
    return out


def read_file(path: Path, format: str | None = None, stats: ReadStats | None = None,
              **options: Any) -> tuple[str, Iterator[RawRow]]:
    """(format used, iterator of raw rows) for one file; ``format`` forces the reader."""
    fmt = (format or detect_format(path)).lower()
    if fmt not in READERS:
        raise IngestError(f"unknown format {fmt!r}; supported: {', '.join(FORMATS)}")
    return fmt, READERS[fmt](path, stats if stats is not None else ReadStats(), **options)


__all__ = [
    "FORMATS",
    "IngestError",
    "RawRow",
    "ReadStats",
    "RowError",
    "detect_format",
    "expand",
    "read_file",
]
