"""SQLite knowledge base: WAL mode, one writer connection under a lock, one reader per thread.

Every write method is one ``BEGIN IMMEDIATE`` transaction, so a crash leaves the store as it was
before the call or after it, never in between.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

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
from shopmind.kb.sqlite_privacy import PrivacyMixin
from shopmind.kb.store import DeletedProductsError, RevisionConflict
from shopmind.procutil import nice_current_thread, pid_alive

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
  id TEXT PRIMARY KEY, sku TEXT, ean TEXT, title TEXT NOT NULL, brand TEXT, category TEXT,
  price REAL, currency TEXT, stock INTEGER, status TEXT NOT NULL, language TEXT, description TEXT,
  attributes TEXT NOT NULL, images TEXT NOT NULL, content_hash TEXT NOT NULL, version INTEGER NOT NULL,
  source TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL, seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS products_seq ON products(seq);
CREATE INDEX IF NOT EXISTS products_brand ON products(brand);
CREATE INDEX IF NOT EXISTS products_category ON products(category);
CREATE INDEX IF NOT EXISTS products_sku ON products(sku);
CREATE INDEX IF NOT EXISTS products_ean ON products(ean);
CREATE TABLE IF NOT EXISTS revisions (
  rev INTEGER PRIMARY KEY AUTOINCREMENT, product_id TEXT NOT NULL, version INTEGER NOT NULL,
  op TEXT NOT NULL, before TEXT, after TEXT, source TEXT, at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS revisions_product ON revisions(product_id, rev);
CREATE TABLE IF NOT EXISTS reviews (
  id TEXT PRIMARY KEY, product_id TEXT NOT NULL, rating REAL, title TEXT, text TEXT NOT NULL,
  author TEXT, language TEXT, created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS reviews_product ON reviews(product_id);
CREATE TABLE IF NOT EXISTS documents (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, topic TEXT, title TEXT NOT NULL, body TEXT NOT NULL,
  language TEXT, updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY, name TEXT, email TEXT, language TEXT, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  id TEXT PRIMARY KEY, user_id TEXT NOT NULL, status TEXT NOT NULL, currency TEXT NOT NULL,
  total REAL NOT NULL, created_at REAL NOT NULL, shipped_at REAL, delivered_at REAL, eta REAL,
  address TEXT, carrier TEXT, tracking TEXT
);
CREATE INDEX IF NOT EXISTS orders_user ON orders(user_id);
CREATE TABLE IF NOT EXISTS order_lines (
  order_id TEXT NOT NULL, line_no INTEGER NOT NULL, product_id TEXT NOT NULL, qty INTEGER NOT NULL,
  price REAL NOT NULL, PRIMARY KEY (order_id, line_no)
);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, user_id TEXT, session_id TEXT,
  product_id TEXT, query TEXT, position INTEGER, value REAL, ts REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS events_user ON events(user_id);
CREATE INDEX IF NOT EXISTS events_session ON events(session_id);
CREATE INDEX IF NOT EXISTS events_product ON events(product_id);
CREATE TABLE IF NOT EXISTS enrichment (
  product_id TEXT NOT NULL, step TEXT NOT NULL, content_hash TEXT NOT NULL, data TEXT,
  updated_at REAL NOT NULL, PRIMARY KEY (product_id, step)
);
CREATE INDEX IF NOT EXISTS enrichment_step ON enrichment(step);
CREATE TABLE IF NOT EXISTS vectors (
  model TEXT NOT NULL, key TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL,
  PRIMARY KEY (model, key)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, status TEXT NOT NULL,
  started_at REAL NOT NULL, ended_at REAL, progress REAL NOT NULL DEFAULT 0,
  counts TEXT NOT NULL DEFAULT '{}', errors TEXT NOT NULL DEFAULT '[]', message TEXT, pid INTEGER
);
CREATE TABLE IF NOT EXISTS tickets (
  id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL, user_id TEXT, reason TEXT NOT NULL,
  status TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL,
  transcript TEXT NOT NULL DEFAULT '[]', notes TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS tickets_status ON tickets(status, created_at);
"""

