"""Time to build the Explore view, as ratios against bare pyvis, for graphs of 100, 1,000 and 10,000 nodes.

Ours: ``EmbeddedStore.overview(cap=view_cap)`` (and ``neighbourhood`` of the best-connected person, 2
hops) followed by ``render.to_pyvis_html`` (colours, shapes, hovers with sources, legend, inlined vis.js).
Bare: a pyvis ``Network`` given the same subgraph's nodes and edges with ``add_nodes``/``add_edges`` and
turned into HTML with ``generate_html`` (no styling, no hovers). The view must never draw more than
``settings.view_cap`` nodes (asserted). Target: < 3 s for the whole view.

Graphs: the first N nodes (and the edges among them) of the synthetic corpus's graph, grown from real
extractions of 1,000 articles and, beyond that, their renamed copies (see bench_store.py).
Run: python bench/bench_explore.py [--sizes 100 1000 10000]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import networkx as nx  # noqa: E402
import synthetic  # noqa: E402
from pyvis.network import Network  # noqa: E402

from graph_loader.graph import build_graph  # noqa: E402
from graph_loader.render import to_pyvis_html  # noqa: E402
from graph_loader.settings import load_settings  # noqa: E402
from graph_loader.store import EmbeddedStore  # noqa: E402

BASE_ARTICLES = 1000


def graph_of(n_nodes: int, base: list) -> nx.MultiDiGraph:
    """A graph of exactly ``n_nodes`` nodes: the first ones built from the corpus, with their edges."""
    exs, copies = base, 1
    g = build_graph(exs)
    while g.number_of_nodes() < n_nodes:  # not enough: add renamed copies of the corpus
        copies += 1
        g = build_graph(synthetic.scaled_extractions(base, copies))
    keep = list(g.nodes)[:n_nodes]
    return g.subgraph(keep).copy()


def bare_html(view: nx.MultiDiGraph) -> str:
    """The least pyvis needs to draw the same nodes and edges."""
    net = Network(directed=True)
    ids = list(view.nodes)
    net.add_nodes(ids, label=[str(view.nodes[i].get("name") or i) for i in ids])
    net.add_edges([(u, v) for u, v in view.edges()])
    return net.generate_html()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    args = ap.parse_args()
    cap = load_settings().view_cap
    base, _rejected = synthetic.buildable(synthetic.cached_extractions(BASE_ARTICLES))
    to_pyvis_html(build_graph(base[:1]))  # first call reads the vis.js assets: keep it out of the timing
    rows = []
    for n in args.sizes:
        g = graph_of(n, base)
        store = EmbeddedStore.from_graph(g)
        people = [i for i, d in g.nodes(data=True) if d.get("label") == "Person"]
        hub = max(people, key=g.degree)
        for kind, make in (("overview", lambda s=store: s.overview(cap=cap)),
                           ("2-hop", lambda s=store, h=hub: s.neighbourhood([h], hops=2, cap=cap))):
            gc.collect()  # the garbage of building the graph is not the view's to collect
            t = time.perf_counter()
            view = make()
            t_view = time.perf_counter() - t
            t = time.perf_counter()
            page = to_pyvis_html(view, focus=view.graph.get("focus"))
            t_html = time.perf_counter() - t
            assert view.number_of_nodes() <= cap, f"the view drew {view.number_of_nodes()} nodes > cap {cap}"
            assert page.count("<html") == 1
            t = time.perf_counter()
            bare_html(view)
            t_bare = time.perf_counter() - t
            rows.append((n, kind, t_view + t_html, t_bare, t_view, t_html, view.number_of_nodes(),
                         view.number_of_edges(), len(page) / 1024))
    print(f"{'nodes':>6s} {'view':>8s} {'ours/bare':>9s} {'ours/3s':>7s}  {'ours s':>6s} {'bare s':>6s} "
          f"{'query s':>7s} {'html s':>6s} {'drawn':>5s} {'edges':>5s} {'KiB':>6s}")
    for n, kind, t_ours, t_bare, t_view, t_html, nn, ne, kib in rows:
        print(f"{n:6d} {kind:>8s} {t_ours / t_bare:9.2f} {t_ours / 3:7.3f}  {t_ours:6.3f} {t_bare:6.3f} "
              f"{t_view:7.3f} {t_html:6.3f} {nn:5d} {ne:5d} {kib:6.0f}")
    print(f"view cap {cap}: every view drew at most {cap} nodes; "
          "bare = pyvis add_nodes/add_edges/generate_html of the same view")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
