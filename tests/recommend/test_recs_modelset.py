"""Atomic, versioned model sets: a save that fails midway leaves the previous set current."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from shopmind.recommend import modelset


def _writer(files: dict[str, str], fail_after: int | None = None):
    def write(folder):
        for k, (name, text) in enumerate(files.items()):
            if fail_after is not None and k == fail_after:
                raise RuntimeError("disk full (injected)")
            (folder / name).write_text(text)
    return write


def test_save_switches_pointer_and_keeps_two_versions(tmp_path):
    assert modelset.current(tmp_path) is None
    for n in range(1, 4):
        folder = modelset.save_set(tmp_path, _writer({"a.txt": f"a{n}", "b.txt": f"b{n}"}))
        assert folder.name == f"v{n:06d}" and modelset.current(tmp_path) == folder
    assert modelset.versions(tmp_path) == ["v000002", "v000003"]
    ptr = json.loads((tmp_path / modelset.POINTER).read_text())
    assert ptr["version"] == "v000003" and ptr["files"] == ["a.txt", "b.txt"]
    assert (modelset.current(tmp_path) / "b.txt").read_text() == "b3"


def test_failed_save_leaves_previous_set_current(tmp_path):
    modelset.save_set(tmp_path, _writer({"a.txt": "a1", "b.txt": "b1"}))
    with pytest.raises(RuntimeError, match="injected"):
        modelset.save_set(tmp_path, _writer({"a.txt": "a2", "b.txt": "b2"}, fail_after=1))
    cur = modelset.current(tmp_path)
    assert cur.name == "v000001" and (cur / "a.txt").read_text() == "a1" and (cur / "b.txt").read_text() == "b1"
    assert modelset.versions(tmp_path) == ["v000001"]
    assert not list(tmp_path.glob(".tmp-*"))  # the failed save cleaned up after itself


def test_killed_save_is_ignored_and_cleaned_by_the_next(tmp_path):
    """A process killed while writing (no cleanup ran) leaves a temporary folder: readers never see it."""
    modelset.save_set(tmp_path, _writer({"a.txt": "a1"}))
    code = (
        "import os, sys; from pathlib import Path; from shopmind.recommend import modelset\n"
        "def write(folder):\n"
        "    (folder / 'a.txt').write_text('half')\n"
        "    os._exit(9)  # dies midway: no exception handler, no cleanup\n"
        f"modelset.save_set(Path({str(tmp_path)!r}), write)\n"
    )
    assert subprocess.run([sys.executable, "-c", code]).returncode == 9
    assert len(list(tmp_path.glob(".tmp-*"))) == 1
    assert (modelset.current(tmp_path) / "a.txt").read_text() == "a1"
    modelset.save_set(tmp_path, _writer({"a.txt": "a2"}))
    assert not list(tmp_path.glob(".tmp-*"))
    assert (modelset.current(tmp_path) / "a.txt").read_text() == "a2"


def test_bad_pointer_is_reported(tmp_path):
    (tmp_path / modelset.POINTER).write_text('{"version": "v000007"}')
    with pytest.raises(ValueError, match="v000007"):
        modelset.current(tmp_path)
    (tmp_path / modelset.POINTER).write_text("not json")
    with pytest.raises(ValueError, match="pointer"):
        modelset.current(tmp_path)
