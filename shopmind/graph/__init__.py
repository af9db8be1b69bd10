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
    """The shop's graph, brought up to date with the catalog. Category leaves the lexicon does not know
    are matched to its classes by the shop's encoder when that is multilingual (e5), loaded only then."""

    def encode(texts: list[str]):
        enc = shop.encoder
        if "e5" not in enc.name:  # an English-only encoder cannot compare 手机 with phones
            raise LookupError(f"encoder {enc.name} is not multilingual")
        return enc.encode_queries(texts)

    g = ProductGraph(shop.store, encode=encode)
    if refresh:
        g.refresh()
    return g
