"""The loader with real extraction, a real store file and the real Neo4j: merges, failures, nothing lost."""

from __future__ import annotations

import socket
from pathlib import Path

import networkx as nx
import pytest
from conftest import N_SAMPLES, SAMPLE_ARTICLES

from graph_loader.graph import GraphError
from graph_loader.loader import LoadError, TransactionGroup, load_paths
from graph_loader.model import Relation
from graph_loader.settings import Settings, load_settings
from graph_loader.sinks.embedded import read_store, write_store

# Written for these tests in our own words.
NEW_ARTICLE = """---
title: Navy detains a suspected cartel financier
published: 2024-03-01
---
Mexico's Secretariat of the Navy detained a suspected financier of the Sinaloa Cartel in Culiacán on Friday.
The Navy said the suspect had moved money for the group for years.
"""
NO_ENTITIES = "---\ntitle: Weather\n---\nit rained a little and then it stopped.\n"


def bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """One file per kind of bad input, with the problem its failure line must mention."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": (folder / "empty.md", b"", "empty file"),
        "binary": (folder / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        "latin1": (folder / "latin1.txt", "Mexico's Secretariat of the Navy, año 2024.".encode("latin-1"),
                   "not valid UTF-8"),
        "front_matter": (folder / "front.md", b"---\ntitle: [unclosed\npublished: 2024-01-01\n---\nText here.\n",
                         "malformed front matter"),
    }
    for path, content, _ in files.values():
        path.write_bytes(content)
    out = {kind: (path, problem) for kind, (path, _, problem) in files.items()}
    out["missing"] = (folder / "no-such-article.md", "no such file or folder")
    return out


def store_settings(tmp_path: Path, **extra: str) -> Settings:
    return load_settings({"PORTERO_HOME": str(tmp_path / "home"), **extra})


def same_graph(g: nx.MultiDiGraph, h: nx.MultiDiGraph) -> bool:
    return (dict(g.nodes(data=True)) == dict(h.nodes(data=True))
            and sorted(g.edges(keys=True, data=True), key=repr) == sorted(h.edges(keys=True, data=True), key=repr))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def neo4j_counts(driver, db: str) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=db).records[0]["c"]
    return n, r


# ------------------------------------------------------------------------------------------ embedded


def test_loading_the_samples_into_the_embedded_store_twice(tmp_path, sample_graph):
    settings = store_settings(tmp_path)
    report = load_paths([SAMPLE_ARTICLES], "embedded", settings, progress=False)
    assert report.ok and report.articles_loaded == N_SAMPLES and len(report.loaded) == N_SAMPLES
    assert report.languages == {"en": N_SAMPLES - 1, "es": 1}
    assert f"read as {N_SAMPLES - 1} English, 1 Spanish" in report.table()
    store = settings.store_path
    assert same_graph(read_store(store), sample_graph)  # the loader builds what build_graph builds
    assert sum(report.nodes_added.values()) == sample_graph.number_of_nodes()
    assert sum(report.edges_added.values()) == sample_graph.number_of_edges()
    assert (report.total_nodes, report.total_edges) == (sample_graph.number_of_nodes(),
                                                        sample_graph.number_of_edges())
    before = store.read_bytes()

    again = load_paths([SAMPLE_ARTICLES], "embedded", settings, progress=False)
    assert again.ok and again.articles_loaded == N_SAMPLES
    assert not again.nodes_added and not again.edges_added
    assert store.read_bytes() == before
    assert "nothing new" in again.table()


def test_a_new_load_merges_into_the_existing_store(tmp_path, sample_graph):
    settings = store_settings(tmp_path)
    first = sorted(SAMPLE_ARTICLES.glob("*.md"))[0]
    one = load_paths([first], "embedded", settings, progress=False)
    assert one.articles_loaded == 1
    partial = read_store(settings.store_path)
    assert 0 < partial.number_of_nodes() < sample_graph.number_of_nodes()

    rest = load_paths([SAMPLE_ARTICLES, first], "embedded", settings, progress=False)  # `first` twice: once
    assert rest.articles_loaded == N_SAMPLES
    merged = read_store(settings.store_path)
    assert same_graph(merged, sample_graph)
    assert sum(rest.nodes_added.values()) == sample_graph.number_of_nodes() - partial.number_of_nodes()


def test_bad_files_fail_one_by_one_and_nothing_is_lost(tmp_path, sample_graph):
    settings = store_settings(tmp_path)
    write_store(sample_graph, settings.store_path)
    folder = tmp_path / "in"
    bad = bad_files(folder)
    (folder / "navy.md").write_text(NEW_ARTICLE, encoding="utf-8")

    report = load_paths([folder, bad["missing"][0]], "embedded", settings, progress=False)
    assert report.articles_loaded == 1 and report.loaded == [str(folder / "navy.md")]
    assert len(report.failures) == len(bad)
    for path, problem in bad.values():
        line = next(f for f in report.failures if f.startswith(f"{path}: "))
        assert problem in line and "\n" not in line
    g = read_store(settings.store_path)
    assert set(sample_graph.nodes) < set(g.nodes)
    assert set(sample_graph.edges(keys=True)) <= set(g.edges(keys=True))
    names = {d["name"] for _, d in g.nodes(data=True)}
    assert "Culiacán" in names and report.nodes_added["Article"] == 1
    assert not report.ok and "failed" in report.table()


def test_a_corrupt_store_stops_the_load_and_stays_as_it_was(tmp_path):
    settings = store_settings(tmp_path)
    settings.store_path.parent.mkdir(parents=True)
    settings.store_path.write_bytes(b'{"nodes": [{"id": "person:a"')
    with pytest.raises(LoadError) as err:
        load_paths([SAMPLE_ARTICLES], "embedded", settings, progress=False)
    assert str(err.value).startswith(f"{settings.store_path}: corrupt store")
    assert settings.store_path.read_bytes() == b'{"nodes": [{"id": "person:a"'


def test_a_broken_curation_overlay_fails_its_article_only(tmp_path):
    settings = store_settings(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "navy.md").write_text(NEW_ARTICLE, encoding="utf-8")
    (folder / "navy.curation.yaml").write_text("drop: [Culiacán\n", encoding="utf-8")
    (folder / "weather.md").write_text(NO_ENTITIES, encoding="utf-8")
    report = load_paths([folder], "embedded", settings, progress=False)
    assert report.loaded == [str(folder / "weather.md")]
    assert len(report.failures) == 1 and report.failures[0].startswith(str(folder / "navy.curation.yaml"))
    weather = [n for n in report.notes if n.startswith(f"{folder / 'weather.md'}: ")]
    assert len(weather) == 1 and ("no actors found" in weather[0] or "no entities found" in weather[0])


def test_a_curation_overlay_is_applied(tmp_path):
    settings = store_settings(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "navy.md").write_text(NEW_ARTICLE, encoding="utf-8")
    plain = load_paths([folder], "embedded", store_settings(tmp_path / "plain"), progress=False)
    assert plain.ok
    assert "Culiacán" in {d["name"] for _, d in read_store(tmp_path / "plain" / "home" / "graph.json").nodes(data=True)}
    (folder / "navy.curation.yaml").write_text("drop: [Culiacán]\n", encoding="utf-8")
    report = load_paths([folder], "embedded", settings, progress=False)
    assert report.ok
    names = {d["name"] for _, d in read_store(settings.store_path).nodes(data=True)}
    assert "Culiacán" not in names and "Mexico" in names


def test_an_unknown_destination_is_refused(tmp_path):
    with pytest.raises(LoadError, match="choose embedded or neo4j"):
        load_paths([SAMPLE_ARTICLES], "sqlite", store_settings(tmp_path), progress=False)


# ------------------------------------------------------------------------------------------ Neo4j


@pytest.mark.neo4j
def test_loading_the_samples_into_neo4j_twice(empty_neo4j, neo4j_settings, sample_graph):
    db = neo4j_settings.neo4j_database
    report = load_paths([SAMPLE_ARTICLES], "neo4j", neo4j_settings, progress=False)
    assert report.ok and report.articles_loaded == N_SAMPLES
    counts = neo4j_counts(empty_neo4j, db)
    assert counts == (sample_graph.number_of_nodes(), sample_graph.number_of_edges())
    assert (sum(report.nodes_added.values()), sum(report.edges_added.values())) == counts
    assert (report.total_nodes, report.total_edges) == counts
    evidence = empty_neo4j.execute_query(
        "MATCH (n) RETURN sum(size(n.evidence_articles)) AS ev, sum(size(n.articles)) AS arts",
        database_=db).records[0]

    again = load_paths([SAMPLE_ARTICLES], "neo4j", neo4j_settings, progress=False)
    assert again.ok and not again.nodes_added and not again.edges_added
    assert neo4j_counts(empty_neo4j, db) == counts
    assert empty_neo4j.execute_query(
        "MATCH (n) RETURN sum(size(n.evidence_articles)) AS ev, sum(size(n.articles)) AS arts",
        database_=db).records[0] == evidence


@pytest.mark.neo4j
def test_article_by_article_transactions_load_the_same_graph(empty_neo4j, neo4j_settings, sample_graph):
    """PORTERO_TRANSACTION_SIZE=1 writes each article in its own transaction: the same graph."""
    from graph_loader.settings import Settings

    db = neo4j_settings.neo4j_database
    one_each = Settings({**neo4j_settings.values, "transaction_size": 1})
    report = load_paths([SAMPLE_ARTICLES], "neo4j", one_each, progress=False)
    assert report.ok and report.articles_loaded == N_SAMPLES and len(report.loaded) == N_SAMPLES
    assert neo4j_counts(empty_neo4j, db) == (sample_graph.number_of_nodes(), sample_graph.number_of_edges())
    person = empty_neo4j.execute_query("MATCH (p:Person) WHERE size(p.articles) > 1 RETURN p LIMIT 1",
                                       database_=db).records[0]["p"]
    assert person["article_count"] == len(person["articles"]) == len(set(person["articles"]))


@pytest.mark.neo4j
def test_bad_files_do_not_cost_neo4j_anything(loaded_neo4j, neo4j_settings, sample_graph, tmp_path):
    db = neo4j_settings.neo4j_database
    folder = tmp_path / "in"
    bad = bad_files(folder)
    (folder / "navy.md").write_text(NEW_ARTICLE, encoding="utf-8")
    report = load_paths([folder, bad["missing"][0]], "neo4j", neo4j_settings, progress=False)
    assert report.articles_loaded == 1 and len(report.failures) == len(bad)
    ids = {r["id"] for r in loaded_neo4j.execute_query("MATCH (n) RETURN n.id AS id", database_=db).records}
    assert set(sample_graph.nodes) < ids
    n, r = neo4j_counts(loaded_neo4j, db)
    assert n == sample_graph.number_of_nodes() + report.nodes_added.total()
    assert r == sample_graph.number_of_edges() + report.edges_added.total()


@pytest.mark.neo4j
def test_unreachable_neo4j_is_one_clear_error_and_changes_nothing(loaded_neo4j, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    before = neo4j_counts(loaded_neo4j, db)
    uri = f"bolt://127.0.0.1:{free_port()}"
    settings = load_settings({"NEO4J_URI": uri, "NEO4J_PASSWORD": "pa55-w0rd-never-shown",
                              "PORTERO_HOME": str(tmp_path / "home")})
    with pytest.raises(LoadError) as err:
        load_paths([SAMPLE_ARTICLES], "neo4j", settings, progress=False)
    message = str(err.value)
    assert message.startswith(f"Neo4j at {uri} is unreachable: ")
    assert "pa55-w0rd-never-shown" not in message and "\n" not in message
    assert neo4j_counts(loaded_neo4j, db) == before
    assert not settings.store_path.exists()


def _broken(ex):
    """``ex`` with a relation to a name the article never mentions: the ontology check refuses it."""
    from dataclasses import replace

    first = ex.entities[0]
    bad = Relation(first.name, "MEMBER_OF", "Nobody In This Article", first.evidence[0] if first.evidence else None)
    return replace(ex, relations=[*ex.relations, bad])


def test_a_group_refuses_a_broken_extraction_whole(sample_extractions):
    group = TransactionGroup(size=10**6)
    group.add("first", sample_extractions[0])
    before = repr((dict(group.graph.nodes(data=True)), list(group.graph.edges(keys=True, data=True))))
    with pytest.raises(GraphError, match="'Nobody In This Article' is not among the article's entities"):
        group.add("second", _broken(sample_extractions[1]))
    assert group.items == ["first"]
    assert group.elements == group.graph.number_of_nodes() + group.graph.number_of_edges()
    assert repr((dict(group.graph.nodes(data=True)), list(group.graph.edges(keys=True, data=True)))) == before


@pytest.fixture
def one_broken_article(monkeypatch, sample_extractions):
    """Extraction as usual, except that the second sample article's breaks the ontology; its path."""
    import graph_loader.extract as extract

    real = extract.extract_articles
    broken = sample_extractions[1].article.path

    def extract_articles(articles, nlp=None, n_process=1):
        for ex in real(articles, nlp, n_process=n_process):
            yield _broken(ex) if ex.article.path == broken else ex

    monkeypatch.setattr(extract, "extract_articles", extract_articles)
    return broken


