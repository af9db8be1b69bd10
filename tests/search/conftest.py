"""Fixtures of the search tests: a real shop (SQLite store, MiniLM ONNX encoder) over the test catalog."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from catalog import PRODUCTS  # noqa: E402

from shopmind.config import Settings  # noqa: E402
from shopmind.shop import Shop  # noqa: E402


def make_shop(home: Path) -> Shop:
    shop = Shop(Settings(home=home, encoder="minilm", admin_key="test-key"))
    shop.store.upsert_products(PRODUCTS, source="test")
    return shop


@pytest.fixture(scope="module")
def search_shop(tmp_path_factory):
    """A shop over the test catalog, built once per module; tests that change it restore what they change."""
    shop = make_shop(tmp_path_factory.mktemp("search-shop"))
    shop.search  # build indexes
    yield shop
    shop.close()


@pytest.fixture
def fresh_shop(tmp_path):
    shop = make_shop(tmp_path / "home")
    yield shop
    shop.close()
