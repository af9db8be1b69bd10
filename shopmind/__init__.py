"""shopmind: AI search, recommendations and a shopping assistant on one product knowledge base."""

__version__ = "0.1.0"
