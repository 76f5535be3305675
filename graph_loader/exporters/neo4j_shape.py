"""How a graph node or edge becomes Neo4j labels and properties, for the CSV and Cypher exporters.

It is the shape the Neo4j sink writes (:func:`graph_loader.sinks.neo4j.element_props`, the one
definition of it), so an exported database and a loaded one hold the same properties: scalars, lists of
one type, and the evidence as four parallel lists ``evidence_articles``, ``evidence_sentences``,
``evidence_starts``, ``evidence_ends`` (Neo4j cannot store a list of maps). An event carries ``Event``
plus its type as labels; a relationship keeps the graph's edge key as ``key``, which MERGE matches on.

>>> node_labels({"label": "Event", "event_type": "Arrest"}), node_labels({"label": "Person"})
(['Event', 'Arrest'], ['Person'])
>>> p = neo4j_properties({"label": "Person", "name": "A", "contested": False,
...                       "evidence": [{"article_id": "article:1", "sentence": "S", "start": 0, "end": 1}]})
>>> p["name"], p["contested"], p["evidence_sentences"], p["evidence_starts"], "label" in p
('A', False, ['S'], [0], False)
"""

from __future__ import annotations

from typing import Any

from ..ontology import load_ontology
from ..sinks.neo4j import element_props


def node_labels(data: dict[str, Any]) -> list[str]:
    """The Neo4j labels of a node: its ontology label, plus the event type for events."""
    label = str(data.get("label") or "Node")
    labels = [label]
    event_type = data.get("event_type")
    if label == "Event" and event_type in load_ontology().event_types and event_type != label:
        labels.append(str(event_type))
    return labels


def neo4j_properties(data: dict[str, Any]) -> dict[str, Any]:
    """The properties Neo4j stores for a node's attributes (``label`` becomes a label)."""
    return element_props(data, skip=("label",))[0]


def relationship_properties(key: str, data: dict[str, Any]) -> dict[str, Any]:
    """The properties of a relationship: its attributes without ``type``, plus the edge ``key`` first."""
    return {"key": key, **element_props(data, skip=("type", "key"))[0]}
