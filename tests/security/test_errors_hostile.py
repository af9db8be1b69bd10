"""Hostile input through the real server: never a 5xx, always the one error shape naming the field.

The table holds what was found against the server (overflowing integers, malformed and deep JSON,
unbounded offsets, binary uploads, odd upload names, a numeric mapping) plus more of the same kind.
"""

from __future__ import annotations

import json
import os
import socket
from urllib.parse import urlparse

import pytest

BIG = 2**63
DEEP = "[" * 1000 + "]" * 1000


def assert_shape(r, status: int | tuple[int, ...], field: str | None = None) -> dict:
    """The response is JSON {"error": str, "errors": [{"field", "reason"}]} with the status expected."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert r.status_code in statuses, (r.status_code, r.text[:300])
    body = r.json()
    assert isinstance(body.get("error"), str) and body["error"], body
    assert isinstance(body.get("errors"), list), body
    for e in body["errors"]:
        assert isinstance(e.get("field"), str) and isinstance(e.get("reason"), str), body
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    assert "detail" not in body, body
    return body


@pytest.fixture(scope="module")
def pid(secure_server):
    return secure_server.shop.store.list_products(1, 0, None, None, None, False)[0].id


def P(i: str, **kw) -> dict:
    return {"id": f"hostile-{i}", "title": f"Hostile {i}", **kw}


# (method, path, request kwargs, status(es), field the error must name); "admin" marks the key
CASES = [
    ("post", "/api/products", {"json": P("s1", stock=1e30)}, 422, "stock"),
    ("post", "/api/products", {"json": P("s2", stock=BIG)}, 422, "stock"),
    ("post", "/api/products", {"json": P("s3", stock=-1)}, 422, "stock"),
    ("post", "/api/products", {"json": P("p1", price=1e30)}, 422, "price"),
    ("post", "/api/products", {"json": P("p2", price=-0.5)}, 422, "price"),
    ("post", "/api/products", {"content": '{"id": "x", "title": "x", "price": NaN}',
                               "headers": {"content-type": "application/json"}}, 422, "price"),
    ("post", "/api/products", {"json": [P("b0"), P("b1"), P("b2"), P("b3", price="cheap")]}, 422, "[3].price"),
    ("post", "/api/products", {"json": P("c1", currency="XYZ")}, 422, "currency"),
    ("post", "/api/products", {"json": P("u1", images=["javascript:alert(1)"])}, 422, "images[0]"),
    ("post", "/api/products", {"json": P("u2", images=["data:text/html,<script>x</script>"])}, 422, "images[0]"),
    ("post", "/api/products", {"json": P("i1") | {"id": "a\x00b"}}, 422, "id"),
    ("post", "/api/products", {"json": P("i2") | {"id": "x" * 201}}, 422, "id"),
    ("post", "/api/products", {"json": P("t1") | {"title": "t" * 501}}, 422, "title"),
    ("post", "/api/products", {"json": P("t2") | {"title": "\u202e\u2066"}}, 422, "title"),
    ("post", "/api/products", {"json": P("d1", description="d" * 20_001)}, 422, "description"),
    ("post", "/api/products", {"json": P("a1", attributes={"k": "v" * 20_001})}, 422, "attributes"),
    ("post", "/api/products", {"json": P("a2", attributes={"k": BIG * 4})}, 422, None),
    ("post", "/api/products", {"json": P("a3", attributes={"nested": {"x": 1}})}, 422, None),
    ("post", "/api/products", {"json": P("e1", extra_field=1)}, 422, "extra_field"),
    ("post", "/api/products", {"json": "just a string"}, 422, "body"),
    ("post", "/api/products", {"json": 12}, 422, "body"),
    ("post", "/api/products", {"json": []}, 422, "body"),
    ("post", "/api/products", {"content": '{"id": "x", ', "headers": {"content-type": "application/json"}},
     422, "body"),
    ("post", "/api/products", {"content": b'{"id": "\xff\xfe", "title": "x"}',
                               "headers": {"content-type": "application/json"}}, (400, 422), None),
    ("post", "/api/products", {"content": '{"id": "x", "title": "\\ud800"}',
                               "headers": {"content-type": "application/json"}}, 422, "title"),
    ("post", "/api/products", {"content": DEEP, "headers": {"content-type": "application/json"}}, 422, "body"),
    ("post", "/api/events", {"content": DEEP}, 422, "body"),
    ("post", "/api/products", {"content": "x" * (3 << 20), "headers": {"content-type": "application/json"}},
     413, "body"),
    ("put", "/api/products/{pid}", {"json": P("m1")}, 422, "id"),
    ("patch", "/api/products/{pid}", {"json": {"stock": BIG}}, 422, "stock"),
    ("patch", "/api/products/{pid}", {"json": {"price": 1e30}}, 422, "price"),
    ("patch", "/api/products/{pid}", {"json": {"nope": 1}}, 422, "nope"),
    ("post", "/api/products/{pid}/rollback", {"json": {"rev": BIG}}, 422, "rev"),
    ("post", "/api/products/{pid}/rollback", {"json": {"rev": 1e30}}, 422, "rev"),
    ("post", "/api/products/{pid}/rollback", {"json": {"rev": 10**12}}, 404, None),
    ("post", "/api/events", {"json": {"type": "click", "session_id": "s", "product_id": "{pid}", "position": BIG}},
     422, "position"),
    ("post", "/api/events", {"json": {"type": "click", "session_id": "s", "product_id": "{pid}", "position": 1e30}},
     422, "position"),
    ("get", "/api/products", {"params": {"offset": "99999999999999999999"}}, 422, "offset"),
    ("get", "/api/products", {"params": {"offset": str(BIG)}}, 422, "offset"),
    ("get", "/api/products", {"params": {"limit": "0"}}, 422, "limit"),
    ("get", "/api/products", {"params": {"limit": "1e30"}}, 422, "limit"),
    ("get", "/api/search", {"params": {"q": "x", "page": str(BIG)}}, 422, "page"),
    ("get", "/api/search", {"params": {"q": "q" * 501}}, 422, "q"),
    ("get", "/api/products/{pid}/similar", {"params": {"n": "-1"}}, 422, "n"),
    ("get", "/api/products/does-not-exist", {}, 404, None),
    ("get", "/api/no-such-endpoint", {}, 404, None),
    ("delete", "/api/health", {}, 405, None),
]


@pytest.mark.slow
@pytest.mark.parametrize("method,path,kw,status,field", CASES, ids=[f"{c[0]} {c[1]} #{i}" for i, c in enumerate(CASES)])
def test_hostile_request_gets_the_error_shape(admin, pid, method, path, kw, status, field):
    kw = json.loads(json.dumps(kw).replace("{pid}", pid)) if "json" in kw else kw
    r = admin.request(method.upper(), path.replace("{pid}", pid), **kw)
    assert_shape(r, status, field)


@pytest.mark.slow
def test_a_bad_batch_item_names_its_own_field_not_the_union(admin):
    r = admin.post("/api/products", json=[P("ok"), P("bad", stock="many")])
    body = assert_shape(r, 422, "[1].stock")
    assert "dictionary" not in body["error"] and "ProductIn" not in json.dumps(body)


@pytest.mark.slow
def test_auth_errors_have_the_shape(anon, admin):
    assert_shape(anon.post("/api/products", json=P("x")), 401)
    assert_shape(anon.post("/api/products", json=P("x"), headers={"X-API-Key": "wrong"}), 403)


@pytest.mark.slow
def test_titles_lose_bidi_overrides_and_currency_signs_map_to_iso(admin):
    r = admin.post("/api/products", json=P("bidi", title="Phone \u202egnp.exe\u202c X", currency="¥"))
    assert r.status_code == 200, r.text
    p = admin.get("/api/products/hostile-bidi").json()
    assert p["title"] == "Phone gnp.exe X" and p["currency"] == "CNY"


def _raw_http(url: str, head: str, chunks, read_after: int = 0) -> bytes:
    """Send a request by hand (to stream a body the server may refuse midway); the reply's bytes."""
    u = urlparse(url)
    with socket.create_connection((u.hostname, u.port), timeout=30) as s:
        s.sendall(head.encode())
        try:
            for c in chunks:
                s.sendall(c)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused before we were done: the reply is what matters
        out = b""
        while b"\r\n\r\n" not in out or len(out) < read_after:
            part = s.recv(65536)
            if not part:
                break
            out += part
        return out


