// FAQ / policy page: the documents the assistant cites.
import { api, h, mountHeader, notice, t } from "./common.js";

const id = decodeURIComponent(location.pathname.replace(/^\/doc\//, ""));
mountHeader("doc");
const el = document.getElementById("doc");
api("/api/documents/" + encodeURIComponent(id)).then((d) => {
  el.innerHTML = `<h1>${h(d.title)}</h1>${d.topic ? `<p class="tag">${h(d.topic)}</p>` : ""}` +
    d.body.split(/\n{2,}/).map((p) => `<p>${h(p)}</p>`).join("");
  document.title = d.title + " · shopmind";
}).catch((e) => notice(el, e.status === 404 ? t("notfound") : t("error", { msg: e.message }), "error"))
  .finally(() => { document.body.dataset.ready = "1"; });
