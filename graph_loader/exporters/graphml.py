"""GraphML: the graph's schema as it is (``label`` is the ontology label), one typed key per attribute.

>>> import io, networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("person:a", label="Person", name="A", aliases=["Al"])
>>> g.add_edge("person:a", "person:a", key="WORKS_WITH", type="WORKS_WITH", articles=["article:1"])
'WORKS_WITH'
>>> buf = io.BytesIO(); write_graphml(g, buf)
>>> back = nx.read_graphml(io.BytesIO(buf.getvalue()), force_multigraph=True)
>>> back.nodes["person:a"]["aliases"], list(back.edges(keys=True))
('["Al"]', [('person:a', 'person:a', 'WORKS_WITH')])
"""

from __future__ import annotations

from typing import BinaryIO

import networkx as nx

from .common import coerce, column_types, xml_text

_PY = {"boolean": bool, "long": int, "double": float, "string": str}


def flatten_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``g`` whose attributes are XML-safe scalars of one type per attribute name."""
    node_kinds = column_types(d for _, d in g.nodes(data=True))
    edge_kinds = column_types(d for _, _, d in g.edges(data=True))

    def clean(data: dict, kinds: dict[str, str]) -> dict:
        out = {}
        for key, raw in data.items():
            value = coerce(raw, kinds.get(key, "string"))
            if value is not None:
                out[key] = xml_text(value) if isinstance(value, str) else value
        return out

    flat = nx.MultiDiGraph()
    flat.graph.update({k: xml_text(str(v)) for k, v in g.graph.items() if v is not None})
    for n, d in g.nodes(data=True):
        flat.add_node(xml_text(str(n)), **clean(d, node_kinds))
    for u, v, k, d in g.edges(keys=True, data=True):
        flat.add_edge(xml_text(str(u)), xml_text(str(v)), key=xml_text(str(k)), **clean(d, edge_kinds))
    return flat


def write_graphml(g: nx.MultiDiGraph, fh: BinaryIO) -> None:
    """Write ``g`` as GraphML (UTF-8) to the binary file handle ``fh``.

    Lists and dicts (aliases, articles, evidence) are JSON text; edge ids are the graph's edge keys.
    """
    nx.write_graphml_xml(flatten_graph(g), fh, encoding="utf-8", infer_numeric_types=False)
