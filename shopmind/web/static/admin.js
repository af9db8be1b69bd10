// Admin console: catalog upload + validation report, products + history/rollback, search tuning,
// models & indexes with reindex progress, dashboard charts, evaluation reports.
import { adminKey, api, endpointMissing, fmtPrice, fmtTime, notice, onLangChange, setAdminKey, t } from "./common.js";
import { barChart, lineChart, stackedColumns } from "./charts.js";
import { mountHeader } from "./header.js";
import { html, setHtml, setText } from "./html.js";

const $ = (id) => document.getElementById(id);
const TABS = ["catalog", "search", "models", "dashboard", "eval"];
const loaded = {};
const pct = (v) => v == null ? "–" : (100 * v).toFixed(1) + "%";
const day = (ts) => new Date(ts * 1000).toLocaleDateString(undefined, { month: "short", day: "numeric" });
const hm = (ts) => new Date(ts * 1000).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hour12: false });

function errMsg(e) { return e.status === 401 || e.status === 403 ? t("admin.key.need") + " (" + e.message + ")" : t("error", { msg: e.message }); }

// ---- key ----
function setupKey() {
  const input = $("admin-key"), status = $("key-status");
  const show = () => { status.textContent = adminKey() ? t("admin.key.ok") : t("admin.key.need"); };
  $("key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    status.textContent = t("admin.key.checking");
    // the server checks the key (403: wrong); a server without /api/auth cannot say, so it is kept
    try { await api("/api/auth/me", { key }); }
    catch (err) {
      if (err.status === 401 || err.status === 403) { status.textContent = t("admin.key.wrong"); input.select(); return; }
      if (!endpointMissing(err)) { status.textContent = t("error", { msg: err.message }); return; }
    }
    setAdminKey(key); input.value = ""; show();
    reloadTabs();
  });
  $("key-forget").addEventListener("click", () => { setAdminKey(""); show(); });
  show();
  onLangChange(show);
}

// ---- tabs (arrow keys move between tabs) ----
function selectTab(name, focus = false) {
  if (!TABS.includes(name)) name = "catalog";
  TABS.forEach((n) => {
    const tab = $("tab-" + n), panel = $("panel-" + n), on = n === name;
    tab.setAttribute("aria-selected", String(on)); tab.tabIndex = on ? 0 : -1; panel.hidden = !on;
  });
  if (focus) $("tab-" + name).focus();
  if (location.hash !== "#" + name) history.replaceState(null, "", "#" + name);
  if (!loaded[name]) { loaded[name] = true; LOADERS[name](); }
}
function setupTabs() {
  document.querySelectorAll("[role=tab]").forEach((tab) => {
    tab.addEventListener("click", () => selectTab(tab.dataset.tab));
    tab.addEventListener("keydown", (e) => {
      const i = TABS.indexOf(tab.dataset.tab);
      if (e.key === "ArrowRight") selectTab(TABS[(i + 1) % TABS.length], true);
      else if (e.key === "ArrowLeft") selectTab(TABS[(i - 1 + TABS.length) % TABS.length], true);
      else if (e.key === "Home") selectTab(TABS[0], true);
      else if (e.key === "End") selectTab(TABS[TABS.length - 1], true);
    });
  });
  window.addEventListener("hashchange", () => selectTab(location.hash.slice(1)));
}

// ---- catalog: upload ----
function uploadWithProgress(form, onProgress) {
  // XMLHttpRequest, not fetch: it reports upload progress
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/ingest");
    if (adminKey()) xhr.setRequestHeader("X-API-Key", adminKey());
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.upload.onload = () => onProgress(1, true);
    xhr.onload = () => {
      let data = null; try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else { const err = new Error((data && (data.detail || data.error)) || xhr.statusText); err.status = xhr.status; reject(err); }
    };
    xhr.onerror = () => reject(new Error("network error"));
    xhr.send(form);
  });
}

