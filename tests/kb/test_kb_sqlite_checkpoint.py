"""WAL checkpoints run by the store's background checkpointer, never inside a commit."""

from __future__ import annotations

import time

from shopmind.kb import open_store
from shopmind.kb.models import EventIn


def test_checkpointer_takes_checkpoints_off_the_commits(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    try:
        assert store._writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # SQLite's default
        store.start_checkpointer(interval=0.05)
        store.start_checkpointer(interval=0.05)  # idempotent: one thread
        assert store._writer.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
        wal = tmp_path / "kb.sqlite3-wal"
        for i in range(30):
            store.add_events([EventIn(type="search", query=f"q{i} " + "x" * 400, session_id="s")] * 50)
        deadline = time.monotonic() + 10
        while store.checkpoints == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert store.checkpoints > 0 and wal.exists()
        # everything in the WAL reaches the database file: a new checkpoint finds nothing left to copy
        time.sleep(0.2)
        conn = store._connect()
        busy, pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        conn.close()
        assert busy == 0 and pages == copied
    finally:
        store.close()
    assert store._checkpointer is None
    assert open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}").count_events() == 1500
