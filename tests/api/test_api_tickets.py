"""Support tickets: stored in one transaction, listed/read/updated by staff through the admin API and CLI."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from shopmind.api import create_app
from shopmind.assistant.tools import Tickets
from shopmind.kb.models import TicketIn

KEY = {"X-API-Key": "test-key"}


@pytest.fixture
def client(shop):
    with TestClient(create_app(shop=shop)) as c:
        yield c


def _open(shop, user="u1", text="card 4111 1111 1111 1111 was charged twice"):
    return Tickets(shop.store).create("conv-1", user, text, [{"role": "user", "text": text}])


def test_tickets_need_the_admin_key(client, shop):
    _open(shop)
    assert client.get("/api/tickets").status_code == 401
    assert client.get("/api/tickets", headers={"X-API-Key": "wrong"}).status_code == 403


def test_list_read_and_close_a_ticket(client, shop):
    a = _open(shop, user="u1")
    b = _open(shop, user="u2", text="where is my parcel")
    listed = client.get("/api/tickets", headers=KEY).json()
    assert {t["id"] for t in listed} == {a["id"], b["id"]}
    assert "4111" not in json.dumps(listed)  # masked before it was stored
    assert [t["id"] for t in client.get("/api/tickets?user=u2", headers=KEY).json()] == [b["id"]]

    r = client.patch(f"/api/tickets/{a['id']}", json={"status": "closed", "note": "refunded the double charge"},
                     headers=KEY)
    assert r.status_code == 200
    closed = r.json()
    assert closed["status"] == "closed" and closed["notes"][0]["text"] == "refunded the double charge"
    assert closed["updated_at"] >= closed["created_at"]
    assert [t["id"] for t in client.get("/api/tickets?status=open", headers=KEY).json()] == [b["id"]]
    assert client.get(f"/api/tickets/{a['id']}", headers=KEY).json()["status"] == "closed"


def test_bad_updates_are_refused_and_change_nothing(client, shop):
    a = _open(shop)
    r = client.patch(f"/api/tickets/{a['id']}", json={"status": "solved"}, headers=KEY)
    assert r.status_code == 422 and "status" in r.text
    assert client.patch(f"/api/tickets/{a['id']}", json={"status": "closed", "extra": 1}, headers=KEY).status_code == 422
    assert client.patch("/api/tickets/T-NOPE", json={"status": "closed"}, headers=KEY).status_code == 404
    assert client.get("/api/tickets/T-NOPE", headers=KEY).status_code == 404
    assert shop.store.get_ticket(a["id"]).status == "open"
    with pytest.raises(sqlite3.IntegrityError):  # the same id twice: the first ticket is kept as it was
        shop.store.add_ticket(TicketIn(id=a["id"], conversation_id="c2", reason="other"))
    assert shop.store.get_ticket(a["id"]).reason == a["reason"]


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "shopmind.cli", *args], capture_output=True, text=True, timeout=120)


def test_cli_lists_and_sets_status(shop):
    a = _open(shop)
    home = ["--home", str(shop.settings.home)]
    r = _cli(*home, "tickets", "list", "--json")
    assert r.returncode == 0, r.stderr
    assert [t["id"] for t in json.loads(r.stdout)] == [a["id"]]
    r = _cli(*home, "tickets", "set", a["id"], "pending", "--note", "waiting for the carrier")
    assert r.returncode == 0, r.stderr
    assert shop.store.get_ticket(a["id"]).status == "pending"
    r = _cli(*home, "tickets", "set", a["id"], "done")
    assert r.returncode == 2 and "STATUS must be one of open, pending, closed" in r.stderr
    assert _cli(*home, "tickets", "show", "T-NOPE").returncode == 1