export function renderReport(r) {
  const errors = r.errors || [];
  return html`<h3>${t("report.title")}</h3><div class="kpis">
    <div class="kpi"><b>${r.rows}</b>${t("report.rows")}</div><div class="kpi"><b>${r.inserted}</b>${t("report.inserted")}</div>
    <div class="kpi"><b>${r.updated}</b>${t("report.updated")}</div><div class="kpi"><b>${r.unchanged}</b>${t("report.unchanged")}</div>
    <div class="kpi${r.rejected ? " bad" : ""}" id="rejected-count"><b>${r.rejected}</b>${t("report.rejected")}</div></div>
    ${r.strict && r.rejected ? html`<p class="notice warn">${t("report.strict")}</p>` : ""}
    ${!errors.length ? html`<p class="notice">${t("report.ok")}</p>` : html`<div class="table-wrap"><table id="rejected-rows"><thead><tr><th>${t("report.row")}</th><th>${t("report.field")}</th><th>${t("report.reason")}</th><th>${t("report.file")}</th></tr></thead><tbody>${
      errors.slice(0, 500).map((e) => html`<tr><td>${e.row ?? ""}</td><td>${e.field ?? ""}</td><td>${e.reason ?? e.message ?? ""}</td><td>${String(e.file ?? "").split("/").pop()}</td></tr>`)}</tbody></table></div>${
      errors.length > 500 ? html`<p>… ${errors.length - 500} more</p>` : ""}`}`;
}

function setupUpload() {
  const form = $("upload-form"), bar = $("upload-progress"), status = $("upload-status"), out = $("upload-report");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const file = $("upload-file").files[0];
    if (!file) return;
    const fd = new FormData();
    fd.append("file", file);
    if ($("upload-format").value) fd.append("format", $("upload-format").value);
    fd.append("strict", $("upload-strict").checked ? "true" : "false");
    fd.append("index", $("upload-index").checked ? "true" : "false");
    if ($("upload-mapping").value.trim()) fd.append("mapping", $("upload-mapping").value.trim());
    bar.hidden = false; bar.value = 0; status.textContent = t("upload.sending"); setText(out, "");
    form.querySelector("button[type=submit]").disabled = true;
    try {
      const report = await uploadWithProgress(fd, (f, done) => {
        bar.value = f;
        if (done) { bar.removeAttribute("value"); status.textContent = t("upload.processing"); } // indeterminate while the server validates
      });
      setHtml(out, renderReport(report));
      status.textContent = "";
      loadProducts();
      if (report.index && report.index.status) {  // the server refreshes the indexes in the background
        status.textContent = t("jobs.started");
        await followJob("index", bar, status, Date.now() - 2000);
      } else bar.hidden = true;
    } catch (err) {
      notice(out, errMsg(err), "error"); status.textContent = ""; bar.hidden = true;
    } finally {
      form.querySelector("button[type=submit]").disabled = false;
    }
  });
}

// ---- catalog: products, history, rollback ----
const PS = 20;
let pOffset = 0;
async function loadProducts() {
  const el = $("products-table");
  const qs = new URLSearchParams({ limit: PS, offset: pOffset });
  const q = $("pf-q").value.trim(); if (q) qs.set("q", q);
  if ($("pf-deleted").checked) qs.set("include_deleted", "true");
  let data;
  try { data = await api("/api/products?" + qs, { admin: true }); } catch (e) { notice(el, errMsg(e), "error"); return; }
  setHtml(el, html`<table id="products"><thead><tr><th>${t("col.id")}</th><th>${t("col.title")}</th><th>${t("col.brand")}</th><th>${t("col.price")}</th><th>${t("col.stock")}</th><th>${t("col.version")}</th><th>${t("col.status")}</th><th><span class="sr-only">${t("history")}</span></th></tr></thead><tbody>${
    data.items.map((p) => html`<tr data-id="${p.id}"><td><a href="${"/product/" + encodeURIComponent(p.id)}">${p.id}</a></td><td>${p.title}</td><td>${p.brand || ""}</td>
      <td>${fmtPrice(p.price, p.currency)}</td><td>${p.stock ?? ""}</td><td>${p.version}</td><td>${p.status}</td>
      <td><button class="history-btn" data-id="${p.id}" aria-label="${t("history")} ${p.id}">${t("history")}</button></td></tr>`)}</tbody></table>`);
  el.querySelectorAll(".history-btn").forEach((b) => b.addEventListener("click", () => loadHistory(b.dataset.id)));
  const pager = $("products-pager");
  const more = data.items.length === PS;
  setHtml(pager, html`<button id="pp-prev">${t("page.prev")}</button><span>${pOffset + 1}–${pOffset + data.items.length}</span><button id="pp-next">${t("page.next")}</button>`);
  $("pp-prev").disabled = !pOffset; $("pp-next").disabled = !more;
  $("pp-prev").onclick = () => { pOffset = Math.max(0, pOffset - PS); loadProducts(); };
  $("pp-next").onclick = () => { pOffset += PS; loadProducts(); };
}

