"""Read a whole Neo4j database back into the graph's networkx schema (``portero export --from neo4j``).

It undoes the shape the Neo4j sink writes: the ontology label comes back from the node's labels (an
event's type label is dropped, ``event_type`` says it), the four ``evidence_*`` lists become evidence
dicts again, and a relationship's ``key`` property becomes the edge key. (``graph_loader.store`` answers
questions about parts of the graph; an export needs all of it in one read, which is this module.)

>>> _evidence({"evidence_articles": ["article:1"], "evidence_sentences": ["S."],
...            "evidence_starts": [0], "evidence_ends": [2], "name": "A"})
({'name': 'A'}, [{'article_id': 'article:1', 'sentence': 'S.', 'start': 0, 'end': 2}])
>>> primary_label(["Arrest", "Event"]), primary_label(["Person"]), primary_label(["Foreign"])
('Event', 'Person', 'Foreign')
"""

from __future__ import annotations

from typing import Any

import networkx as nx

from ..graph import edge_key, new_graph
from ..neo4j_queries import STORED_ONLY, evidence_from_lists, plain_value
from ..ontology import load_ontology

NODES = "MATCH (n) RETURN elementId(n) AS eid, n.id AS id, labels(n) AS labels, properties(n) AS props"
RELATIONSHIPS = ("MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS type, "
                 "properties(r) AS props")
LIST_ATTRS = ("aliases", "articles")


def primary_label(labels: list[str]) -> str:
    """The ontology label among a node's Neo4j labels (``Event`` for events of any type)."""
    return load_ontology().main_label(labels)


def _evidence(props: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Split the parallel evidence lists off ``props`` and zip them into evidence dicts."""
    rest = {k: v for k, v in props.items() if k not in STORED_ONLY}
    return rest, evidence_from_lists(props)


def _read_all(tx: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nodes = [r.data() for r in tx.run(NODES)]
    rels = [r.data() for r in tx.run(RELATIONSHIPS)]
    return nodes, rels


def read_graph(driver: Any, database: str = "neo4j") -> nx.MultiDiGraph:
    """The whole database as a MultiDiGraph in the schema of :mod:`graph_loader.graph`.

    Read in one read transaction, so the nodes and relationships are from the same moment. Nodes without
    an ``id`` (not written by Portero) are kept under their element id.
    """
    with driver.session(database=database) as session:
        nodes, rels = session.execute_read(_read_all)
    g = new_graph()
    ids: dict[str, str] = {}
    for rec in nodes:
        props = {k: plain_value(v) for k, v in (rec["props"] or {}).items() if k != "id"}
        props, evidence = _evidence(props)
        labels = list(rec["labels"] or [])
        label = primary_label(labels)
        if label == "Event" and not props.get("event_type"):
            extra = [x for x in labels if x != "Event"]
            if extra:
                props["event_type"] = extra[0]
        nid = str(rec["id"]) if rec["id"] is not None else str(rec["eid"])
        ids[rec["eid"]] = nid
        data = {"label": label, "name": props.pop("name", nid)}
        for key in LIST_ATTRS:
            value = props.pop(key, [])
            data[key] = list(value) if isinstance(value, list) else [value]
        data["evidence"] = evidence
        data.update(props)
        g.add_node(nid, **data)
    for rec in rels:
        props = {k: plain_value(v) for k, v in (rec["props"] or {}).items()}
        props, evidence = _evidence(props)
        key = props.pop("key", None) or edge_key(rec["type"], props)
        articles = props.pop("articles", [])
        g.add_edge(ids[rec["a"]], ids[rec["b"]], key=str(key), type=rec["type"],
                   articles=list(articles) if isinstance(articles, list) else [articles],
                   evidence=evidence, **props)
    return g
