"""The SQLite knowledge base: versioned products, rollback, soft deletes, records, jobs."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from shopmind.kb.models import DocumentIn, EventIn, OrderIn, OrderLine, ProductIn, ReviewIn, UserIn


def _p(pid: str, **kw) -> ProductIn:
    base = dict(id=pid, title=f"Phone {pid}", brand="Acme", category="Electronics > Phones", price=99.0,
                currency="USD", stock=3, attributes={"color": "red", "storage_gb": 128})
    base.update(kw)
    return ProductIn(**base)


def test_upsert_is_idempotent_and_versions_changes(store):
    r = store.upsert_products([_p("a"), _p("b")], source="t")
    assert (r.inserted, r.updated, r.unchanged) == (2, 0, 0)
    r = store.upsert_products([_p("a"), _p("b")], source="t")
    assert (r.inserted, r.updated, r.unchanged) == (0, 0, 2)
    r = store.upsert_products([_p("a", price=89.0), _p("b")], source="t2")
    assert (r.inserted, r.updated, r.unchanged) == (0, 1, 1)
    hist = store.history("a")
    assert [h.op for h in hist] == ["create", "update"]
    assert hist[1].before["price"] == 99.0 and hist[1].after["price"] == 89.0
    assert hist[1].source == "t2"
    a = store.get_product("a")
    assert a.version == 2 and a.price == 89.0
    assert a.attributes == {"color": "red", "storage_gb": 128}


def test_rollback_restores_an_earlier_revision(store):
    store.upsert_products([_p("a")])
    store.upsert_products([_p("a", title="Renamed", price=10.0)])
    first = store.history("a")[0].rev
    p = store.rollback("a", first, source="admin")
    assert p.title == "Phone a" and p.price == 99.0 and p.version == 3
    assert store.history("a")[-1].op == "rollback"
    with pytest.raises(KeyError):
        store.rollback("a", 99999)


def test_soft_delete_and_restore(store):
    store.upsert_products([_p("a"), _p("b")])
    store.delete_product("a")
    assert store.get_product("a") is None
    assert store.get_product("a", include_deleted=True).status == "deleted"
    assert store.count_products() == 1 and store.count_products(include_deleted=True) == 2
    assert [p.id for p in store.iter_products()] == ["b"]
    store.restore_product("a")
    assert store.get_product("a").status == "active"
    assert [h.op for h in store.history("a")] == ["create", "delete", "restore"]
    with pytest.raises(KeyError):
        store.delete_product("nope")


def test_product_changes_follow_every_write(store):
    store.upsert_products([_p("a"), _p("b")])
    changed, seq = store.product_changes(0)
    assert {p.id for p in changed} == {"a", "b"}
    assert store.product_changes(seq) == ([], seq)
    store.delete_product("b")
    changed, seq2 = store.product_changes(seq)
    assert [(p.id, p.status) for p in changed] == [("b", "deleted")] and seq2 > seq


def test_duplicate_id_in_batch_writes_nothing(store):
    with pytest.raises(ValueError, match="duplicate product id"):
        store.upsert_products([_p("a"), _p("a")])
    assert store.count_products() == 0


def test_failed_batch_leaves_store_unchanged(store):
    store.upsert_products([_p("a")])

    def items():
        yield _p("b")
        raise RuntimeError("reader broke mid-batch")

    with pytest.raises(RuntimeError):
        store.upsert_products(items())
    assert [p.id for p in store.iter_products()] == ["a"]


def test_reviews_documents_users_orders(store):
    store.upsert_products([_p("a")])
    ids = store.add_reviews([ReviewIn(product_id="a", rating=5, text="电池很耐用", language="zh")])
    assert store.reviews("a")[0].id == ids[0]
    with pytest.raises(ValueError, match="product_id"):
        store.add_reviews([ReviewIn(product_id="zzz", text="x")])
    store.upsert_documents([DocumentIn(id="returns", kind="policy", topic="returns", title="Returns",
                                       body="7-day returns")])
    assert store.get_document("returns").body == "7-day returns"
    store.upsert_users([UserIn(id="u1", name="Li", email="li@example.com")])
    store.upsert_orders([OrderIn(id="o1", user_id="u1", lines=[OrderLine(product_id="a", qty=2, price=9.5)])])
    o = store.get_order("o1")
    assert o.total == 19.0 and o.lines[0].qty == 2
    assert [x.id for x in store.orders("u1")] == ["o1"] and store.orders("u2") == []


def test_events_vectors_meta_jobs(store):
    ids = store.add_events([EventIn(type="view", user_id="u", product_id="a", ts=1.0),
                            EventIn(type="search", session_id="s", query="phone", ts=2.0)])
    assert ids == [1, 2]
    assert [e.type for e in store.iter_events(types=["search"])] == ["search"]
    v = np.arange(4, dtype=np.float32)
    store.put_vectors("m", {"k": v})
    assert np.array_equal(store.get_vectors("m", ["k", "x"])["k"], v)
    store.set_meta("synonyms", [["手机", "phone"]])
    assert store.get_meta("synonyms") == [["手机", "phone"]]
    with store.job("ingest") as j:
        j.progress(0.5, rows=10)
    with pytest.raises(ZeroDivisionError):
        with store.job("train"):
            1 / 0
    jobs = store.jobs()
    assert [(x.kind, x.status) for x in jobs] == [("train", "failed"), ("ingest", "succeeded")]
    assert jobs[1].counts == {"rows": 10} and "ZeroDivisionError" in jobs[0].message


def test_concurrent_readers_and_writer(store):
    store.upsert_products([_p(str(i)) for i in range(50)])
    errors = []

    def read():
        try:
            for _ in range(50):
                assert store.count_products() >= 50
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(20):
        store.upsert_products([_p(str(i), price=float(i))])
    for t in threads:
        t.join()
    assert not errors
