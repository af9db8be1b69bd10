// Storefront search page: suggestions as you type, facets, filters, sorting, pagination, did-you-mean.
import { addToCart, api, ApiError, applyI18n, asProduct, endpointMissing, listOf, notice, onIdentityChange,
  onLangChange, productCard, t, track, trackClicks, fmtPrice } from "./common.js";
import { mountHeader } from "./header.js";
import { html, setHtml, setText } from "./html.js";
import { loadRail } from "./rails.js";

const PAGE_SIZE = 12;
const $ = (id) => document.getElementById(id);
let state = new URLSearchParams(location.search);
let lastData = null;
let inflight = null;
let lastLogged = null;

function params() { return new URLSearchParams(state); }

/** Facets arrive as {field: [{value,count}] | {value: count}} or a list of {field, values}; normalize. */
export function normalizeFacets(f) {
  const out = [];
  const vals = (v) => {
    if (Array.isArray(v)) return v.map((x) => Array.isArray(x) ? { value: x[0], count: x[1] }
      : (typeof x === "object" ? { ...x, value: x.value ?? x.key ?? x.name ?? x.label, count: x.count ?? x.n ?? x.doc_count } : { value: x }));
    if (v && typeof v === "object") return Object.entries(v).map(([value, count]) => ({ value, count }));
    return [];
  };
  const add = (field, values, label) => {
    const kind = /price/.test(field) ? "range" : "terms";
    const vs = vals(values).filter((x) => x.value !== undefined || x.min !== undefined || x.from !== undefined);
    if (vs.length) out.push({ field, label: label || field, kind, values: vs });
  };
  if (Array.isArray(f)) { f.forEach((x) => add(x.field || x.name, x.values || x.buckets, x.label)); return out; }
  if (!f || typeof f !== "object") return out;
  for (const [field, v] of Object.entries(f)) {
    if ((field === "attributes" || field === "attrs") && v && !Array.isArray(v)) {
      for (const [name, av] of Object.entries(v)) add("attr:" + name, Array.isArray(av) ? av : (av.values || av.buckets || av), name);
    } else if (v && !Array.isArray(v) && (v.values || v.buckets)) add(field, v.values || v.buckets, v.label);
    else add(field, v);
  }
  return out;
}

// Filters go to /api/search as brand=, category=, in_stock=true and attr.<name>=value (one value each).
function facetParam(field) { return field.startsWith("attr:") ? "attr." + field.slice(5) : field; }

function isActive(field, value) { return params().get(facetParam(field)) === String(value); }

function toggleFacet(field, value) {
  const key = facetParam(field);
  if (state.get(key) === String(value)) state.delete(key); else state.set(key, String(value));
  state.delete("page");
  go();
}

function setPriceRange(min, max) {
  state.delete("price_min"); state.delete("price_max");
  if (min !== "" && min != null) state.set("price_min", min);
  if (max !== "" && max != null) state.set("price_max", max);
  state.delete("page"); go();
}

function go(push = true) {
  const url = "/?" + state.toString();
  if (push) history.pushState(null, "", url);
  run();
}

function fieldLabel(f) {
  if (f.field === "brand") return t("facet.brand");
  if (f.field === "category") return t("facet.category");
  if (/price/.test(f.field)) return t("facet.price");
  return f.label;
}

