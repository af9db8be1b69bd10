// Recommendation rails: personalized, similar items and bought-together, each with its explanation.
import { api, applyI18n, asProduct, endpointMissing, listOf, notice, productCard, reasonOf, t, trackClicks, whoAmI } from "./common.js";
import { html, setHtml } from "./html.js";

const LABEL = { foryou: "foryou", similar: "similar", together: "together" };

function url(kind, productId, n, me) {
  const qs = new URLSearchParams({ n: String(n) });
  if (kind === "foryou") {
    // a signed-in shopper is the server's default; an anonymous one names the cookie's session (as
    // /api/auth/me reported it: the server refuses any other) so the rail follows this visit
    const session = me && me.kind === "anonymous" ? me.session_id : null;
    if (session) qs.set("session", session);
    if (productId) qs.set("items", productId);  // the product on screen, on top of the live session
    return "/api/recommend?" + qs;
  }
  const path = kind === "similar" ? "similar" : "bought-together";
  return `/api/products/${encodeURIComponent(productId)}/${path}?` + qs;
}

/** Fill a rail section (its .rail-body) with recommendations; a visible message when unavailable. */
export async function loadRail(section, kind, productId, n = 8) {
  const body = section.querySelector(".rail-body");
  if (!body._tracked) { trackClicks(body, () => ({})); body._tracked = true; }
  section.dataset.state = "loading";
  let data;
  try { data = await api(url(kind, productId, n, kind === "foryou" ? await whoAmI() : null)); }
  catch (e) {
    // 404/405: no such endpoint yet; 503: the service says why (e.g. models not trained yet)
    const soft = endpointMissing(e) || e.status === 503;
    notice(body, endpointMissing(e) ? t("unavailable", { what: t(LABEL[kind]) }) : e.status === 503 ? e.message : t("error", { msg: e.message }), soft ? "warn" : "error");
    section.dataset.state = "unavailable";
    return [];
  }
  const items = listOf(data).map((x) => ({ ...asProduct(x), _reason: reasonOf(x) })).filter((x) => x.id && x.id !== productId);
  if (!items.length) { notice(body, t("recs.none")); section.dataset.state = "empty"; return []; }
  setHtml(body, html`<div class="rail-list">${items.map((p, i) => productCard(p, { reason: p._reason, position: i, list: kind }))}</div>`);
  applyI18n(body);
  section.dataset.state = "ready";
  return items;
}
