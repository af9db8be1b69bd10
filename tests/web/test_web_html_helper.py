"""The escaping helper (static/html.js) run in Node, and a check that no page script writes markup
any other way."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[2] / "shopmind" / "web" / "static"

CASES = r"""
import { html, join, safeUrl, setHtml, escapeHtml } from "%s";
const out = {};
const bad = '<img src=x onerror="alert(1)">';
out.text = String(html`<p>${bad}</p>`);
out.attr = String(html`<a title="${'" onmouseover="x'}">t</a>`);
out.single = String(html`<a title='${"' onclick='x"}'>t</a>`);
out.nested = String(html`<ul>${["a<b", "c"].map((x) => html`<li>${x}</li>`)}</ul>`);
out.plainArray = String(html`<p>${["<i>", "x"]}</p>`);
out.falsy = String(html`<p>${null}${undefined}${false}${0}</p>`);
out.jsHref = String(html`<a href="${"javascript:alert(1)"}">x</a>`);
out.fragHref = String(html`<a href="${html`javascript:alert(1)`}">x</a>`);
out.srcData = String(html`<img src="${"data:image/svg+xml,<svg onload=alert(1)>"}">`);
out.okHref = String(html`<a href="${"/product/a?b=1&c=2"}">x</a>`);
out.okAbs = String(html`<img src="${"https://cdn.example/x.png"}">`);
out.urls = ["http://a.b/c", "HTTPS://a.b", "/p/1", "?q=1", "#top", "//evil.example/x", "/\\evil.example",
  " javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "vbscript:x", "https:/x", "relative/path", ""].map(safeUrl);
out.joined = String(join([html`<b>1</b>`, "<2>"], html`<br>`));
out.entity = escapeHtml("&#60;img&#62; `x`");
try { html`<a title=${"x onclick=alert(1)"}>`; out.unquoted = "allowed"; } catch (e) { out.unquoted = "refused"; }
const el = { innerHTML: "" };
try { setHtml(el, "<b>raw</b>"); out.setRaw = "allowed"; } catch (e) { out.setRaw = "refused"; }
setHtml(el, html`<b>${bad}</b>`); out.set = el.innerHTML;
console.log(JSON.stringify(out));
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    f = tmp_path_factory.mktemp("htmljs") / "cases.mjs"
    f.write_text(CASES % (STATIC / "html.js").as_uri(), encoding="utf-8")
    done = subprocess.run([node, str(f)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_values_are_escaped_and_fragments_are_not(results):
    assert results["text"] == "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>"
    assert results["attr"] == '<a title="&quot; onmouseover=&quot;x">t</a>'
    assert results["single"] == "<a title='&#39; onclick=&#39;x'>t</a>"
    assert results["nested"] == "<ul><li>a&lt;b</li><li>c</li></ul>"
    assert results["plainArray"] == "<p>&lt;i&gt;x</p>"
    assert results["falsy"] == "<p>0</p>"
    assert results["joined"] == "<b>1</b><br>&lt;2&gt;"
    assert results["entity"] == "&amp;#60;img&amp;#62; &#96;x&#96;"  # entities stay text


def test_only_http_and_site_relative_urls_reach_href_and_src(results):
    assert results["jsHref"] == '<a href="">x</a>'
    assert results["fragHref"] == '<a href="">x</a>'  # a fragment is no way around the URL check
    assert results["srcData"] == '<img src="">'
    assert results["okHref"] == '<a href="/product/a?b=1&amp;c=2">x</a>'
    assert results["okAbs"] == '<img src="https://cdn.example/x.png">'
    assert results["urls"] == ["http://a.b/c", "HTTPS://a.b", "/p/1", "?q=1", "#top", "", "", "", "", "", "", "", "", ""]


def test_raw_strings_and_unquoted_attributes_are_refused(results):
    assert results["setRaw"] == "refused" and results["unquoted"] == "refused"
    assert results["set"] == "<b>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</b>"


def test_no_script_writes_markup_outside_the_helper():
    """innerHTML/outerHTML/insertAdjacentHTML/document.write appear only in html.js."""
    sink = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|createContextualFragment")
    for f in sorted(STATIC.glob("*.js")):
        if f.name == "html.js":
            continue
        hits = [i + 1 for i, line in enumerate(f.read_text(encoding="utf-8").splitlines()) if sink.search(line)]
        assert not hits, f"{f.name} writes markup directly on lines {hits}: use setHtml(el, html`...`)"
