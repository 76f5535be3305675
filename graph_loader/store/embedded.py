"""The embedded store: the graph of a node-link JSON file, read whole into memory (no server needed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from ..ontology import Ontology
from .attributes import light_copy
from .base import PATH_ROWS, GraphStore, StoreError
from .results import Counts


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
                from ..sinks.embedded import read_store

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
            return {i: light_copy(g.nodes[i], with_articles) for i in ids if i in g}
        return {i: dict(g.nodes[i]) for i in ids if i in g}

    def _incident(self, ids, skip=frozenset(), light=False, with_articles=False):
        g = self.graph
        lists = with_articles

        def copy(d: Mapping[str, Any]) -> dict[str, Any]:
            return light_copy(d, lists) if light else dict(d)

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
            return light_copy(d, with_articles) if light else dict(d)

        order = self._inside(ids)
        inside = set(order)
        succ = g.succ
        return [(u, v, k, copy(d)) for u in order for v, keyed in succ[u].items() if v in inside
                for k, d in keyed.items()]

    def _scan(self, labels, light=False, with_articles=False):
        wanted = set(labels)
        nodes = self.graph.nodes(data=True)
        if light:
            return {i: light_copy(d, with_articles) for i, d in nodes if d.get("label") in wanted}
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
