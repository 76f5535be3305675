"""Names that do not overlap in the PNG and SVG snapshots (matplotlib).

A snapshot draws each node as a marker with its name underneath. Where two names would overlap, the
nodes are moved apart on the page: the text extents matplotlib itself measures are turned into boxes
(marker and name together, in display pixels), pushed apart by :func:`graph_loader.label_place.separate`,
and the new places turned back into data coordinates. Moving nodes widens the picture, which makes the
text relatively bigger, so this is repeated until nothing overlaps (a few rounds).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .label_place import Box, overlaps, separate

ROUNDS = 6
GAP_PX = 10.0  # room between two names in the image (pixels at its dpi), so that they read apart


def _limits(ax: Any, pos: dict[str, tuple[float, float]]) -> None:
    xs, ys = zip(*pos.values(), strict=True)
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    ax.set_xlim(min(xs) - 0.08 * span, max(xs) + 0.08 * span)
    ax.set_ylim(min(ys) - 0.08 * span, max(ys) + 0.04 * span)


def _renderer(fig: Any) -> Any:
    """The renderer that measures text as the PNG will draw it (an Agg canvas, attached when missing)."""
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def _boxes(fig: Any, ax: Any, pos: dict[str, tuple[float, float]], texts: dict[str, Any],
           radius_px: dict[str, float]) -> dict[str, Box]:
    """Each node's marker and name as one box in display pixels (y grows upwards)."""
    renderer = _renderer(fig)
    out = {}
    for n, (x, y) in pos.items():
        px, py = ax.transData.transform((x, y))
        bb = texts[n].get_window_extent(renderer)
        r = radius_px.get(n, 0.0)
        left, right = min(bb.x0, px - r), max(bb.x1, px + r)
        bottom, top = min(bb.y0, py - r), max(bb.y1, py + r)
        out[n] = Box(float(px), float(py), right - left, top - bottom,
                     (left + right) / 2 - px, (bottom + top) / 2 - py)
    return out


def place_apart(fig: Any, ax: Any, pos: dict[str, tuple[float, float]], texts: dict[str, Any],
                radius_px: dict[str, float], move: Callable[[str, tuple[float, float]], None]
                ) -> dict[str, tuple[float, float]]:
    """Move nodes (``move(node, (x, y))`` redraws a node's marker and name) until no two names and
    markers overlap; returns the final positions in data coordinates, axes limits set to them."""
    pos = dict(pos)
    for _ in range(ROUNDS):
        _limits(ax, pos)
        boxes = _boxes(fig, ax, pos, texts, radius_px)
        if overlaps(boxes, gap=GAP_PX / 2) == 0:
            break
        apart = separate(boxes, gap=GAP_PX)
        inv = ax.transData.inverted()
        for n, (px, py) in apart.items():
            x, y = inv.transform((px, py))
            if math.isfinite(x) and math.isfinite(y):
                pos[n] = (float(x), float(y))
                move(n, pos[n])
    _limits(ax, pos)
    return pos


def text_overlaps(fig: Any, texts: list[Any]) -> int:
    """Pairs of ``texts`` (matplotlib Text artists) whose drawn extents overlap."""
    renderer = _renderer(fig)
    boxes = []
    for t in texts:
        bb = t.get_window_extent(renderer)
        boxes.append(Box((bb.x0 + bb.x1) / 2, (bb.y0 + bb.y1) / 2, bb.width, bb.height))
    return overlaps(boxes)
