"""A thin, validating model over ``ontology.yaml``.

>>> o = load_ontology()
>>> "Person" in o.nodes and "LEADS" in o.relationships
True
>>> o.allows("Person", "LEADS", "Agency"), o.allows("Law", "LEADS", "Person")
(True, False)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

ONTOLOGY_PATH = Path(__file__).with_name("ontology.yaml")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class OntologyError(ValueError):
    """The ontology file is malformed, or a graph element breaks it."""


@dataclass(frozen=True)
class NodeType:
    label: str
    description: str
    colour: str
    shape: str
    properties: tuple[str, ...]


@dataclass(frozen=True)
class RelType:
    name: str
    description: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    properties: tuple[str, ...]
    colour: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Happening:
    """An event type that happens once to its key participants (see ``happenings`` in ontology.yaml)."""

    key_labels: tuple[str, ...]
    once: bool = False


@dataclass(frozen=True)
class Ontology:
    nodes: dict[str, NodeType]
    event_types: dict[str, str]
    actor_labels: tuple[str, ...]
    relationships: dict[str, RelType]
    happenings: dict[str, Happening] = field(default_factory=dict)

    def allows(self, source_label: str, rel: str, target_label: str) -> bool:
        """Whether ``(source_label)-[rel]->(target_label)`` is allowed."""
        r = self.relationships.get(rel)
        return bool(r) and source_label in r.sources and target_label in r.targets

    def colour(self, label: str) -> str:
        return self.nodes[label].colour if label in self.nodes else "#999999"

    def validate_node(self, label: str) -> None:
        if label not in self.nodes:
            raise OntologyError(f"unknown node label {label!r}")

    def validate_edge(self, source_label: str, rel: str, target_label: str) -> None:
        if rel not in self.relationships:
            raise OntologyError(f"unknown relationship type {rel!r}")
        if not self.allows(source_label, rel, target_label):
            raise OntologyError(f"{rel} is not allowed from {source_label} to {target_label}")


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise OntologyError(message)


def parse_ontology(data: dict) -> Ontology:
    """Validate the parsed YAML and build an :class:`Ontology`."""
    try:
        return _parse(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise OntologyError(f"ontology is malformed: {type(exc).__name__} {exc}") from None


def _parse(data: dict) -> Ontology:
    _check(isinstance(data, dict), "ontology must be a mapping")
    for key in ("nodes", "event_types", "actor_labels", "relationships"):
        _check(key in data, f"ontology lacks {key!r}")
    nodes = {}
    for label, spec in data["nodes"].items():
        _check(bool(_COLOUR.match(str(spec.get("colour", "")))), f"node {label}: colour must be #rrggbb")
        nodes[label] = NodeType(label, spec["description"], spec["colour"], spec.get("shape", "dot"),
                                tuple(spec.get("properties", [])))
    rels = {}
    for name, spec in data["relationships"].items():
        _check(bool(_COLOUR.match(str(spec.get("colour", "")))), f"relationship {name}: colour must be #rrggbb")
        for end in ("from", "to"):
            for label in spec[end]:
                _check(label in nodes, f"relationship {name}: unknown label {label!r} in {end}")
        rels[name] = RelType(name, spec["description"], tuple(spec["from"]), tuple(spec["to"]),
                             tuple(spec.get("properties", [])), spec["colour"], tuple(spec.get("roles", [])))
    for label in data["actor_labels"]:
        _check(label in nodes, f"actor label {label!r} is not a node label")
    happenings = {}
    for etype, spec in (data.get("happenings") or {}).items():
        _check(etype in data["event_types"], f"happening {etype!r} is not an event type")
        for label in spec["key"]:
            _check(label in nodes, f"happening {etype}: unknown label {label!r}")
        happenings[etype] = Happening(tuple(spec["key"]), bool(spec.get("once", False)))
    return Ontology(nodes, dict(data["event_types"]), tuple(data["actor_labels"]), rels, happenings)


@lru_cache(maxsize=1)
def load_ontology(path: Path = ONTOLOGY_PATH) -> Ontology:
    """Read and validate the ontology file (cached)."""
    with open(path, encoding="utf-8") as fh:
        return parse_ontology(yaml.safe_load(fh))
