"""``portero query`` never writes: the text check, the READ session and the CLI each refuse writes,
the graph is unchanged after every attempt, slow queries stop at the time limit and big results are
cut at the row cap.
"""

from __future__ import annotations

import argparse
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_loader.cli.query import run as run_cli
from graph_loader.cypher_library import cypher_literal
from graph_loader.graph import add_edge, add_node, new_graph
from graph_loader.model import Evidence
from graph_loader.query import (
    QueryTimeoutError,
    WriteQueryError,
    check_read_only,
    run_read_only,
    strip_trailing_semicolons,
)

# (what, query): every kind of write, and spelling variants of them.
WRITES = [
    ("create", "CREATE (n:Person {id: 'person:x', name: 'X'}) RETURN n"),
    ("create-lowercase", "create (n:Person {id: 'person:x'})"),
    ("merge", "MERGE (n:Person {id: 'person:ana'}) ON CREATE SET n.name = 'Ana' RETURN n"),
    ("merge-odd-spacing", "MATCH (a:Person)\n\tmErGe\n(a)-[:WORKS_WITH]->(a)"),
    ("set", "MATCH (n:Person) SET n.name = 'changed' RETURN count(n)"),
    ("set-label", "MATCH (n:Person) set n:Hacked"),
    ("delete", "MATCH ()-[r:LEADS]->() DELETE r"),
    ("detach-delete", "MATCH (n) DETACH DELETE n"),
    ("detach-delete-lowercase", "match (n)   detach   delete   n"),
    ("remove", "MATCH (n:Person) REMOVE n.name"),
    ("drop-index", "DROP INDEX event_date"),
    ("drop-constraint-lowercase", "drop constraint person_id if exists"),
    ("create-index", "CREATE INDEX zed IF NOT EXISTS FOR (n:Person) ON (n.aliases)"),
    ("create-constraint", "CREATE CONSTRAINT zed IF NOT EXISTS FOR (n:Zed) REQUIRE n.id IS UNIQUE"),
    ("load-csv", "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN count(line)"),
    ("load-csv-with-headers", "load csv with headers from 'file:///x.csv' AS row MERGE (:X {id: row.id})"),
    ("call-in-transactions", "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS"),
    ("call-in-transactions-lowercase", "UNWIND [1] AS i call { with i return i AS j } in transactions return j"),
    ("write-procedure", "CALL db.createLabel('Zed')"),
    ("write-procedure-quoted", "CALL `db`.`createProperty`('zed')"),
    ("dbms-procedure", "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')"),
    ("apoc-create", "CALL apoc.create.node(['Zed'], {}) YIELD node RETURN node"),
    ("apoc-periodic", "CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'DETACH DELETE n', {})"),
    ("apoc-run-function", "RETURN apoc.cypher.runFirstColumnSingle('CREATE (n) RETURN n', {}) AS n"),
    ("foreach", "MATCH (n:Person) FOREACH (x IN [1] | SET n.x = x)"),
    ("two-statements", "MATCH (n) RETURN count(n); MATCH (n) DETACH DELETE n"),
    ("two-reads", "RETURN 1;RETURN 2"),
    ("write-after-comment", "// just a read\nMATCH (n) /* really */ DELETE n"),
    ("write-after-string", "MATCH (n) WHERE n.name = 'a;b' DETACH DELETE n"),
    ("alter-database", "ALTER DATABASE neo4j SET ACCESS READ ONLY"),
    ("grant", "GRANT ROLE admin TO neo4j"),
]

# Reads that mention write keywords where they are not code: strings, comments, names.
READS = [
    "MATCH (n:Person) WHERE n.name = 'CREATE' RETURN count(n) AS n",
    'MATCH (n) WHERE n.name <> "DETACH DELETE n" RETURN count(n) AS n',
    "// MERGE (x) -- DELETE everything\nMATCH (n) RETURN count(n) AS n",
    "/* CREATE INDEX foo; DROP INDEX bar */ MATCH (n) RETURN count(n) AS n",
    "MATCH (n:Person) RETURN n.set AS set, n.`delete` AS `remove`, {create: 1, merge: 2} AS m LIMIT 1",
    "RETURN 'it\\'s; DROP INDEX x' AS text",
    "MATCH (n) RETURN count(n) AS n;",
    "CALL db.labels() YIELD label RETURN count(label) AS labels",
    "MATCH (a:Person)-[r]->(b) RETURN r.start AS start, r.end AS end LIMIT 1",
]


def _counts(driver, database: str) -> tuple[int, int, int]:
    """Nodes, relationships and indexes: none may change."""
    nodes = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database).records[0]["c"]
    rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=database).records[0]["c"]
    indexes = len(driver.execute_query("SHOW INDEXES", database_=database).records)
    return nodes, rels, indexes


