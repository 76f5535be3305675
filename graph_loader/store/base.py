"""The read side: one small interface over the graph, with an embedded and a Neo4j implementation.

The app (and the snapshot command) ask a :class:`GraphStore` questions - search, a neighbourhood, an
actor's facts, the paths between two actors, the timeline, the claims - and get plain values back:
dataclasses and small ``networkx`` graphs in the schema of :mod:`graph_loader.graph`, never Streamlit
objects.

Both implementations share every answer's logic. A store only provides a few primitives (nodes by id,
the edges touching some nodes, all nodes of some labels, degrees, shortest node paths); the questions
are answered once, here, over those primitives. :class:`EmbeddedStore` reads them from the node-link
JSON file written by :func:`graph_loader.sinks.embedded.write_store`; :class:`Neo4jStore` from parameterised
Cypher run in read-only sessions. So the two agree (``tests/test_store.py`` checks it on the sample
corpus).

Two kinds of edge link too much to be followed when a neighbourhood is grown: ``MENTIONS`` (an article
mentions everything it reports) and ``DURING`` (an administration lasts years). They are drawn when both
ends are in view, and followed only from a focused node itself. Likewise a hub node (more relationships
than the ``hub`` a neighbourhood is given: ``PORTERO_HUB_DEGREE`` in the app) is drawn when reached but
not gone through, unless it is the focus.

>>> from graph_loader.graph import add_edge, add_node, new_graph
>>> g = new_graph()
>>> _ = add_node(g, "person:ana-ruiz", "Person", "Ana Ruíz", aliases=["Ruíz"])
>>> _ = add_node(g, "agency:dea", "Agency", "Drug Enforcement Administration", aliases=["DEA"])
>>> _ = add_edge(g, "person:ana-ruiz", "LEADS", "agency:dea", title="Administrator")
>>> store = EmbeddedStore.from_graph(g)
>>> [h.name for h in store.search("ruiz")], store.search("dea")[0].matched
(['Ana Ruíz'], 'DEA')
>>> sorted(store.neighbourhood(["agency:dea"], hops=1).nodes)
['agency:dea', 'person:ana-ruiz']
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import networkx as nx

from .graph import edge_key
from .model import normalise_name
from .neo4j_queries import STORED_ONLY, evidence_from_lists, plain_value, quote
from .ontology import Ontology, load_ontology
from .settings import Settings

log = logging.getLogger(__name__)

# Edges followed only from a focused node (see the module docstring), and never in connections.
HUB_TYPES = frozenset({"MENTIONS", "DURING"})
ROLE_TYPES = ("LEADS", "MEMBER_OF", "HEADED")
MAX_HOPS = 3
MAX_PATH_LENGTH = 6
PATH_ROWS = 500  # shortest paths considered before sorting and keeping ``max_paths``

# How a relationship reads from its source (out) and from its target (in).
REL_PHRASES: dict[str, tuple[str, str]] = {
    "LEADS": ("leads", "is led by"),
    "MEMBER_OF": ("is a member of", "has as a member"),
    "PART_OF": ("is part of", "includes"),
    "HEADED": ("headed", "was headed by"),
    "COORDINATES": ("coordinates", "is coordinated by"),
    "PARTICIPATES_IN": ("takes part in", "has as a participant"),
    "WORKS_WITH": ("works with", "works with"),
    "PARTICIPANT": ("took part in", "involved"),
    "DURING": ("happened during", "saw"),
    "ASSERTS": ("asserts", "is asserted by"),
    "DENIES": ("denies", "is denied by"),
    "MENTIONS": ("mentions", "is mentioned in"),
}


class StoreError(RuntimeError):
    """The store cannot be read; the message says which and why (never a password)."""


# --- plain values ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What a view keeps. Empty fields keep everything.

    ``labels``: node labels; ``event_types``: kinds of event; ``date_from``/``date_to``: ISO dates or
    years bounding events (undated events are left out when a bound is set) and administrations;
    ``administration``: an administration id, read as its term's dates; ``article``: an article id,
    keeping only what that article supports; ``language``: an article language ("en", "es"), keeping only
    what articles in that language support (resolved into ``sources``, the ids of those articles).

    >>> Filters().is_empty(), Filters(labels=("Person",)).is_empty()
    (True, False)
    """

    labels: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    administration: str | None = None
    article: str | None = None
    language: str | None = None
    sources: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return self == Filters()

    def source_ids(self) -> tuple[str, ...]:
        """The articles whose support a view keeps (empty: every article's).

        >>> Filters(article="article:a").source_ids(), Filters(sources=("article:a", "article:b")).source_ids()
        (('article:a',), ('article:a', 'article:b'))
        """
        return self.sources or ((self.article,) if self.article else ())


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
        out, inward = REL_PHRASES.get(self.rel_type, (self.rel_type.lower(), self.rel_type.lower()))
        return out if self.direction == "out" else inward


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


def _bound_low(date: str) -> str:
    """The earliest day a date or year may denote (``"2018"`` -> ``"2018-01-01"``)."""
    return {4: date + "-01-01", 7: date + "-01"}.get(len(date), date)


def _bound_high(date: str) -> str:
    return {4: date + "-12-31", 7: date + "-31"}.get(len(date), date)


def in_range(start: str | None, end: str | None, date_from: str | None, date_to: str | None) -> bool:
    """Whether the period ``start``..``end`` (``None`` end: still running) overlaps the range.

    >>> in_range("2025-08-19", "2025-08-19", "2025", None), in_range("1985", "1985", "2018", "2024")
    (True, False)
    >>> in_range("2018", None, None, "2017-12-31"), in_range("2018", None, "2030", None)
    (False, True)
    """
    if date_from and end is not None and _bound_high(str(end)) < _bound_low(date_from):
        return False
    return not (date_to and start is not None and _bound_low(str(start)) > _bound_high(date_to))


def node_passes(data: Mapping[str, Any], f: Filters) -> bool:
    """Whether a node (graph attributes) is kept by resolved filters (administration already as dates)."""
    label = data.get("label")
    if f.labels and label not in f.labels:
        return False
    dated = bool(f.date_from or f.date_to)
    if label == "Event":
        if f.event_types and data.get("event_type") not in f.event_types:
            return False
        if dated:
            date = data.get("date")
            if not date or not in_range(str(date), str(date), f.date_from, f.date_to):
                return False
    elif label == "Administration" and dated and not in_range(
            data.get("start"), data.get("end"), f.date_from, f.date_to):
        return False
    sources = f.source_ids()
    return not (sources and not set(sources) & set(data.get("articles") or ()))


def edge_passes(u: str, data: Mapping[str, Any], f: Filters) -> bool:
    """Whether an edge is kept: with an article or language filter, only edges those articles support."""
    sources = f.source_ids()
    if not sources:
        return True
    if data.get("type") == "MENTIONS":
        return u in sources
    return bool(set(sources) & set(data.get("articles") or ()))


def node_conditions(f: Filters, var: str) -> list[str]:
    """Cypher conditions on node ``var`` mirroring :func:`node_passes` (resolved
    filters: the administration already turned into dates). Only active filters get a line."""
    lines = [f"any(l IN labels({var}) WHERE l IN $labels)"] if f.labels else []
    if f.event_types:
        lines.append(f"(NOT {var}:Event OR {var}.event_type IN $event_types)")
    # Dates are ISO text of any precision ('2025', '2025-08', '2025-08-19'): both sides are cut to the
    # shorter one, so a year overlaps every day of that year and a month every day of that month.
    def at_most(a: str, b: str) -> str:  # toString: a year may have been stored as a number
        a, b = f"toString({a})", f"toString({b})"
        return f"left({a}, size({b})) <= left({b}, size({a}))"

    if f.date_from:
        lines.append(f"(NOT {var}:Event OR ({var}.date IS NOT NULL AND {at_most('$date_from', var + '.date')}))")
        lines.append(f"(NOT {var}:Administration OR {var}.end IS NULL OR {at_most('$date_from', var + '.end')})")
    if f.date_to:
        lines.append(f"(NOT {var}:Event OR ({var}.date IS NOT NULL AND {at_most(var + '.date', '$date_to')}))")
        lines.append(f"(NOT {var}:Administration OR {var}.start IS NULL "
                     f"OR {at_most(var + '.start', '$date_to')})")
    if f.source_ids():
        lines.append(f"any(a IN coalesce({var}.articles, []) WHERE a IN $sources)")
    return lines


