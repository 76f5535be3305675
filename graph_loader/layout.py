"""Where each node of a view is drawn: positions computed once in Python, not by physics in the browser.

vis-network's physics took 8.8 s to settle 300 nodes and 37 s for 1,000 in headless chromium; the same
nodes with positions given and physics off draw in about a second. So the server lays the graph out
with igraph's Fruchterman-Reingold (C code, BSD-licensed, well kept). Measured on the synthetic corpus's
overview on this busy 2-core machine (``bench/bench_settle.py --layouts``, bench/RESULTS.md): igraph FR
0.23 s at 300 nodes and 1.05 s at 1,000 (0.04 s and 0.15 s with its grid variant), Kamada-Kawai 0.14 s
and 2.7 s, DrL 1.6 s and 4.3 s, networkx ``spring_layout`` with scipy 0.32 s and 7.6 s. FR keeps clusters
apart and takes per-node bounds (which pin the nodes already on screen); its grid variant is used from
:data:`GRID_FROM` nodes up.

Positions stay stable as a student moves: :func:`place` takes the positions of the nodes already on
screen, keeps them exactly, and lets only the new nodes move, starting next to their drawn neighbours.
The coordinates are vis-network's canvas pixels: an edge is about :data:`EDGE_PX` long.

>>> import networkx as nx
>>> g = nx.MultiDiGraph([("a", "b"), ("b", "c")])
>>> pos = place(g)
>>> sorted(pos), pos == place(g)
(['a', 'b', 'c'], True)
>>> _ = g.add_edge("c", "d")
>>> again = place(g, fixed=pos)
>>> all(again[n] == pos[n] for n in pos) and "d" in again
True
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping

import networkx as nx

EDGE_PX = 90.0  # typical edge length in canvas pixels: room for a label between two nodes
GRID_FROM = 600  # from this many nodes igraph's grid FR is used (10x faster, a little rougher)
Point = tuple[float, float]
# igraph draws random numbers from one generator for the process: seeded per call, one call at a time,
# so the same graph gets the same picture.
_RNG = random.Random()
_RNG_LOCK = threading.Lock()


def _simple_edges(g: nx.Graph, index: Mapping[str, int]) -> list[tuple[int, int]]:
    """Undirected edges between distinct nodes, each once, in a fixed order."""
    seen = {(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges() if u != v}
    return sorted(seen)


def _start(nodes: list[str], g: nx.Graph, fixed: Mapping[str, Point], rng: random.Random,
           spread: float) -> list[list[float]]:
    """Starting coordinates (layout units): fixed nodes where they are, each new node next to the mean
    of its fixed neighbours, or anywhere in the square of side ``spread`` when it has none."""
    out = []
    for n in nodes:
        if n in fixed:
            x, y = fixed[n]
            out.append([x / EDGE_PX, y / EDGE_PX])
            continue
        near = [fixed[m] for m in nx.all_neighbors(g, n) if m in fixed] if n in g else []
        if near:
            cx = sum(p[0] for p in near) / len(near) / EDGE_PX
            cy = sum(p[1] for p in near) / len(near) / EDGE_PX
            angle = rng.uniform(0, 2 * math.pi)
            out.append([cx + 0.8 * math.cos(angle), cy + 0.8 * math.sin(angle)])
        else:
            out.append([rng.uniform(-spread / 2, spread / 2), rng.uniform(-spread / 2, spread / 2)])
    return out


def place(g: nx.Graph, fixed: Mapping[str, Point] | None = None, *, seed: int = 7) -> dict[str, Point]:
    """Positions (canvas pixels) of every node of ``g``: a force layout, the same for the same graph.

    Nodes in ``fixed`` keep their given position exactly; the others are laid out around them. Nodes of
    ``fixed`` that are not in ``g`` are ignored.

    >>> place(nx.Graph())
    {}
    >>> place(nx.Graph([("x", "y")]), fixed={"x": (10.0, 20.0)})["x"]
    (10.0, 20.0)
    """
    import igraph

    nodes = sorted(map(str, g.nodes()))
    if not nodes:
        return {}
    keep = {n: (float(p[0]), float(p[1])) for n, p in (fixed or {}).items() if n in g}
    index = {n: i for i, n in enumerate(nodes)}
    if len(keep) == len(nodes):
        return dict(keep)
    rng = random.Random(seed)
    spread = math.sqrt(len(nodes)) * 1.5
    start = _start(nodes, g, keep, rng, spread)
    ig = igraph.Graph(n=len(nodes), edges=_simple_edges(g, index))
    kwargs: dict[str, object] = {"niter": 500, "seed": start,
                                 "grid": "grid" if len(nodes) >= GRID_FROM else "nogrid"}
    if keep:
        # igraph keeps a node inside [min, max] per axis: equal bounds pin it; wide ones leave it free.
        big = 1e9
        lo_x = [start[i][0] if n in keep else -big for i, n in enumerate(nodes)]
        lo_y = [start[i][1] if n in keep else -big for i, n in enumerate(nodes)]
        hi_x = [start[i][0] if n in keep else big for i, n in enumerate(nodes)]
        hi_y = [start[i][1] if n in keep else big for i, n in enumerate(nodes)]
        # A cool start: new nodes settle near where they start instead of flying across the picture.
        kwargs.update(minx=lo_x, maxx=hi_x, miny=lo_y, maxy=hi_y, start_temp=1.0)
    with _RNG_LOCK:
        _RNG.seed(seed)
        igraph.set_random_number_generator(_RNG)
        try:
            coords = ig.layout_fruchterman_reingold(**kwargs).coords
        finally:
            igraph.set_random_number_generator(random)
    scale = EDGE_PX if keep else EDGE_PX / max(_median_edge(coords, ig.get_edgelist()), 1e-9)
    out: dict[str, Point] = {}
    for n, (x, y) in zip(nodes, coords, strict=True):
        out[n] = keep[n] if n in keep else (round(x * scale, 1), round(y * scale, 1))
    return out


def _median_edge(coords: list[list[float]], edges: list[tuple[int, int]]) -> float:
    """The median edge length of a layout (1.0 without edges), so that a layout can be scaled to
    :data:`EDGE_PX` whatever units the library used.

    >>> _median_edge([[0, 0], [3, 4], [0, 1]], [(0, 1), (0, 2), (1, 2)])
    4.242640687119285
    """
    if not edges:
        return 1.0
    lengths = sorted(math.dist(coords[a], coords[b]) for a, b in edges)
    return lengths[len(lengths) // 2]
