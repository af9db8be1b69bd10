// FAQ / policy page: the documents the assistant cites.
import { api, notice, t } from "./common.js";
import { mountHeader } from "./header.js";
import { html, setHtml } from "./html.js";

const id = decodeURIComponent(location.pathname.replace(/^\/doc\//, ""));
mountHeader("doc");
const el = document.getElementById("doc");
api("/api/documents/" + encodeURIComponent(id)).then((d) => {
  setHtml(el, html`<h1>${d.title}</h1>${d.topic ? html`<p class="tag">${d.topic}</p>` : ""}${
    d.body.split(/\n{2,}/).map((p) => html`<p>${p}</p>`)}`);
  document.title = d.title + " · shopmind";
}).catch((e) => notice(el, e.status === 404 ? t("notfound") : t("error", { msg: e.message }), "error"))
  .finally(() => { document.body.dataset.ready = "1"; });
