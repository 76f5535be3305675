"""Neo4j load speed as ratios measured in one run: our loader vs a naive loader and a hand-written ceiling.

- ours:    the way ``portero load`` writes: its articles merged, as they come out of extraction, into the
           graphs of transaction groups (``loader.TransactionGroup``), each group then written in one
           transaction (``sinks.neo4j.write_group``: batched ``UNWIND ... MERGE``, union of lists), so a
           group's lists are merged into what the groups before it wrote. Timed: the writes, rows
           included; building the groups is printed apart, since ``portero load`` does it while the
           next articles are extracted (``bench/extraction_speed.py`` counts it in the extraction).
           Also ``write_graph`` of the whole graph built beforehand, as the baselines get it.
- naive:   one ``MERGE`` per transaction per node and per relationship. Only a sample is timed (the
           first ``--naive-sample`` nodes, then as many relationships) and its rate extrapolated.
- ceiling: one ``UNWIND $rows AS row CREATE (n:Label) SET n = row`` per batch per label, and
           ``UNWIND ... MATCH ... MATCH ... CREATE`` per relationship shape: no merging, no list unions.
Each starts from an EMPTY database holding the same constraints and indexes, after an untimed warm-up
load of the whole graph (page cache) and of the first ``--warmup`` articles by every loader (JIT and
query-plan cache).

Run: python bench/bench_neo4j_load.py [--articles 1000] [--profile]
Neo4j: NEO4J_URI if set, else a local server (home /tmp/h7, port 7705) started and stopped here.
The corpus is bench/synthetic.py's; its extraction is cached as a pickle under /tmp.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402

from graph_loader import neo4j_server  # noqa: E402
from graph_loader.graph import build_graph  # noqa: E402
from graph_loader.loader import TransactionGroup  # noqa: E402
from graph_loader.neo4j_connection import connect  # noqa: E402
from graph_loader.neo4j_queries import quote  # noqa: E402
from graph_loader.settings import Settings, load_settings  # noqa: E402
from graph_loader.sinks.neo4j import element_props, ensure_schema, write_graph, write_group  # noqa: E402

LOCAL = {"PORTERO_HOME": "/tmp/h7", "PORTERO_NEO4J_PORT": "7705", "PORTERO_NEO4J_HEAP": "1g",
         "PORTERO_NEO4J_PAGECACHE": "512m"}


def bench_settings() -> Settings:
    """The user's NEO4J_URI when set, else the benchmark's own local server."""
    return load_settings() if os.environ.get("NEO4J_URI") else load_settings({**os.environ, **LOCAL})


def empty_database(driver: Any, db: str) -> None:
    """Delete every node and relationship, in chunks so the transaction state stays small (relationships
    first: one chunk of nodes holding a few hubs would otherwise delete most of the graph at once)."""
    with driver.session(database=db) as s:
        s.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 5000 ROWS").consume()
        s.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()


def flat(attrs: dict, skip: tuple[str, ...]) -> dict[str, Any]:
    """One flat property map (scalars, lists, evidence lists) as every loader stores it."""
    return element_props(attrs, skip=skip)[0]


def node_groups(g) -> dict[tuple[str, str | None], list[dict]]:
    out: dict[tuple[str, str | None], list[dict]] = defaultdict(list)
    for nid, d in g.nodes(data=True):
        etype = d.get("event_type") if d.get("label") == "Event" else None
        out[(d["label"], etype or None)].append({"id": str(nid), **flat(d, ("label",))})
    return out


def rel_groups(g) -> dict[tuple[str, str, str], list[dict]]:
    out: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for u, v, k, d in g.edges(keys=True, data=True):
        shape = (g.nodes[u]["label"], d["type"], g.nodes[v]["label"])
        props = {"key": str(k), **flat(d, ("type",))}
        out[shape].append({"source": str(u), "target": str(v), "props": props})
    return out


def ceiling_load(driver: Any, g, db: str, batch: int) -> None:
    """CREATE-only batched load: the fastest way to put this graph into an empty database with Cypher."""
    with driver.session(database=db) as s:
        for (label, etype), rows in node_groups(g).items():
            labels = quote(label) + (":" + quote(etype) if etype else "")
            text = f"UNWIND $rows AS row CREATE (n:{labels}) SET n = row"
            for i in range(0, len(rows), batch):
                s.execute_write(lambda tx, t=text, r=rows[i:i + batch]: tx.run(t, rows=r).consume())
        for (src, rel, tgt), rows in rel_groups(g).items():
            text = (f"UNWIND $rows AS row MATCH (a:{quote(src)} {{id: row.source}}) "
                    f"MATCH (b:{quote(tgt)} {{id: row.target}}) "
                    f"CREATE (a)-[r:{quote(rel)}]->(b) SET r = row.props")
            for i in range(0, len(rows), batch):
                s.execute_write(lambda tx, t=text, r=rows[i:i + batch]: tx.run(t, rows=r).consume())


def naive_sample(driver: Any, g, db: str, sample: int, batch: int) -> tuple[int, float]:
    """One MERGE per transaction: time ``sample`` nodes and ``sample`` relationships; return (n, seconds).

    The relationships need their endpoints, so the nodes outside the sample are created untimed (by
    the ceiling loader) between the two timed parts.
    """
    nodes = [(lab, et, row) for (lab, et), rows in node_groups(g).items() for row in rows]
    rels = [(shape, row) for shape, rows in rel_groups(g).items() for row in rows]
    timed_nodes, rest = nodes[:sample], nodes[sample:]
    elapsed = 0.0
    with driver.session(database=db) as s:
        t = time.perf_counter()
        for label, etype, row in timed_nodes:
            labels = quote(label) + (":" + quote(etype) if etype else "")
            props = {k: v for k, v in row.items() if k != "id"}
            s.execute_write(lambda tx, lb=labels, r=row, p=props: tx.run(
                f"MERGE (n:{lb} {{id: $id}}) SET n += $props", id=r["id"], props=p).consume())
        elapsed += time.perf_counter() - t
        by_label: dict[tuple, list] = defaultdict(list)
        for label, etype, row in rest:
            by_label[(label, etype)].append(row)
        for (label, etype), rows in by_label.items():
            labels = quote(label) + (":" + quote(etype) if etype else "")
            for i in range(0, len(rows), batch):
                s.execute_write(lambda tx, lb=labels, r=rows[i:i + batch]: tx.run(
                    f"UNWIND $rows AS row CREATE (n:{lb}) SET n = row", rows=r).consume())
        t = time.perf_counter()
        for (src, rel, tgt), row in rels[:sample]:
            text = (f"MATCH (a:{quote(src)} {{id: $source}}) MATCH (b:{quote(tgt)} {{id: $target}}) "
                    f"MERGE (a)-[r:{quote(rel)} {{key: $props.key}}]->(b) SET r += $props")
            s.execute_write(lambda tx, t_=text, r=row: tx.run(t_, **r).consume())
        elapsed += time.perf_counter() - t
    return len(timed_nodes) + len(rels[:sample]), elapsed


def transaction_groups(exs: list, size: int) -> list:
    """The graphs of ``portero load``'s transaction groups of these articles, in order."""
    group, graphs = TransactionGroup(size), []
    for ex in exs:
        group.add(ex.article.id, ex)
        if group.full:
            graphs.append(group.take()[1])
    if group.items:
        graphs.append(group.take()[1])
    return graphs