def edge_condition(var: str) -> str:
    """Mirrors :func:`edge_passes` for an article or language filter."""
    return (f"((type({var}) = 'MENTIONS' AND startNode({var}).id IN $sources) "
            f"OR (type({var}) <> 'MENTIONS' AND any(a IN coalesce({var}.articles, []) WHERE a IN $sources)))")


def filter_params(f: Filters) -> dict[str, Any]:
    """The parameters :func:`node_conditions` and :func:`edge_condition` refer to."""
    params: dict[str, Any] = {}
    if f.labels:
        params["labels"] = list(f.labels)
    if f.event_types:
        params["event_types"] = list(f.event_types)
    if f.date_from:
        params["date_from"] = f.date_from
    if f.date_to:
        params["date_to"] = f.date_to
    if f.source_ids():
        params["sources"] = list(f.source_ids())
    return params


def _evidence_list(value: Any) -> list[dict[str, Any]]:
    """Evidence as a list of dicts, whether stored as dicts, JSON strings or one JSON list."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [{"article_id": "", "sentence": value}]
        return _evidence_list(value if isinstance(value, list) else [value])
    out = []
    for item in value:
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except ValueError:
                item = {"article_id": "", "sentence": item}
        if isinstance(item, dict):
            out.append(item)
    return out


def _sources(evidence: Any, articles: Mapping[str, Mapping[str, Any]]) -> tuple[Source, ...]:
    out = []
    for ev in _evidence_list(evidence):
        meta = articles.get(ev.get("article_id") or "", {})
        out.append(Source(str(ev.get("article_id") or ""), str(ev.get("sentence") or ""), ev.get("start"),
                          ev.get("end"), str(meta.get("title") or meta.get("name") or ""),
                          str(meta.get("publisher") or ""), meta.get("published"),
                          str(meta.get("url") or ""), str(meta.get("language") or "")))
    return tuple(out)


def _first_evidence(value: Any) -> list[dict[str, Any]]:
    """The first evidence sentence that is not empty, as ``[{"sentence": ...}]`` (empty when there is none).

    Views carry only this: it is all a hover text shows (``render.node_hover``/``edge_hover``), and a hub's
    whole evidence list can run to thousands of sentences.

    >>> _first_evidence([{"article_id": "a", "sentence": ""}, {"article_id": "b", "sentence": "S."}])
    [{'sentence': 'S.'}]
    """
    if isinstance(value, list):  # the usual shape: stop at the first item instead of reading them all
        for item in value:
            if not isinstance(item, dict):
                break
            if item.get("sentence"):
                return _sentence_evidence(item["sentence"])
        else:
            return []
    return next((_sentence_evidence(ev["sentence"]) for ev in _evidence_list(value) if ev.get("sentence")), [])


def _sentence_evidence(sentence: str | None) -> list[dict[str, Any]]:
    """A view's evidence: one sentence, or nothing."""
    return [{"sentence": sentence}] if sentence else []


def _light(data: Mapping[str, Any], with_articles: bool = False) -> dict[str, Any]:
    """A view's copy of node or edge attributes: the evidence cut to :func:`_first_evidence`, and the
    article list replaced by ``article_count`` (kept too with ``with_articles``, for an article filter).

    A view draws how many articles tell a fact, not which: a country is named in nearly every article.

    >>> _light({"articles": ["a", "b"], "evidence": []})
    {'evidence': [], 'article_count': 2}
    """
    out = dict(data)
    if "evidence" in out:
        out["evidence"] = _first_evidence(out["evidence"])
    articles = out.get("articles") if with_articles else out.pop("articles", None)
    out["article_count"] = len(articles or ())
    return out


def article_count(data: Mapping[str, Any]) -> int:
    """How many articles tell a node or edge: a view's ``article_count``, else the length of its list.

    >>> article_count({"article_count": 3}), article_count({"articles": ["a"]}), article_count({})
    (3, 1, 0)
    """
    if "article_count" in data:
        return int(data["article_count"])
    return len(data.get("articles") or ())


def _date_key(date: Any) -> tuple[int, str]:
    return (0, str(date)) if date else (1, "")


def _props(data: Mapping[str, Any]) -> dict[str, Any]:
    skip = ("label", "name", "aliases", "articles", "evidence", "type", "key")
    return {k: v for k, v in data.items() if k not in skip and v not in (None, "", [])}


# --- the interface -----------------------------------------------------------------------------------


