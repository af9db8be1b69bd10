"""Fixtures of the assistant tests: a real SQLite knowledge base with the bilingual sample bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from shopmind.kb import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "assistant"


@pytest.fixture(scope="module")
def kb_store(tmp_path_factory):
    from shopmind.assistant.sample import load_bundle

    s = open_store(f"sqlite:///{tmp_path_factory.mktemp('asst') / 'kb.sqlite3'}")
    load_bundle(s, DATA / "kb.json")
    yield s
    s.close()


@pytest.fixture(scope="module")
def assistant(kb_store):
    from shopmind.assistant import Assistant

    a = Assistant(kb_store)
    a.warm()
    return a
