"""Typed records of the knowledge base: what goes in and what comes out of the store.

The input models (``ProductIn``, ``EventIn``, ...) carry the bounds every edge applies (CSV/JSON
ingest, the API, the CLI): text lengths, integers inside SQLite's int64 and sane domain ranges, ids
without control characters, ISO 4217 currencies, http(s) or site-relative URLs. Stored records
(``Product``) are read back as stored, so a rule added later never makes an old row unreadable.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

AttrValue = str | int | float | bool
ProductStatus = Literal["active", "draft", "deleted"]
DocumentKind = Literal["faq", "policy", "page"]
EventType = Literal["view", "click", "add_to_cart", "purchase", "search", "rate"]
OrderStatus = Literal["pending", "paid", "shipped", "delivered", "cancelled", "returned", "refunded"]

INT64_MAX = 2**63 - 1
MAX_PRICE = 1e9  # exclusive
MAX_STOCK = 10**9
MAX_POSITION = 10**6
MAX_ATTRIBUTES = 200
MAX_IMAGES = 50
MAX_ATTR_TEXT = 20_000  # real Icecat "compatible products" lists run to 5k+
# ISO 4217 codes of currencies in use (plus XAU/XAG-style units left out on purpose).
CURRENCIES = frozenset(
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD "
    "CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD "
    "GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT "
    "LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR "
    "NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP "
    "STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF "
    "XPF YER ZAR ZMW ZWL".split()
)
#: currency signs and common non-ISO names seen in shop files, mapped to their ISO code
CURRENCY_SIGNS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "￥": "CNY", "元": "CNY",
                  "RMB": "CNY", "CN¥": "CNY", "人民币": "CNY", "HK$": "HKD", "NT$": "TWD", "₩": "KRW"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_URL = re.compile(r"(https?:)?//[^\s/?#]+[^\s]*|/(?!/)[^\s]*", re.IGNORECASE)


def _no_control(v: str) -> str:
    if _CONTROL.search(v):
        raise ValueError("must not contain control characters")
    return v


def _clean_title(v: str) -> str:
    """Titles lose bidi overrides/isolates (they can make a title display as another) and control chars."""
    v = _CONTROL.sub(" ", _BIDI.sub("", v)).strip()
    if not v:
        raise ValueError("missing title")
    return v


def _currency(v: Any) -> Any:
    if not isinstance(v, str):
        return v
    s = v.strip()
    if not s:
        return None
    code = CURRENCY_SIGNS.get(s, CURRENCY_SIGNS.get(s.upper(), s.upper()))
    if code not in CURRENCIES:
        raise ValueError(f"currency must be an ISO 4217 code such as CNY, USD or EUR, got {v[:20]!r}")
    return code


def _url(v: str) -> str:
    if not _URL.fullmatch(v):
        raise ValueError(f"URL must be http(s):// or site-relative (/...), got {v[:80]!r}")
    return v


def _attributes(v: dict[str, Any]) -> dict[str, Any]:
    if len(v) > MAX_ATTRIBUTES:
        raise ValueError(f"too many attributes ({len(v)}, at most {MAX_ATTRIBUTES})")
    for k, x in v.items():
        if not k.strip() or len(k) > 200 or _CONTROL.search(k):
            raise ValueError(f"attribute name {k[:40]!r}: 1 to 200 characters, no control characters")
        if isinstance(x, str) and len(x) > MAX_ATTR_TEXT:
            raise ValueError(f"attribute {k[:40]!r} too long ({len(x)} characters, at most {MAX_ATTR_TEXT})")
        if isinstance(x, int) and not isinstance(x, bool) and abs(x) > INT64_MAX:
            raise ValueError(f"attribute {k[:40]!r}: integer out of range")
        if isinstance(x, float) and not math.isfinite(x):
            raise ValueError(f"attribute number must be finite, got {x!r}")
    return v


Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_control)]
Name = Annotated[str, Field(max_length=200), AfterValidator(_no_control)]
Url = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(_url)]
Currency = Annotated[str, BeforeValidator(_currency), Field(min_length=3, max_length=3)]
Count = Annotated[int, Field(ge=0, le=MAX_STOCK)]
Position = Annotated[int, Field(ge=0, le=MAX_POSITION)]
Money = Annotated[float, Field(ge=0, lt=MAX_PRICE, allow_inf_nan=False)]
Timestamp = Annotated[float, Field(ge=0, lt=1e11, allow_inf_nan=False, description="unix seconds")]


class ProductIn(BaseModel):
    """A product as written by ingest or the API; every field but id and title is optional."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Id
    title: Annotated[str, Field(min_length=1, max_length=500), AfterValidator(_clean_title)]
    sku: Name | None = None
    ean: Annotated[str, Field(max_length=10_000), AfterValidator(_no_control)] | None = Field(
        default=None, description="EAN/GTIN; several joined by ','.")
    brand: Name | None = None
    category: Annotated[str, Field(max_length=1000), AfterValidator(_no_control)] | None = Field(
        default=None, description="Category path, levels joined by ' > '.")
    price: Money | None = None
    currency: Currency | None = Field(default=None, description="ISO 4217 code: CNY, USD, EUR, ... (¥/元/$ accepted)")
    stock: Count | None = None
    status: Literal["active", "draft"] = "active"
    language: Annotated[str, Field(max_length=20)] | None = Field(
        default=None, description="zh, en, ... (detected when missing)")
    description: Annotated[str, Field(max_length=20_000)] | None = None
    attributes: Annotated[dict[str, AttrValue], AfterValidator(_attributes)] = Field(default_factory=dict)
    images: list[Url] = Field(default_factory=list, max_length=MAX_IMAGES)

    def content(self) -> dict[str, Any]:
        """The fields that define the product's content (what a revision compares)."""
        return self.model_dump(exclude={"id"})

    def content_hash(self) -> str:
        raw = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha1(raw.encode("utf-8")).hexdigest()


