"""Eval commands print their metrics and keep them under <home>/eval/ for the admin console."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_eval_ratings_prints_and_saves_its_report(tmp_path, data_dir):
    home = tmp_path / "home"
    r = subprocess.run(
        [sys.executable, "-m", "shopmind.cli", "--home", str(home), "eval", "ratings",
         "--movielens", str(data_dir / "recs" / "movielens-100k"), "--json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert r.returncode == 0, r.stderr
    printed = json.loads(r.stdout)
    rmse = {name: m["rmse"] for name, m in printed["models"].items()}
    assert rmse["biased_mf"] < rmse["user_item_bias"] < rmse["global_mean"]
    saved = json.loads((home / "eval" / "ratings.json").read_text(encoding="utf-8"))
    assert saved["models"] == printed["models"]
