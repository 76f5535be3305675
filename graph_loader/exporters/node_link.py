"""Node-link JSON (``{"nodes": [...], "links": [...]}``), the shape D3 force layouts and networkx read.

Lists and dicts stay JSON lists and objects. Read it back with
``networkx.node_link_graph(data, edges="links")``.

>>> import io, json, networkx as nx
>>> g = nx.MultiDiGraph(); g.add_node("person:a", label="Person", name="Ana", aliases=["Anita"])
>>> buf = io.StringIO(); write_node_link(g, buf)
>>> back = nx.node_link_graph(json.loads(buf.getvalue()), edges="links")
>>> back.nodes["person:a"]["aliases"]
['Anita']
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TextIO

import networkx as nx

from .common import json_default


def write_node_link(g: nx.MultiDiGraph, fh: TextIO) -> None:
    """Write ``g`` as node-link JSON (UTF-8 text, accents kept) to the text file handle ``fh``."""
    data = nx.node_link_data(g, edges="links")
    data["graph"] = {**data.get("graph", {}), "generator": "Portero Graph",
                     "exported": dt.date.today().isoformat()}
    json.dump(data, fh, ensure_ascii=False, indent=1, default=json_default)
    fh.write("\n")
