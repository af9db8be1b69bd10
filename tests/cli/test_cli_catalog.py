"""The CLI as a user runs it: ingest exit codes and --json report, products history/rollback/delete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def run(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "shopmind.cli", "--home", str(home), *args],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def csv_files(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("id,title,brand,price,currency,stock\n"
                    "a1,Huawei Mate 60 Pro 手机,Huawei,6999,CNY,4\n"
                    "a2,Sony WH-1000XM5 Headphones,Sony,399,USD,10\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,brand,price\n"
                   "b1,Good row,Acme,10\n"
                   ",Missing id,Acme,5\n"
                   "b3,Negative price,Acme,-4\n"
                   "b4,Not a number,Acme,abc\n", encoding="utf-8")
    changed = tmp_path / "changed.csv"
    changed.write_text("id,title,brand,price,currency,stock\n"
                       "a1,Huawei Mate 60 Pro 手机,Huawei,5999,CNY,4\n", encoding="utf-8")
    return good, bad, changed


def test_ingest_json_report_and_exit_codes(tmp_path, csv_files):
    good, bad, changed = csv_files
    home = tmp_path / "home"
    r = run(home, "ingest", str(good), "--no-index", "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert set(rep) == {"inserted", "updated", "unchanged", "restored", "rejected", "errors", "seconds", "encodings"}
    assert (rep["inserted"], rep["rejected"]) == (2, 0)
    r = run(home, "ingest", str(good), "--no-index", "--json")
    assert json.loads(r.stdout)["unchanged"] == 2 and r.returncode == 0
    r = run(home, "ingest", str(bad), "--no-index", "--json")
    assert r.returncode == 3
    rep = json.loads(r.stdout)
    assert rep["inserted"] == 1 and rep["rejected"] == 3
    rows = {e["row"]: e for e in rep["errors"]}
    assert set(rows) == {3, 4, 5} and all(e["file"].endswith("bad.csv") for e in rep["errors"])
    assert rows[4]["field"] == "price" and rows[5]["field"] == "price"
    assert list((home / "reports").iterdir()), "a reject report file is written"
    r = run(home, "ingest", str(tmp_path / "missing.csv"), "--no-index", "--json")
    assert r.returncode == 2 and "missing.csv" in r.stderr
    r = run(home, "ingest", str(changed), "--no-index", "--json")
    assert json.loads(r.stdout)["updated"] == 1


def test_strict_is_all_or_nothing(tmp_path, csv_files):
    _, bad, _ = csv_files
    home = tmp_path / "home"
    r = run(home, "ingest", str(bad), "--strict", "--no-index", "--json")
    assert r.returncode == 3
    r = run(home, "stats", "--json")
    assert json.loads(r.stdout)["products"] == 0


def test_history_rollback_delete(tmp_path, csv_files):
    good, _, changed = csv_files
    home = tmp_path / "home"
    run(home, "ingest", str(good), "--no-index")
    run(home, "ingest", str(changed), "--no-index")
    hist = json.loads(run(home, "products", "history", "a1", "--json").stdout)
    assert [h["op"] for h in hist] == ["create", "update"]
    assert hist[1]["before"]["price"] == 6999 and hist[1]["after"]["price"] == 5999
    r = run(home, "products", "rollback", "a1", str(hist[0]["rev"]), "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["price"] == 6999
    r = run(home, "products", "delete", "a2", "--json")
    assert json.loads(r.stdout)["status"] == "deleted"
    listed = json.loads(run(home, "products", "list", "--json").stdout)
    assert [p["id"] for p in listed] == ["a1"]
    assert run(home, "products", "show", "nope").returncode == 1
    jobs = json.loads(run(home, "jobs", "--json").stdout)
    assert {j["kind"] for j in jobs} == {"ingest", "enrich"}  # a rollback re-enriches the product at once
    assert all(j["status"] == "succeeded" for j in jobs)
    shown = json.loads(run(home, "products", "show", "a1", "--json").stdout)
    assert shown["price"] == 6999 and "tokens" in shown["enrichment"]
