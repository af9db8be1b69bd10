// Chat widget for the shopping assistant: keyboard friendly, citations rendered as links.
import { addToCart, api, applyI18n, endpointMissing, h, onLangChange, sessionId, t } from "./common.js";

const SS = window.sessionStorage;

/** Where a citation points: its own url, else the product or document page it names. */
export function citationHref(c) {
  if (c.url) return c.url;
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
  return `<div class="chat-actions">` + actions.map((a, i) => {
    const ty = a.type || a.kind || "";
    const pids = a.product_ids || a.products || (a.product_id ? [a.product_id] : []);
    if (a.url) return `<a class="chip" href="${h(a.url)}">${h(a.label || a.title || a.url)}</a>`;
    if (/cart/.test(ty) && pids.length) return `<button class="chip" data-action="${i}">${h(a.label || t("add"))}</button>`;
    if (pids.length) return pids.slice(0, 6).map((p) => {
      const id = typeof p === "object" ? p.id : p, title = typeof p === "object" ? (p.title || p.id) : p;
      return `<a class="chip" href="/product/${encodeURIComponent(id)}">${h(title)}</a>`;
    }).join("");
    return a.label ? `<span class="chip">${h(a.label)}</span>` : "";
  }).join("") + `</div>`;
}

function mount() {
  const root = document.createElement("div");
  root.id = "chat";
  root.innerHTML = `
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
    </section>`;
  document.body.append(root);
  applyI18n(root);
  const panel = root.querySelector("#chat-panel"), openBtn = root.querySelector("#chat-open");
  const log = root.querySelector("#chat-log"), input = root.querySelector("#chat-input");
  let conv = SS.getItem("sm.chat") || "";
  const history = JSON.parse(SS.getItem("sm.chatlog") || "[]");

  const add = (role, html, save = true, raw = null) => {
    const div = document.createElement("div");
    div.className = "msg " + role;
    div.innerHTML = html;
    log.append(div); log.scrollTop = log.scrollHeight;
    if (save) { history.push({ role, html }); SS.setItem("sm.chatlog", JSON.stringify(history.slice(-40))); }
    if (raw) div.querySelectorAll("button[data-action]").forEach((b) => b.addEventListener("click", () => {
      const a = raw.actions[Number(b.dataset.action)];
      (a.product_ids || a.products || [a.product_id]).forEach((p) => addToCart(typeof p === "object" ? p : { id: p, title: p }));
    }));
    return div;
  };
  const open = () => {
    panel.hidden = false; openBtn.setAttribute("aria-expanded", "true"); openBtn.hidden = true;
    if (!log.children.length) {
      if (history.length) history.forEach((m) => add(m.role, m.html, false));
      else add("bot", `<p>${h(t("chat.hello"))}</p>`, false);
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
    add("user", `<p>${h(text)}</p>`);
    const pending = add("bot pending", `<p>${h(t("chat.thinking"))}</p>`, false);
    pending.setAttribute("aria-busy", "true");
    try {
      // the id is ours: one conversation per browser tab session (user_id would need the admin key)
      if (!conv) { conv = "c-" + sessionId + "-" + Date.now().toString(36); SS.setItem("sm.chat", conv); }
      const res = await api("/api/chat", { method: "POST", body: { conversation_id: conv, message: text } });
      if (res.conversation_id) { conv = res.conversation_id; SS.setItem("sm.chat", conv); }
      const cites = (res.citations || []).map((c) => typeof c === "string" ? { id: c } : c);
      let html = `<p>${h(res.reply || "").replace(/\n/g, "<br>")}</p>`;
      if (cites.length) html += `<div class="cites"><span>${h(t("chat.sources"))}:</span> ` + cites.map((c, i) => {
        const href = citationHref(c);
        const n = c.n ?? i + 1, tip = c.snippet ? ` title="${h(c.snippet.slice(0, 200))}"` : "";
        return href ? `<a class="citation" href="${h(href)}"${tip}>[${n}] ${h(citationLabel(c))}</a>` : `<span class="citation"${tip}>[${n}] ${h(citationLabel(c))}</span>`;
      }).join(" ") + `</div>`;
      html += renderActions(res.actions);
      if (res.intent) html += `<small class="intent">${h(res.intent)}${res.confidence != null ? " · " + h(t("chat.confidence", { c: Number(res.confidence).toFixed(2) })) : ""}</small>`;
      pending.remove();
      add("bot", html, true, res);
    } catch (err) {
      pending.remove();
      add("bot error", `<p role="alert">${h(endpointMissing(err) ? t("unavailable", { what: t("chat.title") }) : t("error", { msg: err.message }))}</p>`, false);
    }
    input.focus();
  });
  onLangChange(() => applyI18n(root));
}

mount();
