"""Load a small knowledge-base bundle (JSON with products, reviews, documents, users, orders) into a
store: what the assistant's tests, groundedness check and benchmarks run on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from shopmind.kb.models import DocumentIn, OrderIn, ProductIn, ReviewIn, UserIn

_KINDS = {"products": ProductIn, "reviews": ReviewIn, "documents": DocumentIn, "users": UserIn, "orders": OrderIn}


def load_bundle(store: Any, path: str | Path) -> dict[str, int]:
    """Write every record of the bundle at ``path`` into ``store``; counts per kind. Bad records raise
    ValueError naming the kind, the index and the reason."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    unknown = set(data) - set(_KINDS)
    if unknown:
        raise ValueError(f"{path}: unknown section(s) {sorted(unknown)}; expected {sorted(_KINDS)}")
    parsed: dict[str, list] = {}
    for kind, model in _KINDS.items():
        rows = []
        for i, raw in enumerate(data.get(kind, [])):
            try:
                rows.append(model(**raw))
            except Exception as e:  # pydantic ValidationError: name the record
                raise ValueError(f"{path}: {kind}[{i}]: {e}") from None
        parsed[kind] = rows
    store.upsert_products(parsed["products"])
    store.add_reviews(parsed["reviews"])
    store.upsert_documents(parsed["documents"])
    store.upsert_users(parsed["users"])
    store.upsert_orders(parsed["orders"])
    return {k: len(v) for k, v in parsed.items()}
