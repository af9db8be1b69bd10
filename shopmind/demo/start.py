"""``shopmind demo``: a searchable storefront within seconds, the rest finished in the background.

Foreground (``prepare``): load the demo data, put the shipped passage vectors of the demo texts into the
store's vector cache (``data/vectors/``, the same cache ``embed_texts`` fills, keyed by model and text
hash: a text that changed is simply encoded again), build search and warm the query path and the
assistant. When the cache does not cover every product (edited data, another encoder), search starts
lexical-only in memory and gains the dense path once the background job has embedded the catalog.

Background (``finish_in_background``): ``Shop.index()`` in a thread - enrichment (sentiment, topics,
embeddings), index refresh, recommendation training - recorded as jobs (``shopmind jobs``,
``GET /api/jobs``), with progress bars on the terminal.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any, Callable

from shopmind.demo import DEMO_DIR, load_demo

__all__ = ["VECTORS_DIR", "prepare", "finish", "finish_in_background", "seed_vectors", "write_vectors"]

log = logging.getLogger("shopmind.demo")
VECTORS_DIR = DEMO_DIR / "vectors"


def seed_vectors(store: Any) -> int:
    """Put the shipped demo vectors into ``store``'s vector cache; returns how many."""
    from shopmind.testing.live import seed_vectors as seed

    return seed(store, VECTORS_DIR) if VECTORS_DIR.is_dir() else 0


def write_vectors(home: Path) -> None:
    """Regenerate ``data/vectors/`` from a home where the demo was fully indexed and chatted with
    (``python -m shopmind.demo.start HOME``)."""
    from shopmind.testing.live import save_vectors

    for f in VECTORS_DIR.glob("vectors-*.npz"):
        f.unlink()
    save_vectors(home / "kb.sqlite3", VECTORS_DIR)


def _uncached_products(shop: Any) -> int:
    from shopmind.embed import product_text, text_key

    keys = {text_key(product_text(p)) for p in shop.store.iter_products()}
    return len(keys) - len(shop.store.get_vectors(shop.encoder.name, keys))


def _lexical_engine(shop: Any):
    """A search engine over BM25 only, in memory (nothing saved): serves until vectors exist."""
    from shopmind.index.manager import IndexSet
    from shopmind.search.engine import SearchEngine, load_ranker

    seq = shop.store.change_seq()
    ix = IndexSet.build(list(shop.store.iter_products()), None, seq=seq, encoder_name=shop.encoder.name)
    return SearchEngine(shop.store, ix, None, load_ranker(shop.settings.home), index_dir=None)


def _timed(out: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    t0 = time.perf_counter()
    res = fn()
    out[name] = round(time.perf_counter() - t0, 2)
    return res


def prepare(shop: Any, say: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Everything the storefront needs before it is served; returns counts and per-step seconds."""
    secs: dict[str, float] = {}
    counts = _timed(secs, "load", lambda: load_demo(shop.store))
    say("demo shop loaded: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    _timed(secs, "vectors", lambda: seed_vectors(shop.store))
    missing = _timed(secs, "encoder", lambda: _uncached_products(shop))
    if missing:
        say(f"{missing} products have no cached vectors: search starts lexical-only, dense comes later")
        shop.__dict__["search"] = _timed(secs, "search", lambda: _lexical_engine(shop))
    else:
        _timed(secs, "search", lambda: shop.search)
    _timed(secs, "warm_search", lambda: (shop.search.search("phone", size=5), shop.search.search("手机", size=5)))
    _timed(secs, "warm_assistant", lambda: shop.assistant)
    return {"counts": counts, "seconds": secs, "lexical_only": bool(missing)}


def finish(shop: Any, lexical_only: bool, progress: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    if lexical_only:
        from shopmind.search import build as build_search

        shop.text.enrich(steps=["embeddings"], progress=progress)
        shop.__dict__["search"] = build_search(shop)  # the full engine replaces the lexical one at once
        log.info("demo: dense search is on")
    result = shop.index(progress=progress)
    log.info("demo: background enrichment, indexing and training done in %.0f s", time.perf_counter() - t0)
    return result


def finish_in_background(shop: Any, lexical_only: bool = False, progress: bool = True,
                         done: Callable[[dict[str, Any] | None], None] | None = None) -> threading.Thread:
    """Start the rest (enrichment, index refresh, model training) in a daemon thread."""

    def run() -> None:
        from shopmind.procutil import nice_current_thread

        nice_current_thread(5, "demo background job")  # requests first: the storefront is already up
        result = None
        try:
            result = finish(shop, lexical_only, progress)
        except Exception:  # the storefront keeps serving what it has; the failure is in the log and the job
            log.exception("demo: background enrichment failed")
        if done is not None:
            done(result)

    t = threading.Thread(target=run, name="shopmind-demo-finish", daemon=True)
    t.start()
    return t


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped vectors
    import sys

    write_vectors(Path(sys.argv[1]))