@pytest.fixture(scope="module")
def small_graph_db(neo4j_driver, neo4j_settings):
    """A small hand-built graph in Neo4j (loaded once; every test here leaves it as it was)."""
    from graph_loader.sinks.neo4j import write_graph

    g = new_graph()
    ev = Evidence("article:a", "Claudia Sheinbaum is the president of Mexico.", 0, 45)
    add_node(g, "article:a", "Article", "A", article_id="article:a", title="A", published="2025-08-20")
    add_node(g, "person:claudia-sheinbaum", "Person", "Claudia Sheinbaum", aliases=["Sheinbaum"],
             article_id="article:a", evidence=ev)
    add_node(g, "country:mexico", "Country", "Mexico", article_id="article:a", evidence=ev)
    add_edge(g, "person:claudia-sheinbaum", "LEADS", "country:mexico", evidence=ev, title="President")
    add_edge(g, "article:a", "MENTIONS", "person:claudia-sheinbaum", evidence=ev)
    add_edge(g, "article:a", "MENTIONS", "country:mexico", evidence=ev)
    db = neo4j_settings.neo4j_database
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=db)
    write_graph(neo4j_driver, g, database=db)
    assert _counts(neo4j_driver, db)[:2] == (3, 3)
    return neo4j_driver


@pytest.fixture
def unchanged(small_graph_db, neo4j_settings):
    """Yields the driver; fails the test if nodes, relationships or indexes changed."""
    db = neo4j_settings.neo4j_database
    before = _counts(small_graph_db, db)
    yield small_graph_db
    assert _counts(small_graph_db, db) == before, "the graph changed"


# ---------------------------------------------------------------- the text check


@pytest.mark.parametrize(("what", "query"), WRITES, ids=[w for w, _ in WRITES])
def test_text_check_refuses_writes(what: str, query: str):
    with pytest.raises(WriteQueryError, match=r"^refused: .*read-only") as info:
        check_read_only(query)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("query", READS)
def test_text_check_lets_reads_through(query: str):
    check_read_only(query)


def test_refusal_names_the_clause_and_line():
    with pytest.raises(WriteQueryError, match=r"MERGE \(line 3\)"):
        check_read_only("MATCH (a)\nWITH a\nMERGE (a)-[:X]->(a)")
    with pytest.raises(WriteQueryError, match=r"CREATE INDEX .*schema"):
        check_read_only("create index foo for (n:X) on (n.y)")
    with pytest.raises(WriteQueryError, match="more than one statement"):
        check_read_only("RETURN 1; RETURN 2")
    with pytest.raises(WriteQueryError, match=r"CALL db\.createProperty"):
        check_read_only("CALL `db`.`createProperty`('zed')")


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_any_string_literal_is_only_data(text: str):
    """Whatever a string holds (keywords, quotes, semicolons, comment marks), it is not code."""
    check_read_only(f"MATCH (n) WHERE n.name = {cypher_literal(text)} RETURN count(n) // {text.splitlines()[:1]}")


@settings(max_examples=100, deadline=None)
@given(keyword=st.sampled_from(["CREATE", "MERGE", "SET", "DELETE", "REMOVE", "DROP", "FOREACH"]),
       case=st.sampled_from([str.upper, str.lower, str.title]),
       space=st.sampled_from([" ", "\n", "\t", "  \r\n "]))
def test_write_clauses_are_refused_in_any_case_and_spacing(keyword: str, case, space: str):
    with pytest.raises(WriteQueryError):
        check_read_only(f"MATCH (n){space}{case(keyword)}{space}n.x{space}")


def test_trailing_semicolons_are_stripped():
    assert strip_trailing_semicolons("RETURN ';' AS x ;\n ; ") == "RETURN ';' AS x"


# ---------------------------------------------------------------- the READ session


@pytest.mark.neo4j
@pytest.mark.parametrize(("what", "query"), WRITES, ids=[w for w, _ in WRITES])
def test_run_read_only_refuses_writes(unchanged, neo4j_settings, what: str, query: str):
    with pytest.raises(WriteQueryError):
        run_read_only(unchanged, query, database=neo4j_settings.neo4j_database, timeout_s=10)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", [
    "MATCH (n:Person) SET n.name = 'changed' RETURN count(n)",
    "CREATE (n:Person {id: 'person:x'})",
    "MERGE (n:Person {id: 'person:y'})",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n:Person) REMOVE n.aliases",
    "CREATE INDEX zed IF NOT EXISTS FOR (n:Person) ON (n.aliases)",
    "CALL db.createLabel('Zed')",
    "CALL { CREATE (:Zed) } IN TRANSACTIONS RETURN 1",
])
def test_read_session_refuses_a_write_that_slips_past_the_text_check(unchanged, neo4j_settings, query: str):
    with pytest.raises(WriteQueryError, match="refused by Neo4j"):
        run_read_only(unchanged, query, database=neo4j_settings.neo4j_database, timeout_s=10, check=False)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", READS)
