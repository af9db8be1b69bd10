"""Process and thread helpers shared across packages: thread niceness, single-thread onnxruntime sessions."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

log = logging.getLogger(__name__)


def nice_current_thread(nice: int, name: str = "thread") -> bool:
    """Add ``nice`` to the calling thread's niceness (Linux sets it per thread); False where it could
    not be set (other systems, or refused), with a warning naming ``name``."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + nice)
        return True
    except OSError as ex:
        log.warning("%s: niceness not set (%s)", name, ex)
        return False


def ort_session(model: Any) -> Any:
    """An onnxruntime CPU session for a small ``onnx.ModelProto`` (or its bytes) that runs on the calling
    thread only: one intra-op thread, no spinning (a spinning pool burns the CPU the serving process and
    the other workers need)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    data = model if isinstance(model, bytes) else model.SerializeToString()
    return ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])


_THREAD_ENV = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def configure_threads() -> None:
    """The one thread policy, set early by the CLI and serving entry points: BLAS runs single-threaded
    (it is called from OpenMP loops such as implicit's ALS and from request threads, where a second
    pool oversubscribes the cores and OpenBLAS prints "Detect OpenMP Loop and this application may
    hang"); OpenMP and torch keep their own thread counts. Environment variables already set win.
    Code that wants a parallel BLAS outside any OpenMP loop wraps it in `blas_threads()`."""
    for name in _THREAD_ENV:
        os.environ.setdefault(name, "1")
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=int(os.environ["OPENBLAS_NUM_THREADS"]), user_api="blas")
    except (ImportError, ValueError) as ex:
        log.warning("thread limits not applied (%s)", ex)


def blas_threads(n: int | None = None) -> Any:
    """A context in which BLAS may use n threads (default: the CPU count, at most 8) — for one large
    dense operation (EASE's inversion) called outside any OpenMP loop."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n or min(os.cpu_count() or 1, 8), user_api="blas")


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this host (one owned by another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
