// Shared helpers for every page: i18n, the JSON API client, events, cart, the page header.
import { STRINGS } from "./i18n.js";

const LS = window.localStorage;
export let lang = LS.getItem("sm.lang") || ((navigator.language || "en").startsWith("zh") ? "zh" : "en");

export function t(key, vars = {}) {
  const s = (STRINGS[lang] && STRINGS[lang][key]) ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? ""));
}

const listeners = [];
export function onLangChange(fn) { listeners.push(fn); }

/** Translate every [data-i18n], [data-i18n-ph], [data-i18n-label] element under root. */
export function applyI18n(root = document) {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-ph]").forEach((el) => { el.placeholder = t(el.dataset.i18nPh); });
  root.querySelectorAll("[data-i18n-label]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.i18nLabel)); });
}

export function setLang(l) {
  lang = l; LS.setItem("sm.lang", l); applyI18n();
  listeners.forEach((fn) => fn(l));
}

/** Escape text for innerHTML templates. */
export function h(v) {
  return String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
  get missing() { return this.status === 404 || this.status === 405 || this.status === 501; }
}

/** Call the JSON API; throws ApiError with the server's message (detail/error) on failure. */
export async function api(path, { method = "GET", body, admin = false, form, signal } = {}) {
  const headers = {};
  if (admin) { const k = adminKey(); if (k) headers["X-API-Key"] = k; }
  let payload;
  if (form) payload = form;
  else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  let res;
  try { res = await fetch(path, { method, headers, body: payload, signal }); }
  catch (e) { if (e.name === "AbortError") throw e; throw new ApiError(0, e.message || "network error"); }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (!res.ok) {
    let msg = (data && (data.detail || data.error)) || res.statusText || `HTTP ${res.status}`;
    if (typeof msg !== "string") msg = JSON.stringify(msg);
    // a 404 from a route that does not exist says only "Not Found"
    throw new ApiError(res.status, msg);
  }
  return data;
}

/** True when the error means the endpoint itself is not there (not a missing product). */
export function endpointMissing(err) {
  return err instanceof ApiError && (err.status === 405 || err.status === 501 ||
    (err.status === 404 && /^not found$/i.test(err.message)));
}

export const adminKey = () => window.sessionStorage.getItem("sm.adminKey") || "";
export const setAdminKey = (k) => k ? window.sessionStorage.setItem("sm.adminKey", k) : window.sessionStorage.removeItem("sm.adminKey");

function rid() { return Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4); }
export const sessionId = (() => {
  let s = window.sessionStorage.getItem("sm.session");
  if (!s) { s = "s-" + rid(); window.sessionStorage.setItem("sm.session", s); }
  return s;
})();
export const userId = () => LS.getItem("sm.user") || "";

/** Send one interaction event (view, click, add_to_cart, purchase, search); never blocks the UI. */
export function track(type, fields = {}) {
  const ev = { type, session_id: sessionId, ...fields };
  const u = userId(); if (u) ev.user_id = u;
  for (const k of Object.keys(ev)) if (ev[k] === undefined || ev[k] === null || ev[k] === "") delete ev[k];
  const p = fetch("/api/events", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(ev), keepalive: true }).catch(() => null);
  window.__smEvents = (window.__smEvents || 0) + 1;
  return p;
}

export function fmtPrice(p, cur) {
  if (p === null || p === undefined) return "";
  // no currency given (some list endpoints omit it): show the bare amount rather than guess a symbol
  const sym = cur ? ({ CNY: "¥", USD: "$", EUR: "€", GBP: "£" }[cur] ?? cur + " ") : "";
  return sym + Number(p).toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { maximumFractionDigits: 2, minimumFractionDigits: Number(p) % 1 ? 2 : 0 });
}

export function fmtTime(ts) {
  if (!ts) return "";
  return new Date(ts * 1000).toLocaleString(lang === "zh" ? "zh-CN" : "en-US", { hour12: false });
}

/** Products in responses come either flat or under `product`; merge so fields are always on top. */
export function asProduct(item) {
  if (!item || typeof item !== "object") return { id: String(item) };
  const p = item.product && typeof item.product === "object" ? { ...item.product, ...item, product: undefined } : { ...item };
  p.id = p.id ?? p.product_id;
  return p;
}

/** The first list in a response: the response itself or one of its usual keys. */
export function listOf(data, keys = ["items", "results", "recommendations", "products", "suggestions", "data"]) {
  if (Array.isArray(data)) return data;
  if (!data || typeof data !== "object") return [];
  for (const k of keys) if (Array.isArray(data[k])) return data[k];
  return [];
}

// ---- cart (kept in localStorage; purchases are sent as events) ----
export function cart() { try { return JSON.parse(LS.getItem("sm.cart") || "[]"); } catch { return []; } }
function saveCart(c) { LS.setItem("sm.cart", JSON.stringify(c)); renderCartCount(); }
export function addToCart(p, source) {
  const c = cart(); const row = c.find((x) => x.id === p.id);
  if (row) row.qty += 1; else c.push({ id: p.id, title: p.title, price: p.price, currency: p.currency, qty: 1 });
  saveCart(c);
  track("add_to_cart", { product_id: p.id, value: 1, query: source?.query, position: source?.position });
  toast(t("added"));
}
function renderCartCount() {
  const el = document.getElementById("cart-count");
  if (el) el.textContent = String(cart().reduce((n, x) => n + x.qty, 0));
}

