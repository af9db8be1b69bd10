"""Storefront in headless Chromium: search with a facet click, suggestions by keyboard, language
switch, phone layout, product page with recommendations, events sent, chat with a citation."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def _ready(page):
    page.wait_for_selector("body[data-ready]")


def test_search_with_a_facet_click(page, live_server, shot):
    assert live_server.warm["search"].startswith("ok"), live_server.warm["search"]
    posted = []
    page.on("request", lambda r: posted.append(r.post_data or "") if r.method == "POST" and "/api/events" in r.url else None)
    page.goto(page.base + "/?q=phone")
    _ready(page)
    assert page.locator("#search-notice .notice").count() == 0  # the real search answered
    count_all = int(re.search(r"\d+", page.inner_text("#result-count")).group())
    assert count_all > 10 and page.locator("#result-list .card").count() == 12
    # click the first brand facet: every result is then of that brand and there are fewer of them
    box = page.locator("#facet-brand input[type=checkbox]").first
    brand = box.get_attribute("data-value")
    box.check()
    page.wait_for_url(re.compile(r"brand="))
    page.wait_for_function("n => !document.querySelector('#result-count').textContent.startsWith(n + ' ')", arg=str(count_all))
    brands = page.locator("#result-list .card .brand-name").all_inner_texts()
    assert brands and set(brands) == {brand}
    assert page.locator(f'#facet-brand input[data-value="{brand}"]').is_checked()
    shot(page, "storefront-search")
    # the product link click is recorded as a click event with the query and position
    first = page.locator("#result-list .card").first
    pid = first.get_attribute("data-id")
    first.locator("a.title").click()
    page.wait_for_url(re.compile(r"/product/"))
    _ready(page)
    clicks = live_server.events("click", pid)
    assert clicks and clicks[-1].query == "phone" and clicks[-1].position == 0
    # /api/search records the search event itself: the page must not send a second one
    assert posted and not any('"search"' in b for b in posted), posted


def test_suggestions_keyboard_language_and_phone_layout(page, live_server, shot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base + "/")
    _ready(page)
    page.locator("#q").press_sequentially("hea", delay=30)
    page.wait_for_selector("#suggest-list:not([hidden]) li")
    first = page.locator("#suggest-list li").first.get_attribute("data-text")
    page.locator("#q").press("ArrowDown")
    assert page.get_attribute("#q", "aria-activedescendant") == "sugg-0"
    page.locator("#q").press("Enter")
    page.wait_for_url(re.compile(r"q="))
    page.wait_for_function("q => document.querySelector('#q').value === q", arg=first)
    # the UI strings follow the language switch, and the choice is kept
    page.select_option("#lang-switch", "zh")
    assert page.inner_text("#search-form button[type=submit]") == "搜索"
    assert page.get_attribute("html", "lang") == "zh-CN"
    # phone-sized: one column, facets folded behind their toggle, no horizontal scrolling
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.get_attribute("#facets-toggle", "aria-expanded") == "false"
    shot(page, "storefront-phone-zh")
    # a misspelled query offers the correction as a link
    page.goto(page.base + "/?q=headphnes")
    _ready(page)
    assert page.inner_text("#search-form button[type=submit]") == "搜索"
    assert page.inner_text("#dym-link") == "headphones"


def _rail_ids(page, rail: str) -> list[str]:
    page.wait_for_selector(f"#{rail}[data-state]:not([data-state=loading])")
    return page.locator(f"#{rail} .card").evaluate_all("els => els.map(e => e.dataset.id)")


def test_product_page_shows_recommendations_and_sends_events(page, live_server, shot):
    assert live_server.warm["recommender"].startswith("ok"), live_server.warm["recommender"]
    page.goto(page.base + "/")
    _ready(page)
    before = _rail_ids(page, "foryou")
    pid = "sony-wh1000xm5-01"
    page.goto(page.base + f"/product/{pid}")
    _ready(page)
    assert pid in page.url and page.inner_text("h1")
    assert page.locator("table.attrs tr").count() > 3
    assert "%" in page.inner_text("#sentiment")  # the review sentiment summary
    assert page.locator("#reviews .review").count() > 0
    for rail in ("similar", "together", "foryou"):
        ids = _rail_ids(page, rail)
        assert page.get_attribute(f"#{rail}", "data-state") == "ready", page.inner_text(f"#{rail}")
        assert ids and pid not in ids
    reasons = page.locator("#similar .card .reason").all_inner_texts()
    assert reasons and all(r.strip() for r in reasons)  # every recommendation explains itself
    shot(page, "product-page")
    views = live_server.events("view", pid)
    assert views and views[-1].session_id  # the shopmind_sid cookie's session; the page sends no id
    page.click("#add-to-cart")
    page.wait_for_function("() => document.querySelector('#cart-count').textContent === '1'")
    page.wait_for_function("() => window.__smEvents >= 2")
    page.wait_for_timeout(300)
    assert live_server.events("add_to_cart", pid)
    # recommendations follow the browsing: the storefront rail is not the cold-start one any more
    page.goto(page.base + "/")
    _ready(page)
    after = _rail_ids(page, "foryou")
    assert after and after != before


def test_chat_exchange_with_a_citation(page, live_server, shot):
    assert live_server.warm["assistant"].startswith("ok"), live_server.warm["assistant"]
    page.goto(page.base + "/")
    _ready(page)
    page.focus("#chat-open")
    page.keyboard.press("Enter")  # keyboard: open, type, Enter sends
    page.wait_for_selector("#chat-panel:not([hidden])")
    assert page.evaluate("document.activeElement.id") == "chat-input"
    page.keyboard.type("What is your return policy?")
    page.keyboard.press("Enter")
    page.wait_for_selector("#chat-log .msg.bot .citation")
    reply = page.locator("#chat-log .msg.bot").last
    assert "return" in reply.inner_text().lower()
    link = reply.locator("a.citation").first
    href = link.get_attribute("href")
    assert href.startswith("/doc/")
    shot(page, "chat", full_page=False)
    link.click()
    page.wait_for_url(re.compile(r"/doc/"))
    _ready(page)
    assert "return" in page.inner_text("#doc h1").lower()
    page.keyboard.press("Escape")
