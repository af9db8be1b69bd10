// Chat widget for the shopping assistant: keyboard friendly, citations rendered as links.
import { addToCart, api, applyI18n, endpointMissing, onLangChange, t } from "./common.js";
import { html, safeUrl, setHtml } from "./html.js";

const SS = window.sessionStorage;

/** Where a citation points: its own url, else the product or document page it names. */
export function citationHref(c) {
  if (c.url && safeUrl(c.url)) return safeUrl(c.url);
  const kind = (c.type || c.kind || "").toLowerCase();
  const ref = c.ref ?? (typeof c.id === "string" && c.id.includes(":") ? c.id.split(":").slice(1).join(":") : c.id);
  const pid = c.product_id || (kind === "product" ? ref : null);
  if (pid) return "/product/" + encodeURIComponent(pid);
  const did = c.doc_id || c.document_id || (["faq", "policy", "page", "document", "doc"].includes(kind) ? ref : null);
  if (did) return "/doc/" + encodeURIComponent(did);
  return null;  // orders, tickets: shown as text
}

function citationLabel(c) { return c.title || c.label || c.name || c.id || c.url; }

function renderActions(actions) {
  if (!Array.isArray(actions) || !actions.length) return "";
  return html`<div class="chat-actions">${actions.map((a, i) => {
    const ty = a.type || a.kind || "";
    const pids = a.product_ids || a.products || (a.product_id ? [a.product_id] : []);
    if (a.url && safeUrl(a.url)) return html`<a class="chip" href="${a.url}">${a.label || a.title || a.url}</a>`;
    if (/cart/.test(ty) && pids.length) return html`<button class="chip" data-action="${i}">${a.label || t("add")}</button>`;
    if (pids.length) return pids.slice(0, 6).map((p) => {
      const id = typeof p === "object" ? p.id : p, title = typeof p === "object" ? (p.title || p.id) : p;
      return html`<a class="chip" href="${"/product/" + encodeURIComponent(id)}">${title}</a>`;
    });
    return a.label ? html`<span class="chip">${a.label}</span>` : "";
  })}</div>`;
}

/** One assistant answer: the reply text, its citations as links, the suggested actions and the intent. */
function renderReply(res) {
  const cites = (res.citations || []).map((c) => typeof c === "string" ? { id: c } : c);
  const lines = String(res.reply || "").split("\n");
  return html`<p>${lines.map((l, i) => i ? html`<br>${l}` : l)}</p>${cites.length ? html`<div class="cites"><span>${t("chat.sources")}:</span> ${cites.map((c, i) => {
    const href = citationHref(c);
    const n = c.n ?? i + 1, tip = c.snippet ? String(c.snippet).slice(0, 200) : "";
    return href ? html`<a class="citation" href="${href}" title="${tip}">[${n}] ${citationLabel(c)}</a> `
      : html`<span class="citation" title="${tip}">[${n}] ${citationLabel(c)}</span> `;
  })}</div>` : ""}${renderActions(res.actions)}${res.intent ? html`<small class="intent">${res.intent}${res.confidence != null ? " · " + t("chat.confidence", { c: Number(res.confidence).toFixed(2) }) : ""}</small>` : ""}`;
}

/** A chat message as kept in sessionStorage (the data, never markup) rendered again. */
function renderMessage(m) {
  return m.role === "bot" && m.res ? renderReply(m.res) : html`<p>${m.text}</p>`;
}

function mount() {
  const root = document.createElement("div");
  root.id = "chat";
  setHtml(root, html`
    <button id="chat-open" class="chat-open primary" aria-expanded="false" aria-controls="chat-panel" data-i18n="chat.open"></button>
    <section id="chat-panel" class="chat-panel" role="dialog" aria-labelledby="chat-title" hidden>
      <header><h2 id="chat-title" data-i18n="chat.title"></h2>
        <button id="chat-close" class="linklike" data-i18n-label="chat.close">✕</button></header>
      <div id="chat-log" class="chat-log" role="log" aria-live="polite"></div>
      <form id="chat-form" class="chat-form" autocomplete="off">
        <label for="chat-input" class="sr-only" data-i18n="chat.label"></label>
        <input id="chat-input" data-i18n-ph="chat.ph" enterkeyhint="send">
        <button type="submit" class="primary" data-i18n="chat.send"></button>
      </form>
    </section>`);
  document.body.append(root);
  applyI18n(root);
  const panel = root.querySelector("#chat-panel"), openBtn = root.querySelector("#chat-open");
  const log = root.querySelector("#chat-log"), input = root.querySelector("#chat-input");
  let conv = SS.getItem("sm.chat") || "";
  let history = [];
  try { history = JSON.parse(SS.getItem("sm.chatlog2") || "[]").filter((m) => m && (m.text || m.res)); } catch { history = []; }
  SS.removeItem("sm.chatlog");  // the old log kept markup

  /** Show a message {role, text} or {role: "bot", res}; kept (as data) when save is true. */
  const add = (cls, msg, save = true) => {
    const div = document.createElement("div");
    div.className = "msg " + cls;
    setHtml(div, renderMessage(msg));
    log.append(div); log.scrollTop = log.scrollHeight;
    if (save) { history.push(msg); SS.setItem("sm.chatlog2", JSON.stringify(history.slice(-40))); }
    if (msg.res) div.querySelectorAll("button[data-action]").forEach((b) => b.addEventListener("click", () => {
      const a = msg.res.actions[Number(b.dataset.action)];
      (a.product_ids || a.products || [a.product_id]).forEach((p) => addToCart(typeof p === "object" ? p : { id: p, title: p }));
    }));
    return div;
  };
  const open = () => {
    panel.hidden = false; openBtn.setAttribute("aria-expanded", "true"); openBtn.hidden = true;
    if (!log.children.length) {
      if (history.length) history.forEach((m) => add(m.role, m, false));
      else add("bot", { role: "bot", text: t("chat.hello") }, false);
    }
    input.focus();
  };
  const close = () => { panel.hidden = true; openBtn.hidden = false; openBtn.setAttribute("aria-expanded", "false"); openBtn.focus(); };
  openBtn.addEventListener("click", open);
  root.querySelector("#chat-close").addEventListener("click", close);
  panel.addEventListener("keydown", (e) => { if (e.key === "Escape") close(); });
  root.querySelector("#chat-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    add("user", { role: "user", text });
    const pending = add("bot pending", { role: "bot", text: t("chat.thinking") }, false);
    pending.setAttribute("aria-busy", "true");
    try {
      // one conversation per browser tab; who is asking comes from the cookies, not from the page
      if (!conv) { conv = "c-" + Math.random().toString(36).slice(2, 10) + Date.now().toString(36); SS.setItem("sm.chat", conv); }
      const res = await api("/api/chat", { method: "POST", body: { conversation_id: conv, message: text } });
      if (res.conversation_id) { conv = res.conversation_id; SS.setItem("sm.chat", conv); }
      pending.remove();
      add("bot", { role: "bot", res });
    } catch (err) {
      pending.remove();
      add("bot error", { role: "bot", text: endpointMissing(err) ? t("unavailable", { what: t("chat.title") }) : t("error", { msg: err.message }) }, false)
        .querySelector("p").setAttribute("role", "alert");
    }
    input.focus();
  });
  onLangChange(() => applyI18n(root));
}

mount();
