"""Positions for a drawn view: the layout of :mod:`graph_loader.layout`, then room for every label.

Each node's box is what vis-network will draw for it: a marker with its label underneath, or a shape
with the label inside (:func:`node_box`, from the same font sizes as :mod:`graph_loader.render`). Views
of up to :data:`SEPARATE_UP_TO` nodes are stretched and their boxes pushed apart
(:mod:`graph_loader.label_place`) so that no two labels overlap; bigger views are not readable as a
whole anyway (the overview is cut to :func:`readable_count` nodes), and are only laid out.

>>> import networkx as nx
>>> g = nx.MultiDiGraph()
>>> for i in range(12):
...     g.add_node(f"p{i}", label="Person", name=f"Person number {i}")
...     _ = g.add_edge("p0", f"p{i}", type="WORKS_WITH") if i else None
>>> from graph_loader.label_place import overlaps
>>> pos = positions(g)
>>> overlaps({n: node_box(g, n).moved_to(*pos[n]) for n in g})
0
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from .label_place import Box, make_room, separate
from .layout import Point, place

SEPARATE_UP_TO = 120  # views up to this many nodes get overlap-free labels (O(n^2) per round)
CHAR_W = 0.6  # average glyph width in ems (Helvetica/Arial at vis-network's sizes; a little generous)
LINE_H = 1.25  # line height in ems
# The Explore graph's size in CSS pixels: Streamlit's centred main column next to the sidebar, on a
# 1400-pixel-wide window (measured in chromium); a wider window shows more around the same picture.
VIEW_W, VIEW_H = 860.0, 620.0
MIN_SCALE = 0.75  # the least zoom a view opens with: 15 px letters stay 11 px on screen
DENSITY = 0.45  # the part of a view's area its nodes and labels may cover


def node_box(g: nx.Graph, n: str, *, label: str | None = None, size: float | None = None,
             focused: bool = False, shape: str | None = None) -> Box:
    """The box vis-network draws for node ``n`` at (0, 0): its marker and label.

    ``label``, ``size`` and ``shape`` default to what :mod:`graph_loader.render` draws.
    """
    from .ontology import load_ontology
    from .render import INSIDE_SHAPES, canvas_label, display_label, label_font, node_size

    d = g.nodes[n]
    if shape is None:
        spec = load_ontology().nodes.get(display_label(d))
        shape = spec.shape if spec else "dot"
    text = label if label is not None else canvas_label(d, str(d.get("name") or n))
    lines = text.split("\n") or [""]
    inside = shape in INSIDE_SHAPES
    font = label_font(focused, inside)
    w = max(len(x) for x in lines) * font * CHAR_W
    h = len(lines) * font * LINE_H
    if shape == "database":  # vis-network draws it as a square as wide as its label, the label on top
        return Box(0.0, 0.0, w + 14, w + 14)
    if shape == "ellipse":  # vis-network: as wide as the text plus a line, twice as high as the text
        return Box(0.0, 0.0, max(w + h, 2 * h) + 6, 2 * h + 6)
    if shape == "circle":
        return Box(0.0, 0.0, max(w, h) + 14, max(w, h) + 14)
    if inside:
        return Box(0.0, 0.0, w + 14, h + 12)
    r = size if size is not None else node_size(g.degree(n), focused)
    # The label hangs under the marker: the box runs from the marker's top to the label's bottom.
    total = 2 * r + 4 + h
    return Box(0.0, 0.0, max(w, 2 * r), total, 0.0, total / 2 - r)


def positions(g: nx.Graph, fixed: Mapping[str, Point] | None = None, *,
              focus: frozenset[str] | set[str] = frozenset()) -> dict[str, Point]:
    """Where to draw each node of ``g``: stable (``fixed`` nodes keep their place) and, up to
    :data:`SEPARATE_UP_TO` nodes, with no two labels overlapping."""
    pos = place(g, fixed)
    if g.number_of_nodes() > SEPARATE_UP_TO:
        return pos
    keep = {n for n in (fixed or {}) if n in g}
    boxes = {n: node_box(g, n, focused=n in focus).moved_to(*pos[n]) for n in pos}
    if not keep:
        roomy = make_room(boxes, DENSITY, VIEW_W / VIEW_H)
        boxes = {n: b.moved_to(*roomy[n]) for n, b in boxes.items()}
    return separate(boxes, keep)


def opening_centre(pos: Mapping[str, Point], focus: list[str] | None = None) -> Point:
    """Where a view too big for a readable zoom opens: on its first focus, else the middle of its nodes.

    >>> opening_centre({"a": (0.0, 0.0), "b": (100.0, 40.0)}), opening_centre({"a": (5.0, 6.0)}, ["a"])
    ((50.0, 20.0), (5.0, 6.0))
    """
    if focus and focus[0] in pos:
        return pos[focus[0]]
    if not pos:
        return (0.0, 0.0)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def readable_count(sizes: list[Box], width: float = VIEW_W, height: float = VIEW_H,
                   scale: float = MIN_SCALE, density: float = DENSITY) -> int:
    """How many of ``sizes`` (best first) fit a ``width`` x ``height`` view at ``scale``, their boxes
    covering at most ``density`` of it (what :func:`positions` stretches a layout to).

    >>> readable_count([Box(0, 0, 100, 40)] * 500)
    106
    """
    room = width * height / (scale * scale) * density
    used = 0.0
    for i, b in enumerate(sizes):
        used += b.w * b.h
        if used > room:
            return i
    return len(sizes)


def fit_scale(g: nx.Graph, pos: Mapping[str, Point], width: float = VIEW_W, height: float = VIEW_H) -> float:
    """The zoom at which every node and label of ``g`` drawn at ``pos`` fits a ``width`` x ``height`` view.

    >>> g = nx.Graph([("a", "b")])
    >>> round(fit_scale(g, {"a": (0, 0), "b": (3000, 0)}), 2)
    0.28
    """
    if not pos:
        return 1.0
    bounds = [node_box(g, n).moved_to(*pos[n]).bounds() for n in g]
    w = max(b[2] for b in bounds) - min(b[0] for b in bounds)
    h = max(b[3] for b in bounds) - min(b[1] for b in bounds)
    return min(width / max(w, 1.0), height / max(h, 1.0))


def readable_part(g: nx.MultiDiGraph, scale: float = MIN_SCALE) -> tuple[nx.MultiDiGraph, int]:
    """The most nodes of ``g``, best connected first, whose drawing (:func:`positions`) fits the view at
    ``scale`` or more, where every name is readable; as a graph (``g``'s graph attributes kept), and how
    many nodes were left out. Measured: the layouts of a few candidate sizes are computed.

    >>> g = nx.MultiDiGraph()
    >>> for i in range(300):
    ...     g.add_node(f"n{i}", label="Person", name=f"Someone called number {i}")
    >>> part, left = readable_part(g)
    >>> part.number_of_nodes() + left == 300 and 5 < part.number_of_nodes() < 80
    True
    """
    order = sorted(g, key=lambda n: (-g.degree(n), str(g.nodes[n].get("name") or n)))

    def fits(k: int) -> bool:
        sub = g.subgraph(order[:k])
        return fit_scale(sub, positions(sub)) >= scale

    # Larger parts fit less well; the area estimate bounds the search from above.
    lo, hi = 1, min(len(order), 2 * readable_count([node_box(g, n) for n in order]) + 1)
    if hi and fits(hi):
        lo = hi
    while lo < hi - 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    keep = order[:lo] if order else []
    part = g.subgraph(keep).copy()
    part.graph.update(g.graph)
    return part, g.number_of_nodes() - len(keep)
