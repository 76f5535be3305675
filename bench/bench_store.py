"""Embedded store speed and memory, as ratios measured in one run against bare networkx node-link JSON.

For graphs of 1,000 and 10,000 synthetic articles: time and peak Python memory (tracemalloc) of
``graph_loader.sinks.embedded.write_store`` / ``read_store``, next to a bare ``json.dump`` of
``nx.node_link_data`` / ``json.load`` + ``nx.node_link_graph`` of the same graph (the floor for a JSON store).

The 1,000-article graph is built from real extractions of bench/synthetic.py's corpus (cached under /tmp).
The 10,000-article graph is NOT re-extracted (about 25 minutes on one shared core): it is built from ten
renamed copies of those extractions (``synthetic.scaled_extractions``), so it has 10x the actors, events
and evidence, joined at the two countries.

Run: python bench/bench_store.py [--sizes 1000 10000]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import networkx as nx  # noqa: E402
import synthetic  # noqa: E402

from graph_loader.graph import build_graph  # noqa: E402
from graph_loader.sinks.embedded import read_store, write_store  # noqa: E402

BASE_ARTICLES = 1000


def measured(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """(result, seconds, peak MiB of Python allocations while ``fn`` ran)."""
    gc.collect()
    tracemalloc.start()
    t = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, seconds, peak


def base_extractions() -> tuple[list, int]:
    """The 1,000 synthetic articles' extractions that build a graph, and how many were rejected."""
    return synthetic.buildable(synthetic.cached_extractions(BASE_ARTICLES))


def graph_for(n: int, base: list) -> nx.MultiDiGraph:
    """The graph of ``n`` articles: real extractions up to ``len(base)``, renamed copies beyond."""
    if n <= len(base):
        return build_graph(base[:n])
    copies = -(-n // len(base))
    return build_graph(synthetic.scaled_extractions(base, copies)[:n])


def bare_write(g: nx.MultiDiGraph, path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        json.dump(nx.node_link_data(g, edges="links"), fh, ensure_ascii=False)


def bare_read(path: Path) -> nx.MultiDiGraph:
    with path.open(encoding="utf-8") as fh:
        return nx.node_link_graph(json.load(fh), edges="links")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = ap.parse_args()
    base, rejected = base_extractions()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            g = graph_for(n, base)
            ours, bare = Path(tmp) / f"store-{n}.json", Path(tmp) / f"bare-{n}.json"
            _, t_w, m_w = measured(lambda g=g, p=ours: write_store(g, p))
            _, t_bw, m_bw = measured(lambda g=g, p=bare: bare_write(g, p))
            back, t_r, m_r = measured(lambda p=ours: read_store(p))
            _, t_br, m_br = measured(lambda p=bare: bare_read(p))
            assert back.number_of_nodes() == g.number_of_nodes(), "the store lost nodes"
            assert back.number_of_edges() == g.number_of_edges(), "the store lost relationships"
            rows.append((n, g.number_of_nodes(), g.number_of_edges(), ours.stat().st_size / 2**20,
                         t_w, m_w, t_bw, m_bw, t_r, m_r, t_br, m_br))
    print(f"{'articles':>8s} {'write/bare':>10s} {'read/bare':>9s} {'wmem/bare':>9s} {'rmem/bare':>9s}  "
          f"{'write s':>7s} {'read s':>7s} {'w MiB':>6s} {'r MiB':>6s} {'file MiB':>8s} "
          f"{'nodes':>7s} {'rels':>7s}")
    for n, nn, ne, size, t_w, m_w, t_bw, m_bw, t_r, m_r, t_br, m_br in rows:
        print(f"{n:8d} {t_w / t_bw:10.2f} {t_r / t_br:9.2f} {m_w / m_bw:9.2f} {m_r / m_br:9.2f}  "
              f"{t_w:7.2f} {t_r:7.2f} {m_w:6.0f} {m_r:6.0f} {size:8.1f} {nn:7d} {ne:7d}")
    print(f"base: {BASE_ARTICLES - rejected} of {BASE_ARTICLES} extracted articles ({rejected} rejected by "
          "build_graph); beyond that, renamed copies. Times are under tracemalloc, which slows both sides")
    print("ratios: ours / bare networkx node-link JSON of the same graph (time, and peak tracemalloc memory)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
