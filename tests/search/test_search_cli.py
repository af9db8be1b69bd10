"""CLI commands of search through typer: search, train ranker, eval search --json."""

from __future__ import annotations

import json

from catalog import PRODUCTS
from test_search_ranker import JUDGMENTS
from typer.testing import CliRunner

import typer

from shopmind import cli as main_cli
from shopmind.cli import search as search_cli
from shopmind.config import Settings
from shopmind.shop import Shop

# a CLI of its own (the main one gets these commands through cli/extensions.py)
app = typer.Typer()
app.callback()(main_cli._main)
eval_app, train_app = typer.Typer(), typer.Typer()
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")
search_cli.register(app, eval_app, train_app)


def test_search_train_and_eval_commands(tmp_path, monkeypatch):
    home = tmp_path / "home"
    shop = Shop(Settings(home=home, encoder="minilm"))
    shop.store.upsert_products(PRODUCTS)
    shop.close()
    monkeypatch.setenv("SHOPMIND_ENCODER", "minilm")
    runner = CliRunner()
    r = runner.invoke(app, ["--home", str(home), "search", "red nike shoes under 300元", "--json"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.output)
    assert [x["id"] for x in body["results"]] == ["nk-red-1"]
    r = runner.invoke(app, ["--home", str(home), "search", "shoes", "--attr", "bad"])
    assert r.exit_code != 0 and "NAME=VALUE" in r.output
    j = tmp_path / "j.csv"
    j.write_text(JUDGMENTS, "utf-8")
    r = runner.invoke(app, ["--home", str(home), "train", "ranker", "--judgments", str(j), "--rounds", "20", "--json"])
    assert r.exit_code == 0, r.output
    assert (home / "models" / "search_ranker.lgb").exists()
    r = runner.invoke(app, ["--home", str(home), "eval", "search", "--judgments", str(j), "--methods", "bm25,ranked",
                            "--json"])
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["queries"] == 10 and set(rep["methods"]) == {"bm25", "ranked"}
    assert set(rep["methods"]["ranked"]) == {"ndcg@10", "recall@100", "mrr@10", "p50_ms", "p95_ms"}
    r = runner.invoke(app, ["--home", str(home), "eval", "search", "--judgments", str(j), "--methods", "magic"])
    assert r.exit_code != 0 and "unknown method" in r.output
