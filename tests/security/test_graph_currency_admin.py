"""The exchange-rate setting (which decides what "under $100" returns) is admin-only; hostile query
strings for the graph-linked filters are clear 4xx, never a 500."""

from __future__ import annotations


def test_only_the_admin_sets_exchange_rates(anon, admin):
    before = anon.get("/api/search/currency").json()
    r = anon.put("/api/search/currency", json={"base": "CNY", "rates": {"USD": 0.01}})
    assert r.status_code in (401, 403)
    assert anon.get("/api/search/currency").json() == before
    bad = admin.put("/api/search/currency", json={"base": "yuan!", "rates": {}})
    assert bad.status_code == 422 and "base" in bad.text


def test_hostile_graph_filters_are_4xx(anon):
    for field, params in (("class", {"q": "x", "class": "' OR 1=1 --"}), ("currency", {"q": "x", "currency": "<script>"}),
                          ("class", {"q": "手机", "class": "phone" * 200})):
        r = anon.get("/api/search", params=params)
        assert r.status_code == 422, (params, r.status_code)
        assert field in r.text  # the message names the field
