"""The app's data layer: the store (cached as a resource) and cached answers (cached as data).

Pages call these functions and draw what comes back; nothing here draws. Every cached function takes
the store as ``_store`` (not hashed) and the store's ``key`` (hashed): the key names the store kind, its
file and the file's modification time, or the Neo4j URI and database, so reloading articles into the
store file, or pointing the app at another store, is seen on the next rerun.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

import networkx as nx
import streamlit as st

from graph_loader.ontology import Ontology, load_ontology
from graph_loader.render import to_pyvis_html
from graph_loader.settings import Settings, load_settings
from graph_loader.store import (
    ActorFacts,
    Administration,
    ArticleInfo,
    ClaimInfo,
    Counts,
    EventInfo,
    Filters,
    GraphStore,
    LeftOut,
    Neo4jStore,
    NodeInfo,
    PathInfo,
    SearchHit,
    left_out,
    open_store,
)
from graph_loader.view_positions import positions, readable_part

RETRY_NEO4J_AFTER = 30.0  # seconds before a fallback to the embedded store tries Neo4j again
# Answers are kept this long: a store file's changes are seen at once (its mtime is in the key), a Neo4j
# database's changes within this time.
CACHE_SECONDS = 120


def store_key(settings: Settings) -> str:
    """What identifies the store the settings point at (never the password)."""
    path = Path(settings.store_path)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = 0
    user = settings.neo4j_auth[0] if settings.neo4j_auth else ""
    return "|".join([str(settings.store).lower(), str(path.resolve()), str(mtime), settings.neo4j_uri,
                     settings.neo4j_database, user])


def _release(opened: tuple[GraphStore, float]) -> None:
    opened[0].close()  # a Neo4j store closes its driver when it leaves the cache


try:  # newer Streamlit tells when a cached resource is dropped; older ones have no on_release
    _resource = st.cache_resource(show_spinner=False, max_entries=4, on_release=_release)
except TypeError:
    _resource = st.cache_resource(show_spinner=False, max_entries=4)


@_resource
def _open(key: str, _settings: Settings) -> tuple[GraphStore, float]:
    return open_store(_settings), time.monotonic()


def current() -> tuple[GraphStore, str]:
    """The store the settings point at (opened once per key) and its key."""
    settings = load_settings()
    key = store_key(settings)
    store, opened = _open(key, settings)
    if store.notice and time.monotonic() - opened > RETRY_NEO4J_AFTER:
        # Neo4j was wanted but unreachable: try again now and then, it may have been started since.
        _open.clear()
        store, opened = _open(key, settings)
    elif isinstance(store, Neo4jStore) and not store.alive():
        # Neo4j went away while the app was open: within the connection timeout, fall back and say so.
        _open.clear()
        store, opened = _open(key, settings)
    return store, key


def ontology() -> Ontology:
    return load_ontology()


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def counts(_store: GraphStore, key: str) -> Counts:
    return _store.counts()


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_SECONDS)
def search(_store: GraphStore, key: str, text: str, limit: int = 12) -> list[SearchHit]:
    return _store.search(text, limit)


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def actors(_store: GraphStore, key: str) -> list[SearchHit]:
    return _store.actors()


@st.cache_data(show_spinner=False, max_entries=256, ttl=CACHE_SECONDS)
def node(_store: GraphStore, key: str, nid: str) -> NodeInfo | None:
    return _store.node(nid)


@dataclass(frozen=True)
class GraphView:
    """A drawn view: its page, its nodes (id, name, label) by name, and what was left out."""

    html: str
    nodes: tuple[tuple[str, str, str], ...]
    edges: int
    left_out: LeftOut
    focus: tuple[str, ...]


def _graph_view(g: nx.MultiDiGraph, height: int, title: str | None, caption: str | None) -> GraphView:
    focus = tuple(g.graph.get("focus") or ())
    # Laid out here, drawn at once in the browser (no physics), names apart.
    pos = positions(g, focus=set(focus))
    html = to_pyvis_html(g, ontology(), height=f"{height}px", title=title, caption=caption, focus=list(focus),
                         positions=pos)
    nodes = sorted(((n, str(d.get("name") or n), str(d.get("label"))) for n, d in g.nodes(data=True)),
                   key=lambda x: (x[1].lower(), x[0]))
    return GraphView(html, tuple(nodes), g.number_of_edges(), left_out(g), focus)


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_SECONDS)
def explore_view(_store: GraphStore, key: str, focus: str | None, hops: int, filters: Filters, cap: int,
                 height: int = 620, caption: str | None = None, *, hub: int = 0) -> GraphView:
    """The Explore page's graph: the neighbourhood of ``focus`` (not going through hubs of more than
    ``hub`` relationships), or the overview without one."""
    g, _left = explore_graph(_store, key, focus, hops, filters, cap, hub)
    return _graph_view(g, height, None, caption)


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_SECONDS)
def explore_graph(_store: GraphStore, key: str, focus: str | None, hops: int, filters: Filters, cap: int,
                  hub: int = 0) -> tuple[nx.MultiDiGraph, int]:
    """The graph the Explore page draws and how many nodes the overview left out so that every name
    stays readable (:func:`graph_loader.view_positions.readable_part`; 0 for a focused view)."""
    if focus:
        return _store.neighbourhood([focus], hops, filters, cap, hub), 0
    return readable_part(_store.overview(filters, cap))


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_SECONDS)
def explore_positions(_store: GraphStore, key: str, focus: str | None, hops: int, filters: Filters, cap: int,
                      hub: int, fixed: tuple[tuple[str, float, float], ...]) -> dict[str, tuple[float, float]]:
    """Where the Explore page draws each node (computed once per store version and view): ``fixed``
    nodes, those already on the student's screen, keep their place."""
    g, _left = explore_graph(_store, key, focus, hops, filters, cap, hub)
    return positions(g, {n: (x, y) for n, x, y in fixed}, focus={focus} if focus else set())


