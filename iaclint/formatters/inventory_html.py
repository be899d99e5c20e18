"""`iaclint inventory --format html`: one self-contained page to explore the asset graph.

No CDN and no request of any kind: the explorer's script and style are inlined (they ship
with iaclint: `inventory_explorer.js`, `inventory_explorer.css`), and a Content Security
Policy forbids loading anything. The inventory is embedded as JSON in a
`<script type="application/json">` element with `<`, `>`, `&` and the two JavaScript line
separators written as `\\u` escapes, so a name holding `</script>` or `<!--` stays text;
the script reads it with `JSON.parse` and writes every string with `textContent`. Each
node links to its file and line (a relative link, so the page works next to the code).
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from iaclint import __version__
from iaclint.formatters.inventory_data import document

HERE = Path(__file__).parent
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"


def embed_json(value) -> str:
    """JSON that is safe inside a `<script>` element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def format_inventory_html(result, colour: bool = False) -> str:
    data = document(result)
    summary = data["summary"]
    title = (f"AI inventory: {summary['assets']} assets, {summary['edges']} edges, "
             f"{summary['paths']} attack paths")
    script = (HERE / "inventory_explorer.js").read_text(encoding="utf-8")
    style = (HERE / "inventory_explorer.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="iaclint {html.escape(__version__)}">
<title>{html.escape(title)}</title>
<style>
{style}</style>
</head>
<body>
<header><h1>{html.escape(title)}</h1><input id="search" type="search" placeholder="filter assets" aria-label="filter assets">
<label><input id="zoom" type="checkbox" checked> fit to window</label>
<span class="legend"><span class="swatch risk"></span> on an attack path <span class="swatch unknown"></span> link the code does not decide</span></header>
<main>
<div id="graph"></div>
<aside>
<div id="details"><p>Select an asset to see what it is, where it is written, and what it can reach.</p></div>
<h2>Attack paths</h2>
<ul id="paths"></ul>
</aside>
</main>
<script type="application/json" id="inventory-data">{embed_json(data)}</script>
<script>
{script}</script>
</body>
</html>
"""
