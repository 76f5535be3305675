"""Time to build the Explore view, as ratios against bare pyvis, for 100, 1,000 and 10,000 articles.

Ours: ``EmbeddedStore.overview(cap=view_cap)`` (and ``neighbourhood`` of the best-connected person, 2
hops) followed by ``render.to_pyvis_html`` (colours, shapes, hovers with sources, legend, inlined vis.js).
Bare: a pyvis ``Network`` given the same subgraph's nodes and edges with ``add_nodes``/``add_edges`` and
turned into HTML with ``generate_html`` (no styling, no hovers). The view must never draw more than
``settings.view_cap`` nodes (asserted). Target: < 3 s for the whole view.

Graphs: real extractions of the first N articles of bench/synthetic.py's corpus (``synthetic.corpus_graph``).
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

from graph_loader.render import to_pyvis_html  # noqa: E402
from graph_loader.settings import load_settings  # noqa: E402
from graph_loader.store import EmbeddedStore  # noqa: E402


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
    cap, hub_degree = load_settings().view_cap, load_settings().hub_degree
    to_pyvis_html(synthetic.corpus_graph(1)[0])  # the first call reads the vis.js assets: not timed
    rows = []
    for n in args.sizes:
        g, _rejected = synthetic.corpus_graph(n)
        store = EmbeddedStore.from_graph(g)
        people = [i for i, d in g.nodes(data=True) if d.get("label") == "Person"]
        star = max(people, key=g.degree)
        for kind, make in (("overview", lambda s=store: s.overview(cap=cap)),
                           ("2-hop", lambda s=store, h=star: s.neighbourhood([h], hops=2, cap=cap, hub=hub_degree))):
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
            rows.append((n, g.number_of_nodes(), kind, t_view + t_html, t_bare, t_view, t_html, view.number_of_nodes(),
                         view.number_of_edges(), len(page) / 1024))
    print(f"{'articles':>8s} {'nodes':>6s} {'view':>8s} {'ours/bare':>9s} {'ours/3s':>7s}  {'ours s':>6s} "
          f"{'bare s':>6s} {'query s':>7s} {'html s':>6s} {'drawn':>5s} {'edges':>5s} {'KiB':>6s}")
    for n, n_nodes, kind, t_ours, t_bare, t_view, t_html, nn, ne, kib in rows:
        print(f"{n:8d} {n_nodes:6d} {kind:>8s} {t_ours / t_bare:9.2f} {t_ours / 3:7.3f}  {t_ours:6.3f} {t_bare:6.3f} "
              f"{t_view:7.3f} {t_html:6.3f} {nn:5d} {ne:5d} {kib:6.0f}")
    print(f"view cap {cap}: every view drew at most {cap} nodes; "
          "bare = pyvis add_nodes/add_edges/generate_html of the same view")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
