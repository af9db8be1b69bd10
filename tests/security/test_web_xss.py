"""Hostile text in every field the UI shows never runs as script.

Payloads go into products (title, brand, category, description, attribute keys and values, currency,
image URL, url, id), reviews, documents, merchandising rules, synonyms and search queries through the
admin API of a server of their own (a demo user's name too); then headless Chromium opens the storefront, a search, suggestions,
the product pages, the cart, the chat widget, a document page and every admin tab. Each page is opened
twice: with the CSP as served (no violation may even be attempted) and with the CSP bypassed (the
escaping alone must hold). Nothing may open a dialog, set ``window.__xss``, raise a page error, or leave
an element with an ``on*`` attribute or a ``javascript:`` URL in the DOM. A write refused at the edge (4xx)
is fine; a 5xx is not.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KEY = "xss-test-key"
ART = Path(__file__).resolve().parents[2] / "test-artifacts" / "security"
RUN = "alert(1);window.__xss=1"
P = {
    "img": f'<img src=x onerror="{RUN}">',
    "svg": f'"><svg onload="{RUN}">',
    "single": "'><img src=x onerror=alert(1)>",
    "script": f"</script><script>{RUN}</script>",
    "entity": "&#60;img src=x onerror=alert(1)&#62;",
    "tpl": "${alert(1)}`",
}
ALL = " ".join(P.values())
JS_URL = f"javascript:{RUN}"
WORD = "xsstest"  # every hostile row has it, so searches and the chat find them

PRODUCTS = [
    {"id": "xss-phone-1", "title": f"Xsstest phone {ALL}", "brand": f"Xss {P['img']}",
     "category": f"Electronics > Xss {P['svg']} > Phones", "price": 99, "currency": P["img"], "stock": 5,
     "description": f"Xsstest description {ALL}", "attributes": {f"color {P['img']}": f"red {P['svg']}", "ram": P["script"]},
     "images": [JS_URL]},
    {"id": "xss-phone-2", "title": f"Xsstest phone two {P['svg']}", "brand": P["single"], "category": "Electronics > Phones",
     "price": 120, "currency": P["svg"], "stock": 3, "description": P["entity"], "images": ['x" onerror="alert(1)']},
    {"id": "xss-phone-3", "title": f"Xsstest phone three {P['entity']}", "brand": "Xss", "price": 10, "currency": "USD",
     "category": "Electronics > Phones", "images": [f"data:image/svg+xml,<svg onload='{RUN}'>"]},
]
MAYBE_REFUSED = [  # the edge may reject these (4xx); if stored they must render safely
    {"id": 'xss-4"><img src=x onerror=alert(1)>', "title": "Xsstest phone four", "price": 5, "currency": "USD"},
    {"id": "xss-5", "title": "Xsstest phone five", "url": JS_URL, "price": 5},
]


def _ok_or_refused(r: httpx.Response) -> bool:
    assert r.status_code < 500, f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:300]}"
    return r.status_code < 300


@pytest.fixture(scope="module")
def xss_server(tmp_path_factory):
    """A server of its own (the hostile rows must not leak into other tests), payloads written through the API."""
    from shopmind.testing.live import demo_server

    srv = demo_server(tmp_path_factory.mktemp("xssshop"), KEY, warm_search=True, warm_recs=True,
                      warm_assistant=True, search_workers=0, demo_sign_in=True)
    with httpx.Client(base_url=srv.url, timeout=120, headers={"X-API-Key": KEY}) as admin:
        r = admin.post("/api/products", json=PRODUCTS)
        if not _ok_or_refused(r):
            # the edge refuses hostile currencies and image URLs (422); a row stored before those checks,
            # or written past them, must still render safely: store the same rows unchecked
            assert r.status_code == 422, r.text
            from shopmind.kb.models import ProductIn

            srv.shop.store.upsert_products([ProductIn.model_construct(**p) for p in PRODUCTS], source="test")
            srv.shop.on_products_changed([p["id"] for p in PRODUCTS])
        for p in MAYBE_REFUSED:
            _ok_or_refused(admin.post("/api/products", json=p))
        assert _ok_or_refused(admin.post("/api/users", json={  # names are at most 200 characters
            "id": "xss-user", "name": f"Xsstest {P['img']} {P['svg']} {P['script']}"}))
        _ok_or_refused(admin.post("/api/reviews", json=[
            {"product_id": "xss-phone-1", "rating": 1, "title": f"Xsstest review {ALL}", "text": f"Xsstest {ALL}", "author": P["img"]},
            {"product_id": "xss-phone-1", "rating": 5, "title": P["svg"], "text": P["entity"], "author": P["script"]},
        ]))
        _ok_or_refused(admin.post("/api/documents", json=[
            {"id": "xss-policy", "kind": "policy", "topic": P["img"], "title": f"Xsstest returns policy {ALL}",
             "body": f"Xsstest returns are accepted within 30 days. {ALL}\n\n{P['script']}"},
        ]))
        groups = admin.get("/api/search/synonyms").json()["synonyms"]
        _ok_or_refused(admin.put("/api/search/synonyms", json={"synonyms": groups + [[WORD, P["img"], P["svg"]]]}))
        _ok_or_refused(admin.post("/api/search/rules", json={
            "id": 'r"><img src=x onerror=alert(1)>', "action": "boost", "product_id": "xss-phone-1",
            "query": f"{WORD} {P['img']}", "factor": 2}))
        _ok_or_refused(admin.post("/api/search/rules", json={"action": "pin", "product_id": "xss-phone-2", "query": WORD, "position": 1}))
        # hostile queries inside the dashboard's window (the demo's events end in the past): top queries
        last = max(e.ts for e in srv.shop.store.iter_events(types=["search"]) if e.ts < time.time() - 31 * 86400)
        assert _ok_or_refused(admin.post("/api/events", json=[
            {"type": "search", "session_id": f"s-xss{i}", "query": q, "ts": last - 60 - i}
            for i in range(6) for q in (P["img"], f"{WORD} {P['svg']}")]))
    with httpx.Client(base_url=srv.url, timeout=120) as anon:  # hostile queries from a shopper
        for q in (ALL, P["img"], f"{WORD} {P['svg']}"):
            _ok_or_refused(anon.get("/api/search", params={"q": q}))
        assert _ok_or_refused(anon.post("/api/events", json=[  # the anonymous session cookie's events
            {"type": "view", "product_id": "xss-phone-1"}, {"type": "add_to_cart", "product_id": "xss-phone-2"},
            {"type": "view", "product_id": "xss-phone-2"}]))
    yield srv
    srv.stop()


WATCH = """() => {
  (window.__cspViolations = []);
  document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + (e.sample || "")));
}"""

CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) for (const a of el.attributes) {
    const url = /^(href|src|action|formaction|xlink:href)$/i.test(a.name) && el.tagName !== "LINK";  // the favicon is data:,
    if (/^on/i.test(a.name) || url && /^\\s*(javascript|data|vbscript):/i.test(a.value))
      bad.push(el.tagName + " " + a.name + "=" + a.value.slice(0, 60));
  }
  const inline = [...document.scripts].filter((s) => !s.src).map((s) => s.textContent.slice(0, 60));
  return { xss: window.__xss, violations: window.__cspViolations || [], bad, inline };
}"""