def test_reads_with_write_words_run(unchanged, neo4j_settings, query: str):
    result = run_read_only(unchanged, query, database=neo4j_settings.neo4j_database, timeout_s=10)
    assert len(result.rows) == 1


@pytest.mark.neo4j
def test_slow_query_is_stopped_then_the_next_one_runs(unchanged, neo4j_settings):
    db = neo4j_settings.neo4j_database
    began = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"longer than 1 s and was stopped"):
        run_read_only(unchanged, "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n",
                      database=db, timeout_s=1)
    assert time.monotonic() - began < 30
    result = run_read_only(unchanged, "MATCH (n) RETURN count(n) AS n", database=db, timeout_s=5)
    assert result.rows == [[3]]


@pytest.mark.neo4j
def test_row_cap_truncates_with_a_notice(unchanged, neo4j_settings):
    db = neo4j_settings.neo4j_database
    result = run_read_only(unchanged, "UNWIND range(1, 50) AS x RETURN x", database=db, row_cap=10)
    assert result.column("x") == list(range(1, 11))
    assert result.truncated and "first 10 rows" in result.notice
    exact = run_read_only(unchanged, "UNWIND range(1, 10) AS x RETURN x", database=db, row_cap=10)
    assert len(exact.rows) == 10 and not exact.truncated and exact.notice == ""
    # A huge result is cut without being computed to the end.
    began = time.monotonic()
    huge = run_read_only(unchanged, "UNWIND range(1, 1000000000) AS x RETURN x", database=db, row_cap=5,
                         timeout_s=30)
    assert huge.column("x") == [1, 2, 3, 4, 5] and huge.truncated
    assert time.monotonic() - began < 20


@pytest.mark.neo4j
def test_result_graph_holds_returned_elements_and_their_ends(unchanged, neo4j_settings):
    result = run_read_only(unchanged, "MATCH (:Person)-[r:LEADS]->() RETURN r",
                           database=neo4j_settings.neo4j_database)
    g = result.graph
    assert set(g.nodes) == {"person:claudia-sheinbaum", "country:mexico"}
    assert g.nodes["person:claudia-sheinbaum"]["label"] == "Person"
    assert g.nodes["person:claudia-sheinbaum"]["aliases"] == ["Sheinbaum"]
    (u, v, key, data), = g.edges(keys=True, data=True)
    assert (u, v, key, data["type"], data["title"]) == (
        "person:claudia-sheinbaum", "country:mexico", "LEADS", "LEADS", "President")
    assert data["evidence"] == [{"article_id": "article:a", "start": 0, "end": 45,
                                 "sentence": "Claudia Sheinbaum is the president of Mexico."}]
    assert result.rows[0][0]["start"] == "person:claudia-sheinbaum"


# ---------------------------------------------------------------- portero query


def _cli_env(monkeypatch, neo4j_settings) -> None:
    monkeypatch.setenv("NEO4J_URI", neo4j_settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    if neo4j_settings.neo4j_password:
        monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)


@pytest.mark.neo4j
@pytest.mark.parametrize(("what", "query"), WRITES, ids=[w for w, _ in WRITES])
def test_portero_query_refuses_writes(unchanged, neo4j_settings, monkeypatch, capsys, what: str, query: str):
    from graph_loader.cli import main

    _cli_env(monkeypatch, neo4j_settings)
    assert main(["query", query]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "refused" in lines[0] and "read-only" in lines[0]


@pytest.mark.neo4j
def test_portero_query_runs_reads_and_caps_rows(unchanged, neo4j_settings, monkeypatch, capsys):
    from graph_loader.cli import main

    _cli_env(monkeypatch, neo4j_settings)
    assert main(["query", "MATCH (p:Person) WHERE p.name = $who RETURN p.name AS name",
                 "--param", "who=Claudia Sheinbaum", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["name", "Claudia Sheinbaum"]
    monkeypatch.setenv("PORTERO_ROW_CAP", "4")
    assert main(["query", "UNWIND range(1, 9) AS x RETURN x", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert captured.out.count('"x"') == 4 and "first 4 rows" in captured.err
    monkeypatch.setenv("PORTERO_QUERY_TIMEOUT", "1")
    assert main(["query", "UNWIND range(1, 1000000000) AS x WITH x WHERE x < 0 RETURN count(*)"]) == 1
    assert "longer than 1 s" in capsys.readouterr().err


def test_run_cli_refuses_before_connecting(capsys):
    """A refused write never needs the server: it is refused even when Neo4j is unreachable."""
    from graph_loader.settings import load_settings

    settings = load_settings({"NEO4J_URI": "bolt://127.0.0.1:9"})
    args = argparse.Namespace(query="MATCH (n) DETACH DELETE n", param=[], format="table")
    assert run_cli(args, settings) == 2
    assert "refused: DETACH DELETE" in capsys.readouterr().err