function diff(before, after) {
  const keys = new Set([...Object.keys(before || {}), ...Object.keys(after || {})]);
  const out = [];
  for (const k of keys) {
    if (["version", "updated_at", "created_at", "source"].includes(k)) continue;
    const a = JSON.stringify(before ? before[k] : undefined), b = JSON.stringify(after ? after[k] : undefined);
    if (a !== b) out.push(html`<div><b>${k}</b>: ${before ? html`<del>${a ?? ""}</del> → ` : ""}<ins>${b ?? ""}</ins></div>`);
  }
  return out;
}

async function loadHistory(id) {
  const el = $("history");
  let revs;
  try { revs = await api(`/api/products/${encodeURIComponent(id)}/history`); } catch (e) { notice(el, errMsg(e), "error"); return; }
  const last = revs[revs.length - 1];
  setHtml(el, html`<h3 id="history-h" tabindex="-1">${t("history.title", { id })}</h3><div class="table-wrap"><table id="history-table"><thead><tr><th>rev</th><th>${t("history.op")}</th><th>${t("history.at")}</th><th>${t("history.source")}</th><th>${t("history.changed")}</th><th></th></tr></thead><tbody>${
    revs.slice().reverse().map((r) => html`<tr data-rev="${r.rev}"><td>${r.rev}</td><td>${r.op} (v${r.version})</td><td>${fmtTime(r.at)}</td><td>${r.source || ""}</td>
      <td class="diff">${diff(r.before, r.after)}</td>
      <td>${r.rev === last.rev || !r.after ? "" : html`<button class="rollback-btn" data-rev="${r.rev}">${t("history.rollback", { rev: r.rev })}</button>`}</td></tr>`)}</tbody></table></div><p id="history-status" role="status"></p>`);
  el.querySelectorAll(".rollback-btn").forEach((b) => b.addEventListener("click", async () => {
    b.disabled = true;
    try {
      const p = await api(`/api/products/${encodeURIComponent(id)}/rollback`, { method: "POST", body: { rev: Number(b.dataset.rev) }, admin: true });
      await loadHistory(id);
      $("history-status").textContent = t("history.done", { rev: b.dataset.rev, v: p.version });
      loadProducts();
    } catch (e) { $("history-status").textContent = errMsg(e); b.disabled = false; }
  }));
  $("history-h").focus();
}

function loadCatalog() {
  setupUpload();
  $("products-filter").addEventListener("submit", (e) => { e.preventDefault(); pOffset = 0; loadProducts(); });
  loadProducts();
}

// ---- search tuning: synonyms, merchandising rules, preview of a query before/after ----
function previewList(data) {
  const items = (data.results || data.items || []).map((r) => r.product || r);
  if (!items.length) return html`<p class="empty">${t("dash.nodata")}</p>`;
  return html`<ol class="preview">${items.slice(0, 10).map((p) => html`<li>${p.title || p.id}${p.merchandising ? html` <small class="tag">[${p.merchandising}]</small>` : ""}</li>`)}</ol>`;
}
const textToSyn = (text) => text.split("\n").map((l) => l.split(/[,，]/).map((x) => x.trim()).filter(Boolean)).filter((g) => g.length > 1);

