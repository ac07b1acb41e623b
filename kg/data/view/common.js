/* kg interactive view, shared part: text-only DOM helpers, safe links, name normalisation, data
 * loading and readiness. Data is read with JSON.parse and always inserted as text, never as
 * markup: nothing in the view parses HTML. */
var kgUI = (function () {
  "use strict";

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function isSafeUrl(url) { return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url); }
  function link(url, text) {
    if (!isSafeUrl(url)) { return el("span", null, text || url); }
    var a = el("a", null, text || url);
    a.setAttribute("href", url);
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
    return a;
  }
  function linkLabel(url) {
    var m = /wikidata\.org\/(?:entity|wiki)\/(Q\d+)/i.exec(url);
    if (m) { return "Wikidata " + m[1]; }
    m = /geonames\.org\/(\d+)/i.exec(url);
    if (m) { return "GeoNames " + m[1]; }
    return url;
  }
  function norm(s) {
    return String(s || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }
  /* how well a normalised key matches a normalised query: 0 exact … 3 substring, 9 no match */
  function matchScore(key, q) {
    if (key === q) { return 0; }
    var at = key.indexOf(q);
    if (at === 0) { return 1; }
    if (at < 0) { return 9; }
    return (" " + key).indexOf(" " + q) >= 0 ? 2 : 3;
  }
  function fmt(n) { return Number(n).toLocaleString("en-US"); }
  function swatch(color, isEvent) {
    var sw = el("span", "kg-swatch" + (isEvent ? " kg-event" : ""));
    sw.style.background = color || "#ccc";
    return sw;
  }
  /* one checkbox row of a filter list; onChange(checked) */
  function filterRow(box, attr, value, marker, name, count, onChange) {
    var label = el("label");
    var cb = el("input");
    cb.type = "checkbox";
    cb.checked = true;
    cb.setAttribute(attr, value);
    cb.addEventListener("change", function () { onChange(cb.checked); });
    label.appendChild(cb);
    label.appendChild(marker);
    label.appendChild(el("span", null, name));
    label.appendChild(el("span", "kg-count", fmt(count)));
    box.appendChild(label);
    return cb;
  }
  /* a result list under a text input: items(query) -> [{text, sub, marker?, value}] */
  function dropdown(input, list, items, choose) {
    var results = [];
    var active = 0;
    function render() {
      clear(list);
      if (!input.value.trim()) { list.hidden = true; return; }
      if (!results.length) { list.appendChild(el("li", "kg-empty", "No match")); }
      results.forEach(function (r, i) {
        var li = el("li", i === active ? "kg-active" : null);
        li.setAttribute("role", "option");
        if (r.marker) { li.appendChild(r.marker); }
        li.appendChild(el("span", null, r.text));
        if (r.sub) { li.appendChild(el("span", "kg-match", r.sub)); }
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      list.hidden = false;
    }
    function pick(i) {
      var r = results[i];
      if (!r) { return; }
      list.hidden = true;
      choose(r.value);
    }
    input.addEventListener("input", function () { results = items(input.value); active = 0; render(); });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        if (!results.length) { results = items(input.value); }
        pick(active);
      } else if (ev.key === "ArrowDown") {
        ev.preventDefault();
        active = Math.min(active + 1, results.length - 1);
        render();
      } else if (ev.key === "ArrowUp") {
        ev.preventDefault();
        active = Math.max(active - 1, 0);
        render();
      } else if (ev.key === "Escape") {
        list.hidden = true;
      }
    });
    input.addEventListener("blur", function () { list.hidden = true; });
  }
  /* milliseconds since navigation start at each step of the start-up, for benchmarks */
  var timings = window.kgTimings = {};
  function mark(name) { timings[name] = Math.round(performance.now()); }
  /* a data element: plain JSON, or gzip-compressed JSON in base64 for big graphs */
  function decode(id) {
    var node = $(id);
    if (node.getAttribute("type") === "application/json") {
      return Promise.resolve(JSON.parse(node.textContent));
    }
    var text = node.textContent.trim();
    var bytes;
    if (typeof Uint8Array.fromBase64 === "function") {
      bytes = Uint8Array.fromBase64(text);
    } else {
      var bin = atob(text);
      bytes = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  /* the view's data (the sentences of the corpus view come later, see loadText) */
  function loadData() {
    mark("script");
    return decode("kg-data").then(function (data) { mark("parsed"); return data; });
  }
  function loadText() {
    return decode("kg-text").then(function (text) { mark("text"); return text; });
  }
  function setReady(ready) {
    window.kgReady = ready;
    if (ready) {
      if (window.kgReadyAt === undefined) { window.kgReadyAt = performance.now(); mark("ready"); }
      document.body.setAttribute("data-kg-ready", "1");
    } else {
      document.body.removeAttribute("data-kg-ready");
    }
  }
  function fail(err) {
    var panel = $("kg-panel");
    clear(panel);
    panel.appendChild(el("p", "kg-error", "The view could not start: " + (err && err.message || err)));
    window.kgError = String(err && err.stack || err);
    throw err;
  }

  return {
    $: $, el: el, clear: clear, link: link, linkLabel: linkLabel, norm: norm, matchScore: matchScore,
    fmt: fmt, mark: mark, swatch: swatch, filterRow: filterRow, dropdown: dropdown, loadData: loadData, loadText: loadText,
    setReady: setReady, fail: fail
  };
})();
