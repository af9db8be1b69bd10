"""CLI commands of recommendations: `shopmind recommend`, `shopmind train recs`, `shopmind eval recs`,
`shopmind eval ratings`. ``register(app, eval_app, train_app)`` adds them to the main typer app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from shopmind.cli import fail, get_shop, save_eval_report


def recommend_command(
    user: Optional[str] = typer.Option(None, "--user", help="User id."),
    items: str = typer.Option("", "--items", help="Comma-separated product ids of the current session."),
    similar: Optional[str] = typer.Option(None, "--similar", help="Products similar to this product id."),
    together: Optional[str] = typer.Option(None, "--together", help="Products bought together with this id."),
    n: int = typer.Option(10, "--n", min=1, max=100),
    category: Optional[str] = typer.Option(None, "--category"),
    diversity: Optional[float] = typer.Option(None, "--diversity", min=0.0, max=1.0),
    lang: Optional[str] = typer.Option(None, "--lang", help="Reason language zh/en (default: user's, else product's)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recommend products for a user or session (or similar / bought-together products)."""
    shop = get_shop()
    try:
        svc = shop.recommender
        if similar:
            recs = svc.similar(similar, n, lang=lang)
        elif together:
            recs = svc.bought_together(together, n, lang=lang)
        else:
            hist = [i.strip() for i in items.split(",") if i.strip()]
            recs = svc.recommend(user=user, items=hist, n=n, category=category, diversity=diversity, lang=lang)
    except (KeyError, ValueError, RuntimeError) as e:
        fail(str(e))
        return
    finally:
        shop.close()
    rows = [r.as_dict() for r in recs]
    if as_json:
        typer.echo(json.dumps({"items": rows}, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table("#", "id", "title", "score", "reason")
    for k, r in enumerate(rows, 1):
        t.add_row(str(k), r["id"], (r["title"] or "")[:60], f"{r['score']:.3f}", r["reason"])
    Console().print(t)


def train_recs_command(
    models: str = typer.Option("itemknn,ease", "--models", help="Collaborative models to blend (+ content)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Train the recommendation models on the shop's events and products (saved as a new version under
    <home>/models/recs/, switched to atomically)."""
    shop = get_shop()
    try:
        with shop.store.job("train-recs") as job:
            info = shop.recommender.train([m.strip() for m in models.split(",") if m.strip()])
            job.counts.update({k: v for k, v in info.items() if isinstance(v, (int, float))})
    except ValueError as e:
        fail(str(e))
        return
    finally:
        shop.close()
    typer.echo(json.dumps(info, indent=2) if as_json else
               f"trained {', '.join(info['models'])} on {info['interactions']} interactions "
               f"({info['users']} users, {info['items']} items) in {info['seconds']}s; saved {info.get('saved')}")


def eval_recs_command(
    sequences: Path = typer.Option(..., "--sequences", exists=True, dir_okay=False,
                                   help="One user a line: user item item ... (time order)."),
    models: str = typer.Option("pop,itemknn,ease,als,bpr,sasrec,blend", "--models"),
    budget: float = typer.Option(300.0, "--budget", help="Tuning seconds per model (validation item)."),
    params: Optional[str] = typer.Option(None, "--params", help='Fixed hyperparameters, JSON {"ease": {"l2": 500}}'),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Leave-one-out evaluation with full ranking: HR@10/20, NDCG@10/20 (ties ranked against the model),
    coverage@10, novelty@10, Gini of exposure, train seconds. Progress and ETA per model on stderr;
    models that cannot fit (EASE over 30,000 items) are skipped with the reason."""
    from shopmind.eval.recs import eval_recs, format_table

    try:
        fixed = json.loads(params) if params else None
        report = eval_recs(sequences, [m.strip() for m in models.split(",") if m.strip()], as_json=as_json,
                           budget_s=budget, params=fixed, log=lambda s: typer.echo(s, err=True))
    except (ValueError, json.JSONDecodeError) as e:
        fail(str(e))
        return
    save_eval_report("recs", report)
    typer.echo(json.dumps(report, indent=2) if as_json else format_table(report))


def eval_ratings_command(
    movielens: Path = typer.Option(..., "--movielens", exists=True, file_okay=False,
                                   help="Folder with ml-100k.inter (RecBole atomic file)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """RMSE of the biased dot-product model vs global-mean and user/item-bias baselines (80/20 split)."""
    from shopmind.recommend.rating import eval_ratings

    report = eval_ratings(movielens)
    save_eval_report("ratings", report)
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    for name, r in report["models"].items():
        typer.echo(f"{name:16s} RMSE {r['rmse']:.4f}  train {r['train_s']:.1f}s")


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add the recommendation commands to the main CLI."""
    app.command("recommend")(recommend_command)
    train_app.command("recs")(train_recs_command)
    eval_app.command("recs")(eval_recs_command)
    eval_app.command("ratings")(eval_ratings_command)