def count(driver: Any, db: str) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=db).records[0]["c"]
    return n, r


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--naive-sample", type=int, default=1000, help="nodes, and as many relationships, timed")
    ap.add_argument("--warmup", type=int, default=60, help="articles loaded untimed first by each loader")
    ap.add_argument("--profile", action="store_true", help="print where portero load's Python time goes")
    args = ap.parse_args()

    t = time.perf_counter()
    exs, rejected = synthetic.buildable(synthetic.cached_extractions(args.articles))
    g = build_graph(exs)
    prep = time.perf_counter() - t
    n_nodes, n_edges = g.number_of_nodes(), g.number_of_edges()
    elements = n_nodes + n_edges

    settings = bench_settings()
    started = False
    if not os.environ.get("NEO4J_URI") and not neo4j_server.status(settings).get("running"):
        neo4j_server.start(settings)
        started = True
    db, batch = settings.neo4j_database, settings.batch_size
    driver = connect(settings)
    try:
        empty_database(driver, db)
        ensure_schema(driver, db)  # same constraints for all three, created before any timing
        # Warm the JVM and the query-plan cache for every loader, so none pays for running first. The
        # whole graph goes in once too, in portero load's large transactions: on a server just started,
        # the first of them ran at half speed (code paths of large transactions not yet compiled).
        for group in transaction_groups(exs, settings.transaction_size):
            write_group(driver, group, db, batch_size=batch)
        empty_database(driver, db)
        small = build_graph(exs[:args.warmup])
        for warm in (lambda: write_graph(driver, small, db, batch_size=batch),
                     lambda: ceiling_load(driver, small, db, batch),
                     lambda: naive_sample(driver, small, db, 200, batch)):
            warm()
            empty_database(driver, db)

        t = time.perf_counter()
        write_graph(driver, g, db, batch_size=batch)
        t_ours = time.perf_counter() - t
        ours_counts = count(driver, db)

        t = time.perf_counter()
        groups = transaction_groups(exs, settings.transaction_size)
        t_build = time.perf_counter() - t
        empty_database(driver, db)
        profiler = cProfile.Profile() if args.profile else None
        t = time.perf_counter()
        if profiler:
            profiler.enable()
        for group in groups:
            write_group(driver, group, db, batch_size=batch)
        if profiler:
            profiler.disable()
        t_articles = time.perf_counter() - t
        del groups
        articles_counts = count(driver, db)
        assert articles_counts == ours_counts, f"per article {articles_counts} != whole graph {ours_counts}"

        empty_database(driver, db)
        t = time.perf_counter()
        ceiling_load(driver, g, db, batch)
        t_ceiling = time.perf_counter() - t
        ceiling_counts = count(driver, db)

        empty_database(driver, db)
        n_naive, t_naive = naive_sample(driver, g, db, args.naive_sample, batch)
        empty_database(driver, db)
    finally:
        driver.close()
        if started:
            neo4j_server.stop(settings)

    r_ours, r_ceiling, r_naive = elements / t_ours, elements / t_ceiling, n_naive / t_naive
    r_articles, r_built = elements / t_articles, elements / (t_articles + t_build)
    print(f"{'measure':50s} {'ratio':>8s}  detail")
    print(f"{'portero load / ceiling (elements per second)':50s} {r_articles / r_ceiling:8.2f}  target >= 0.7")
    print(f"{'portero load / naive (elements per second)':50s} {r_articles / r_naive:8.1f}  target >= 20")
    print(f"{'  with building the groups / naive':50s} {r_built / r_naive:8.1f}  (done during extraction)")
    print(f"{'write_graph of the built graph / ceiling':50s} {r_ours / r_ceiling:8.2f}")
    print(f"{'write_graph of the built graph / naive':50s} {r_ours / r_naive:8.1f}")
    print(f"{'portero load, elements/s':50s} {r_articles:8.0f}  {t_articles:.2f} s, {len(exs)} articles, "
          f"transactions of about {settings.transaction_size} elements; building the groups {t_build:.2f} s")
    print(f"{'write_graph, elements/s':50s} {r_ours:8.0f}  {t_ours:.2f} s, wrote {ours_counts[0]} nodes "
          f"{ours_counts[1]} rels")
    print(f"{'ceiling, elements/s':50s} {r_ceiling:8.0f}  {t_ceiling:.2f} s, wrote {ceiling_counts[0]} nodes "
          f"{ceiling_counts[1]} rels")
    print(f"{'naive, elements/s (sample, extrapolated)':50s} {r_naive:8.0f}  {n_naive} elements timed in "
          f"{t_naive:.2f} s; whole graph would take ~{elements / r_naive:.0f} s")
    print(f"articles={len(exs)} (of {args.articles}; {rejected} rejected by build_graph) nodes={n_nodes} "
          f"relationships={n_edges} batch_size={batch} "
          f"extraction(cached)+graph build {prep:.1f} s")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
