"""``portero export --format csv`` output loaded by the real ``neo4j-admin database import full`` (no mocks).

The graph is exported to CSV, the command of the folder's own ``neo4j-admin-import.sh`` is run by
:func:`graph_loader.neo4j_server.admin_import` (Neo4j 5.26's ``org.neo4j.cli.AdminTool`` from the launcher's
jars) into a fresh data folder, and a local server started on that folder is read back: labels, counts and
every property must equal what the Neo4j sink writes, but for what the CSV format cannot say (README,
"Loading the CSV files with neo4j-admin"): an empty list is no property at all, a ``;`` inside a list item is
``；``, and a column whose values differ in type holds text. The graph is the sample corpus's together with
the small one of test_exports whose text holds quotes, markup, backslashes, semicolons and a line break
(one import and one server start for both, to keep the test short).

The jars come from the shared home (conftest's ``JARS_HOME``, built on first use like the other Neo4j tests);
the store is new in a temp folder, served on a port free at run time.
Without Java these tests skip, unless CI is set: then they fail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import needs
import networkx as nx
import pytest
from conftest import JARS_HOME, free_port
from neo4j import GraphDatabase
from test_exports import hostile_graph

from graph_loader import neo4j_server
from graph_loader.exporters import export_graph
from graph_loader.exporters.neo4j_csv import ARRAY_DELIMITER, DELIMITER_STAND_IN
from graph_loader.exporters.neo4j_shape import neo4j_properties, node_labels, relationship_properties
from graph_loader.neo4j_server import Neo4jServerError, admin_import
from graph_loader.settings import Settings, load_settings

KNOWN = ("person:enrique-camarena", "person:ana")  # one node spelled out from each graph


def _settings(data: Path, port: int) -> Settings:
    return load_settings({"PORTERO_HOME": str(JARS_HOME), "PORTERO_NEO4J_DATA": str(data),
                          "PORTERO_NEO4J_PORT": str(port), "PORTERO_NEO4J_HEAP": "384m",
                          "PORTERO_NEO4J_PAGECACHE": "64m", "PORTERO_NEO4J_START_TIMEOUT": "180"})


def column_types(folder: Path) -> dict[str, dict[str, str]]:
    """Label or relationship type -> {property: type}, as the headers of the exported files declare them."""
    out: dict[str, dict[str, str]] = {}
    for path in folder.glob("*.csv"):
        header = path.read_text(encoding="utf-8").splitlines()[0].split(",")
        name = path.stem.split("_", 1)[1]
        out[name] = {f.partition(":")[0]: (f.partition(":")[2] or "string").removesuffix("[]")
                     for f in header if not f.startswith(":")}
    return out


def as_imported(props: dict[str, Any], types: dict[str, str]) -> dict[str, Any]:
    """The properties the import gives for what the Neo4j sink writes as ``props``."""
    out = {}
    for key, value in props.items():
        if isinstance(value, list):
            if not value:
                continue  # an empty CSV field is no property: an empty list cannot be written
            value = [x.replace(ARRAY_DELIMITER, DELIMITER_STAND_IN) if isinstance(x, str) else x for x in value]
        elif types[key] == "string" and not isinstance(value, str):
            value = str(value).lower() if isinstance(value, bool) else str(value)  # a mixed column is text
        elif types[key] == "double" and isinstance(value, int):
            value = float(value)
        out[key] = value
    return out


@pytest.fixture
def graph(sample_graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The sample graph and the hostile one (no node in common) as one graph."""
    hostile = hostile_graph()
    assert not set(hostile) & set(sample_graph)
    return nx.compose(sample_graph, hostile)


@pytest.fixture
def imported(graph: nx.MultiDiGraph, tmp_path: Path) -> Iterator[Settings]:
    """Settings of a local server holding ``graph`` as neo4j-admin imported it from the CSV export."""
    needs.java()
    settings = _settings(tmp_path / "neo4j", free_port())
    try:
        neo4j_server._find_java()
        neo4j_server.ensure_built(settings)
    except Neo4jServerError as exc:
        needs.unavailable(f"neo4j-admin cannot run: {exc}")
    export_graph(graph, "csv", tmp_path / "csv")
    output = admin_import(settings, tmp_path / "csv")  # an error here is the importer rejecting the files
    assert "IMPORT DONE" in output
    try:
        neo4j_server.start(settings)
        yield settings
    finally:
        neo4j_server.stop(settings)


