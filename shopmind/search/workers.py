"""Search worker processes: searches run on their own interpreter, next to the serving process.

While real time runs, the serving process spends much of its time in Python on the event stream
(HTTP parsing, validation, group commits, online updaters). A search computed in the same process
queues for the same GIL, so its latency grows with the event rate. ``SearchWorkers`` starts
``settings.search_workers`` processes, each with its own ``SearchEngine`` loaded from the saved
indexes; ``/api/search`` sends the searches that miss its result cache to an idle one.

A worker keeps up with the shop the way any second process does: it follows the store's product
change sequence before every search (new, edited, deleted and out-of-stock products are seen at
once), follows the stored events for the live popularity feature (``PopularityFollower``, the
definition of ``Realtime.popularity``), and re-reads synonyms and merchandising rules when the
serving process says they changed (a generation number sent with each search). It never writes the
index files. Until a worker is ready, or if one dies, searches run in the serving process as before,
and a dead worker is started again.

Messages are JSON over a ``multiprocessing`` pipe: ``{"op": "search", "args": [...], "gen": N}`` ->
``{"ok": true, "result": {...}}`` or ``{"ok": false, "type": "ValueError", "error": "..."}``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing as mp
import os
import queue
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

READY_TIMEOUT = 300.0  # seconds a worker may take to load its indexes and encoder


class WorkerError(RuntimeError):
    """A worker died or answered nonsense; the caller searches in-process instead."""


class _Worker:
    def __init__(self, ctx, settings_json: str, index: int) -> None:
        self.index = index
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=serve, args=(child, settings_json), name=f"shopmind-search-{index}",
                                daemon=True)
        self.proc.start()
        child.close()
        self.started = time.monotonic()
        self._stop_lock = threading.Lock()  # close() and the ready-waiting thread may both stop it

    def stop(self, timeout: float = 5.0) -> None:
        with self._stop_lock:
            if self.conn.closed:
                return
            try:
                self.conn.send_bytes(b'{"op": "stop"}')
            except (OSError, ValueError):
                pass
            self.proc.join(timeout)
            if self.proc.is_alive():
                self.proc.terminate()
                self.proc.join(timeout)
            self.conn.close()


class SearchWorkers:
    """A pool of search worker processes of one shop (see the module docstring)."""

    def __init__(self, settings: Any, n: int = 1, wait_timeout: float = 10.0, answer_timeout: float = 30.0) -> None:
        self.settings_json = settings.model_dump_json()
        self.n = int(n)
        self.wait_timeout = float(wait_timeout)  # for an idle worker
        self.answer_timeout = float(answer_timeout)  # for a worker's answer (then it is replaced)
        self.generation = 0  # bumped when synonyms or merchandising rules change
        self.restarts = 0
        self.served = 0
        self.fallbacks = 0
        self._ctx = mp.get_context("spawn")  # no fork: the serving process runs threads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self._ready = 0
        self._procs: dict[int, _Worker] = {}
        for i in range(self.n):
            self._start(i)

    # -- lifecycle ------------------------------------------------------------------------------------
    def _start(self, index: int) -> None:
        w = _Worker(self._ctx, self.settings_json, index)
        self._procs[index] = w  # every started worker, ready or not, for close()
        threading.Thread(target=self._await_ready, args=(w,), name=f"shopmind-search-{index}-start",
                         daemon=True).start()

    def _await_ready(self, w: _Worker) -> None:
        try:
            if not w.conn.poll(READY_TIMEOUT):
                raise WorkerError(f"search worker {w.index} not ready after {READY_TIMEOUT:.0f}s")
            msg = json.loads(w.conn.recv_bytes())
            if not msg.get("ready"):
                raise WorkerError(f"search worker {w.index} failed to start: {msg.get('error')}")
        except Exception as e:  # noqa: BLE001 - any failure: searches stay in-process
            w.stop(1.0)
            if self._closed:  # stopped by close() while it loaded
                return
            log.warning("search worker %d did not start (%s; exit code %s)", w.index, e, w.proc.exitcode)
            return
        with self._lock:
            if self._closed:
                w.stop()
                return
            self._ready += 1
        log.info("search worker %d ready in %.1fs (pid %s)", w.index, time.monotonic() - w.started, w.proc.pid)
        self._idle.put(w)

    @property
    def ready(self) -> int:
        """How many workers have loaded and are serving."""
        return self._ready

    def changed(self) -> None:
        """Synonyms or merchandising rules changed: workers re-read them before their next search."""
        self.generation += 1

    def close(self) -> None:
        """Stop every worker: idle ones finish, busy or still-loading ones are terminated."""
        with self._lock:
            self._closed = True
        for w in list(self._procs.values()):
            w.stop(2.0)

    # -- searching --------------------------------------------------------------------------------------
    async def search_async(self, q: str, filters: dict[str, Any] | None, sort: str, page: int, size: int,
                           explain: bool, method: str) -> dict[str, Any] | None:
        """The answer of ``SearchEngine.search`` computed by a worker, for a coroutine on the serving
        event loop; None when no worker is ready or the worker was lost (the caller then searches
        in-process). A ValueError of the engine (bad arguments) is raised here.

        The request is written to an idle worker's pipe and its answer awaited with the loop's reader,
        so no thread is woken (a thread hand-off per search costs the busy serving process more than
        the pipe does)."""
        if self._ready == 0 or self._closed:
            self.fallbacks += 1
            return None
        loop = asyncio.get_running_loop()
        try:
            w = self._idle.get_nowait()
        except queue.Empty:  # every worker busy: wait for one off the loop
            taken = loop.run_in_executor(None, self._idle.get, True, self.wait_timeout)
            try:
                w = await asyncio.shield(taken)
            except queue.Empty:
                self.fallbacks += 1
                return None
            except asyncio.CancelledError:  # the request went away: the worker it gets goes back
                taken.add_done_callback(self._give_back)
                raise
        msg = {"op": "search", "args": [q, filters, sort, page, size, explain, method], "gen": self.generation}
        try:
            w.conn.send_bytes(json.dumps(msg).encode())
            readable = loop.create_future()

            def on_readable() -> None:
                if not readable.done():
                    readable.set_result(None)

            fd = w.conn.fileno()
            loop.add_reader(fd, on_readable)
            try:
                await asyncio.wait_for(readable, self.answer_timeout)
            finally:
                loop.remove_reader(fd)
            reply = json.loads(w.conn.recv_bytes())
        except (asyncio.TimeoutError, EOFError, OSError, ValueError) as e:
            self._lost(w, WorkerError(f"search worker {w.index} failed: {e!r}"))
            return None
        except asyncio.CancelledError:  # the request went away: read the answer later, then reuse the worker
            loop.add_reader(fd, self._drain, loop, w, fd)
            raise
        return self._answer(w, reply)

    def _give_back(self, taken: asyncio.Future) -> None:
        if not taken.cancelled() and taken.exception() is None:
            self._idle.put(taken.result())

    def _drain(self, loop, w: _Worker, fd: int) -> None:
        loop.remove_reader(fd)
        try:
            w.conn.recv_bytes()
        except (EOFError, OSError) as e:
            self._lost(w, WorkerError(f"search worker {w.index} failed: {e!r}"))
            return
        self._idle.put(w)

    def _lost(self, w: _Worker, e: Exception) -> None:
        log.warning("%s; starting it again", e)
        with self._lock:
            self._ready -= 1
            self.restarts += 1
            closed = self._closed
        w.stop(1.0)
        if not closed:
            self._start(w.index)
        self.fallbacks += 1

    def _answer(self, w: _Worker, reply: dict[str, Any]) -> dict[str, Any] | None:
        self._idle.put(w)
        if reply.get("ok"):
            self.served += 1
            return reply["result"]
        if reply.get("type") == "ValueError":
            raise ValueError(reply.get("error", "invalid search"))
        log.warning("search worker %d: %s", w.index, reply.get("error"))
        self.fallbacks += 1
        return None

    def status(self) -> dict[str, Any]:
        return {"workers": self.n, "ready": self._ready, "served": self.served, "fallbacks": self.fallbacks,
                "restarts": self.restarts, "generation": self.generation}


def build(shop: Any) -> SearchWorkers | None:
    """The shop's search workers (``settings.search_workers`` processes), or None when set to 0."""
    n = shop.settings.search_workers
    return SearchWorkers(shop.settings, n) if n > 0 else None