class GraphStore(ABC):
    """Read-only questions about the graph. Subclasses provide the primitives marked abstract."""

    #: Why this store was chosen over the preferred one (set by :func:`open_store`), or None.
    notice: str | None = None

    def __init__(self, ontology: Ontology | None = None) -> None:
        self.ontology = ontology or load_ontology()
        self._prefix = {label.lower(): label for label in self.ontology.nodes}

    # primitives ------------------------------------------------------------------------------------
    @abstractmethod
    def describe(self) -> str:
        """Where the graph is read from, for people ("Embedded store: PATH", "Neo4j at URI")."""

    @abstractmethod
    def available(self) -> bool:
        """Whether there is a graph to read (a missing store file is not an error, just empty)."""

    @abstractmethod
    def counts(self) -> Counts:
        """Nodes by label and relationships by type."""

    # ``light=True``: attributes as a view carries them (see :func:`_light`: the first evidence item, and an
    # ``article_count`` instead of the article list unless ``with_articles``), for answers that show no
    # sources; the full lists are read only where a page shows them.
    @abstractmethod
    def _nodes(self, ids: Iterable[str], light: bool = False, with_articles: bool = False
               ) -> dict[str, dict[str, Any]]:
        """Attributes of the nodes with these ids (unknown ids are absent)."""

    @abstractmethod
    def _incident(self, ids: Iterable[str], skip: frozenset[str] = frozenset(), light: bool = False,
                  with_articles: bool = False
                  ) -> tuple[list[tuple[str, str, str, dict[str, Any]]], dict[str, dict[str, Any]]]:
        """Edges ``(u, v, key, attrs)`` touching ``ids`` (types in ``skip`` left out) and their nodes."""

    @abstractmethod
    def _edges_among(self, ids: Iterable[str], light: bool = False, with_articles: bool = False
                     ) -> list[tuple[str, str, str, dict[str, Any]]]:
        """Edges whose two ends are both in ``ids``."""

    @abstractmethod
    def _scan(self, labels: Iterable[str], light: bool = False, with_articles: bool = False
              ) -> dict[str, dict[str, Any]]:
        """Every node of these labels."""

    @abstractmethod
    def articles_of(self, ids: Iterable[str]) -> set[str]:
        """The ids of the articles that name any of these nodes: the sources of a view of them."""

    @abstractmethod
    def _degrees(self, ids: Iterable[str]) -> dict[str, int]:
        """Number of relationships of each node, ``MENTIONS`` not counted."""

    @abstractmethod
    def _node_paths(self, a: str, b: str, max_length: int, skip: frozenset[str]) -> list[tuple[str, ...]]:
        """Node-id sequences of the shortest paths from ``a`` to ``b`` (any direction), up to PATH_ROWS."""

    def close(self) -> None:  # noqa: B027 - optional hook: only a server connection has something to close
        """Release connections (nothing to do for a file)."""

    # helpers ---------------------------------------------------------------------------------------
    def label_of(self, nid: str) -> str | None:
        """The label an id was made for (ids are ``label:slug``)."""
        return self._prefix.get(nid.split(":", 1)[0])

    def _article_meta(self, *evidence_lists: Any) -> dict[str, dict[str, Any]]:
        ids = {ev.get("article_id") for evs in evidence_lists for ev in _evidence_list(evs)}
        ids.discard(None)
        ids.discard("")
        return self._nodes(sorted(ids), light=True) if ids else {}

    def resolve_filters(self, f: Filters | None) -> Filters:
        """``f`` with its administration turned into its term's dates (narrowing any date range) and its
        language into the articles written in it."""
        f = f or Filters()
        if f.language:
            ids = tuple(a.id for a in self.articles() if a.language == f.language
                        and (not f.article or a.id == f.article))
            # no article in that language: a source that matches nothing, so the view is empty
            f = replace(f, language=None, sources=ids or ("article:none",))
        if not f.administration:
            return f
        admin = self._nodes([f.administration], light=True).get(f.administration)
        if not admin:
            return replace(f, administration=None)
        lo = max(filter(None, [_bound_low(str(admin.get("start") or "")) if admin.get("start") else None,
                               _bound_low(f.date_from) if f.date_from else None]), default=None)
        ends = [_bound_high(str(admin["end"])) if admin.get("end") else None,
                _bound_high(f.date_to) if f.date_to else None]
        hi = min(filter(None, ends), default=None)
        return replace(f, administration=None, date_from=lo, date_to=hi)

    # questions -------------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 10, labels: Iterable[str] | None = None) -> list[SearchHit]:
        """Nodes whose name or an alias contains ``text``, ignoring case and accents; best first.

        Exact names first, then names starting with the text, then words starting with it, then any
        substring; ties go to the more connected node. ``labels`` defaults to the actor labels.
        """
        key = normalise_name(text or "")
        if not key:
            return []
        nodes = self._scan(tuple(labels) if labels else self.ontology.actor_labels, light=True)
        scored: dict[str, tuple[int, str]] = {}
        for nid, data in nodes.items():
            names = [str(data.get("name") or "")] + [str(a) for a in data.get("aliases") or ()]
            for i, name in enumerate(names):
                n = normalise_name(name)
                if not n or key not in n:
                    continue
                rank = 0 if n == key else 1 if n.startswith(key) else 2 if f" {key}" in f" {n}" else 3
                rank = rank * 2 + (1 if i else 0)  # a name beats an alias of the same rank
                if nid not in scored or rank < scored[nid][0]:
                    scored[nid] = (rank, name)
        degrees = self._degrees(scored) if scored else {}
        order = sorted(scored, key=lambda i: (scored[i][0], -degrees.get(i, 0),
                                              normalise_name(str(nodes[i].get("name") or "")), i))
        return [SearchHit(i, str(nodes[i].get("label")), str(nodes[i].get("name") or i), scored[i][1],
                          degrees.get(i, 0)) for i in order[:max(limit, 0)]]

    def actors(self, labels: Iterable[str] | None = None) -> list[SearchHit]:
        """Every actor (or node of ``labels``), by name: the choices of a picker."""
        nodes = self._scan(tuple(labels) if labels else self.ontology.actor_labels, light=True)
        degrees = self._degrees(nodes) if nodes else {}
        hits = [SearchHit(i, str(d.get("label")), str(d.get("name") or i), str(d.get("name") or i),
                          degrees.get(i, 0)) for i, d in nodes.items()]
        return sorted(hits, key=lambda h: (normalise_name(h.name), h.id))

    def node(self, nid: str) -> NodeInfo | None:
        """One node with its sources, or None."""
        data = self._nodes([nid]).get(nid)
        if data is None:
            return None
        meta = self._article_meta(data.get("evidence"))
        return NodeInfo(nid, str(data.get("label")), str(data.get("name") or nid),
                        tuple(map(str, data.get("aliases") or ())), _props(data),
                        tuple(data.get("articles") or ()), _sources(data.get("evidence"), meta),
                        self._degrees([nid]).get(nid, 0))

    def neighbourhood(self, ids: Iterable[str], hops: int = 1, filters: Filters | None = None,
                      cap: int | None = None, hub: int | None = None) -> nx.MultiDiGraph:
        """The nodes within ``hops`` of ``ids`` (kept by ``filters``) and the edges among them.

        When more than ``cap`` nodes are reached, the focused nodes, then the nearest and most connected
        are kept; ``left_out(view)`` says what was not drawn. ``view.graph["focus"]`` lists the focus ids.
        A node with more than ``hub`` relationships (MENTIONS not counted; None or 0: no limit) is reached
        but not gone through unless it is a focus: past a country of a large corpus lie thousands of
        events, which would crowd out the focus's own neighbours. ``left_out(view)`` names such hubs.
        Nodes and edges carry only their first evidence item (all a hover text shows): :meth:`node`,
        :meth:`actor_facts` and :meth:`shortest_paths` give the full sources.
        """
        f = self.resolve_filters(filters)
        hops = max(0, min(int(hops), MAX_HOPS))
        focus = [i for i in dict.fromkeys(ids)]
        found = self._nodes(focus, light=True, with_articles=bool(f.source_ids()))
        focus = [i for i in focus if i in found]
        dist = {i: 0 for i in focus}
        data = dict(found)
        frontier = list(focus)
        hubs: dict[str, int] = {}
        for depth in range(1, hops + 1):
            if depth > 1 and hub:
                degrees = self._degrees(frontier)
                hubs.update((i, d) for i, d in degrees.items() if d > hub)
                frontier = [i for i in frontier if i not in hubs]
            if not frontier:
                break
            # Hub edges (MENTIONS, DURING) are followed only from the focus itself.
            edges, others = self._incident(frontier, frozenset() if depth == 1 else HUB_TYPES, light=True,
                                           with_articles=bool(f.source_ids()))
            nxt = []
            for u, v, _k, attrs in edges:
                if not edge_passes(u, attrs, f):
                    continue
                if depth > 1 and attrs.get("type") in HUB_TYPES:
                    continue
                for w in (u, v):
                    if w in dist:
                        continue
                    wd = others.get(w) or data.get(w)
                    if wd is None or not node_passes(wd, f):
                        continue
                    dist[w] = depth
                    data[w] = wd
                    nxt.append(w)
            frontier = nxt
        g = self._view(data, dist, f, cap, focus)
        names = [str(data[i].get("name") or i) for i in sorted(hubs, key=lambda i: (-hubs[i], i))[:5]]
        g.graph["left_out"] = replace(g.graph["left_out"], hubs=len(hubs), hub_names=tuple(names))
        return g

    def overview(self, filters: Filters | None = None, cap: int | None = None) -> nx.MultiDiGraph:
        """The most connected nodes kept by ``filters`` (at most ``cap``) and the edges among them.

        As in :meth:`neighbourhood`, nodes and edges carry only their first evidence item.
        """
        f = self.resolve_filters(filters)
        labels = f.labels or tuple(label for label in self.ontology.nodes if label != "Article")
        data = {i: d for i, d in self._scan(labels, light=True, with_articles=bool(f.source_ids())).items()
                if node_passes(d, f)}
        return self._view(data, dict.fromkeys(data, 0), f, cap, [])

    def _view(self, data: dict[str, dict[str, Any]], dist: dict[str, int], f: Filters, cap: int | None,
              focus: list[str]) -> nx.MultiDiGraph:
        """The view of the reached nodes ``dist`` (id -> hops from the focus; ``data``: their light
        attributes): at most ``cap`` of them, ranked by :func:`rank_key`, and the edges among those."""
        degrees = self._degrees(list(dist))
        keep, examples = _capped(sorted(dist, key=lambda i: rank_key(dist[i], degrees.get(i, 0), i)), cap,
                                 len(focus))
        examples = [i for i in examples if dist[i] == dist[examples[0]]]  # the nearest left out only
        g = nx.MultiDiGraph()
        for i in keep:
            g.add_node(i, **data[i])
        for u, v, k, attrs in self._edges_among(keep, light=True, with_articles=bool(f.source_ids())):
            if edge_passes(u, attrs, f):
                g.add_edge(u, v, key=k, **attrs)
        rest = [i for i in dist if i not in g]
        g.graph["focus"] = list(focus)
        g.graph["left_out"] = LeftOut(len(rest), dict(Counter(str(data[i].get("label")) for i in rest)),
                                      tuple(str(data[i].get("name") or i) for i in examples))
        return g

    def actor_facts(self, nid: str) -> ActorFacts | None:
        """Everything the graph says about one actor, each fact with its sources."""
        node = self.node(nid)
        if node is None:
            return None
        edges, others = self._incident([nid], frozenset({"MENTIONS"}))
        event_ids = sorted({o for u, v, _k, _d in edges for o in (u, v)
                            if o != nid and (others.get(o) or {}).get("label") == "Event"})
        claim_ids = sorted({o for u, v, _k, d in edges for o in (u, v)
                            if o != nid and d.get("type") in ("ASSERTS", "DENIES")})
        edges2, others2 = self._incident(event_ids + claim_ids, frozenset({"MENTIONS"})) if (
            event_ids or claim_ids) else ([], {})
        nodes = {**others, **others2, **self._nodes([nid])}
        meta = self._article_meta(*(d.get("evidence") for *_x, d in edges + edges2),
                                  *(d.get("evidence") for d in nodes.values()))
        actor_labels = set(self.ontology.actor_labels)

        roles, relations = [], []
        for u, v, _k, d in edges:
            other = v if u == nid else u
            od = nodes.get(other, {})
            srcs = _sources(d.get("evidence"), meta)
            rel = d.get("type", "")
            if u == nid and rel in ROLE_TYPES:
                start, end = d.get("start"), d.get("end")
                if rel == "HEADED":
                    start, end = od.get("start"), od.get("end")
                title = d.get("title") or {"LEADS": "Leads", "MEMBER_OF": "Member", "HEADED": "Head"}[rel]
                roles.append(Role(str(title), rel, other, str(od.get("name") or other), str(od.get("label")),
                                  start, end, srcs))
            if od.get("label") in actor_labels:
                direction = "out" if u == nid else "in"
                relations.append(Relation(rel, direction, other, str(od.get("name") or other),
                                          str(od.get("label")), _props(d), srcs))
        roles.sort(key=lambda r: (_date_key(r.start), r.org_name))
        relations.sort(key=lambda r: (r.rel_type, r.direction, r.other_name))

        all_edges = list({(u, v, k): (u, v, k, d) for u, v, k, d in edges + edges2}.values())
        events = []
        for eid in event_ids:
            info = _event_info(eid, nodes, all_edges, meta)
            my_roles = tuple(sorted({str(d.get("role") or "") for u, v, _k, d in edges
                                     if v == eid and u == nid and d.get("type") == "PARTICIPANT"}))
            events.append((info, my_roles))
        events.sort(key=lambda e: (_date_key(e[0].date), e[0].name))

        claims = []
        for cid in claim_ids:
            claim = _claim_info(cid, nodes, all_edges, meta)
            stance = "denies" if any(s.actor_id == nid for s in claim.denies) else "asserts"
            claims.append((claim, stance))
        return ActorFacts(node, tuple(roles), tuple(relations), tuple(events), tuple(claims))

    def shortest_paths(self, a: str, b: str, max_paths: int = 5,
                       max_length: int = MAX_PATH_LENGTH) -> list[PathInfo]:
        """Up to ``max_paths`` shortest paths between two nodes, ignoring ``MENTIONS`` and ``DURING``.

        Each hop lists every relationship between its two ends, with sources. Paths are ordered by the
        names along them, so both stores answer alike.
        """
        if a == b:
            return []
        found = self._nodes([a, b], light=True)
        if a not in found or b not in found:
            return []
        seqs = sorted(set(self._node_paths(a, b, max(1, min(max_length, MAX_PATH_LENGTH)), HUB_TYPES)))
        if not seqs:
            return []
        ids = sorted({i for s in seqs for i in s})
        nodes = self._nodes(ids, light=True)

        def name(i: str) -> str:
            return str(nodes.get(i, {}).get("name") or i)

        seqs.sort(key=lambda s: ([normalise_name(name(i)) for i in s], s))
        seqs = seqs[:max(max_paths, 0)]
        pair_edges: dict[frozenset[str], list] = {}
        for u, v, k, d in self._edges_among(sorted({i for s in seqs for i in s})):
            if d.get("type") not in HUB_TYPES:
                pair_edges.setdefault(frozenset((u, v)), []).append((u, v, k, d))
        meta = self._article_meta(*(d.get("evidence") for es in pair_edges.values() for *_x, d in es))
        out = []
        for s in seqs:
            hops = []
            for x, y in zip(s, s[1:], strict=False):
                links = tuple(Link(str(d.get("type")), u, v, _props(d), _sources(d.get("evidence"), meta))
                              for u, v, _k, d in sorted(pair_edges.get(frozenset((x, y)), []),
                                                        key=lambda e: (e[3].get("type", ""), e[0], e[2])))
                hops.append(Hop(x, name(x), y, name(y), links))
            steps = tuple((i, name(i), str(nodes.get(i, {}).get("label"))) for i in s)
            out.append(PathInfo(steps, tuple(hops)))
        return out

    def events(self, filters: Filters | None = None) -> list[EventInfo]:
        """Events kept by ``filters`` (its ``labels`` ignored), in time order, with participants."""
        f = replace(self.resolve_filters(filters), labels=())
        evs = {i: d for i, d in self._scan(["Event"]).items() if node_passes(d, f)}
        if not evs:
            return []
        edges, others = self._incident(sorted(evs), frozenset({"MENTIONS"}))
        nodes = {**others, **evs}
        meta = self._article_meta(*(d.get("evidence") for d in evs.values()))
        out = [_event_info(i, nodes, edges, meta) for i in evs]
        return sorted(out, key=lambda e: (_date_key(e.date), e.name, e.id))

    def administrations(self) -> list[Administration]:
        """Every administration, by start."""
        out = [Administration(i, str(d.get("name") or i), str(d.get("leader") or ""),
                              str(d.get("country") or ""), _str_or_none(d.get("start")),
                              _str_or_none(d.get("end")))
               for i, d in self._scan(["Administration"], light=True).items()]
        return sorted(out, key=lambda a: (_date_key(a.start), a.country, a.name))

    def claims(self) -> list[ClaimInfo]:
        """Every claim with who asserts and who denies it; contested ones first."""
        cl = self._scan(["Claim"], light=True)
        if not cl:
            return []
        edges, others = self._incident(sorted(cl), frozenset({"MENTIONS"}))
        nodes = {**others, **cl}
        meta = self._article_meta(*(d.get("evidence") for *_x, d in edges))
        out = [_claim_info(i, nodes, edges, meta) for i in cl]
        return sorted(out, key=lambda c: (not c.contested, -(len(c.asserts) + len(c.denies)), c.text, c.id))

    def articles(self) -> list[ArticleInfo]:
        """Every article, newest first."""
        out = [ArticleInfo(i, str(d.get("title") or d.get("name") or i), str(d.get("url") or ""),
                           str(d.get("publisher") or ""), _str_or_none(d.get("published")),
                           str(d.get("language") or ""))
               for i, d in self._scan(["Article"], light=True).items()]
        return sorted(out, key=lambda a: (a.published or "", a.title), reverse=True)


