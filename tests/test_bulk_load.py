"""``portero load --bulk``: a first load through the real ``neo4j-admin database import full``.

A new local server (its own data folder and port; the jars of conftest's ``JARS_HOME``) gets the sample
articles by ``--bulk``; its node ids, labels and relationship counts must be those ``portero load --to
neo4j`` writes into the same server emptied. A second ``--bulk`` into the now full database, and one aimed
at a remote ``NEO4J_URI``, are refused in one line before any extraction.
Without Java these tests skip, unless CI is set: then they fail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import needs
import pytest
from conftest import SAMPLE_ARTICLES, free_port, private_neo4j

from graph_loader import cli
from graph_loader.bulk_load import bulk_load
from graph_loader.loader import LoadError, connect_neo4j, load_paths
from graph_loader.settings import Settings, load_settings


def _settings(home: Path, port: int) -> Settings:
    return load_settings({"PORTERO_HOME": str(home), "PORTERO_NEO4J_DATA": str(home / "neo4j"),
                          "PORTERO_NEO4J_PORT": str(port), "PORTERO_NEO4J_HEAP": "384m",
                          "PORTERO_NEO4J_PAGECACHE": "64m", "PORTERO_NEO4J_START_TIMEOUT": "180"})


@pytest.fixture
def fresh_server(tmp_path: Path) -> Iterator[Settings]:
    """A new, empty local server of its own (``--bulk`` stops and restarts it)."""
    needs.java()
    home = tmp_path / "home"
    with private_neo4j(_settings(home, free_port())) as settings:
        yield settings


def _graph(settings: Settings) -> tuple[set[str], Counter, Counter, set[str]]:
    """Node ids, nodes per label, relationships per type and constraint names of the server's database."""
    driver = connect_neo4j(settings)
    try:
        def rows(cypher: str) -> list:
            return driver.execute_query(cypher, database_=settings.neo4j_database).records

        ids = {r["id"] for r in rows("MATCH (n) RETURN n.id AS id")}
        labels = Counter({r["l"]: r["n"] for r in rows("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n")})
        types = Counter({r["t"]: r["n"] for r in rows("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n")})
        constraints = {r["name"] for r in rows("SHOW CONSTRAINTS YIELD name RETURN name")}
        return ids, labels, types, constraints
    finally:
        driver.close()


@pytest.mark.neo4j
@pytest.mark.slow
def test_bulk_load_of_the_samples_gives_the_graph_of_portero_load(fresh_server, monkeypatch, capsys):
    settings = fresh_server
    report = bulk_load([SAMPLE_ARTICLES], settings, progress=False)
    assert report.ok and report.articles_loaded > 0
    bulk = _graph(settings)
    assert report.total_nodes == len(bulk[0]) and report.total_edges == sum(bulk[2].values())
    assert not list(settings.home.glob("bulk-import-*"))  # the CSV folder is removed once imported

    # Refused in one line, before any extraction, now that the database holds the graph.
    for var in ("NEO4J_URI", "NEO4J_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    for key, value in {"PORTERO_HOME": settings.home, "PORTERO_NEO4J_DATA": settings.neo4j_data_path,
                       "PORTERO_NEO4J_PORT": settings.neo4j_port}.items():
        monkeypatch.setenv(key, str(value))
    assert cli.main(["load", "--bulk", str(SAMPLE_ARTICLES), "--no-progress"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"portero: the database at {settings.neo4j_uri} is not empty ({len(bulk[0])} nodes): --bulk "
                   "is for a first load only; use portero load --to neo4j to add to it"]
    assert _graph(settings) == bulk

    # The same files through portero load, into the same server emptied: the same graph and schema.
    driver = connect_neo4j(settings)
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)
    driver.close()
    plain = load_paths([SAMPLE_ARTICLES], to="neo4j", settings=settings, progress=False)
    assert plain.articles_loaded == report.articles_loaded
    assert _graph(settings) == bulk
    assert report.nodes_added == plain.nodes_added and report.edges_added == plain.edges_added


def test_bulk_load_refuses_a_remote_server_and_a_stopped_one(tmp_path):
    remote = load_settings({"PORTERO_HOME": str(tmp_path), "NEO4J_URI": "bolt://example.invalid:7687"})
    with pytest.raises(LoadError, match=r"^--bulk writes the local server's files with neo4j-admin, and "
                                        r"NEO4J_URI names another server \(bolt://example.invalid:7687\)"):
        bulk_load([SAMPLE_ARTICLES], remote, progress=False)
    stopped = _settings(tmp_path, free_port())
    with pytest.raises(LoadError, match=r"^the local Neo4j \(.*\) is not running: start it with `portero neo4j "
                                        r"start`"):
        bulk_load([SAMPLE_ARTICLES], stopped, progress=False)
    assert not (tmp_path / "graph.json").exists()


def test_bulk_is_for_neo4j_only(capsys):
    assert cli.main(["load", "--bulk", "--to", "embedded", str(SAMPLE_ARTICLES)]) == 1
    assert capsys.readouterr().err.strip() == "portero: --bulk loads the local Neo4j: leave out --to embedded"
