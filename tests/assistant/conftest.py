"""Fixtures of the assistant tests, built once per session: a real Shop (SQLite store, e5 encoder, the
real search engine and a recommender trained on browsing events) over the bilingual sample bundle, and
its assistant. Tests that change the shared shop undo what they change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# the e5 engine's OpenMP threads spin while waiting; on the shared 2-core machine that burned ~3x the CPU
# time of these tests (95 s vs 30 s). Passive waiting changes no result, only idle behaviour; it must be
# set before the engine loads (conftest import time). Asked the lead to set it suite-wide.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

DATA = Path(__file__).resolve().parents[1] / "data" / "assistant"


def browsing_events() -> list:
    """Shoppers who browse within one kind of product: audio, phones or laptops (plus the keyboard)."""
    from shopmind.kb.models import EventIn

    groups = [["P-XM5", "P-QC45", "P-BUDS"], ["P-MATE60", "P-MI14", "P-BUDS"], ["P-X1", "P-MBA", "P-KB"]]
    events, t = [], 1_700_000_000.0
    for u in range(24):
        g = groups[u % 3]
        for step in range(4):
            t += 1
            events.append(EventIn(type="view", user_id=f"shopper{u}", product_id=g[(u + step) % 3], ts=t))
    return events


@pytest.fixture(scope="session")
def asst_shop(tmp_path_factory):
    from shopmind.assistant.sample import load_bundle
    from shopmind.config import Settings
    from shopmind.shop import Shop

    shop = Shop(Settings(home=tmp_path_factory.mktemp("asst-shop"), admin_key="test-key"))
    load_bundle(shop.store, DATA / "kb.json")
    shop.store.add_events(browsing_events())
    shop.recommender.train(["itemknn"])
    shop.search  # the real search engine over the sample catalog
    shop.assistant  # builds and warms: encoder, document and name indexes
    yield shop
    shop.close()


@pytest.fixture(scope="session")
def kb_store(asst_shop):
    return asst_shop.store


@pytest.fixture(scope="session")
def assistant(asst_shop):
    return asst_shop.assistant


@pytest.fixture(scope="session")
def demo_docs_assistant(tmp_path_factory, assistant):
    """An assistant over the demo shop's 42 bilingual policy/FAQ documents."""
    from shopmind.assistant import Assistant
    from shopmind.demo import read_demo
    from shopmind.kb import open_store

    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('demo-docs') / 'kb.sqlite3'}")
    store.upsert_documents(read_demo("documents"))
    a = Assistant(store, intents=assistant.intents, encoder=assistant.encoder, persist=False)
    yield a
    store.close()
