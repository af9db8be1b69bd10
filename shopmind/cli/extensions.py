"""Wires the command groups of the other packages into the main CLI."""

from __future__ import annotations

import typer


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    """Add the search, recommendation, text and assistant commands to the CLI."""
