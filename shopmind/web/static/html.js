// The one way page scripts put data into the DOM: html`...` escapes every interpolated value unless it
// is a fragment html`` built itself; a value that starts an href/src attribute must be an http(s) or
// site-relative URL. setHtml() takes only such fragments, so markup can never come from data.

const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };

/** Text escaped for HTML element content and quoted attribute values. */
export function escapeHtml(v) {
  return String(v ?? "").replace(/[&<>"'`]/g, (c) => ESC[c]);
}

class Fragment {
  constructor(markup) { this.markup = markup; Object.freeze(this); }
  toString() { return this.markup; }
}

/** True for a fragment built by html`` (safe to insert as markup). */
export const isFragment = (v) => v instanceof Fragment;

/** An http(s) or site-relative URL as given; anything else (javascript:, data:, //host, …) becomes "". */
export function safeUrl(u) {
  const s = String(u ?? "").trim();
  if (/^https?:\/\/[^\s/\\]/i.test(s)) return s;
  if (/^\/(?![/\\])/.test(s) || /^[?#]/.test(s)) return s;
  return "";
}

// the static text before a value ends inside a URL attribute: the value is the start of that URL
const URL_ATTR = /\s(?:href|src|action|formaction|poster|xlink:href)\s*=\s*["']$/i;
const UNQUOTED_ATTR = /=\s*$/;

function part(v, inUrl) {
  if (v === null || v === undefined || v === false) return "";
  if (Array.isArray(v)) return v.map((x) => part(x, inUrl)).join("");
  if (v instanceof Fragment && !inUrl) return v.markup;
  return escapeHtml(inUrl ? safeUrl(String(v)) : v);
}

/** Tagged template: html`<p class="${cls}">${text}</p>` -> a Fragment; arrays of fragments are joined. */
export function html(strings, ...values) {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) {
    if (UNQUOTED_ATTR.test(strings[i])) throw new Error("html``: quote every attribute value (" + strings[i].slice(-20) + ")");
    out += part(values[i], URL_ATTR.test(strings[i])) + strings[i + 1];
  }
  return new Fragment(out);
}

/** Fragments (or text) joined with a separator fragment or text. */
export function join(items, sep = "") {
  return new Fragment(items.map((x) => part(x, false)).join(part(sep, false)));
}

/** Replace the content of `el` with a fragment built by html`` (plain strings are refused). */
export function setHtml(el, fragment) {
  if (!(fragment instanceof Fragment)) throw new TypeError("setHtml needs an html`` fragment, not " + typeof fragment);
  el.innerHTML = fragment.markup;
  return el;
}

/** Set the text of `el` (never parsed as markup). */
export function setText(el, text) {
  el.textContent = String(text ?? "");
  return el;
}
