"""`shopmind graph build|stats|export|import` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from shopmind.kb import open_store
from shopmind.kb.models import ProductIn


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "shopmind.cli", "--home", str(home), *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow  # six CLI processes (~3 s each on 2 shared cores)
def test_build_export_import(tmp_path):
    home = tmp_path / "shop"
    store = open_store(f"sqlite:///{home / 'kb.sqlite3'}")
    store.upsert_products([ProductIn(id="a", title="索尼 WH-1000XM5 降噪耳机", brand="索尼", category="数码 > 耳机"),
                           ProductIn(id="b", title="Sony WF-1000XM5 Earbuds", brand="Sony",
                                     category="Electronics > Audio > Headphones")])
    store.close()
    built = run(home, "graph", "build")
    assert built.returncode == 0, built.stderr
    assert json.loads(built.stdout)["changed"] == 2
    stats = json.loads(run(home, "graph", "stats").stdout)
    assert stats["nodes.product"] == 2 and stats["edges.has_feature"] == 1
    out = tmp_path / "g.nt"
    assert run(home, "graph", "export", "-o", str(out)).returncode == 0
    assert '"耳机"@zh' in out.read_text(encoding="utf-8")
    other = tmp_path / "other"
    imported = run(other, "graph", "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert json.loads(run(other, "graph", "stats").stdout) == stats
    bad = tmp_path / "bad.nt"
    bad.write_text("hello\n", encoding="utf-8")
    res = run(other, "graph", "import", str(bad))
    assert res.returncode == 2 and "line 1" in res.stderr
