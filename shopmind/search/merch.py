"""Merchandising rules (pin, boost, bury, hide a product, for one query or all) and the admin-editable
synonym list, both kept as JSON in the store's meta settings.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shopmind.search.query import DEFAULT_SYNONYMS
from shopmind.text.normalize import normalize

RULES_KEY = "search.merch_rules"
SYNONYMS_KEY = "search.synonyms"


class MerchRule(BaseModel):
    """One rule. ``query`` None applies to every query; otherwise to queries that normalize equal."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex[:12])
    action: Literal["pin", "boost", "bury", "hide"]
    product_id: str = Field(min_length=1)
    query: str | None = None
    position: int = Field(default=1, ge=1, description="pin: 1-based position on the first page")
    factor: float = Field(default=2.0, gt=0, description="boost: score multiplier (> 1 lifts)")

    @model_validator(mode="after")
    def _check(self) -> "MerchRule":
        if self.action == "boost" and self.factor <= 1:
            raise ValueError("boost factor must be > 1 (use bury to push a product down)")
        return self

    def applies(self, normalized_query: str) -> bool:
        return self.query is None or normalize(self.query) == normalized_query


def load_rules(store: Any) -> list[MerchRule]:
    return [MerchRule(**r) for r in store.get_meta(RULES_KEY, []) or []]


def save_rules(store: Any, rules: list[MerchRule]) -> None:
    store.set_meta(RULES_KEY, [r.model_dump() for r in rules])


def update_rules(store: Any, fn: Callable[[list[MerchRule]], list[MerchRule]]) -> list[MerchRule]:
    """Read the rules, ``fn(rules)`` -> new rules, write them: one store transaction, so two admins
    editing at once both keep their change."""
    out: list[MerchRule] = []

    def change(raw: Any) -> list[dict[str, Any]]:
        out[:] = fn([MerchRule(**r) for r in raw or []])
        return [r.model_dump() for r in out]

    store.update_meta(RULES_KEY, change, [])
    return out


def load_synonyms(store: Any) -> list[list[str]]:
    groups = store.get_meta(SYNONYMS_KEY)
    return [list(g) for g in (DEFAULT_SYNONYMS if groups is None else groups)]


def check_synonyms(groups: Any) -> list[list[str]]:
    """Validated synonym groups: a list of lists of 2+ non-empty strings."""
    if not isinstance(groups, list):
        raise ValueError("synonyms must be a list of groups (lists of equivalent terms)")
    out = []
    for i, g in enumerate(groups):
        if not isinstance(g, list) or len(g) < 2 or not all(isinstance(t, str) and t.strip() for t in g):
            raise ValueError(f"synonym group {i} must be a list of 2 or more non-empty strings, got {g!r}")
        out.append([t.strip() for t in g])
    return out


def apply_rules(order: list[int], scores: dict[int, float], rules: list[MerchRule], normalized_query: str,
                row_of: dict[str, int], allowed: set[int] | None = None) -> tuple[list[int], dict[int, str]]:
    """Reorder result rows by the rules that apply; returns (rows, row -> rule action applied).

    hide removes; boost multiplies the score (positive scores) and bury sends to the end; pin puts the
    product at its position even when retrieval missed it (if it passes the filters: ``allowed``).
    """
    applied: dict[int, str] = {}
    active = [r for r in rules if r.applies(normalized_query)]
    if not active:
        return order, applied
    hide = {row_of[r.product_id] for r in active if r.action == "hide" and r.product_id in row_of}
    buried = {row_of[r.product_id] for r in active if r.action == "bury" and r.product_id in row_of}
    boosts = {row_of[r.product_id]: r.factor for r in active if r.action == "boost" and r.product_id in row_of}
    pins = sorted(((r.position, row_of[r.product_id]) for r in active if r.action == "pin" and r.product_id in row_of))
    rank_score = {row: scores.get(row, 0.0) for row in order}
    if boosts and rank_score:
        lo, hi = min(rank_score.values()), max(rank_score.values())
        span = (hi - lo) or 1.0
        # scores scaled into [0.1, 1] so that multiplying lifts every boosted product, the last one too
        rank_score = {r: 0.1 + 0.9 * (s - lo) / span for r, s in rank_score.items()}
        for row, f in boosts.items():
            if row in rank_score:
                rank_score[row] *= f
                applied[row] = "boost"
        order = sorted(order, key=lambda r: -rank_score[r])
    kept = [r for r in order if r not in hide and r not in buried]
    kept += [r for r in order if r in buried and r not in hide]
    for r in hide:
        applied[r] = "hide"
    for r in buried:
        if r not in hide:
            applied[r] = "bury"
    for pos, row in pins:
        if row in hide or (allowed is not None and row not in allowed):
            continue
        if row in kept:
            kept.remove(row)
        kept.insert(min(pos - 1, len(kept)), row)
        applied[row] = "pin"
    return kept, applied