function facetHtml(f) {
  if (f.field === "in_stock") {
    const n = (f.values.find((v) => String(v.value) === "true") || {}).count;
    return html`<fieldset class="facet" id="facet-in_stock"><legend>${t("facet.stock")}</legend><label class="check"><input type="checkbox" data-field="in_stock" data-value="true"${isActive("in_stock", "true") ? html` checked` : ""}>
      <span>${t("facet.instock")}</span> <span class="count">${n ?? ""}</span></label></fieldset>`;
  }
  const id = "facet-" + f.field.replace(/[^\w-]/g, "_");
  if (f.kind === "range") {
    return html`<fieldset class="facet" id="${id}"><legend>${fieldLabel(f)}</legend><ul>${f.values.map((v) => {
      const lo = v.min ?? v.from ?? (Array.isArray(v.value) ? v.value[0] : undefined);
      const hi = v.max ?? v.to ?? (Array.isArray(v.value) ? v.value[1] : undefined);
      const label = v.label || (lo != null && hi != null ? `${fmtPrice(lo)} – ${fmtPrice(hi)}` : lo != null ? `≥ ${fmtPrice(lo)}` : `≤ ${fmtPrice(hi)}`);
      return html`<li><button class="facet-value" data-min="${lo ?? ""}" data-max="${hi ?? ""}">${label} <span class="count">${v.count ?? ""}</span></button></li>`;
    })}</ul></fieldset>`;
  }
  const list = html`<ul>${f.values.slice(0, 12).map((v) => html`<li><label class="check"><input type="checkbox" data-field="${f.field}" data-value="${v.value}"${isActive(f.field, v.value) ? html` checked` : ""}>
      <span>${v.value}</span> <span class="count">${v.count ?? ""}</span></label></li>`)}</ul>`;
  if (f.field.startsWith("attr:")) {
    // attribute facets start folded (a phone catalog has many) unless one of them is in use
    const open = f.values.some((v) => isActive(f.field, v.value));
    return html`<details class="facet" id="${id}"${open ? html` open` : ""}><summary>${fieldLabel(f)}</summary>${list}</details>`;
  }
  return html`<fieldset class="facet" id="${id}"><legend>${fieldLabel(f)}</legend>${list}</fieldset>`;
}

function renderFacets(facets) {
  const body = $("facets-body");
  const isFilter = (k) => ["brand", "category", "in_stock", "price_min", "price_max"].includes(k) || k.startsWith("attr.");
  const active = [...params().keys()].some(isFilter);
  const p = params();
  setHtml(body, html`${active ? html`<p><button id="clear-facets" class="linklike" data-i18n="facet.clear"></button></p>` : ""}
    ${facets.map(facetHtml)}
    <fieldset class="facet price-range"><legend>${t("facet.price")}</legend>
    <label class="sr-only" for="pmin" data-i18n="price.min"></label><input id="pmin" type="number" min="0" inputmode="decimal" data-i18n-ph="price.min" value="${p.get("price_min") || ""}">
    <label class="sr-only" for="pmax" data-i18n="price.max"></label><input id="pmax" type="number" min="0" inputmode="decimal" data-i18n-ph="price.max" value="${p.get("price_max") || ""}">
    <button id="price-apply" data-i18n="price.apply"></button></fieldset>`);
  applyI18n(body);
  body.querySelectorAll("input[type=checkbox][data-field]").forEach((cb) =>
    cb.addEventListener("change", () => toggleFacet(cb.dataset.field, cb.dataset.value)));
  body.querySelectorAll("button.facet-value").forEach((b) => b.addEventListener("click", () => setPriceRange(b.dataset.min, b.dataset.max)));
  const pa = $("price-apply"); if (pa) pa.addEventListener("click", () => setPriceRange($("pmin").value, $("pmax").value));
  const cl = $("clear-facets");
  if (cl) cl.addEventListener("click", () => { [...state.keys()].filter((k) => isFilter(k) || k === "page").forEach((k) => state.delete(k)); go(); });
}

function renderPager(total, page, size) {
  const pages = Math.max(1, Math.ceil(total / size));
  const el = $("pager");
  if (pages <= 1) { setHtml(el, html``); return; }
  setHtml(el, html`<button id="prev">${t("page.prev")}</button>
    <span>${t("page.of", { p: page, n: pages })}</span>
    <button id="next">${t("page.next")}</button>`);
  $("prev").disabled = page <= 1; $("next").disabled = page >= pages;
  $("prev").onclick = () => { state.set("page", page - 1); go(); $("results").focus(); };
  $("next").onclick = () => { state.set("page", page + 1); go(); $("results").focus(); };
}