_PRODUCT_COLS = (
    "id sku ean title brand category price currency stock status language description attributes "
    "images content_hash version source created_at updated_at seq"
).split()
_CHUNK = 500


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _chunks(items: list, n: int = _CHUNK) -> Iterator[list]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _product(row: sqlite3.Row) -> Product:
    d = dict(row)
    d["attributes"] = json.loads(d["attributes"])
    d["images"] = json.loads(d["images"])
    for k in ("content_hash", "seq"):
        d.pop(k, None)
    return Product.model_validate(d)


def _ticket(row: sqlite3.Row) -> Ticket:
    d = dict(row)
    d["transcript"], d["notes"] = json.loads(d["transcript"]), json.loads(d["notes"])
    return Ticket.model_validate(d)


def _snapshot(p: ProductIn | Product, status: str) -> dict[str, Any]:
    snap = p.model_dump(include=set(ProductIn.model_fields))
    snap["status"] = status
    return snap


class _Job:
    """Handle of a running job; ``progress`` writes at most twice a second."""

    def __init__(self, store: "SQLiteStore", job_id: int) -> None:
        self.store, self.id = store, job_id
        self.counts: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = []
        self._last = 0.0

    def progress(self, fraction: float, **counts: Any) -> None:
        self.counts.update(counts)
        now = time.monotonic()
        if now - self._last >= 0.5 or fraction >= 1.0:
            self._last = now
            with self.store._tx() as c:
                c.execute(
                    "UPDATE jobs SET progress=?, counts=? WHERE id=?",
                    (min(max(fraction, 0.0), 1.0), _dumps(self.counts), self.id),
                )