@pytest.fixture(params=["csp", "escaping-only"])
def visit(request, browser, xss_server):
    """visit(path, act=None, name=None): open a page, run act(page), then check nothing ran; returns the page."""
    mode = request.param
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US", bypass_csp=mode != "csp")
    ctx.add_init_script(f"({WATCH})()")
    dialogs: list[str] = []
    errors: list[str] = []

    def go(path: str, act=None, name: str | None = None, ready: str = "body[data-ready]"):
        page = ctx.new_page()
        page.set_default_timeout(30000)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        resp = page.goto(xss_server.url + path)
        csp = resp.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp, csp
        assert resp.headers.get("x-content-type-options") == "nosniff"
        assert resp.headers.get("referrer-policy")
        page.wait_for_selector(ready, state="attached")
        if act:
            act(page)
        page.wait_for_timeout(400)  # let an image error or a load event fire, if anything was injected
        got = page.evaluate(CHECK)
        if name:
            ART.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ART / f"xss-{name}-{mode}.png"), full_page=True)
        assert got["xss"] is None, f"{path}: injected script ran ({mode})"
        assert not dialogs, f"{path}: a dialog opened: {dialogs} ({mode})"
        assert not got["bad"], f"{path}: injected attributes in the DOM: {got['bad']}"
        assert not got["inline"], f"{path}: inline <script> in the DOM: {got['inline']}"
        if mode == "csp":
            assert not got["violations"], f"{path}: something tried to run inline: {got['violations']}"
        assert not errors, f"{path}: page errors: {errors}"
        return page

    yield go
    ctx.close()


