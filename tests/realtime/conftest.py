"""Fixtures of the real-time tests: a shop holding a slice of Amazon Beauty as products and events."""

from __future__ import annotations

import time

import pytest

from shopmind.config import Settings
from shopmind.kb.models import EventIn, ProductIn

N_USERS = 1500


def wait_until(cond, timeout: float = 3.0) -> bool:
    """Poll ``cond`` until it is true or ``timeout`` seconds pass; its last value."""
    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def beauty_sequences(data_dir, n_users: int = N_USERS) -> list[tuple[str, list[str]]]:
    path = data_dir / "recs" / "amazon-beauty" / "Beauty.txt"
    if not path.exists():
        pytest.skip(f"Amazon Beauty not found at {path}")
    out = []
    with path.open() as fh:
        for line in fh:
            parts = line.split()
            out.append((parts[0], parts[1:]))
            if len(out) >= n_users:
                break
    return out


def beauty_products(items) -> list[ProductIn]:
    """Products for Beauty item ids: two category levels derived from the id, so trending has groups."""
    return [ProductIn(id=i, title=f"Beauty item {i}", category=f"Beauty > C{int(i) % 5}", stock=10)
            for i in sorted(set(items), key=int)]


def beauty_events(seqs, t_end: float | None = None) -> list[EventIn]:
    t_end = time.time() - 60 if t_end is None else t_end
    n = sum(len(s) for _, s in seqs)
    out, k = [], 0
    for user, items in seqs:
        for i in items:
            out.append(EventIn(type="view", user_id=f"b{user}", product_id=i, ts=t_end - (n - k) * 0.01))
            k += 1
    return out


@pytest.fixture(scope="session")
def beauty_shop(tmp_path_factory, data_dir):
    """A Shop with the first 1,500 Beauty users' views stored and a trained live model (itemknn)."""
    from shopmind.realtime import Realtime
    from shopmind.shop import Shop

    seqs = beauty_sequences(data_dir)
    shop = Shop(Settings(home=tmp_path_factory.mktemp("rt-beauty"), admin_key="test-key"))
    shop.store.upsert_products(beauty_products(i for _, s in seqs for i in s))
    shop.store.add_events(beauty_events(seqs))
    rt = Realtime(shop, start=True, train=False, catalog_poll_seconds=0.1, retrain_every_seconds=0.0,
                  retrain_every_events=0)
    assert rt.retrain(), rt.retrainer.last_error
    shop.__dict__["realtime"] = rt
    shop.beauty = seqs
    yield shop
    rt.close()
    shop.close()
