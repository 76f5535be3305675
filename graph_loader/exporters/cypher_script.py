"""A Cypher script that recreates the graph: one parameter-free statement per line, each ending in ``;``.

Nodes are merged by ``id`` and relationships by their ``key`` between the same two nodes, so running the
script twice, or on a database the loader already filled, changes nothing. Every string is a quoted
literal with quotes, backslashes and control characters escaped; labels, types and property names are
back-quoted. Run it with ``cypher-shell -f graph.cypher`` or paste it into Neo4j Browser.

>>> print(cypher_literal("It's a \\\\ and a\\nline"))
'It\\'s a \\\\ and a\\nline'
>>> cypher_literal(["a", 1]), cypher_literal(None), cypher_literal({"k": True})
("['a', 1]", 'null', '{`k`: true}')
>>> quote_name("name"), quote_name("odd`name")
('`name`', '`odd``name`')
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any, TextIO

import networkx as nx

from ..schema import schema_statements
from .neo4j_shape import neo4j_properties, node_labels, relationship_properties

_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def quote_name(name: str) -> str:
    """A label, type or property name as a back-quoted Cypher identifier."""
    return "`" + str(name).replace("`", "``") + "`"


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def cypher_literal(value: Any) -> str:
    """``value`` as a Cypher literal (strings single-quoted and escaped)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"toFloat({_string(str(value).replace('inf', 'Infinity').replace('nan', 'NaN'))})"
        return repr(value)
    if isinstance(value, dt.date | dt.datetime):
        return _string(value.isoformat())
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote_name(k)}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    return _string(str(value))


def cypher_statements(g: nx.MultiDiGraph) -> Iterator[str]:
    """The script's statements, without the trailing ``;``: schema, then nodes, then relationships."""
    # The project's own schema (constraints MERGE relies on, name indexes), each IF NOT EXISTS.
    yield from schema_statements()
    labels = {n: node_labels(d) for n, d in g.nodes(data=True)}
    for n, d in g.nodes(data=True):
        main, *extra = labels[n]
        props = cypher_literal(neo4j_properties(d))
        set_labels = "".join(f"n:{quote_name(x)}, " for x in extra)
        yield (f"MERGE (n:{quote_name(main)} {{`id`: {cypher_literal(str(n))}}}) "
               f"SET {set_labels}n += {props}")
    for u, v, k, d in g.edges(keys=True, data=True):
        rel = str(d.get("type") or "RELATED")
        props = relationship_properties(str(k), d)
        key = props.pop("key")
        yield (f"MATCH (a:{quote_name(labels[u][0])} {{`id`: {cypher_literal(str(u))}}}) "
               f"MATCH (b:{quote_name(labels[v][0])} {{`id`: {cypher_literal(str(v))}}}) "
               f"MERGE (a)-[r:{quote_name(rel)} {{`key`: {cypher_literal(key)}}}]->(b) "
               f"SET r += {cypher_literal(props)}")


def write_cypher(g: nx.MultiDiGraph, fh: TextIO) -> None:
    """Write the script recreating ``g`` to the text file handle ``fh`` (UTF-8)."""
    fh.write(f"// Portero Graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships, "
             f"exported {dt.date.today().isoformat()}.\n"
             "// One statement per line; MERGE by id and key, so running it again changes nothing.\n")
    for statement in cypher_statements(g):
        fh.write(statement + ";\n")
