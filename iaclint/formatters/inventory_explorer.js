// iaclint inventory explorer: draws the asset graph embedded in the page (no network, no
// libraries). Every string from the scanned tree is set with textContent or as an SVG
// text node, never parsed as HTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("inventory-data").textContent);
  var SVGNS = "http://www.w3.org/2000/svg";
  var COLUMNS = [["external"], ["api"],
    ["function", "notebook", "studio", "agent-runtime", "pipeline", "monitoring", "tracking-server", "ai-service",
     "agent-tool"],
    ["role", "user"], ["agent", "flow", "prompt", "knowledge-base", "endpoint", "guardrail", "invocation-logging"],
    ["model", "foundation-model"],
    ["data-store", "vector-store", "feature-store", "registry", "memory", "key", "image-repository"]];
  var NODE_W = 230, NODE_H = 34, COL_GAP = 90, ROW_GAP = 14, PAD = 20;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }
  function show(v) {
    if (v === null || v === undefined) { return ""; }
    if (typeof v === "object" && !Array.isArray(v) && v.unknown !== undefined) { return "unknown: " + v.unknown; }
    if (Array.isArray(v)) { return v.map(show).join(", "); }
    if (typeof v === "object") { return JSON.stringify(v); }
    return String(v);
  }
  function columnOf(kind) {
    for (var i = 0; i < COLUMNS.length; i++) { if (COLUMNS[i].indexOf(kind) >= 0) { return i; } }
    return COLUMNS.length - 1;
  }

  var byId = {}, positions = {}, nodes = {}, edgeNodes = [];
  data.assets.forEach(function (a) { byId[a.id] = a; });
  var reached = {};
  data.paths.forEach(function (p) {
    if (p.verdict !== "FAIL") { return; }
    p.flows.forEach(function (chain) { chain.forEach(function (s) { reached[s.resource] = true; reached[s.target] = true; }); });
  });

  // layout: one column per layer, assets in unit and name order
  var columns = COLUMNS.map(function () { return []; });
  data.assets.slice().sort(function (a, b) {
    return (a.unit || "").localeCompare(b.unit || "") || a.name.localeCompare(b.name);
  }).forEach(function (a) { columns[columnOf(a.kind)].push(a); });
  var used = columns.filter(function (c) { return c.length; });
  var height = PAD * 2 + Math.max.apply(null, [1].concat(used.map(function (c) { return c.length; }))) * (NODE_H + ROW_GAP);
  var width = PAD * 2 + used.length * (NODE_W + COL_GAP);
  used.forEach(function (col, x) {
    col.forEach(function (a, y) {
      positions[a.id] = {x: PAD + x * (NODE_W + COL_GAP), y: PAD + y * (NODE_H + ROW_GAP)};
    });
  });

  var canvas = svg("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img"});
  var defs = svg("defs");
  ["arrow", "arrow-risk"].forEach(function (id) {
    var marker = svg("marker", {id: id, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7",
                                markerHeight: "7", orient: "auto-start-reverse"});
    marker.appendChild(svg("path", {d: "M 0 0 L 10 5 L 0 10 z", "class": id}));
    defs.appendChild(marker);
  });
  canvas.appendChild(defs);
  var edgeLayer = svg("g"), nodeLayer = svg("g");
  canvas.appendChild(edgeLayer);
  canvas.appendChild(nodeLayer);

  data.edges.forEach(function (e, i) {
    var s = positions[e.source], t = positions[e.target];
    if (!s || !t) { return; }
    var x1 = s.x + NODE_W, y1 = s.y + NODE_H / 2, x2 = t.x, y2 = t.y + NODE_H / 2;
    if (t.x <= s.x) { x1 = s.x; x2 = t.x + NODE_W; }
    var mid = (x1 + x2) / 2;
    var risky = reached[(byId[e.target] || {}).name] && reached[(byId[e.source] || {}).name];
    var path = svg("path", {d: "M" + x1 + "," + y1 + " C" + mid + "," + y1 + " " + mid + "," + y2 + " " + x2 + "," + y2,
                            "class": "edge" + (e.known ? "" : " unknown") + (risky ? " risk" : ""),
                            "marker-end": risky ? "url(#arrow-risk)" : "url(#arrow)"});
    var title = svg("title");
    title.textContent = e.kind + (e.label ? " (" + e.label + ")" : "") + (e.known ? "" : " unknown: " + e.reason);
    path.appendChild(title);
    edgeLayer.appendChild(path);
    edgeNodes.push({edge: e, node: path, index: i});
  });

  data.assets.forEach(function (a) {
    var p = positions[a.id];
    var g = svg("g", {"class": "node kind-" + a.kind + (reached[a.name] ? " risk" : ""), tabindex: "0",
                      transform: "translate(" + p.x + "," + p.y + ")"});
    g.appendChild(svg("rect", {width: NODE_W, height: NODE_H, rx: "6"}));
    var label = svg("text", {x: "8", y: "14"});
    label.textContent = a.kind;
    var name = svg("text", {x: "8", y: "28", "class": "name"});
    name.textContent = a.name.length > 34 ? a.name.slice(0, 33) + "\u2026" : a.name;
    var title = svg("title");
    title.textContent = a.name;
    g.appendChild(title);
    g.appendChild(label);
    g.appendChild(name);
    g.addEventListener("click", function () { select(a.id); });
    g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { select(a.id); } });
    nodeLayer.appendChild(g);
    nodes[a.id] = g;
  });
  document.getElementById("graph").appendChild(canvas);

  function link(loc) {
    if (!loc) { return el("span", {}, ""); }
    // every segment percent-encoded (":" too) and a relative path kept relative: a file
    // named `javascript:...` stays a file
    var href = loc.file.split("/").map(encodeURIComponent).join("/");
    if (href.charAt(0) !== "/") { href = "./" + href; }
    return el("a", {href: href + "#L" + loc.line}, loc.file + ":" + loc.line);
  }
  function row(table, key, value) {
    var tr = el("tr");
    tr.appendChild(el("th", {}, key));
    var td = el("td");
    if (value instanceof Node) { td.appendChild(value); } else { td.textContent = value; }
    tr.appendChild(td);
    table.appendChild(tr);
  }
  function select(id) {
    var a = byId[id];
    var near = {};
    near[id] = true;
    edgeNodes.forEach(function (x) {
      var on = x.edge.source === id || x.edge.target === id;
      x.node.classList.toggle("active", on);
      if (on) { near[x.edge.source] = true; near[x.edge.target] = true; }
    });
    Object.keys(nodes).forEach(function (k) {
      nodes[k].classList.toggle("dim", !near[k]);
      nodes[k].classList.toggle("selected", k === id);
    });
    var panel = document.getElementById("details");
    panel.textContent = "";
    panel.appendChild(el("h2", {}, a.name));
    var table = el("table");
    row(table, "kind", a.kind);
    if (a.type) { row(table, "type", a.native_type || a.type); }
    if (a.location) { row(table, "where", link(a.location)); }
    ["module", "construct", "models", "exposure", "exposure_detail", "encryption", "tags"].forEach(function (k) {
      if (a[k] !== undefined) { row(table, k, show(a[k])); }
    });
    if (a.role !== undefined) { row(table, "role", typeof a.role === "string" ? (byId[a.role] || {name: a.role}).name : show(a.role)); }
    panel.appendChild(table);
    var list = el("ul");
    edgeNodes.forEach(function (x) {
      var e = x.edge;
      if (e.source !== id && e.target !== id) { return; }
      var other = byId[e.source === id ? e.target : e.source] || {name: "?"};
      var li = el("li");
      li.appendChild(el("span", {}, (e.source === id ? e.kind + " \u2192 " : "\u2190 " + e.kind + " ") + other.name +
        (e.label ? " (" + e.label + ")" : "") + (e.known ? " " : " [unknown: " + e.reason + "] ")));
      if (e.via && e.via.length) { li.appendChild(link(e.via[0])); }
      list.appendChild(li);
    });
    panel.appendChild(list);
    (a.grants || []).forEach(function (g) {
      var p = el("p", {"class": "grant"}, "may " + show(g.actions) + " on " + show(g.resources) + " ");
      if (g.file) { p.appendChild(link(g)); }
      panel.appendChild(p);
    });
  }

  var search = document.getElementById("search");
  search.addEventListener("input", function () {
    var q = search.value.toLowerCase();
    Object.keys(nodes).forEach(function (k) {
      var a = byId[k];
      nodes[k].classList.toggle("dim", q !== "" && (a.name + " " + a.kind).toLowerCase().indexOf(q) < 0);
    });
  });

  var paths = document.getElementById("paths");
  data.paths.forEach(function (p) {
    var li = el("li", {"class": p.verdict === "FAIL" ? "fail" : "unknown"});
    li.appendChild(el("strong", {}, p.policy_id + " [" + p.severity + "]" + (p.verdict === "FAIL" ? "" : " UNKNOWN") + " "));
    li.appendChild(link({file: p.file, line: p.line}));
    li.appendChild(el("div", {}, p.message));
    li.addEventListener("click", function () {
      var on = {};
      p.flows.forEach(function (chain) { chain.forEach(function (s) { on[s.resource] = true; on[s.target] = true; }); });
      Object.keys(nodes).forEach(function (k) { nodes[k].classList.toggle("dim", !on[byId[k].name]); });
    });
    paths.appendChild(li);
  });
  if (!data.paths.length) { paths.appendChild(el("li", {}, "No attack path found.")); }
})();