@pytest.mark.neo4j
@pytest.mark.slow
def test_neo4j_admin_import_loads_the_csv_export(graph, imported, tmp_path):
    settings = imported
    types = column_types(tmp_path / "csv")
    with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
        def rows(cypher: str, **params: Any) -> list[Any]:
            return driver.execute_query(cypher, params, database_="neo4j").records

        # Node counts per label (an event counts under Event and its type) and relationship counts per type.
        labels = Counter(label for _, d in graph.nodes(data=True) for label in node_labels(d))
        got = {r["l"]: r["n"] for r in rows("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n")}
        assert got == dict(labels)
        rel_types = Counter(d["type"] for _, _, d in graph.edges(data=True))
        got = {r["t"]: r["n"] for r in rows("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n")}
        assert got == dict(rel_types)

        # Every node: its labels and exactly the properties the Neo4j sink would write.
        nodes = {r["p"]["id"]: (r["l"], r["p"])
                 for r in rows("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")}
        assert len(nodes) == graph.number_of_nodes()
        for n, d in graph.nodes(data=True):
            assert str(n) in nodes, n
            node_labels_got, props = nodes[str(n)]
            assert sorted(node_labels_got) == sorted(node_labels(d)), n
            assert props == as_imported({"id": str(n), **neo4j_properties(d)}, types[d["label"]]), n

        # Every relationship, found by its ends, type and key, with the sink's properties.
        rels: dict[tuple[str, str, str, str], list[dict]] = {}
        for r in rows("MATCH (a)-[r]->(b) RETURN a.id AS a, b.id AS b, type(r) AS t, properties(r) AS p"):
            rels.setdefault((r["a"], r["b"], r["t"], r["p"]["key"]), []).append(r["p"])
        for u, v, k, d in graph.edges(keys=True, data=True):
            expected = as_imported(relationship_properties(str(k), d), types[d["type"]])
            assert rels.get((str(u), str(v), d["type"], str(k))) == [expected], (u, v, k)

        # Known nodes, spelled out: name, aliases and the four evidence lists came through as lists.
        for nid in KNOWN:
            data = graph.nodes[nid]
            node = rows("MATCH (n {id: $id}) RETURN n", id=nid)[0]["n"]
            assert node["name"] == data["name"]
            assert len(data["aliases"]) >= 2 and node["aliases"] == [
                a.replace(ARRAY_DELIMITER, DELIMITER_STAND_IN) for a in data["aliases"]]
            evidence = data["evidence"]
            assert evidence and node["evidence_sentences"] == [
                e["sentence"].replace(ARRAY_DELIMITER, DELIMITER_STAND_IN) for e in evidence]
            assert node["evidence_articles"] == [e["article_id"] for e in evidence]
            assert node["evidence_starts"] == [e["start"] for e in evidence]
            assert node["evidence_ends"] == [e["end"] for e in evidence]
        assert rows("MATCH (n {id: 'person:ana'}) RETURN n.aliases AS a")[0]["a"] == ["Ruíz", "A；R"]
        odd = rows("MATCH (n {id: 'organization:odd'}) RETURN n.name AS name")[0]["name"]
        assert "\n" in odd and "\t" in odd  # a line break and a tab survive (--multiline-fields=true)
        # The sample's administrations have text terms ('1982'), the hostile one a number: the column is text.
        assert types["Administration"]["start"] == "string"
        assert rows("MATCH (n {id: 'administration:x'}) RETURN n.start AS s")[0]["s"] == "2018"

    # While the server runs, the store is in use: admin_import refuses before calling Java.
    with pytest.raises(Neo4jServerError, match="is running: stop it"):
        admin_import(settings, tmp_path / "csv")


def test_admin_import_needs_the_local_server(tmp_path):
    remote = load_settings({"NEO4J_URI": "bolt://example.invalid:7687"})
    with pytest.raises(Neo4jServerError, match="local server's files only"):
        admin_import(remote, tmp_path)


def test_admin_import_needs_an_export_folder(tmp_path):
    with pytest.raises(Neo4jServerError, match="neo4j-admin-import.sh is missing"):
        admin_import(_settings(tmp_path / "neo4j", free_port()), tmp_path)
    (tmp_path / "neo4j-admin-import.sh").write_text("#!/bin/sh\nneo4j-admin database import incremental x\n")
    with pytest.raises(Neo4jServerError, match="does not run `neo4j-admin database import full`"):
        admin_import(_settings(tmp_path / "neo4j", free_port()), tmp_path)
