// Small inline-SVG charts (line and horizontal bar) for the dashboard; no library, no canvas. Every
// chart is an html`` fragment: labels and series names from the data are escaped like any other text.
import { html } from "./html.js";

const COLORS = ["#0b57a4", "#c0392b", "#1e7b34", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50"];

function ticks(max, n = 4) {
  if (max <= 0) return [0, 1];
  const raw = max / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const out = []; for (let v = 0; v <= max + step * 0.001; v += step) out.push(+v.toFixed(6));
  if (out[out.length - 1] < max) out.push(+(out[out.length - 1] + step).toFixed(6));
  return out;
}

/** A legend: one coloured dot (an SVG circle: no inline style under the CSP) and name per series. */
function legend(names, colors) {
  return html`<p class="legend">${names.map((n, i) => html`${i ? html` &nbsp; ` : ""}<svg class="dot" viewBox="0 0 10 10" aria-hidden="true"><circle cx="5" cy="5" r="5" fill="${colors[i]}"></circle></svg>${n}`)}</p>`;
}

/** Line chart: series = [{name, points: [[x, y], ...]}]; x numbers (e.g. unix seconds). */
export function lineChart(series, { width = 520, height = 200, xfmt = String, yfmt = String, title = "", ymax } = {}) {
  const pts = series.flatMap((s) => s.points.filter((p) => p[1] != null));
  if (!pts.length) return "";
  const pad = { l: 42, r: 10, t: 10, b: 24 };
  const xs = pts.map((p) => p[0]);
  const x0 = Math.min(...xs), x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const yt = ticks(ymax ?? Math.max(...pts.map((p) => p[1])));
  const y1 = yt[yt.length - 1] || 1;
  const X = (x) => pad.l + (x - x0) / (x1 - x0) * (width - pad.l - pad.r);
  const Y = (y) => height - pad.b - y / y1 * (height - pad.t - pad.b);
  const colors = series.map((s, i) => s.color || COLORS[i % COLORS.length]);
  const xt = [x0, x0 + (x1 - x0) / 2, x1];
  const lines = series.map((s, i) => {
    const c = colors[i], ps = s.points.filter((p) => p[1] != null);
    if (!ps.length) return "";
    return html`<polyline class="series" fill="none" stroke="${c}" stroke-width="2" points="${ps.map((p) => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(" ")}"></polyline>${
      ps.length < 40 ? ps.map((p) => html`<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="2.5" fill="${c}"><title>${s.name} ${xfmt(p[0])}: ${yfmt(p[1])}</title></circle>`) : ""}`;
  });
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" class="line-chart"><title>${title}</title>${
    yt.map((v) => html`<line x1="${pad.l}" x2="${width - pad.r}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e3e7ec"></line><text x="${pad.l - 4}" y="${Y(v) + 4}" text-anchor="end">${yfmt(v)}</text>`)}${
    xt.map((v, i) => html`<text x="${X(v)}" y="${height - 6}" text-anchor="${["start", "middle", "end"][i]}">${xfmt(v)}</text>`)}${lines}</svg>${
    series.length > 1 ? legend(series.map((s) => s.name), colors) : ""}`;
}

/** Horizontal bar chart: rows = [{label, value, note}]. */
export function barChart(rows, { width = 520, fmt = String, title = "", color = COLORS[0] } = {}) {
  if (!rows.length) return "";
  const bh = 20, gap = 6, lw = 150, height = rows.length * (bh + gap) + 4;
  const max = Math.max(...rows.map((r) => r.value), 1e-9);
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" class="bar-chart"><title>${title}</title>${rows.map((r, i) => {
    const y = i * (bh + gap) + 2, w = (width - lw - 60) * r.value / max;
    const label = String(r.label).length > 22 ? String(r.label).slice(0, 21) + "…" : String(r.label);
    return html`<text x="${lw - 6}" y="${y + bh * 0.7}" text-anchor="end">${label}</text>
      <rect class="bar" x="${lw}" y="${y}" width="${Math.max(w, 1).toFixed(1)}" height="${bh}" rx="3" fill="${r.color || color}"><title>${r.label}: ${fmt(r.value)}</title></rect>
      <text x="${lw + Math.max(w, 1) + 4}" y="${y + bh * 0.7}">${fmt(r.value)}${r.note ? " " + r.note : ""}</text>`;
  })}</svg>`;
}

/** Stacked columns: t = x labels, types = {name: [values]} (events per minute). */
export function stackedColumns(t, types, { width = 520, height = 200, xfmt = String, title = "" } = {}) {
  const names = Object.keys(types);
  if (!names.length || !t.length) return "";
  const pad = { l: 36, r: 8, t: 8, b: 24 };
  const totals = t.map((_, i) => names.reduce((s, n) => s + types[n][i], 0));
  const yt = ticks(Math.max(...totals, 1));
  const y1 = yt[yt.length - 1];
  const cw = (width - pad.l - pad.r) / t.length;
  const Y = (v) => (height - pad.t - pad.b) * v / y1;
  const colors = names.map((_, j) => COLORS[j % COLORS.length]);
  const columns = t.map((x, i) => {
    let base = height - pad.b;
    return names.map((n, j) => {
      const v = types[n][i]; if (!v) return "";
      const hh = Y(v); base -= hh;
      return html`<rect class="bar" x="${(pad.l + i * cw + 0.5).toFixed(1)}" y="${base.toFixed(1)}" width="${Math.max(cw - 1, 1).toFixed(1)}" height="${hh.toFixed(1)}" fill="${colors[j]}"><title>${xfmt(x)} ${n}: ${v}</title></rect>`;
    });
  });
  return html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" class="column-chart"><title>${title}</title>${
    yt.map((v) => html`<line x1="${pad.l}" x2="${width - pad.r}" y1="${height - pad.b - Y(v)}" y2="${height - pad.b - Y(v)}" stroke="#e3e7ec"></line><text x="${pad.l - 4}" y="${height - pad.b - Y(v) + 4}" text-anchor="end">${v}</text>`)}${
    columns}${[0, Math.floor(t.length / 2), t.length - 1].map((i, k) => html`<text x="${pad.l + (i + 0.5) * cw}" y="${height - 6}" text-anchor="${["start", "middle", "end"][k]}">${xfmt(t[i])}</text>`)}</svg>${
    legend(names, colors)}`;
}