let previewBefore = null;  // results of the preview query before the last change
async function previewSnapshot() {
  const q = $("preview-q").value.trim();
  if (!q) return null;
  try { return await api("/api/search?" + new URLSearchParams({ q, size: 10 })); } catch { return null; }
}
async function showPreview(before) {
  const out = $("preview-out"), q = $("preview-q").value.trim();
  if (!q) return;
  try {
    const after = await api("/api/search?" + new URLSearchParams({ q, size: 10 }));
    setHtml(out, html`<div><h3>${t("preview.before")}</h3>${before ? previewList(before) : "–"}</div><div><h3>${t("preview.after")}</h3>${previewList(after)}</div>`);
  } catch (err) { notice(out, endpointMissing(err) ? t("unavailable", { what: t("search.label") }) : errMsg(err), "warn"); }
}
/** Run a change and show the preview query's top 10 before and after it. */
async function withPreview(change) {
  const before = await previewSnapshot();
  await change();
  if (before || $("preview-q").value.trim()) await showPreview(before);
  const out = $("preview-out");
  out.dataset.changes = String(Number(out.dataset.changes || 0) + 1);
}

async function loadRules() {
  const el = $("rules-list");
  try {
    const rules = (await api("/api/search/rules")).rules;
    setHtml(el, rules.length ? html`<table id="rules-table"><thead><tr><th>${t("rule.action")}</th><th>${t("rule.product")}</th><th>${t("rule.query")}</th><th>${t("rule.param")}</th><th></th></tr></thead><tbody>${
      rules.map((r) => html`<tr><td>${r.action}</td><td>${r.product_id}</td><td>${r.query ?? t("rule.all")}</td><td>${r.action === "pin" ? "#" + r.position : r.action === "boost" ? "×" + r.factor : ""}</td>
        <td><button class="rule-del" data-id="${r.id}">${t("delete")}</button></td></tr>`)}</tbody></table>` : html`<p class="empty">${t("rules.none")}</p>`);
    el.querySelectorAll(".rule-del").forEach((b) => b.addEventListener("click", () => withPreview(async () => {
      try { await api("/api/search/rules/" + encodeURIComponent(b.dataset.id), { method: "DELETE", admin: true }); $("rules-status").textContent = t("saved"); }
      catch (e) { $("rules-status").textContent = errMsg(e); }
      await loadRules();
    })));
  } catch (e) { notice(el, endpointMissing(e) ? t("unavailable", { what: t("rules.title") }) : errMsg(e), "warn"); }
}

async function loadSearchTuning() {
  const el = $("panel-search");
  setHtml(el, html`<div class="panel"><h2>${t("preview")}</h2><form id="preview-form" class="row"><label for="preview-q">${t("preview.q")}</label><input id="preview-q">
      <button class="primary">${t("preview")}</button></form><p><small>${t("preview.help")}</small></p><div id="preview-out" class="two" aria-live="polite"></div></div>
    <div class="two">
    <div class="panel"><h2>${t("syn.title")}</h2><p>${t("syn.help")}</p><label for="syn-text" class="sr-only">${t("syn.title")}</label>
      <textarea id="syn-text"></textarea><div class="row"><button id="syn-save" class="primary">${t("save")}</button><span id="syn-status" role="status"></span></div></div>
    <div class="panel"><h2>${t("rules.title")}</h2><p>${t("rules.help")}</p><div id="rules-list" class="table-wrap"></div>
      <form id="rule-form" class="stack">
        <label>${t("rule.action")} <select id="rule-action"><option>pin</option><option>boost</option><option>bury</option><option>hide</option></select></label>
        <label>${t("rule.product")} <input id="rule-product" required></label>
        <label>${t("rule.query")} <input id="rule-query" placeholder="${t("rule.all")}"></label>
        <label>${t("rule.position")} <input id="rule-position" type="number" min="1" value="1"></label>
        <label>${t("rule.factor")} <input id="rule-factor" type="number" min="1" step="any" value="2"></label>
        <div class="row"><button class="primary">${t("rule.add")}</button><span id="rules-status" role="status"></span></div>
      </form></div></div>`);
  const ta = $("syn-text"), st = $("syn-status");
  try { ta.value = (await api("/api/search/synonyms")).synonyms.map((g) => g.join(", ")).join("\n"); }
  catch (e) { st.textContent = endpointMissing(e) ? t("unavailable", { what: t("syn.title") }) : errMsg(e); }
  $("syn-save").addEventListener("click", () => withPreview(async () => {
    try { await api("/api/search/synonyms", { method: "PUT", body: { synonyms: textToSyn(ta.value) }, admin: true }); st.textContent = t("saved"); }
    catch (e) { st.textContent = errMsg(e); }
  }));
  $("rule-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const body = { action: $("rule-action").value, product_id: $("rule-product").value.trim() };
    if ($("rule-query").value.trim()) body.query = $("rule-query").value.trim();
    if (body.action === "pin") body.position = Number($("rule-position").value || 1);
    if (body.action === "boost") body.factor = Number($("rule-factor").value || 2);
    withPreview(async () => {
      try { await api("/api/search/rules", { method: "POST", body, admin: true }); $("rules-status").textContent = t("saved"); }
      catch (err) { $("rules-status").textContent = errMsg(err); }
      await loadRules();
    });
  });
  $("preview-form").addEventListener("submit", async (e) => { e.preventDefault(); previewBefore = await previewSnapshot(); showPreview(previewBefore); });
  loadRules();
}

