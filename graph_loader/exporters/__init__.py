"""Write the graph in other tools' formats: one small exporter per format, each handed a file or folder.

=========  ==========================================  ======================================
format     module                                      opens with
=========  ==========================================  ======================================
graphml    :mod:`.graphml` (one file)                  networkx, yEd, Cytoscape, Gephi
gexf       :mod:`.gexf` (one file, with a timeline)    Gephi (colours, sizes, timeline)
json       :mod:`.node_link` (one file)                D3, networkx ``node_link_graph``
csv        :mod:`.neo4j_csv` (a folder of files)       ``neo4j-admin database import full``
cypher     :mod:`.cypher_script` (one file)            ``cypher-shell -f``, Neo4j Browser
=========  ==========================================  ======================================

:func:`export_graph` writes a file through a temporary file renamed into place, so a failed export never
leaves half a file where a good one was; :func:`load_graph` reads the whole graph from either store.
``portero export`` (:mod:`graph_loader.cli.export`) offers the formats of :data:`FORMATS`.

>>> sorted(FORMATS)
['csv', 'cypher', 'gexf', 'graphml', 'json']
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from ..atomic import atomic_write
from .cypher_script import write_cypher
from .gexf import write_gexf
from .graphml import write_graphml
from .neo4j_csv import write_neo4j_csv
from .node_link import write_node_link


class ExportError(RuntimeError):
    """The graph could not be read or written; the message names the file or server and the problem."""


@dataclass(frozen=True)
class Exporter:
    """One output format: a writer handed an open file (``binary`` or text) or, for ``folder``, a path."""

    name: str
    write: Callable[..., Any]
    suffix: str
    target: str  # "file" or "folder"
    binary: bool = False


FORMATS: dict[str, Exporter] = {
    "graphml": Exporter("graphml", write_graphml, ".graphml", "file", binary=True),
    "gexf": Exporter("gexf", write_gexf, ".gexf", "file", binary=True),
    "json": Exporter("json", write_node_link, ".json", "file"),
    "csv": Exporter("csv", write_neo4j_csv, "", "folder"),
    "cypher": Exporter("cypher", write_cypher, ".cypher", "file"),
}


def export_graph(g: nx.MultiDiGraph, fmt: str, path: str | os.PathLike) -> dict[str, Any]:
    """Write ``g`` in format ``fmt`` to ``path`` (a folder for ``csv``); return what was written.

    The result has ``format``, ``path``, ``nodes``, ``relationships``, ``files`` and ``notes`` (warnings
    worth showing, e.g. characters that had to be replaced).
    """
    try:
        exporter = FORMATS[fmt]
    except KeyError:
        choices = ", ".join(sorted(FORMATS))
        raise ExportError(f"unknown export format {fmt!r}; choose one of {choices}") from None
    path = Path(path)
    result: dict[str, Any] = {"format": fmt, "path": str(path), "nodes": g.number_of_nodes(),
                              "relationships": g.number_of_edges(), "files": [path.name], "notes": []}
    if exporter.target == "folder":
        if path.exists() and not path.is_dir():
            raise ExportError(f"{path}: is a file, but the {fmt} export writes a folder of files")
        info = exporter.write(g, path)
        result["files"], result["notes"] = info["files"], info["notes"]
        result["command"] = info["command"]
        return result
    if path.is_dir():
        example = path / f"graph{exporter.suffix}"
        raise ExportError(f"{path}: is a folder; give a file name such as {example}")
    if exporter.binary:
        with atomic_write(path, "wb") as fh:
            exporter.write(g, fh)
    else:
        with atomic_write(path, "w", encoding="utf-8", newline="\n") as fh:
            exporter.write(g, fh)
    return result


def load_graph(source: str, settings: Any) -> nx.MultiDiGraph:
    """The whole graph from the embedded store (``embedded``) or from Neo4j (``neo4j``)."""
    if source == "neo4j":
        from neo4j.exceptions import DriverError, Neo4jError

        from ..neo4j_connection import Neo4jConnectError, connect, masked
        from .from_neo4j import read_graph

        try:
            with connect(settings) as driver:  # fails at once, not after the driver's retries
                return read_graph(driver, database=settings.neo4j_database)
        except Neo4jConnectError as exc:
            raise ExportError(str(exc)) from exc
        except (DriverError, Neo4jError) as exc:
            raise ExportError(masked(f"{settings.neo4j_uri}: {exc}", settings)) from exc
    if source not in (None, "", "embedded"):
        raise ExportError(f"unknown source {source!r}; choose embedded or neo4j")
    from ..sinks.embedded import StoreError, read_store

    store = Path(settings.store_path)
    try:
        return read_store(store)
    except StoreError as exc:  # its message already names the file and the problem
        raise ExportError(str(exc)) from exc
    except OSError as exc:
        raise ExportError(f"{store}: cannot read the embedded store: {exc.strerror or exc}") from exc
