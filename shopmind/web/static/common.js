// Shared helpers for every page: i18n, the JSON API client, who the shopper is, events, cart, product cards.
import { html, setHtml } from "./html.js";
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

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
  get missing() { return this.status === 404 || this.status === 405 || this.status === 501; }
}

/** Call the JSON API; throws ApiError with the server's message (detail/error) on failure. */
export async function api(path, { method = "GET", body, admin = false, key, form, signal } = {}) {
  const headers = {};
  const k = key ?? (admin ? adminKey() : "");
  if (k) headers["X-API-Key"] = k;
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

// ---- who the shopper is: the server keeps it in HttpOnly cookies (shopmind_sid, shopmind_token) ----
let mePromise = null;
const identityListeners = [];

/** GET /api/auth/me once per page (refresh=true after a sign-in or out): {kind, user_id, session_id}
 *  ({} when it cannot be read). The ids themselves travel in HttpOnly cookies, never from the page. */
export function whoAmI(refresh = false) {
  if (!mePromise || refresh) {
    mePromise = api("/api/auth/me").then((me) => me || {}, (e) => {
      console.warn("shopmind: /api/auth/me failed:", e.message);
      return {};
    });
  }
  return mePromise;
}
export function onIdentityChange(fn) { identityListeners.push(fn); }
export async function identityChanged() { const me = await whoAmI(true); identityListeners.forEach((fn) => fn(me)); return me; }

/** Send one interaction event (view, click, add_to_cart, purchase, search); never blocks the UI. */
export function track(type, fields = {}) {
  const ev = { type, ...fields };  // user and session: the server takes them from the cookies
  for (const k of Object.keys(ev)) if (ev[k] === undefined || ev[k] === null || ev[k] === "") delete ev[k];
  return fetch("/api/events", { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(ev), keepalive: true, credentials: "same-origin" })
    .then((res) => { if (!res.ok) console.warn(`shopmind: ${type} event refused: HTTP ${res.status}`); return res; },
      (e) => { console.warn("shopmind: event not sent:", e.message); return null; })
    .finally(() => { window.__smEvents = (window.__smEvents || 0) + 1; });  // answered (tests wait on it)
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
const cartListeners = [];
export function onCartChange(fn) { cartListeners.push(fn); }
export function cart() { try { return JSON.parse(LS.getItem("sm.cart") || "[]"); } catch { return []; } }
export function saveCart(c) { LS.setItem("sm.cart", JSON.stringify(c)); cartListeners.forEach((fn) => fn(c)); }
export function addToCart(p, source) {
  const c = cart(); const row = c.find((x) => x.id === p.id);
  if (row) row.qty += 1; else c.push({ id: p.id, title: p.title, price: p.price, currency: p.currency, qty: 1 });
  saveCart(c);
  track("add_to_cart", { product_id: p.id, value: 1, query: source?.query, position: source?.position });
  toast(t("added"));
}
export function toast(msg) {
  let el = document.getElementById("toast");
  if (!el) { el = document.createElement("div"); el.id = "toast"; el.setAttribute("role", "status"); document.body.append(el); }
  el.textContent = msg; el.classList.add("show");
  clearTimeout(el._t); el._t = setTimeout(() => el.classList.remove("show"), 1800);
}

/** A visible message in a container: kind is info, warn or error. */
export function notice(el, msg, kind = "info") {
  setHtml(el, html`<p class="notice ${kind}" role="${kind === "error" ? "alert" : "status"}">${msg}</p>`);
}

/** Product card used by search results and recommendation rails. */
export function productCard(p, { reason, position, query, list } = {}) {
  const src = p.image || (p.images && p.images[0]);
  const img = src ? html`<img src="${src}" alt="" loading="lazy" width="160" height="120">` : html`<div class="ph" aria-hidden="true">${(p.title || "?").slice(0, 1)}</div>`;
  const href = "/product/" + encodeURIComponent(p.id) + (query ? "?q=" + encodeURIComponent(query) : "");
  return html`<article class="card" data-id="${p.id}" data-pos="${position ?? ""}" data-list="${list || ""}">
    ${img}
    <a class="title" href="${href}">${p.title || p.id}</a>
    <div class="meta">${p.brand ? html`<span class="brand-name">${p.brand}</span>` : ""}
      ${p.price != null ? html`<span class="price">${fmtPrice(p.price, p.currency)}</span>` : ""}</div>
    ${reason ? html`<p class="reason">${reason}</p>` : ""}
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
