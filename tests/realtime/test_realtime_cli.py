"""`shopmind events import`: JSONL, CSV and sequence files, bad lines reported, the rest stored."""

from __future__ import annotations

import json
import time

from typer.testing import CliRunner

from shopmind.cli import State
from shopmind.cli.events import app
from shopmind.config import Settings
from shopmind.kb import open_store
from shopmind.kb.models import ProductIn


def _store(home):
    s = open_store(Settings(home=home).kb_url)
    s.upsert_products([ProductIn(id=str(i), title=f"item {i}") for i in range(1, 6)])
    return s


def test_import_jsonl_csv_and_sequences(tmp_path):
    home = tmp_path / "home"
    store = _store(home)
    State.home = home
    try:
        runner = CliRunner()
        jl = tmp_path / "ev.jsonl"
        jl.write_text("\n".join([
            json.dumps({"type": "purchase", "user_id": "u1", "product_id": "1", "value": 2}),
            json.dumps({"type": "view", "user_id": "u1", "product_id": "99"}),
            "{broken",
            json.dumps({"type": "view", "user_id": "u1", "product_id": "2", "ts": time.time() + 86400}),
        ]))
        r = runner.invoke(app, ["import", str(jl), "--json"])
        assert r.exit_code == 3, r.output
        rep = json.loads(r.output)
        assert rep["stored"] == 1 and [(e["line"], e["field"]) for e in rep["errors"]] == [
            (2, "product_id"), (3, "line"), (4, "ts")]
        cs = tmp_path / "ev.csv"
        cs.write_text("type,session_id,product_id,position\nclick,s1,3,4\nclick,s1,4,x\n")
        r = runner.invoke(app, ["import", str(cs), "--json"])
        rep = json.loads(r.output)
        assert r.exit_code == 3 and rep["stored"] == 1 and rep["errors"][0]["field"] == "position"
        seq = tmp_path / "seq.txt"
        seq.write_text("7 1 2 3\n8 4 5\n")
        r = runner.invoke(app, ["import", str(seq), "--type", "click", "--json"])
        assert r.exit_code == 0 and json.loads(r.output)["stored"] == 5
        evs = [e for e in store.iter_events() if e.user_id in ("7", "8")]
        assert [e.product_id for e in evs] == ["1", "2", "3", "4", "5"] and all(e.type == "click" for e in evs)
        assert all(a.ts < b.ts <= time.time() for a, b in zip(evs, evs[1:]))
        r = runner.invoke(app, ["import", str(jl), "--strict", "--json"])
        assert r.exit_code == 2 and json.loads(r.output)["stored"] == 0
        assert store.count_events() == 7
    finally:
        State.home = None
        store.close()
