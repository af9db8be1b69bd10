"""Store-level atomic edits: read-modify-write in one transaction (patch, delete/restore, update_meta),
and a re-sent deleted product reported as restored (or rejected) by upsert and ingest."""

from __future__ import annotations

import threading

import pytest
from pydantic import ValidationError

from shopmind.kb.ingest import ingest_file
from shopmind.kb.models import ProductIn
from shopmind.kb.sqlite import SQLiteStore
from shopmind.kb.store import DeletedProductsError, RevisionConflict


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "kb.sqlite3")
    s.upsert_products([ProductIn(id="p1", title="Phone", price=100.0, stock=5, brand="Acme")])
    yield s
    s.close()


def _run(n: int, fn) -> None:
    start = threading.Barrier(n)

    def go(i: int) -> None:
        start.wait()
        fn(i)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)


def test_patch_checks_the_revision_inside_the_transaction(store):
    p = store.patch_product("p1", {"price": 90.0}, expected_rev=1)
    assert (p.price, p.version, p.stock) == (90.0, 2, 5)
    with pytest.raises(RevisionConflict) as e:
        store.patch_product("p1", {"stock": 0}, expected_rev=1)
    assert e.value.current == 2 and "revision 2" in str(e.value)
    assert store.get_product("p1").stock == 5  # nothing written
    with pytest.raises(ValidationError):
        store.patch_product("p1", {"price": -1})
    with pytest.raises(KeyError):
        store.patch_product("nope", {"price": 1})
    assert store.patch_product("p1", {"price": 90.0}).version == 2  # no change, no revision
    assert [r.op for r in store.history("p1")] == ["create", "update"]


def test_concurrent_patches_of_different_fields_all_survive(store):
    fields = [("price", 1.0), ("stock", 1), ("title", "T"), ("brand", "B"), ("description", "D"), ("sku", "S")]

    def patch(i: int) -> None:
        for k in range(15):
            name, base = fields[i]
            store.patch_product("p1", {name: base * (k + 2) if not isinstance(base, str) else f"{base}{k}"})

    _run(len(fields), patch)
    p = store.get_product("p1")
    assert (p.price, p.stock, p.title, p.brand, p.description, p.sku) == (16.0, 16, "T14", "B14", "D14", "S14")
    assert p.version == 1 + 15 * len(fields)


def test_delete_and_restore_snapshot_inside_the_transaction(store):
    def edit(i: int) -> None:
        for _ in range(10):
            if i == 0:
                store.delete_product("p1")
                store.restore_product("p1")
            else:
                try:
                    store.patch_product("p1", {"stock": store.get_product("p1", include_deleted=True).stock + 1})
                except KeyError:  # deleted at that moment
                    pass

    _run(2, edit)
    revs = store.history("p1")
    assert [r.version for r in revs] == list(range(1, len(revs) + 1))
    for a, b in zip(revs, revs[1:]):  # each revision starts exactly where the one before ended
        assert b.before == a.after, (a.op, b.op)
        assert b.after["stock"] >= a.after["stock"], "a delete/restore wrote a stale snapshot back"
    assert store.get_product("p1").status == "active"


def test_update_meta_keeps_every_concurrent_change(store):
    def add(i: int) -> None:
        for k in range(20):
            store.update_meta("rules", lambda cur: [*cur, f"{i}-{k}"], [])

    _run(6, add)
    assert sorted(store.get_meta("rules")) == sorted(f"{i}-{k}" for i in range(6) for k in range(20))
    with pytest.raises(ZeroDivisionError):
        store.update_meta("rules", lambda cur: 1 / 0)
    assert len(store.get_meta("rules")) == 120


def test_resent_deleted_product_is_restored_or_rejected(store, tmp_path):
    store.delete_product("p1")
    again = ProductIn(id="p1", title="Phone", price=100.0, stock=5, brand="Acme")
    with pytest.raises(DeletedProductsError) as e:
        store.upsert_products([again, ProductIn(id="p2", title="New")], restore=False)
    assert e.value.ids == ["p1"] and store.get_product("p2") is None  # nothing written
    res = store.upsert_products([again])
    assert (res.restored, res.updated, res.restored_ids) == (1, 0, ["p1"])
    assert store.history("p1")[-1].op == "restore" and store.get_product("p1").status == "active"

    store.delete_product("p1")
    feed = tmp_path / "feed.csv"
    feed.write_text("id,title,price\np1,Phone,100\np3,Case,9.5\n", encoding="utf-8")
    r = ingest_file(store, feed, restore=False)
    assert (r.inserted, r.restored, r.rejected) == (1, 0, 1)
    assert r.errors[0]["field"] == "id" and r.errors[0]["row"] == 2 and "deleted" in r.errors[0]["reason"]
    assert store.get_product("p1") is None and store.get_product("p3") is not None
    r = ingest_file(store, feed, restore=False, strict=True)
    assert not r.stored and r.rejected == 1
    r = ingest_file(store, feed)
    assert (r.restored, r.unchanged, r.rejected) == (1, 1, 0) and "1 deleted products restored" in r.summary()