// ---- models & indexes ----
async function loadModels() {
  const el = $("panel-models");
  setHtml(el, html`<div class="panel"><h2>${t("stats.title")}</h2><div id="kb-stats" class="kpis"></div></div>
    <div class="panel"><h2>${t("jobs.title")}</h2><div class="row"><button id="reindex" class="primary">${t("jobs.reindex")}</button>
      <progress id="index-progress" max="1" value="0" hidden></progress><span id="index-status" role="status"></span></div>
      <div id="jobs" class="table-wrap"></div></div>`);
  $("reindex").addEventListener("click", reindex);
  refreshModels();
}

async function refreshModels() {
  try {
    const s = await api("/api/stats");
    setHtml($("kb-stats"), html`${Object.entries(s).map(([k, v]) => html`<div class="kpi"><b>${typeof v === "object" && v !== null ? JSON.stringify(v) : v}</b>${k}</div>`)}`);
  } catch (e) { notice($("kb-stats"), errMsg(e), "error"); }
  try {
    const jobs = await api("/api/jobs?limit=30");
    setHtml($("jobs"), html`<table id="jobs-table"><thead><tr><th>#</th><th>${t("jobs.kind")}</th><th>${t("jobs.status")}</th><th>${t("jobs.started_at")}</th><th>${t("jobs.seconds")}</th><th>${t("jobs.progress")}</th><th>${t("jobs.counts")}</th><th>${t("jobs.message")}</th></tr></thead><tbody>${
      jobs.map((j) => html`<tr><td>${j.id}</td><td>${j.kind}</td><td>${j.status}</td><td>${fmtTime(j.started_at)}</td><td>${j.ended_at ? (j.ended_at - j.started_at).toFixed(1) : ""}</td>
        <td><progress max="1" value="${j.progress}" aria-label="${j.kind} ${Math.round(100 * j.progress)}%"></progress></td>
        <td><small>${JSON.stringify(j.counts).slice(0, 160)}</small></td><td>${j.message || (j.errors.length ? j.errors.length + " errors" : "")}</td></tr>`)}</tbody></table>`);
    return jobs;
  } catch (e) { notice($("jobs"), errMsg(e), "error"); return []; }
}

/** Poll the newest job of `kind` (started at/after t0 ms) and show its progress until it ends. */
async function followJob(kind, bar, st, t0) {
  bar.hidden = false; bar.removeAttribute("value");
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const j = (await api(`/api/jobs?kind=${encodeURIComponent(kind)}&limit=1`))[0];
    if (j && j.started_at * 1000 >= t0 - 5000) {
      bar.value = j.progress;
      st.textContent = `${kind}: ${j.status} ${Math.round(100 * j.progress)}%` + (j.status === "failed" && j.message ? ` — ${j.message}` : "");
      if (j.status !== "running") break;
    }
    if (Date.now() - t0 > 30 * 60 * 1000) break;
  }
  setTimeout(() => { bar.hidden = true; }, 1500);
}

async function reindex() {
  const btn = $("reindex"), bar = $("index-progress"), st = $("index-status");
  btn.disabled = true;
  try {
    const t0 = Date.now();
    await api("/api/index", { method: "POST", admin: true });
    st.textContent = t("jobs.started");
    await followJob("index", bar, st, t0);
    refreshModels();
  } catch (e) { st.textContent = errMsg(e); }
  finally { btn.disabled = false; }
}

