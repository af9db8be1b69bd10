"""The CLI commands of recommendations, registered on a bare typer app."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from shopmind.cli.recs import register
from shopmind.recommend.data import write_sequences

from .conftest import make_clusters


def _app() -> typer.Typer:
    app, ev, tr = typer.Typer(), typer.Typer(), typer.Typer()
    app.add_typer(ev, name="eval")
    app.add_typer(tr, name="train")
    register(app, ev, tr)
    return app


def test_eval_recs_json(tmp_path):
    path = tmp_path / "seq.txt"
    write_sequences(make_clusters(n_users=80, seed=5), path)
    res = CliRunner().invoke(_app(), ["eval", "recs", "--sequences", str(path), "--models", "pop,itemknn",
                                      "--budget", "5", "--json"])
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)
    assert rep["users"] == 80 and set(rep["models"]) == {"pop", "itemknn"}
    knn, pop = rep["models"]["itemknn"], rep["models"]["pop"]
    assert knn["hr@10"] > 0.9 and knn["ndcg@10"] > pop["ndcg@10"]
    assert {"coverage@10", "novelty@10", "gini@10"} <= set(knn)


def test_eval_recs_bad_file(tmp_path):
    res = CliRunner().invoke(_app(), ["eval", "recs", "--sequences", str(tmp_path / "nope.txt")])
    assert res.exit_code != 0