@pytest.mark.slow
def test_oversized_bodies_are_refused_before_they_are_read(secure_server):
    key = secure_server.key
    # Content-Length says 200 MB: refused at once, nothing of the body sent
    head = (f"POST /api/products HTTP/1.1\r\nHost: t\r\nX-API-Key: {key}\r\n"
            "Content-Type: application/json\r\nContent-Length: 209715200\r\n\r\n")
    reply = _raw_http(secure_server.url, head, [], read_after=200)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
    assert b'"error"' in reply
    # no Content-Length (chunked): counted while it streams, refused past the limit
    head = (f"POST /api/products HTTP/1.1\r\nHost: t\r\nX-API-Key: {key}\r\n"
            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    reply = _raw_http(secure_server.url, head, (chunk for _ in range(64)), read_after=200)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


def _last_ingest_job(admin) -> dict:
    return admin.get("/api/jobs", params={"kind": "ingest", "limit": 1}).json()[0]


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


@pytest.mark.slow
@pytest.mark.parametrize("name,content", [("x.csv", PNG), ("x.jsonl", PNG), ("blob.csv", os.urandom(200_000)),
                                          ("x.json", DEEP.encode())])
def test_a_file_that_is_not_text_is_one_error_and_a_failed_job(admin, name, content):
    r = admin.post("/api/ingest", files={"file": (name, content)})
    body = assert_shape(r, 422, "file")
    assert len(body["errors"]) == 1 and "/tmp" not in body["error"]
    job = _last_ingest_job(admin)
    assert job["status"] == "failed" and job["message"], job


@pytest.mark.slow
def test_undecodable_bytes_in_an_error_message_are_escaped_not_a_500(admin):
    r = admin.post("/api/ingest", files={"file": ("dup.csv", b"id,\xff,\xff\n1,2,3\n")})
    body = assert_shape(r, 422, "file")
    assert "duplicate column" in body["error"] and "\\udcff" in body["error"]
    assert _last_ingest_job(admin)["status"] == "failed"


@pytest.mark.slow
@pytest.mark.parametrize("name", [".", "..", "../../etc/passwd", "a/b\\c.csv", "\x00.csv", ""])
def test_odd_upload_names_are_sanitized(admin, name):
    r = admin.post("/api/ingest", files={"file": (name, b"id,title\nhostile-up1,Uploaded thing\n")},
                   data={"index": "false"})
    assert r.status_code < 500, r.text
    if r.status_code == 200:
        assert r.json()["inserted"] + r.json()["unchanged"] + r.json()["updated"] == 1
    else:
        assert_shape(r, 422)


@pytest.mark.slow
@pytest.mark.parametrize("mapping", ['{"name": 5}', '{"name": ["title"]}', '["title"]', '{"name": "nofield"}', "{oops"])
def test_bad_mappings_are_a_422_on_mapping(admin, mapping):
    r = admin.post("/api/ingest", files={"file": ("m.csv", b"id,name\nhostile-m1,Mapped\n")},
                   data={"mapping": mapping, "index": "false"})
    assert_shape(r, 422, "mapping")


@pytest.mark.slow
def test_gbk_csv_ingests_and_the_report_names_the_encoding(admin):
    text = "id,title,price,currency\nhostile-gbk1,华为 Mate 60 Pro 手机 黑色,6999,元\nhostile-gbk2,小米 充电宝 移动电源,129,￥\n"
    r = admin.post("/api/ingest", files={"file": ("excel.csv", text.encode("gbk"))}, data={"index": "false"})
    assert r.status_code == 200, r.text
    rep = r.json()
    assert (rep["inserted"] + rep["updated"] + rep["unchanged"], rep["rejected"]) == (2, 0), rep
    assert rep["encodings"] == ["gb18030"]
    p = admin.get("/api/products/hostile-gbk1").json()
    assert p["title"] == "华为 Mate 60 Pro 手机 黑色" and p["currency"] == "CNY"


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


@pytest.mark.slow
def test_fifty_megabytes_of_random_bytes_fail_fast_in_bounded_memory(admin):
    data = os.urandom(50 << 20)
    before = _rss_mb()
    r = admin.post("/api/ingest", files={"file": ("random.csv", data)})
    grown = _rss_mb() - before
    assert_shape(r, 422, "file")
    assert _last_ingest_job(admin)["status"] == "failed"
    assert grown < 200, f"server memory grew {grown:.0f} MB for a 50 MB upload"