class SQLiteStore(PrivacyMixin):
    """The embedded default knowledge base (``sqlite:///path``)."""

    def __init__(self, path: str | Path, url: str | None = None) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self.url = url or f"sqlite:///{self.path}"
        self._lock = threading.RLock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._checkpointer: tuple[threading.Event, threading.Thread] | None = None
        self.checkpoints = 0  # WAL checkpoints run by the background checkpointer (start_checkpointer)
        self._writer = self._connect()
        self._writer.executescript(SCHEMA)
        cols = {r[1] for r in self._writer.execute("PRAGMA table_info(jobs)")}
        if "pid" not in cols:  # stores made before jobs recorded their process
            self._writer.execute("ALTER TABLE jobs ADD COLUMN pid INTEGER")
        self._fail_orphan_jobs()

    def _fail_orphan_jobs(self) -> None:
        """Jobs left 'running' by a process that no longer exists (killed) are marked failed."""
        rows = self._writer.execute("SELECT id, pid FROM jobs WHERE status='running'").fetchall()
        dead = [r["id"] for r in rows if r["pid"] is None or not pid_alive(r["pid"])]
        if dead:
            with self._tx() as c:
                c.executemany(
                    "UPDATE jobs SET status='failed', message='interrupted: its process ended' WHERE id=?",
                    [(i,) for i in dead],
                )

    # -- connections ----------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _r(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._readers.append(conn)
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            c = self._writer
            c.execute("BEGIN IMMEDIATE")
            try:
                yield c
                c.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (e.g. "database or disk is full"): a second
                # ROLLBACK would fail with "no transaction is active" and hide the real error
                if c.in_transaction:
                    try:
                        c.execute("ROLLBACK")
                    except sqlite3.Error as e:
                        log.warning("rollback failed after an error: %s", e)
                raise

    def start_checkpointer(self, interval: float = 1.0, nice: int = 0) -> None:
        """Move WAL checkpoints off the committing connection, to a thread of their own.

        By default the connection whose commit fills the WAL past 1,000 pages copies them into the
        database file and syncs it, inside that commit: one commit in a few hundred takes 0.1-0.9 s
        under a steady event stream. For a store written continuously (the real-time event writer)
        this thread checkpoints every ``interval`` seconds instead (PASSIVE: writers and readers never
        wait for it); commits only append to the WAL. ``nice``: niceness added to the thread (Linux),
        like the event writer's. Idempotent; stopped by ``close``."""
        if str(self.path) == ":memory:" or self._checkpointer is not None:
            return
        try:
            with self._lock:
                self._writer.execute("PRAGMA wal_autocheckpoint=0")
        except sqlite3.ProgrammingError:  # a closed store: nothing will be written through it
            return
        stop = threading.Event()
        conn = self._connect()

        def run() -> None:
            nice_current_thread(nice, "WAL checkpointer")
            try:
                while not stop.wait(interval):
                    try:
                        _, wal_pages, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                        if wal_pages > 0:
                            self.checkpoints += 1
                    except sqlite3.Error as ex:  # retried next interval; the WAL only grows meanwhile
                        log.warning("WAL checkpoint failed: %s", ex)
            finally:
                conn.close()

        t = threading.Thread(target=run, name="shopmind-sqlite-checkpointer", daemon=True)
        self._checkpointer = (stop, t)
        t.start()

    def close(self) -> None:
        if self._checkpointer is not None:
            stop, t = self._checkpointer
            stop.set()
            t.join(10)
            self._checkpointer = None
        with self._lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
            self._writer.close()
        self._local = threading.local()

    # -- products -------------------------------------------------------------------------
    def upsert_products(self, items: Iterable[ProductIn], source: str = "api", restore: bool = True) -> UpsertResult:
        batch: dict[str, ProductIn] = {}
        for p in items:
            if p.id in batch:
                raise ValueError(f"duplicate product id in batch: {p.id!r}")
            batch[p.id] = p
        res = UpsertResult()
        now = time.time()
        with self._tx() as c:
            seq = c.execute("SELECT COALESCE(MAX(seq), 0) FROM products").fetchone()[0]
            ids = list(batch)
            existing: dict[str, sqlite3.Row] = {}
            for part in _chunks(ids):
                q = f"SELECT * FROM products WHERE id IN ({','.join('?' * len(part))})"
                existing.update({r["id"]: r for r in c.execute(q, part)})
            if not restore:
                deleted = [pid for pid in ids if pid in existing and existing[pid]["status"] == "deleted"]
                if deleted:
                    raise DeletedProductsError(deleted)
            rows, revs = [], []
            for pid in ids:
                p = batch[pid]
                content = p.model_dump(exclude={"id"})
                h = hashlib.sha1(_dumps(content).encode("utf-8")).hexdigest()
                old = existing.get(pid)
                if old is not None and old["content_hash"] == h:
                    res.unchanged += 1
                    continue
                seq += 1
                after = {**content, "id": pid}
                if old is None:
                    version, created, before, op = 1, now, None, "create"
                    res.inserted += 1
                    res.inserted_ids.append(pid)
                else:
                    prev = _product(old)
                    version, created = prev.version + 1, prev.created_at
                    before = _snapshot(prev, prev.status)
                    if prev.status == "deleted":  # a feed re-sent a deleted product: it comes back
                        op = "restore"
                        res.restored += 1
                        res.restored_ids.append(pid)
                    else:
                        op = "update"
                        res.updated += 1
                        res.updated_ids.append(pid)
                rows.append(self._row(p, p.status, h, version, source, created, now, seq))
                revs.append((pid, version, op, _dumps(before) if before else None, _dumps(after), source, now))
            self._write_rows(c, rows, revs)
        return res

    def patch_product(self, product_id: str, changes: dict[str, Any], expected_rev: int | None = None,
                      source: str = "api") -> Product:
        if "id" in changes and changes["id"] != product_id:
            raise ValueError("id: cannot change a product's id")

        def patched(prev: Product) -> dict[str, Any] | None:
            if prev.status == "deleted":
                raise KeyError(f"product {product_id!r} is deleted; restore it first")
            if expected_rev is not None and prev.version != expected_rev:
                raise RevisionConflict(product_id, expected_rev, prev.version)
            current = prev.model_dump(include=set(ProductIn.model_fields))
            new = ProductIn.model_validate({**current, **changes})  # ValidationError: nothing written
            return None if new.model_dump() == current else _snapshot(new, new.status)

        return self._set_state(product_id, patched, "update", source)

    @staticmethod
    def _row(p: ProductIn, status: str, h: str, version: int, source: str, created: float,
             now: float, seq: int) -> tuple:
        return (
            p.id, p.sku, p.ean, p.title, p.brand, p.category, p.price, p.currency, p.stock, status,
            p.language, p.description, _dumps(p.attributes), _dumps(p.images), h, version, source,
            created, now, seq,
        )

    @staticmethod
    def _write_rows(c: sqlite3.Connection, rows: list[tuple], revs: list[tuple]) -> None:
        cols = ",".join(_PRODUCT_COLS)
        c.executemany(
            f"INSERT OR REPLACE INTO products ({cols}) VALUES ({','.join('?' * len(_PRODUCT_COLS))})", rows
        )
        c.executemany(
            "INSERT INTO revisions (product_id, version, op, before, after, source, at) VALUES (?,?,?,?,?,?,?)",
            revs,
        )

    def _set_state(self, product_id: str, change: Callable[[Product], dict[str, Any] | None], op: str,
                   source: str) -> Product:
        """Read the product, ``change(current)`` -> snapshot (content + status) or None (no change),
        and write the snapshot as the new version with one revision: all in one transaction, so a
        concurrent edit is never based on a stale read."""
        now = time.time()
        with self._tx() as c:
            old = c.execute("SELECT * FROM products WHERE id=?", (product_id,)).fetchone()
            if old is None:
                raise KeyError(f"unknown product id {product_id!r}")
            prev = _product(old)
            snapshot = change(prev)
            if snapshot is None:
                return prev
            status = snapshot.get("status", "active")
            content = {k: v for k, v in snapshot.items() if k in ProductIn.model_fields}
            content["status"] = "draft" if status == "draft" else "active"
            p = ProductIn.model_validate({**content, "id": product_id})
            seq = c.execute("SELECT COALESCE(MAX(seq), 0) FROM products").fetchone()[0] + 1
            h = p.content_hash() if status != "deleted" else "deleted:" + p.content_hash()
            row = self._row(p, status, h, prev.version + 1, source, prev.created_at, now, seq)
            rev = (product_id, prev.version + 1, op, _dumps(_snapshot(prev, prev.status)),
                   _dumps(_snapshot(p, status)), source, now)
            self._write_rows(c, [row], [rev])
            return _product(c.execute("SELECT * FROM products WHERE id=?", (product_id,)).fetchone())

    def get_product(self, product_id: str, include_deleted: bool = False) -> Product | None:
        row = self._r().execute("SELECT * FROM products WHERE id=?", (product_id,)).fetchone()
        if row is None or (row["status"] == "deleted" and not include_deleted):
            return None
        return _product(row)

    def get_products(self, ids: Iterable[str]) -> dict[str, Product]:
        out: dict[str, Product] = {}
        for part in _chunks(list(dict.fromkeys(ids))):
            q = f"SELECT * FROM products WHERE status!='deleted' AND id IN ({','.join('?' * len(part))})"
            out.update({r["id"]: _product(r) for r in self._r().execute(q, part)})
        return out

    def iter_products(self, include_deleted: bool = False) -> Iterator[Product]:
        last = -1
        where = "" if include_deleted else "AND status!='deleted'"
        while True:
            rows = self._r().execute(
                f"SELECT rowid AS _rid, * FROM products WHERE rowid>? {where} ORDER BY rowid LIMIT 1000", (last,)
            ).fetchall()
            if not rows:
                return
            for r in rows:
                d = dict(r)
                last = d.pop("_rid")
                yield _product(d)  # type: ignore[arg-type]

    def list_products(self, limit: int = 50, offset: int = 0, brand: str | None = None,
                      category: str | None = None, q: str | None = None,
                      include_deleted: bool = False, status: str | None = None) -> list[Product]:
        sql, args = self._filters(brand, category, q, include_deleted, status)
        rows = self._r().execute(
            f"SELECT * FROM products {sql} ORDER BY id LIMIT ? OFFSET ?", (*args, limit, offset)
        )
        return [_product(r) for r in rows]

    @staticmethod
    def _filters(brand: str | None, category: str | None, q: str | None,
                 include_deleted: bool, status: str | None = None) -> tuple[str, list[Any]]:
        where, args = [], []
        if status:
            where.append("status=?")
            args.append(status)
        elif not include_deleted:
            where.append("status!='deleted'")
        if brand:
            where.append("brand=? COLLATE NOCASE")
            args.append(brand)
        if category:
            where.append("(category=? OR category LIKE ?)")
            args += [category, category + " > %"]
        if q:
            where.append("(title LIKE ? OR brand LIKE ? OR category LIKE ?)")
            args += [f"%{q}%"] * 3
        return ("WHERE " + " AND ".join(where)) if where else "", args

    def count_products(self, include_deleted: bool = False, status: str | None = None) -> int:
        if status:
            return self._r().execute("SELECT COUNT(*) FROM products WHERE status=?", (status,)).fetchone()[0]
        where = "" if include_deleted else "WHERE status!='deleted'"
        return self._r().execute(f"SELECT COUNT(*) FROM products {where}").fetchone()[0]

    def product_changes(self, after_seq: int = 0) -> tuple[list[Product], int]:
        rows = self._r().execute("SELECT * FROM products WHERE seq>? ORDER BY seq", (after_seq,)).fetchall()
        newest = rows[-1]["seq"] if rows else max(after_seq, self.change_seq())
        return [_product(r) for r in rows], newest

    def change_seq(self) -> int:
        return self._r().execute("SELECT COALESCE(MAX(seq), 0) FROM products").fetchone()[0]

    def delete_product(self, product_id: str, source: str = "api") -> Product:
        return self._set_state(product_id, lambda p: None if p.status == "deleted" else _snapshot(p, "deleted"),
                               "delete", source)

    def restore_product(self, product_id: str, source: str = "api") -> Product:
        return self._set_state(product_id, lambda p: None if p.status != "deleted" else _snapshot(p, "active"),
                               "restore", source)

    def history(self, product_id: str) -> list[Revision]:
        rows = self._r().execute("SELECT * FROM revisions WHERE product_id=? ORDER BY rev", (product_id,))
        out = []
        for r in rows:
            d = dict(r)
            d["before"] = json.loads(d["before"]) if d["before"] else None
            d["after"] = json.loads(d["after"]) if d["after"] else None
            out.append(Revision.model_validate(d))
        return out

    def rollback(self, product_id: str, rev: int, source: str = "api") -> Product:
        def target(_: Product) -> dict[str, Any]:
            row = self._writer.execute(  # inside the transaction: the writer connection
                "SELECT after FROM revisions WHERE product_id=? AND rev=?", (product_id, rev)).fetchone()
            if row is None:
                raise KeyError(f"product {product_id!r} has no revision {rev}")
            return json.loads(row["after"])

        return self._set_state(product_id, target, "rollback", source)

    # -- reviews, documents, users, orders ------------------------------------------------
    def _known_products(self, c: sqlite3.Connection, ids: set[str]) -> set[str]:
        found: set[str] = set()
        for part in _chunks(sorted(ids)):
            q = f"SELECT id FROM products WHERE id IN ({','.join('?' * len(part))})"
            found.update(r[0] for r in c.execute(q, part))
        return found

    def add_reviews(self, items: Iterable[ReviewIn]) -> list[str]:
        items = list(items)
        now = time.time()
        with self._tx() as c:
            missing = {r.product_id for r in items} - self._known_products(c, {r.product_id for r in items})
            if missing:
                raise ValueError(f"product_id: unknown product(s) {sorted(missing)[:5]}")
            ids = [r.id or uuid.uuid4().hex for r in items]
            c.executemany(
                "INSERT OR REPLACE INTO reviews VALUES (?,?,?,?,?,?,?,?)",
                [(i, r.product_id, r.rating, r.title, r.text, r.author, r.language, r.created_at or now)
                 for i, r in zip(ids, items)],
            )
        return ids

    def reviews(self, product_id: str | None = None, limit: int | None = None) -> list[Review]:
        sql, args = "SELECT * FROM reviews", []
        if product_id is not None:
            sql += " WHERE product_id=?"
            args.append(product_id)
        sql += " ORDER BY created_at DESC, id"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [Review.model_validate(dict(r)) for r in self._r().execute(sql, args)]

    def upsert_documents(self, items: Iterable[DocumentIn]) -> int:
        now = time.time()
        rows = [(d.id, d.kind, d.topic, d.title, d.body, d.language, now) for d in items]
        with self._tx() as c:
            c.executemany("INSERT OR REPLACE INTO documents VALUES (?,?,?,?,?,?,?)", rows)
        return len(rows)

    def get_document(self, doc_id: str) -> Document | None:
        r = self._r().execute("SELECT * FROM documents WHERE id=?", (doc_id,)).fetchone()
        return Document.model_validate(dict(r)) if r else None

    def documents(self, kind: str | None = None) -> list[Document]:
        sql, args = "SELECT * FROM documents", []
        if kind:
            sql, args = sql + " WHERE kind=?", [kind]
        return [Document.model_validate(dict(r)) for r in self._r().execute(sql + " ORDER BY id", args)]

    def upsert_users(self, items: Iterable[UserIn]) -> int:
        now = time.time()
        rows = [(u.id, u.name, u.email, u.language, now) for u in items]
        with self._tx() as c:
            c.executemany(
                "INSERT INTO users VALUES (?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET "
                "name=excluded.name, email=excluded.email, language=excluded.language",
                rows,
            )
        return len(rows)

    def get_user(self, user_id: str) -> User | None:
        r = self._r().execute("SELECT * FROM users WHERE id=?", (user_id,)).fetchone()
        return User.model_validate(dict(r)) if r else None

    def users(self) -> list[User]:
        return [User.model_validate(dict(r)) for r in self._r().execute("SELECT * FROM users ORDER BY id")]

    def upsert_orders(self, items: Iterable[OrderIn]) -> int:
        items = list(items)
        now = time.time()
        with self._tx() as c:
            pids = {line.product_id for o in items for line in o.lines}
            missing = pids - self._known_products(c, pids)
            if missing:
                raise ValueError(f"lines.product_id: unknown product(s) {sorted(missing)[:5]}")
            for o in items:
                total = round(sum(line.qty * line.price for line in o.lines), 2)
                c.execute(
                    "INSERT OR REPLACE INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (o.id, o.user_id, o.status, o.currency, total, o.created_at or now, o.shipped_at,
                     o.delivered_at, o.eta, o.address, o.carrier, o.tracking),
                )
                c.execute("DELETE FROM order_lines WHERE order_id=?", (o.id,))
                c.executemany(
                    "INSERT INTO order_lines VALUES (?,?,?,?,?)",
                    [(o.id, i, line.product_id, line.qty, line.price) for i, line in enumerate(o.lines)],
                )
        return len(items)

    def _order(self, r: sqlite3.Row) -> Order:
        lines = self._r().execute(
            "SELECT product_id, qty, price FROM order_lines WHERE order_id=? ORDER BY line_no", (r["id"],)
        )
        return Order.model_validate({**dict(r), "lines": [dict(x) for x in lines]})

    def get_order(self, order_id: str) -> Order | None:
        r = self._r().execute("SELECT * FROM orders WHERE id=?", (order_id,)).fetchone()
        return self._order(r) if r else None

    def orders(self, user_id: str | None = None) -> list[Order]:
        sql, args = "SELECT * FROM orders", []
        if user_id is not None:
            sql, args = sql + " WHERE user_id=?", [user_id]
        return [self._order(r) for r in self._r().execute(sql + " ORDER BY created_at DESC, id", args).fetchall()]

    # -- events ---------------------------------------------------------------------------
    def add_events(self, items: Iterable[EventIn]) -> list[int]:
        now = time.time()
        rows = [(e.type, e.user_id, e.session_id, e.product_id, e.query, e.position, e.value,
                 e.ts if e.ts is not None else now) for e in items]
        if not rows:
            return []
        with self._tx() as c:
            c.executemany(
                "INSERT INTO events (type, user_id, session_id, product_id, query, position, value, ts) "
                "VALUES (?,?,?,?,?,?,?,?)",
                rows,
            )
            last = c.execute("SELECT last_insert_rowid()").fetchone()[0]
        return list(range(last - len(rows) + 1, last + 1))

    def iter_events(self, after_id: int = 0, types: Iterable[str] | None = None) -> Iterator[Event]:
        types = list(types) if types else None
        filt = f"AND type IN ({','.join('?' * len(types))})" if types else ""
        last = after_id
        while True:
            rows = self._r().execute(
                f"SELECT * FROM events WHERE id>? {filt} ORDER BY id LIMIT 5000", (last, *(types or []))
            ).fetchall()
            if not rows:
                return
            for r in rows:
                last = r["id"]
                yield Event.model_validate(dict(r))

    def product_event_rows(self, after_id: int = 0, types: Iterable[str] | None = None,
                           limit: int = 5000) -> list[tuple[int, str, str, float]]:
        types = list(types) if types else None
        filt = f"AND type IN ({','.join('?' * len(types))})" if types else ""
        rows = self._r().execute(
            f"SELECT id, type, product_id, ts FROM events WHERE id>? AND product_id IS NOT NULL {filt} "
            "ORDER BY id LIMIT ?", (after_id, *(types or []), int(limit))).fetchall()
        return [tuple(r) for r in rows]

    def counts(self) -> dict[str, int]:
        c = self._r()
        one = lambda sql: c.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "products": one("SELECT COUNT(*) FROM products WHERE status!='deleted'"),
            "deleted_products": one("SELECT COUNT(*) FROM products WHERE status='deleted'"),
            "revisions": one("SELECT COUNT(*) FROM revisions"),
            "reviews": one("SELECT COUNT(*) FROM reviews"),
            "documents": one("SELECT COUNT(*) FROM documents"),
            "users": one("SELECT COUNT(*) FROM users"),
            "orders": one("SELECT COUNT(*) FROM orders"),
            "events": one("SELECT COUNT(*) FROM events"),
            "jobs": one("SELECT COUNT(*) FROM jobs"),
        }

    def count_events(self) -> int:
        return self._r().execute("SELECT COUNT(*) FROM events").fetchone()[0]

    # -- derived data ---------------------------------------------------------------------
    def put_enrichment(self, rows: Iterable[tuple[str, str, str, Any]]) -> None:
        now = time.time()
        data = [(pid, step, h, _dumps(d), now) for pid, step, h, d in rows]
        with self._tx() as c:
            c.executemany("INSERT OR REPLACE INTO enrichment VALUES (?,?,?,?,?)", data)

    def get_enrichment(self, product_id: str) -> dict[str, Any]:
        rows = self._r().execute("SELECT step, data FROM enrichment WHERE product_id=?", (product_id,))
        return {r["step"]: json.loads(r["data"]) for r in rows}

    def enrichment_hashes(self, step: str) -> dict[str, str]:
        rows = self._r().execute("SELECT product_id, content_hash FROM enrichment WHERE step=?", (step,))
        return {r[0]: r[1] for r in rows}

    def iter_enrichment(self, step: str) -> Iterator[tuple[str, Any]]:
        rows = self._r().execute("SELECT product_id, data FROM enrichment WHERE step=?", (step,)).fetchall()
        for r in rows:
            yield r[0], json.loads(r[1])

    def get_vectors(self, model: str, keys: Iterable[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for part in _chunks(list(dict.fromkeys(keys))):
            q = f"SELECT key, vec FROM vectors WHERE model=? AND key IN ({','.join('?' * len(part))})"
            for r in self._r().execute(q, (model, *part)):
                out[r[0]] = np.frombuffer(r[1], dtype=np.float32).copy()
        return out

    def put_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        rows = []
        for k, v in vectors.items():
            a = np.ascontiguousarray(v, dtype=np.float32)
            rows.append((model, k, a.shape[0], a.tobytes()))
        with self._tx() as c:
            c.executemany("INSERT OR REPLACE INTO vectors VALUES (?,?,?,?)", rows)

    def get_meta(self, key: str, default: Any = None) -> Any:
        r = self._r().execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(r[0]) if r else default

    def set_meta(self, key: str, value: Any) -> None:
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, _dumps(value)))

    def update_meta(self, key: str, fn: Callable[[Any], Any], default: Any = None) -> Any:
        with self._tx() as c:
            r = c.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
            value = fn(json.loads(r[0]) if r else default)
            c.execute("INSERT OR REPLACE INTO meta VALUES (?,?)", (key, _dumps(value)))
        return value

    # -- support tickets ------------------------------------------------------------------
    def add_ticket(self, ticket: TicketIn) -> Ticket:
        now = time.time()
        with self._tx() as c:
            c.execute(
                "INSERT INTO tickets VALUES (?,?,?,?,?,?,?,?,?)",
                (ticket.id, ticket.conversation_id, ticket.user_id, ticket.reason, "open", now, now,
                 _dumps(ticket.transcript), "[]"),
            )
        return self.get_ticket(ticket.id)  # type: ignore[return-value]

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        r = self._r().execute("SELECT * FROM tickets WHERE id=?", (ticket_id,)).fetchone()
        return _ticket(r) if r else None

    def tickets(self, status: str | None = None, user_id: str | None = None, limit: int = 100) -> list[Ticket]:
        sql, args = "SELECT * FROM tickets WHERE 1=1", []
        if status:
            sql, args = sql + " AND status=?", [*args, status]
        if user_id:
            sql, args = sql + " AND user_id=?", [*args, user_id]
        rows = self._r().execute(sql + " ORDER BY created_at DESC, id DESC LIMIT ?", (*args, limit))
        return [_ticket(r) for r in rows]

    def update_ticket(self, ticket_id: str, status: str, note: str | None = None) -> Ticket:
        with self._tx() as c:
            r = c.execute("SELECT notes FROM tickets WHERE id=?", (ticket_id,)).fetchone()
            if r is None:
                raise KeyError(ticket_id)
            notes = json.loads(r[0])
            if note:
                notes.append({"at": time.time(), "status": status, "text": note})
            c.execute("UPDATE tickets SET status=?, updated_at=?, notes=? WHERE id=?",
                      (status, time.time(), _dumps(notes), ticket_id))
        return self.get_ticket(ticket_id)  # type: ignore[return-value]

    # -- jobs -----------------------------------------------------------------------------
    @contextmanager
    def job(self, kind: str) -> Iterator[_Job]:
        with self._tx() as c:
            cur = c.execute(
                "INSERT INTO jobs (kind, status, started_at, pid) VALUES (?, 'running', ?, ?)",
                (kind, time.time(), os.getpid()),
            )
            job = _Job(self, int(cur.lastrowid))
        try:
            yield job
        except BaseException as exc:
            try:
                self._finish_job(job, "failed", f"{type(exc).__name__}: {exc}")
            except sqlite3.Error as e:  # e.g. the disk is still full: the job's own error is what matters
                log.warning("job %d (%s) failed with %s: %s; recording that failed too: %s",
                            job.id, kind, type(exc).__name__, exc, e)
            raise
        self._finish_job(job, "succeeded", None)

    def _finish_job(self, job: _Job, status: str, message: str | None) -> None:
        with self._tx() as c:
            c.execute(
                "UPDATE jobs SET status=?, ended_at=?, progress=CASE WHEN ?='succeeded' THEN 1 ELSE progress END,"
                " counts=?, errors=?, message=? WHERE id=?",
                (status, time.time(), status, _dumps(job.counts), _dumps(job.errors[:1000]), message, job.id),
            )

    def jobs(self, limit: int = 50, kind: str | None = None) -> list[Job]:
        sql, args = "SELECT * FROM jobs", []
        if kind:
            sql, args = sql + " WHERE kind=?", [kind]
        rows = self._r().execute(sql + " ORDER BY id DESC LIMIT ?", (*args, limit))
        out = []
        for r in rows:
            d = dict(r)
            d["counts"], d["errors"] = json.loads(d["counts"]), json.loads(d["errors"])
            d.pop("pid", None)
            out.append(Job.model_validate(d))
        return out
