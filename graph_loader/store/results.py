"""The plain values a store answers with: frozen dataclasses, never Streamlit objects or driver records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..ontology import load_ontology

# How a relationship reads from its source (out) and from its target (in): the ontology's phrases.
REL_PHRASES: dict[str, tuple[str, str]] = {
    r.name: r.phrases for r in load_ontology().relationships.values()}


@dataclass(frozen=True)
class Source:
    """Evidence for a fact with the metadata of the article it was read from."""

    article_id: str
    sentence: str
    start: int | None = None
    end: int | None = None
    title: str = ""
    publisher: str = ""
    published: str | None = None
    url: str = ""
    language: str = ""  # the article's, so a sentence is shown as written and said to be in its language


@dataclass(frozen=True)
class NodeInfo:
    id: str
    label: str
    name: str
    aliases: tuple[str, ...] = ()
    props: Mapping[str, Any] = field(default_factory=dict)
    articles: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    degree: int = 0


@dataclass(frozen=True)
class SearchHit:
    id: str
    label: str
    name: str
    matched: str  # the name or alias that matched
    degree: int = 0


@dataclass(frozen=True)
class Counts:
    nodes: int
    edges: int
    by_label: Mapping[str, int]
    by_type: Mapping[str, int]

    @property
    def articles(self) -> int:
        return int(self.by_label.get("Article", 0))


@dataclass(frozen=True)
class Link:
    """One relationship between two nodes, as stored (source to target)."""

    rel_type: str
    source_id: str
    target_id: str
    props: Mapping[str, Any]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Relation:
    """A relationship seen from one node: ``direction`` is ``out`` when that node is the source."""

    rel_type: str
    direction: str
    other_id: str
    other_name: str
    other_label: str
    props: Mapping[str, Any]
    sources: tuple[Source, ...]

    @property
    def phrase(self) -> str:
        return load_ontology().phrase(self.rel_type, outward=self.direction == "out")


@dataclass(frozen=True)
class Role:
    """A post or membership held by a person (or a body), with its period when known."""

    title: str
    rel_type: str
    org_id: str
    org_name: str
    org_label: str
    start: str | None
    end: str | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    label: str
    role: str


@dataclass(frozen=True)
class EventInfo:
    id: str
    name: str
    event_type: str
    date: str | None
    participants: tuple[Participant, ...]
    administrations: tuple[tuple[str, str], ...]  # (id, name)
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Stance:
    actor_id: str
    actor_name: str
    actor_label: str
    stance: str  # asserts | denies
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class ClaimInfo:
    id: str
    text: str
    contested: bool
    asserts: tuple[Stance, ...]
    denies: tuple[Stance, ...]


@dataclass(frozen=True)
class ActorFacts:
    node: NodeInfo
    roles: tuple[Role, ...]
    relations: tuple[Relation, ...]  # with other actors
    events: tuple[tuple[EventInfo, tuple[str, ...]], ...]  # (event, the actor's roles in it), by date
    claims: tuple[tuple[ClaimInfo, str], ...]  # (claim, asserts|denies)


@dataclass(frozen=True)
class Hop:
    """One step of a path and every relationship that links its two ends."""

    from_id: str
    from_name: str
    to_id: str
    to_name: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class PathInfo:
    nodes: tuple[tuple[str, str, str], ...]  # (id, name, label)
    hops: tuple[Hop, ...]


@dataclass(frozen=True)
class Administration:
    id: str
    name: str
    leader: str
    country: str
    start: str | None
    end: str | None


@dataclass(frozen=True)
class ArticleInfo:
    id: str
    title: str
    url: str
    publisher: str
    published: str | None
    language: str


@dataclass(frozen=True)
class LeftOut:
    """What a capped view did not draw: how many nodes, by label, and a few examples; and the hubs it
    did not go through (how many, and the names of the best connected).

    Relationships left out are not counted: among the ten thousand nodes two hops can reach in a large
    corpus, counting them would cost more than drawing the view.
    """

    nodes: int = 0
    by_label: Mapping[str, int] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    hubs: int = 0
    hub_names: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.nodes > 0 or self.hubs > 0

    def describe(self) -> str:
        """One or two sentences for a notice.

        >>> LeftOut(3, {"Event": 2, "Person": 1}, ("A", "B")).describe()
        'Left out 3 nodes (2 Event, 1 Person) and their relationships, e.g. A, B.'
        >>> LeftOut(hubs=1, hub_names=("Mexico",)).describe()
        'Not gone through: 1 hub (Mexico).'
        """
        hubs = (f"Not gone through: {self.hubs} hub{'s' if self.hubs > 1 else ''}"
                f"{' (' + ', '.join(self.hub_names) + ')' if self.hub_names else ''}." if self.hubs else "")
        if not self.nodes:
            return hubs or "Nothing left out."
        ranked = sorted(self.by_label.items(), key=lambda x: (-x[1], x[0]))
        parts = ", ".join(f"{n} {label}" for label, n in ranked)
        eg = f", e.g. {', '.join(self.examples)}" if self.examples else ""
        return f"Left out {self.nodes} nodes ({parts}) and their relationships{eg}." + (" " + hubs if hubs else "")


def left_out(view: nx.MultiDiGraph) -> LeftOut:
    """What :meth:`GraphStore.neighbourhood` or :meth:`GraphStore.overview` left out of ``view``."""
    return view.graph.get("left_out") or LeftOut()


# --- pure helpers over graph attributes -----------------------------------------------------------
