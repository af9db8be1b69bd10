// Product page: details, stock, attributes, reviews with the sentiment/aspect summary, recommendation rails.
import { addToCart, api, applyI18n, fmtPrice, fmtTime, h, mountHeader, notice, onLangChange, t, track } from "./common.js";
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
  return `<div class="sentbar" role="img" aria-label="${t("sent.pos")} ${pct(pos)}%, ${t("sent.neu")} ${pct(neu)}%, ${t("sent.neg")} ${pct(neg)}%">
    <span class="pos" style="width:${pct(pos)}%"></span><span class="neu" style="width:${pct(neu)}%"></span><span class="neg" style="width:${pct(neg)}%"></span></div>
    <p class="legend"><span class="dot pos"></span>${t("sent.pos")} ${pct(pos)}% · <span class="dot neu"></span>${t("sent.neu")} ${pct(neu)}% · <span class="dot neg"></span>${t("sent.neg")} ${pct(neg)}%</p>`;
}

function renderSentiment(enr, reviews) {
  const body = $("sentiment").querySelector(".body");
  const s = sentimentOf(enr);
  let html = "";
  if (s) {
    const counts = s.counts || s;
    const pos = num(counts.positive ?? counts.pos), neg = num(counts.negative ?? counts.neg), neu = num(counts.neutral ?? counts.neu);
    if (pos != null || neg != null) html += bar(pos, neu, neg);
    else if (num(s.score ?? s.mean) != null) html += bar(num(s.score ?? s.mean), 0, 1 - num(s.score ?? s.mean));
    if (s.summary || s.text) html += `<p class="summary">${h(s.summary || s.text)}</p>`;
    const aspects = aspectsOf(s);
    if (aspects.length) {
      html += `<h3>${t("aspects")}</h3><ul class="aspects">` + aspects.slice(0, 12).map((a) => {
        const good = a.pos != null ? a.pos >= (a.neg || 0) : (a.score ?? 0.5) >= 0.5;
        const detail = a.pos != null ? `+${a.pos} / −${a.neg ?? 0}` : a.score != null ? a.score.toFixed(2) : "";
        return `<li class="aspect ${good ? "good" : "bad"}"><span>${h(a.name)}</span> <small>${h(detail)}</small></li>`;
      }).join("") + `</ul>`;
    }
  }
  if (!html && reviews.length) {
    // No enrichment yet: summarize the star ratings so the shopper still sees the balance.
    const rated = reviews.filter((r) => r.rating != null);
    if (rated.length) html = bar(rated.filter((r) => r.rating >= 4).length, rated.filter((r) => r.rating === 3).length, rated.filter((r) => r.rating <= 2).length);
  }
  if (!html) notice(body, t("sentiment.none")); else body.innerHTML = html;
}

function renderReviews(reviews) {
  const body = $("reviews").querySelector(".body");
  if (!reviews.length) { notice(body, t("reviews.none")); return; }
  body.innerHTML = `<ul class="review-list">` + reviews.map((r) => `<li class="review">
      ${r.rating != null ? `<span class="stars" aria-label="${r.rating}/5">${"★".repeat(Math.round(r.rating))}${"☆".repeat(5 - Math.round(r.rating))}</span>` : ""}
      ${r.title ? `<strong>${h(r.title)}</strong>` : ""}<p>${h(r.text)}</p>
      <small>${h(r.author || "")} ${fmtTime(r.created_at)}</small></li>`).join("") + `</ul>`;
}

function renderProduct(p) {
  const stock = p.stock == null ? t("stock.unknown") : p.stock > 0 ? t("stock.in", { n: p.stock }) : t("stock.out");
  const crumbs = (p.category || "").split(">").map((x) => x.trim()).filter(Boolean);
  const crumbHtml = crumbs.map((c, i) => `<a href="/?category=${encodeURIComponent(crumbs.slice(0, i + 1).join(" > "))}">${h(c)}</a>`).join(" › ");
  const attrs = Object.entries(p.attributes || {});
  const img = p.images && p.images[0] ? `<img class="hero" src="${h(p.images[0])}" alt="${h(p.title)}">` : `<div class="hero ph" aria-hidden="true">${h(p.title.slice(0, 1))}</div>`;
  $("product").innerHTML = `<nav class="crumbs" aria-label="breadcrumb">${crumbHtml}</nav>
    <div class="product-main">${img}
      <div class="buy">
        <h1>${h(p.title)}</h1>
        ${p.brand ? `<p class="brand-name">${h(p.brand)}</p>` : ""}
        <p class="price big">${fmtPrice(p.price, p.currency)}</p>
        <p class="stock ${p.stock === 0 ? "out" : ""}">${h(stock)}</p>
        <button id="add-to-cart" class="primary" ${p.stock === 0 ? "disabled" : ""}>${t("add")}</button>
      </div></div>
    ${p.description ? `<section class="panel"><h2>${t("description")}</h2><p class="desc">${h(p.description)}</p></section>` : ""}
    ${attrs.length ? `<section class="panel"><h2>${t("attributes")}</h2><table class="attrs"><tbody>${attrs.map(([k, v]) => `<tr><th scope="row">${h(k)}</th><td>${h(v)}</td></tr>`).join("")}</tbody></table></section>` : ""}`;
  $("add-to-cart").addEventListener("click", () => {
    addToCart(p, { query: fromQuery });
    // bought-together and personal recommendations follow the cart
    setTimeout(refreshRails, 300);
  });
  document.title = p.title + " · shopmind";
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

onLangChange(() => { if (product) { renderProduct(product); refreshRails(); loadRail($("similar"), "similar", productId); } });
$("search-form").addEventListener("submit", (e) => { e.preventDefault(); location.href = "/?q=" + encodeURIComponent($("q").value.trim()); });
init();