/** Degraded mode when /api/search is not there: list the catalog, filter and facet it in the browser. */
async function fallbackSearch(p) {
  const qs = new URLSearchParams({ limit: "500" });
  if (p.get("q")) qs.set("q", p.get("q"));
  if (p.get("category")) qs.set("category", p.get("category"));
  let items = (await api("/api/products?" + qs)).items;
  const facetsBase = items;
  if (p.get("brand")) items = items.filter((x) => x.brand === p.get("brand"));
  const lo = parseFloat(p.get("price_min")), hi = parseFloat(p.get("price_max"));
  if (!isNaN(lo)) items = items.filter((x) => x.price != null && x.price >= lo);
  if (!isNaN(hi)) items = items.filter((x) => x.price != null && x.price <= hi);
  const sort = p.get("sort");
  if (sort === "price_asc") items.sort((a, b) => (a.price ?? 1e12) - (b.price ?? 1e12));
  if (sort === "price_desc") items.sort((a, b) => (b.price ?? -1) - (a.price ?? -1));
  const count = (key) => { const c = {}; facetsBase.forEach((x) => { if (x[key]) c[x[key]] = (c[x[key]] || 0) + 1; }); return Object.entries(c).sort((a, b) => b[1] - a[1]); };
  const page = Number(p.get("page") || 1);
  return { query: p.get("q") || "", total: items.length, results: items.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
    facets: { brand: count("brand"), category: count("category") }, listing: true };
}

function didYouMean(data) {
  const q = data.query;
  return data.did_you_mean || data.suggestion || data.corrected_query ||
    (q && typeof q === "object" ? (q.did_you_mean || q.corrected || q.suggestion) : null);
}

async function run() {
  const p = params();
  $("q").value = p.get("q") || "";
  $("sort").value = p.get("sort") || "relevance";
  const page = Number(p.get("page") || 1);
  const qs = new URLSearchParams(p);
  qs.set("size", PAGE_SIZE); qs.set("page", page);
  // the search route records the search event; who searched comes from the cookies
  if (inflight) inflight.abort();
  inflight = new AbortController();
  const noticeEl = $("search-notice");
  setText(noticeEl, "");
  let data;
  try {
    qs.sort();
    const first = window.__smFirst;
    window.__smFirst = null;
    if (first && first.qs === qs.toString()) {  // first-search.js already sent this search
      const r = await first.res;
      let body = null; try { body = JSON.parse(r.text); } catch { body = null; }
      if (!r.ok) throw new ApiError(r.status, (body && (body.detail || body.error)) || "HTTP " + r.status);
      data = body;
    } else data = await api("/api/search?" + qs, { signal: inflight.signal });
  } catch (e) {
    if (e.name === "AbortError") return;
    if (endpointMissing(e)) {
      data = await fallbackSearch(p);
      notice(noticeEl, t("search.fallback"), "warn");
    } else { notice(noticeEl, t("error", { msg: e.message }), "error"); data = { results: [], total: 0, facets: {} }; }
  }
  lastData = data;
  const results = listOf(data, ["results", "items", "hits"]).map(asProduct);
  const q = p.get("q") || "";
  $("result-count").textContent = t("search.results", { n: data.total ?? results.length }) +
    (data.took_ms != null ? " · " + t("search.took", { ms: Math.round(data.took_ms) }) : "");
  const list = $("result-list");
  if (!results.length) setHtml(list, html`<p class="empty">${q ? t("search.none", { q }) : t("search.start")}</p>`);
  else setHtml(list, html`${results.map((r, i) => productCard(r, { position: (page - 1) * PAGE_SIZE + i, query: q, list: "search",
    reason: r.explain ? (typeof r.explain === "string" ? r.explain : "") : "" }))}`);
  list.querySelectorAll(".card").forEach((card) => addCartButton(card, results.find((r) => r.id === card.dataset.id), q));
  const dym = didYouMean(data);
  const dymEl = $("did-you-mean");
  if (dym && dym !== q) {
    dymEl.hidden = false;
    setHtml(dymEl, html`${t("search.didyoumean")} <a href="${"/?q=" + encodeURIComponent(dym)}" id="dym-link">${dym}</a>?`);
  } else dymEl.hidden = true;
  renderFacets(normalizeFacets(data.facets));
  renderPager(data.total ?? results.length, page, PAGE_SIZE);
  document.title = (q ? q + " · " : "") + "shopmind";
  // the search event is recorded by /api/search itself; only the degraded catalog listing records it here
  if (data.listing && q && q !== lastLogged) { lastLogged = q; track("search", { query: q, value: data.total }); }
  if (!document.body.dataset.ready) window.__smReadyAt = performance.now();  // page-load benchmark mark
  document.body.dataset.ready = "1";
}

