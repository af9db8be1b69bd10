"""CLI of the text package: ``shopmind enrich``, ``shopmind analyze``, ``shopmind eval sentiment``,
``shopmind train sentiment``. Wired by ``register(app, eval_app, train_app)``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from shopmind.cli import fail, get_shop, save_eval_report

__all__ = ["register", "enrich_command", "analyze_command", "eval_sentiment_command", "train_sentiment_command"]


def enrich_command(
    steps: Optional[str] = typer.Option(None, "--steps", help="Comma-separated: tokens,entities,keywords,topics,sentiment,embeddings (default all)."),
    ids: Optional[List[str]] = typer.Option(None, "--id", help="Only these product ids (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show progress bars."),
) -> None:
    """Enrich the catalog incrementally (only new/changed products); safe to kill and re-run."""
    from shopmind.text.enrich import STEPS

    chosen = [s.strip() for s in steps.split(",") if s.strip()] if steps else None
    if chosen:
        bad = [s for s in chosen if s not in STEPS]
        if bad:
            fail(f"unknown step(s) {', '.join(bad)}; choose from {', '.join(STEPS)}")
    shop = get_shop()
    try:
        res = shop.text.enrich(product_ids=ids or None, steps=chosen, progress=progress and not as_json)
    finally:
        shop.close()
    if as_json:
        typer.echo(json.dumps(res, indent=2))
        return
    typer.echo(f"enriched {res['products']} products in {res['seconds']:.1f}s (job {res['job_id']})")
    for step, s in res["steps"].items():
        rate = f"{s['per_s']:.0f}/s" if s["per_s"] else "-"
        typer.echo(f"  {step:<11} {s['processed']:>7} done  {s['seconds']:>8.2f}s  {rate}")


def analyze_command(
    text: str = typer.Argument(..., help="A query, title, review or customer message."),
    ner: bool = typer.Option(False, "--ner", help="Also find person/place/org/time (Chinese, LAC)."),
    sentiment: bool = typer.Option(False, "--sentiment", help="Also score sentiment with aspects."),
) -> None:
    """Show tokens, entities (and optionally sentiment) of one text, using the shop's gazetteer."""
    shop = get_shop()
    try:
        out = {
            "normalized": shop.text.normalize(text),
            "language": shop.text.detect_language(text),
            "tokens": shop.text.tokenize(text),
            "entities": shop.text.extract(text, ner=ner),
        }
        if sentiment:
            out["sentiment"] = shop.text.analyze_review(text)
    finally:
        shop.close()
    typer.echo(json.dumps(out, ensure_ascii=False, indent=2))


def eval_sentiment_command(
    test: Path = typer.Option(..., "--test", help="Labelled CSV/parquet to evaluate on."),
    text_col: str = typer.Option(..., "--text-col", help="Column with the review text."),
    label_col: str = typer.Option(..., "--label-col", help="Column with 0/1, positive/negative or a 1-5 rating."),
    train: Optional[Path] = typer.Option(None, "--train", help="Labelled file to train on (default: the shipped models)."),
    cat_col: Optional[str] = typer.Option(None, "--cat-col", help="Product-category column of the training file (Chinese: category-aware model)."),
    encoder: bool = typer.Option(False, "--encoder", help="Chinese: also fine-tune multilingual-e5-small (LoRA adapters, 2 epochs) and stack it with the n-gram model on a held-out 10 % (the shipped method; slow: ~20 reviews/s per epoch on 2 cores)."),
    as_json: bool = typer.Option(False, "--json", help='Print {"accuracy", "macro_f1", "n"}.'),
) -> None:
    """Train sentiment on one labelled file and report accuracy and macro-F1 on another."""
    from shopmind.text.evaluate import eval_sentiment

    try:
        res = eval_sentiment(train, test, text_col, label_col, progress=not as_json, cat_col=cat_col,
                             encoder=encoder)
    except (ValueError, FileNotFoundError) as e:
        fail(str(e))
    save_eval_report("sentiment", res)
    if as_json:
        typer.echo(json.dumps({k: res[k] for k in ("accuracy", "macro_f1", "n")}))
    else:
        typer.echo(f"accuracy {res['accuracy']:.4f}  macro-F1 {res['macro_f1']:.4f}  n={res['n']}  ({res['model']})")


def train_sentiment_command(
    train: Path = typer.Option(..., "--train", help="Labelled CSV/parquet."),
    text_col: str = typer.Option(..., "--text-col"),
    label_col: str = typer.Option(..., "--label-col"),
    out: Path = typer.Option(..., "--out", help="Where to write the model (.npz)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="zh or en (default: detected)."),
    cat_col: Optional[str] = typer.Option(None, "--cat-col", help="Product-category column (Chinese: category-aware n-gram model; used at training time only)."),
    encoder: bool = typer.Option(False, "--encoder", help="Chinese: also fine-tune multilingual-e5-small (LoRA adapters, 2 epochs) and stack it with the n-gram model on a held-out 10 % (the shipped method; slow: ~20 reviews/s per epoch on 2 cores)."),
) -> None:
    """Train a sentiment model (.npz) with the project's method for the language (Chinese: n-gram SVM /
    NB-SVM, category-aware with --cat-col, stacked with a LoRA-tuned e5 with --encoder; English: logistic
    regression on multilingual-e5 vectors)."""
    from shopmind.text.evaluate import read_labelled, read_labelled_categories, train_sentiment

    try:
        if cat_col:
            texts, y, cats = read_labelled_categories(train, text_col, label_col, cat_col)
        else:
            (texts, y), cats = read_labelled(train, text_col, label_col), None
        model = train_sentiment(texts, y, lang=lang, categories=cats, progress=True, encoder=encoder)
    except (ValueError, FileNotFoundError) as e:
        fail(str(e))
    path = model.save(out)
    typer.echo(f"saved {path} ({len(texts)} training texts)")


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add the text commands to the main CLI."""
    app.command("enrich")(enrich_command)
    app.command("analyze")(analyze_command)
    eval_app.command("sentiment")(eval_sentiment_command)
    train_app.command("sentiment")(train_sentiment_command)
