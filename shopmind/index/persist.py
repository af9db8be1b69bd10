"""Saving index parts without pickle: each file written to a temp name, then swapped in with os.replace."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np


def atomic_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def load_meta(path: Path, kind: str, version: int) -> dict[str, Any]:
    """The JSON half of a saved index part, refusing a format this code does not read."""
    meta = json.loads(path.with_suffix(".json").read_text("utf-8"))
    if meta.get("format") != version:
        raise ValueError(f"{path}: {kind} format {meta.get('format')} != {version}; rebuild it")
    return meta
