// The page header: brand, nav, demo sign-in (storefront), language switch, cart button and cart dialog.
import { html, setHtml, setText } from "./html.js";
import { api, applyI18n, cart, endpointMissing, fmtPrice, identityChanged, lang, onCartChange, onIdentityChange,
  saveCart, setLang, t, toast, track, whoAmI } from "./common.js";

const storefront = (active) => active !== "admin";

/** Header shared by every page; `active` is store, product, doc or admin. */
export function mountHeader(active) {
  const hd = document.getElementById("site-header");
  if (!hd) return;
  const current = (name) => active === name ? "page" : "false";
  setHtml(hd, html`
    <a class="brand" href="/" data-i18n="brand"></a>
    <nav aria-label="main"><a href="/" aria-current="${current("store")}" data-i18n="nav.store"></a>
      <a href="/admin" aria-current="${current("admin")}" data-i18n="nav.admin"></a></nav>
    <div class="hd-tools">
      ${storefront(active) ? html`<div id="signin" class="signin" hidden>
        <span id="signin-who" class="who"></span>
        <button id="signin-btn" aria-haspopup="true" aria-expanded="false" aria-controls="signin-menu" data-i18n="signin"></button>
        <ul id="signin-menu" class="signin-menu" role="menu" hidden></ul>
        <button id="signout-btn" hidden data-i18n="signout"></button></div>` : ""}
      <label class="lang"><span class="sr-only" data-i18n="lang.label"></span>
        <select id="lang-switch"><option value="en">English</option><option value="zh">中文</option></select></label>
      ${storefront(active) ? html`<button id="cart-btn" class="cart-btn" aria-haspopup="dialog"><span data-i18n="cart"></span>
        <span id="cart-count" class="badge">0</span></button>` : ""}
    </div>`);
  hd.querySelectorAll('[aria-current="false"]').forEach((a) => a.removeAttribute("aria-current"));
  const sel = hd.querySelector("#lang-switch");
  sel.value = lang;
  sel.addEventListener("change", () => setLang(sel.value));
  const cb = hd.querySelector("#cart-btn");
  if (cb) cb.addEventListener("click", openCart);
  renderCartCount();
  onCartChange(renderCartCount);
  applyI18n();
  if (storefront(active)) setupSignIn(hd);
}

function renderCartCount() {
  const el = document.getElementById("cart-count");
  if (el) setText(el, cart().reduce((n, x) => n + x.qty, 0));
}

// ---- demo sign-in: the server sets an HttpOnly cookie; the page only shows who is signed in ----
async function setupSignIn(hd) {
  const box = hd.querySelector("#signin"), btn = hd.querySelector("#signin-btn"), menu = hd.querySelector("#signin-menu");
  const who = hd.querySelector("#signin-who"), out = hd.querySelector("#signout-btn");
  let users;
  try { users = await api("/api/auth/demo-users"); }
  catch (e) {
    // 404: demo sign-in is off (or the server has no /api/auth): no control at all
    if (!endpointMissing(e) && e.status !== 404) console.warn("shopmind: demo users:", e.message);
    return;
  }
  if (!Array.isArray(users) || !users.length) return;
  const nameOf = (id) => (users.find((u) => u.user_id === id) || {}).name || id;
  const show = (me) => {
    const signedIn = !!(me && me.kind === "user" && me.user_id);
    btn.hidden = signedIn; out.hidden = !signedIn;
    setText(who, signedIn ? t("signin.as", { name: nameOf(me.user_id) }) : "");
    box.dataset.user = signedIn ? me.user_id : "";
  };
  const closeMenu = () => { menu.hidden = true; btn.setAttribute("aria-expanded", "false"); };
  setHtml(menu, html`${users.map((u) => html`<li role="none"><button role="menuitem" data-user="${u.user_id}">${u.name || u.user_id}</button></li>`)}`);
  btn.addEventListener("click", () => {
    menu.hidden = !menu.hidden; btn.setAttribute("aria-expanded", String(!menu.hidden));
    if (!menu.hidden) menu.querySelector("button").focus();
  });
  document.addEventListener("click", (e) => { if (!box.contains(e.target)) closeMenu(); });
  menu.addEventListener("keydown", (e) => { if (e.key === "Escape") { closeMenu(); btn.focus(); } });
  menu.querySelectorAll("button[data-user]").forEach((b) => b.addEventListener("click", async () => {
    closeMenu();
    try { await api("/api/auth/demo-login", { method: "POST", body: { user_id: b.dataset.user } }); }
    catch (e) { toast(t("error", { msg: e.message })); return; }
    show(await identityChanged());
    toast(t("signin.done", { name: nameOf(b.dataset.user) }));
  }));
  out.addEventListener("click", async () => {
    try { await api("/api/auth/logout", { method: "POST" }); }
    catch (e) { toast(t("error", { msg: e.message })); return; }
    show(await identityChanged());
    btn.focus();
  });
  onIdentityChange(show);
  show(await whoAmI());
  box.hidden = false;
  applyI18n(box);
}

// ---- cart dialog ----
function openCart() {
  let dlg = document.getElementById("cart-dialog");
  if (!dlg) { dlg = document.createElement("dialog"); dlg.id = "cart-dialog"; document.body.append(dlg); }
  const c = cart();
  const total = c.reduce((s, x) => s + (x.price || 0) * x.qty, 0);
  setHtml(dlg, html`<h2 data-i18n="cart"></h2>${c.length ? html`<ul class="cart-list">${c.map((x) =>
    html`<li><a href="${"/product/" + encodeURIComponent(x.id)}">${x.title}</a> × ${x.qty} <span>${fmtPrice((x.price || 0) * x.qty, x.currency)}</span></li>`)}</ul>
    <p class="total">${fmtPrice(total, c[0].currency)}</p>` : html`<p data-i18n="cart.empty"></p>`}
    <div class="row">${c.length ? html`<button id="checkout" class="primary" data-i18n="cart.checkout"></button>` : ""}
     <button id="cart-close" data-i18n="chat.close"></button></div>`);
  applyI18n(dlg);
  dlg.querySelector("#cart-close").onclick = () => dlg.close();
  const co = dlg.querySelector("#checkout");
  if (co) co.onclick = async () => {
    await Promise.all(c.map((x) => track("purchase", { product_id: x.id, value: x.qty })));
    saveCart([]); dlg.close(); toast(t("cart.done"));
  };
  dlg.showModal();
}
