"""Write a graph to Neo4j: schema first, then batched, parameterised ``UNWIND ... MERGE`` statements.

Rows are grouped by shape (a node label, or a source label, relationship type and target label) so one
statement writes up to ``batch_size`` rows and MERGE finds nodes through the ``id`` uniqueness
constraints. Writes go through ``session.execute_write``, so the driver retries transient failures.
The Cypher itself lives in :mod:`graph_loader.neo4j_queries`; this module turns graph data into rows.

>>> props, list_keys = element_props(
...     {"label": "Person", "name": "A", "aliases": ["B", "B"], "born": None, "articles": ["article:1"],
...      "evidence": [{"article_id": "article:1", "sentence": "A spoke.", "start": 0, "end": 8}]},
...     skip=("label",))
>>> props["name"], props["aliases"], props["evidence_sentences"], props["evidence_starts"], sorted(list_keys)
('A', ['B'], ['A spoke.'], [0], ['aliases', 'articles'])
>>> "born" in props, "label" in props
(False, False)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import networkx as nx

from .. import neo4j_queries as q
from ..ontology import Ontology, load_ontology
from ..schema import schema_statements

# (kind, label or type, Cypher text, parameters); kind is "node", "relationship" or "update".
Statement = tuple[str, str, str, dict[str, Any]]

_SCALARS = (str, bool, int, float)


def _value(value: Any) -> Any:
    """A value Neo4j can store as (part of) a property; None for "nothing to store"."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):  # properties cannot hold maps: keep them as JSON text
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _list_value(items: Iterable[Any]) -> list[Any]:
    """A homogeneous list without duplicates (Neo4j lists cannot mix types or hold nulls)."""
    if all(type(x) is str for x in items):  # the usual case, kept fast
        return [x for x in dict.fromkeys(items) if x]
    values = [v for v in (_value(x) for x in items) if v is not None]
    if len({type(v) for v in values}) > 1:
        values = [str(v) for v in values]
    return list(dict.fromkeys(values))


def _evidence_lists(evidence: Iterable[Mapping[str, Any]]) -> dict[str, list]:
    arts, sents, starts, ends = [], [], [], []
    for ev in evidence:
        arts.append(str(ev.get("article_id") or ""))
        sents.append(str(ev.get("sentence") or ""))
        start, end = ev.get("start"), ev.get("end")
        starts.append(start if type(start) is int else -1)  # lists cannot hold nulls
        ends.append(end if type(end) is int else -1)
    return {"evidence_articles": arts, "evidence_sentences": sents, "evidence_starts": starts,
            "evidence_ends": ends}


_ALWAYS_SKIPPED = frozenset({"id", "key", "evidence"})
_LISTS = (list, tuple, set, frozenset)
_PLAIN = {str, int, float, bool}


def element_props(attrs: Mapping[str, Any], skip: Iterable[str] = ()) -> tuple[dict[str, Any], set[str]]:
    """Graph attributes as one Neo4j property map, and the keys in it that hold lists.

    Empty values are left out, maps become JSON text and evidence becomes the four parallel lists.
    """
    skipped = _ALWAYS_SKIPPED.union(skip) if skip else _ALWAYS_SKIPPED
    props: dict[str, Any] = {}
    list_keys: set[str] = set()
    for key, value in attrs.items():
        if key in skipped:
            continue
        kind = type(value)
        if kind in _PLAIN:  # the usual case first: this runs for every node and edge
            if value != "":
                props[key] = value
        elif isinstance(value, _LISTS):
            props[key] = _list_value(value)
            list_keys.add(key)
        else:
            v = _value(value)
            if v is not None:
                props[key] = v
    props.update(_evidence_lists(attrs.get("evidence") or ()))
    # The view's summary of the lists (see neo4j_queries.SUMMARY_PROPS).
    props["article_count"] = len(props.get("articles") or ())
    first = next((x for x in props["evidence_sentences"] if x), None)
    if first is not None:
        props["first_sentence"] = first
    return props, list_keys


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building rows.

    Rows are plain acyclic dicts and lists; with a large graph in memory, each collection the many
    allocations trigger walks all of it, which used to take two thirds of the preparation time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _chunks(rows: list, size: int) -> Iterable[list]:
    size = max(1, size)
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _finish_group(group: list[tuple[dict, set[str]]]) -> tuple[set[str], set[str], list[dict]]:
    """The list keys and the scalar keys of a group of rows, every row holding every list key.

    An absent list would read as null and erase the stored one; a key that is a list in one row is a
    list in all of them.
    """
    list_keys = set().union(*(keys for _, keys in group))
    scalar_keys: set[str] = set()
    rows = []
    for row, keys in group:
        props = row["props"]
        scalar_keys.update(props)
        for key in list_keys:
            if key not in keys:
                props[key] = [props[key]] if key in props else []
        rows.append(row)
    return list_keys, scalar_keys - list_keys, rows