// ---- dashboard ----
function chartBox(id, title, inner) { return html`<figure class="chart" id="${id}"><h3>${title}</h3>${inner || html`<p class="empty">${t("dash.nodata")}</p>`}</figure>`; }

async function loadDashboard() {
  const el = $("panel-dashboard");
  setHtml(el, html`<div class="row"><button id="dash-refresh">${t("dash.refresh")}</button><span id="dash-status" role="status">${t("loading")}</span></div><div id="dash"></div>`);
  $("dash-refresh").addEventListener("click", renderDashboard);
  renderDashboard();
}

async function renderDashboard() {
  const out = $("dash"), st = $("dash-status");
  st.textContent = t("loading");
  let d;
  try { d = await api("/api/analytics", { admin: true }); } catch (e) { st.textContent = ""; notice(out, endpointMissing(e) ? t("unavailable", { what: t("tab.dashboard") }) : errMsg(e), "error"); return; }
  const s = d.search, cov = d.recommendation_coverage, sent = d.sentiment;
  const fmtX = d.window.bucket_seconds < 86400 ? hm : day;
  const epm = d.events_per_minute;
  setHtml(out, html`<div class="kpis">
    <div class="kpi"><b>${s.searches}</b>${t("dash.searches")}</div>
    <div class="kpi${s.zero_result.share > 0.1 ? " bad" : ""}"><b>${pct(s.zero_result.share)}</b>${t("dash.zero")}</div>
    <div class="kpi"><b>${pct(s.ctr.rate)}</b>${t("dash.ctr")}</div>
    <div class="kpi"><b>${pct(cov.coverage)}</b>${t("dash.coverage")}${cov.recommended != null ? html` <small>(${cov.recommended}/${cov.catalog})</small>` : ""}</div>
    <div class="kpi"><b>${Object.values(d.totals).reduce((a, b) => a + b, 0)}</b>${t("dash.events")}</div></div>
    <div id="alerts" class="panel"><h2>${t("dash.alerts")}</h2>${sent.alerts.length ? sent.alerts.map((a) => html`<p class="alert" role="alert">⚠ ${a.message}</p>`) : html`<p>${t("dash.noalerts")}</p>`}</div>
    <div class="charts">
    ${chartBox("chart-volume", t("dash.searches"), lineChart([{ name: t("dash.searches"), points: s.volume.map((p) => [p.t, p.count]) }], { xfmt: fmtX, title: t("dash.searches") }))}
    ${chartBox("chart-ctr", t("dash.ctr"), lineChart([{ name: t("dash.ctr"), points: s.ctr.series.map((p) => [p.t, p.rate]) }], { xfmt: fmtX, yfmt: (v) => Math.round(v * 100) + "%", ymax: 1, title: t("dash.ctr") }))}
    ${chartBox("chart-top", t("dash.top"), barChart(s.top_queries.map((q) => ({ label: q.query, value: q.count, note: q.ctr != null ? `(${pct(q.ctr)} CTR)` : "" })), { title: t("dash.top") }))}
    ${chartBox("chart-zero", t("dash.zero"), s.zero_result.known && !s.zero_result.count ? html`<p>${t("dash.nozero", { n: s.zero_result.known })}</p>`
      : barChart(s.zero_result.top.map((q) => ({ label: q.query, value: q.count })), { title: t("dash.zero"), color: "#c0392b" }))}
    ${chartBox("chart-epm", t("dash.epm"), epm.total ? stackedColumns(epm.t, epm.types, { xfmt: hm, title: t("dash.epm") }) : "")}
    ${/* the busiest categories; a bucket with under 3 reviews is left out (its share is mostly noise) */ ""}
    ${chartBox("chart-sentiment", t("dash.sentiment"), lineChart(sent.categories.slice(0, 6).map((c) => ({ name: c.category, points: c.series.filter((p) => p.reviews >= 3).map((p) => [p.t, p.share]) })),
      { xfmt: day, yfmt: (v) => Math.round(v * 100) + "%", ymax: 1, title: t("dash.sentiment") }))}
    </div>
    ${cov.reason ? html`<p class="notice">${t("dash.coverage")}: ${cov.reason}</p>` : ""}`);
  st.textContent = `${fmtTime(d.generated_at)} · ${d.took_ms} ms`;
  document.body.dataset.dashboard = "ready";
}

