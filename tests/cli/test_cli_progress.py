"""Long CLI steps draw a bar per running job from the store (not silence), and pass results and errors on."""

from __future__ import annotations

import time

import pytest

from shopmind.cli.progress import with_job_bars


def _work(store, fail: bool = False):
    with store.job("enrich") as job:
        for i in range(1, 4):
            time.sleep(0.3)
            job.progress(i / 4, step="sentiment")
        if fail:
            raise RuntimeError("model missing")
    return {"done": True}


def test_bar_follows_the_running_job(store, capsys):
    assert with_job_bars(store, lambda: _work(store), poll=0.1) == {"done": True}
    err = capsys.readouterr().err
    assert "enrich sentiment" in err and "100%" in err
    assert store.jobs(1)[0].status == "succeeded"


def test_errors_reach_the_caller(store):
    with pytest.raises(RuntimeError, match="model missing"):
        with_job_bars(store, lambda: _work(store, fail=True), poll=0.1)


def test_disabled_runs_inline(store, capsys):
    assert with_job_bars(store, lambda: 7, enabled=False) == 7
    assert capsys.readouterr().err == ""
