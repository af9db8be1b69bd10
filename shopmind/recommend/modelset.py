"""Atomic, versioned storage of a set of model files (the served recommendation models).

Layout under a root folder (e.g. ``<home>/models/recs/``)::

    v000001/ ... v000002/   one complete model set per version (blend.npz, pop.npz, meta.json, ...)
    current.json            {"version": "v000002", "saved_at": ..., "files": [...]}: the set to load

A save writes every file into a hidden temporary folder, flushes them to disk, renames the folder to
the next version (one atomic rename) and only then replaces ``current.json`` (written to a temporary
file and switched with ``os.replace``). A reader reads the pointer once and loads only that folder,
so neither a concurrent reader nor a crash at any point sees a mix of two sets: until the pointer
moves, the previous set is the current one. Older versions beyond ``keep`` are removed after the
switch; leftover temporary folders of interrupted saves (their writer process is gone) are removed
by the next save.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from typing import Callable

from shopmind.durable import publish_dir, remove_stale, temp_dir, write_json

POINTER = "current.json"
_VERSION = re.compile(r"^v(\d{6,})$")


def versions(root: str | Path) -> list[str]:
    """Complete version folders under root, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [(int(m.group(1)), p.name) for p in root.iterdir() if p.is_dir() and (m := _VERSION.match(p.name))]
    return [name for _, name in sorted(found)]


def current(root: str | Path) -> Path | None:
    """The folder of the current model set, or None when nothing was saved in this layout.

    Raises ValueError when the pointer exists but is unreadable or names a missing folder."""
    root = Path(root)
    ptr = root / POINTER
    if not ptr.is_file():
        return None
    try:
        version = json.loads(ptr.read_text(encoding="utf-8"))["version"]
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{ptr}: not a model-set pointer ({e})") from e
    if not isinstance(version, str) or not _VERSION.match(version) or not (root / version).is_dir():
        raise ValueError(f"{ptr}: version {version!r} has no folder under {root}")
    return root / version


def save_set(root: str | Path, write: Callable[[Path], None], keep: int = 2) -> Path:
    """Write a new model set with ``write(folder)`` and make it current atomically; returns its folder.

    ``write`` puts every file of the set into the folder it is given. If it raises (or the process
    dies) the pointer is untouched and the previous set stays current."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    remove_stale(root)  # interrupted saves of processes that are gone
    tmp = temp_dir(root / "set")
    try:
        write(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    files = sorted(p.name for p in tmp.iterdir() if p.is_file())
    existing = versions(root)
    n = int(existing[-1][1:]) + 1 if existing else 1
    # another writer may take a number first: the rename fails then, and the next number is tried
    final = publish_dir(tmp, root / f"v{n:06d}", lambda f: root / f"v{int(f.name[1:]) + 1:06d}")
    write_json(root / POINTER, {"version": final.name, "saved_at": time.time(), "files": files})
    for old in versions(root)[:-keep] if keep > 0 else []:
        if old != final.name:
            shutil.rmtree(root / old, ignore_errors=True)
    return final
