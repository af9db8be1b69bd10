"""JSON Lines products: one JSON object per line; a broken line is one rejected row, not a dead file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from shopmind.kb.formats.base import RawRow, ReadStats, RowError, decode, has_bad_bytes, read_bytes


def read(path: Path, stats: ReadStats, encoding: str | None = None, **_: Any) -> Iterator[RawRow]:
    """One RawRow per non-blank line; ``row`` is the line number."""
    raw, _ = read_bytes(path)
    text = decode(raw, encoding, stats, str(path))
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawRow(str(path), n, {}, [RowError(str(path), n, "", f"invalid JSON: {exc.msg}", line[:200])])
            continue
        except RecursionError:
            yield RawRow(str(path), n, {}, [RowError(str(path), n, "", "invalid JSON: nested too deeply", line[:200])])
            continue
        if not isinstance(rec, dict):
            yield RawRow(str(path), n, {}, [RowError(str(path), n, "", f"not a JSON object: {type(rec).__name__}")])
            continue
        yield RawRow(str(path), n, rec, typed=True, check_encoding=has_bad_bytes(line))
