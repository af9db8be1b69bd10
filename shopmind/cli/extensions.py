"""Wires the command groups of the other packages into the main CLI.

Each package's CLI module either offers ``register(app, eval_app, train_app)`` or plain typer
functions that are added here; modules not present (a part not installed) are skipped by name.
"""

from __future__ import annotations

import importlib

import typer

_REGISTERING = ("search", "recs", "text", "events", "tickets", "privacy", "graph")


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add the search, recommendation, text, real-time and assistant commands to the CLI."""
    for name in _REGISTERING:
        try:
            module = importlib.import_module(f"shopmind.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name != f"shopmind.cli.{name}":
                raise
            continue
        if hasattr(module, "register"):
            module.register(app, eval_app, train_app)
        else:  # a module that is one command group: `shopmind <name> ...`
            app.add_typer(module.app, name=name)

    from shopmind.cli import chat

    app.command("chat")(chat.chat)
    train_app.command("intents")(chat.train_intents)
    eval_app.command("intents")(chat.eval_intents)
