"""Draw a graph as one self-contained, offline web page (pyvis / vis-network).

The app's Explore page and ``portero snapshot --format html`` both call :func:`to_pyvis_html`. pyvis builds
the node and edge lists; the page around them is our own, because pyvis's template pulls vis-network and
bootstrap from CDNs. Here the vis-network JS and CSS that ship inside the pyvis package are inlined, so
the page makes no request at all: it works in a classroom without network and leaks nothing.

Text from articles (names, sentences) is data, never markup: hover texts are plain strings (vis-network
9 shows them with ``innerText``), the node and edge lists are embedded as JSON with ``<``, ``>`` and ``&``
escaped so no ``</script>`` can close the script, and the title, caption and legend are HTML-escaped.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("person:a", label="Person", name="Ana <b>")
>>> html = to_pyvis_html(g, title="A & B")
>>> "A &amp; B" in html and "Ana <b>" not in html and "https://" not in html.split("<script>")[0]
True
"""

from __future__ import annotations

import html
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx
import pyvis
from pyvis.network import Network

from .ontology import Ontology, load_ontology
from .store import article_count

VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
LABEL_CHARS = 30  # longer names are cut on the canvas (the hover text has the full name)
HOVER_CHARS = 220  # evidence sentences are cut in hover texts; the Actor page shows them whole
EVENT_LABEL = "Event"
EDGE_LABELS_UP_TO = 40  # edges in a view that still get their type written on them
STRAIGHT_FROM = 150  # placed views with more nodes than this draw straight edges (faster to draw)


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """The vis-network JS and CSS shipped with pyvis (read once; also the app's graph component's)."""
    js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    # Neither file may close the element it is inlined in.
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError(f"{VIS_DIR}: vis-network files cannot be inlined safely")
    return js, css


