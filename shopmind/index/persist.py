"""Reading saved index parts (they are written through ``shopmind.durable``, without pickle)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_meta(path: Path, kind: str, version: int) -> dict[str, Any]:
    """The JSON half of a saved index part, refusing a format this code does not read."""
    meta = json.loads(path.with_suffix(".json").read_text("utf-8"))
    if meta.get("format") != version:
        raise ValueError(f"{path.name}: {kind} format {meta.get('format')} != {version}; rebuild it")
    return meta
