"""The read side: one small interface over the graph, with an embedded and a Neo4j implementation.

The app (and the snapshot command) ask a :class:`GraphStore` questions - search, a neighbourhood, an
actor's facts, the paths between two actors, the timeline, the claims - and get plain values back:
dataclasses and small ``networkx`` graphs in the schema of :mod:`graph_loader.graph`, never Streamlit
objects.

Both implementations share every answer's logic. A store only provides a few primitives (nodes by id,
the edges touching some nodes, all nodes of some labels, degrees, shortest node paths); the questions
are answered once, in :mod:`.base`, over those primitives. :class:`EmbeddedStore` (:mod:`.embedded`)
reads them from the node-link JSON file written by :func:`graph_loader.sinks.embedded.write_store`;
:class:`Neo4jStore` (:mod:`.neo4j`) from the parameterised Cypher of :mod:`graph_loader.cypher_reads`,
run in read-only sessions. So the two agree (``tests/test_store.py`` checks it on the sample corpus).
The answers are the dataclasses of :mod:`.results`; :mod:`.filters` holds what a view keeps;
:func:`open_store` (:mod:`.choose`) picks the store the settings ask for.

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

from ..cypher_reads import edge_condition, filter_params, node_conditions
from .attributes import article_count
from .base import HUB_TYPES, MAX_HOPS, MAX_PATH_LENGTH, ROLE_TYPES, GraphStore, StoreError, rank_key
from .choose import open_kind, open_store, unreachable_notice
from .embedded import EmbeddedStore
from .filters import Filters, edge_passes, in_range, node_passes
from .neo4j import Neo4jStore
from .results import (
    REL_PHRASES,
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
    Participant,
    PathInfo,
    Relation,
    Role,
    SearchHit,
    Source,
    Stance,
    left_out,
)

__all__ = [
    "HUB_TYPES", "MAX_HOPS", "MAX_PATH_LENGTH", "REL_PHRASES", "ROLE_TYPES", "ActorFacts", "Administration",
    "ArticleInfo", "ClaimInfo", "Counts", "EmbeddedStore", "EventInfo", "Filters", "GraphStore", "Hop", "LeftOut",
    "Link", "Neo4jStore", "NodeInfo", "Participant", "PathInfo", "Relation", "Role", "SearchHit", "Source", "Stance",
    "StoreError", "article_count", "edge_condition", "edge_passes", "filter_params", "in_range", "left_out",
    "node_conditions", "node_passes", "open_kind", "open_store", "rank_key", "unreachable_notice",
]