def shorten(text: Any, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters on a word boundary, with an ellipsis when cut.

    >>> shorten("Secretariat of Security and Civilian Protection", 20)
    'Secretariat of…'
    >>> shorten("DEA", 20)
    'DEA'
    """
    s = " ".join(str(text or "").split())
    if len(s) <= limit:
        return s
    cut = s[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:-") + "…"


def script_json(value: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` element.

    >>> script_json({"name": "</script><script>alert(1)</script>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    s = json.dumps(value, ensure_ascii=False)
    # JSON strings may hold these; in JS they are the same characters, in HTML they cannot end the script.
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        s = s.replace(raw, esc)
    return s


def display_label(data: dict[str, Any]) -> str:
    """The ontology label a node is drawn as (events of any type are drawn as Event)."""
    return str(data.get("label") or "Other")


def _first_sentence(items: Any) -> str:
    for ev in items or []:
        if isinstance(ev, dict) and ev.get("sentence"):
            return str(ev["sentence"])
    return ""


def node_hover(nid: str, data: dict[str, Any]) -> str:
    """A short plain-text hover text: name, type, a few facts and one evidence sentence."""
    label = display_label(data)
    kind = f"{label} · {data['event_type']}" if data.get("event_type") else label
    lines = [shorten(data.get("name") or nid, 120), kind]
    if data.get("aliases"):
        lines.append("Also: " + shorten(", ".join(map(str, data["aliases"])), 100))
    if data.get("date"):
        lines.append(f"Date: {data['date']}")
    if data.get("start") or data.get("end"):
        lines.append(f"Term: {data.get('start') or '?'} – {data.get('end') or 'today'}")
    if label == "Article":
        lines.append(" · ".join(str(data[k]) for k in ("publisher", "published") if data.get(k)))
    if data.get("contested"):
        lines.append("Contested: asserted and denied")
    sentence = _first_sentence(data.get("evidence"))
    if sentence:
        lines.append("“" + shorten(sentence, HOVER_CHARS) + "”")
    n = article_count(data)
    if n:
        lines.append(f"Sources: {n} article{'s' if n != 1 else ''}")
    return "\n".join(x for x in lines if x)


def edge_hover(data: dict[str, Any], source_name: str, target_name: str) -> str:
    """A short plain-text hover text for a relationship, with one evidence sentence."""
    props = ", ".join(f"{k}: {v}" for k, v in load_ontology().shown_properties(data))
    head = f"{shorten(source_name, 60)} —{data.get('type', '')}→ {shorten(target_name, 60)}"
    lines = [head, props]
    sentence = _first_sentence(data.get("evidence"))
    if sentence:
        lines.append("“" + shorten(sentence, HOVER_CHARS) + "”")
    n = article_count(data)
    if n > 1:
        lines.append(f"Told by {n} articles")
    return "\n".join(x for x in lines if x)


def node_size(degree: int, focused: bool = False) -> float:
    """Size of a node drawn with an outside label: grows with the square root of its degree; a focus is
    drawn a third bigger.

    >>> node_size(0), node_size(9), node_size(10_000), round(node_size(9, focused=True), 1)
    (12.0, 24.0, 48.0, 32.4)
    """
    return float(min(48.0, 12.0 + 4.0 * math.sqrt(max(degree, 0)))) * (1.35 if focused else 1.0)


def label_font(focused: bool, inside: bool) -> int:
    """Font size (canvas px) of a node's label, inside its shape or under its marker (before a big
    physics-laid view's bump; :mod:`graph_loader.view_positions` sizes label boxes from it)."""
    return (18 if focused else 15) if inside else (20 if focused else 16)


def canvas_label(data: dict[str, Any], name: str) -> str:
    """The text drawn on a node: a short name; for events, their kind and date (the name is in the hover).

    >>> canvas_label({"label": "Event", "event_type": "Denial", "date": "2025-08-19"}, "Denial: X")
    'Denial\\n2025-08-19'
    """
    if data.get("label") == EVENT_LABEL and data.get("event_type"):
        return f"{data['event_type']}\n{data['date']}" if data.get("date") else str(data["event_type"])
    return shorten(name, LABEL_CHARS)


def _darker(hex_colour: str) -> str:
    """``hex_colour`` a third darker (node borders).

    >>> _darker("#ffffff")
    '#aaaaaa'
    """
    r, g, b = (int(hex_colour[i:i + 2], 16) * 2 // 3 for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def _text_colour(hex_colour: str) -> str:
    """Black or white, whichever reads better on ``hex_colour``."""
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#1a1a1a" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


# vis-network shapes that draw their label inside; the others draw it underneath and take a size.
INSIDE_SHAPES = frozenset({"box", "ellipse", "database", "text", "circle"})


def build_network(subgraph: nx.MultiDiGraph, ontology: Ontology | None = None, *,
                  height: str = "640px", focus: str | list[str] | None = None,
                  positions: dict[str, tuple[float, float]] | None = None) -> Network:
    """The pyvis :class:`Network` of ``subgraph``: colour and shape by ontology label, size by degree.

    With ``positions`` (canvas pixels, :mod:`graph_loader.view_positions`) every node is drawn there and
    physics is off: the picture is drawn at once and stays put. Without, vis-network's physics lays it out.
    """
    onto = ontology or load_ontology()
    focus_ids = {focus} if isinstance(focus, str) else set(focus or ())
    net = Network(height=height, width="100%", directed=True, cdn_resources="in_line")
    # A big view laid out by physics is drawn zoomed out to fit: bigger letters keep its names readable.
    # Placed views open at a readable zoom instead (their label boxes were sized for these fonts).
    n = subgraph.number_of_nodes()
    bump = 0 if n <= 40 or positions is not None else 4 if n <= 120 else 8
    for nid, data in subgraph.nodes(data=True):
        label = display_label(data)
        colour = onto.colour(label)
        shape = onto.shape(label).name
        name = str(data.get("name") or nid)
        focused = nid in focus_ids
        opts: dict[str, Any] = {
            "title": node_hover(nid, data),
            "color": {"background": colour, "border": "#1f2933" if focused else _darker(colour),
                      "highlight": {"background": colour, "border": "#111111"},
                      "hover": {"background": colour, "border": "#111111"}},
            "borderWidth": 4 if focused else 1,
        }
        if shape in INSIDE_SHAPES:
            opts["font"] = {"color": "#1a1a1a" if shape == "text" else _text_colour(colour),
                            "size": label_font(focused, inside=True) + bump}
            if shape == "text":
                opts["font"]["background"] = "rgba(255,157,166,0.45)"
        else:
            opts["size"] = node_size(subgraph.degree(nid), focused)
            opts["font"] = {"size": label_font(focused, inside=False) + bump, "strokeWidth": 4,
                            "strokeColor": "#ffffff", "color": "#1f2933"}
        if focused:
            opts["font"]["bold"] = True
        if positions is not None and nid in positions:
            opts["x"], opts["y"] = positions[nid]
        net.add_node(str(nid), label=canvas_label(data, name), shape=shape, **opts)
    # Edge labels help in a small view and clutter a big one (hover texts always name the relationship).
    edge_labels = subgraph.number_of_edges() <= EDGE_LABELS_UP_TO
    for u, v, _key, data in subgraph.edges(keys=True, data=True):
        rel = str(data.get("type") or "")
        colour = onto.rel_colour(rel)
        opts = {"label": rel if not data.get("role") else f"{rel} ({data['role']})"} if edge_labels else {}
        net.add_edge(str(u), str(v), title=edge_hover(data, str(subgraph.nodes[u].get("name") or u),
                                                      str(subgraph.nodes[v].get("name") or v)),
                     color={"color": colour, "highlight": "#1f2933", "hover": "#1f2933"}, arrows="to",
                     width=1 + min(article_count(data), 4), **opts)
    net.options = _options(subgraph.number_of_nodes())
    if positions is not None:
        net.options["physics"] = {"enabled": False}
        # "dynamic" needs physics; curves cost drawing time, so big views get straight edges.
        net.options["edges"]["smooth"] = {"type": "continuous"} if n <= STRAIGHT_FROM else False
    return net


def _options(n_nodes: int) -> dict[str, Any]:
    """vis-network options: a force layout that settles, then stops moving (physics off after it)."""
    return {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False},
        "edges": {"smooth": {"type": "dynamic"}, "font": {"size": 11, "align": "middle", "color": "#555555",
                                                          "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "arrows": {"to": {"scaleFactor": 0.5}}, "selectionWidth": 2},
        "nodes": {"font": {"face": "Helvetica, Arial, sans-serif"}},
        "physics": {
            "solver": "forceAtlas2Based",
            # Small views spread out; big ones pack tighter so the fitted zoom stays readable.
            "forceAtlas2Based": {"gravitationalConstant": -60,
                                 "centralGravity": 0.015 if n_nodes <= 40 else 0.02,
                                 "springLength": 90 if n_nodes <= 40 else 80,
                                 "springConstant": 0.08, "avoidOverlap": 0.5 if n_nodes <= 40 else 0.9},
            "stabilization": {"enabled": True, "iterations": 400 if n_nodes < 150 else 250, "fit": True},
            "minVelocity": 1.5,
        },
    }


def legend_items(subgraph: nx.MultiDiGraph, ontology: Ontology | None = None
                 ) -> list[tuple[str, str, str, str]]:
    """``(label, colour, shape, description)`` of each ontology label drawn in ``subgraph``, in order.

    With an empty graph every label is listed, so the legend still explains the colours.
    """
    onto = ontology or load_ontology()
    present = {display_label(d) for _, d in subgraph.nodes(data=True)}
    return [(label, t.colour, t.shape, t.description) for label, t in onto.nodes.items()
            if not present or label in present]


def legend_html(subgraph: nx.MultiDiGraph, ontology: Ontology | None = None) -> str:
    """The legend as escaped HTML (also used by the app under its graph)."""
    onto = ontology or load_ontology()
    parts = []
    for label, colour, shape, description in legend_items(subgraph, onto):
        radius = onto.shapes[shape].swatch
        parts.append(
            f'<span class="pg-item" title="{html.escape(description)}">'
            f'<span class="pg-swatch" style="background:{html.escape(colour)};border-radius:{radius}"></span>'
            f"{html.escape(label)}</span>")
    return '<div class="pg-legend">' + "".join(parts) + "</div>"


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{doc_title}</title>
<style>{vis_css}</style>
<style>
  html, body {{ margin: 0; padding: 0; background: #ffffff;
               font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2933; }}
  .pg-title {{ font-size: 1.15rem; font-weight: 600; margin: 6px 10px 2px 10px; }}
  .pg-caption {{ font-size: 0.85rem; color: #52606d; margin: 4px 10px 8px 10px; }}
  #pg-network {{ width: 100%; height: {height}; border: 1px solid #e4e7eb; border-radius: 6px;
                box-sizing: border-box; background: #fcfcfd; }}
  .pg-legend {{ display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.8rem; margin: 6px 10px; }}
  .pg-item {{ display: inline-flex; align-items: center; gap: 5px; }}
  .pg-swatch {{ display: inline-block; width: 12px; height: 12px; border: 1px solid rgba(0,0,0,.25); }}
  .pg-empty {{ padding: 2em; color: #52606d; }}
  div.vis-tooltip {{ white-space: pre-wrap; max-width: 360px; font-size: 12px; line-height: 1.35;
                     background: #fffef8; border: 1px solid #c7c2a8; border-radius: 4px; padding: 6px 8px;
                     font-family: inherit; box-shadow: 0 2px 6px rgba(0,0,0,.15); }}
</style>
</head>
<body>
{title_html}
{legend}
<div id="pg-network" role="img" aria-label="{aria}"></div>
{caption_html}
<script>{vis_js}</script>
<script>
(function () {{
  var nodes = new vis.DataSet({nodes});
  var edges = new vis.DataSet({edges});
  var container = document.getElementById("pg-network");
  var network = new vis.Network(container, {{nodes: nodes, edges: edges}}, {options});
  window.pgNetwork = network;
  var placed = {placed};
  if (placed) {{
    // Positions came with the nodes: fit, but never below a zoom where labels stay readable.
    network.once("afterDrawing", function () {{
      network.fit();
      if (network.getScale() < {min_scale}) {{
        network.moveTo({{position: {centre}, scale: {min_scale}}});
      }}
      document.body.setAttribute("data-stabilized", "1");
    }});
  }} else {{
    // Stop the layout once it has settled, so the picture stays put; mark the page as drawn for snapshots.
    network.once("stabilizationIterationsDone", function () {{
      network.setOptions({{physics: false}});
      network.fit();
      document.body.setAttribute("data-stabilized", "1");
    }});
  }}
  network.on("afterDrawing", function () {{ document.body.setAttribute("data-drawn", "1"); }});
}})();
</script>
</body>
</html>
"""


def to_pyvis_html(subgraph: nx.MultiDiGraph, ontology: Ontology | None = None, *, height: str = "640px",
                  title: str | None = None, caption: str | None = None,
                  focus: str | list[str] | None = None, legend: bool = True,
                  positions: dict[str, tuple[float, float]] | None = None) -> str:
    """One self-contained HTML page drawing ``subgraph``; it loads nothing from the network.

    Nodes are coloured and shaped by their ontology label and sized by degree; ``focus`` ids get a dark
    border. ``title`` and ``caption`` are shown above and below the graph as text. With ``positions``
    the nodes are drawn there at once (no physics), see :func:`build_network`.
    """
    from .view_positions import MIN_SCALE, opening_centre

    onto = ontology or load_ontology()
    vis_js, vis_css = vis_assets()
    net = build_network(subgraph, onto, height=height, focus=focus, positions=positions)
    focus_ids = [focus] if isinstance(focus, str) else list(focus or ())
    centre = opening_centre(positions or {}, focus_ids)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    n, m = subgraph.number_of_nodes(), subgraph.number_of_edges()
    aria = f"Graph of {n} nodes and {m} relationships" + (f": {title}" if title else "")
    return _PAGE.format(
        doc_title=html.escape(title or "Portero Graph"),
        vis_css=vis_css,
        height=html.escape(height),
        title_html=f'<div class="pg-title">{html.escape(title)}</div>' if title else "",
        legend=legend_html(subgraph, onto) if legend else "",
        aria=html.escape(aria),
        caption_html=f'<div class="pg-caption">{html.escape(caption)}</div>' if caption else "",
        vis_js=vis_js,
        nodes=script_json(nodes),
        edges=script_json(edges),
        options=script_json(json.loads(options)),
        placed="true" if positions is not None else "false",
        min_scale=MIN_SCALE,
        centre=script_json({"x": centre[0], "y": centre[1]}),
    )
