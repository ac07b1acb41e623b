/* kg interactive view, detailed mode (small graphs): every entity and event is a node, laid out by
 * vis-network's physics; legend, filters, search and panels are built with DOM APIs only. */
(function () {
  "use strict";
  var U = kgUI, $ = U.$, el = U.el, clear = U.clear;

  function start(data) {
    /* ---------- model ---------- */
    var nodesById = new Map();
    var edgesById = new Map();
    var adjacency = new Map();
    var classColor = new Map();
    data.classes.forEach(function (c) { classColor.set(c.name, c); });
    data.nodes.forEach(function (n) { nodesById.set(n.id, n); adjacency.set(n.id, []); });
    data.edges.forEach(function (e) {
      edgesById.set(e.id, e);
      adjacency.get(e.from).push(e.id);
      if (e.to !== e.from) { adjacency.get(e.to).push(e.id); }
    });
    function nameOf(id) { var n = nodesById.get(id); return n ? n.name : id; }
    function colorOf(cls) { var c = classColor.get(cls); return c ? c.color : "#ccc"; }

    var classOn = new Map(data.classes.map(function (c) { return [c.name, true]; }));
    var propOn = new Map(data.props.map(function (p) { return [p.name, true]; }));
    var focusSet = null;
    var selectedId = null;
    var visible = new Set();
    var knownPos = new Map();

    /* ---------- tooltips (DOM elements, text only) ---------- */
    function sentenceBlock(ev) {
      var box = el("div", "kg-sentence", ev.s);
      var doc = data.documents[ev.d];
      var src = ev.d + (doc && doc.date ? " (" + doc.date + ")" : "") + " · " + ev.r + " · " + ev.c;
      box.appendChild(el("span", "kg-source", src));
      return box;
    }
    function nodeTooltip(n) {
      var tip = el("div", "kg-tip");
      tip.appendChild(el("div", "kg-tip-title", n.name));
      var sub = n.cls + (n.kind === "event" ? " (event" + (n.date ? ", " + n.date : "") + ")" : "");
      tip.appendChild(el("div", "kg-tip-sub", sub));
      if (n.alt.length) {
        var more = n.alt.length > 6 ? " …" : "";
        tip.appendChild(el("div", "kg-tip-sub", "Also: " + n.alt.slice(0, 6).join(", ") + more));
      }
      tip.appendChild(el("div", "kg-tip-sub", "Click for details"));
      return tip;
    }
    function edgeTooltip(e) {
      var tip = el("div", "kg-tip");
      tip.appendChild(el("div", "kg-tip-title", nameOf(e.from) + " → " + e.prop + " → " + nameOf(e.to)));
      e.evidence.slice(0, 3).forEach(function (ev) { tip.appendChild(sentenceBlock(ev)); });
      if (e.evidence.length > 3) {
        tip.appendChild(el("div", "kg-tip-sub", "… " + (e.evidence.length - 3) + " more sentences"));
      }
      if (!e.evidence.length) { tip.appendChild(el("div", "kg-tip-sub", "No supporting sentence recorded")); }
      return tip;
    }

    /* ---------- vis data ---------- */
    var nodesDS = new vis.DataSet(data.nodes.map(function (n) {
      var item = Object.assign({}, n);
      item.title = nodeTooltip(n);
      return item;
    }));
    var edgesDS = new vis.DataSet(data.edges.map(function (e) {
      var item = Object.assign({}, e);
      item.title = edgeTooltip(e);
      return item;
    }));

    function neighbourhood(id) {
      var set = new Set([id]);
      adjacency.get(id).forEach(function (eid) {
        var e = edgesById.get(eid);
        if (!propOn.get(e.prop)) { return; }
        var other = e.from === id ? e.to : e.from;
        if (classOn.get(nodesById.get(other).cls)) { set.add(other); }
      });
      return set;
    }
    function computeVisible() {
      var next = new Set();
      data.nodes.forEach(function (n) {
        if (focusSet ? focusSet.has(n.id) : classOn.get(n.cls)) { next.add(n.id); }
      });
      return next;
    }
    visible = computeVisible();  // before the views are made: they cache the ids that pass
    var nodeView = new vis.DataView(nodesDS, { filter: function (n) { return visible.has(n.id); } });
    var edgeView = new vis.DataView(edgesDS, {
      filter: function (e) { return propOn.get(e.prop) && visible.has(e.from) && visible.has(e.to); }
    });

    /* ---------- page chrome ---------- */
    $("kg-title").textContent = data.title;
    document.title = data.title;
    $("kg-hint").textContent =
      "Node size: number of connections. Diamonds are events; dashed edges are event roles.";

    function buildFilters() {
      var box = $("kg-filters-classes");
      data.classes.forEach(function (c) {
        U.filterRow(box, "data-cls", c.name, U.swatch(c.color, c.kind === "event"), c.name, c.count,
          function (on) { classOn.set(c.name, on); refresh(); });
      });
      var pbox = $("kg-filters-props");
      data.props.forEach(function (p) {
        U.filterRow(pbox, "data-prop", p.name, el("span", "kg-line" + (p.role ? " kg-role" : "")),
          p.name, p.count, function (on) { propOn.set(p.name, on); refresh(); });
      });
    }
    function setClassOn(cls, on) {
      classOn.set(cls, on);
      document.querySelectorAll("#kg-filters-classes input").forEach(function (cb) {
        if (cb.getAttribute("data-cls") === cls) { cb.checked = on; }
      });
    }

    function updateStatus() {
      $("kg-status").textContent = "Showing " + visible.size + " of " + data.total + " nodes" +
        (focusSet ? " (focus on " + nameOf(selectedId) + ")" : "");
      $("kg-focus").disabled = !selectedId || !visible.has(selectedId);
    }

    function emptyPanel() {
      var panel = $("kg-panel");
      clear(panel);
      panel.appendChild(el("h3", null, "Details"));
      panel.appendChild(el("p", "kg-empty-panel",
        "Click a node to see what is known about it and the sentences behind each of its edges; " +
        "click an edge to see its sentences. Hover an edge for a preview."));
    }

    function nodeButton(id) {
      var b = el("button", "kg-linkbtn", nameOf(id));
      b.type = "button";
      b.addEventListener("click", function () { selectNode(id, true); });
      return b;
    }

    function showNodePanel(id) {
      var n = nodesById.get(id);
      var panel = $("kg-panel");
      clear(panel);
      panel.setAttribute("data-node", id);
      panel.removeAttribute("data-edge");
      panel.appendChild(el("h2", null, n.name));
      var badge = el("span", "kg-badge");
      badge.appendChild(U.swatch(colorOf(n.cls), n.kind === "event"));
      badge.appendChild(el("span", null, n.cls + (n.kind === "event" ? " · event" : "")));
      panel.appendChild(badge);
      if (n.kind === "event") {
        if (n.date) { panel.appendChild(el("p", "kg-meta", "Date: " + n.date)); }
        if (n.trigger) { panel.appendChild(el("p", "kg-meta", "Trigger: " + n.trigger)); }
        if (n.topics && n.topics.length) { panel.appendChild(el("p", "kg-meta", "Topics: " + n.topics.join(", "))); }
      }
      function list(title, items, render) {
        if (!items || !items.length) { return; }
        panel.appendChild(el("h3", null, title));
        var ul = el("ul");
        items.forEach(function (it) { var li = el("li"); li.appendChild(render(it)); ul.appendChild(li); });
        panel.appendChild(ul);
      }
      function text(s) { return document.createTextNode(String(s)); }
      list("Also known as", n.alt, text);
      list("Titles", n.titles, text);
      list("Links", n.sameAs, function (u) { return U.link(u, U.linkLabel(u)); });
      list("Documents", n.docs, function (d) {
        var doc = data.documents[d] || {};
        var span = el("span");
        span.appendChild(doc.url ? U.link(doc.url, doc.title || d) : text(doc.title || d));
        span.appendChild(el("span", "kg-source", d + (doc.date ? " · " + doc.date : "")));
        return span;
      });
      if (n.kind === "event" && n.evidence && n.evidence.length) {
        panel.appendChild(el("h3", null, "Source sentences"));
        n.evidence.forEach(function (ev) { panel.appendChild(sentenceBlock(ev)); });
      }
      var eids = adjacency.get(id).slice().sort(function (a, b) {
        var ea = edgesById.get(a), eb = edgesById.get(b);
        var ka = (ea.from === id ? "0" : "1") + ea.prop + "\u0000" + nameOf(ea.from === id ? ea.to : ea.from);
        var kb = (eb.from === id ? "0" : "1") + eb.prop + "\u0000" + nameOf(eb.from === id ? eb.to : eb.from);
        return ka < kb ? -1 : ka > kb ? 1 : 0;
      });
      panel.appendChild(el("h3", null, "Connections (" + eids.length + ")"));
      if (!eids.length) { panel.appendChild(el("p", "kg-empty-panel", "None")); }
      eids.forEach(function (eid) {
        var e = edgesById.get(eid);
        var box = el("div", "kg-rel");
        box.setAttribute("data-edge", eid);
        var head = el("div", "kg-rel-head");
        if (e.from === id) {
          head.appendChild(el("span", "kg-prop", e.prop + " → "));
          head.appendChild(nodeButton(e.to));
        } else {
          head.appendChild(nodeButton(e.from));
          head.appendChild(el("span", "kg-prop", " → " + e.prop + " → this"));
        }
        box.appendChild(head);
        e.evidence.forEach(function (ev) { box.appendChild(sentenceBlock(ev)); });
        panel.appendChild(box);
      });
    }

    function showEdgePanel(eid) {
      var e = edgesById.get(eid);
      var panel = $("kg-panel");
      clear(panel);
      panel.setAttribute("data-edge", eid);
      panel.removeAttribute("data-node");
      var h = el("h2");
      h.appendChild(nodeButton(e.from));
      h.appendChild(el("span", "kg-prop", " → " + e.prop + " → "));
      h.appendChild(nodeButton(e.to));
      panel.appendChild(h);
      if (e.conf !== null && e.conf !== undefined) { panel.appendChild(el("p", "kg-meta", "Confidence: " + e.conf)); }
      panel.appendChild(el("h3", null, "Supporting sentences (" + e.evidence.length + ")"));
      e.evidence.forEach(function (ev) { panel.appendChild(sentenceBlock(ev)); });
    }

    /* ---------- network ---------- */
    buildFilters();
    var network = new vis.Network($("kg-canvas"), { nodes: nodeView, edges: edgeView }, data.options);
    window.kgNetwork = network;

    function fitView() {
      network.fit(focusSet ? { nodes: Array.from(focusSet) } : undefined);
      // fit() measures nodes, not their labels: leave a margin so outer labels are not cut
      network.moveTo({ scale: network.getScale() * 0.92 });
    }
    function settled() {
      network.setOptions({ physics: { enabled: false } });
      fitView();
      U.setReady(true);
    }
    network.on("stabilizationIterationsDone", settled);
    if (visible.size === 0) { settled(); }

    function rememberPositions() {
      var pos = network.getPositions();
      Object.keys(pos).forEach(function (id) { knownPos.set(id, pos[id]); });
    }

    function refresh() {
      rememberPositions();
      var next = computeVisible();
      var updates = [];
      var unplaced = 0;
      next.forEach(function (id) {
        if (visible.has(id)) { return; }
        var p = knownPos.get(id);
        if (p) { updates.push({ id: id, x: p.x, y: p.y }); } else { unplaced++; }
      });
      if (updates.length) { nodesDS.update(updates); }
      visible = next;
      nodeView.refresh();
      edgeView.refresh();
      if (unplaced > 0) {
        U.setReady(false);
        network.setOptions({ physics: { enabled: true } });
        network.stabilize(300);
      }
      updateStatus();
    }

    /* ---------- selection, focus, reset ---------- */
    function selectNode(id, move) {
      if (!nodesById.has(id)) { return; }
      var n = nodesById.get(id);
      var changed = false;
      if (!classOn.get(n.cls)) { setClassOn(n.cls, true); changed = true; }
      if (focusSet && !focusSet.has(id)) { focusSet = null; changed = true; }
      selectedId = id;
      if (changed) { refresh(); }
      network.selectNodes([id]);
      if (move) {
        var scale = Math.max(network.getScale(), 0.9);
        network.focus(id, { scale: scale, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
      }
      showNodePanel(id);
      updateStatus();
    }

    function focusOn(id) {
      if (!id) { return; }
      focusSet = neighbourhood(id);
      refresh();
      network.selectNodes([id]);
      network.fit({ nodes: Array.from(focusSet), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    }

    function reset() {
      focusSet = null;
      classOn.forEach(function (_, cls) { setClassOn(cls, true); });
      document.querySelectorAll("#kg-filters-props input").forEach(function (cb) {
        cb.checked = true;
        propOn.set(cb.getAttribute("data-prop"), true);
      });
      refresh();
      network.fit({ animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    }

    network.on("click", function (params) {
      if (params.nodes.length) {
        selectNode(params.nodes[0], false);
      } else if (params.edges.length) {
        selectedId = null;
        showEdgePanel(params.edges[0]);
        updateStatus();
      } else {
        selectedId = null;
        emptyPanel();
        updateStatus();
      }
    });

    $("kg-focus").addEventListener("click", function () { focusOn(selectedId); });
    $("kg-reset").addEventListener("click", reset);

    /* ---------- search ---------- */
    var index = data.nodes.map(function (n) {
      return { id: n.id, names: [n.name].concat(n.alt), keys: [U.norm(n.name)].concat(n.alt.map(U.norm)) };
    });
    function search(q) {
      var nq = U.norm(q);
      if (!nq) { return []; }
      var hits = [];
      index.forEach(function (entry) {
        var best = 9, matched = null;
        entry.keys.forEach(function (k, i) {
          var s = U.matchScore(k, nq);
          if (s < best) { best = s; matched = entry.names[i]; }
        });
        if (best < 9) { hits.push({ id: entry.id, score: best, matched: matched }); }
      });
      hits.sort(function (a, b) {
        var na = nodesById.get(a.id), nb = nodesById.get(b.id);
        return a.score - b.score || nb.value - na.value || (na.name < nb.name ? -1 : na.name > nb.name ? 1 : 0);
      });
      return hits.slice(0, 15);
    }
    U.dropdown($("kg-search"), $("kg-search-results"), function (q) {
      return search(q).map(function (r) {
        var n = nodesById.get(r.id);
        return {
          value: r.id, text: n.name, marker: U.swatch(colorOf(n.cls), n.kind === "event"),
          sub: n.cls + (r.matched !== n.name ? " · " + r.matched : "")
        };
      });
    }, function (id) { selectNode(id, true); });

    emptyPanel();
    updateStatus();

    window.kgView = {
      selectNode: function (id) { selectNode(id, true); },
      focus: focusOn,
      reset: reset,
      search: function (q) { return search(q).map(function (r) { return r.id; }); },
      visibleNodeIds: function () { return nodeView.getIds(); },
      visibleEdgeIds: function () { return edgeView.getIds(); },
      selected: function () { return selectedId; }
    };
  }

  U.loadData().then(start).catch(U.fail);
})();
