/* kg interactive view, corpus mode (large graphs). Entities are drawn at positions computed in
 * Python (no physics in the browser); events are folded into each entity's timeline; shared events
 * are weighted edges that can be switched off; when too many entities would be drawn, clusters
 * stand for them and open on click; labels are placed by zoom level and importance so that they
 * never overlap. Everything is built with DOM APIs and textContent: data is never markup. */
(function () {
  "use strict";
  var U = kgUI, $ = U.$, el = U.el, clear = U.clear;
  var PAGE = 50;            // items of a long panel list rendered at once
  var EXPAND_MAX = 3000;    // most entities drawn one by one while clusters are open
  var LABEL_PX = 12;        // label size on screen, whatever the zoom
  var BUNDLE_PER_CLUSTER = 3;  // links drawn between clusters, per cluster
  var FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";
  var CO = "co-participation";

  function start(D) {
    var E = D.entities, R = D.relations, V = D.events, C = D.copart, K = D.clusters;
    var nE = E.label.length, nR = R.from.length, nV = V.cls.length, nC = C.a.length, nK = K.x.length;
    var sentText = null;  // decoded after the first drawing (loadText)
    var sentDoc = D.sentences.doc, docDate = D.docs.date;
    window.kgTextReady = false;
    var classes = D.classes;

    /* ---------- model: adjacency, documents and dates of edges and events ---------- */
    var entRel = [], entCo = [], entEv = [], size = new Float64Array(nE);
    for (var i = 0; i < nE; i++) {
      entRel.push([]); entCo.push([]); entEv.push([]);
      size[i] = 8 + 3 * Math.log2(1 + E.docs[i].length);
    }
    function evidenceDocs(ev) {
      var out = [];
      ev.forEach(function (x) { var d = sentDoc[x[0]]; if (out.indexOf(d) < 0) { out.push(d); } });
      return out;
    }
    var relDocs = R.ev.map(evidenceDocs);
    var evDocs = V.ev.map(evidenceDocs);
    var evDate = V.date.map(function (d, v) { return d || (evDocs[v].length ? docDate[evDocs[v][0]] : null) || ""; });
    R.from.forEach(function (a, r) { entRel[a].push(r); if (R.to[r] !== a) { entRel[R.to[r]].push(r); } });
    C.a.forEach(function (a, c) { entCo[a].push(c); entCo[C.b[c]].push(c); });
    V.roles.forEach(function (players, v) {
      players.forEach(function (p) { entEv[p[0]].push([v, p[1]]); });
    });
    var laidOut = function (i) { return E.x[i] !== null; };
    var members = [];
    for (var k = 0; k < nK; k++) { members.push([]); }
    for (i = 0; i < nE; i++) { if (E.cluster[i] >= 0) { members[E.cluster[i]].push(i); } }
    members.forEach(function (m) { m.sort(function (a, b) { return E.docs[b].length - E.docs[a].length || a - b; }); });

    function iriOf(i) { return E.iri[i].indexOf("://") > 0 ? E.iri[i] : D.base + E.iri[i]; }
    function colorOf(cls) { return classes[cls].color; }
    function docTitle(d) { return D.docs.title[d] || D.docs.id[d]; }

    /* ---------- filters and state ---------- */
    var clsOn = classes.map(function () { return true; });
    var propOn = D.props.map(function () { return true; });
    var coOn = true;
    var docSel = -1, dateFrom = "", dateTo = "";
    var focus = -1, selected = -1;
    var expanded = [];

    function dateOk(d) { return (!dateFrom || (d && d >= dateFrom)) && (!dateTo || (d && d <= dateTo)); }
    function relOk(r) {
      if (!propOn[R.prop[r]] || !clsOn[E.cls[R.from[r]]] || !clsOn[E.cls[R.to[r]]]) { return false; }
      if (docSel < 0 && !dateFrom && !dateTo) { return true; }
      return relDocs[r].some(function (d) { return (docSel < 0 || d === docSel) && dateOk(docDate[d]); });
    }
    function evOk(v) {
      if (!clsOn[V.cls[v]]) { return false; }
      if (docSel >= 0 && evDocs[v].indexOf(docSel) < 0) { return false; }
      return dateOk(evDate[v]);
    }
    function coWeight(c) {
      if (!coOn || !clsOn[E.cls[C.a[c]]] || !clsOn[E.cls[C.b[c]]]) { return 0; }
      var w = 0;
      C.events[c].forEach(function (v) { if (evOk(v)) { w++; } });
      return w;
    }

    /* the entities and edges that pass the filters (and the focus) */
    function model() {
      var edges = [], nodes = new Set();
      for (var r = 0; r < nR; r++) {
        if (R.from[r] !== R.to[r] && relOk(r)) { edges.push({ id: "r" + r, a: R.from[r], b: R.to[r], w: 1, r: r }); }
      }
      for (var c = 0; c < nC; c++) {
        var w = coWeight(c);
        if (w > 0) { edges.push({ id: "p" + c, a: C.a[c], b: C.b[c], w: w, c: c }); }
      }
      if (focus >= 0) {
        var near = new Set([focus]);
        edges.forEach(function (e) {
          if (e.a === focus) { near.add(e.b); } else if (e.b === focus) { near.add(e.a); }
        });
        edges = edges.filter(function (e) { return near.has(e.a) && near.has(e.b); });
        return { nodes: near, edges: edges };
      }
      edges.forEach(function (e) { nodes.add(e.a); nodes.add(e.b); });
      return { nodes: nodes, edges: edges };
    }

    /* ---------- what is drawn: entities, clusters, bundles of edges between clusters ---------- */
    function radial(nodes, edges) {
      var strength = new Map();
      edges.forEach(function (e) {
        var o = e.a === focus ? e.b : e.b === focus ? e.a : -1;
        if (o >= 0) { strength.set(o, (strength.get(o) || 0) + (e.r !== undefined ? 3 : e.w)); }
      });
      var around = Array.from(nodes).filter(function (n) { return n !== focus; });
      around.sort(function (a, b) {
        return (strength.get(b) || 0) - (strength.get(a) || 0) || E.docs[b].length - E.docs[a].length || a - b;
      });
      var pos = new Map([[focus, { x: 0, y: 0 }]]);
      var done = 0, ring = 0;
      while (done < around.length) {
        ring++;
        var radius = 170 + 130 * (ring - 1);
        var n = Math.min(Math.max(6, Math.floor(2 * Math.PI * radius / 95)), around.length - done);
        for (var j = 0; j < n; j++) {
          var angle = 2 * Math.PI * j / n + ring * 0.45;
          pos.set(around[done + j], { x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
        }
        done += n;
      }
      return pos;
    }

    function layoutOf(m) {
      var shown = { nodes: new Map(), edges: new Map(), clusters: new Map() };
      var pos = null, opened = null;
      if (focus >= 0) {
        pos = radial(m.nodes, m.edges);
      } else if (m.nodes.size > D.canvasMax && nK > 0) {
        opened = new Set(expanded);
      }
      var where = new Map();  // entity -> drawn id
      m.nodes.forEach(function (n) {
        var c = E.cluster[n];
        if (opened && !opened.has(c)) {
          var cl = shown.clusters.get(c);
          if (!cl) { cl = []; shown.clusters.set(c, cl); }
          cl.push(n);
          where.set(n, "c" + c);
        } else {
          var p = pos ? pos.get(n) : { x: E.x[n], y: E.y[n] };
          shown.nodes.set("n" + n, { i: n, x: p.x, y: p.y });
          where.set(n, "n" + n);
        }
      });
      var bundles = new Map(), parallel = new Map();
      m.edges.forEach(function (e) {
        var a = where.get(e.a), b = where.get(e.b);
        if (a === b) { return; }
        if (a[0] === "n" && b[0] === "n") {
          // edges between the same two entities are curved apart, not drawn on top of each other
          var pair = Math.min(e.a, e.b) + "|" + Math.max(e.a, e.b);
          e.bend = parallel.get(pair) || 0;
          parallel.set(pair, e.bend + 1);
          shown.edges.set(e.id, e);
          return;
        }
        // links from a drawn entity into a closed cluster: only those of the selected entity;
        // links between clusters: only while no cluster is open
        if ((a[0] === "n" && +a.slice(1) !== selected) || (b[0] === "n" && +b.slice(1) !== selected)) { return; }
        if (a[0] === "c" && b[0] === "c" && expanded.length) { return; }
        var key = a < b ? a + "|" + b : b + "|" + a;
        var bundle = bundles.get(key);
        if (!bundle) { bundle = { id: "b" + key, from: a < b ? a : b, to: a < b ? b : a, n: 0 }; bundles.set(key, bundle); }
        bundle.n += 1;
      });
      // between clusters, only the strongest links: a few per cluster
      var strongest = Array.from(bundles.values()).sort(function (x, y) { return y.n - x.n || (x.id < y.id ? -1 : 1); });
      strongest.slice(0, BUNDLE_PER_CLUSTER * shown.clusters.size + 50).forEach(function (b) { shown.edges.set(b.id, b); });
      return shown;
    }

    /* ---------- tooltips and vis items ---------- */
    function tip(title, lines) {
      var t = el("div", "kg-tip");
      t.appendChild(el("div", "kg-tip-title", title));
      lines.forEach(function (line) { if (line) { t.appendChild(el("div", "kg-tip-sub", line)); } });
      return t;
    }
    function entityFacts(i) {
      var evs = entEv[i].length, rels = entRel[i].length;
      return U.fmt(E.docs[i].length) + " document" + (E.docs[i].length === 1 ? "" : "s") + " · " +
        U.fmt(rels) + " relation" + (rels === 1 ? "" : "s") + " · " + U.fmt(evs) + " event" + (evs === 1 ? "" : "s");
    }
    function clusterName(c, list) {
      var top = (list || members[c]).slice(0, 3).map(function (n) { return E.label[n]; });
      return top.join(" · ");
    }
    function nodeItem(id, s) {
      var i = s.i, color = colorOf(E.cls[i]);
      return {
        id: id, x: s.x, y: s.y, size: size[i], shape: "dot",
        color: { background: color, border: "#ffffff", highlight: { background: color, border: "#111827" },
          hover: { background: color, border: "#111827" } },
        borderWidth: 1,
        title: tip(E.label[i], [classes[E.cls[i]].name, entityFacts(i),
          E.alt[i].length ? "Also: " + E.alt[i].slice(0, 5).join(", ") + (E.alt[i].length > 5 ? " …" : "") : "",
          "Click for details, double-click for its neighbourhood"])
      };
    }
    function clusterItem(c, list) {
      return {
        id: "c" + c, x: K.x[c], y: K.y[c], size: K.r[c], shape: "dot",
        color: { background: "rgba(91,143,249,0.10)", border: "#9fb3d9",
          highlight: { background: "rgba(91,143,249,0.22)", border: "#2b4acb" },
          hover: { background: "rgba(91,143,249,0.18)", border: "#2b4acb" } },
        borderWidth: 1.5,
        title: tip(clusterName(c, list), [U.fmt(list.length) + " entities", "Click to open this cluster"])
      };
    }
    function bent(item, k) {
      if (k) { item.smooth = { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.5 * Math.ceil(k / 2) }; }
      return item;
    }
    function edgeItem(e) {
      if (e.r !== undefined) {
        var r = e.r, prop = D.props[R.prop[r]].name;
        var first = R.ev[r].length && sentText ? sentText[R.ev[r][0][0]] : "";
        return bent({ id: e.id, from: "n" + e.a, to: "n" + e.b, arrows: { to: { enabled: true } },
          width: 1.5, title: tip(E.label[e.a] + " → " + prop + " → " + E.label[e.b], [first]) }, e.bend);
      }
      if (e.c !== undefined) {
        var w = e.w;
        return bent({ id: e.id, from: "n" + e.a, to: "n" + e.b, dashes: [3, 4],
          width: Math.min(0.8 + Math.log2(w) * 0.9, 6),
          color: { color: "#e0a15f", highlight: "#d64545", hover: "#b8651d" },
          title: tip(E.label[e.a] + " and " + E.label[e.b],
            [U.fmt(w) + " shared event" + (w === 1 ? "" : "s"), V.label[C.events[e.c][0]]]) }, e.bend);
      }
      return { id: e.id, from: e.from, to: e.to, width: Math.min(1 + Math.log2(e.n), 8),
        color: { color: "#aab4c0", opacity: 0.45, highlight: "#d64545", hover: "#7b8794" },
        title: tip(U.fmt(e.n) + " link" + (e.n === 1 ? "" : "s"), ["between these groups"]) };
    }
    function signature(id, s) {
      if (id[0] === "c") { return s.length; }
      if (id[0] === "n") { return s.x + "," + s.y; }
      return s.n !== undefined ? s.n : s.w + "/" + s.bend;
    }

    /* ---------- network ---------- */
    var nodesDS = new vis.DataSet([]);
    var edgesDS = new vis.DataSet([]);
    var drawn = { nodes: new Map(), edges: new Map() };  // id -> signature
    var current = null;  // the last layoutOf() result
    var version = 0;

    function sync(ds, was, items, make) {
      var add = [], upd = [], gone = [];
      was.forEach(function (sig, id) { if (!items.has(id)) { gone.push(id); } });
      items.forEach(function (s, id) {
        var sig = signature(id, s);
        if (!was.has(id)) { add.push(make(id, s)); } else if (was.get(id) !== sig) { upd.push(make(id, s)); }
        was.set(id, sig);
      });
      gone.forEach(function (id) { was.delete(id); });
      if (gone.length) { ds.remove(gone); }
      if (upd.length) { ds.update(upd); }
      if (add.length) { ds.add(add); }
    }

    function refresh() {
      current = layoutOf(model());
      var nodeItems = new Map(current.nodes);
      current.clusters.forEach(function (list, c) { nodeItems.set("c" + c, list); });
      sync(nodesDS, drawn.nodes, nodeItems, function (id, s) { return id[0] === "c" ? clusterItem(+id.slice(1), s) : nodeItem(id, s); });
      sync(edgesDS, drawn.edges, current.edges, function (id, s) { return edgeItem(s); });
      version++;
      updateStatus();
    }

    U.mark("model");
    var network = new vis.Network($("kg-canvas"), { nodes: nodesDS, edges: edgesDS }, D.options);
    window.kgNetwork = network;

    /* ---------- labels: greedy by importance at the current zoom, never overlapping ---------- */
    var measurer = document.createElement("canvas").getContext("2d");
    var widths = new Map();
    function textWidth(text, bold) {
      var key = (bold ? "b" : "n") + text;
      var w = widths.get(key);
      if (w === undefined) {
        measurer.font = (bold ? "600 " : "") + LABEL_PX + "px " + FONT;
        w = measurer.measureText(text).width;
        widths.set(key, w);
      }
      return w;
    }
    var labelCache = { version: -1, scale: 0, list: [] };
    function candidates() {
      var out = [];
      var near = new Set();
      if (selected >= 0) {
        near.add(selected);
        entRel[selected].forEach(function (r) { near.add(R.from[r]); near.add(R.to[r]); });
        entCo[selected].forEach(function (c) { near.add(C.a[c]); near.add(C.b[c]); });
      }
      current.clusters.forEach(function (list, c) {
        out.push({ x: K.x[c], y: K.y[c], r: 0, text: clusterName(c, list), bold: true, cluster: true,
          sub: U.fmt(list.length) + " entities", rank: 3e9 + list.length });
      });
      current.nodes.forEach(function (s) {
        var i = s.i;
        var rank = E.docs[i].length + entRel[i].length + (i === selected ? 2e9 : near.has(i) ? 1e9 : 0) +
          (i === focus ? 2e9 : 0);
        out.push({ x: s.x, y: s.y, r: size[i], text: E.label[i], bold: i === selected || i === focus, rank: rank });
      });
      out.sort(function (a, b) { return b.rank - a.rank || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0); });
      return out;
    }
    function placeLabels(scale) {
      if (labelCache.version === version && labelCache.scale === scale) { return labelCache.list; }
      var grid = new Map(), CELL = 96, list = [];
      function cells(b, visit) {
        for (var gx = Math.floor(b.l / CELL); gx <= Math.floor(b.r / CELL); gx++) {
          for (var gy = Math.floor(b.t / CELL); gy <= Math.floor(b.b / CELL); gy++) {
            if (visit(gx + ":" + gy) === false) { return false; }
          }
        }
        return true;
      }
      candidates().forEach(function (c) {
        var w = Math.max(textWidth(c.text, c.bold), c.sub ? textWidth(c.sub, false) : 0);
        var h = c.sub ? 2 * LABEL_PX + 6 : LABEL_PX + 4;
        var cx = c.x * scale, cy = c.cluster ? c.y * scale : (c.y + c.r) * scale + 3 + h / 2;
        var b = { l: cx - w / 2 - 3, r: cx + w / 2 + 3, t: cy - h / 2, b: cy + h / 2 };
        var free = cells(b, function (key) {
          var boxes = grid.get(key);
          if (!boxes) { return true; }
          for (var j = 0; j < boxes.length; j++) {
            var o = boxes[j];
            if (b.l < o.r && o.l < b.r && b.t < o.b && o.t < b.b) { return false; }
          }
          return true;
        });
        if (!free) { return; }
        cells(b, function (key) { var boxes = grid.get(key); if (!boxes) { grid.set(key, boxes = []); } boxes.push(b); });
        list.push({ c: c, cx: cx / scale, cy: cy / scale, box: b });
      });
      labelCache = { version: version, scale: scale, list: list };
      return list;
    }
    network.on("afterDrawing", function (ctx) {
      if (!current) { return; }
      var scale = network.getScale();
      var list = placeLabels(scale);
      var tl = network.DOMtoCanvas({ x: 0, y: 0 });
      var canvasEl = $("kg-canvas");
      var br = network.DOMtoCanvas({ x: canvasEl.clientWidth, y: canvasEl.clientHeight });
      ctx.save();
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "rgba(255,255,255,0.92)";
      ctx.lineWidth = 3.5 / scale;
      list.forEach(function (l) {
        var b = l.box;
        if (b.r / scale < tl.x || b.l / scale > br.x || b.b / scale < tl.y || b.t / scale > br.y) { return; }
        var px = LABEL_PX / scale;
        ctx.font = (l.c.bold ? "600 " : "") + px + "px " + FONT;
        ctx.fillStyle = l.c.cluster ? "#1a2f8a" : "#1f2933";
        var y = l.c.sub ? l.cy - (LABEL_PX / 2 + 2) / scale : l.cy;
        ctx.strokeText(l.c.text, l.cx, y);
        ctx.fillText(l.c.text, l.cx, y);
        if (l.c.sub) {
          ctx.font = (LABEL_PX - 1) / scale + "px " + FONT;
          ctx.fillStyle = "#52606d";
          ctx.strokeText(l.c.sub, l.cx, y + (LABEL_PX + 4) / scale);
          ctx.fillText(l.c.sub, l.cx, y + (LABEL_PX + 4) / scale);
        }
      });
      ctx.restore();
      if (!window.kgReady && !busy) { U.setReady(true); }
    });
    var busy = true;

    /* ---------- panels ---------- */
    var panel = $("kg-panel");
    var redoPanel = null;  // draws the open panel again (when the sentences arrive)
    function newPanel(kind, id, redo) {
      redoPanel = redo || null;
      clear(panel);
      panel.setAttribute("data-kind", kind);
      panel.setAttribute("data-id", String(id));
      panel.scrollTop = 0;
    }
    function emptyPanel() {
      newPanel("none", "");
      panel.appendChild(el("h3", null, "Details"));
      panel.appendChild(el("p", "kg-empty-panel",
        "Click an entity to see its relations with their sentences and the events it took part in, " +
        "as a dated timeline. Click a cluster to open it. Search finds every entity, also those " +
        "without relations, which are not drawn."));
    }
    function entityButton(i) {
      var b = el("button", "kg-linkbtn", E.label[i]);
      b.type = "button";
      b.setAttribute("data-entity", iriOf(i));
      b.addEventListener("click", function () { select(i, true); });
      return b;
    }
    function sentenceBlock(ev) {
      var s = ev[0], d = sentDoc[s];
      var box = el("div", "kg-sentence" + (sentText ? "" : " kg-pending"), sentText ? sentText[s] : "…");
      var src = el("span", "kg-source");
      src.appendChild(D.docs.url[d] ? U.link(D.docs.url[d], docTitle(d)) : document.createTextNode(docTitle(d)));
      src.appendChild(document.createTextNode(
        (docDate[d] ? " · " + docDate[d] : "") + " · " + D.docs.id[d] + " · " + D.rules[ev[1]] + " · " + ev[2]));
      box.appendChild(src);
      return box;
    }
    /* a heading and a list rendered PAGE items at a time, with a "Show more" button */
    function paged(title, items, render) {
      if (!items.length) { return; }
      var h = el("h3", null, title + " (" + U.fmt(items.length) + ")");
      panel.appendChild(h);
      var box = el("div", "kg-list");
      panel.appendChild(box);
      var shown = 0;
      var more = el("button", "kg-more");
      more.type = "button";
      function next() {
        var stop = Math.min(items.length, shown + PAGE);
        for (; shown < stop; shown++) { box.appendChild(render(items[shown])); }
        more.hidden = shown >= items.length;
        more.textContent = "Show " + U.fmt(Math.min(PAGE, items.length - shown)) + " more of " + U.fmt(items.length - shown);
      }
      more.addEventListener("click", next);
      panel.appendChild(more);
      next();
    }
    function inline(title, items) {
      if (!items.length) { return; }
      panel.appendChild(el("h3", null, title));
      panel.appendChild(el("p", "kg-inline", items.join(" · ")));
    }
    function textList(title, items, render) {
      if (!items.length) { return; }
      panel.appendChild(el("h3", null, title));
      var ul = el("ul");
      items.forEach(function (it) { var li = el("li"); li.appendChild(render(it)); ul.appendChild(li); });
      panel.appendChild(ul);
    }
    function eventItem(v, roleName) {
      var box = el("div", "kg-event-item");
      box.setAttribute("data-event", String(v));
      var head = el("div", "kg-event-head");
      head.appendChild(el("span", "kg-date-tag", evDate[v] || "undated"));
      var badge = el("span", "kg-badge");
      badge.appendChild(U.swatch(colorOf(V.cls[v]), true));
      badge.appendChild(el("span", null, classes[V.cls[v]].name));
      head.appendChild(badge);
      if (roleName) { head.appendChild(el("span", "kg-role-tag", "as " + roleName)); }
      box.appendChild(head);
      box.appendChild(el("div", "kg-event-label", V.label[v]));
      var others = V.roles[v].filter(function (p) { return p[0] !== selected; });
      if (others.length) {
        var with_ = el("div", "kg-meta");
        with_.appendChild(document.createTextNode("With: "));
        others.forEach(function (p, j) {
          if (j) { with_.appendChild(document.createTextNode(", ")); }
          with_.appendChild(entityButton(p[0]));
          with_.appendChild(document.createTextNode(" (" + D.roles[p[1]] + ")"));
        });
        box.appendChild(with_);
      }
      V.ev[v].forEach(function (ev) { box.appendChild(sentenceBlock(ev)); });
      return box;
    }
    function byDate(a, b) {
      var da = evDate[a] || "9999", db = evDate[b] || "9999";
      return da < db ? -1 : da > db ? 1 : a - b;
    }
    function relationItem(i, r) {
      var box = el("div", "kg-rel");
      box.setAttribute("data-relation", String(r));
      var head = el("div", "kg-rel-head");
      var prop = D.props[R.prop[r]].name;
      if (R.from[r] === i) {
        head.appendChild(el("span", "kg-prop", prop + " → "));
        head.appendChild(entityButton(R.to[r]));
      } else {
        head.appendChild(entityButton(R.from[r]));
        head.appendChild(el("span", "kg-prop", " → " + prop + " → this"));
      }
      box.appendChild(head);
      R.ev[r].forEach(function (ev) { box.appendChild(sentenceBlock(ev)); });
      return box;
    }
    function showEntity(i) {
      newPanel("entity", iriOf(i), function () { showEntity(i); });
      panel.appendChild(el("h2", null, E.label[i]));
      var badge = el("span", "kg-badge");
      badge.appendChild(U.swatch(colorOf(E.cls[i]), false));
      badge.appendChild(el("span", null, classes[E.cls[i]].name));
      panel.appendChild(badge);
      panel.appendChild(el("p", "kg-meta", entityFacts(i)));
      if (!laidOut(i)) { panel.appendChild(el("p", "kg-meta", "No relation or shared event: not drawn in the overview.")); }
      inline("Also known as", E.alt[i]);
      inline("Titles", E.titles[i]);
      textList("Links", E.sameAs[i], function (u) { return U.link(u, U.linkLabel(u)); });
      var rels = entRel[i].slice().sort(function (a, b) {
        var ka = (R.from[a] === i ? "0" : "1") + D.props[R.prop[a]].name + "\u0000" + E.label[R.from[a] === i ? R.to[a] : R.from[a]];
        var kb = (R.from[b] === i ? "0" : "1") + D.props[R.prop[b]].name + "\u0000" + E.label[R.from[b] === i ? R.to[b] : R.from[b]];
        return ka < kb ? -1 : ka > kb ? 1 : a - b;
      });
      paged("Relations", rels, function (r) { return relationItem(i, r); });
      var evs = entEv[i].slice().sort(function (a, b) { return byDate(a[0], b[0]); });
      paged("Timeline", evs, function (p) { return eventItem(p[0], D.roles[p[1]]); });
      var co = entCo[i].slice().sort(function (a, b) { return C.events[b].length - C.events[a].length || a - b; });
      paged("Shared events with", co, function (c) {
        var row = el("div", "kg-co-row");
        row.appendChild(entityButton(C.a[c] === i ? C.b[c] : C.a[c]));
        row.appendChild(el("span", "kg-count", " " + U.fmt(C.events[c].length) + " event" + (C.events[c].length === 1 ? "" : "s")));
        return row;
      });
      paged("Documents", E.docs[i].slice().sort(function (a, b) {
        var da = docDate[a] || "", db = docDate[b] || "";
        return da < db ? -1 : da > db ? 1 : a - b;
      }), function (d) {
        var row = el("div", "kg-doc-row");
        row.appendChild(D.docs.url[d] ? U.link(D.docs.url[d], docTitle(d)) : el("span", null, docTitle(d)));
        row.appendChild(el("span", "kg-source", D.docs.id[d] + (docDate[d] ? " · " + docDate[d] : "")));
        return row;
      });
    }
    function showRelation(r) {
      newPanel("relation", r, function () { showRelation(r); });
      var h = el("h2");
      h.appendChild(entityButton(R.from[r]));
      h.appendChild(el("span", "kg-prop", " → " + D.props[R.prop[r]].name + " → "));
      h.appendChild(entityButton(R.to[r]));
      panel.appendChild(h);
      if (R.conf[r] !== null) { panel.appendChild(el("p", "kg-meta", "Confidence: " + R.conf[r])); }
      panel.appendChild(el("h3", null, "Supporting sentences (" + R.ev[r].length + ")"));
      R.ev[r].forEach(function (ev) { panel.appendChild(sentenceBlock(ev)); });
    }
    function showShared(c) {
      newPanel("shared", c, function () { showShared(c); });
      var h = el("h2");
      h.appendChild(entityButton(C.a[c]));
      h.appendChild(el("span", "kg-prop", " and "));
      h.appendChild(entityButton(C.b[c]));
      panel.appendChild(h);
      paged("Shared events", C.events[c].slice().sort(byDate), function (v) { return eventItem(v, null); });
    }
    function showCluster(c, list) {
      newPanel("cluster", c);
      panel.appendChild(el("h2", null, clusterName(c, list)));
      panel.appendChild(el("p", "kg-meta", U.fmt(list.length) + " entities drawn in this cluster"));
      paged("Entities", list, function (n) {
        var row = el("div");
        row.appendChild(entityButton(n));
        row.appendChild(el("span", "kg-count", " " + classes[E.cls[n]].name));
        return row;
      });
    }
    function showBundle(id) {
      var e = current.edges.get(id);
      newPanel("bundle", id);
      panel.appendChild(el("h2", null, U.fmt(e.n) + " link" + (e.n === 1 ? "" : "s") + " between two groups"));
      [e.from, e.to].forEach(function (end) {
        var b = el("button", "kg-more", end[0] === "c" ? "Open " + clusterName(+end.slice(1)) : "Show " + E.label[+end.slice(1)]);
        b.type = "button";
        b.addEventListener("click", function () { if (end[0] === "c") { expand(+end.slice(1)); } else { select(+end.slice(1), true); } });
        panel.appendChild(b);
      });
    }

    /* ---------- actions ---------- */
    function moveTo(x, y, scale) {
      network.moveTo({ position: { x: x, y: y }, scale: scale, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    }
    /* open cluster c; close the ones opened first if too many entities would be drawn */
    function openCluster(c) {
      if (expanded.indexOf(c) >= 0) { return false; }
      expanded.push(c);
      var count = function () { return expanded.reduce(function (s, k) { return s + members[k].length; }, 0); };
      while (expanded.length > 1 && count() > EXPAND_MAX) { expanded.shift(); }
      return true;
    }
    function expand(c) {
      if (openCluster(c)) { refresh(); }
      var canvasEl = $("kg-canvas");
      moveTo(K.x[c], K.y[c], Math.min(canvasEl.clientWidth, canvasEl.clientHeight) / (2.3 * K.r[c]));
      showCluster(c, members[c]);
    }
    function fitAll() {
      network.fit();
      network.moveTo({ scale: network.getScale() * 0.95 });
    }
    function select(i, move) {
      selected = i;
      if (focus >= 0 && focus !== i && !(current.nodes.has("n" + i))) { focus = -1; }
      if (!laidOut(i) && focus !== i) { focus = i; }
      if (focus < 0 && !current.nodes.has("n" + i)) {
        var c = E.cluster[i];
        if (c >= 0 && current.clusters.size) { openCluster(c); }
      }
      refresh();
      showEntity(i);
      if (current.nodes.has("n" + i)) {
        network.selectNodes(["n" + i]);
        if (move) {
          var s = current.nodes.get("n" + i);
          moveTo(s.x, s.y, Math.max(network.getScale(), 0.8));
        }
      } else {
        network.unselectAll();
      }
      updateStatus();
    }
    function focusOn(i) {
      if (i < 0) { return; }
      focus = i;
      selected = i;
      refresh();
      network.selectNodes(["n" + i]);
      showEntity(i);
      network.fit({ nodes: Array.from(current.nodes.keys()) });
      network.moveTo({ scale: Math.min(network.getScale() * 0.9, 1.6) });
      updateStatus();
    }
    function overview() {
      focus = -1;
      selected = -1;
      expanded = [];
      clsOn = clsOn.map(function () { return true; });
      propOn = propOn.map(function () { return true; });
      coOn = true;
      docSel = -1; dateFrom = ""; dateTo = "";
      document.querySelectorAll("#kg-sidebar input[type=checkbox]").forEach(function (cb) { cb.checked = true; });
      $("kg-date-from").value = ""; $("kg-date-to").value = "";
      $("kg-doc").value = "";
      showDocChip();
      refresh();
      network.unselectAll();
      emptyPanel();
      fitAll();
    }

    function updateStatus() {
      var m = current;
      var text;
      if (focus >= 0) {
        text = "Neighbourhood of " + E.label[focus] + ": " + U.fmt(m.nodes.size) + " entities";
      } else {
        var inClusters = 0;
        m.clusters.forEach(function (list) { inClusters += list.length; });
        text = "Showing " + U.fmt(m.nodes.size + inClusters) + " of " + U.fmt(nE) + " entities";
        if (m.clusters.size) {
          text += " (" + U.fmt(m.clusters.size) + " clusters, " + U.fmt(m.nodes.size) + " drawn)";
        }
        text += " · " + U.fmt(nV) + " events in timelines";
      }
      $("kg-status").textContent = text;
      $("kg-focus").disabled = selected < 0 || focus === selected;
    }

    network.on("click", function (p) {
      if (p.nodes.length) {
        var id = p.nodes[0];
        if (id[0] === "c") { expand(+id.slice(1)); } else { select(+id.slice(1), false); }
      } else if (p.edges.length) {
        var eid = p.edges[0];
        if (eid[0] === "r") { showRelation(+eid.slice(1)); } else if (eid[0] === "p") { showShared(+eid.slice(1)); } else { showBundle(eid); }
      } else {
        selected = -1;
        refresh();
        emptyPanel();
      }
    });
    network.on("doubleClick", function (p) {
      if (p.nodes.length && p.nodes[0][0] === "n") { focusOn(+p.nodes[0].slice(1)); }
    });

    /* ---------- sidebar: filters ---------- */
    $("kg-title").textContent = D.title;
    document.title = D.title;
    $("kg-classes-title").textContent = "Entities";
    $("kg-focus").textContent = "Neighbourhood";
    $("kg-focus").title = "Show only the selected entity and the entities it is linked to";
    $("kg-reset").textContent = "Overview";
    $("kg-reset").title = "Leave the neighbourhood, clear the filters, close the clusters";
    ["kg-events-section", "kg-doc-section", "kg-date-section"].forEach(function (id) { $(id).hidden = false; });
    $("kg-hint").textContent = "Dot size: documents mentioning the entity. Solid edges are relations, " +
      "dotted ones shared events (thicker: more). Events are listed in each entity's timeline. " +
      "Entities without relations or shared events are not drawn; search finds them.";
    classes.forEach(function (c, k) {
      var box = $(c.kind === "event" ? "kg-filters-events" : "kg-filters-classes");
      U.filterRow(box, "data-cls", c.name, U.swatch(c.color, c.kind === "event"), c.name, c.count,
        function (on) { clsOn[k] = on; refresh(); });
    });
    D.props.forEach(function (p, k) {
      U.filterRow($("kg-filters-props"), "data-prop", p.name, el("span", "kg-line"), p.name, p.count,
        function (on) { propOn[k] = on; refresh(); });
    });
    U.filterRow($("kg-filters-props"), "data-prop", CO, el("span", "kg-line kg-co"), "shared events", nC,
      function (on) { coOn = on; refresh(); });

    var dates = docDate.concat(evDate).filter(function (d) { return d; }).sort();
    if (dates.length) {
      ["kg-date-from", "kg-date-to"].forEach(function (id) {
        $(id).min = dates[0];
        $(id).max = dates[dates.length - 1];
      });
    }
    /* after a document or date filter, show what is left */
    function refit() {
      var ids = nodesDS.getIds();
      if (ids.length) { network.fit({ nodes: ids, animation: { duration: 300, easingFunction: "easeInOutQuad" } }); }
    }
    $("kg-date-from").addEventListener("change", function () { dateFrom = this.value; refresh(); refit(); });
    $("kg-date-to").addEventListener("change", function () { dateTo = this.value; refresh(); refit(); });

    var docKeys = null;
    function searchDocs(q) {
      var nq = U.norm(q);
      if (!nq) { return []; }
      if (!docKeys) { docKeys = D.docs.id.map(function (id, d) { return [U.norm(id), U.norm(D.docs.title[d])]; }); }
      var hits = [];
      docKeys.forEach(function (keys, d) {
        var s = Math.min(U.matchScore(keys[0], nq), U.matchScore(keys[1], nq));
        if (s < 9) { hits.push([s, d]); }
      });
      hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      return hits.slice(0, 15).map(function (h) {
        var d = h[1];
        return { value: d, text: docTitle(d), sub: D.docs.id[d] + (docDate[d] ? " · " + docDate[d] : "") };
      });
    }
    function showDocChip() {
      var chip = $("kg-doc-chip");
      clear(chip);
      chip.hidden = docSel < 0;
      if (docSel < 0) { return; }
      chip.appendChild(el("span", null, docTitle(docSel)));
      var x = el("button", null, "×");
      x.type = "button";
      x.title = "Clear the document filter";
      x.addEventListener("click", function () { docSel = -1; showDocChip(); refresh(); refit(); });
      chip.appendChild(x);
    }
    U.dropdown($("kg-doc"), $("kg-doc-results"), searchDocs, function (d) {
      docSel = d;
      $("kg-doc").value = "";
      showDocChip();
      refresh();
      refit();
    });

    /* ---------- search: every entity and alias ---------- */
    var index = null;
    function search(q) {
      var nq = U.norm(q);
      if (!nq) { return []; }
      if (!index) {
        index = [];
        for (var n = 0; n < nE; n++) { index.push([U.norm(E.label[n])].concat(E.alt[n].map(U.norm))); }
      }
      var hits = [];
      index.forEach(function (keys, n) {
        var best = 9, at = -1;
        keys.forEach(function (key, j) { var s = U.matchScore(key, nq); if (s < best) { best = s; at = j; } });
        if (best < 9) { hits.push({ i: n, score: best, matched: at }); }
      });
      hits.sort(function (a, b) {
        return a.score - b.score || E.docs[b.i].length - E.docs[a.i].length ||
          (E.label[a.i] < E.label[b.i] ? -1 : E.label[a.i] > E.label[b.i] ? 1 : a.i - b.i);
      });
      return hits.slice(0, 15);
    }
    U.dropdown($("kg-search"), $("kg-search-results"), function (q) {
      return search(q).map(function (h) {
        var n = h.i;
        var sub = classes[E.cls[n]].name + (h.matched > 0 ? " · " + E.alt[n][h.matched - 1] : "") +
          (laidOut(n) ? "" : " · not drawn");
        return { value: n, text: E.label[n], sub: sub, marker: U.swatch(colorOf(E.cls[n]), false) };
      });
    }, focusOn);

    $("kg-focus").addEventListener("click", function () { focusOn(selected); });
    $("kg-reset").addEventListener("click", overview);

    /* ---------- start ---------- */
    refresh();
    U.mark("drawn");
    emptyPanel();
    fitAll();
    busy = false;
    network.redraw();
    network.once("afterDrawing", function () {
      setTimeout(function () {
        U.loadText().then(function (text) {
          sentText = text;
          drawn.edges.forEach(function (_, id) { drawn.edges.set(id, null); });  // new tooltips
          refresh();
          if (redoPanel && panel.querySelector(".kg-pending")) { redoPanel(); }
          window.kgTextReady = true;
        }).catch(U.fail);
      }, 0);
    });

    window.kgView = {
      nodeId: function (iri) { var i = E.iri.indexOf(iri.indexOf(D.base) === 0 ? iri.slice(D.base.length) : iri); return i < 0 ? null : "n" + i; },
      iri: function (id) { return iriOf(+String(id).slice(1)); },
      search: function (q) { return search(q).map(function (h) { return iriOf(h.i); }); },
      select: function (iri) { select(+this.nodeId(iri).slice(1), true); },
      focus: function (iri) { focusOn(+this.nodeId(iri).slice(1)); },
      expand: expand,
      overview: overview,
      drawnNodes: function () { return nodesDS.getIds(); },
      drawnEdges: function () { return edgesDS.getIds(); },
      drawnEntities: function () { return Array.from(current.nodes.values()).map(function (s) { return iriOf(s.i); }); },
      clusters: function () { return Array.from(current.clusters.keys()); },
      state: function () {
        return { focus: focus < 0 ? null : iriOf(focus), selected: selected < 0 ? null : iriOf(selected),
          expanded: expanded.slice(), doc: docSel < 0 ? null : D.docs.id[docSel], from: dateFrom, to: dateTo };
      },
      /* boxes of the labels placed at the current zoom, in page coordinates: those in view, or
       * all of them (everywhere) */
      labels: function (everywhere) {
        var scale = network.getScale(), rect = $("kg-canvas").getBoundingClientRect();
        var origin = network.canvasToDOM({ x: 0, y: 0 });
        return placeLabels(scale).map(function (l) {
          var b = l.box;
          return { text: l.c.text, left: rect.left + origin.x + b.l, right: rect.left + origin.x + b.r,
            top: rect.top + origin.y + b.t, bottom: rect.top + origin.y + b.b };
        }).filter(function (b) {
          return everywhere || b.right > rect.left && b.left < rect.right && b.bottom > rect.top && b.top < rect.bottom;
        });
      }
    };
  }

  U.loadData().then(start).catch(U.fail);
})();
