"""The bilingual product knowledge graph: one taxonomy with zh/en labels over the catalog's category
trees, brands with their aliases, features, attribute names with units, series, and co-occurrence
relations, built from the catalog and stored in the knowledge base (``shopmind.kb.graph_store``).

Search links query spans to its entities (``shopmind.search.query``). ``build(shop)`` returns the
shop's ProductGraph, refreshed from the catalog.
"""

from __future__ import annotations

from typing import Any

from shopmind.graph.graph import ProductGraph

__all__ = ["ProductGraph", "build"]


def build(shop: Any, refresh: bool = True) -> ProductGraph:
    """The shop's graph, brought up to date with the catalog (rules and lexicon; no encoder needed)."""
    g = ProductGraph(shop.store)
    if refresh:
        g.refresh()
    return g
