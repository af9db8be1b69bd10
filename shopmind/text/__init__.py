"""Text understanding for shopmind: normalization, tokens, entities, keywords/topics, sentiment, enrichment.

``build(shop)`` gives ``shop.text``: one object with the shop's gazetteer-backed entity extractor and the
sentiment models, loaded lazily. The light functions (``normalize``, ``tokenize``) import nothing heavy.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any, Callable, Iterable

from shopmind.text.normalize import detect_language, normalize
from shopmind.text.tokenize import add_words, tokenize

__all__ = ["TextToolkit", "build", "normalize", "detect_language", "tokenize", "add_words"]


class TextToolkit:
    """The text components of one shop (``shop.text``)."""

    def __init__(self, shop: Any) -> None:
        self.shop = shop
        self._lock = threading.Lock()

    normalize = staticmethod(normalize)
    detect_language = staticmethod(detect_language)

    @staticmethod
    def tokenize(text: str, lang: str | None = None, search_mode: bool = False) -> list[str]:
        return tokenize(text, lang=lang, search_mode=search_mode)

    @cached_property
    def gazetteer(self):
        """Bundled lexicon + the shop's brands, categories, color/material/size values; its Chinese
        phrases are added to jieba so tokens keep them whole."""
        from shopmind.text.gazetteer import Gazetteer

        g = Gazetteer.from_store(self.shop.store)
        add_words(g.words())
        return g

    @cached_property
    def entities(self):
        """EntityExtractor over the shop's gazetteer: ``shop.text.entities.extract(text, ner=False)``."""
        from shopmind.text.entities import EntityExtractor

        return EntityExtractor(self.gazetteer)

    def refresh(self, products: Iterable[Any] | None = None) -> None:
        """Forget the gazetteer (after a big catalog change) so it is rebuilt from the store; with
        ``products`` (all of the store's, already loaded) rebuild it from them at once instead."""
        with self._lock:
            self.__dict__.pop("gazetteer", None)
            self.__dict__.pop("entities", None)
            if products is not None:
                from shopmind.text.gazetteer import Gazetteer

                g = Gazetteer.from_products(products)
                add_words(g.words())
                self.__dict__["gazetteer"] = g

    def extract(self, text: str, ner: bool = False) -> list[dict[str, Any]]:
        """Entities of ``text`` as dicts (type, start, end, text, value, source)."""
        return [e.to_dict() for e in self.entities.extract(text, ner=ner)]

    def parse_price(self, text: str):
        from shopmind.text.prices import parse_price

        return parse_price(text)

    @cached_property
    def sentiment(self):
        """SentimentAnalyzer with the shipped zh/en models."""
        from shopmind.text.sentiment import default_analyzer

        return default_analyzer()

    def analyze_review(self, text: str) -> dict[str, Any]:
        return self.sentiment.analyze(text)

    def enrich(self, product_ids: Iterable[str] | None = None, steps: Iterable[str] | None = None,
               progress: bool = False, stop: Callable[[], bool] | None = None) -> dict[str, Any]:
        from shopmind.text.enrich import enrich

        return enrich(self.shop, product_ids=product_ids, steps=steps, progress=progress, stop=stop)

    def topics(self) -> dict[str, Any]:
        """category -> {n, topics: [{topic, words, weight}]} from the last enrichment."""
        return self.shop.store.get_meta("text.topics", {}) or {}


def build(shop: Any) -> TextToolkit:
    """``shop.text``."""
    return TextToolkit(shop)
