"""The Neo4j store: the graph in a Neo4j 5 database, read with the builders of :mod:`graph_loader.cypher_reads`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from .. import cypher_reads as q
from ..graph import edge_key
from ..neo4j_queries import STORED_ONLY, evidence_from_lists, plain_value
from ..ontology import Ontology
from .attributes import evidence_list, sentence_evidence
from .base import PATH_ROWS, GraphStore, StoreError
from .filters import Filters
from .results import Counts, LeftOut


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

    def _read(self, cypher: str, params: Mapping[str, Any] | None = None, **more: Any) -> list[dict[str, Any]]:
        from neo4j import READ_ACCESS, unit_of_work

        @unit_of_work(timeout=self.timeout)  # the server stops a query that runs too long
        def work(tx):
            # dict(r), not r.data(): the queries return maps and lists, and data() walks them all again.
            return [dict(r) for r in tx.run(cypher, {**(params or {}), **more})]

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
            label = self.ontology.main_label(labels) if labels else "Other"
        data["label"] = label
        if label == "Event" and not data.get("event_type"):
            data["event_type"] = next((x for x in labels if x in self.ontology.event_types), "Other")
        for key in ("aliases", "articles"):
            data[key] = list(data.get(key) or [])
        data["evidence"] = evidence if evidence is not None else (
            evidence_from_lists(props) or evidence_list(data.get("evidence")))
        return data

    def _edge_attrs(self, rel_type: str, props: Mapping[str, Any], evidence: list | None = None
                    ) -> tuple[str, dict[str, Any]]:
        data = {k: plain_value(v) for k, v in props.items() if k != "key" and k not in STORED_ONLY}
        data["type"] = rel_type
        data["articles"] = list(data.get("articles") or [])
        data["evidence"] = evidence if evidence is not None else (
            evidence_from_lists(props) or evidence_list(data.get("evidence")))
        return str(props.get("key") or edge_key(rel_type, data)), data

    def counts(self) -> Counts:
        by_label = {}
        for label in self.ontology.nodes:
            n = self._read(q.count_label_query(label))[0]["n"]
            if n:
                by_label[label] = n
        by_type = {r["t"]: r["n"] for r in self._read(q.COUNT_BY_TYPE)}
        return Counts(sum(by_label.values()), sum(by_type.values()), by_label, by_type)

    def _seek(self, ids: Iterable[str]) -> tuple[str, dict[str, list[str]]]:
        """Clauses binding ``n`` to the nodes of ``ids`` (see :func:`graph_loader.cypher_reads.seek`)."""
        return q.seek(self._group(ids))

    @staticmethod
    def _viewed(data: dict[str, Any], row: Mapping[str, Any], with_articles: bool) -> dict[str, Any]:
        """Light attributes in the shape :func:`light_copy` gives (the article count comes from the server)."""
        if not with_articles:
            del data["articles"]
        data["article_count"] = row["n_articles"]
        return data

    def _node_of(self, row: Mapping[str, Any], light: bool, with_articles: bool = False) -> dict[str, Any]:
        if not light:
            return self._attrs(row["labels"], row["props"])
        data = self._attrs(row["labels"], dict(row["props"]), sentence_evidence(row["sentence"]))
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
        data["evidence"] = sentence_evidence(sentence)
        data["article_count"] = count
        return s, t, key, data

    # Views are computed on the server: the query is view_cypher's (see graph_loader.cypher_reads).
    def neighbourhood(self, ids, hops=1, filters=None, cap=None, hub=None):
        f, ids = self.resolve_filters(filters), list(ids)
        if not self._group(ids):
            return self._view_of({}, f, [])
        rows = self._read(*self.view_cypher(ids, hops, f, cap, hub, raw=False))
        return self._view_of(rows[0] if rows else {}, f, list(dict.fromkeys(ids)))

    def overview(self, filters=None, cap=None):
        f = self.resolve_filters(filters)
        rows = self._read(*self.view_cypher([], 0, f, cap, raw=False))
        return self._view_of(rows[0] if rows else {}, f, [])

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
        rows = self._read(q.nodes_query(seek, light, self.ontology), hidden=q.hidden(with_articles), **params)
        return {r["x"]["id"]: self._node_of(r["x"], light, with_articles) for r in rows}

    def _incident(self, ids, skip=frozenset(), light=False, with_articles=False):
        seek, params = self._seek(ids)
        if not seek:
            return [], {}
        rows = self._read(q.incident_query(seek, light, with_articles, self.ontology),
                          skip=sorted(skip), hidden=q.hidden(with_articles), **params)
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
        seek, params = self._seek(list(dict.fromkeys(ids)))
        if not seek:
            return []
        rows = self._read(q.edges_among_query(seek, light, with_articles, self.ontology),
                          hidden=q.hidden(with_articles), **params)
        return [self._edge_of(r["x"], light, with_articles) for r in rows]

    def _scan(self, labels, light=False, with_articles=False):
        out = {}
        for label in labels:
            if label not in self.ontology.nodes:
                continue
            for r in self._read(q.scan_query(label, light, self.ontology), hidden=q.hidden(with_articles)):
                out[r["x"]["id"]] = self._node_of(r["x"], light, with_articles)
        return out

    def articles_of(self, ids):
        seek, params = self._seek(ids)
        if not seek:
            return set()
        rows = self._read(q.articles_of_query(seek), **params)
        return set(rows[0]["ids"]) if rows else set()

    def _degrees(self, ids):
        seek, params = self._seek(ids)
        if not seek:
            return {}
        rows = self._read(q.degrees_query(seek), **params)
        return {r["id"]: r["d"] for r in rows}

    def _node_paths(self, a, b, max_length, skip):
        la, lb = self.label_of(a), self.label_of(b)
        if la is None or lb is None:
            return []
        rows = self._read(q.node_paths_query(la, lb, max_length), a=a, b=b, skip=sorted(skip), rows=PATH_ROWS)
        return [tuple(r["ids"]) for r in rows]
