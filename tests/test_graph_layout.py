"""Server-side layout (igraph) and label placement: stable positions, no overlapping names."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from graph_loader.label_place import Box, overlaps, separate
from graph_loader.layout import place
from graph_loader.view_positions import SEPARATE_UP_TO, fit_scale, node_box, positions, readable_part


def _graph(n: int, seed: int = 3) -> nx.MultiDiGraph:
    """A random connected-ish graph of people and agencies with names of varied length."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    for i in range(n):
        label = "Person" if i % 3 else "Agency"
        name = " ".join(rng.choice(["Ana", "Secretariat", "of", "Border", "Affairs", "Luis", "Ortega"])
                        for _ in range(rng.randint(1, 4)))
        g.add_node(f"n{i}", label=label, name=f"{name} {i}")
        if i:
            g.add_edge(f"n{i}", f"n{rng.randrange(i)}", type="WORKS_WITH")
    for _ in range(n // 3):
        a, b = rng.sample(range(n), 2)
        g.add_edge(f"n{a}", f"n{b}", type="WORKS_WITH")
    return g


def test_layout_is_the_same_for_the_same_graph():
    g = _graph(80)
    assert place(g) == place(g)
    assert place(g) != place(g, seed=8)


def test_nodes_on_screen_keep_their_place_and_new_ones_come_near():
    g = _graph(60)
    first = positions(g.subgraph([f"n{i}" for i in range(30)]).copy())
    grown = positions(g, first)
    assert set(grown) == set(g)
    assert all(grown[n] == first[n] for n in first)
    # New nodes land near the old picture, not across the canvas.
    xs = [p[0] for p in first.values()]
    span = max(xs) - min(xs)
    assert all(min(xs) - 2 * span < grown[n][0] < max(xs) + 2 * span for n in grown)


def test_fixed_nodes_not_in_the_graph_are_ignored():
    g = nx.MultiDiGraph([("a", "b")])
    assert set(place(g, {"a": (1.0, 2.0), "zzz": (5.0, 5.0)})) == {"a", "b"}


@pytest.mark.parametrize("n", [12, 30, 60])
def test_views_up_to_60_nodes_have_no_overlapping_labels(n):
    g = _graph(n)
    pos = positions(g, focus={"n0"})
    boxes = {x: node_box(g, x, focused=x == "n0").moved_to(*pos[x]) for x in g}
    assert overlaps(boxes) == 0


def test_overlap_removal_moves_only_free_boxes():
    rng = random.Random(1)
    boxes = {f"b{i}": Box(rng.uniform(0, 200), rng.uniform(0, 200), rng.uniform(40, 120), 20) for i in range(40)}
    assert overlaps(boxes) > 10
    pinned = {"b0", "b1"} if overlaps({k: boxes[k] for k in ("b0", "b1")}) == 0 else {"b0"}
    pos = separate(boxes, pinned)
    assert overlaps({k: b.moved_to(*pos[k]) for k, b in boxes.items()}) == 0
    assert all(pos[k] == (boxes[k].x, boxes[k].y) for k in pinned)


def test_the_readable_part_fits_the_view_at_a_readable_zoom():
    g = _graph(SEPARATE_UP_TO)
    part, left = readable_part(g)
    assert part.number_of_nodes() + left == g.number_of_nodes() and left > 0
    assert fit_scale(part, positions(part)) >= 0.75
    # The best connected are kept.
    worst_kept = min(g.degree(n) for n in part)
    assert all(g.degree(n) <= worst_kept for n in g if n not in part)


def test_snapshot_image_names_do_not_overlap():
    from graph_loader.snapshot import snapshot_image

    g = nx.MultiDiGraph()
    g.add_node("agency:hub", label="Agency", name="Secretariat of Security and Civilian Protection")
    for i in range(40):
        g.add_node(f"person:{i}", label="Person", name=f"A rather long person name number {i}")
        g.add_edge(f"person:{i}", "agency:hub", type="MEMBER_OF")
    found: list[int] = []
    png = snapshot_image(g, "png", overlaps_out=found)
    assert png.startswith(b"\x89PNG") and found == [0]