@st.cache_data(show_spinner=False, max_entries=128, ttl=CACHE_SECONDS)
def actor_facts(_store: GraphStore, key: str, nid: str) -> ActorFacts | None:
    return _store.actor_facts(nid)


@st.cache_data(show_spinner=False, max_entries=128, ttl=CACHE_SECONDS)
def shortest_paths(_store: GraphStore, key: str, a: str, b: str, max_paths: int = 5) -> list[PathInfo]:
    return _store.shortest_paths(a, b, max_paths)


def paths_graph(paths: list[PathInfo]) -> nx.MultiDiGraph:
    """The union of some paths as a small graph (for drawing)."""
    g = nx.MultiDiGraph()
    for p in paths:
        for nid, name, label in p.nodes:
            g.add_node(nid, name=name, label=label)
        for hop in p.hops:
            for link in hop.links:
                evidence = [{"article_id": s.article_id, "sentence": s.sentence} for s in link.sources]
                g.add_edge(link.source_id, link.target_id, key=link.rel_type, type=link.rel_type,
                           evidence=evidence, articles=sorted({s.article_id for s in link.sources}),
                           **dict(link.props))
    return g


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_SECONDS)
def paths_view(_store: GraphStore, key: str, a: str, b: str, max_paths: int = 5,
               height: int = 340) -> GraphView:
    g = paths_graph(_store.shortest_paths(a, b, max_paths))
    g.graph["focus"] = [a, b]
    return _graph_view(g, height, None, None)


@st.cache_data(show_spinner=False, max_entries=64, ttl=CACHE_SECONDS)
def events(_store: GraphStore, key: str, filters: Filters) -> list[EventInfo]:
    return _store.events(filters)


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def administrations(_store: GraphStore, key: str) -> list[Administration]:
    return _store.administrations()


@st.cache_resource(show_spinner=False)
def gazetteer_administrations() -> list[Administration]:
    """Every administration the gazetteer knows (its heads of state's terms, with their full dates)."""
    from graph_loader.extract.gazetteer import load_gazetteer
    from graph_loader.model import node_id

    return [Administration(node_id("Administration", a.name), a.name, a.leader, a.country, a.start, a.end)
            for a in load_gazetteer().administrations()]


def with_known_administrations(stored: list[Administration],
                               known: list[Administration]) -> list[Administration]:
    """The store's administrations and every other one in ``known``, by start; one per id.

    A known administration gives its (fuller) dates to the stored one of the same id, so a period with
    no article about its head of government still shows who governed.

    >>> a = Administration("administration:biden-administration", "Biden administration", "Joe Biden",
    ...                    "United States", "2021-01-20", "2025-01-20")
    >>> b = Administration("administration:trump-administration", "Trump administration", "Donald Trump",
    ...                    "United States", "2025", None)
    >>> [(x.name, x.start) for x in with_known_administrations([b], [a, replace(b, start="2025-01-20")])]
    [('Biden administration', '2021-01-20'), ('Trump administration', '2025-01-20')]
    """
    merged = {a.id: a for a in stored}
    for k in known:
        had = merged.get(k.id)
        merged[k.id] = k if had is None else replace(had, start=k.start or had.start, end=k.end or had.end)
    return sorted(merged.values(), key=lambda a: (a.start or "", a.country, a.name))


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def claims(_store: GraphStore, key: str) -> list[ClaimInfo]:
    return _store.claims()


@st.cache_data(show_spinner=False, max_entries=16, ttl=CACHE_SECONDS)
def articles(_store: GraphStore, key: str) -> list[ArticleInfo]:
    return _store.articles()
