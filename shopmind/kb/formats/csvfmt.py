"""Generic CSV/TSV products: delimiter sniffed, one row per record, line numbers and bad bytes kept."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any, Iterator

from shopmind.kb.formats.base import (
    IngestError,
    RawRow,
    ReadStats,
    RowError,
    decode,
    has_bad_bytes,
    legacy_decode,
    read_bytes,
)

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
_DELIMS = ",;\t|"


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: csv.Sniffer on a sample, checked against the header line."""
    sample = text[:65536]
    header = sample.splitlines()[0] if sample else ""
    try:
        d = csv.Sniffer().sniff(sample, delimiters=_DELIMS).delimiter
        if header.count(d) > 0:
            return d
    except csv.Error:
        pass
    counts = {d: header.count(d) for d in _DELIMS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def iter_records(
    text: str, file: str, delimiter: str | None = None
) -> Iterator[tuple[int, dict[str, str | None], list[str]]]:
    """Yield (line number where the record starts, column -> value or None, problems) per data row."""
    delim = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise IngestError(f"{file}: empty file (no header row)") from None
    except csv.Error as exc:
        raise IngestError(f"{file}: unreadable CSV header ({exc})") from None
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for h in header:
        if not h:
            raise IngestError(f"{file}: empty column name in header {header!r}")
        if h in seen:
            raise IngestError(f"{file}: duplicate column {h!r} in header")
        seen.add(h)
    last = reader.line_num
    while True:
        start = last + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # A broken quote swallows the rest of the file; report it and stop here.
            yield start, {}, [f"unreadable CSV row ({exc})"]
            return
        last = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue
        problems: list[str] = []
        if len(values) != len(header):
            problems.append(f"row has {len(values)} columns, header has {len(header)}")
        rec = {h: (v if v.strip() else None) for h, v in zip(header, values)}
        yield start, rec, problems


def read_table(
    path: Path,
    delimiter: str | None = None,
    encoding: str | None = None,
    fallback_encoding: bool = False,
    stats: ReadStats | None = None,
) -> tuple[str, Iterator[tuple[int, dict[str, str | None], list[str]]]]:
    """Open a CSV file (or a zipped one) and iterate its records; see ``iter_records``."""
    raw, inner = read_bytes(path)
    text = decode(raw, encoding, stats, str(path))
    del raw
    if fallback_encoding and has_bad_bytes(text):
        text = legacy_decode(text)
    if delimiter is None and inner.lower().endswith((".tsv", ".tab")):
        delimiter = "\t"
    return inner, iter_records(text, str(path), delimiter)


def read(path: Path, stats: ReadStats, delimiter: str | None = None, encoding: str | None = None,
         **_: Any) -> Iterator[RawRow]:
    """Rows of a generic product CSV; field names are mapped to ProductIn fields by validation."""
    _, records = read_table(path, delimiter=delimiter, encoding=encoding, stats=stats)
    for line, rec, problems in records:
        row = RawRow(file=str(path), row=line, data=rec)
        for p in problems:
            row.errors.append(RowError(str(path), line, "", p))
        yield row
