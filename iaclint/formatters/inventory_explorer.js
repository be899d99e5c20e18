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
  var NODE_W = 210, NODE_H = 34, COL_GAP = 64, ROW_GAP = 12, PAD = 20, BAND_HEAD = 22, BAND_GAP = 18;

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
  // what a path touches, by asset id (two stacks may name two assets alike): its assets,
  // and its links as "source>target"
  function touched(p) {
    var on = {assets: {}, links: {}};
    p.flows.forEach(function (chain) {
      chain.forEach(function (s) {
        if (s.source_asset) { on.assets[s.source_asset] = true; }
        if (s.target_asset) { on.assets[s.target_asset] = true; }
        if (s.source_asset && s.target_asset) { on.links[s.source_asset + ">" + s.target_asset] = true; }
      });
    });
    return on;
  }
  var risk = {assets: {}, links: {}};
  data.paths.forEach(function (p) {
    if (p.verdict !== "FAIL") { return; }
    var on = touched(p);
    Object.keys(on.assets).forEach(function (k) { risk.assets[k] = true; });
    Object.keys(on.links).forEach(function (k) { risk.links[k] = true; });
  });

  // layout: one band per stack (Terraform root or template; shared pseudo assets first),
  // and in a band one column per layer, from the internet to the data
  var units = [], bands = {};
  data.assets.slice().sort(function (a, b) {
    return (a.unit || "").localeCompare(b.unit || "") || a.name.localeCompare(b.name);
  }).forEach(function (a) {
    var unit = a.unit || "";
    if (!bands[unit]) { bands[unit] = COLUMNS.map(function () { return []; }); units.push(unit); }
    bands[unit][columnOf(a.kind)].push(a);
  });
  var usedColumns = COLUMNS.map(function (_, i) { return units.some(function (u) { return bands[u][i].length; }); });
  var xOf = {}, x = 0;
  usedColumns.forEach(function (used, i) { if (used) { xOf[i] = PAD + x * (NODE_W + COL_GAP); x += 1; } });
  var width = PAD * 2 + x * (NODE_W + COL_GAP) - COL_GAP, y = PAD, bandBoxes = [];
  units.forEach(function (unit) {
    var rows = Math.max.apply(null, bands[unit].map(function (c) { return c.length; }));
    bandBoxes.push({unit: unit, y: y, height: BAND_HEAD + rows * (NODE_H + ROW_GAP)});
    bands[unit].forEach(function (col, i) {
      col.forEach(function (a, row) { positions[a.id] = {x: xOf[i], y: y + BAND_HEAD + row * (NODE_H + ROW_GAP)}; });
    });
    y += BAND_HEAD + rows * (NODE_H + ROW_GAP) + BAND_GAP;
  });
  var height = y + PAD;

  var canvas = svg("svg", {width: width, height: height, viewBox: "0 0 " + width + " " + height, role: "img"});
  var bandLayer = svg("g");
  canvas.appendChild(bandLayer);
  bandBoxes.forEach(function (band) {
    bandLayer.appendChild(svg("rect", {x: PAD / 2, y: band.y - 6, width: width - PAD, height: band.height,
                                       rx: "8", "class": "band"}));
    var label = svg("text", {x: PAD, y: band.y + 10, "class": "band-label"});
    label.textContent = band.unit || "outside the code: the internet, other accounts, foundation models";
    bandLayer.appendChild(label);
  });
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
    var risky = risk.links[e.source + ">" + e.target];
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
    var g = svg("g", {"class": "node kind-" + a.kind + (risk.assets[a.id] ? " risk" : ""), tabindex: "0",
                      transform: "translate(" + p.x + "," + p.y + ")"});
    g.appendChild(svg("rect", {width: NODE_W, height: NODE_H, rx: "6"}));
    var label = svg("text", {x: "8", y: "14"});
    label.textContent = a.kind;
    var name = svg("text", {x: "8", y: "28", "class": "name"});
    var shown = a.name.length <= 31 ? a.name : a.type ? "\u2026" + a.name.slice(a.name.length - 30)  // an address ends with its name
      : a.name.slice(0, 30) + "\u2026";
    name.textContent = shown;
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

  // zoom: fit the whole graph to the pane (not below half size), or back to full size
  var zoom = document.getElementById("zoom"), pane = document.getElementById("graph");
  function scale(fit) {
    var k = fit ? Math.max(0.5, Math.min(1, (pane.clientWidth - 8) / width)) : 1;
    canvas.setAttribute("width", Math.round(width * k));
    canvas.setAttribute("height", Math.round(height * k));
  }
  zoom.addEventListener("change", function () { scale(zoom.checked); });
  scale(zoom.checked);

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

  // attack paths first; the ones a link of which the code does not decide, folded below
  var paths = document.getElementById("paths"), unknownPaths = el("ul");
  var failed = data.paths.filter(function (p) { return p.verdict === "FAIL"; });
  var undecided = data.paths.filter(function (p) { return p.verdict !== "FAIL"; });
  failed.concat(undecided).forEach(function (p) {
    var li = el("li", {"class": p.verdict === "FAIL" ? "fail" : "unknown"});
    li.appendChild(el("strong", {}, p.policy_id + " [" + p.severity + "]" + (p.verdict === "FAIL" ? "" : " UNKNOWN") + " "));
    li.appendChild(link({file: p.file, line: p.line}));
    li.appendChild(el("div", {}, p.message));
    li.addEventListener("click", function () {
      var on = touched(p), first = null;
      Object.keys(nodes).forEach(function (k) {
        nodes[k].classList.toggle("dim", !on.assets[k]);
        nodes[k].classList.remove("selected");
        if (on.assets[k] && !first) { first = nodes[k]; }
      });
      edgeNodes.forEach(function (x) { x.node.classList.toggle("active", !!on.links[x.edge.source + ">" + x.edge.target]); });
      if (first && first.scrollIntoView) { first.scrollIntoView({block: "center", inline: "center"}); }
    });
    (p.verdict === "FAIL" ? paths : unknownPaths).appendChild(li);
  });
  if (!failed.length) { paths.appendChild(el("li", {}, "No attack path found.")); }
  if (undecided.length) {
    var more = el("details"), summary = el("summary", {}, undecided.length + " more the code does not decide (UNKNOWN)");
    more.appendChild(summary);
    more.appendChild(unknownPaths);
    paths.parentNode.insertBefore(more, paths.nextSibling);
  }
})();