def graph_statements(g: nx.MultiDiGraph, batch_size: int = 1000,
                     ontology: Ontology | None = None) -> list[Statement]:
    """Every statement that writes ``g``: nodes by label, then relationships by shape, then claim flags.

    Raises :class:`~graph_loader.ontology.OntologyError` when a label or type is not in the ontology.
    """
    with _gc_paused():
        return _graph_statements(g, batch_size, ontology or load_ontology())


def _graph_statements(g: nx.MultiDiGraph, batch_size: int, onto: Ontology) -> list[Statement]:
    node_groups: dict[tuple[str, str | None], list[tuple[dict, set[str]]]] = defaultdict(list)
    for nid, attrs in g.nodes(data=True):
        label = attrs.get("label")
        onto.validate_node(str(label))
        props, list_keys = element_props(attrs, skip=("label",))
        etype = attrs.get("event_type") if label == "Event" else None
        node_groups[(label, etype or None)].append(({"id": str(nid), "props": props}, list_keys))

    rel_groups: dict[tuple[str, str, str], list[tuple[dict, set[str]]]] = defaultdict(list)
    for u, v, key, attrs in g.edges(keys=True, data=True):
        shape = (g.nodes[u].get("label"), attrs.get("type"), g.nodes[v].get("label"))
        props, list_keys = element_props(attrs, skip=("type",))
        rel_groups[shape].append(({"source": str(u), "target": str(v), "key": str(key), "props": props},
                                  list_keys))

    out: list[Statement] = []
    for (label, etype), rows in sorted(node_groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        list_keys, scalar_keys, rows = _finish_group(rows)
        text = q.merge_nodes_query(label, list_keys, event_type=etype, ontology=onto, scalar_keys=scalar_keys)
        out += [("node", label, text, {"batch": {"rows": chunk}}) for chunk in _chunks(rows, batch_size)]
    for (src, rel, tgt), rows in sorted(rel_groups.items()):
        list_keys, scalar_keys, rows = _finish_group(rows)
        text = q.merge_relationships_query(src, rel, tgt, list_keys, ontology=onto, scalar_keys=scalar_keys)
        out += [("relationship", rel, text, {"batch": {"rows": chunk}})
                for chunk in _chunks(rows, batch_size)]
    claims = [str(n) for n, d in g.nodes(data=True) if d.get("label") == "Claim"]
    out += [("update", "Claim", q.UPDATE_CONTESTED, {"batch": {"ids": chunk}})
            for chunk in _chunks(claims, batch_size)]
    return out


def empty_stats() -> dict[str, Any]:
    """Counters of a write: totals, plus nodes created per label and relationships per type."""
    return {"nodes_created": 0, "relationships_created": 0, "properties_set": 0, "labels_added": 0,
            "nodes_by_label": Counter(), "relationships_by_type": Counter()}


def add_stats(total: dict[str, Any], part: Mapping[str, Any]) -> dict[str, Any]:
    """Add the counters of ``part`` into ``total`` (in place) and return it."""
    for key in ("nodes_created", "relationships_created", "properties_set", "labels_added"):
        total[key] += part[key]
    total["nodes_by_label"].update(part["nodes_by_label"])
    total["relationships_by_type"].update(part["relationships_by_type"])
    return total


class TransactionTooLarge(Exception):
    """The server refused a transaction for want of transaction memory (``db.memory.transaction.max``).

    Neo4j calls that a transient error (found at commit), so the driver's managed transactions would retry
    the same transaction for their whole retry time, to fail again; :func:`write_group` raises this at
    once instead, and the loader writes the group's articles in smaller transactions.
    """


_OUT_OF_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"


def _run_statements(tx: Any, statements: list[Statement]) -> dict[str, Any]:
    """Transaction function: run the statements, return their summed counters (re-run on retry)."""
    stats = empty_stats()
    for kind, name, text, params in statements:
        counters = tx.run(text, params).consume().counters
        stats["nodes_created"] += counters.nodes_created
        stats["relationships_created"] += counters.relationships_created
        stats["properties_set"] += counters.properties_set
        stats["labels_added"] += counters.labels_added
        if kind == "node" and counters.nodes_created:
            stats["nodes_by_label"][name] += counters.nodes_created
        elif kind == "relationship" and counters.relationships_created:
            stats["relationships_by_type"][name] += counters.relationships_created
    return stats


def ensure_schema(driver: Any, database: str = "neo4j", wait_seconds: int = 300) -> None:
    """Create the constraints and indexes of ``cypher/schema.cypher`` (idempotent) and wait until online."""
    for statement in schema_statements():
        driver.execute_query(statement, database_=database)
    driver.execute_query(q.AWAIT_INDEXES, {"seconds": wait_seconds}, database_=database)


def write_statements(driver: Any, statements: list[Statement], database: str = "neo4j",
                     one_transaction: bool = True) -> dict[str, Any]:
    """Run prepared statements, all in one transaction or one transaction per statement (batch)."""
    with driver.session(database=database) as session:
        if one_transaction:
            return session.execute_write(_run_statements, statements)
        stats = empty_stats()
        for statement in statements:
            add_stats(stats, session.execute_write(_run_statements, [statement]))
        return stats


def write_graph(driver: Any, g: nx.MultiDiGraph, database: str = "neo4j",
                batch_size: int = 1000) -> dict[str, Any]:
    """Write (merge) a whole graph into Neo4j, one transaction per batch; return the write counters.

    Writing the same graph twice creates nothing the second time: nodes are merged on their id,
    relationships on their key, lists (aliases, articles, evidence) are unioned.
    """
    with _gc_paused():  # the driver's encoding of the rows allocates as much again
        statements = graph_statements(g, batch_size)  # validate everything before the first write
        ensure_schema(driver, database)
        return write_statements(driver, statements, database, one_transaction=False)


def write_group(driver: Any, g: nx.MultiDiGraph, database: str = "neo4j",
                batch_size: int = 1000, retry_time: float = 30.0) -> dict[str, Any]:
    """Write (merge) the graph of a group of articles in a single transaction: all of it lands, or none.

    ``portero load`` builds the group's graph while it extracts the articles (``loader.TransactionGroup``).
    Raises ``OntologyError`` before anything is written when a label or type is not in the ontology, and
    :class:`TransactionTooLarge` when the server has not the memory for one transaction this size. Other
    transient failures are retried for ``retry_time`` seconds, as the driver's managed transactions do.
    """
    with _gc_paused():  # the driver's encoding of the rows allocates as much as building them
        statements = graph_statements(g, batch_size)
        with driver.session(database=database) as session:
            return _commit_retrying(session, statements, retry_time)


def _commit_retrying(session: Any, statements: list[Statement], retry_time: float) -> dict[str, Any]:
    """One explicit transaction, retried with growing pauses while the error is retryable and time is left."""
    from neo4j.exceptions import DriverError, Neo4jError

    deadline, pause = time.monotonic() + retry_time, 0.5
    while True:
        try:
            with session.begin_transaction() as tx:
                stats = _run_statements(tx, statements)
                tx.commit()
                return stats
        except (Neo4jError, DriverError) as exc:
            if isinstance(exc, Neo4jError) and exc.code == _OUT_OF_MEMORY:
                raise TransactionTooLarge(exc.message or str(exc)) from None
            if not exc.is_retryable() or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause *= 2
