"""Typed records of the knowledge base: what goes in and what comes out of the store."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

AttrValue = str | int | float | bool
ProductStatus = Literal["active", "draft", "deleted"]
DocumentKind = Literal["faq", "policy", "page"]
EventType = Literal["view", "click", "add_to_cart", "purchase", "search", "rate"]
OrderStatus = Literal["pending", "paid", "shipped", "delivered", "cancelled", "returned", "refunded"]


class ProductIn(BaseModel):
    """A product as written by ingest or the API; every field but id and title is optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=2000)
    sku: str | None = None
    ean: str | None = Field(default=None, description="EAN/GTIN; several joined by ','.")
    brand: str | None = None
    category: str | None = Field(default=None, description="Category path, levels joined by ' > '.")
    price: float | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, description="ISO code: CNY, USD, EUR, ...")
    stock: int | None = Field(default=None, ge=0)
    status: Literal["active", "draft"] = "active"
    language: str | None = Field(default=None, description="zh, en, ... (detected when missing)")
    description: str | None = None
    attributes: dict[str, AttrValue] = Field(default_factory=dict)
    images: list[str] = Field(default_factory=list)

    @field_validator("price")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("price must be a finite number")
        return v

    @field_validator("currency")
    @classmethod
    def _currency(cls, v: str | None) -> str | None:
        return v.upper() if v else v

    def content(self) -> dict[str, Any]:
        """The fields that define the product's content (what a revision compares)."""
        return self.model_dump(exclude={"id"})

    def content_hash(self) -> str:
        raw = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()


class Product(ProductIn):
    """A stored product: content plus bookkeeping."""

    model_config = ConfigDict(extra="ignore")

    status: ProductStatus = "active"  # type: ignore[assignment]
    version: int = 1
    source: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0


class Revision(BaseModel):
    """One recorded change of a product: before/after snapshots, who made it and when."""

    rev: int
    product_id: str
    version: int
    op: Literal["create", "update", "delete", "restore", "rollback"]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    source: str | None
    at: float


class UpsertResult(BaseModel):
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    inserted_ids: list[str] = Field(default_factory=list)
    updated_ids: list[str] = Field(default_factory=list)
    restored: int = Field(0, description="soft-deleted products the batch brought back (re-sent by a feed)")
    restored_ids: list[str] = Field(default_factory=list)

    @property
    def changed_ids(self) -> list[str]:
        return self.inserted_ids + self.updated_ids + self.restored_ids


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = None
    product_id: str = Field(min_length=1)
    rating: float | None = Field(default=None, ge=1, le=5)
    title: str | None = None
    text: str = Field(min_length=1)
    author: str | None = None
    language: str | None = None
    created_at: float | None = None


class Review(ReviewIn):
    id: str  # type: ignore[assignment]
    created_at: float  # type: ignore[assignment]


class DocumentIn(BaseModel):
    """An FAQ entry or a policy (returns, shipping, payment, warranty, ...)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    kind: DocumentKind = "faq"
    topic: str | None = Field(default=None, description="returns, shipping, payment, warranty, ...")
    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    language: str | None = None


class Document(DocumentIn):
    updated_at: float = 0.0


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    name: str | None = None
    email: str | None = None
    language: str | None = None


class User(UserIn):
    created_at: float = 0.0


class OrderLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: str
    qty: int = Field(default=1, ge=1)
    price: float = Field(ge=0)


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    user_id: str = Field(min_length=1)
    status: OrderStatus = "pending"
    currency: str = "CNY"
    lines: list[OrderLine] = Field(min_length=1)
    created_at: float | None = None
    shipped_at: float | None = None
    delivered_at: float | None = None
    eta: float | None = Field(default=None, description="Expected delivery time (unix seconds).")
    address: str | None = None
    carrier: str | None = None
    tracking: str | None = None


class Order(OrderIn):
    total: float = 0.0
    created_at: float = 0.0  # type: ignore[assignment]


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: EventType
    user_id: str | None = None
    session_id: str | None = None
    product_id: str | None = None
    query: str | None = None
    position: int | None = Field(default=None, ge=0, le=1_000_000, description="0-based rank in the list shown")
    value: float | None = Field(default=None, ge=-1e9, le=1e9, allow_inf_nan=False,
                                description="rating for 'rate', quantity for purchases")
    ts: float | None = Field(default=None, description="unix seconds; now when missing")


class Event(EventIn):
    id: int
    ts: float  # type: ignore[assignment]


class Job(BaseModel):
    id: int
    kind: str
    status: Literal["running", "succeeded", "failed"]
    started_at: float
    ended_at: float | None = None
    progress: float = 0.0
    counts: dict[str, Any] = Field(default_factory=dict)
    errors: list[dict[str, Any]] = Field(default_factory=list)
    message: str | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.ended_at is None else self.ended_at - self.started_at


TicketStatus = Literal["open", "pending", "closed"]


class TicketIn(BaseModel):
    """A human-handoff ticket as the assistant opens it (transcript already PII-masked)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    conversation_id: str = Field(min_length=1)
    user_id: str | None = None
    reason: str
    transcript: list[dict[str, Any]] = Field(default_factory=list)


class Ticket(TicketIn):
    status: TicketStatus
    created_at: float
    updated_at: float
    notes: list[dict[str, Any]] = Field(default_factory=list, description="Staff notes: {at, status, text}.")
