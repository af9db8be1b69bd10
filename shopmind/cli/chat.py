"""CLI of the assistant: ``shopmind chat`` (terminal chat), ``shopmind train intents``,
``shopmind eval intents``. The lead registers these functions in shopmind/cli/extensions.py."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Optional

import typer

from shopmind.cli import get_shop, save_eval_report


def chat(
    user: Optional[str] = typer.Option(None, "--user", help="Signed-in user id (orders are shown only to their owner)."),
    conversation: Optional[str] = typer.Option(None, "--conversation", help="Conversation id to continue."),
    message: Optional[str] = typer.Option(None, "--message", "-m", help="Send one message and exit."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
) -> None:
    """Chat with the shop's customer-service assistant in the terminal (empty line or 'exit' quits)."""
    from rich.console import Console

    console = Console()
    shop = get_shop()
    assistant = shop.assistant
    cid = conversation or f"cli-{uuid.uuid4().hex[:8]}"

    def send(text: str) -> None:
        res = assistant.chat(cid, text, user_id=user)
        if as_json:
            typer.echo(json.dumps(res, ensure_ascii=False, indent=2))
            return
        console.print(f"[bold green]assistant[/bold green] ({res['intent']}, {res['confidence']:.2f}): {res['reply']}")
        for c in res["citations"]:
            console.print(f"  [dim][{c['n']}] {c['id']} — {c['title']}[/dim]")
        for a in res["actions"]:
            console.print(f"  [cyan]action[/cyan] {json.dumps(a, ensure_ascii=False)}")

    try:
        if message is not None:
            send(message)
            return
        console.print(f"conversation {cid}" + (f" as user {user}" if user else " (not signed in)"))
        while True:
            try:
                text = input("you> ").strip()
            except EOFError:
                break
            if not text or text.lower() in ("exit", "quit", "退出"):
                break
            send(text)
    finally:
        shop.close()


def train_intents(
    data: Path = typer.Option(..., "--data", exists=True, dir_okay=False, help="Bitext-format CSV: instruction,intent,..."),
    out: Optional[Path] = typer.Option(None, "--out", help="Where to save the model (default: the shop's models/intents.npz, which the assistant then uses)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Train the assistant's intent classifier (encoder vectors + char n-grams) from labelled dialogues."""
    import time

    from shopmind.assistant import intent_model_path
    from shopmind.assistant.intents import train_intents as train
    shop = get_shop()
    path = out or intent_model_path(shop)
    t0 = time.perf_counter()
    try:
        with shop.store.job("train_intents") as job:
            model = train(data, out=path)
            job.counts.update({"intents": len(model.labels), "ngrams": len(model.vocab)})
    except (ValueError, FileNotFoundError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    finally:
        shop.close()
    res = {"model": str(path), "intents": len(model.labels), "ngrams": len(model.vocab),
           "seconds": round(time.perf_counter() - t0, 1)}
    typer.echo(json.dumps(res) if as_json else f"saved {path}: {res['intents']} intents, {res['ngrams']} n-grams in {res['seconds']}s")


def eval_intents(
    test: Path = typer.Option(..., "--test", exists=True, dir_okay=False, help="Bitext-format CSV to score on."),
    train: Optional[Path] = typer.Option(None, "--train", exists=True, dir_okay=False, help="Train on this file first (else the default model)."),
    model: Optional[Path] = typer.Option(None, "--model", exists=True, dir_okay=False, help="A saved intent model (.npz)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Accuracy and macro-F1 of the intent classifier on a labelled test file."""
    from shopmind.eval.intents import eval_intents as run

    try:
        res = run(test, train=train, model=model)
    except (ValueError, FileNotFoundError) as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2)
    save_eval_report("intents", res)
    if as_json:
        typer.echo(json.dumps(res, ensure_ascii=False))
    else:
        typer.echo(f"accuracy {res['accuracy']:.4f}  macro-F1 {res['macro_f1']:.4f}  n={res['n']}  ({res['model']})")
