"""Hybrid product search: query understanding, BM25 + dense retrieval, fusion, LambdaMART re-ranking,
filters, facets, merchandising rules and suggestions.

``build(shop)`` returns the shop's SearchEngine (``engine.search(q, filters, sort, page, size, explain)``),
loading the saved indexes (or building them on first use) and following later catalog changes.
"""

from __future__ import annotations

from typing import Any

from shopmind.search.engine import METHODS, SearchEngine, load_ranker

__all__ = ["build", "SearchEngine", "METHODS", "load_ranker"]


def build(shop: Any, save: bool = True) -> SearchEngine:
    """``save=False`` (a search worker process): follow the catalog in memory, never write the index files."""
    from shopmind.graph import ProductGraph
    from shopmind.index import build_indexes, index_dir
    from shopmind.index.manager import IndexSet

    root = index_dir(shop)
    encoder = shop.encoder
    ix = IndexSet.load(root)
    if ix is None or ix.encoder_name != encoder.name:
        if not save:
            raise RuntimeError(f"no saved search indexes for encoder {encoder.name!r} in {root}")
        build_indexes(shop, full=True)
        ix = IndexSet.load(root)
        assert ix is not None
    engine = SearchEngine(shop.store, ix, encoder, load_ranker(shop.settings.home), index_dir=root,
                          graph=shop.graph if save else ProductGraph(shop.store, writable=False))
    if not save:  # a search worker: adopts the index sets the serving process saves
        engine.adopt_saved = True
        engine.follow()
    else:  # big catalog changes go to the shop's background indexer when it has one (a server)
        engine.on_behind = shop.index_in_background
        if shop.background_indexing:
            engine.follow()
        elif not shop.in_index_job:  # an index job refreshes it next, with its stop and progress
            engine.refresh()
    return engine
