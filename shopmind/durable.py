"""Durable files: the one way shopmind writes index, model and artifact files.

A file is written to a temporary name tagged with the writer's pid in the same folder, flushed to disk
(fsync), swapped in with ``os.replace`` and the folder fsynced, so after a crash or power loss a reader
finds the old file or the new one, never a torn one, and a rename that was reported done stays done.
``publish_dir`` does the same for a whole folder (an index version) built off to the side.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from shopmind.procutil import pid_alive

__all__ = ["atomic_path", "write_bytes", "write_text", "write_json", "write_npz", "temp_dir", "publish_dir",
           "remove_stale", "fsync_path", "TMP_TAG"]

TMP_TAG = ".tmp-"  # every temporary name starts with it: ``.tmp-<pid>-<random>.<name>``


def fsync_path(path: str | os.PathLike) -> None:
    """fsync a file or a folder (a folder's entry list: renames and new names in it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _tmp_name(path: Path, suffix: str = "") -> Path:
    return path.with_name(f"{TMP_TAG}{os.getpid()}-{uuid.uuid4().hex[:8]}.{path.name}{suffix}")


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path next to ``path`` to write the file to (``suffix`` for writers that insist
    on an extension); on success it is fsynced and swapped in, on failure removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path, suffix)
    try:
        yield tmp
        fsync_path(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_path(path.parent)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_text(path: str | os.PathLike, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def write_json(path: str | os.PathLike, obj: Any, **dumps: Any) -> Path:
    return write_text(path, json.dumps(obj, **dumps))


def write_npz(path: str | os.PathLike, arrays: dict[str, np.ndarray], compressed: bool = False) -> Path:
    """An .npz of plain arrays (no pickle), written atomically."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        (np.savez_compressed if compressed else np.savez)(fh, **arrays)
    return Path(path)


def temp_dir(final: str | os.PathLike) -> Path:
    """A fresh temporary folder next to ``final`` (same file system, so ``publish_dir`` is a rename)."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(final)
    tmp.mkdir()
    return tmp


def publish_dir(tmp: str | os.PathLike, final: str | os.PathLike,
                next_name: Callable[[Path], Path] | None = None) -> Path:
    """Make the folder ``tmp`` (see ``temp_dir``) durable and rename it to ``final``: every file and
    folder in it is fsynced first, the parent after the rename. When ``final`` exists (another writer
    took the name) ``next_name(final)`` gives the next name to try, else it raises. Returns the name
    used; on failure ``tmp`` is removed."""
    tmp, final = Path(tmp), Path(final)
    try:
        for dirpath, _dirs, files in os.walk(tmp):
            for name in files:
                fsync_path(os.path.join(dirpath, name))
            fsync_path(dirpath)
        while True:
            try:
                os.rename(tmp, final)  # fails on an existing non-empty folder
                break
            except OSError:
                if next_name is None or not final.exists():
                    raise
                final = next_name(final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_path(final.parent)
    return final


def remove_stale(root: str | os.PathLike) -> int:
    """Remove the temporary files and folders under ``root`` left by writers that are gone (their pid
    is in the name); returns how many."""
    n = 0
    for p in Path(root).glob(f"{TMP_TAG}*"):
        try:
            pid = int(p.name[len(TMP_TAG):].split("-", 1)[0])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or pid_alive(pid):
            continue
        shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        n += 1
    return n