def rank_key(dist: int, degree: int, nid: str) -> tuple[int, int, str]:
    """The order in which a capped view keeps nodes: nearest first, then most connected, then by id.

    Ids are ``label:slug of the normalised name``, so ties read alphabetically within a label, and a
    Neo4j ``ORDER BY dist, degree DESC, n.id`` gives the same order.

    >>> sorted([(1, 5, "person:b"), (1, 9, "person:z"), (0, 1, "agency:x"), (1, 5, "person:a")],
    ...        key=lambda t: rank_key(*t))
    [(0, 1, 'agency:x'), (1, 9, 'person:z'), (1, 5, 'person:a'), (1, 5, 'person:b')]
    """
    return dist, -degree, nid


def _capped(ranked: list[str], cap: int | None, n_focus: int) -> tuple[list[str], list[str]]:
    """The ids a view keeps of ``ranked`` (the focus is never cut), and up to five examples of the rest.

    >>> _capped(list("abcdefghij"), 3, 1), _capped(list("abc"), 3, 1), _capped(list("abc"), 1, 2)
    ((['a', 'b', 'c'], ['d', 'e', 'f', 'g', 'h']), (['a', 'b', 'c'], []), (['a', 'b'], ['c']))
    """
    n_keep = len(ranked) if cap is None or cap <= 0 or len(ranked) <= cap else max(cap, n_focus)
    return ranked[:n_keep], ranked[n_keep:n_keep + 5]


def _str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _event_info(eid: str, nodes: Mapping[str, Mapping[str, Any]], edges: list, meta: Mapping) -> EventInfo:
    d = nodes.get(eid, {})
    parts, admins = [], []
    for u, v, _k, e in edges:
        if e.get("type") == "PARTICIPANT" and v == eid:
            od = nodes.get(u, {})
            parts.append(Participant(u, str(od.get("name") or u), str(od.get("label")),
                                     str(e.get("role") or "")))
        elif e.get("type") == "DURING" and u == eid:
            admins.append((v, str(nodes.get(v, {}).get("name") or v)))
    role_order = {"agent": 0, "subject": 1, "target": 2, "destination": 3, "location": 4}
    parts.sort(key=lambda p: (role_order.get(p.role, 9), p.name, p.id))  # the id: same names, any store
    return EventInfo(eid, str(d.get("name") or eid), str(d.get("event_type") or "Other"),
                     _str_or_none(d.get("date")), tuple(parts), tuple(sorted(set(admins))),
                     _sources(d.get("evidence"), meta))


