"""The security suite's server answers as the real app does (a smoke check of the fixture)."""


def test_health_and_search(anon):
    assert anon.get("/api/health").json()["status"] == "ok"
    r = anon.get("/api/search", params={"q": "phone"})
    assert r.status_code == 200 and r.json()["results"]
