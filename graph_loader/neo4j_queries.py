"""All the Cypher the loader writes with, as parameterised builders.

Labels, relationship types and property keys are spliced into the text only after they are checked
against the validated ontology (or escaped, for property keys); every value travels as a parameter.
Each builder returns the text of one ``UNWIND $batch.rows AS row`` statement for a group of rows of the same
shape, so a batch is one round trip.

Evidence cannot be stored as a list of maps (Neo4j properties hold only scalars and lists of scalars),
so it is kept as four parallel lists ``evidence_articles``, ``evidence_sentences``, ``evidence_starts``
and ``evidence_ends``. Lists are merged as sets, scalars keep their first value, so loading the same
article twice changes nothing.

>>> q = merge_nodes_query("Person", list_keys=["aliases", "articles"])
>>> q.splitlines()[3:5]
['MERGE (n:`Person` {id: row.id})', 'ON CREATE SET n += row.props']
>>> merge_nodes_query("Robot")
Traceback (most recent call last):
...
graph_loader.ontology.OntologyError: unknown node label 'Robot'
>>> print(merge_relationships_query("Person", "LEADS", "Agency").split("ON CREATE")[0])
CYPHER replan=skip
UNWIND $batch.rows AS row
MATCH (a:`Person` {id: row.source})
MATCH (b:`Agency` {id: row.target})
WITH a, b, row, EXISTS { (a)-[:`LEADS` {key: row.key}]->(b) } AS existed
MERGE (a)-[r:`LEADS` {key: row.key}]->(b)
<BLANKLINE>
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .ontology import Ontology, OntologyError, load_ontology

# The four parallel lists that hold evidence, in the order of the graph's evidence dict keys.
EVIDENCE_LISTS = ("evidence_articles", "evidence_sentences", "evidence_starts", "evidence_ends")
# What a view reads of those lists, kept beside them as scalars: reading a hub's lists (thousands of
# items) to count them or to take one sentence cost more than drawing the view. Derived, never edited.
SUMMARY_PROPS = ("article_count", "first_sentence")
# Properties of the stored layout that are not graph attributes (readers leave them out).
STORED_ONLY = EVIDENCE_LISTS + SUMMARY_PROPS


def evidence_from_lists(props: Any) -> list[dict[str, Any]]:
    """Evidence dicts from the four parallel lists the sink stores (an offset of -1: unknown).

    The one reader of the layout written here, used by the app's store, the exporters and the console.

    >>> evidence_from_lists({"evidence_articles": ["article:a"], "evidence_sentences": ["S."],
    ...                      "evidence_starts": [4], "evidence_ends": [-1]})
    [{'article_id': 'article:a', 'sentence': 'S.', 'start': 4, 'end': None}]
    """
    arts, sents, starts, ends = (list(props.get(k) or []) for k in EVIDENCE_LISTS)
    out = []
    for i, art in enumerate(arts):
        start = starts[i] if i < len(starts) else None
        end = ends[i] if i < len(ends) else None
        out.append({"article_id": art, "sentence": sents[i] if i < len(sents) else "",
                    "start": None if start is None or start < 0 else start,
                    "end": None if end is None or end < 0 else end})
    return out


def plain_value(value: Any) -> Any:
    """Neo4j temporal values as ISO text (inside lists too); everything else as it is."""
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    return value


def quote(name: str) -> str:
    """Backquote an identifier (a property key), doubling any backquote inside it.

    >>> quote("name"), quote("we`ird")
    ('`name`', '`we``ird`')
    """
    if not name:
        raise ValueError("an identifier cannot be empty")
    return "`" + name.replace("`", "``") + "`"


# ------------------------------------------------------------------------------------------ schema


# The schema statements come from the ontology: graph_loader/schema.py (which writes cypher/schema.cypher).

AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"

# Write statements keep their first plan: they find nodes through the uniqueness constraints whatever
# the statistics say, and replanning each of them whenever a young database doubles in size would
# cost more than the writes (a plan takes ~100 ms, a cached batch a few).
PLAN_ONCE = "CYPHER replan=skip"
# Rows come wrapped in a map (``{"batch": {"rows": [...]}}``): Neo4j keys its plan cache on the size of
# a list parameter (in buckets), so a bare ``$rows`` would be planned again for 1, 2, 4, 30... rows.
UNWIND_ROWS = "UNWIND $batch.rows AS row"


# ------------------------------------------------------------------------------------------ writes


def _merge_existing(var: str, list_keys: Iterable[str], scalar_keys: Iterable[str]) -> list[str]:
    """Lines that merge a row into an element that existed before this statement.

    A new element got the row's properties wholesale (``ON CREATE SET``, as fast as a CREATE); only an
    old one needs merging. Every property is set once: scalars keep their first value, lists are
    unioned, and evidence is appended only when not already held (same article and offsets). A hub's
    lists are long, so none is written more than once. Every right-hand side reads the ``before``
    snapshot, so the order of SET items is moot.
    """
    old = {name: f"coalesce(before.{name}, [])" for name in EVIDENCE_LISTS}
    new = {name: f"row.props.{name}" for name in EVIDENCE_LISTS}
    fresh = (f"[i IN range(0, size({new['evidence_articles']}) - 1) WHERE NOT any("
             f"j IN range(0, size({old['evidence_articles']}) - 1) "
             f"WHERE {old['evidence_articles']}[j] = {new['evidence_articles']}[i] "
             f"AND {old['evidence_starts']}[j] = {new['evidence_starts']}[i] "
             f"AND {old['evidence_ends']}[j] = {new['evidence_ends']}[i])]")
    lists = set(list_keys) - set(EVIDENCE_LISTS)
    counted = "articles" in lists  # then article_count follows the unioned list
    items = [f"{var}.{k} = coalesce(before.{k}, row.props.{k})"
             for k in map(quote, sorted(set(scalar_keys) - lists - set(EVIDENCE_LISTS)
                                        - ({"article_count"} if counted else set())))]
    for k in map(quote, sorted(lists)):
        items.append(f"{var}.{k} = coalesce(before.{k}, []) + "
                     f"[x IN row.props.{k} WHERE NOT x IN coalesce(before.{k}, [])]")
    items += [f"{var}.{name} = {old[name]} + [i IN fresh | {new[name]}[i]]" for name in EVIDENCE_LISTS]
    lines = [
        f"WITH {var}, row, properties({var}) AS before WHERE existed",
        f"WITH {var}, row, before, {fresh} AS fresh",
        "SET " + ",\n    ".join(items),
    ]
    if counted:
        lines.append(f"SET {var}.article_count = size({var}.articles)")
    return lines


def merge_nodes_query(label: str, list_keys: Iterable[str] = (), event_type: str | None = None,
                      ontology: Ontology | None = None, scalar_keys: Iterable[str] = ()) -> str:
    """MERGE one node per row on ``(label {id})``, events also getting their event-type label.

    Rows: ``{id, props}``: ``props`` holds every property, with a list (maybe empty) for every key of
    ``list_keys`` and the four evidence lists; ``scalar_keys`` are all the other keys any row holds.
    """
    onto = ontology or load_ontology()
    onto.validate_node(label)
    lab = quote(label)
    lines = [PLAN_ONCE, UNWIND_ROWS,
             f"WITH row, EXISTS {{ MATCH (:{lab} {{id: row.id}}) }} AS existed",
             f"MERGE (n:{lab} {{id: row.id}})",
             "ON CREATE SET n += row.props"]
    if event_type is not None:
        if label != "Event" or event_type not in onto.event_types:
            raise OntologyError(f"unknown event type {event_type!r}")
        lines.append(f"SET n:{quote(event_type)}")
    return "\n".join(lines + _merge_existing("n", list_keys, scalar_keys))


def merge_relationships_query(source_label: str, rel_type: str, target_label: str,
                              list_keys: Iterable[str] = (), ontology: Ontology | None = None,
                              scalar_keys: Iterable[str] = ()) -> str:
    """MERGE one relationship per row between nodes matched by label and id (so the id index is used).

    Rows: ``{source, target, key, props}``; the ``key`` (from ``graph.edge_key``) tells apart
    relationships of the same type between the same two nodes (e.g. two PARTICIPANT roles). ``props``
    as for :func:`merge_nodes_query`.
    """
    onto = ontology or load_ontology()
    onto.validate_edge(source_label, rel_type, target_label)
    rel = quote(rel_type)
    lines = [PLAN_ONCE, UNWIND_ROWS,
             f"MATCH (a:{quote(source_label)} {{id: row.source}})",
             f"MATCH (b:{quote(target_label)} {{id: row.target}})",
             f"WITH a, b, row, EXISTS {{ (a)-[:{rel} {{key: row.key}}]->(b) }} AS existed",
             f"MERGE (a)-[r:{rel} {{key: row.key}}]->(b)",
             "ON CREATE SET r += row.props"]
    return "\n".join(lines + _merge_existing("r", list_keys, scalar_keys))


# A claim is contested once some actor asserts it and another denies it, whichever article said so.
UPDATE_CONTESTED = PLAN_ONCE + """
UNWIND $batch.ids AS id
MATCH (c:Claim {id: id})
SET c.contested = EXISTS { (c)<-[:ASSERTS]-() } AND EXISTS { (c)<-[:DENIES]-() }"""

COUNT_NODES = "MATCH (n) RETURN count(n) AS n"
COUNT_RELATIONSHIPS = "MATCH ()-[r]->() RETURN count(r) AS n"
