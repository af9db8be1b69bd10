"""The shop's base currency and exchange rates (kb meta ``shop.currency``): price filters, price sorts and
"under ¥300" / "under $100" in queries compare prices converted to the base; each product keeps its own
currency for display.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, field_validator

META_KEY = "shop.currency"
_ISO = re.compile(r"^[A-Z]{3}$")


class CurrencySettings(BaseModel):
    """``rates[X]``: how many units of ``base`` one unit of X is worth (base itself is 1)."""

    base: str = Field(default="CNY", description="ISO code of the shop's base currency")
    rates: dict[str, float] = Field(default_factory=lambda: {"USD": 7.2, "EUR": 7.8, "GBP": 9.1},
                                    description="units of the base currency per unit of each other currency")

    @field_validator("base")
    @classmethod
    def _base(cls, v: str) -> str:
        v = v.strip().upper()
        if not _ISO.match(v):
            raise ValueError(f"base must be a 3-letter ISO currency code, got {v!r}")
        return v

    @field_validator("rates")
    @classmethod
    def _rates(cls, v: dict[str, float]) -> dict[str, float]:
        out = {}
        for k, r in v.items():
            code = str(k).strip().upper()
            if not _ISO.match(code):
                raise ValueError(f"rates: {k!r} is not a 3-letter ISO currency code")
            if not (isinstance(r, (int, float)) and np.isfinite(r) and r > 0):
                raise ValueError(f"rates.{code} must be a positive number, got {r!r}")
            out[code] = float(r)
        return out

    def rate(self, currency: str | None) -> float:
        """Base units per unit of ``currency`` (unknown or missing currencies count as the base)."""
        c = (currency or self.base).upper()
        return 1.0 if c == self.base else self.rates.get(c, 1.0)

    def to_base(self, amount: float, currency: str | None) -> float:
        return amount * self.rate(currency)


def load_currency(store: Any) -> CurrencySettings:
    raw = store.get_meta(META_KEY) if store is not None else None
    return CurrencySettings(**raw) if raw else CurrencySettings()


def save_currency(store: Any, settings: CurrencySettings) -> None:
    store.set_meta(META_KEY, settings.model_dump())


_CACHE: dict[tuple, np.ndarray] = {}


def base_prices(cat: Any, cur: CurrencySettings | None, version: int | None = None) -> np.ndarray:
    """Every catalog row's price in the base currency (NaN where unknown); cached per index version
    (``None``: not cached) and settings."""
    n = len(cat)
    if cur is None:
        return cat.price[:n]
    k = (id(cat), version, n, cur.base, tuple(sorted(cur.rates.items())))
    hit = _CACHE.get(k)
    if hit is None:
        codes = cat.currency[:n]
        uniq = {c: cur.rate(c) for c in set(codes)}
        mult = np.fromiter((uniq[c] for c in codes), np.float64, n)
        hit = cat.price[:n] * mult
        if version is not None:
            _CACHE.clear()
            _CACHE[k] = hit
    return hit
