"""Training memory follows the interactions, not the catalog squared (peak RSS of a fresh process)."""

from __future__ import annotations

import pytest

from shopmind.eval.recs_memory import empty_catalog, train_in_subprocess
from shopmind.recommend.base import ModelTooLarge
from shopmind.recommend.models import make

CHEAP = ["pop", "trending", "itemknn"]


@pytest.mark.slow
def test_half_a_million_items_train_within_4_gb():
    """500,000 items and 2.5 million events (416,666 users): a dense items x items array would be 1 TB."""
    rep = train_in_subprocess(500_000, 2_500_000, CHEAP, timeout=300)
    assert rep["events"] > 2_000_000
    for name in CHEAP:
        assert "skipped" not in rep["models"][name], rep
    peak = max(m["peak_mb"] for m in rep["models"].values())
    assert peak < 4096, rep
    knn = rep["models"]["itemknn"]
    assert knn["state_mb"] < 400  # top-100 neighbours per item, not items²


def test_54667_items_without_events_build_nothing_quadratic():
    """The Home Depot catalog size with no events (a first import): every cheap model trains in a tiny
    footprint (numpy allocations traced), and EASE refuses up front instead of allocating 12 GB."""
    import time
    import tracemalloc

    data = empty_catalog(54_667)
    tracemalloc.start()
    try:
        for name in CHEAP:
            t0 = time.perf_counter()
            m = make(name).fit(data)
            assert time.perf_counter() - t0 < 3, name
            assert sum(a.nbytes for a in m._state().values()) < 5 * 2**20, name
        with pytest.raises(ModelTooLarge, match="54667 items is over its limit"):
            make("ease").fit(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, peak  # an items x items float32 array would be 12 GB


def test_ease_refuses_over_its_item_limit():
    data = empty_catalog(50)
    with pytest.raises(ModelTooLarge, match="50 items is over its limit of 40"):
        make("ease", max_items=40).fit(data)
    assert make("ease", max_items=50).fit(data).B.shape == (50, 50)