class Product(ProductIn):
    """A stored product: content plus bookkeeping."""

    model_config = ConfigDict(extra="ignore")

    # as stored: the input bounds are not re-applied on the way out
    id: str
    title: str
    sku: str | None = None
    ean: str | None = None
    brand: str | None = None
    category: str | None = None
    price: float | None = None
    currency: str | None = None
    stock: int | None = None
    language: str | None = None
    description: str | None = None
    attributes: dict[str, AttrValue] = Field(default_factory=dict)
    images: list[str] = Field(default_factory=list)
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

    id: Id | None = None
    product_id: Id
    rating: float | None = Field(default=None, ge=1, le=5)
    title: Annotated[str, Field(max_length=500)] | None = None
    text: str = Field(min_length=1, max_length=20_000)
    author: Name | None = None
    language: Annotated[str, Field(max_length=20)] | None = None
    created_at: Timestamp | None = None


class Review(ReviewIn):
    id: str  # type: ignore[assignment]
    created_at: float  # type: ignore[assignment]


class DocumentIn(BaseModel):
    """An FAQ entry or a policy (returns, shipping, payment, warranty, ...)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Id
    kind: DocumentKind = "faq"
    topic: Name | None = Field(default=None, description="returns, shipping, payment, warranty, ...")
    title: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, max_length=100_000)
    language: Annotated[str, Field(max_length=20)] | None = None


class Document(DocumentIn):
    updated_at: float = 0.0


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Id
    name: Name | None = None
    email: Annotated[str, Field(max_length=320)] | None = None
    language: Annotated[str, Field(max_length=20)] | None = None


class User(UserIn):
    created_at: float = 0.0


class OrderLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    product_id: Id
    qty: int = Field(default=1, ge=1, le=MAX_STOCK)
    price: Money


class OrderIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: Id
    user_id: Id
    status: OrderStatus = "pending"
    currency: Currency = "CNY"
    lines: list[OrderLine] = Field(min_length=1, max_length=1000)
    created_at: Timestamp | None = None
    shipped_at: Timestamp | None = None
    delivered_at: Timestamp | None = None
    eta: Timestamp | None = Field(default=None, description="Expected delivery time (unix seconds).")
    address: Annotated[str, Field(max_length=1000)] | None = None
    carrier: Name | None = None
    tracking: Name | None = None


class Order(OrderIn):
    total: float = 0.0
    created_at: float = 0.0  # type: ignore[assignment]


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: EventType
    user_id: str | None = None  # lengths, ts and value are checked by shopmind.realtime.validate
    session_id: str | None = None
    product_id: str | None = None
    query: str | None = None
    position: Position | None = Field(default=None, description="0-based rank in the list shown")
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

    id: Id
    conversation_id: Id
    user_id: Id | None = None
    reason: str = Field(max_length=2000)
    transcript: list[dict[str, Any]] = Field(default_factory=list, max_length=1000)


class Ticket(TicketIn):
    status: TicketStatus
    created_at: float
    updated_at: float
    notes: list[dict[str, Any]] = Field(default_factory=list, description="Staff notes: {at, status, text}.")