// ---- evaluation reports: tables of numeric metrics + a bar plot of the first metric ----
function metricTables(obj, path = [], out = []) {
  if (!obj || typeof obj !== "object") return out;
  const isNumDict = (o) => o && typeof o === "object" && !Array.isArray(o) && Object.values(o).some((v) => typeof v === "number");
  const entries = Array.isArray(obj) ? obj.map((o, i) => [o && (o.name || o.model || o.method || o.id) || String(i), o]) : Object.entries(obj);
  const rows = entries.filter(([, v]) => isNumDict(v));
  if (rows.length >= 1 && rows.length >= entries.length / 2) {
    const cols = [...new Set(rows.flatMap(([, v]) => Object.keys(v).filter((k) => typeof v[k] === "number")))];
    out.push({ title: path.join(" › "), cols, rows: rows.map(([k, v]) => [k, cols.map((c) => v[c])]) });
    return out;
  }
  if (!Array.isArray(obj) && isNumDict(obj) && path.length === 0) {
    const cols = Object.keys(obj).filter((k) => typeof obj[k] === "number");
    out.push({ title: "", cols, rows: [["", cols.map((c) => obj[c])]] });
  }
  for (const [k, v] of entries) if (v && typeof v === "object") metricTables(v, [...path, k], out);
  return out;
}
const fmtNum = (v) => v == null ? "" : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(4);

async function loadEval() {
  const el = $("panel-eval");
  let data;
  try { data = await api("/api/analytics/eval", { admin: true }); } catch (e) { notice(el, errMsg(e), "error"); return; }
  if (!data.reports.length) { setHtml(el, html`<div class="panel"><h2>${t("eval.title")}</h2><p class="notice">${t("eval.none")}</p></div>`); return; }
  setHtml(el, html`${data.reports.map((r) => {
    if (r.error) return html`<div class="panel"><h2>${r.name}</h2><p class="notice error">${r.error}</p></div>`;
    const tables = metricTables(r.data).slice(0, 8);
    return html`<div class="panel eval-report"><h2>${r.name}</h2><p><small>${r.path} · ${fmtTime(r.modified)}</small></p>${tables.map((tb) => {
      const metric = tb.cols.find((c) => /ndcg|hr|hit|recall|mrr/i.test(c)) || tb.cols[0];
      const mi = tb.cols.indexOf(metric);
      const plot = tb.rows.length > 1 ? barChart(tb.rows.map(([k, vs]) => ({ label: k, value: vs[mi] ?? 0 })), { fmt: fmtNum, title: metric }) : "";
      return html`${tb.title ? html`<h3>${tb.title}</h3>` : ""}<div class="table-wrap"><table class="eval-table"><thead><tr><th></th>${tb.cols.map((c) => html`<th>${c}</th>`)}</tr></thead><tbody>${
        tb.rows.map(([k, vs]) => html`<tr><th scope="row">${k}</th>${vs.map((v) => html`<td>${fmtNum(v)}</td>`)}</tr>`)}</tbody></table></div>${
        plot ? html`<figure class="chart"><h3>${metric}</h3>${plot}</figure>` : ""}`;
    })}</div>`;
  })}`);
}

const LOADERS = { catalog: loadCatalog, search: loadSearchTuning, models: loadModels, dashboard: loadDashboard, eval: loadEval };

mountHeader("admin");
setupKey();
setupTabs();
selectTab(location.hash.slice(1) || "catalog");
/** Render the open tab again (new language, or a key that now lets it read admin data). */
function reloadTabs() {
  const cur = location.hash.slice(1) || "catalog";
  Object.keys(loaded).forEach((k) => { if (k !== "catalog") loaded[k] = false; });
  if (cur === "catalog") loadProducts(); else selectTab(cur);
}
onLangChange(reloadTabs);