def test_storefront_search_and_suggestions(visit):
    page = visit("/?q=" + WORD, name="search")
    titles = page.locator("#result-list .card a.title").all_inner_texts()
    assert any("<img src=x" in t for t in titles), titles  # shown as text
    assert any(b.startswith("Xss <img") for b in page.locator("#result-list .brand-name").all_inner_texts())
    # filtered on the hostile brand: its facet value and the active filter are rendered from the payload
    page = visit("/?q=" + WORD + "&brand=" + quote(PRODUCTS[0]["brand"]), name="search-brand")
    assert page.locator("#result-list .card").count() >= 1 and page.locator("#clear-facets").count() == 1

    def suggest(pg):
        pg.locator("#q").fill("")
        pg.locator("#q").press_sequentially(WORD, delay=20)
        pg.wait_for_selector("#suggest-list:not([hidden]) li")
    visit("/", act=suggest, name="home-suggest")

    def sign_in(pg):  # the demo users menu and "Signed in as <name>" with a hostile user name
        pg.click("#signin-btn")
        pg.click("#signin-menu [data-user='xss-user']")
        pg.wait_for_function("() => document.querySelector('#signin-who').textContent.includes('<img src=x')")
    visit("/", act=sign_in, name="signin")
    page = visit("/?q=" + quote(ALL), name="search-payload")
    assert page.input_value("#q") == ALL


def test_product_pages_cart_and_reviews(visit):
    def cart(pg):
        pg.click("#add-to-cart")
        pg.click("#cart-btn")
        pg.wait_for_selector("#cart-dialog[open] .cart-list li")
    page = visit("/product/xss-phone-1?q=" + quote(P["svg"]), act=cart, name="product")
    assert "<img src=x" in page.inner_text("h1")
    assert "<svg onload" in page.inner_text("nav.crumbs")
    assert page.locator("#reviews .review").count() >= 2
    assert "<img" in page.inner_text(".price.big").lower()  # the currency, as text
    assert page.locator("img.hero").get_attribute("src") == ""  # the javascript: image URL is dropped
    visit("/product/xss-phone-2", name="product-2")
    visit("/product/xss-phone-3")
    visit("/product/" + quote('xss-4"><img src=x onerror=alert(1)>', safe=""))
    visit("/product/xss-5")
    page = visit("/doc/xss-policy", name="doc")
    assert "<img src=x" in page.inner_text("#doc h1")


def test_chat_about_the_hostile_product(visit):
    def chat(pg):
        pg.click("#chat-open")
        for question in ("Tell me about the Xsstest phone", "What is the xsstest returns policy?"):
            n = pg.locator("#chat-log .msg.bot:not(.pending)").count()
            pg.fill("#chat-input", question)
            pg.press("#chat-input", "Enter")
            pg.wait_for_function("n => document.querySelectorAll('#chat-log .msg.bot:not(.pending)').length > n", arg=n)
        # the conversation is re-rendered from sessionStorage on the next page: still as data
        pg.reload()
        pg.wait_for_selector("body[data-ready]")
        pg.click("#chat-open")
        pg.wait_for_selector("#chat-log .msg.user")
    visit("/product/xss-phone-1", act=chat, name="chat")


def test_every_admin_tab(visit, xss_server):
    def admin(pg):
        pg.fill("#admin-key", KEY)
        pg.press("#admin-key", "Enter")
        pg.wait_for_function("() => sessionStorage.getItem('sm.adminKey') !== null")
        pg.fill("#pf-q", WORD)
        pg.press("#pf-q", "Enter")
        pg.click('#products tr[data-id="xss-phone-1"] .history-btn')
        pg.wait_for_selector("#history-table")
        for tab in ("search", "models", "dashboard", "eval"):
            pg.click(f"#tab-{tab}")
            pg.wait_for_selector(f"#panel-{tab}:not([hidden]) > *")
        pg.click("#tab-search")
        pg.wait_for_selector("#rules-table")
        pg.fill("#preview-q", WORD)
        pg.press("#preview-q", "Enter")
        pg.wait_for_selector("#preview-out ol.preview")
        pg.click("#tab-dashboard")
        pg.wait_for_selector("body[data-dashboard=ready]")
    page = visit("/admin#catalog", act=admin, name="admin", ready="#products tbody tr")
    assert "<img src=x" in page.inner_text("#chart-top")  # the hostile query is a chart label, as text
    rows = page.locator("#rules-table tbody tr")
    assert rows.count() >= 2 and "<img src=x" in page.inner_text("#rules-table")


def test_every_page_and_asset_has_the_security_headers(xss_server):
    with httpx.Client(base_url=xss_server.url) as c:
        for path in ("/", "/search", "/product/xss-phone-1", "/doc/xss-policy", "/admin", "/static/common.js", "/static/app.css"):
            r = c.get(path)
            assert r.status_code == 200, path
            csp = r.headers.get("content-security-policy", "")
            assert re.search(r"script-src 'self'(;|$)", csp) and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp, (path, csp)
            assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"], path
        for page in ("store", "product", "doc", "admin"):  # no inline script or handler in the page shells
            html = (Path(__file__).resolve().parents[2] / "shopmind" / "web" / "pages" / f"{page}.html").read_text()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
            assert not re.search(r"\son[a-z]+\s*=", html), page
