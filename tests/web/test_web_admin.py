"""Admin console in headless Chromium: upload with a bad row reported, history and rollback, dashboard
charts, models/jobs, search tuning and evaluation tabs."""

from __future__ import annotations

import json

import httpx
import pytest

pytestmark = pytest.mark.browser

CSV = (
    "id,title,brand,category,price,currency,stock\n"
    "web-kettle-1,Acme Glass Kettle 1.7L,Acme,Home Appliances > Kitchen > Kettles,39.9,USD,5\n"
    "web-kettle-2,,Acme,Home Appliances > Kitchen > Kettles,12,USD,3\n"
    "web-kettle-3,Acme Steel Kettle,Acme,Home Appliances > Kitchen > Kettles,-5,USD,3\n"
)


def _login(page, key: str, tab: str = "catalog") -> None:
    # (string predicates are written as functions: the CSP forbids eval, which plain expressions need)
    page.goto(page.base + f"/admin#{tab}")
    page.fill("#admin-key", key)
    page.press("#admin-key", "Enter")
    page.wait_for_function("() => sessionStorage.getItem('sm.adminKey') !== null")


def test_upload_reports_the_bad_rows(page, live_server, shot, tmp_path):
    f = tmp_path / "catalog.csv"
    f.write_text(CSV, encoding="utf-8")
    _login(page, live_server.key)
    page.set_input_files("#upload-file", str(f))
    page.uncheck("#upload-index")  # the background index refresh is tested by its owner; keep this test short
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-report #rejected-rows")
    assert page.inner_text("#rejected-count b") == "2"
    rows = page.locator("#rejected-rows tbody tr").all_inner_texts()
    assert any("3" in r and "title" in r for r in rows), rows  # row 3: missing title
    assert any("4" in r and "price" in r and "negative" in r for r in rows), rows
    shot(page, "admin-upload")
    # the good row is stored, the bad ones are not
    assert live_server.shop.store.get_product("web-kettle-1") is not None
    assert live_server.shop.store.get_product("web-kettle-3") is None


def test_history_and_rollback(page, live_server, shot):
    pid = "xiaomi-14-01"
    api = httpx.Client(base_url=live_server.url, headers={"X-API-Key": live_server.key})
    original = api.get(f"/api/products/{pid}").json()["price"]
    assert api.patch(f"/api/products/{pid}", json={"price": original + 100}).status_code == 200
    assert api.patch(f"/api/products/{pid}", json={"price": original + 200, "stock": 0}).status_code == 200
    first_rev = api.get(f"/api/products/{pid}/history").json()[0]["rev"]
    _login(page, live_server.key)
    page.fill("#pf-q", "小米14")
    page.press("#pf-q", "Enter")
    page.click(f'#products tr[data-id="{pid}"] .history-btn')
    page.wait_for_selector("#history-table")
    assert page.locator("#history-table tbody tr").count() >= 3
    assert "price" in page.inner_text("#history-table")  # the diff names the changed field
    page.click(f'#history-table .rollback-btn[data-rev="{first_rev}"]')
    page.wait_for_function("() => document.querySelector('#history-status').textContent.length > 0")
    assert str(first_rev) in page.inner_text("#history-status")
    shot(page, "admin-rollback")
    after = api.get(f"/api/products/{pid}").json()
    assert after["price"] == original and after["stock"] != 0
    assert api.get(f"/api/products/{pid}/history").json()[-1]["op"] == "rollback"


def test_dashboard_renders_its_charts(page, live_server, shot):
    _login(page, live_server.key, "dashboard")
    page.wait_for_selector("body[data-dashboard=ready]")
    assert page.locator("#chart-volume svg polyline.series").count() == 1
    assert page.locator("#chart-ctr svg polyline.series").count() == 1
    assert page.locator("#chart-top svg rect.bar").count() >= 5
    assert page.locator("#chart-epm svg rect.bar").count() >= 1
    assert page.locator("#chart-sentiment svg polyline.series").count() >= 3
    assert page.locator("#alerts h2").count() == 1
    kpis = page.locator(".kpi b").all_inner_texts()
    assert kpis[0] != "0" and "%" in kpis[2]  # searches in the window, a click-through rate
    shot(page, "admin-dashboard")


def test_models_search_tuning_and_eval_tabs(page, live_server, shot):
    home = live_server.shop.settings.home
    (home / "eval").mkdir(exist_ok=True)
    (home / "eval" / "recs.json").write_text(json.dumps(
        {"dataset": "demo", "models": {"popular": {"hr@10": 0.21, "ndcg@10": 0.11},
                                       "itemknn": {"hr@10": 0.34, "ndcg@10": 0.19}}}), encoding="utf-8")
    _login(page, live_server.key, "models")
    page.wait_for_selector("#jobs-table tbody tr")
    assert "products" in page.inner_text("#kb-stats")
    page.keyboard.press("Tab")
    page.click("#tab-search")
    page.wait_for_selector("#syn-text")
    page.wait_for_function("() => document.querySelector('#syn-text').value.length > 0")
    # preview: a pin rule for a query moves that product to the top, shown before/after
    page.fill("#preview-q", "headphones")
    page.click("#preview-form button")
    page.wait_for_selector("#preview-out ol")
    page.select_option("#rule-action", "pin")
    page.fill("#rule-product", "bose-qcultra-01")
    page.fill("#rule-query", "headphones")
    page.click("#rule-form button")
    page.wait_for_selector("#preview-out[data-changes='1']")
    assert page.locator("#rules-table tbody tr").count() == 1
    after_first = page.locator("#preview-out > div").nth(1).locator("li").first.inner_text()
    assert "Bose" in after_first and "pin" in after_first
    shot(page, "admin-search-tuning")
    page.click("#tab-eval")
    page.wait_for_selector(".eval-table")
    assert "itemknn" in page.inner_text(".eval-table") and page.locator("#panel-eval svg rect.bar").count() == 2
    shot(page, "admin-eval")
    # tabs are keyboard navigable
    page.focus("#tab-eval")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.id") == "tab-dashboard"
