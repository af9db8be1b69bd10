"""Index sets built off to the side and swapped in: a search engine with a background indexer never
folds a bulk change in on the request path, a rebuild makes it searchable at once, a read-only engine
(a search worker) adopts the saved set, a stop request ends a build at a batch boundary; and the one
durable-write helper leaves no temporary file behind."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from shopmind.durable import TMP_TAG, atomic_path, publish_dir, remove_stale, temp_dir, write_npz, write_text
from shopmind.index.manager import IndexSet
from shopmind.kb.models import ProductIn
from shopmind.kb.sqlite import SQLiteStore
from shopmind.kb.store import Stopped
from shopmind.search.engine import FAST_FOLLOW, SearchEngine


def _products(n: int, start: int = 0, word: str = "lamp") -> list[ProductIn]:
    return [ProductIn(id=f"p{i}", title=f"{word} model {i}", brand=f"B{i % 7}", category="Home > Lights",
                      price=10.0 + i) for i in range(start, start + n)]


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "kb.sqlite3")
    s.upsert_products(_products(30))
    yield s
    s.close()


def _engine(store, root: Path) -> SearchEngine:
    ix = IndexSet.load(root)
    if ix is None:
        ix = IndexSet.build(store.iter_products(), None, seq=store.change_seq())
        ix.save(root)
    return SearchEngine(store, ix, None, None, index_dir=root)


def _ids(engine: SearchEngine, q: str) -> set[str]:
    return {r["id"] for r in engine.search(q, size=200, method="bm25")["results"]}


def test_bulk_change_is_left_to_the_background_and_swapped_in(store, tmp_path):
    root = tmp_path / "index"
    engine = _engine(store, root)
    asked: list[float] = []
    engine.on_behind = lambda: asked.append(time.monotonic()) or True
    store.upsert_products(_products(FAST_FOLLOW + 50, start=100, word="kettle"))
    before = engine.ix
    assert _ids(engine, "kettle") == set()  # answered from the current index, nothing embedded or folded in
    assert engine.search("kettle", method="bm25")["total"] == 0 and len(asked) == 1  # asked once a second
    assert engine.ix is before
    out = engine.rebuild()
    assert out["mode"] == "rebuild" and out["products"] == 30 + FAST_FOLLOW + 50
    assert len(_ids(engine, "kettle")) == FAST_FOLLOW + 50 and engine.ix.version == before.version + 1
    assert engine.ix.saved_as == out["saved"] and IndexSet.load(root).seq == store.change_seq()
    store.upsert_products(_products(3, start=900, word="toaster"))  # a small change: folded in at once
    assert len(_ids(engine, "toaster")) == 3


def test_without_a_background_indexer_changes_are_folded_in_place(store, tmp_path):
    engine = _engine(store, tmp_path / "index")
    store.upsert_products(_products(FAST_FOLLOW + 10, start=100, word="kettle"))
    assert len(_ids(engine, "kettle")) == FAST_FOLLOW + 10  # the CLI: nobody else would index them


def test_a_read_only_engine_adopts_the_saved_set(store, tmp_path):
    root = tmp_path / "index"
    serving = _engine(store, root)
    worker = _engine(store, root)
    worker.adopt_saved = True
    store.upsert_products(_products(FAST_FOLLOW + 20, start=100, word="kettle"))
    assert _ids(worker, "kettle") == set()  # never builds anything itself
    serving.rebuild()
    deadline = time.time() + 10
    while not _ids(worker, "kettle") and time.time() < deadline:
        time.sleep(0.6)  # the pointer is checked at most twice a second; loaded in a thread
    assert len(_ids(worker, "kettle")) == FAST_FOLLOW + 20


def test_a_stop_request_ends_a_build_at_a_batch_boundary(store):
    calls = []

    def vectors(prods):
        calls.append(len(prods))
        return np.ones((len(prods), 4), np.float32)

    with pytest.raises(Stopped, match="after 10 of 30"):
        IndexSet.build(store.iter_products(), vectors, batch=10, stop=lambda: len(calls) >= 1)
    assert calls == [10]


def test_durable_writes_leave_no_temporary_files(tmp_path):
    write_npz(tmp_path / "a.npz", {"x": np.arange(5)})
    write_text(tmp_path / "a.json", "{}")
    with np.load(tmp_path / "a.npz", allow_pickle=False) as z:
        assert z["x"].tolist() == [0, 1, 2, 3, 4]
    tmp = temp_dir(tmp_path / "v1")
    (tmp / "part").write_text("1")
    publish_dir(tmp, tmp_path / "v1")
    assert (tmp_path / "v1" / "part").read_text() == "1"
    with pytest.raises(RuntimeError):
        with atomic_path(tmp_path / "b.bin") as t:
            t.write_bytes(b"half")
            raise RuntimeError("writer failed")
    assert not (tmp_path / "b.bin").exists()
    assert not list(tmp_path.glob(f"{TMP_TAG}*"))


def test_a_killed_writers_temporary_file_is_removed_later(tmp_path):
    code = ("import os; from shopmind.durable import atomic_path\n"
            f"with atomic_path({str(tmp_path / 'm.bin')!r}) as t:\n"
            "    t.write_bytes(b'half'); os._exit(9)\n")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 9
    assert len(list(tmp_path.glob(f"{TMP_TAG}*"))) == 1 and not (tmp_path / "m.bin").exists()
    assert remove_stale(tmp_path) == 1 and not list(tmp_path.glob(f"{TMP_TAG}*"))
