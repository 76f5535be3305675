"""A thin, validating model over ``ontology.yaml``: the graph's labels, types and vocabulary.

>>> o = load_ontology()
>>> "Person" in o.nodes and "LEADS" in o.relationships
True
>>> o.allows("Person", "LEADS", "Agency"), o.allows("Law", "LEADS", "Person")
(True, False)
>>> o.phrase("LEADS"), o.phrase("LEADS", outward=False), "DURING" in o.hub_types, "LEADS" in o.hub_types
('leads', 'is led by', True, False)
>>> o.main_label(["Arrest", "Event"]), o.colour("Robot") == o.fallback_colour
('Event', True)
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
    phrases: tuple[str, str] = ("", "")  # read from the source, read from the target
    role_title: str = ""  # gives its source a role (the Actor page), titled so when none is recorded
    hub: bool = False  # followed from a view's focus only, never gone through
    counted: bool = True  # counted in a node's number of relationships


@dataclass(frozen=True)
class Shape:
    """A node shape (vis-network's name) and how the other outputs draw it."""

    name: str
    marker: str  # matplotlib
    gexf: str
    swatch: str  # a legend swatch's CSS border-radius


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
    event_colours: dict[str, str] = field(default_factory=dict)
    fallback_colour: str = "#000000"
    relationship_properties: tuple[str, ...] = ()
    shapes: dict[str, Shape] = field(default_factory=dict)

    def allows(self, source_label: str, rel: str, target_label: str) -> bool:
        """Whether ``(source_label)-[rel]->(target_label)`` is allowed."""
        r = self.relationships.get(rel)
        return bool(r) and source_label in r.sources and target_label in r.targets

    def colour(self, label: str) -> str:
        """The colour of a node label (the fallback colour for one the ontology does not know)."""
        return self.nodes[label].colour if label in self.nodes else self.fallback_colour

    def rel_colour(self, rel: str) -> str:
        """The colour of a relationship type (the fallback colour for an unknown one)."""
        return self.relationships[rel].colour if rel in self.relationships else self.fallback_colour

    def event_colour(self, event_type: str) -> str:
        """The colour of an event type (the fallback colour for an unknown one)."""
        return self.event_colours.get(event_type, self.fallback_colour)

    def shape(self, label: str) -> Shape:
        """How nodes of ``label`` are drawn (a dot for a label the ontology does not know)."""
        name = self.nodes[label].shape if label in self.nodes else "dot"
        return self.shapes[name]

    def phrase(self, rel: str, outward: bool = True) -> str:
        """How ``rel`` reads from its source (``outward``) or from its target; its name for an unknown type."""
        r = self.relationships.get(rel)
        return r.phrases[0 if outward else 1] if r else rel.lower()

    @property
    def hub_types(self) -> frozenset[str]:
        """Relationship types a view follows from its focus only, and a path never goes through."""
        return frozenset(r.name for r in self.relationships.values() if r.hub)

    @property
    def uncounted_types(self) -> frozenset[str]:
        """Relationship types not counted in a node's number of relationships."""
        return frozenset(r.name for r in self.relationships.values() if not r.counted)

    @property
    def role_types(self) -> tuple[str, ...]:
        """Relationship types that give their source a role, in the order roles are shown."""
        return tuple(r.name for r in self.relationships.values() if r.role_title)

    def role_rank(self, role: str) -> int:
        """Where a participant's role comes in an event's list (agent first; unknown roles last).

        >>> o = load_ontology()
        >>> o.role_rank("agent") < o.role_rank("location") < o.role_rank("bystander")
        True
        """
        roles = self.relationships["PARTICIPANT"].roles if "PARTICIPANT" in self.relationships else ()
        return roles.index(role) if role in roles else len(roles)

    def main_label(self, labels: list[str] | tuple[str, ...]) -> str:
        """The ontology label among a node's Neo4j labels (``Event`` for an event of any type); else the
        first label, or ``Node`` when there is none."""
        for label in labels:
            if label in self.nodes:
                return label
        return labels[0] if labels else "Node"

    def shown_properties(self, data: dict) -> list[tuple[str, object]]:
        """The relationship properties shown beside it, in order, that ``data`` holds.

        >>> load_ontology().shown_properties({"role": "agent", "title": "Head", "key": "x", "status": ""})
        [('title', 'Head'), ('role', 'agent')]
        """
        return [(k, data[k]) for k in self.relationship_properties if data.get(k)]

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
    for key in ("nodes", "event_types", "actor_labels", "relationships", "display"):
        _check(key in data, f"ontology lacks {key!r}")
    display = data["display"]
    _check(bool(_COLOUR.match(str(display.get("fallback_colour", "")))), "display: fallback_colour must be #rrggbb")
    shapes = {name: Shape(name, str(s["marker"]), str(s["gexf"]), str(s["swatch"]))
              for name, s in display["shapes"].items()}
    _check("dot" in shapes, "display: shapes lacks 'dot' (drawn for an unknown label)")
    nodes = {}
    for label, spec in data["nodes"].items():
        _check(bool(_COLOUR.match(str(spec.get("colour", "")))), f"node {label}: colour must be #rrggbb")
        shape = spec.get("shape", "dot")
        _check(shape in shapes, f"node {label}: shape {shape!r} is not in display.shapes")
        nodes[label] = NodeType(label, spec["description"], spec["colour"], shape,
                                tuple(spec.get("properties", [])))
    rels = {name: _rel_type(name, spec, nodes) for name, spec in data["relationships"].items()}
    event_types, event_colours = {}, {}
    for etype, spec in data["event_types"].items():
        _check(bool(_COLOUR.match(str(spec.get("colour", "")))), f"event type {etype}: colour must be #rrggbb")
        event_types[etype], event_colours[etype] = str(spec["description"]), spec["colour"]
    for label in data["actor_labels"]:
        _check(label in nodes, f"actor label {label!r} is not a node label")
    happenings = {}
    for etype, spec in (data.get("happenings") or {}).items():
        _check(etype in data["event_types"], f"happening {etype!r} is not an event type")
        for label in spec["key"]:
            _check(label in nodes, f"happening {etype}: unknown label {label!r}")
        happenings[etype] = Happening(tuple(spec["key"]), bool(spec.get("once", False)))
    return Ontology(nodes, event_types, tuple(data["actor_labels"]), rels, happenings, event_colours,
                    display["fallback_colour"], tuple(display.get("relationship_properties", [])), shapes)


def _rel_type(name: str, spec: dict, nodes: dict[str, NodeType]) -> RelType:
    _check(bool(_COLOUR.match(str(spec.get("colour", "")))), f"relationship {name}: colour must be #rrggbb")
    for end in ("from", "to"):
        for label in spec[end]:
            _check(label in nodes, f"relationship {name}: unknown label {label!r} in {end}")
    phrases = spec.get("phrases") or [name.lower(), name.lower()]
    _check(len(phrases) == 2, f"relationship {name}: phrases must be [from the source, from the target]")
    return RelType(name, spec["description"], tuple(spec["from"]), tuple(spec["to"]),
                   tuple(spec.get("properties", [])), spec["colour"], tuple(spec.get("roles", [])),
                   (str(phrases[0]), str(phrases[1])), str(spec.get("role_title") or ""),
                   bool(spec.get("hub", False)), bool(spec.get("counted", True)))


@lru_cache(maxsize=1)
def load_ontology(path: Path = ONTOLOGY_PATH) -> Ontology:
    """Read and validate the ontology file (cached)."""
    with open(path, encoding="utf-8") as fh:
        return parse_ontology(yaml.safe_load(fh))