export function toast(msg) {
  let el = document.getElementById("toast");
  if (!el) { el = document.createElement("div"); el.id = "toast"; el.setAttribute("role", "status"); document.body.append(el); }
  el.textContent = msg; el.classList.add("show");
  clearTimeout(el._t); el._t = setTimeout(() => el.classList.remove("show"), 1800);
}

/** A visible message in a container: kind is info, warn or error. */
export function notice(el, msg, kind = "info") {
  el.innerHTML = `<p class="notice ${kind}" role="${kind === "error" ? "alert" : "status"}">${h(msg)}</p>`;
}

/** Header shared by storefront pages: brand, nav, shopper id, language switch, cart. */
export function mountHeader(active) {
  const hd = document.getElementById("site-header");
  if (!hd) return;
  hd.innerHTML = `
    <a class="brand" href="/" data-i18n="brand"></a>
    <nav aria-label="main"><a href="/" ${active === "store" ? 'aria-current="page"' : ""} data-i18n="nav.store"></a>
      <a href="/admin" ${active === "admin" ? 'aria-current="page"' : ""} data-i18n="nav.admin"></a></nav>
    <div class="hd-tools">
      ${active === "admin" ? "" : `<label class="user"><span data-i18n="user.label"></span>
        <input id="user-id" size="9" autocomplete="off" data-i18n-ph="user.ph"></label>`}
      <label class="lang"><span class="sr-only" data-i18n="lang.label"></span>
        <select id="lang-switch"><option value="en">English</option><option value="zh">中文</option></select></label>
      ${active === "admin" ? "" : `<button id="cart-btn" class="cart-btn" aria-haspopup="dialog"><span data-i18n="cart"></span>
        <span id="cart-count" class="badge">0</span></button>`}
    </div>`;
  const sel = hd.querySelector("#lang-switch");
  sel.value = lang;
  sel.addEventListener("change", () => setLang(sel.value));
  const uid = hd.querySelector("#user-id");
  if (uid) {
    uid.value = userId();
    uid.addEventListener("change", () => { uid.value.trim() ? LS.setItem("sm.user", uid.value.trim()) : LS.removeItem("sm.user"); listeners.forEach((fn) => fn(lang)); });
  }
  const cb = hd.querySelector("#cart-btn");
  if (cb) cb.addEventListener("click", openCart);
  renderCartCount();
  applyI18n();
}

function openCart() {
  let dlg = document.getElementById("cart-dialog");
  if (!dlg) { dlg = document.createElement("dialog"); dlg.id = "cart-dialog"; document.body.append(dlg); }
  const c = cart();
  const total = c.reduce((s, x) => s + (x.price || 0) * x.qty, 0);
  dlg.innerHTML = `<h2 data-i18n="cart"></h2>` + (c.length ? `<ul class="cart-list">${c.map((x) =>
    `<li><a href="/product/${encodeURIComponent(x.id)}">${h(x.title)}</a> × ${x.qty} <span>${fmtPrice((x.price || 0) * x.qty, x.currency)}</span></li>`).join("")}</ul>
    <p class="total">${fmtPrice(total, c[0].currency)}</p>` : `<p data-i18n="cart.empty"></p>`) +
    `<div class="row">${c.length ? '<button id="checkout" class="primary" data-i18n="cart.checkout"></button>' : ""}
     <button id="cart-close" data-i18n="chat.close"></button></div>`;
  applyI18n(dlg);
  dlg.querySelector("#cart-close").onclick = () => dlg.close();
  const co = dlg.querySelector("#checkout");
  if (co) co.onclick = async () => {
    await Promise.all(c.map((x) => track("purchase", { product_id: x.id, value: x.qty })));
    saveCart([]); dlg.close(); toast(t("cart.done"));
  };
  dlg.showModal();
}

/** Product card used by search results and recommendation rails. */
export function productCard(p, { reason, position, query, list } = {}) {
  const src = p.image || (p.images && p.images[0]);
  const img = src ? `<img src="${h(src)}" alt="" loading="lazy" width="160" height="120">` : `<div class="ph" aria-hidden="true">${h((p.title || "?").slice(0, 1))}</div>`;
  return `<article class="card" data-id="${h(p.id)}" data-pos="${position ?? ""}" data-list="${h(list || "")}">
    ${img}
    <a class="title" href="/product/${encodeURIComponent(p.id)}${query ? "?q=" + encodeURIComponent(query) : ""}">${h(p.title || p.id)}</a>
    <div class="meta">${p.brand ? `<span class="brand-name">${h(p.brand)}</span>` : ""}
      ${p.price != null ? `<span class="price">${fmtPrice(p.price, p.currency)}</span>` : ""}</div>
    ${reason ? `<p class="reason">${h(reason)}</p>` : ""}
  </article>`;
}

/** Send a click event when a product link inside `root` is followed. */
export function trackClicks(root, extra = () => ({})) {
  root.addEventListener("click", (e) => {
    const a = e.target.closest("a.title"); if (!a) return;
    const card = a.closest(".card"); if (!card) return;
    const pos = card.dataset.pos === "" ? undefined : Number(card.dataset.pos);
    track("click", { product_id: card.dataset.id, position: pos, ...extra(card) });
  });
}

/** The explanation text of a recommendation, whatever key the API uses. */
export function reasonOf(item) {
  const r = item.reason ?? item.explanation ?? item.because ?? item.why ?? (item.reasons && item.reasons[0]);
  if (!r) return "";
  if (typeof r === "string") return r;
  return r.text || r.message || r.label || JSON.stringify(r);
}
