"""The background indexer of a serving shop: index jobs (``Shop.index``) run in a child process,
one at a time, whenever the catalog changed by more than a few products, coalescing bursts.

A child process, not a thread: enriching, embedding and training hold the GIL or the CPU for long
stretches, and searches in the serving process must not wait for them. The child runs at a lower CPU
priority with one core fewer than the machine has, saves the new search index set and models, and
the serving process swaps them in when it is done (``Shop.adopt_index``); searches answer from the
last index the whole time.

``request()`` records an ``index`` job at once (its id goes back to the caller, e.g. ``POST
/api/ingest``) and wakes the runner thread; requests made while a job waits are folded into it,
requests made while one runs get the next one. ``close()`` (server shutdown) makes the running job
stop at its next batch boundary (recorded as failed with the reason) and cancels the waiting one.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import threading
import time
from typing import Any

from shopmind.kb.store import Stopped

log = logging.getLogger(__name__)

FOLLOW = "/api/jobs?kind=index"
NICE = 10  # added to the child's niceness: searches get the CPU first
STOP_GRACE = 20.0  # seconds a stopping child may take to reach a batch boundary before it is terminated


class IndexJobFailed(Exception):
    """The child's index job failed; the message is its error as ``Type: message``."""


class BackgroundIndexer:
    def __init__(self, shop: Any) -> None:
        self.shop = shop
        self._cv = threading.Condition()
        self._pending: tuple[Any, Any] | None = None  # (job context, job handle) waiting to run
        self._running: int | None = None  # id of the job running now
        self._stop = threading.Event()
        self._ctx = mp.get_context("spawn")  # no fork: the serving process runs threads
        self._child_stop = self._ctx.Event()
        self._thread: threading.Thread | None = None
        self.runs = self.failures = 0
        self.last: dict[str, Any] | None = None

    def request(self, again: bool = True) -> dict[str, Any]:
        """Ask for an index run; returns {"status": "started"|"queued"|"running", "job_id", "follow"}.

        ``again=False`` (search noticed it is behind): a job that runs already is enough."""
        with self._cv:
            if self._stop.is_set():
                raise RuntimeError("the server is shutting down; the catalog is indexed at the next start")
            if not again and self._pending is None and self._running is not None:
                return {"status": "running", "job_id": self._running, "follow": FOLLOW}
            if self._pending is None:
                ctx = self.shop.store.job("index")
                job = ctx.__enter__()  # left by the runner thread (_exit)
                job.counts.update(state="queued", requests=0)
                self._pending = (ctx, job)
            job = self._pending[1]
            job.counts["requests"] += 1
            status = "queued" if self._running is not None else "started"
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="shopmind-indexer", daemon=True)
                self._thread.start()
            self._cv.notify()
        return {"status": status, "job_id": job.id, "follow": FOLLOW}

    def _loop(self) -> None:
        while True:
            with self._cv:
                while self._pending is None and not self._stop.is_set():
                    self._cv.wait()
                if self._stop.is_set():
                    return
                ctx, job = self._pending
                self._pending, self._running = None, job.id
            self._run(ctx, job)
            with self._cv:
                self._running = None

    def _run(self, ctx: Any, job: Any) -> None:
        t0 = time.perf_counter()
        try:
            job.progress(0.0, state="running")
            out = self._in_child(job)
            self.shop.adopt_index()  # the new index set and models, saved by the child
        except BaseException as e:  # noqa: BLE001 - recorded in the job and logged; the thread goes on
            self.failures += 1
            if isinstance(e, Stopped):
                log.warning("index job %d stopped: %s", job.id, e)
            else:
                log.error("index job %d failed: %s", job.id, e)
            self.last = {"job_id": job.id, "ok": False, "error": f"{type(e).__name__}: {e}"}
            self._exit(ctx, e)
            return
        self.runs += 1
        self.last = {"job_id": job.id, "ok": True, "seconds": round(time.perf_counter() - t0, 3),
                     "search": out.get("search")}
        job.counts.update({k: v for k, v in out.items()}, state="done")
        self._exit(ctx, None)

    def _in_child(self, job: Any) -> dict[str, Any]:
        """Run ``Shop.index`` in a child process, relaying its progress into ``job``."""
        mine, theirs = self._ctx.Pipe()
        proc = self._ctx.Process(target=_child, args=(theirs, self.shop.settings.model_dump_json(), self._child_stop),
                                 name=f"shopmind-index-{job.id}", daemon=True)
        proc.start()
        theirs.close()
        stop_at: float | None = None
        try:
            while True:
                if self._stop.is_set():  # shutting down: the child stops at its next batch boundary
                    stop_at = stop_at or time.monotonic()
                    if time.monotonic() - stop_at > STOP_GRACE:
                        proc.terminate()
                        raise Stopped(f"the index process did not stop within {STOP_GRACE:.0f}s; terminated")
                if mine.poll(0.5):
                    try:
                        msg = json.loads(mine.recv_bytes())
                    except EOFError:
                        msg = None
                    if msg is None:
                        break
                    if "progress" in msg:
                        job.progress(msg["progress"], **msg.get("counts", {}))
                        if "search" in msg.get("counts", {}):  # the search step is done and saved:
                            self.shop.adopt_index(models=False)  # searchable now, not after training
                        continue
                    if msg.get("ok"):
                        return msg["result"]
                    if msg.get("stopped"):
                        raise Stopped(msg["error"])
                    raise IndexJobFailed(f"{msg['type']}: {msg['error']}")
                if not proc.is_alive():
                    break
            raise IndexJobFailed(f"the index process exited with code {proc.exitcode} before it finished")
        finally:
            mine.close()
            proc.join(10)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)

    @staticmethod
    def _exit(ctx: Any, e: BaseException | None) -> None:
        try:
            if e is None:
                ctx.__exit__(None, None, None)
            else:
                ctx.__exit__(type(e), e, e.__traceback__)
        except Exception:  # noqa: BLE001 - the job row could not be finished (e.g. disk full)
            log.exception("could not record the end of an index job")

    def status(self) -> dict[str, Any]:
        with self._cv:
            return {"running": self._running, "queued": self._pending[1].id if self._pending else None,
                    "runs": self.runs, "failures": self.failures, "last": self.last}

    def close(self, timeout: float = 60.0) -> None:
        """Stop at the next batch boundary and cancel the waiting job (server shutdown)."""
        with self._cv:
            self._stop.set()
            self._child_stop.set()
            pending, self._pending = self._pending, None
            self._cv.notify_all()
        if pending is not None:
            self._exit(pending[0], Stopped("the server shut down before this index job ran"))
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.warning("the index job did not stop within %.0fs", timeout)


