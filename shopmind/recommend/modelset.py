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
import os
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Callable

POINTER = "current.json"
_VERSION = re.compile(r"^v(\d{6,})$")
_TMP_PREFIX = ".tmp-"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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


def _stale(tmp: Path) -> bool:
    """A temporary folder whose writing process no longer runs (names carry the writer's pid)."""
    try:
        pid = int(tmp.name[len(_TMP_PREFIX) :].split("-", 1)[0])
    except ValueError:
        return True
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def save_set(root: str | Path, write: Callable[[Path], None], keep: int = 2) -> Path:
    """Write a new model set with ``write(folder)`` and make it current atomically; returns its folder.

    ``write`` puts every file of the set into the folder it is given. If it raises (or the process
    dies) the pointer is untouched and the previous set stays current."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for p in root.glob(_TMP_PREFIX + "*"):  # interrupted saves of processes that are gone
        if _stale(p):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
    tmp = root / f"{_TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        write(tmp)
        files = sorted(p.name for p in tmp.iterdir() if p.is_file())
        for name in files:
            _fsync(tmp / name)
        existing = versions(root)
        n = int(existing[-1][1:]) + 1 if existing else 1
        while True:  # another writer may take a number first: rename fails then, try the next one
            final = root / f"v{n:06d}"
            try:
                os.rename(tmp, final)  # fails on an existing non-empty folder
                break
            except OSError:
                if not final.exists():
                    raise
                n += 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync(root)
    ptr_tmp = root / f"{_TMP_PREFIX}{os.getpid()}-{uuid.uuid4().hex}.json"
    ptr_tmp.write_text(json.dumps({"version": final.name, "saved_at": time.time(), "files": files}), encoding="utf-8")
    _fsync(ptr_tmp)
    os.replace(ptr_tmp, root / POINTER)
    _fsync(root)
    for old in versions(root)[:-keep] if keep > 0 else []:
        if old != final.name:
            shutil.rmtree(root / old, ignore_errors=True)
    return final
