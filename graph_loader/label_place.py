"""Labels that do not overlap: move the nodes of a laid-out graph until their label boxes are apart.

A force layout places nodes, not their names: two nodes a label-width apart still print their names on
top of each other. Here each node carries a box (its marker and its label, in the units of the layout)
and overlapping boxes are pushed apart along the axis where they overlap least, a few pixels at a time,
until none overlap (the projection step of "force-transfer" / PRISM-style overlap removal). Pinned nodes
(those already on a student's screen) do not move; the other box of a pair takes the whole push.

Used by the browser view (:mod:`graph_loader.render`) and the PNG/SVG snapshots
(:mod:`graph_loader.snapshot`), each with its own box sizes.

>>> boxes = {"a": Box(0, 0, 100, 20), "b": Box(10, 5, 100, 20)}
>>> pos = separate(boxes)
>>> overlaps({n: b.moved_to(*pos[n]) for n, b in boxes.items()})
0
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

GAP = 4.0  # space kept between two boxes


@dataclass(frozen=True)
class Box:
    """A node's box: its position ``(x, y)``, and a ``w`` by ``h`` rectangle whose centre lies at
    ``(x + dx, y + dy)`` (a label drawn under a node has ``dy > 0`` on a canvas whose y grows down)."""

    x: float
    y: float
    w: float
    h: float
    dx: float = 0.0
    dy: float = 0.0

    def moved_to(self, x: float, y: float) -> Box:
        return Box(x, y, self.w, self.h, self.dx, self.dy)

    def bounds(self) -> tuple[float, float, float, float]:
        """``(left, top, right, bottom)`` (top is the smaller y).

        >>> Box(0, 0, 10, 4, dy=5).bounds()
        (-5.0, 3.0, 5.0, 7.0)
        """
        cx, cy = self.x + self.dx, self.y + self.dy
        return (cx - self.w / 2, cy - self.h / 2, cx + self.w / 2, cy + self.h / 2)


def overlaps(boxes: Mapping[str, Box] | list[Box], gap: float = 0.0) -> int:
    """How many pairs of boxes overlap (closer than ``gap``).

    >>> overlaps([Box(0, 0, 10, 10), Box(5, 5, 10, 10), Box(100, 0, 10, 10)])
    1
    """
    items = list(boxes.values()) if isinstance(boxes, Mapping) else list(boxes)
    if len(items) < 2:
        return 0
    b = np.array([x.bounds() for x in items], dtype=float)
    ox = np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0]) + gap
    oy = np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1]) + gap
    hit = (ox > 1e-6) & (oy > 1e-6)
    return int(np.triu(hit, 1).sum())


def separate(boxes: Mapping[str, Box], pinned: frozenset[str] | set[str] = frozenset(), *,
             gap: float = GAP, rounds: int = 2000) -> dict[str, tuple[float, float]]:
    """New positions for the nodes of ``boxes`` such that no two boxes overlap (closer than ``gap``).

    Nodes in ``pinned`` keep their position; so do all nodes when nothing overlaps. A pair of pinned
    boxes that overlap stays as it is (there is nothing to move). The result is deterministic.

    >>> separate({"a": Box(0, 0, 10, 10), "b": Box(1, 0, 10, 10)}, {"a"})
    {'a': (0, 0), 'b': (14.5, 0.0)}
    """
    names = list(boxes)
    if not names:
        return {}
    xy = np.array([[boxes[n].x, boxes[n].y] for n in names], dtype=float)
    off = np.array([[boxes[n].dx, boxes[n].dy] for n in names], dtype=float)
    half = np.array([[boxes[n].w / 2, boxes[n].h / 2] for n in names], dtype=float)
    free = np.array([0.0 if n in pinned else 1.0 for n in names])
    order = np.arange(len(names), dtype=float)
    rng = np.random.default_rng(0)
    for r in range(rounds):
        c = xy + off
        d = c[:, None, :] - c[None, :, :]  # d[i, j] = c_i - c_j
        need = half[:, None, :] + half[None, :, :] + gap  # centre distance needed per axis
        over = need - np.abs(d)
        hit = (over[..., 0] > 1e-6) & (over[..., 1] > 1e-6)
        np.fill_diagonal(hit, False)
        movable = free[:, None] + free[None, :]
        hit &= movable > 0
        if not hit.any():
            break
        # Push along the axis of least overlap; equal centres part by index order.
        axis_x = over[..., 0] <= over[..., 1]
        sign = np.sign(d)
        tie = np.sign(order[:, None] - order[None, :])
        sign = np.where(sign == 0, tie[..., None], sign)
        share = free[:, None] * np.where(free[None, :] > 0, 0.5, 1.0)  # i's part: half, or all of it
        push = np.zeros_like(d)
        push[..., 0] = np.where(hit & axis_x, sign[..., 0] * over[..., 0] * share, 0.0)
        push[..., 1] = np.where(hit & ~axis_x, sign[..., 1] * over[..., 1] * share, 0.0)
        # Several neighbours may push one box: their pushes add up (undamped: the fewest rounds); half a
        # pixel more ends the slow approach to "just touching".
        step = push.sum(axis=1)
        xy += step + np.sign(step) * 0.5
        if r >= 200 and r % 50 == 0:
            # A box squeezed between pinned ones can be pushed back and forth for ever: shake it out
            # (seeded, so the result stays the same for the same input).
            stuck = hit.any(axis=1) & (free > 0)
            xy[stuck] += rng.normal(0.0, 1.0, (int(stuck.sum()), 2)) * half[stuck] * 0.3
    return {n: (boxes[n].x, boxes[n].y) if n in pinned else (round(float(x), 1), round(float(y), 1))
            for n, (x, y) in zip(names, xy, strict=True)}


def make_room(boxes: Mapping[str, Box], density: float = 0.2, aspect: float = 1.0
              ) -> dict[str, tuple[float, float]]:
    """Positions stretched about their centre until the boxes cover at most ``density`` of the area
    they span, that area ``aspect`` times as wide as high (never shrunk), so that :func:`separate`
    has little left to do and the picture fills a view of that shape.

    >>> make_room({"a": Box(0, 0, 10, 10), "b": Box(1, 1, 10, 10)})
    {'a': (-15.3, -15.3), 'b': (16.3, 16.3)}
    """
    if len(boxes) < 2:
        return {n: (b.x, b.y) for n, b in boxes.items()}
    xy = np.array([[b.x, b.y] for b in boxes.values()], dtype=float)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = np.maximum(hi - lo, 1.0)
    need = sum(b.w * b.h for b in boxes.values()) / density
    target = np.array([np.sqrt(need * aspect), np.sqrt(need / aspect)])
    factor = np.maximum(1.0, target / span)
    mid = (lo + hi) / 2
    out = mid + (xy - mid) * factor
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in zip(boxes, out, strict=True)}