# -- the worker process ------------------------------------------------------------------------------------
def _jsonable(x: Any) -> Any:
    import numpy as np

    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON serializable: {type(x).__name__}")


def serve(conn, settings_json: str) -> None:
    """The worker's main loop (runs in the child process)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # one thread per worker: the serving process and the other workers use the other cores
    os.environ.setdefault("SHOPMIND_ENCODER_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        from shopmind.config import Settings
        from shopmind.realtime.popularity import PopularityFollower
        from shopmind.realtime.service import realtime_settings
        from shopmind.search import build as build_engine
        from shopmind.search.merch import load_synonyms
        from shopmind.shop import Shop

        shop = Shop(Settings.model_validate_json(settings_json))
        engine = build_engine(shop, save=False)
        cfg = realtime_settings(shop)
        engine.popularity_source = PopularityFollower(shop.store, float(cfg["popularity_half_life"]),
                                                      int(cfg["warm_events"]))
        engine.search("warm up", size=1)  # loads the ranker, touches the indexes
        generation = 0
        conn.send_bytes(json.dumps({"ready": True, "pid": os.getpid()}).encode())
    except Exception as e:  # noqa: BLE001 - reported to the serving process, which searches in-process
        conn.send_bytes(json.dumps({"ready": False, "error": repr(e)}).encode())
        return
    while True:
        try:
            msg = json.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the serving process is gone
            break
        if msg.get("op") == "stop":
            break
        try:
            if msg.get("gen", 0) != generation:
                generation = msg.get("gen", 0)
                engine.set_synonyms(load_synonyms(shop.store))
                engine.invalidate_rules()
            a = msg["args"]
            res = engine.search(a[0], a[1], a[2], a[3], a[4], a[5], method=a[6])
            out = {"ok": True, "result": res}
        except ValueError as e:
            out = {"ok": False, "type": "ValueError", "error": str(e)}
        except Exception as e:  # noqa: BLE001
            log.exception("search failed in worker")
            out = {"ok": False, "type": type(e).__name__, "error": repr(e)}
        try:
            conn.send_bytes(json.dumps(out, default=_jsonable).encode())
        except (OSError, ValueError):
            break
    engine.popularity_source.close()
    shop.close()