def _others(sample_extractions, broken):
    from graph_loader.graph import build_graph

    return build_graph([ex for ex in sample_extractions if ex.article.path != broken])


def test_an_article_breaking_the_ontology_fails_alone_in_the_embedded_store(
        tmp_path, sample_extractions, one_broken_article):
    settings = store_settings(tmp_path)
    report = load_paths([SAMPLE_ARTICLES], "embedded", settings, progress=False)
    assert report.articles_loaded == N_SAMPLES - 1 and len(report.failures) == 1
    assert report.failures[0].startswith(f"{one_broken_article}: ")
    assert "'Nobody In This Article' is not among the article's entities" in report.failures[0]
    assert same_graph(read_store(settings.store_path), _others(sample_extractions, one_broken_article))


@pytest.mark.neo4j
def test_an_article_breaking_the_ontology_fails_alone_in_its_neo4j_transaction(
        empty_neo4j, neo4j_settings, sample_extractions, one_broken_article):
    """All four articles share one transaction group; the broken one is left out of it, the rest land."""
    db = neo4j_settings.neo4j_database
    report = load_paths([SAMPLE_ARTICLES], "neo4j", neo4j_settings, progress=False)
    assert report.articles_loaded == N_SAMPLES - 1 and len(report.failures) == 1
    assert report.failures[0].startswith(f"{one_broken_article}: ")
    assert one_broken_article not in report.loaded
    others = _others(sample_extractions, one_broken_article)
    assert neo4j_counts(empty_neo4j, db) == (others.number_of_nodes(), others.number_of_edges())
