"""Time from opening the Explore graph to a settled picture in headless chromium, today's view against
the new one, in the same run; and how many labels overlap in the opened view and in the PNG snapshot.

Today's view: ``render.to_pyvis_html`` without positions (vis-network's physics lays it out in the
browser, then stops). New view: positions computed in Python (``view_positions.positions``, igraph's
layout plus label room), physics off. Server time (view query, layout, page) is added to the browser's.

Settled means: today, vis-network's ``stabilizationIterationsDone`` (the page then sets
``data-stabilized``); new, the first ``afterDrawing`` after the fit (the same attribute).
Overlaps: pairs of drawn label boxes (``labelModule.size`` of each node, read from the page) that
intersect, and pairs of label text boxes in the PNG snapshot (matplotlib's own extents).

Graphs: the synthetic corpus's overview at 100, 300 and 1,000 nodes (``bench/synthetic.py``), focused
views of the sample graph (the best connected actors, 1 hop, up to 60 nodes) and its overview.
Targets: new view <= 1 s at 300 nodes and <= 2 s at 1,000; 0 overlaps in focused views up to 60 nodes
and in the sample overview.

Run: python bench/bench_settle.py [--sizes 100 300 1000] [--layouts]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import networkx as nx  # noqa: E402
import synthetic  # noqa: E402

from graph_loader.ontology import load_ontology  # noqa: E402
from graph_loader.render import to_pyvis_html  # noqa: E402
from graph_loader.store import EmbeddedStore, Filters  # noqa: E402
from graph_loader.view_positions import positions  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 120_000
# The Explore page's default filters: every node type but Article.
APP_FILTERS = Filters(labels=tuple(x for x in load_ontology().nodes if x != "Article"))

# Pairs of drawn label boxes that intersect (canvas coordinates, as vis-network measured them).
OVERLAPS = """() => {
  const net = window.pgNetwork, boxes = [];
  for (const id of net.body.nodeIndices) {
    const s = net.body.nodes[id].labelModule.size;
    if (s && s.width > 0 && s.height > 0) boxes.push([s.left, s.top, s.left + s.width, s.top + s.height]);
  }
  let n = 0;
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (Math.min(a[2], b[2]) - Math.max(a[0], b[0]) > 0.5 && Math.min(a[3], b[3]) - Math.max(a[1], b[1]) > 0.5) n++;
    }
  return [n, net.getScale()];
}"""


def open_and_settle(browser, page_html: str, folder: Path, name: str) -> tuple[float, int, float]:
    """Seconds from navigation to the settled graph, overlapping label pairs, and the opening zoom."""
    path = folder / f"{name}.html"
    path.write_text(page_html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    try:
        t = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-stabilized='1']", timeout=TIMEOUT_MS, state="attached")
        seconds = time.perf_counter() - t
        overlaps, scale = page.evaluate(OVERLAPS)
    finally:
        page.close()
    return seconds, int(overlaps), float(scale)


def old_view(view: nx.MultiDiGraph) -> tuple[str, float]:
    t = time.perf_counter()
    page = to_pyvis_html(view, focus=view.graph.get("focus"), height="700px")
    return page, time.perf_counter() - t


def new_view(view: nx.MultiDiGraph) -> tuple[str, float]:
    t = time.perf_counter()
    focus = list(view.graph.get("focus") or [])
    pos = positions(view, focus=set(focus))
    page = to_pyvis_html(view, focus=focus, height="700px", positions=pos)
    return page, time.perf_counter() - t


def png_overlaps(view: nx.MultiDiGraph) -> int:
    from graph_loader.snapshot import image_label_overlaps

    return image_label_overlaps(view)


def layouts(sizes: list[int]) -> None:
    """Seconds per layout library on the same overviews (the choice in graph_loader/layout.py)."""
    import igraph

    g, _ = synthetic.corpus_graph(200)
    store = EmbeddedStore.from_graph(g)
    print(f"{'nodes':>6s} {'library':>22s} {'seconds':>8s} {'/ igraph FR':>11s}")
    for n in sizes:
        v = store.overview(cap=n)
        nodes = sorted(v)
        idx = {x: i for i, x in enumerate(nodes)}
        es = sorted({(min(idx[a], idx[b]), max(idx[a], idx[b])) for a, b in v.edges() if a != b})
        ig = igraph.Graph(n=len(nodes), edges=es)
        simple = nx.Graph(v.to_undirected())
        runs = [("igraph FR", lambda ig=ig: ig.layout_fruchterman_reingold(niter=500, grid="nogrid")),
                ("igraph FR grid", lambda ig=ig: ig.layout_fruchterman_reingold(niter=500, grid="grid")),
                ("igraph Kamada-Kawai", lambda ig=ig: ig.layout_kamada_kawai()),
                ("igraph DrL", lambda ig=ig: ig.layout_drl())]
        try:
            import scipy  # noqa: F401  networkx's fast spring layout needs it

            runs.append(("networkx spring+scipy", lambda s=simple: nx.spring_layout(s, seed=1)))
        except ImportError:
            pass
        base = None
        for name, run in runs:
            t = time.perf_counter()
            run()
            s = time.perf_counter() - t
            base = base or s
            print(f"{n:6d} {name:>22s} {s:8.3f} {s / base:11.2f}")


def sample_graph() -> nx.MultiDiGraph:
    from graph_loader.articles import find_article_files, read_article
    from graph_loader.extract import extract_articles
    from graph_loader.graph import build_graph

    arts = [read_article(p) for p in find_article_files([ROOT / "sample_data" / "articles"])]
    return build_graph(list(extract_articles(arts)))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000])
    ap.add_argument("--layouts", action="store_true", help="also time the layout libraries")
    ap.add_argument("--no-old", action="store_true", help="skip today's view (its 1,000 nodes take ~40 s)")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from graph_loader.settings import load_settings
    from graph_loader.view_positions import readable_part

    if args.layouts:
        layouts(args.sizes)
    g, _ = synthetic.corpus_graph(200)
    store = EmbeddedStore.from_graph(g)
    sample = EmbeddedStore.from_graph(sample_graph())
    hub = load_settings().hub_degree
    to_pyvis_html(nx.MultiDiGraph())  # reads the vis.js assets once: not timed
    positions(nx.MultiDiGraph([("a", "b")]))  # imports igraph once: not timed
    rows = []
    with sync_playwright() as p, tempfile.TemporaryDirectory() as tmp:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        folder = Path(tmp)
        open_and_settle(browser, new_view(store.overview(cap=20))[0], folder, "warm")  # warms chromium
        for n in args.sizes:
            t = time.perf_counter()
            view = store.overview(cap=n)
            t_query = time.perf_counter() - t
            new_page, t_new = new_view(view)
            s_new, ov_new, z_new = open_and_settle(browser, new_page, folder, f"new{n}")
            if args.no_old:
                s_old = t_old = float("nan")
                ov_old, z_old = -1, float("nan")
            else:
                old_page, t_old = old_view(view)
                s_old, ov_old, z_old = open_and_settle(browser, old_page, folder, f"old{n}")
            rows.append((f"synthetic overview {n}", view.number_of_nodes(), t_query + t_old + s_old,
                         t_query + t_new + s_new, t_new, ov_old, ov_new, z_old, z_new, None))
        overview, left = readable_part(sample.overview(APP_FILTERS, load_settings().view_cap))
        focused = [("sample overview", overview)]
        actors = sorted((n for n, d in sample.graph.nodes(data=True) if d.get("label") in
                         ("Person", "Agency", "Organization", "Country")), key=lambda n: -sample.graph.degree(n))
        for a in actors[:4]:
            for hops in (1, 2):
                focused.append((f"sample {a[:22]} {hops} hop", sample.neighbourhood([a], hops, APP_FILTERS, 60, hub)))
        people = sorted((n for n, d in g.nodes(data=True) if d.get("label") == "Person"), key=lambda n: -g.degree(n))
        for a in people[:2]:
            focused.append((f"synthetic {a[:19]} 2 hops", store.neighbourhood([a], 2, APP_FILTERS, 60, hub)))
        for i, (name, view) in enumerate(focused):
            new_page, t_new = new_view(view)
            s_new, ov_new, z_new = open_and_settle(browser, new_page, folder, f"sample{i}")
            old_page, t_old = old_view(view)
            s_old, ov_old, z_old = open_and_settle(browser, old_page, folder, f"sampleold{i}")
            rows.append((name, view.number_of_nodes(), t_old + s_old, t_new + s_new, t_new, ov_old, ov_new,
                         z_old, z_new, png_overlaps(view)))
        browser.close()
    print(f"{'view':>40s} {'nodes':>5s} {'old s':>6s} {'new s':>6s} {'new/old':>7s} {'server s':>8s} "
          f"{'overlaps old':>12s} {'new':>4s} {'zoom old':>8s} {'new':>5s} {'png overlaps':>12s}")
    for name, n, old, new, server, ov_old, ov_new, z_old, z_new, png in rows:
        print(f"{name:>40s} {n:5d} {old:6.2f} {new:6.2f} {new / old:7.3f} {server:8.3f} {ov_old:12d} {ov_new:4d} "
              f"{z_old:8.2f} {z_new:5.2f} {png if png is not None else '':>12}")
    print(f"sample overview: {overview.number_of_nodes()} nodes drawn (readable at the opening zoom), "
          f"{left} more reachable by focusing or filtering")
    print("old = physics in the browser (today), new = positions from Python, physics off; seconds include "
          "the server's query, layout and page; targets: new <= 1 s at 300 nodes, <= 2 s at 1,000")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