def _claim_info(cid: str, nodes: Mapping[str, Mapping[str, Any]], edges: list, meta: Mapping) -> ClaimInfo:
    sides: dict[str, list[Stance]] = {"ASSERTS": [], "DENIES": []}
    for u, v, _k, e in edges:
        if v == cid and e.get("type") in sides:
            od = nodes.get(u, {})
            sides[e["type"]].append(Stance(u, str(od.get("name") or u), str(od.get("label")),
                                           "asserts" if e["type"] == "ASSERTS" else "denies",
                                           _sources(e.get("evidence"), meta)))
    for side in sides.values():
        side.sort(key=lambda s: (s.actor_name, s.actor_id))
    d = nodes.get(cid, {})
    contested = bool(sides["ASSERTS"] and sides["DENIES"]) or bool(d.get("contested"))
    return ClaimInfo(cid, str(d.get("name") or cid), contested, tuple(sides["ASSERTS"]),
                     tuple(sides["DENIES"]))


# --- the embedded store ------------------------------------------------------------------------------


class EmbeddedStore(GraphStore):
    """The graph of a node-link JSON store file, read whole into memory (no server needed)."""

    def __init__(self, path: str | Path, ontology: Ontology | None = None) -> None:
        super().__init__(ontology)
        self.path = Path(path)
        self._graph: nx.MultiDiGraph | None = None
        # Counted once per graph (the store only reads it): MENTIONS edges per node, so a degree is
        # g.degree minus that count, and each node's place in the graph's node order.
        self._mentions: tuple[nx.MultiDiGraph, Counter[str]] | None = None
        self._positions: tuple[nx.MultiDiGraph, dict[str, int]] | None = None

    @classmethod
    def from_graph(cls, g: nx.MultiDiGraph, name: str = "<memory>", ontology: Ontology | None = None
                   ) -> EmbeddedStore:
        """A store over a graph already in memory (tests, snapshots of a fresh load)."""
        store = cls(name, ontology)
        store._graph = g
        return store

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The whole graph (read from the file on first use; empty when the file does not exist)."""
        if self._graph is None:
            if not self.path.exists():
                self._graph = nx.MultiDiGraph()
            else:
                from .sinks.embedded import read_store

                try:
                    self._graph = read_store(self.path)
                except Exception as exc:  # any reading problem becomes one clear line naming the file
                    msg = str(exc)
                    raise StoreError(msg if str(self.path) in msg else
                                     f"{self.path}: cannot read the embedded store ({msg})") from exc
        return self._graph

    def describe(self) -> str:
        return f"Embedded store: {self.path}"

    def available(self) -> bool:
        return self._graph is not None or self.path.exists()

    def counts(self) -> Counts:
        g = self.graph
        return Counts(g.number_of_nodes(), g.number_of_edges(),
                      dict(Counter(str(d.get("label")) for _, d in g.nodes(data=True))),
                      dict(Counter(str(d.get("type")) for _, _, d in g.edges(data=True))))

    def _nodes(self, ids, light=False, with_articles=False):
        g = self.graph
        if light:
            return {i: _light(g.nodes[i], with_articles) for i in ids if i in g}
        return {i: dict(g.nodes[i]) for i in ids if i in g}

    def _incident(self, ids, skip=frozenset(), light=False, with_articles=False):
        g = self.graph
        lists = with_articles

        def copy(d: Mapping[str, Any]) -> dict[str, Any]:
            return _light(d, lists) if light else dict(d)

        seen: dict[tuple[str, str, str], dict[str, Any]] = {}
        for i in ids:
            if i not in g:
                continue
            for u, v, k, d in [*g.out_edges(i, keys=True, data=True), *g.in_edges(i, keys=True, data=True)]:
                if d.get("type") not in skip:
                    seen[(u, v, k)] = copy(d)
        ends = {w for u, v, _k in seen for w in (u, v)}
        return [(u, v, k, d) for (u, v, k), d in seen.items()], self._nodes(ends, light, lists)

    def _inside(self, ids: Iterable[str]) -> list[str]:
        """The ids of the graph among ``ids``, in the graph's node order (so edges come in a stable order)."""
        g = self.graph
        wanted = {i for i in ids if i in g}
        if len(wanted) * 8 < len(g):
            return sorted(wanted, key=self._position().__getitem__)
        return [i for i in g if i in wanted]

    def _position(self) -> dict[str, int]:
        g = self.graph
        if self._positions is None or self._positions[0] is not g or len(self._positions[1]) != len(g):
            self._positions = (g, {n: i for i, n in enumerate(g)})
        return self._positions[1]

    def _edges_among(self, ids, light=False, with_articles=False):
        g = self.graph

        def copy(d: Mapping[str, Any]) -> dict[str, Any]:
            return _light(d, with_articles) if light else dict(d)

        order = self._inside(ids)
        inside = set(order)
        succ = g.succ
        return [(u, v, k, copy(d)) for u in order for v, keyed in succ[u].items() if v in inside
                for k, d in keyed.items()]

    def _scan(self, labels, light=False, with_articles=False):
        wanted = set(labels)
        nodes = self.graph.nodes(data=True)
        if light:
            return {i: _light(d, with_articles) for i, d in nodes if d.get("label") in wanted}
        return {i: dict(d) for i, d in nodes if d.get("label") in wanted}

    def articles_of(self, ids):
        g = self.graph
        return {a for i in ids if i in g for a in g.nodes[i].get("articles") or ()}

    def _mention_counts(self) -> Counter[str]:
        g = self.graph
        if self._mentions is None or self._mentions[0] is not g:
            counts: Counter[str] = Counter()
            for u, v, t in g.edges(data="type"):
                if t == "MENTIONS":
                    counts[u] += 1
                    counts[v] += 1
            self._mentions = (g, counts)
        return self._mentions[1]

    def _degrees(self, ids):
        g = self.graph
        mentions = self._mention_counts()
        return {i: g.degree(i) - mentions.get(i, 0) for i in ids if i in g}

    def _node_paths(self, a, b, max_length, skip):
        g = self.graph
        simple = nx.Graph()
        simple.add_nodes_from(g.nodes)
        simple.add_edges_from((u, v) for u, v, d in g.edges(data=True) if d.get("type") not in skip)
        try:
            length = nx.shortest_path_length(simple, a, b)
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            return []
        if length > max_length:
            return []
        out = []
        for p in nx.all_shortest_paths(simple, a, b):
            out.append(tuple(p))
            if len(out) >= PATH_ROWS:
                break
        return out


# --- the Neo4j store ---------------------------------------------------------------------------------


