"""The store interface: the questions both stores answer alike, over a few primitives each provides."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import networkx as nx

from .. import cypher_reads as q
from ..model import normalise_name
from ..ontology import Ontology, load_ontology
from .attributes import claim_info, date_key, event_info, evidence_list, shown_props, sources_of, str_or_none
from .filters import Filters, bound_high, bound_low, edge_passes, node_passes
from .results import (
    ActorFacts,
    Administration,
    ArticleInfo,
    ClaimInfo,
    Counts,
    EventInfo,
    Hop,
    LeftOut,
    Link,
    NodeInfo,
    PathInfo,
    Relation,
    Role,
    SearchHit,
)

# Edges followed only from a focused node (see the package docstring), and never in connections: the
# ontology's hub types. The stores read them from their own ontology; this is the default one's.
HUB_TYPES = load_ontology().hub_types
ROLE_TYPES = load_ontology().role_types  # LEADS, MEMBER_OF, HEADED: relationships that give a role
MAX_HOPS = 3
MAX_PATH_LENGTH = 6
PATH_ROWS = 500  # shortest paths considered before sorting and keeping ``max_paths``


class StoreError(RuntimeError):
    """The store cannot be read; the message says which and why (never a password)."""



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

    # ``light=True``: attributes as a view carries them (see :func:`light_copy`: the first evidence item, and an
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

    def _group(self, ids: Iterable[str]) -> dict[str, list[str]]:
        """Ids grouped by the label they were made for, so each query can use that label's index."""
        groups: dict[str, list[str]] = {}
        for i in dict.fromkeys(ids):
            label = self.label_of(i)
            if label is not None:
                groups.setdefault(label, []).append(i)
        return groups

    def _article_meta(self, *evidence_lists: Any) -> dict[str, dict[str, Any]]:
        ids = {ev.get("article_id") for evs in evidence_lists for ev in evidence_list(evs)}
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
        lo = max(filter(None, [bound_low(str(admin.get("start") or "")) if admin.get("start") else None,
                               bound_low(f.date_from) if f.date_from else None]), default=None)
        ends = [bound_high(str(admin["end"])) if admin.get("end") else None,
                bound_high(f.date_to) if f.date_to else None]
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
                        tuple(map(str, data.get("aliases") or ())), shown_props(data),
                        tuple(data.get("articles") or ()), sources_of(data.get("evidence"), meta),
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
        hub_types = self.ontology.hub_types
        for depth in range(1, hops + 1):
            if depth > 1 and hub:
                degrees = self._degrees(frontier)
                hubs.update((i, d) for i, d in degrees.items() if d > hub)
                frontier = [i for i in frontier if i not in hubs]
            if not frontier:
                break
            # Hub edges (MENTIONS, DURING) are followed only from the focus itself.
            edges, others = self._incident(frontier, frozenset() if depth == 1 else hub_types, light=True,
                                           with_articles=bool(f.source_ids()))
            nxt = []
            for u, v, _k, attrs in edges:
                if not edge_passes(u, attrs, f):
                    continue
                if depth > 1 and attrs.get("type") in hub_types:
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

    def view_cypher(self, ids: Iterable[str], hops: int = 1, filters: Filters | None = None,
                    cap: int | None = None, hub: int | None = None, raw: bool = True) -> tuple[str, dict[str, Any]]:
        """The Cypher (text and parameters) of :meth:`neighbourhood` of ``ids`` (of :meth:`overview` when
        ``ids`` is empty): the query the Neo4j store runs for that view, whichever store this is.

        ``raw`` (the default, for people): the query returns the kept nodes and their relationships
        themselves, which a console draws; the Neo4j store runs it with ``raw=False``, returning the
        trimmed maps a view reads. The rest of the text is the same.
        """
        f = self.resolve_filters(filters)
        hops = max(0, min(int(hops), MAX_HOPS))
        return q.view_query(self._group(ids), f, hops, int(cap or 0), int(hub or 0), self.ontology,
                            self.ontology.hub_types, raw)

    def _view(self, data: dict[str, dict[str, Any]], dist: dict[str, int], f: Filters, cap: int | None,
              focus: list[str]) -> nx.MultiDiGraph:
        """The view of the reached nodes ``dist`` (id -> hops from the focus; ``data``: their light
        attributes): at most ``cap`` of them, ranked by :func:`rank_key`, and the edges among those."""
        degrees = self._degrees(list(dist))
        keep, examples = capped(sorted(dist, key=lambda i: rank_key(dist[i], degrees.get(i, 0), i)), cap,
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
            srcs = sources_of(d.get("evidence"), meta)
            rel = d.get("type", "")
            if u == nid and rel in ROLE_TYPES:
                start, end = d.get("start"), d.get("end")
                if rel == "HEADED":
                    start, end = od.get("start"), od.get("end")
                title = d.get("title") or self.ontology.relationships[rel].role_title
                roles.append(Role(str(title), rel, other, str(od.get("name") or other), str(od.get("label")),
                                  start, end, srcs))
            if od.get("label") in actor_labels:
                direction = "out" if u == nid else "in"
                relations.append(Relation(rel, direction, other, str(od.get("name") or other),
                                          str(od.get("label")), shown_props(d), srcs))
        roles.sort(key=lambda r: (date_key(r.start), r.org_name))
        relations.sort(key=lambda r: (r.rel_type, r.direction, r.other_name))

        all_edges = list({(u, v, k): (u, v, k, d) for u, v, k, d in edges + edges2}.values())
        events = []
        for eid in event_ids:
            info = event_info(eid, nodes, all_edges, meta)
            my_roles = tuple(sorted({str(d.get("role") or "") for u, v, _k, d in edges
                                     if v == eid and u == nid and d.get("type") == "PARTICIPANT"}))
            events.append((info, my_roles))
        events.sort(key=lambda e: (date_key(e[0].date), e[0].name))

        claims = []
        for cid in claim_ids:
            claim = claim_info(cid, nodes, all_edges, meta)
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
        hub_types = self.ontology.hub_types
        seqs = sorted(set(self._node_paths(a, b, max(1, min(max_length, MAX_PATH_LENGTH)), hub_types)))
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
            if d.get("type") not in hub_types:
                pair_edges.setdefault(frozenset((u, v)), []).append((u, v, k, d))
        meta = self._article_meta(*(d.get("evidence") for es in pair_edges.values() for *_x, d in es))
        out = []
        for s in seqs:
            hops = []
            for x, y in zip(s, s[1:], strict=False):
                links = tuple(Link(str(d.get("type")), u, v, shown_props(d), sources_of(d.get("evidence"), meta))
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
        out = [event_info(i, nodes, edges, meta) for i in evs]
        return sorted(out, key=lambda e: (date_key(e.date), e.name, e.id))

    def administrations(self) -> list[Administration]:
        """Every administration, by start."""
        out = [Administration(i, str(d.get("name") or i), str(d.get("leader") or ""),
                              str(d.get("country") or ""), str_or_none(d.get("start")),
                              str_or_none(d.get("end")))
               for i, d in self._scan(["Administration"], light=True).items()]
        return sorted(out, key=lambda a: (date_key(a.start), a.country, a.name))

    def claims(self) -> list[ClaimInfo]:
        """Every claim with who asserts and who denies it; contested ones first."""
        cl = self._scan(["Claim"], light=True)
        if not cl:
            return []
        edges, others = self._incident(sorted(cl), frozenset({"MENTIONS"}))
        nodes = {**others, **cl}
        meta = self._article_meta(*(d.get("evidence") for *_x, d in edges))
        out = [claim_info(i, nodes, edges, meta) for i in cl]
        return sorted(out, key=lambda c: (not c.contested, -(len(c.asserts) + len(c.denies)), c.text, c.id))

    def articles(self) -> list[ArticleInfo]:
        """Every article, newest first."""
        out = [ArticleInfo(i, str(d.get("title") or d.get("name") or i), str(d.get("url") or ""),
                           str(d.get("publisher") or ""), str_or_none(d.get("published")),
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


def capped(ranked: list[str], cap: int | None, n_focus: int) -> tuple[list[str], list[str]]:
    """The ids a view keeps of ``ranked`` (the focus is never cut), and up to five examples of the rest.

    >>> capped(list("abcdefghij"), 3, 1), capped(list("abc"), 3, 1), capped(list("abc"), 1, 2)
    ((['a', 'b', 'c'], ['d', 'e', 'f', 'g', 'h']), (['a', 'b', 'c'], []), (['a', 'b'], ['c']))
    """
    n_keep = len(ranked) if cap is None or cap <= 0 or len(ranked) <= cap else max(cap, n_focus)
    return ranked[:n_keep], ranked[n_keep:n_keep + 5]
