"""The one error shape on a bare shop served by uvicorn: an unexpected exception, the OpenAPI
declaration of the errors, field paths the way the client wrote them."""

from __future__ import annotations

import logging

import httpx
import pytest

from shopmind.api.errors import ERROR_RESPONSES, field_path

KEY = "shape-key"


@pytest.fixture(scope="module")
def bare(tmp_path_factory):
    from shopmind.api import create_app
    from shopmind.config import Settings
    from shopmind.shop import Shop
    from shopmind.testing.live import serve_app

    shop = Shop(Settings(home=tmp_path_factory.mktemp("bare"), admin_key=KEY))
    app = create_app(shop=shop)

    @app.get("/api/test-boom", include_in_schema=False)
    def boom() -> dict:
        raise RuntimeError("kaboom in a route")

    srv = serve_app(app, shop, KEY)
    yield srv
    srv.stop()
    shop.close()


def test_an_unexpected_exception_is_a_logged_json_500_on_a_live_connection(bare, caplog):
    with caplog.at_level(logging.ERROR, logger="shopmind.api"), httpx.Client(base_url=bare.url) as c:
        first = c.get("/api/test-boom")
        again = c.get("/api/health")  # same keep-alive connection: it was not dropped
    assert first.status_code == 500 and first.headers["content-type"].startswith("application/json")
    body = first.json()
    assert body["error"].startswith("internal server error (reference ") and body["errors"] == []
    assert "kaboom" not in first.text  # the reason stays in the log, not in the reply
    assert again.status_code == 200
    ref = body["error"].split("reference ")[1].rstrip(")")
    logged = [r for r in caplog.records if ref in r.getMessage()]
    assert logged and logged[0].exc_info and "kaboom in a route" in str(logged[0].exc_info[1])


def test_every_operation_declares_the_error_shape(bare):
    spec = httpx.get(f"{bare.url}/openapi.json").json()
    assert "ErrorBody" in spec["components"]["schemas"]
    ops = [(p, m, op) for p, item in spec["paths"].items() for m, op in item.items()]
    assert len(ops) > 30
    for path, method, op in ops:
        for code in ERROR_RESPONSES:
            content = op["responses"][str(code)]["content"]
            # (/api/metrics answers text, so FastAPI files its errors under text/plain)
            ref = content.get("application/json", content.get("text/plain"))["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), (method, path, code)


@pytest.mark.parametrize("loc,expected", [
    (("body", "items", 3, "price"), "items[3].price"), (("body", 0, "position"), "[0].position"),
    (("query", "offset"), "offset"), (("body",), "body"), (("path", "product_id"), "product_id"),
    (("body", "attributes", "colour"), "attributes.colour"),
])
def test_field_paths_read_as_written(loc, expected):
    assert field_path(loc) == expected


def test_framework_errors_share_the_shape(bare):
    with httpx.Client(base_url=bare.url) as c:
        for r, status in [(c.get("/api/nowhere"), 404), (c.delete("/api/health"), 405),
                          (c.post("/api/products", json={"id": "x", "title": "x"}), 401),
                          (c.get("/api/products", params={"offset": "99999999999999999999"}), 422)]:
            assert r.status_code == status
            body = r.json()
            assert set(body) == {"error", "errors"} and isinstance(body["error"], str), body
        assert r.json()["errors"][0]["field"] == "offset"
