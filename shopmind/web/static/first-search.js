// Start the first search at once, before the stylesheet and modules load (page-load latency); a classic
// script (not a module) so it runs first. The same parameters as store.js builds, which then takes this
// response instead of asking again. Who searches comes from the cookies (the page response set shopmind_sid).
(function () {
  var p = new URLSearchParams(location.search);
  p.set("size", "12"); p.set("page", p.get("page") || "1");
  p.sort();
  window.__smFirst = { qs: p.toString(), res: fetch("/api/search?" + p, { credentials: "same-origin" }).then(function (r) {
    return r.text().then(function (t) { return { ok: r.ok, status: r.status, text: t }; }); }) };
})();
