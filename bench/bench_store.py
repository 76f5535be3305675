"""Embedded store speed and memory, as ratios measured in one run against bare networkx node-link JSON.

For graphs of 1,000 and 10,000 synthetic articles: time and peak Python memory (tracemalloc) of
``graph_loader.sinks.embedded.write_store`` / ``read_store``, next to a bare ``json.dump`` of
``nx.node_link_data`` / ``json.load`` + ``nx.node_link_graph`` of the same graph (the floor for a JSON store).

Both graphs are built from real extractions of bench/synthetic.py's corpus (``synthetic.corpus_graph``,
cached under /tmp: extracting 10,000 articles takes about 6 minutes on this machine's two cores).

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

from graph_loader.sinks.embedded import read_store, write_store  # noqa: E402


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
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            g, rejected = synthetic.corpus_graph(n)
            ours, bare = Path(tmp) / f"store-{n}.json", Path(tmp) / f"bare-{n}.json"
            _, t_w, m_w = measured(lambda g=g, p=ours: write_store(g, p))
            _, t_bw, m_bw = measured(lambda g=g, p=bare: bare_write(g, p))
            back, t_r, m_r = measured(lambda p=ours: read_store(p))
            _, t_br, m_br = measured(lambda p=bare: bare_read(p))
            assert back.number_of_nodes() == g.number_of_nodes(), "the store lost nodes"
            assert back.number_of_edges() == g.number_of_edges(), "the store lost relationships"
            rows.append((n, g.number_of_nodes(), g.number_of_edges(), ours.stat().st_size / 2**20,
                         t_w, m_w, t_bw, m_bw, t_r, m_r, t_br, m_br, rejected))
    print(f"{'articles':>8s} {'write/bare':>10s} {'read/bare':>9s} {'wmem/bare':>9s} {'rmem/bare':>9s}  "
          f"{'write s':>7s} {'read s':>7s} {'w MiB':>6s} {'r MiB':>6s} {'file MiB':>8s} "
          f"{'nodes':>7s} {'rels':>7s}")
    for n, nn, ne, size, t_w, m_w, t_bw, m_bw, t_r, m_r, t_br, m_br, rejected in rows:
        print(f"{n:8d} {t_w / t_bw:10.2f} {t_r / t_br:9.2f} {m_w / m_bw:9.2f} {m_r / m_br:9.2f}  "
              f"{t_w:7.2f} {t_r:7.2f} {m_w:6.0f} {m_r:6.0f} {size:8.1f} {nn:7d} {ne:7d}"
              + (f"  ({rejected} articles rejected by build_graph)" if rejected else ""))
    print("Times are under tracemalloc, which slows both sides")
    print("ratios: ours / bare networkx node-link JSON of the same graph (time, and peak tracemalloc memory)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
