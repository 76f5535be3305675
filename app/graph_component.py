"""The Explore graph as a Streamlit custom component (``st.components.v2``): drawn in the page, no iframe,
and it answers a click.

The component's JavaScript is ``graph_component.js`` next to this file, with vis-network's own file from
the installed pyvis package put in front of it at run time (so vis-network is neither fetched from the
web nor copied into this repository). Streamlit serves the whole module to the browser from memory.

A click on a node comes back as ``clicked`` (the page focuses on it), a double click as ``opened`` (the
page opens its Actor page). Names and evidence sentences travel as JSON data and are drawn by
vis-network on a canvas or as tooltip text: they are never parsed as HTML.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from graph_loader.render import build_network, vis_assets
from graph_loader.view_positions import MIN_SCALE, opening_centre

HERE = Path(__file__).resolve().parent
NAME = "portero_graph"
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


@dataclass(frozen=True)
class Clicks:
    """What the student did in the graph on this run: the node clicked, or double-clicked."""

    clicked: str | None = None
    opened: str | None = None


@lru_cache(maxsize=1)
def _component() -> Any:
    import streamlit as st

    vis_js, _css = vis_assets()
    # The map file is not shipped; without this line the browser's dev tools would ask for it.
    js = _SOURCE_MAP.sub("", vis_js) + "\n" + (HERE / "graph_component.js").read_text(encoding="utf-8")
    css = (HERE / "graph_component.css").read_text(encoding="utf-8")
    return st.components.v2.component(NAME, js=js, css=css, isolate_styles=False)


def drawing(g: nx.MultiDiGraph, positions: dict[str, tuple[float, float]], *, height: int,
            focus: list[str] | None = None) -> dict[str, Any]:
    """The data the component draws: nodes at ``positions``, edges, vis-network options, where to
    centre a view too big for a readable zoom (its focus, else its middle), and its height in pixels.

    >>> g = nx.MultiDiGraph()
    >>> g.add_node("person:a", label="Person", name="Ana <b>")
    >>> d = drawing(g, {"person:a": (10.0, 20.0)}, height=300)
    >>> (d["nodes"][0]["label"], d["nodes"][0]["x"], d["options"]["physics"], d["centre"])
    ('Ana <b>', 10.0, {'enabled': False}, {'x': 10.0, 'y': 20.0})
    """
    focus = list(focus or [])
    net = build_network(g, height=f"{height}px", focus=focus, positions=positions)
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    options = json.loads(options) if isinstance(options, str) else options
    options["interaction"]["zoomView"] = True
    centre = opening_centre(positions, focus)
    n, m = g.number_of_nodes(), g.number_of_edges()
    return {"nodes": nodes, "edges": edges, "options": options, "height": int(height),
            "centre": {"x": centre[0], "y": centre[1]}, "minScale": MIN_SCALE,
            "aria": f"Graph of {n} nodes and {m} relationships; click a node to focus on it, "
                    "double-click to open its page"}


def graph(data: dict[str, Any], *, key: str = "explore_graph") -> Clicks:
    """Draw ``data`` (from :func:`drawing`) and return what was clicked on this run."""
    result = _component()(data=data, key=key, height=int(data["height"]) + 4,
                          on_clicked_change=lambda: None, on_opened_change=lambda: None)
    return Clicks(clicked=getattr(result, "clicked", None) or None, opened=getattr(result, "opened", None) or None)
