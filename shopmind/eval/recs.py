"""Leave-one-out evaluation of recommenders with full ranking over all items, and validation tuning.

Protocol: per user with >= 3 items, the last item is the test target and the second last the
validation target. Hyperparameters are tuned on validation (models fitted on everything but the last
two items), then each model is refitted on everything but the last item and scored on the test item
(sequential models with `refit = False`, like SASRec, are trained once, as in the SASRec paper: the
test input then includes the validation item the model did not train on).
Items in the input history are excluded from the ranking. Ties are ranked pessimistically (see
`target_ranks`): a model that scores many items equal gets no credit for the tie.
Beside accuracy: coverage@10 (share of items in anyone's top 10), novelty (mean self-information of
the top-10 items under training popularity) and the Gini coefficient of top-10 exposure over items.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from shopmind.eval.metrics import gini, hit_rate, ndcg_single, novelty, target_ranks
from shopmind.recommend.base import ModelTooLarge, Recommender
from shopmind.recommend.data import Interactions, load_sequences

DEFAULT_MODELS = ["pop", "itemknn", "ease", "als", "bpr", "sasrec", "blend"]


@dataclass
class Split:
    """One leave-one-out split: training data, the histories to score and their target items."""

    train: Interactions
    histories: list[np.ndarray]
    targets: np.ndarray

    def popularity(self) -> np.ndarray:
        """Training users per item (cached: every evaluation on this split uses it for novelty)."""
        if getattr(self, "_pop", None) is None:
            self._pop = self.train.item_counts()
        return self._pop


def loo_splits(data: Interactions) -> tuple[Split, Split]:
    """(validation split, test split) as described in the module docstring."""
    users = [u for u, s in enumerate(data.sequences) if len(s) >= 3]
    if not users:
        raise ValueError("no user has 3 or more items: leave-one-out needs train, validation and test items")
    train_v, train_t = data.subset(2), data.subset(1)
    val = Split(train_v, [train_v.sequences[u] for u in users], np.array([data.sequences[u][-2] for u in users]))
    test = Split(train_t, [train_t.sequences[u] for u in users], np.array([data.sequences[u][-1] for u in users]))
    return val, test


def evaluate(
    score: Callable[[list[np.ndarray]], np.ndarray],
    split: Split,
    n_items: int,
    ks: tuple[int, ...] = (10, 20),
    batch: int = 512,
    users: np.ndarray | None = None,
) -> dict[str, Any]:
    """Metrics of a scoring function on a split (optionally on a subset of rows)."""
    rows = np.arange(len(split.targets)) if users is None else users
    ranks = np.empty(len(rows), dtype=np.int64)
    exposure = np.zeros(n_items, dtype=np.int64)  # times each item is in someone's top 10
    for start in range(0, len(rows), batch):
        sel = rows[start : start + batch]
        hists = [split.histories[u] for u in sel]
        s = np.array(score(hists), dtype=np.float32, copy=True)
        for r, h in enumerate(hists):
            s[r, h] = -np.inf
        ranks[start : start + len(sel)] = target_ranks(s, split.targets[sel])
        top = np.argpartition(-s, 10, axis=1)[:, :10]
        exposure += np.bincount(top.ravel(), minlength=n_items)
    out: dict[str, Any] = {}
    for k in ks:
        out[f"hr@{k}"] = hit_rate(ranks, k)
        out[f"ndcg@{k}"] = ndcg_single(ranks, k)
    out["coverage@10"] = float((exposure > 0).mean())
    out["novelty@10"] = novelty(exposure, split.popularity(), split.train.n_users)
    out["gini@10"] = gini(exposure)
    return out


def check_pretrained(name: str, model: Recommender, val: Split, test: Split) -> None:
    """Refuse a saved model that was not fitted on the validation split (its recorded fingerprint of
    the training interactions and split parameters must match): one fitted on the test split saw every
    validation item, so tuning the blend or reporting it would flatter it."""
    want = val.train.fingerprint()
    got = model.train_fingerprint
    if got == want:
        return
    if got is None:
        why = "it records no training fingerprint (saved before fingerprints were kept)"
    elif got == test.train.fingerprint():
        why = "it was fitted on the test split (everything but the last item), so it has seen the validation items"
    else:
        why = f"it was fitted on other data (split {model.train_split or 'unknown'}, fingerprint {got[:12]}…)"
    raise ValueError(f"pretrained {name}: refused: {why}; a pretrained model must be fitted on the validation "
                     f"split (everything but each user's last two items, fingerprint {want[:12]}…)")


def _subsample(n: int, max_users: int | None, seed: int = 0) -> np.ndarray | None:
    if max_users is None or n <= max_users:
        return None
    return np.sort(np.random.default_rng(seed).choice(n, max_users, replace=False))


def tune(
    name: str,
    val: Split,
    budget_s: float = 300.0,
    max_users: int | None = 8000,
    log: Callable[[str], None] | None = None,
    fixed: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], Recommender, float]:
    """Coordinate search over the model's grid on validation NDCG@10 within a time budget.

    Returns (best params, the model fitted on the validation training data with them, best ndcg)."""
    from shopmind.recommend.models import make

    t0 = time.perf_counter()
    users = _subsample(len(val.targets), max_users)
    proto = make(name, **(fixed or {}))
    best = dict(proto.params)
    cache: dict[str, tuple[float, Recommender]] = {}

    def trial(params: dict[str, Any]) -> float:
        key = json.dumps(params, sort_keys=True)
        if key not in cache:
            m = None
            sp = type(proto).score_params
            fit_key = json.dumps({k: v for k, v in params.items() if k not in sp}, sort_keys=True)
            for other_key, (_nd, other) in cache.items():  # reuse a fit that differs only in scoring
                o = json.loads(other_key)
                if json.dumps({k: v for k, v in o.items() if k not in sp}, sort_keys=True) == fit_key:
                    m = other.with_params(**{k: params[k] for k in sp if k in params})
                    break
            if m is None:
                m = make(name, **params).fit(val.train)
            nd = evaluate(m.score, val, m.n_items, users=users)["ndcg@10"]
            cache[key] = (nd, m)
            if log:
                log(f"  {name} {params} val ndcg@10={nd:.4f} fit={m.train_seconds:.1f}s")
        return cache[key][0]

    best_nd = trial(best)
    grid = {k: v for k, v in type(proto).grid.items() if not fixed or k not in fixed}
    # scoring-only parameters first: they need no refit, so the search sees them whatever the budget
    grid = dict(sorted(grid.items(), key=lambda kv: kv[0] not in type(proto).score_params))
    for _round in range(2):
        improved = False
        for key, values in grid.items():
            scoring_only = key in type(proto).score_params  # no refit: always affordable
            for v in values:
                if time.perf_counter() - t0 > budget_s and not scoring_only:
                    break
                cand = {**best, key: v}
                nd = trial(cand)
                if nd > best_nd + 1e-6:
                    best, best_nd, improved = cand, nd, True
        if not improved or time.perf_counter() - t0 > budget_s:
            break
    return best, cache[json.dumps(best, sort_keys=True)][1], best_nd


def eval_recs(
    sequences_path: str | Path | Interactions,
    models: list[str] | None = None,
    as_json: bool = False,
    budget_s: float = 300.0,
    tune_users: int | None = 8000,
    log: Callable[[str], None] | None = print,
    params: dict[str, dict[str, Any]] | None = None,
    save_dir: str | Path | None = None,
    pretrained: dict[str, str | Path] | None = None,
    train_once: bool = False,
) -> dict[str, Any]:
    """Tune every model on validation, refit, score the test item; returns the JSON-able report.

    `params` fixes hyperparameters per model (skipping their search); `budget_s` bounds the tuning
    time per model; `save_dir` keeps each final model as <name>.npz; `pretrained` maps a model
    name to a saved model trained on the validation split (everything but each user's last two
    items, e.g. by an earlier run with `save_dir`): it is used as that model's tuned fit (no refit
    for models with `refit = False`), and its recorded training time is reported. Models whose
    parameters are all fixed are refitted like any other (a fit on each split), unless `train_once`:
    then a model with `refit = False` (SASRec) is fitted once on the validation split and that fit is
    used for the blend weights and the test, as when it is tuned. The blend ('blend') combines the other tuned models with weights tuned on
    validation (it tunes its own components when they were not in the list)."""
    from shopmind.recommend.blend import tune_blend
    from shopmind.recommend.models import make

    data = sequences_path if isinstance(sequences_path, Interactions) else load_sequences(sequences_path)
    models = models or DEFAULT_MODELS
    quiet = (lambda s: None) if (log is None or as_json) else log
    val, test = loo_splits(data)
    report: dict[str, Any] = {"models": {}, "users": int(len(test.targets)), "items": data.n_items}
    tuned: dict[str, tuple[dict[str, Any], Recommender]] = {}
    finals: dict[str, Recommender] = {}  # models fitted for the test split, reused by the blend
    fixed_best: dict[str, dict[str, Any]] = {}
    params = params or {}
    progress = log or (lambda s: None)  # progress goes to the log even with as_json (the CLI logs to stderr)
    skipped: dict[str, str] = {}
    t_start = time.perf_counter()
    for step, name in enumerate(models, 1):
        t0 = time.perf_counter()
        progress(f"[{step}/{len(models)}] {name}: tuning on validation (budget {budget_s:.0f}s), then the test fit")
        if name == "blend":
            comps = [m for m in ("sasrec", "ease", "itemknn") if m in tuned or m in fixed_best] or ["ease", "itemknn"]
            comps = [c for c in comps if c not in skipped]
            for c in list(comps):
                try:
                    if c in fixed_best:  # never tune blend weights on a model that saw the validation item
                        tuned[c] = (fixed_best[c], make(c, **fixed_best[c]).fit(val.train))
                    elif c not in tuned:
                        p, m, _ = tune(c, val, budget_s, tune_users, quiet, params.get(c))
                        tuned[c] = (p, m)
                except ModelTooLarge as e:
                    skipped[c] = str(e)
                    progress(f"  blend: leaving out {c}: {e}")
                    comps.remove(c)
            if not comps:
                skipped[name] = "no component could be fitted"
                report["models"][name] = {"skipped": skipped[name]}
                progress(f"  {name}: skipped ({skipped[name]})")
                continue
            blend, bparams = tune_blend({c: tuned[c][1] for c in comps}, val, tune_users, quiet)
            tune_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            final = {c: finals[c] if c in finals else (
                         tuned[c][1] if not getattr(tuned[c][1], "refit", True) else make(c, **tuned[c][0]).fit(test.train))
                     for c in comps}
            blend = blend.with_models(final)
            train_s = sum(m.train_seconds for m in final.values())
            res = evaluate(blend.score, test, data.n_items)
            final_model: Recommender = blend
            res.update(train_s=round(train_s, 2), tune_s=round(tune_s, 2), params=bparams,
                       train_cpu_s=round(sum(m.train_cpu_seconds for m in final.values()), 2))
        else:
            try:
                fixed = params.get(name)
                if pretrained and name in pretrained:
                    from shopmind.recommend.base import load_model

                    pm = load_model(pretrained[name])
                    if pm.item_ids != data.item_ids:
                        raise ValueError(f"pretrained {name}: its item ids differ from the data's")
                    check_pretrained(name, pm, val, test)
                    tuned[name] = (dict(pm.params), pm)
                    best = dict(pm.params)
                elif fixed is not None and set(fixed) >= set(make(name).grid) and (
                        getattr(make(name), "refit", True) or not train_once):
                    best = dict(make(name, **fixed).params)
                else:
                    best, m, _ = tune(name, val, budget_s, tune_users, quiet, fixed)
                    tuned[name] = (best, m)
                tune_s = time.perf_counter() - t0
                if name in tuned and not getattr(tuned[name][1], "refit", True):
                    model = tuned[name][1]  # sequential models: trained once, test input includes the val item
                else:
                    model = make(name, **best).fit(test.train)
                if name not in tuned:  # fixed parameters: the blend still needs a fit on the validation split
                    fixed_best[name] = best
                res = evaluate(model.score, test, data.n_items)
                final_model = finals[name] = model
                res.update(train_s=round(model.train_seconds, 2), tune_s=round(tune_s, 2), params=best,
                           train_cpu_s=round(model.train_cpu_seconds, 2))
            except ModelTooLarge as e:  # refused before allocating: skip it, say why
                skipped[name] = str(e)
                report["models"][name] = {"skipped": str(e)}
                progress(f"  {name}: skipped ({e})")
                continue
        if save_dir is not None:
            final_model.save(Path(save_dir) / f"{name}.npz")
        report["models"][name] = {k: (round(v, 5) if isinstance(v, float) else v) for k, v in res.items()}
        quiet(
            f"{name:8s} HR@10 {res['hr@10']:.4f} NDCG@10 {res['ndcg@10']:.4f} HR@20 {res['hr@20']:.4f} "
            f"NDCG@20 {res['ndcg@20']:.4f} cov {res['coverage@10']:.3f} novelty {res['novelty@10']:.2f} "
            f"gini {res['gini@10']:.3f} train {res['train_s']:.1f}s"
        )
        elapsed = time.perf_counter() - t_start
        left = len(models) - step
        progress(f"[{step}/{len(models)}] {name} done in {time.perf_counter() - t0:.1f}s; elapsed {elapsed:.0f}s"
                 + (f", ETA ~{elapsed / step * left:.0f}s for {left} more" if left else ""))
    if skipped:
        report["skipped"] = skipped
    return report


def format_table(report: dict[str, Any]) -> str:
    """Markdown table of a report (skipped models listed with their reason)."""
    lines = [
        "| model | HR@10 | NDCG@10 | HR@20 | NDCG@20 | coverage@10 | novelty@10 | gini@10 | train s (wall) "
        "| train s (CPU) | tune s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in report["models"].items():
        if "skipped" in r:
            lines.append(f"| {name} | skipped: {r['skipped']} |" + " |" * 9)
            continue
        lines.append(
            f"| {name} | {r['hr@10']:.4f} | {r['ndcg@10']:.4f} | {r['hr@20']:.4f} | {r['ndcg@20']:.4f} | "
            f"{r['coverage@10']:.3f} | {r.get('novelty@10', float('nan')):.2f} | {r.get('gini@10', float('nan')):.3f} | "
            f"{r['train_s']:.1f} | {r.get('train_cpu_s', 0):.1f} | {r.get('tune_s', 0):.1f} |"
        )
    return "\n".join(lines)
