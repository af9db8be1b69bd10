"""`shopmind forget-user ID`: erase one user's personal data (the right to be forgotten)."""

from __future__ import annotations

import typer

from shopmind.cli import console, emit, fail, get_shop


def forget_user(
    user_id: str = typer.Argument(..., help="The user's id."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Erase a user: delete their events, conversations, tickets and user record, strip the address and
    tracking from their orders (kept under an anonymous id), and drop them from the trained
    recommendation models. Exit code 1 when the shop knew nothing of the user."""
    shop = get_shop()
    try:
        report = shop.forget_user(user_id)
    finally:
        shop.close()
    emit(report, as_json)
    if not as_json:
        console.print(f"user {user_id!r}: {report['events']} events, {report['conversations']} conversations, "
                      f"{report['tickets']} tickets deleted; {report['orders']} orders anonymized; models: "
                      f"{', '.join(report['models']) or 'none knew the user'}")
    if not any(report[k] for k in ("events", "conversations", "tickets", "orders", "users", "models")):
        if not as_json:
            fail(f"no data of user {user_id!r}", 1)
        raise typer.Exit(1)


def register(app: typer.Typer, eval_app: typer.Typer, train_app: typer.Typer) -> None:
    app.command("forget-user")(forget_user)
