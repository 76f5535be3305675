"""A query's answer as plain values: nodes, relationships and paths as dicts, a table's cells as text, and
the graph of every node and relationship found in the rows."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..graph import edge_key
from ..neo4j_queries import STORED_ONLY, evidence_from_lists
from ..ontology import load_ontology

# ---------------------------------------------------------------- results as plain values


class NodeValue(dict):
    """A node of a result as a plain dict: ``labels`` and ``properties``."""


class RelValue(dict):
    """A relationship as a plain dict: ``type``, ``start``, ``end`` (node ids) and ``properties``."""


class PathValue(dict):
    """A path as a plain dict: ``nodes`` and ``relationships``."""


def _node_key(node: Any, known: dict[str, Any] | None = None) -> str:
    """A node's ``id`` property (looked up in ``known`` by element id when the node came back bare)."""
    full = (known or {}).get(node.element_id, node)
    return str(full.get("id") or full.element_id)


def _plain(value: Any, known: dict[str, Any] | None = None) -> Any:
    """Neo4j values as JSON-friendly Python values (nodes, relationships and paths as dicts).

    ``known`` maps element ids to full nodes, for relationship ends the result did not return.
    """
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return NodeValue(labels=sorted(value.labels), properties={k: _plain(v) for k, v in value.items()})
    if isinstance(value, Relationship):
        return RelValue(type=value.type, start=_node_key(value.start_node, known),
                        end=_node_key(value.end_node, known),
                        properties={k: _plain(v) for k, v in value.items()})
    if isinstance(value, Path):
        return PathValue(nodes=[_plain(n, known) for n in value.nodes],
                         relationships=[_plain(r, known) for r in value.relationships])
    if isinstance(value, list | tuple):
        return [_plain(v, known) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, known) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time Date, DateTime, Duration...
        return value.iso_format()
    return value


def _node_label(labels: Iterable[str]) -> str:
    labels = sorted(labels)
    return load_ontology().main_label(labels) if labels else ""


def _rel_text(rel: dict) -> str:
    extra = ", ".join(f"{k}={v}" for k, v in load_ontology().shown_properties(rel.get("properties", {})))
    return f"{rel['type']} ({extra})" if extra else rel["type"]


def display(value: Any) -> str:
    """A short text for a table cell: a node as ``name [Label]``, a path as ``A -[T]-> B``.

    >>> display(["a", 1, None]), display(NodeValue(labels=["Person"], properties={"name": "X"}))
    ('a; 1', 'X [Person]')
    """
    if value is None:
        return ""
    if isinstance(value, NodeValue):
        props = value["properties"]
        return f"{props.get('name', props.get('id', '?'))} [{_node_label(value['labels'])}]"
    if isinstance(value, RelValue):
        return _rel_text(value)
    if isinstance(value, PathValue):
        nodes = value["nodes"]
        out = [str(nodes[0]["properties"].get("name", "?"))] if nodes else []
        for rel, node in zip(value["relationships"], nodes[1:], strict=False):
            forward = rel["end"] == str(node["properties"].get("id"))
            arrow = f"-[{_rel_text(rel)}]->" if forward else f"<-[{_rel_text(rel)}]-"
            out.append(f"{arrow} {node['properties'].get('name', '?')}")
        return " ".join(out)
    if isinstance(value, list):
        return "; ".join(display(v) for v in value if v is not None)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {display(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


# ---------------------------------------------------------------- results as a graph




def records_to_graph(nodes: Iterable[Any], relationships: Iterable[Any]) -> nx.MultiDiGraph:
    """A MultiDiGraph in the schema of :mod:`graph_loader.graph` from Neo4j nodes and relationships.

    Node ids are the nodes' ``id`` property (the element id when absent); the label is the ontology label
    (``Event`` for events, whose type stays in ``event_type``); edge keys are the stored ``key``.
    """
    g = nx.MultiDiGraph()
    nodes = list(nodes)
    # A relationship's end nodes may be bare (no labels or properties) when the result did not return
    # them; the full node, when given, is found by element id.
    by_element = {n.element_id: n for n in nodes}

    def add(node: Any) -> str:
        node = by_element.get(node.element_id, node)
        nid = _node_key(node)
        if nid not in g:
            props = {k: _plain(v) for k, v in node.items() if k not in STORED_ONLY and k != "id"}
            props.setdefault("name", nid)
            props.setdefault("aliases", [])
            props.setdefault("articles", [])
            ev = evidence_from_lists(dict(node))
            g.add_node(nid, label=_node_label(node.labels), **props,
                       evidence=ev if ev else props.pop("evidence", []))
        return nid

    for n in nodes:
        add(n)
    for r in relationships:
        u, v = add(r.start_node), add(r.end_node)
        props = {k: _plain(val) for k, val in r.items() if k not in STORED_ONLY and k != "key"}
        key = r.get("key") or edge_key(r.type, props)
        props.setdefault("articles", [])
        g.add_edge(u, v, key=key, type=r.type, **props, evidence=evidence_from_lists(dict(r)))
    return g


def _collect_elements(value: Any, nodes: dict[str, Any], rels: dict[str, Any]) -> None:
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        nodes[value.element_id] = value
    elif isinstance(value, Relationship):
        rels[value.element_id] = value
    elif isinstance(value, Path):
        for n in value.nodes:
            nodes[n.element_id] = n
        for r in value.relationships:
            rels[r.element_id] = r
    elif isinstance(value, list | tuple):
        for v in value:
            _collect_elements(v, nodes, rels)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_elements(v, nodes, rels)



# ---------------------------------------------------------------- the answer


@dataclass
class QueryResult:
    """A read-only query's answer: ``rows`` hold plain values (see :func:`_plain`), ``graph`` the nodes
    and relationships found anywhere in them, ``truncated`` whether rows beyond ``row_cap`` were cut."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    row_cap: int
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    elapsed_s: float = 0.0

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def to_frame(self, as_text: bool = True):
        """A pandas DataFrame; with ``as_text`` every cell is its :func:`display` text."""
        import pandas as pd

        rows = [[display(v) for v in row] for row in self.rows] if as_text else self.rows
        return pd.DataFrame(rows, columns=self.columns)

    @property
    def notice(self) -> str:
        """The one-line truncation notice ('' when nothing was cut)."""
        if not self.truncated:
            return ""
        return (f"note: showing the first {self.row_cap} rows; the query returned more "
                f"(raise PORTERO_ROW_CAP or add LIMIT)")


def _as_table(result: QueryResult) -> str:
    if not result.rows:
        return "(no rows)\n"
    return result.to_frame().to_string(index=False, max_colwidth=80) + "\n"


def _as_csv(result: QueryResult) -> str:
    return result.to_frame().to_csv(index=False)


def _as_json(result: QueryResult) -> str:
    return json.dumps(result.records(), ensure_ascii=False, indent=2, default=str) + "\n"


# The text forms of an answer (``portero query --format``): each a function from the result to its text.
OUTPUT_FORMATS: dict[str, Callable[[QueryResult], str]] = {"table": _as_table, "csv": _as_csv, "json": _as_json}