class _PipeJob:
    """The job handle ``Shop.index`` gets in the child: progress goes to the serving process."""

    def __init__(self, conn) -> None:
        self.conn, self.counts, self.errors = conn, {}, []

    def progress(self, fraction: float, **counts: Any) -> None:
        self.counts.update(counts)
        self.conn.send_bytes(json.dumps({"progress": fraction, "counts": counts}, default=str).encode())


def _child(conn, settings_json: str, stop) -> None:
    """The index job in the child process (see the module docstring)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("SHOPMIND_ENCODER_THREADS", str(max(1, (os.cpu_count() or 2) - 1)))
    try:
        os.nice(NICE)
    except OSError:  # pragma: no cover - not permitted here
        pass
    from shopmind.config import Settings
    from shopmind.shop import Shop

    shop = Shop(Settings.model_validate_json(settings_json))
    shop.in_index_job = True
    try:
        out = shop.index(job=_PipeJob(conn), stop=stop.is_set)
        msg = {"ok": True, "result": out}
    except BaseException as e:  # noqa: BLE001 - reported to the serving process, which records it
        msg = {"ok": False, "stopped": isinstance(e, Stopped), "type": type(e).__name__, "error": str(e)}
        if not isinstance(e, Stopped):
            logging.getLogger(__name__).exception("index job failed")
    finally:
        try:
            shop.close()
        except Exception:  # noqa: BLE001
            logging.getLogger(__name__).exception("closing the index process's shop")
    conn.send_bytes(json.dumps(msg, default=str).encode())
    conn.close()
