"""`shopmind tickets list|show|close`: the support tickets the assistant's human handoff opened."""

from __future__ import annotations

import time
from typing import Optional, get_args

import typer

from shopmind.cli import console, emit, fail, get_shop
from shopmind.kb.models import TicketStatus
from shopmind.text.pii import mask_optional

app = typer.Typer(help="Support tickets opened by the assistant's human handoff.", no_args_is_help=True)

_STATUSES = get_args(TicketStatus)


def _status(value: str, what: str = "--status") -> str:
    if value not in _STATUSES:
        fail(f"{what} must be one of {', '.join(_STATUSES)}, got {value!r}")
    return value


@app.command("list")
def list_(
    status: Optional[str] = typer.Option(None, "--status", help="open, pending or closed."),
    user: Optional[str] = typer.Option(None, "--user", help="Only this user's tickets."),
    limit: int = typer.Option(50, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Tickets, newest first."""
    shop = get_shop()
    try:
        rows = shop.store.tickets(status=_status(status) if status else None, user_id=user, limit=limit)
    finally:
        shop.close()
    emit([t.model_dump() for t in rows], as_json)
    if not as_json:
        for t in rows:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(t.created_at))
            console.print(f"{t.id}  {t.status:<7} {when}  {t.user_id or '-':<10} {t.reason[:70]}")
        if not rows:
            console.print("no tickets")


@app.command("show")
def show(ticket_id: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """One ticket with its (masked) transcript and staff notes."""
    shop = get_shop()
    try:
        t = shop.store.get_ticket(ticket_id)
    finally:
        shop.close()
    if t is None:
        fail(f"ticket {ticket_id!r} not found", 1)
    emit(t.model_dump(), as_json)
    if not as_json:
        console.print(f"{t.id} [{t.status}] user={t.user_id or '-'} conversation={t.conversation_id}")
        console.print(f"reason: {t.reason}")
        for turn in t.transcript:
            console.print(f"  {turn.get('role', '?')}: {turn.get('text', '')}")
        for n in t.notes:
            console.print(f"  note ({n.get('status')}): {n.get('text')}")


@app.command("set")
def set_status(
    ticket_id: str,
    status: str = typer.Argument(..., help="open, pending or closed."),
    note: Optional[str] = typer.Option(None, "--note", help="Staff note kept with the ticket."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Change a ticket's status, e.g. `shopmind tickets set T-20250601-ABC123 closed --note "refunded"`."""
    shop = get_shop()
    try:
        t = shop.store.update_ticket(ticket_id, _status(status, "STATUS"), mask_optional(note))
    except KeyError:
        fail(f"ticket {ticket_id!r} not found", 1)
    finally:
        shop.close()
    emit(t.model_dump(), as_json)
    if not as_json:
        console.print(f"{t.id} is now {t.status}")
