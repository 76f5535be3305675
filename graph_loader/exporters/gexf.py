"""GEXF 1.2 for Gephi, with a timeline: events appear at their date, administrations last their term.

Written directly with ElementTree rather than through networkx, because networkx's writer takes the
attributes ``label``, ``type``, ``start`` and ``end`` as GEXF's own (the ontology label would become the
visible label and the relationship type the edge direction). Here the visible label is the name, the
ontology label and relationship type are the attribute ``type``, and the times are the elements'
``start``/``end`` in ``timeformat="date"`` (see :func:`.common.node_time`), which Gephi's timeline plays.
The graph's edge key is the attribute ``networkx_key``, which networkx's reader takes back as the key.

>>> import io, networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("event:1", label="Event", name="Arrest", date="2024-07")
>>> g.add_node("person:a", label="Person", name="A")
>>> _ = g.add_edge("person:a", "event:1", key="PARTICIPANT|role=subject", type="PARTICIPANT", role="subject")
>>> buf = io.BytesIO(); write_gexf(g, buf)
>>> back = nx.read_gexf(io.BytesIO(buf.getvalue()))
>>> back.nodes["event:1"]["label"], back.nodes["event:1"]["start"], back.nodes["person:a"]["type"]
('Arrest', '2024-07-01', 'Person')
"""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO
from xml.etree import ElementTree as ET

import networkx as nx

from ..ontology import load_ontology
from .common import coerce, column_types, edge_time, hex_rgb, node_time, xml_text

NS = "http://www.gexf.net/1.2draft"
NS_VIZ = "http://www.gexf.net/1.2draft/viz"
# Attributes that become GEXF's own: the name is the label, times are the element's spell.
_NODE_OWN = {"name", "label", "start", "end"}
_EDGE_OWN = {"type", "start", "end"}  # ``type`` is also kept as an attribute


def _declare(parent: ET.Element, cls: str, kinds: dict[str, str]) -> dict[str, str]:
    """Declare the attribute columns of one class; return name -> GEXF attribute id."""
    block = ET.SubElement(parent, "attributes", {"class": cls, "mode": "static"})
    ids = {}
    for i, (name, kind) in enumerate(sorted(kinds.items())):
        ids[name] = str(i)
        ET.SubElement(block, "attribute", {"id": str(i), "title": xml_text(name), "type": kind})
    return ids


def _attvalues(parent: ET.Element, data: dict[str, Any], kinds: dict[str, str], ids: dict[str, str]) -> None:
    values = ET.SubElement(parent, "attvalues")
    for name in sorted(kinds):
        value = coerce(data.get(name), kinds[name])
        if value is None:
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        ET.SubElement(values, "attvalue", {"for": ids[name], "value": xml_text(text)})


def _times(attrs: dict[str, str], span: tuple[str | None, str | None]) -> None:
    if span[0]:
        attrs["start"] = span[0]
    if span[1]:
        attrs["end"] = span[1]


def write_gexf(g: nx.MultiDiGraph, fh: BinaryIO) -> None:
    """Write ``g`` as dynamic GEXF 1.2 (UTF-8) to the binary file handle ``fh``, coloured by the ontology."""
    onto = load_ontology()
    ET.register_namespace("", NS)
    ET.register_namespace("viz", NS_VIZ)
    root = ET.Element(f"{{{NS}}}gexf", {"version": "1.2"})
    meta = ET.SubElement(root, "meta", {"lastmodifieddate": dt.date.today().isoformat()})
    ET.SubElement(meta, "creator").text = "Portero Graph"
    ET.SubElement(meta, "description").text = (
        "Actors, events and claims read from news articles; 'type' is the ontology label or relationship "
        "type; lists are JSON text.")
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "directed", "mode": "dynamic",
                                          "timeformat": "date"})

    # The node's ontology label is written as ``type``, like the relationship type of edges.
    skip_node = _NODE_OWN - {"label"}
    node_rows = {n: {("type" if k == "label" else k): v for k, v in d.items() if k not in skip_node}
                 for n, d in g.nodes(data=True)}
    edge_rows = [{k: v for k, v in d.items() if k not in _EDGE_OWN - {"type"}} | {"networkx_key": key}
                 for _, _, key, d in g.edges(keys=True, data=True)]
    node_kinds = column_types(node_rows.values())
    edge_kinds = column_types(edge_rows)
    node_ids = _declare(graph, "node", node_kinds)
    edge_ids = _declare(graph, "edge", edge_kinds)

    spans = {n: node_time(d) for n, d in g.nodes(data=True)}
    degree = dict(g.degree())
    nodes = ET.SubElement(graph, "nodes")
    for n, d in g.nodes(data=True):
        attrs = {"id": xml_text(str(n)), "label": xml_text(str(d.get("name") or n))}
        _times(attrs, spans[n])
        el = ET.SubElement(nodes, "node", attrs)
        _attvalues(el, node_rows[n], node_kinds, node_ids)
        r, gr, b = hex_rgb(onto.colour(d.get("label", "")))
        ET.SubElement(el, f"{{{NS_VIZ}}}color", {"r": str(r), "g": str(gr), "b": str(b)})
        ET.SubElement(el, f"{{{NS_VIZ}}}size", {"value": str(8 + 2 * min(degree.get(n, 0), 16))})
        ET.SubElement(el, f"{{{NS_VIZ}}}shape", {"value": onto.shape(str(d.get("label"))).gexf})

    edges = ET.SubElement(graph, "edges")
    for i, ((u, v, _key, d), row) in enumerate(zip(g.edges(keys=True, data=True), edge_rows, strict=True)):
        rel = str(d.get("type", ""))
        attrs = {"id": f"e{i}", "source": xml_text(str(u)), "target": xml_text(str(v)),
                 "label": xml_text(rel)}
        _times(attrs, edge_time(d, spans[u], spans[v]))
        el = ET.SubElement(edges, "edge", attrs)
        _attvalues(el, row, edge_kinds, edge_ids)
        colour = onto.rel_colour(rel)
        r, gr, b = hex_rgb(colour)
        ET.SubElement(el, f"{{{NS_VIZ}}}color", {"r": str(r), "g": str(gr), "b": str(b)})

    ET.indent(root)
    ET.ElementTree(root).write(fh, encoding="utf-8", xml_declaration=True)
