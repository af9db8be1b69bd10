// Product page: details, stock, attributes, reviews with the sentiment/aspect summary, recommendation rails.
import { addToCart, api, fmtPrice, fmtTime, notice, onIdentityChange, onLangChange, t, track } from "./common.js";
import { mountHeader } from "./header.js";
import { html, setHtml } from "./html.js";
import { loadRail } from "./rails.js";

const $ = (id) => document.getElementById(id);
const productId = decodeURIComponent(location.pathname.replace(/^\/product\//, "").replace(/\/$/, ""));
const fromQuery = new URLSearchParams(location.search).get("q") || undefined;
let product = null;

function num(x) { return typeof x === "number" && isFinite(x) ? x : (typeof x === "string" && x.trim() !== "" && !isNaN(+x) ? +x : null); }

/** Find the review-sentiment part of the enrichment, whatever step name the text engine used. */
export function sentimentOf(enr) {
  if (!enr || typeof enr !== "object") return null;
  for (const k of ["review_sentiment", "sentiment", "reviews", "review_summary", "aspects"]) {
    const v = enr[k];
    if (v && typeof v === "object") return k === "aspects" ? { aspects: v } : v;
  }
  for (const [k, v] of Object.entries(enr)) if (/sentiment|review/i.test(k) && v && typeof v === "object") return v;
  return null;
}

function aspectsOf(s) {
  const a = s.aspects || s.aspect || s.topics;
  if (!a) return [];
  const norm = (name, v) => {
    if (typeof v === "number") return { name, score: v };
    return { name: name ?? v.aspect ?? v.name ?? v.label, pos: num(v.positive ?? v.pos), neg: num(v.negative ?? v.neg),
      n: num(v.mentions ?? v.count ?? v.n), score: num(v.score ?? v.sentiment), examples: v.examples || v.snippets };
  };
  return Array.isArray(a) ? a.map((v) => norm(undefined, v)) : Object.entries(a).map(([k, v]) => norm(k, v));
}

function bar(pos, neu, neg) {
  const tot = (pos || 0) + (neu || 0) + (neg || 0) || 1;
  const pct = (x) => Math.round(100 * (x || 0) / tot);
  // an SVG bar: widths are attributes, so no inline style is needed (the CSP has no 'unsafe-inline')
  return html`<svg class="sentbar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${t("sent.pos")} ${pct(pos)}%, ${t("sent.neu")} ${pct(neu)}%, ${t("sent.neg")} ${pct(neg)}%">
    <rect class="pos" x="0" width="${pct(pos)}" height="10"></rect><rect class="neu" x="${pct(pos)}" width="${pct(neu)}" height="10"></rect><rect class="neg" x="${pct(pos) + pct(neu)}" width="${100 - pct(pos) - pct(neu)}" height="10"></rect></svg>
    <p class="legend"><span class="dot pos"></span>${t("sent.pos")} ${pct(pos)}% · <span class="dot neu"></span>${t("sent.neu")} ${pct(neu)}% · <span class="dot neg"></span>${t("sent.neg")} ${pct(neg)}%</p>`;
}

function renderSentiment(enr, reviews) {
  const body = $("sentiment").querySelector(".body");
  const s = sentimentOf(enr);
  const parts = [];
  if (s) {
    const counts = s.counts || s;
    const pos = num(counts.positive ?? counts.pos), neg = num(counts.negative ?? counts.neg), neu = num(counts.neutral ?? counts.neu);
    if (pos != null || neg != null) parts.push(bar(pos, neu, neg));
    else if (num(s.score ?? s.mean) != null) parts.push(bar(num(s.score ?? s.mean), 0, 1 - num(s.score ?? s.mean)));
    if (s.summary || s.text) parts.push(html`<p class="summary">${s.summary || s.text}</p>`);
    const aspects = aspectsOf(s);
    if (aspects.length) {
      parts.push(html`<h3>${t("aspects")}</h3><ul class="aspects">${aspects.slice(0, 12).map((a) => {
        const good = a.pos != null ? a.pos >= (a.neg || 0) : (a.score ?? 0.5) >= 0.5;
        const detail = a.pos != null ? `+${a.pos} / −${a.neg ?? 0}` : a.score != null ? a.score.toFixed(2) : "";
        return html`<li class="aspect ${good ? "good" : "bad"}"><span>${a.name}</span> <small>${detail}</small></li>`;
      })}</ul>`);
    }
  }
  if (!parts.length && reviews.length) {
    // No enrichment yet: summarize the star ratings so the shopper still sees the balance.
    const rated = reviews.filter((r) => r.rating != null);
    if (rated.length) parts.push(bar(rated.filter((r) => r.rating >= 4).length, rated.filter((r) => r.rating === 3).length, rated.filter((r) => r.rating <= 2).length));
  }
  if (!parts.length) notice(body, t("sentiment.none")); else setHtml(body, html`${parts}`);
}

function renderReviews(reviews) {
  const body = $("reviews").querySelector(".body");
  if (!reviews.length) { notice(body, t("reviews.none")); return; }
  const stars = (n) => "★".repeat(Math.max(0, Math.min(5, Math.round(n)))) + "☆".repeat(5 - Math.max(0, Math.min(5, Math.round(n))));
  setHtml(body, html`<ul class="review-list">${reviews.map((r) => html`<li class="review">
      ${r.rating != null ? html`<span class="stars" aria-label="${r.rating}/5">${stars(r.rating)}</span>` : ""}
      ${r.title ? html`<strong>${r.title}</strong>` : ""}<p>${r.text}</p>
      <small>${r.author || ""} ${fmtTime(r.created_at)}</small></li>`)}</ul>`);
}

function renderProduct(p) {
  const stock = p.stock == null ? t("stock.unknown") : p.stock > 0 ? t("stock.in", { n: p.stock }) : t("stock.out");
  const crumbs = (p.category || "").split(">").map((x) => x.trim()).filter(Boolean);
  const crumbLinks = crumbs.map((c, i) => html`${i ? " › " : ""}<a href="${"/?category=" + encodeURIComponent(crumbs.slice(0, i + 1).join(" > "))}">${c}</a>`);
  const attrs = Object.entries(p.attributes || {});
  const title = String(p.title ?? p.id);
  const img = p.images && p.images[0] ? html`<img class="hero" src="${p.images[0]}" alt="${title}">` : html`<div class="hero ph" aria-hidden="true">${title.slice(0, 1)}</div>`;
  const attrValue = (v) => Array.isArray(v) ? v.join(", ") : typeof v === "object" && v !== null ? JSON.stringify(v) : v;
  setHtml($("product"), html`<nav class="crumbs" aria-label="breadcrumb">${crumbLinks}</nav>
    <div class="product-main">${img}
      <div class="buy">
        <h1>${title}</h1>
        ${p.brand ? html`<p class="brand-name">${p.brand}</p>` : ""}
        <p class="price big">${fmtPrice(p.price, p.currency)}</p>
        <p class="stock${p.stock === 0 ? " out" : ""}">${stock}</p>
        <button id="add-to-cart" class="primary">${t("add")}</button>
      </div></div>
    ${p.description ? html`<section class="panel"><h2>${t("description")}</h2><p class="desc">${p.description}</p></section>` : ""}
    ${attrs.length ? html`<section class="panel"><h2>${t("attributes")}</h2><table class="attrs"><tbody>${attrs.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${attrValue(v)}</td></tr>`)}</tbody></table></section>` : ""}`);
  $("add-to-cart").disabled = p.stock === 0;
  $("add-to-cart").addEventListener("click", () => {
    addToCart(p, { query: fromQuery });
    // bought-together and personal recommendations follow the cart
    setTimeout(refreshRails, 300);
  });
  document.title = title + " · shopmind";
}

function refreshRails() {
  loadRail($("together"), "together", productId);
  loadRail($("foryou"), "foryou", productId);
}

async function init() {
  mountHeader("product");
  let enrichment = {};
  try {
    product = await api("/api/products/" + encodeURIComponent(productId));
    enrichment = product.enrichment || {};
    renderProduct(product);
  } catch (e) {
    notice($("product"), e.status === 404 ? t("notfound") + " " + e.message : t("error", { msg: e.message }), "error");
    document.body.dataset.ready = "1";
    return;
  }
  // the view event goes first so the personal rail can already use it
  await track("view", { product_id: productId, query: fromQuery });
  let reviews = [];
  try { reviews = await api(`/api/products/${encodeURIComponent(productId)}/reviews?limit=20`); } catch { reviews = []; }
  renderReviews(reviews);
  renderSentiment(enrichment, reviews);
  await Promise.all([loadRail($("similar"), "similar", productId), loadRail($("together"), "together", productId),
    loadRail($("foryou"), "foryou", productId)]);
  document.body.dataset.ready = "1";
}

onIdentityChange(() => loadRail($("foryou"), "foryou", productId));
onLangChange(() => { if (product) { renderProduct(product); refreshRails(); loadRail($("similar"), "similar", productId); } });
$("search-form").addEventListener("submit", (e) => { e.preventDefault(); location.href = "/?q=" + encodeURIComponent($("q").value.trim()); });
init();
