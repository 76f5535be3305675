"""Query latency on Neo4j at 10,000 synthetic articles (constraints and indexes in place), ratios first.

Measures the median over seeded random people of:
- a 2-hop neighbourhood: bare Cypher (ids within two hops, MENTIONS/DURING hubs not crossed), and the
  app's ``Neo4jStore.neighbourhood(hops=2, cap=view_cap, hub=hub_degree)`` as the Explore page asks for it
  (every label but Article), with the articles drawn too, and without the hub limit (for comparison): the
  drawn nodes with their attributes and the edges among them;
- a shortest path between two people: bare Cypher ``shortestPath`` (up to 6 hops), and the app's
  ``Neo4jStore.shortest_paths`` (all shortest paths with their sources).
Targets: 2-hop < 50 ms, shortest path < 200 ms (ratio = median / target, so below 1 meets it). Each
median follows one untimed pass over the same items, so it is a server in use, not a first read from disk.

The graph is built from real extractions of bench/synthetic.py's corpus (cached under /tmp).
Run: python bench/bench_queries.py [--articles 10000] [--samples 30]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402
from bench_neo4j_load import bench_settings  # noqa: E402

from graph_loader import neo4j_server  # noqa: E402
from graph_loader.neo4j_connection import connect  # noqa: E402
from graph_loader.sinks.neo4j import write_graph  # noqa: E402
from graph_loader.store import HUB_TYPES, Filters, Neo4jStore  # noqa: E402

TWO_HOP = ("MATCH (a:Person {id: $id})-[r1]-(b) WHERE NOT type(r1) IN $hubs "
           "OPTIONAL MATCH (b)-[r2]-(c) WHERE NOT type(r2) IN $hubs "
           "WITH collect(DISTINCT b.id) + collect(DISTINCT c.id) AS ids RETURN size(ids) AS n")
SHORTEST = ("MATCH (a:Person {id: $a}), (b:Person {id: $b}) "
            "MATCH p = shortestPath((a)-[*..6]-(b)) RETURN length(p) AS hops")


SLOWEST: dict[str, float] = {}  # the slowest call of each measure (ms): a median can hide a slow hub


def clear(driver: Any, db: str) -> None:
    """Empty the database: relationships first, so no transaction holds a hub with all its relationships
    (``DETACH DELETE`` of a 10,000-article hub exceeded the server's transaction memory)."""
    with driver.session(database=db) as s:
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def median_ms(fn: Callable[[Any], Any], items: list, name: str = "") -> tuple[float, list]:
    """Median milliseconds of ``fn`` over ``items``, after one untimed pass: the steady state of a server
    in use (query plans cached, the neighbourhoods' pages in the page cache), not a first read from disk."""
    for item in items:
        fn(item)
    times, out = [], []
    for item in items:
        t = time.perf_counter()
        out.append(fn(item))
        times.append((time.perf_counter() - t) * 1000)
    SLOWEST[name] = max(times)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--samples", type=int, default=30)
    args = ap.parse_args()
    g, _rejected = synthetic.corpus_graph(args.articles)
    people = sorted(n for n, d in g.nodes(data=True) if d.get("label") == "Person" and g.degree(n) > 1)
    rng = random.Random(0)
    focus = rng.sample(people, min(args.samples, len(people)))
    pairs = [tuple(rng.sample(people, 2)) for _ in range(args.samples)]
    n_nodes, n_rels = g.number_of_nodes(), g.number_of_edges()

    settings = bench_settings()
    started = False
    if not os.environ.get("NEO4J_URI") and not neo4j_server.status(settings).get("running"):
        neo4j_server.start(settings)
        started = True
    db = settings.neo4j_database
    driver = connect(settings)
    try:
        clear(driver, db)
        t = time.perf_counter()
        write_graph(driver, g, db, batch_size=settings.batch_size)
        t_load = time.perf_counter() - t
        # The app holds no graph when it reads Neo4j: neither does this process while it measures (with
        # the 10,000-article graph alive, each full garbage collection walked it, a second at times).
        del g
        gc.collect()
        store = Neo4jStore(driver, db, uri=settings.neo4j_uri, timeout=60.0)
        hubs = sorted(HUB_TYPES)

        def bare_two(i):
            return driver.execute_query(TWO_HOP, id=i, hubs=hubs, database_=db).records[0]["n"]

        def bare_path(p):
            recs = driver.execute_query(SHORTEST, a=p[0], b=p[1], database_=db).records
            return recs[0]["hops"] if recs else None

        m_two, sizes = median_ms(bare_two, focus, "two")
        explore = Filters(labels=tuple(x for x in store.ontology.nodes if x != "Article"))
        cap, hub = settings.view_cap, settings.hub_degree
        m_app_two, views = median_ms(lambda i: store.neighbourhood([i], hops=2, filters=explore, cap=cap, hub=hub),
                                     focus, "app_two")
        m_app_all, _ = median_ms(lambda i: store.neighbourhood([i], hops=2, cap=cap, hub=hub), focus, "app_all")
        m_app_nohub, _ = median_ms(lambda i: store.neighbourhood([i], hops=2, filters=explore, cap=cap), focus,
                                   "app_nohub")
        m_path, hops = median_ms(bare_path, pairs, "path")
        m_app_path, _ = median_ms(lambda p: store.shortest_paths(p[0], p[1]), pairs, "app_path")
    finally:
        try:
            clear(driver, db)
        except Exception as exc:  # the figures matter more than the clean-up: say so and go on
            print(f"could not empty the database: {exc}", file=sys.stderr)
        driver.close()
        if started:
            neo4j_server.stop(settings)

    found = [h for h in hops if h is not None]
    print(f"{'measure':48s} {'ratio':>6s} {'median ms':>10s} {'max ms':>8s}  detail")
    print(f"{'2-hop neighbourhood, bare Cypher / 50 ms':48s} {m_two / 50:6.2f} {m_two:10.1f} {SLOWEST['two']:8.0f}  "
          f"median {statistics.median(sizes):.0f} ids reached")
    print(f"{'2-hop neighbourhood, Neo4jStore (Explore) / 50 ms':48s} {m_app_two / 50:6.2f} {m_app_two:10.1f} "
          f"{SLOWEST['app_two']:8.0f}  "
          f"median {statistics.median(v.number_of_nodes() for v in views):.0f} nodes, "
          f"{statistics.median(v.number_of_edges() for v in views):.0f} edges drawn (cap {settings.view_cap})")
    print(f"{'  the same with the articles drawn / 50 ms':48s} {m_app_all / 50:6.2f} {m_app_all:10.1f} "
          f"{SLOWEST['app_all']:8.0f}")
    print(f"{'  Explore through hubs too (no hub limit) / 50 ms':48s} {m_app_nohub / 50:6.2f} {m_app_nohub:10.1f} "
          f"{SLOWEST['app_nohub']:8.0f}  PORTERO_HUB_DEGREE={hub} above, 0 here")
    print(f"{'shortest path, bare Cypher / 200 ms':48s} {m_path / 200:6.2f} {m_path:10.1f} {SLOWEST['path']:8.0f}  "
          f"{len(found)}/{len(pairs)} pairs connected"
          + (f", median {statistics.median(found):.0f} hops" if found else ""))
    print(f"{'shortest paths, Neo4jStore / 200 ms':48s} {m_app_path / 200:6.2f} {m_app_path:10.1f} "
          f"{SLOWEST['app_path']:8.0f}  "
          "all shortest paths with sources")
    print(f"articles={args.articles} nodes={n_nodes} relationships={n_rels} "
          f"samples={len(focus)} load {t_load:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
