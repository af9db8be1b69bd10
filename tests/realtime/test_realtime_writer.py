"""The group-commit writer on a real SQLite store: woken submits commit at once, fire-and-forget ones
join the next commit or are picked up within the writer's lazy delay without any wake-up."""

from __future__ import annotations

import time

from shopmind.kb import open_store
from shopmind.kb.models import EventIn
from shopmind.realtime.writer import GroupCommitWriter


def _ev(i: int) -> EventIn:
    return EventIn(type="search", query=f"q{i}", session_id="w")


def test_lazy_submits_are_committed_without_a_wake_up(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    writer = GroupCommitWriter(store, lazy_delay=0.2)
    try:
        assert writer.write([_ev(0)], timeout=5) == [1]  # woken: committed at once
        t0 = time.perf_counter()
        fut = writer.submit([_ev(1)], wake=False)
        time.sleep(0.05)
        assert not fut.done() and store.count_events() == 1  # nobody woke the writer yet
        assert fut.result(timeout=5) == [2]
        waited = time.perf_counter() - t0
        assert 0.05 <= waited < 1.0  # picked up by the writer's timed wait (lazy_delay 0.2 s)

        lazy = writer.submit([_ev(2)], wake=False)
        woken = writer.submit([_ev(3)])  # a woken submit takes the queued lazy one along
        assert woken.result(timeout=5) == [4] and lazy.result(timeout=0) == [3]
        assert writer.commits == 3
    finally:
        writer.close()
        store.close()
    assert [e.query for e in open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}").iter_events()] == \
        ["q0", "q1", "q2", "q3"]


def test_writer_thread_runs_at_the_configured_niceness(tmp_path):
    import os
    import sys

    import pytest

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread niceness is read from /proc (Linux)")
    store = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    writer = GroupCommitWriter(store, nice=7)
    try:
        assert writer.write([_ev(0)], timeout=5) == [1]  # the thread has started and committed
        stat = open(f"/proc/self/task/{writer._thread.native_id}/stat").read().rpartition(")")[2].split()
        assert int(stat[16]) == os.getpriority(os.PRIO_PROCESS, 0) + 7  # field 19 of stat: nice
    finally:
        writer.close()
        store.close()


def test_a_request_the_store_refuses_fails_alone_in_its_group_commit(tmp_path):
    """An event past validation that SQLite cannot store (a 2^70 integer) fails its own request; the
    other requests of the same group commit are committed on their own and acknowledged."""
    store = open_store(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    writer = GroupCommitWriter(store, lazy_delay=0.2)
    try:
        bad = EventIn.model_construct(type="click", session_id="evil", product_id="p", position=2 ** 70,
                                      user_id=None, query=None, value=None, ts=time.time())
        futs = [writer.submit([_ev(0), _ev(1)], wake=False), writer.submit([bad], wake=False),
                writer.submit([_ev(2)])]  # one group: the woken submit takes the two queued ones along
        assert futs[0].result(timeout=5) == [1, 2] and futs[2].result(timeout=5) == [3]
        err = futs[1].exception(timeout=5)
        assert isinstance(err, OverflowError), err
        assert writer.failures == 2 and writer.commits == 2  # the group, then the bad request alone
    finally:
        writer.close()
    assert [e.query for e in store.iter_events()] == ["q0", "q1", "q2"]
    store.close()
