"""Progress bars for long CLI steps, drawn from the jobs the work records in the store.

Enrichment, index builds and training each record a job with a progress fraction (``store.job``), so
the CLI runs the work in a thread and draws one bar (with an ETA) per job as it runs: the same numbers
``shopmind jobs`` and ``GET /api/jobs`` show, whichever component does the work.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, TypeVar

T = TypeVar("T")

__all__ = ["with_job_bars"]


def _label(job: Any) -> str:
    step = job.counts.get("step") if isinstance(job.counts, dict) else None
    return f"{job.kind} {step}" if step else job.kind


def with_job_bars(store: Any, fn: Callable[[], T], enabled: bool = True, poll: float = 0.5) -> T:
    """Run ``fn()`` in a thread; while it runs, show a tqdm bar for the newest running job it started."""
    if not enabled:
        return fn()
    from tqdm import tqdm

    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = fn()
        except BaseException as e:  # re-raised in the caller's thread below
            box["error"] = e

    since = time.time() - 1
    worker = threading.Thread(target=run, name="shopmind-cli-work", daemon=True)
    worker.start()
    bar, current = None, None
    try:
        while worker.is_alive():
            worker.join(poll)
            running = [j for j in store.jobs(10) if j.status == "running" and j.started_at >= since]
            if not running:
                continue
            job = running[0]  # newest first: the innermost step of the work
            key = (job.id, _label(job))
            if key != current:
                if bar is not None:
                    bar.close()
                bar = tqdm(total=100, desc=_label(job), unit="%", bar_format="{desc}: {percentage:3.0f}%|{bar}| "
                           "[{elapsed}<{remaining}]")
                current = key
            bar.update(max(0.0, round(job.progress * 100, 1) - bar.n))
    finally:
        if bar is not None:
            bar.update(max(0.0, 100 - bar.n)) if "error" not in box else None
            bar.close()
    if "error" in box:
        raise box["error"]
    return box["result"]