class Neo4jStore(GraphStore):
    """The graph in a Neo4j 5 database, read with parameterised Cypher in read-only sessions.

    Queries are built only from ontology labels (validated, never user text) and take every value as a
    parameter; each runs with ``query_timeout`` seconds at most.
    """

    def __init__(self, driver: Any, database: str = "neo4j", *, uri: str = "", timeout: float = 10.0,
                 ontology: Ontology | None = None, owns_driver: bool = False) -> None:
        super().__init__(ontology)
        self.driver = driver
        self.database = database
        self.uri = uri
        self.timeout = timeout
        self._owns_driver = owns_driver

    def describe(self) -> str:
        where = self.uri or "a Neo4j server"
        return f"Neo4j at {where} (database {self.database})"

    def available(self) -> bool:
        return True

    def alive(self) -> bool:
        """Whether the server answers now (within the driver's connection timeout)."""
        try:
            self.driver.verify_connectivity()
        except Exception:  # any failure to reach it is "not alive": the caller falls back and says why
            return False
        return True

    def close(self) -> None:
        if self._owns_driver:
            self.driver.close()

    def _read(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        from neo4j import READ_ACCESS, unit_of_work

        @unit_of_work(timeout=self.timeout)  # the server stops a query that runs too long
        def work(tx):
            # dict(r), not r.data(): the queries return maps and lists, and data() walks them all again.
            return [dict(r) for r in tx.run(cypher, **params)]

        try:
            # The views name every ontology type, and a small graph lacks some: not worth a warning.
            with self.driver.session(database=self.database, default_access_mode=READ_ACCESS,
                                     notifications_disabled_categories=["UNRECOGNIZED"]) as session:
                return session.execute_read(work)
        except Exception as exc:
            raise StoreError(f"Neo4j query failed at {self.uri or 'the server'}: {exc}") from exc

    # Neo4j rows back to the attribute dicts of graph_loader.graph ------------------------------------
    def _attrs(self, labels: list[str], props: Mapping[str, Any], evidence: list | None = None) -> dict[str, Any]:
        data = {k: plain_value(v) for k, v in props.items() if k != "id" and k not in STORED_ONLY}
        label = data.get("label") if data.get("label") in self.ontology.nodes else None
        if label is None:
            label = next((x for x in self.ontology.nodes if x in labels), labels[0] if labels else "Other")
        data["label"] = label
        if label == "Event" and not data.get("event_type"):
            data["event_type"] = next((x for x in labels if x in self.ontology.event_types), "Other")
        for key in ("aliases", "articles"):
            data[key] = list(data.get(key) or [])
        data["evidence"] = evidence if evidence is not None else (
            evidence_from_lists(props) or _evidence_list(data.get("evidence")))
        return data

    def _edge_attrs(self, rel_type: str, props: Mapping[str, Any], evidence: list | None = None
                    ) -> tuple[str, dict[str, Any]]:
        data = {k: plain_value(v) for k, v in props.items() if k != "key" and k not in STORED_ONLY}
        data["type"] = rel_type
        data["articles"] = list(data.get("articles") or [])
        data["evidence"] = evidence if evidence is not None else (
            evidence_from_lists(props) or _evidence_list(data.get("evidence")))
        return str(props.get("key") or edge_key(rel_type, data)), data

    def _group(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Ids grouped by the label they were made for, so each query can use that label's index."""
        groups: dict[str, list[str]] = {}
        for i in dict.fromkeys(ids):
            label = self.label_of(i)
            if label is not None:
                groups.setdefault(label, []).append(i)
        return groups

    def counts(self) -> Counts:
        by_label = {}
        for label in self.ontology.nodes:
            n = self._read(f"MATCH (n:`{label}`) RETURN count(n) AS n")[0]["n"]
            if n:
                by_label[label] = n
        by_type = {r["t"]: r["n"] for r in self._read("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n")}
        return Counts(sum(by_label.values()), sum(by_type.values()), by_label, by_type)

    def _seek(self, ids: Iterable[str]) -> tuple[str, dict[str, list[str]]]:
        """Clauses binding ``n`` to the nodes of ``ids`` (one row each), and their parameters.

        One lookup per label so each uses that label's ``id`` uniqueness index, all in one round trip
        (chained ``OPTIONAL MATCH``: any Neo4j 5 runs it). Empty when no id has a known label.
        """
        groups = self._group(ids)
        if not groups:
            return "", {}
        params = {f"ids{i}": group for i, group in enumerate(groups.values())}
        parts = []
        for i, label in enumerate(groups):
            carry = f"c{i - 1}, " if i else ""  # the nodes found so far, a grouping key of the next collect
            parts.append(f"OPTIONAL MATCH (n:`{label}`) WHERE n.id IN $ids{i} WITH {carry}collect(n) AS m{i} ")
            parts.append(f"WITH {f'c{i - 1} + ' if i else ''}m{i} AS c{i} ")
        return "".join(parts) + f"UNWIND c{len(groups) - 1} AS n ", params

    def _project(self, var: str, light: bool, node: bool = True, with_articles: bool = False) -> str:
        """Cypher for a map of a node's id, labels and properties, or of a relationship's ends, type and
        properties.

        Light (a node's takes the parameter ``$hidden``, see :meth:`_hidden`): the number of articles, the
        first evidence sentence that is not empty (from the stored summary, ``SUMMARY_PROPS``, or for a
        graph loaded without it, ``neo4j-admin import``, from the lists themselves), and the properties
        but the evidence lists (and the article list unless asked for). A light relationship is a list,
        ``[start id, end id, type, count, sentence, articles or null, [values of its type's ontology
        properties]]``: a view reads a thousand of them, and each property read walks the relationship's
        property chain, so each reads only what its type can have (its key follows from them).
        """
        count = f"coalesce({var}.article_count, size(coalesce({var}.articles, [])))"
        sentence = (f"CASE WHEN {var}.article_count IS NOT NULL THEN {var}.first_sentence ELSE "
                    f"[x IN [coalesce({var}.evidence_sentences, [])] | CASE WHEN coalesce(x[0], '') <> '' "
                    "THEN x[0] ELSE head([y IN x WHERE y <> '']) END][0] END")
        if not node and light:
            by_type = " ".join(f"WHEN '{t}' THEN [{', '.join(f'{var}.{quote(k)}' for k in r.properties)}]"
                               for t, r in self.ontology.relationships.items() if r.properties)
            articles = f"{var}.articles" if with_articles else "null"
            return (f"[startNode({var}).id, endNode({var}).id, type({var}), {count}, {sentence}, {articles}, "
                    f"CASE type({var}) {by_type} ELSE [] END]")
        head = f"id: {var}.id, labels: labels({var})" if node else \
            f"s: startNode({var}).id, t: endNode({var}).id, type: type({var})"
        if not light:
            return f"{{{head}, props: properties({var})}}"
        return (f"{{{head}, props: [k IN keys({var}) WHERE NOT k IN $hidden | [k, {var}[k]]], "
                f"n_articles: {count}, sentence: {sentence}}}")

    @staticmethod
    def _hidden(with_articles: bool) -> list[str]:
        """The properties a light :meth:`_project` leaves out."""
        return [*STORED_ONLY, *(() if with_articles else ("articles",))]

    @staticmethod
    def _viewed(data: dict[str, Any], row: Mapping[str, Any], with_articles: bool) -> dict[str, Any]:
        """Light attributes in the shape :func:`_light` gives (the article count comes from the server)."""
        if not with_articles:
            del data["articles"]
        data["article_count"] = row["n_articles"]
        return data

    def _node_of(self, row: Mapping[str, Any], light: bool, with_articles: bool = False) -> dict[str, Any]:
        if not light:
            return self._attrs(row["labels"], row["props"])
        data = self._attrs(row["labels"], dict(row["props"]), _sentence_evidence(row["sentence"]))
        return self._viewed(data, row, with_articles)

    def _edge_of(self, row: Any, light: bool, with_articles: bool = False) -> tuple[str, str, str, dict[str, Any]]:
        if not light:
            key, data = self._edge_attrs(row["type"], row["props"])
            return row["s"], row["t"], key, data
        # A view reads a thousand of these: the attributes are made here in one pass.
        s, t, rel_type, count, sentence, articles, values = row
        known = self.ontology.relationships.get(rel_type)
        data = {k: plain_value(v) for k, v in zip(known.properties if known else (), values, strict=True)
                if v is not None}
        key = edge_key(rel_type, data)
        data["type"] = rel_type
        if with_articles:
            data["articles"] = list(articles or [])
        data["evidence"] = _sentence_evidence(sentence)
        data["article_count"] = count
        return s, t, key, data

    # Views are computed on the server: two hops from a person can reach ten thousand nodes of a large
    # corpus, and only the (at most ``cap``) kept ones, with the edges among them, should travel.
    def neighbourhood(self, ids, hops=1, filters=None, cap=None, hub=None):
        f = self.resolve_filters(filters)
        hops = max(0, min(int(hops), MAX_HOPS))
        seek, params = self._seek(ids)
        if not seek:
            return self._view_of({}, f, [])
        edge_where = f" AND {edge_condition('r')}" if f.source_ids() else ""
        grow = []
        for depth in range(1, hops + 1):
            if depth > 1 and hub:  # hubs are reached, not gone through
                grow.append(f"CALL (frontier) {{ UNWIND frontier AS a WITH a, {self._degree('a')} AS d "
                            "RETURN collect(CASE WHEN d > $hub THEN a END) AS big, "
                            "collect(CASE WHEN d <= $hub THEN a END) AS small } "
                            "WITH seen, small AS frontier, levels, hubs + big AS hubs ")
            # Hub relationships are followed only from the focus; further out, the pattern names the other
            # types, so a country's thousands of MENTIONS are not even read.
            branches = [f"UNWIND frontier AS a MATCH {pattern} WHERE NOT b IN seen{edge_where}{where} RETURN b"
                        for pattern, where in self._hop(f, HUB_TYPES if depth > 1 else frozenset())]
            branches = branches or ["UNWIND [] AS b RETURN b"]
            grow.append("CALL (frontier, seen) { CALL (frontier, seen) { " + " UNION ALL ".join(branches) + " } "
                        "RETURN collect(DISTINCT b) AS next } "
                        "WITH seen + next AS seen, next AS frontier, levels + [next] AS levels, hubs ")
        rows = self._read(f"{seek}WITH collect(n) AS focus "
                          "WITH focus AS seen, focus AS frontier, [focus] AS levels, [] AS hubs " + "".join(grow)
                          + f"CALL (hubs) {{ UNWIND hubs AS x WITH x ORDER BY {self._degree('x')} DESC, x.id "
                          f"RETURN count(x) AS n_hubs, collect({self._name('x')})[..5] AS hub_names }} "
                          "WITH levels, n_hubs, hub_names " + self._view_tail(f, carry="n_hubs, hub_names"),
                          **params, **filter_params(f), cap=int(cap or 0), hub=int(hub or 0),
                          node_labels=list(self.ontology.nodes), hidden=self._hidden(bool(f.source_ids())))
        return self._view_of(rows[0] if rows else {}, f, list(dict.fromkeys(ids)))

    @staticmethod
    def _name(var: str) -> str:
        """A node's name as a view shows it (its id when it has none)."""
        return f"CASE WHEN coalesce({var}.name, '') = '' THEN {var}.id ELSE {var}.name END"

    def _hop(self, f: Filters, skip: frozenset[str]) -> list[tuple[str, str]]:
        """The patterns of one hop from ``a`` to ``b`` (joined by UNION ALL), each with its conditions on ``b``.

        With a label filter, a type is followed out of ``a`` only if its targets may pass it, and into ``a``
        only if its sources may: left out with the articles, a person's thousands of MENTIONS (which come
        from articles) are not read. A pattern drops the label condition when every label it can reach
        passes it, since the loader checks every relationship against the ontology.
        """
        conditions = node_conditions(f, "b")
        rels = {t: r for t, r in self.ontology.relationships.items() if t not in skip}

        def where(reach: set[str]) -> str:
            kept = conditions[1:] if f.labels and reach <= set(f.labels) else conditions
            return "".join(f" AND {c}" for c in kept)

        def typed(types: list[str]) -> str:
            return ":" + "|".join(f"`{t}`" for t in types)

        if not f.labels:
            return [(f"(a)-[r{typed(list(rels)) if skip else ''}]-(b)", where(set()))]
        allowed = set(f.labels)
        out = [t for t, r in rels.items() if allowed & set(r.targets)]
        into = [t for t, r in rels.items() if allowed & set(r.sources)]
        if out == into:
            reach = {x for t in out for x in (*rels[t].sources, *rels[t].targets)}
            return [(f"(a)-[r{typed(out)}]-(b)", where(reach))] if out else []
        branches = []
        if out:
            branches.append((f"(a)-[r{typed(out)}]->(b)", where({x for t in out for x in rels[t].targets})))
        if into:
            branches.append((f"(a)<-[r{typed(into)}]-(b)", where({x for t in into for x in rels[t].sources})))
        return branches

    def overview(self, filters=None, cap=None):
        f = self.resolve_filters(filters)
        labels = f.labels or tuple(label for label in self.ontology.nodes if label != "Article")
        where = " AND ".join(["any(l IN labels(n) WHERE l IN $labels)", *node_conditions(f, "n")[bool(f.labels):]])
        rows = self._read(f"MATCH (n) WHERE {where} WITH collect(n) AS found WITH [[], found] AS levels "
                          + self._view_tail(f), **{**filter_params(f), "labels": list(labels)},
                          cap=int(cap or 0), node_labels=list(self.ontology.nodes),
                          hidden=self._hidden(bool(f.source_ids())))
        return self._view_of(rows[0] if rows else {}, f, [])

    @staticmethod
    def _degree(var: str) -> str:
        """A node's degree as :meth:`_degrees` counts it (a dense node keeps counts per type; a sparse
        node's relationships are walked for each count)."""
        return f"COUNT {{ ({var})--() }} - COUNT {{ ({var})-[:MENTIONS]-() }}"

    def _view_tail(self, f: Filters, carry: str = "") -> str:
        """Cypher that goes on from ``levels`` (the reached nodes by distance, the focus first) to the view:
        the kept nodes (as :func:`_capped` keeps them of the :func:`rank_key` order), the relationships
        among them the filters keep, and what was left out. Takes ``$cap``, ``$node_labels``, ``$hidden``;
        the variables ``carry`` names (``"a, b"``) are kept along and returned.

        Only the level where the cap falls is ranked (the levels before it are kept whole, those after it
        only counted), so a view of a hub does not sort the ten thousand nodes it leaves out.
        """
        edge_where = f" AND {edge_condition('r')}" if f.source_ids() else ""
        k = f"{carry}, " if carry else ""  # kept along by every WITH
        return (
            f"WITH {k}levels, [i IN range(0, size(levels) - 1) | reduce(s = 0, l IN levels[..i + 1] | s + size(l))]"
            " AS cum "
            f"WITH {k}levels, cum, CASE WHEN $cap <= 0 OR last(cum) <= $cap THEN last(cum) "
            "WHEN $cap >= size(levels[0]) THEN $cap ELSE size(levels[0]) END AS n_keep "
            f"WITH {k}levels, cum, n_keep, head([i IN range(0, size(levels) - 1) WHERE cum[i] > n_keep]) AS b "
            # The level of the cap, best connected first, in three steps: a node's degree without MENTIONS
            # takes two counts, and a sparse node (an event) has its relationships walked for each, so the
            # level is first sorted by the plain count (one walk), which is never below the degree. The
            # least degree among the first take + 5 by count is a floor the (take + 5)th best degree
            # reaches; only the nodes counted at or above it can rank there, and only those are sorted by
            # degree and id (WITH n drops the lists each row carries, which a sort would count in full).
            "CALL (levels, b) { UNWIND CASE WHEN b IS NULL THEN [] ELSE levels[b] END AS n WITH n "
            "WITH n, COUNT { (n)--() } AS total ORDER BY total DESC "
            "RETURN collect(n) AS by_total, collect(total) AS totals } "
            f"WITH {k}levels, cum, n_keep, b, by_total, totals, "
            "CASE WHEN b IS NULL THEN 0 ELSE n_keep - cum[b - 1] END AS take "
            f"CALL (by_total, take) {{ UNWIND by_total[..take + 5] AS n RETURN min({self._degree('n')}) AS floor }} "
            f"WITH {k}levels, cum, n_keep, b, by_total, take, size([t IN totals WHERE t >= floor]) AS head "
            "CALL (by_total, head) { UNWIND by_total[..head] AS n WITH n ORDER BY "
            f"{self._degree('n')} DESC, n.id RETURN collect(n) AS ranked_head }} "
            f"WITH {k}levels, cum, n_keep, b, take, ranked_head + by_total[head..] AS ranked "
            f"WITH {k}cum, n_keep, ranked[take..take + 5] AS examples, "
            "CASE WHEN b IS NULL THEN reduce(a = [], l IN levels | a + l) "
            "ELSE reduce(a = [], l IN levels[..b] | a + l) + ranked[..take] END AS kept, "
            "CASE WHEN b IS NULL THEN [] ELSE ranked[take..] + reduce(a = [], l IN levels[b + 1..] | a + l) END"
            " AS rest "
            f"CALL (kept) {{ {self._among('kept', edge_where)} RETURN collect(r) AS rels }} "
            "CALL (rest) { UNWIND rest AS x WITH [l IN labels(x) WHERE l IN $node_labels][0] AS label, "
            "count(*) AS c RETURN collect([label, c]) AS by_label } "
            f"RETURN [n IN kept | {self._project('n', True)}] AS nodes, "
            f"[r IN rels | {self._project('r', True, node=False, with_articles=bool(f.source_ids()))}] AS edges, "
            "size(rest) AS n_rest, by_label, "
            f"[x IN examples | {self._name('x')}] AS examples{', ' + carry if carry else ''}")

    def _among(self, nodes: str, edge_where: str = "") -> str:
        """Cypher rows ``r``: each relationship among the nodes of list ``nodes`` once.

        A type whose targets are all events, claims or articles (an event has a few participants, an agency
        thousands of events) is read from its target; every other type from its source.
        """
        actors = set(self.ontology.actor_labels)
        by_target = [t for t, r in self.ontology.relationships.items() if not actors & set(r.targets)]
        by_source = [t for t in self.ontology.relationships if t not in by_target]
        branches = []
        if by_source:
            branches.append(f"UNWIND {nodes} AS a MATCH (a)-[r:{'|'.join(f'`{t}`' for t in by_source)}]->(b) "
                            f"WHERE b IN {nodes}{edge_where} RETURN r")
        if by_target:
            branches.append(f"UNWIND {nodes} AS b MATCH (a)-[r:{'|'.join(f'`{t}`' for t in by_target)}]->(b) "
                            f"WHERE a IN {nodes}{edge_where} RETURN r")
        return f"CALL ({nodes}) {{ {' UNION ALL '.join(branches)} }}"

    def _view_of(self, row: Mapping[str, Any], f: Filters, focus: list[str]) -> nx.MultiDiGraph:
        """The view graph of one row of a :meth:`_view_tail` query."""
        lists = bool(f.source_ids())
        g = nx.MultiDiGraph()
        for x in row.get("nodes") or ():
            g.add_node(x["id"], **self._node_of(x, True, lists))
        for e in row.get("edges") or ():
            u, v, k, d = self._edge_of(e, True, lists)
            g.add_edge(u, v, k, **d)
        g.graph["focus"] = [i for i in focus if i in g]
        by_label = {str(k): int(c) for k, c in row.get("by_label") or ()}
        g.graph["left_out"] = LeftOut(int(row.get("n_rest") or 0), by_label,
                                      tuple(map(str, row.get("examples") or ())), int(row.get("n_hubs") or 0),
                                      tuple(map(str, row.get("hub_names") or ())))
        return g

    def _nodes(self, ids, light=False, with_articles=False):
        seek, params = self._seek(ids)
        if not seek:
            return {}
        rows = self._read(f"{seek}RETURN {self._project('n', light)} AS x", hidden=self._hidden(with_articles),
                          **params)
        return {r["x"]["id"]: self._node_of(r["x"], light, with_articles) for r in rows}

    def _incident(self, ids, skip=frozenset(), light=False, with_articles=False):
        seek, params = self._seek(ids)
        if not seek:
            return [], {}
        # One row: each relationship once (both its ends may be among ids) and each node once, so a hub's
        # properties are not shipped once per relationship.
        rows = self._read(
            f"{seek}MATCH (n)-[r]-(m) WHERE NOT type(r) IN $skip "
            "WITH collect(DISTINCT r) AS rs, collect(DISTINCT n) AS ns, collect(DISTINCT m) AS ms "
            f"RETURN [r IN rs | {self._project('r', light, node=False, with_articles=with_articles)}] AS edges, "
            f"[n IN ns | {self._project('n', light)}] + [m IN ms | {self._project('m', light)}] AS nodes",
            skip=sorted(skip), hidden=self._hidden(with_articles), **params)
        edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        nodes: dict[str, dict[str, Any]] = {}
        for r in rows:
            for e in r["edges"]:
                u, v, k, d = self._edge_of(e, light, with_articles)
                edges[(u, v, k)] = d
            for x in r["nodes"]:
                if x["id"] not in nodes:  # a node on both sides comes twice
                    nodes[x["id"]] = self._node_of(x, light, with_articles)
        return [(u, v, k, d) for (u, v, k), d in edges.items()], nodes

    def _edges_among(self, ids, light=False, with_articles=False):
        ids = list(dict.fromkeys(ids))
        seek, params = self._seek(ids)
        if not seek:
            return []
        rows = self._read(f"{seek}WITH collect(n) AS among {self._among('among')} "
                          f"RETURN {self._project('r', light, node=False, with_articles=with_articles)} AS x",
                          hidden=self._hidden(with_articles), **params)
        return [self._edge_of(r["x"], light, with_articles) for r in rows]

    def _scan(self, labels, light=False, with_articles=False):
        out = {}
        for label in labels:
            if label not in self.ontology.nodes:
                continue
            for r in self._read(f"MATCH (n:`{label}`) RETURN {self._project('n', light)} AS x",
                                hidden=self._hidden(with_articles)):
                out[r["x"]["id"]] = self._node_of(r["x"], light, with_articles)
        return out

    def articles_of(self, ids):
        seek, params = self._seek(ids)
        if not seek:
            return set()
        rows = self._read(f"{seek}UNWIND coalesce(n.articles, []) AS a RETURN collect(DISTINCT a) AS ids", **params)
        return set(rows[0]["ids"]) if rows else set()

    def _degrees(self, ids):
        seek, params = self._seek(ids)
        if not seek:
            return {}
        # Two plain counts (the server keeps degrees per type) instead of filtering every relationship.
        rows = self._read(f"{seek}RETURN n.id AS id, {self._degree('n')} AS d",
                          **params)
        return {r["id"]: r["d"] for r in rows}

    def _node_paths(self, a, b, max_length, skip):
        la, lb = self.label_of(a), self.label_of(b)
        if la is None or lb is None:
            return []
        rows = self._read(
            f"MATCH (a:`{la}` {{id: $a}}), (b:`{lb}` {{id: $b}}) "
            f"MATCH p = allShortestPaths((a)-[*..{int(max_length)}]-(b)) "
            "WHERE all(r IN relationships(p) WHERE NOT type(r) IN $skip) "
            "RETURN [n IN nodes(p) | n.id] AS ids LIMIT $rows", a=a, b=b, skip=sorted(skip), rows=PATH_ROWS)
        return [tuple(r["ids"]) for r in rows]


# --- choosing a store --------------------------------------------------------------------------------


def unreachable_notice(uri: str, exc: BaseException, fallback: GraphStore) -> str:
    """What the app says when Neo4j does not answer: why, what to do, and what it shows instead.

    >>> class Empty:
    ...     def available(self): return False
    >>> unreachable_notice("bolt://127.0.0.1:7687", ConnectionRefusedError("refused"), Empty())[:58]
    'Neo4j at bolt://127.0.0.1:7687 does not answer (connection'
    """
    kind = "connection refused" if "refused" in str(exc).lower() or isinstance(exc, ConnectionRefusedError) else (
        "authentication failed" if "auth" in type(exc).__name__.lower() or "unauthorized" in str(exc).lower()
        else type(exc).__name__)
    todo = ("check NEO4J_USERNAME and NEO4J_PASSWORD" if kind == "authentication failed" else
            "start it with `portero neo4j start` (or check NEO4J_URI); this page tries again on its next run")
    shown = ("showing the embedded store instead" if fallback.available() else
             "there is no embedded store to show instead: load articles with `portero load`")
    return f"Neo4j at {uri} does not answer ({kind}): {todo}. Meanwhile {shown}."


def open_store(settings: Settings, prefer: str | None = None) -> GraphStore:
    """The store to read: Neo4j when preferred (``prefer`` or ``PORTERO_STORE_KIND``) and reachable, else
    the embedded store file. When Neo4j was wanted but cannot be reached, the embedded store comes back
    with ``notice`` saying why.
    """
    kind = (prefer or settings.store or "embedded").strip().lower()
    embedded = EmbeddedStore(settings.store_path)
    if kind != "neo4j":
        return embedded
    try:
        from neo4j import GraphDatabase

        driver = GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth,
                                      connection_timeout=settings.neo4j_connect_timeout,
                                      max_transaction_retry_time=settings.max_retry_time)
    except Exception as exc:  # a malformed URI: say so, do not crash
        embedded.notice = f"Neo4j is configured at {settings.neo4j_uri} but the address is not usable: {exc}"
        return embedded
    try:
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        embedded.notice = unreachable_notice(settings.neo4j_uri, exc, embedded)
        return embedded
    return Neo4jStore(driver, settings.neo4j_database, uri=settings.neo4j_uri, timeout=settings.query_timeout,
                      owns_driver=True)