function addCartButton(card, p, q) {
  if (!p) return;
  const b = document.createElement("button");
  b.className = "add"; b.textContent = t("add");
  b.addEventListener("click", () => addToCart(p, { query: q, position: Number(card.dataset.pos) }));
  card.append(b);
}

// ---- suggestions (combobox: arrows move, Enter picks, Escape closes) ----
function setupSuggest() {
  const input = $("q"), box = $("suggest-list");
  let timer, ctrl, active = -1, items = [];
  const close = () => { box.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; };
  const highlight = (i) => {
    active = i;
    box.querySelectorAll("li").forEach((li, j) => li.setAttribute("aria-selected", j === i ? "true" : "false"));
    if (i >= 0) input.setAttribute("aria-activedescendant", "sugg-" + i); else input.removeAttribute("aria-activedescendant");
  };
  const pick = (text) => { input.value = text; close(); state = new URLSearchParams({ q: text }); go(); };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { close(); return; }
    timer = setTimeout(async () => {
      if (ctrl) ctrl.abort(); ctrl = new AbortController();
      try {
        const data = await api("/api/suggest?q=" + encodeURIComponent(q), { signal: ctrl.signal });
        items = listOf(data, ["suggestions", "items", "results"]).map((x) => typeof x === "string" ? { text: x } : { text: x.text ?? x.query ?? x.title ?? x.value, kind: x.type ?? x.kind ?? x.source, id: x.id ?? x.product_id });
      } catch (e) { items = []; }
      items = items.filter((x) => x.text).slice(0, 8);
      if (!items.length || input.value.trim() !== q) { close(); return; }
      const src = (kind) => t("src." + kind) === "src." + kind ? kind : t("src." + kind);
      setHtml(box, html`${items.map((x, i) => html`<li role="option" id="${"sugg-" + i}" aria-selected="false" data-text="${x.text}">${x.text}${x.kind ? html` <small class="src">${src(x.kind)}</small>` : ""}</li>`)}`);
      box.querySelectorAll("li").forEach((li, i) => li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); }));
      box.hidden = false; input.setAttribute("aria-expanded", "true"); active = -1;
    }, 120);
  });
  const choose = (i) => {
    const it = items[i];
    if (it.kind === "product" && it.id) { location.href = "/product/" + encodeURIComponent(it.id); return; }
    pick(it.text);
  };
  input.addEventListener("keydown", (e) => {
    if (box.hidden) return;
    const n = box.querySelectorAll("li").length;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight((active + 1) % n); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight((active - 1 + n) % n); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}

function init() {
  mountHeader("store");
  setupSuggest();
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const q = $("q").value.trim();
    state = new URLSearchParams(q ? { q } : {});
    const s = $("sort").value; if (s && s !== "relevance") state.set("sort", s);
    go();
  });
  $("sort").addEventListener("change", () => { state.set("sort", $("sort").value); state.delete("page"); go(); });
  $("facets-toggle").addEventListener("click", () => {
    const b = $("facets-body"); b.hidden = !b.hidden; $("facets-toggle").setAttribute("aria-expanded", String(!b.hidden));
  });
  if (window.matchMedia("(max-width: 640px)").matches) { $("facets-body").hidden = true; $("facets-toggle").setAttribute("aria-expanded", "false"); }
  trackClicks($("result-list"), (card) => ({ query: params().get("q") || undefined }));
  window.addEventListener("popstate", () => { state = new URLSearchParams(location.search); run(); });
  onLangChange(() => { run(); loadRail($("foryou"), "foryou"); });
  onIdentityChange(() => loadRail($("foryou"), "foryou"));
  // the recommendation rail waits for the results: the search is what the shopper came for
  run().finally(() => loadRail($("foryou"), "foryou"));
}

init();
