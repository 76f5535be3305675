"""One networkx MultiDiGraph across all loaded articles, with content-derived ids.

Node attributes: ``label`` (an ontology label), ``name``, ``aliases`` (list), ``articles`` (list of
article ids), ``evidence`` (list of evidence dicts), plus per-label fields: ``event_type`` and ``date``
for events, ``start``/``end``/``leader`` for administrations, ``country`` for agencies, ``titles`` for
people, ``contested`` for claims, and ``title``/``url``/``publisher``/``published``/``language`` for
articles.

Edge attributes: ``type`` (an ontology relationship type), its properties (``title``, ``start``,
``end``, ``status``, ``role``), ``articles`` and ``evidence``. The edge key is derived from the type and
properties, so a fact told by two articles is one edge that keeps both sources.

>>> g = new_graph()
>>> add_node(g, "person:a", "Person", "A", article_id="article:1")
True
>>> add_node(g, "person:a", "Person", "A", aliases=["Al"], article_id="article:2")
False
>>> g.nodes["person:a"]["articles"], g.nodes["person:a"]["aliases"]
(['article:1', 'article:2'], ['Al'])
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from .model import Evidence, Extraction, normalise_name
from .ontology import Ontology, load_ontology


def new_graph() -> nx.MultiDiGraph:
    return nx.MultiDiGraph()


# Lists longer than this are merged through a set of what they hold: a country's article and evidence lists
# grow with the corpus, and scanning them for every new article made building a graph quadratic.
INDEX_FROM = 32


def _hashable(item: Any) -> Any:
    """``item`` as a hashable value (evidence dicts as sorted item tuples); TypeError when it cannot be."""
    if isinstance(item, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in item.items()))
    if isinstance(item, list):
        return tuple(_hashable(v) for v in item)
    hash(item)
    return item


def _merge_list(g: nx.MultiDiGraph, owner: tuple, target: list, items: Iterable) -> None:
    """Append the ``items`` not yet in ``target`` (the list attribute ``owner`` names), in order.

    Long lists keep a set of their items beside the graph (an attribute of the graph object, never saved),
    checked against the list's identity and length so a list changed elsewhere is indexed again.
    """
    if len(target) < INDEX_FROM:
        for item in items:
            if item not in target:
                target.append(item)
        return
    index: dict[tuple, tuple[list, set, int]] = g.__dict__.setdefault("_portero_seen", {})
    entry = index.get(owner)
    try:
        if entry is None or entry[0] is not target or entry[2] != len(target):
            entry = (target, {_hashable(x) for x in target}, len(target))
        seen = entry[1]
        for item in items:
            key = _hashable(item)
            if key not in seen:
                seen.add(key)
                target.append(item)
    except TypeError:  # an unhashable value: scan the list, as for short ones
        index.pop(owner, None)
        for item in items:
            if item not in target:
                target.append(item)
        return
    index[owner] = (target, seen, len(target))


def add_node(g: nx.MultiDiGraph, nid: str, label: str, name: str, *, aliases: Iterable[str] = (),
             article_id: str | None = None, evidence: Evidence | None = None, **props: Any) -> bool:
    """Add or merge a node: lists are unioned, scalar properties keep their first non-empty value.

    Returns whether the node is new.
    """
    data = g.nodes[nid] if nid in g else None
    created = data is None
    if data is None:
        g.add_node(nid, label=label, name=name, aliases=[], articles=[], evidence=[])
        data = g.nodes[nid]
    _merge_list(g, (nid, "aliases"), data["aliases"], (a for a in aliases if a and a != name))
    if article_id:
        _merge_list(g, (nid, "articles"), data["articles"], [article_id])
    if evidence is not None:
        _merge_list(g, (nid, "evidence"), data["evidence"], [evidence.to_dict()])
    for key, value in props.items():
        if isinstance(value, list):
            _merge_list(g, (nid, key), data.setdefault(key, []), value)
        elif value not in (None, "") and data.get(key) in (None, ""):
            data[key] = value
    return created


def edge_key(rel_type: str, props: dict[str, Any]) -> str:
    """The key of an edge among those between the same two nodes.

    >>> edge_key("PARTICIPANT", {"role": "agent"}), edge_key("LEADS", {"title": "President"})
    ('PARTICIPANT|role=agent', 'LEADS')
    """
    # Titles and dates refine a fact, they do not make a second one; a role or status does.
    parts = [f"{k}={props[k]}" for k in ("role", "status") if props.get(k)]
    return "|".join([rel_type, *parts])


def add_edge(g: nx.MultiDiGraph, source: str, rel_type: str, target: str, *,
             evidence: Evidence | None = None, **props: Any) -> bool:
    """Add or merge an edge; evidence and articles accumulate across articles. Returns whether it is new."""
    key = edge_key(rel_type, props)
    created = not g.has_edge(source, target, key)
    if not created:
        data = g.edges[source, target, key]
    else:
        g.add_edge(source, target, key=key, type=rel_type, articles=[], evidence=[])
        data = g.edges[source, target, key]
    for k, v in props.items():
        if v not in (None, "") and data.get(k) in (None, ""):
            data[k] = v
    if evidence is not None:
        _merge_list(g, (source, target, key, "articles"), data["articles"], [evidence.article_id])
        _merge_list(g, (source, target, key, "evidence"), data["evidence"], [evidence.to_dict()])
    return created


class GraphError(ValueError):
    """An extraction breaks the ontology."""


def add_extraction(g: nx.MultiDiGraph, ex: Extraction, ontology: Ontology | None = None) -> dict[str, int]:
    """Merge one article's extraction into ``g``; return how many nodes and edges were new.

    Every element is checked against the ontology first, so a bad extraction adds nothing.

    Long: one pass per kind of element (entities, events, relations, claims) over the same validated name
    map and edge helper; it is the one place that turns an extraction into the graph's schema, and reads
    best as that list.
    """
    onto = ontology or load_ontology()
    art = ex.article
    by_name: dict[str, str] = {}
    for e in ex.entities:
        onto.validate_node(e.type)
        for n in [e.name, *e.aliases]:
            by_name.setdefault(normalise_name(n), e.id)
    labels = {e.id: e.type for e in ex.entities}

    def resolve(name: str) -> str:
        try:
            return by_name[normalise_name(name)]
        except KeyError:
            raise GraphError(f"{art.path or art.id}: {name!r} is not among the article's entities") from None

    for r in ex.relations:
        onto.validate_edge(labels[resolve(r.source)], r.type, labels[resolve(r.target)])
    for ev in ex.events:
        if ev.type not in onto.event_types:
            raise GraphError(f"{art.path or art.id}: unknown event type {ev.type!r}")
        for p in ev.participants:
            onto.validate_edge(labels[resolve(p.entity)], "PARTICIPANT", "Event")
    for c in ex.claims:
        onto.validate_edge(labels[resolve(c.claimant)], "ASSERTS" if c.stance == "asserts" else "DENIES", "Claim")

    new = {"nodes": 0, "edges": 0}

    def node(*args: Any, **kwargs: Any) -> None:
        new["nodes"] += add_node(g, *args, **kwargs)

    def edge(*args: Any, **kwargs: Any) -> None:
        new["edges"] += add_edge(g, *args, **kwargs)

    node(art.id, "Article", art.title or art.id, article_id=art.id, title=art.title, url=art.url,
         publisher=art.publisher, published=art.published, language=art.language)
    for e in ex.entities:
        first = e.evidence[0] if e.evidence else None
        node(e.id, e.type, e.name, aliases=e.aliases, article_id=art.id, evidence=first,
             **{k: v for k, v in e.props.items() if k != "mentions"})
        edge(art.id, "MENTIONS", e.id, evidence=first)
    for r in ex.relations:
        edge(resolve(r.source), r.type, resolve(r.target), evidence=r.evidence, **r.props)
    for ev in ex.events:
        node(ev.id, "Event", ev.name, article_id=art.id, evidence=ev.evidence, event_type=ev.type, date=ev.date)
        edge(art.id, "MENTIONS", ev.id, evidence=ev.evidence)
        for p in ev.participants:
            edge(resolve(p.entity), "PARTICIPANT", ev.id, evidence=ev.evidence, role=p.role)
        for admin in ev.during:
            node(admin.id, "Administration", admin.name, aliases=admin.aliases, **admin.props)
            edge(ev.id, "DURING", admin.id, evidence=ev.evidence)
    for c in ex.claims:
        node(c.id, "Claim", c.claim, article_id=art.id, evidence=c.evidence)
        edge(art.id, "MENTIONS", c.id, evidence=c.evidence)
        stance = "ASSERTS" if c.stance == "asserts" else "DENIES"
        edge(resolve(c.claimant), stance, c.id, evidence=c.evidence)
        claim = g.nodes[c.id]
        if not claim.get("contested"):  # once contested, always: edges are never taken away
            other = "DENIES" if stance == "ASSERTS" else "ASSERTS"  # stance edges are keyed by their type
            # The raw adjacency dict: a claim told by many articles has as many MENTIONS to step over.
            claim["contested"] = any(other in keyed for keyed in g._pred[c.id].values())
    return new


def build_graph(extractions: Iterable[Extraction]) -> nx.MultiDiGraph:
    """One graph from many extractions."""
    g = new_graph()
    for ex in extractions:
        add_extraction(g, ex)
    return g


