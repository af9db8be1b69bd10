"""The knowledge-base interface every backend implements (chosen by URL in ``open_store``)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Callable, Iterable, Iterator, Protocol

import numpy as np

from shopmind.kb.models import (
    Document,
    DocumentIn,
    Event,
    EventIn,
    Job,
    Order,
    OrderIn,
    Product,
    ProductIn,
    Review,
    ReviewIn,
    Revision,
    Ticket,
    TicketIn,
    UpsertResult,
    User,
    UserIn,
)


class RevisionConflict(Exception):
    """An edit based on a revision of the product that is no longer the current one (HTTP 409)."""

    def __init__(self, product_id: str, expected: int, current: int) -> None:
        super().__init__(f"product {product_id!r} is at revision {current}, not {expected}: "
                         "reload it and apply the change again")
        self.product_id, self.expected, self.current = product_id, expected, current


class DeletedProductsError(ValueError):
    """A batch re-sends soft-deleted products while restoring was not allowed; nothing was written."""

    def __init__(self, ids: list[str]) -> None:
        super().__init__(f"id: {len(ids)} product(s) were deleted and re-sending them would restore them: "
                         f"{ids[:5]}; restore them explicitly or allow restore")
        self.ids = ids


class KnowledgeBase(Protocol):
    """Store of record of the shop. Every write is one transaction: all of it or none of it."""

    url: str

    # -- products (versioned) -------------------------------------------------------------
    def upsert_products(self, items: Iterable[ProductIn], source: str = "api", restore: bool = True) -> UpsertResult:
        """Insert new, update changed (one revision each), skip unchanged; one transaction. A re-sent
        soft-deleted product is counted as ``restored`` (op 'restore'); with ``restore=False`` the
        batch raises DeletedProductsError instead and writes nothing."""

    def patch_product(self, product_id: str, changes: dict[str, Any], expected_rev: int | None = None,
                      source: str = "api") -> Product:
        """Change some fields of an active or draft product, read and written in one transaction.
        ``expected_rev``: the product's version the change was based on (RevisionConflict when it
        moved on); KeyError when unknown or deleted; pydantic ValidationError for bad values."""

    def get_product(self, product_id: str, include_deleted: bool = False) -> Product | None: ...

    def get_products(self, ids: Iterable[str]) -> dict[str, Product]:
        """Active products by id (missing and deleted ones are left out)."""

    def iter_products(self, include_deleted: bool = False) -> Iterator[Product]: ...

    def list_products(
        self,
        limit: int = 50,
        offset: int = 0,
        brand: str | None = None,
        category: str | None = None,
        q: str | None = None,
        include_deleted: bool = False,
        status: str | None = None,
    ) -> list[Product]:
        """A page of products by id; ``status`` picks one status (active, draft, deleted)."""

    def count_products(self, include_deleted: bool = False, status: str | None = None) -> int: ...

    def product_changes(self, after_seq: int = 0) -> tuple[list[Product], int]:
        """Products (deleted ones included) changed after change-sequence ``after_seq``, and the
        newest sequence number: what incremental indexes and caches follow."""

    def change_seq(self) -> int:
        """The newest product change-sequence number."""

    def delete_product(self, product_id: str, source: str = "api") -> Product:
        """Soft delete (status 'deleted'), recorded as a revision; KeyError when unknown."""

    def restore_product(self, product_id: str, source: str = "api") -> Product: ...

    def history(self, product_id: str) -> list[Revision]: ...

    def rollback(self, product_id: str, rev: int, source: str = "api") -> Product:
        """Make the product what it was right after revision ``rev`` (a new revision records it)."""

    # -- reviews, documents, users, orders ------------------------------------------------
    def add_reviews(self, items: Iterable[ReviewIn]) -> list[str]: ...
    def reviews(self, product_id: str | None = None, limit: int | None = None) -> list[Review]: ...
    def upsert_documents(self, items: Iterable[DocumentIn]) -> int: ...
    def get_document(self, doc_id: str) -> Document | None: ...
    def documents(self, kind: str | None = None) -> list[Document]: ...
    def upsert_users(self, items: Iterable[UserIn]) -> int: ...
    def get_user(self, user_id: str) -> User | None: ...
    def users(self) -> list[User]: ...
    def upsert_orders(self, items: Iterable[OrderIn]) -> int: ...
    def get_order(self, order_id: str) -> Order | None: ...
    def orders(self, user_id: str | None = None) -> list[Order]: ...

    # -- events ---------------------------------------------------------------------------
    def add_events(self, items: Iterable[EventIn]) -> list[int]:
        """Store events durably (one transaction) and return their ids."""

    def iter_events(self, after_id: int = 0, types: Iterable[str] | None = None) -> Iterator[Event]: ...

    def product_event_rows(self, after_id: int = 0, types: Iterable[str] | None = None,
                           limit: int = 5000) -> list[tuple[int, str, str, float]]:
        """(id, type, product_id, ts) of the product events after ``after_id``, oldest first, at most
        ``limit``: the light read of a process that only counts events (no model objects)."""
        out: list[tuple[int, str, str, float]] = []
        for e in self.iter_events(after_id=after_id, types=types):
            if e.product_id:
                out.append((e.id, e.type, e.product_id, e.ts))
                if len(out) >= limit:
                    break
        return out
    def count_events(self) -> int: ...

    def counts(self) -> dict[str, int]:
        """Number of products, deleted products, revisions, reviews, documents, users, orders, events, jobs."""

    # -- derived data: enrichment results, vectors, settings --------------------------------
    def put_enrichment(self, rows: Iterable[tuple[str, str, str, Any]]) -> None:
        """Rows of (product_id, step, content_hash, data JSON-able)."""

    def get_enrichment(self, product_id: str) -> dict[str, Any]:
        """step -> data for one product."""

    def enrichment_hashes(self, step: str) -> dict[str, str]:
        """product_id -> content hash the step was last computed from."""

    def iter_enrichment(self, step: str) -> Iterator[tuple[str, Any]]: ...

    def get_vectors(self, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """Cached vectors by content key for one encoder model."""

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None: ...

    def get_meta(self, key: str, default: Any = None) -> Any:
        """Small JSON settings kept with the shop (synonyms, merchandising rules, ...)."""

    def set_meta(self, key: str, value: Any) -> None: ...

    def update_meta(self, key: str, fn: Callable[[Any], Any], default: Any = None) -> Any:
        """Read-modify-write of one setting in one transaction: stores and returns ``fn(current)``
        (concurrent updates never overwrite each other). ``fn`` may raise to change nothing."""

    def delete_meta(self, prefix: str, match: Callable[[Any], bool] | None = None) -> int:
        """Delete the settings whose key starts with ``prefix`` (and whose value ``match`` accepts)."""

    # -- personal data --------------------------------------------------------------------
    def forget_user(self, user_id: str) -> dict[str, int]:
        """Erase a user's events and tickets, anonymize their orders' personal fields and their user
        record, in one transaction: {"events", "tickets", "orders", "users", "sessions": [ids]}."""

    # -- support tickets ------------------------------------------------------------------
    def add_ticket(self, ticket: TicketIn) -> Ticket:
        """Open a support ticket (status "open") in one transaction."""

    def get_ticket(self, ticket_id: str) -> Ticket | None: ...
    def tickets(self, status: str | None = None, user_id: str | None = None, limit: int = 100) -> list[Ticket]: ...

    def update_ticket(self, ticket_id: str, status: str, note: str | None = None) -> Ticket:
        """Set the status (and append a staff note); KeyError for an unknown id."""

    # -- jobs -----------------------------------------------------------------------------
    def job(self, kind: str) -> AbstractContextManager["JobHandle"]:
        """Record a run (ingest/enrich/index/train) as a job: ``with store.job('ingest') as j:``."""

    def jobs(self, limit: int = 50, kind: str | None = None) -> list[Job]: ...

    def close(self) -> None: ...


class JobHandle(Protocol):
    id: int
    counts: dict[str, Any]
    errors: list[dict[str, Any]]

    def progress(self, fraction: float, **counts: Any) -> None: ...


class Stopped(Exception):
    """A job was asked to stop (the server is shutting down); raised between two batches of work."""
