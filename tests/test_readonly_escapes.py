"""Escape attempts against the read-only promise, through ``portero query`` and the console's function.

Neo4j decodes ``\\uXXXX`` escapes anywhere in a query before parsing, so a check that reads the raw text
can be told one thing while Neo4j runs another (``RETURN '\\u0027 AS x //'`` closes the string for Neo4j
only). Every attempt here runs against the real server holding a small graph, with an HTTP server of the
test listening on 127.0.0.1 and another session holding an open transaction. Each attempt must end in one
line and a refusal (or Neo4j's own syntax error), with node, relationship, label, index and user counts
unchanged, no request reaching the HTTP server, and the other session's transaction still usable.
"""

from __future__ import annotations

import http.server
import threading
import urllib.request

import pytest
from neo4j import GraphDatabase

from graph_loader.cypher_library import decode_escapes
from graph_loader.graph import add_edge, add_node, new_graph
from graph_loader.model import Evidence
from graph_loader.query import QueryError, WriteQueryError, check_read_only, run_read_only

U = "\\u"  # a literal backslash-u in the query text, for readability below

# (what, query) with {url} for the test's HTTP server. The first ones are the issue's; then \uXXXX in
# strings, comments, names and keywords.
ATTEMPTS = [
    ("issue-load-csv-behind-quote", f"RETURN '{U}0027 AS x //'\nLOAD CSV FROM '{{url}}' AS l RETURN l"),
    ("issue-terminate-other-sessions", f"RETURN '{U}0027 AS x //'\nSHOW TRANSACTIONS YIELD transactionId AS t "
                                       "TERMINATE TRANSACTIONS t"),
    ("issue-kill-connections", f"RETURN '{U}0027 AS x //'\nCALL dbms.listConnections() YIELD connectionId "
                               "CALL dbms.killConnection(connectionId) YIELD message RETURN message"),
    ("issue-clear-query-caches", f"RETURN '{U}0027 AS x //'\nCALL db.clearQueryCaches()"),
    ("issue-stats-stop", "CALL db.stats.stop('QUERIES')"),
    ("issue-show-transactions", "SHOW TRANSACTIONS YIELD currentQuery, parameters"),
    ("issue-stats-retrieve", "CALL db.stats.retrieve('QUERIES')"),
    ("plain-load-csv", "LOAD CSV FROM '{url}' AS l RETURN l"),
    # strings
    ("double-quote-escape", f'RETURN "{U}0022 AS x //"\nLOAD CSV FROM "{{url}}" AS l RETURN l'),
    ("backslash-escape-opens-string", f"RETURN '{U}005c' AS a, '//' AS b\nCALL dbms.listConnections()"),
    ("decoded-backslash-quote", f"RETURN '{U}005c{U}0027 AS a //'\nLOAD CSV FROM '{{url}}' AS l RETURN l"),
    ("surrogate-then-quote", f"RETURN '{U}d83d{U}de00{U}0027 AS x //'\nCALL db.clearQueryCaches()"),
    ("quote-in-concatenation", f"RETURN 'a' + '{U}0027 + 'b' AS x // '\nCALL db.stats.stop('QUERIES')"),
    ("escaped-quote-after-cypher-option", f"CYPHER runtime=slotted RETURN '{U}0027 AS x //'\n"
                                          "LOAD CSV FROM '{url}' AS l RETURN l"),
    ("quote-before-union", f"RETURN '{U}0027 AS x //'\nUNION CALL db.clearQueryCaches() YIELD value "
                           "RETURN value AS x"),
    # comments
    ("newline-ends-line-comment", f"RETURN 1 AS x // {U}000a LOAD CSV FROM '{{url}}' AS l RETURN l"),
    ("carriage-return-ends-comment", f"RETURN 1 AS x // {U}000d SHOW TRANSACTIONS"),
    ("slash-closes-block-comment", f"/* *{U}002f LOAD CSV FROM '{{url}}' AS l RETURN l /* */"),
    ("star-closes-block-comment", f"/* {U}002a/ CALL dbms.listConnections() /* */"),
    ("comment-opened-by-escape", f"RETURN 1 AS x {U}002f/ harmless\nCALL db.clearQueryCaches()"),
    # names
    ("escaped-procedure-name", f"CALL db.{U}0063learQueryCaches()"),
    ("escaped-namespace", f"CALL {U}0064bms.listConnections()"),
    ("escaped-stats-procedure", f"CALL db.stats.{U}0073top('QUERIES')"),
    ("backtick-closed-by-escape", f"WITH 1 AS `a{U}0060 CREATE (:Zed) RETURN 2 AS `b`"),
    ("escaped-label-then-create", f"MATCH (n:{U}0050erson) CREATE (:Zed) RETURN count(n)"),
    ("escaped-property-then-set", f"MATCH (n) SET n.{U}0078 = 1 RETURN count(n)"),
    # keywords
    ("escaped-load", f"{U}004cOAD CSV FROM '{{url}}' AS l RETURN l"),
    ("escaped-load-inside", f"RETURN 1 AS y UNION L{U}004fAD CSV FROM '{{url}}' AS l RETURN l AS y"),
    ("escaped-show", f"{U}0053HOW TRANSACTIONS"),
    ("escaped-space-in-show", f"SHOW{U}0020SETTINGS"),
    ("escaped-terminate", f"TERMINATE{U}0020TRANSACTIONS 'neo4j-transaction-1'"),
    ("escaped-detach-delete", f"MATCH (n) {U}0044ETACH DELETE n"),
    ("escaped-create", f"{U}0043REATE (:Zed)"),
    ("escaped-merge-after-with", f"MATCH (n) WITH n M{U}0045RGE (:Zed {{id: 1}})"),
    ("escaped-in-transactions", f"UNWIND [1] AS i CALL {{ WITH i RETURN i AS j }} {U}0049N TRANSACTIONS RETURN j"),
    ("escaped-call-subquery-load", f"CALL {{ L{U}004fAD CSV FROM '{{url}}' AS l RETURN l }} RETURN l"),
    ("escaped-semicolon", f"RETURN 1 AS x{U}003b CALL db.clearQueryCaches()"),
    ("escaped-foreach", f"MATCH (n) {U}0046OREACH (x IN [1] | SET n.x = x)"),
]

# Reads that use escapes legitimately: they must still run.
ESCAPED_READS = [
    (f"RETURN '{U}00e9' AS x", "é"),
    (f"MATCH (n:{U}0050erson) RETURN count(n) AS x", 1),
    (f"RETURN '{U}005c{U}005c' AS x", "\\"),
    (f"RETURN size('{U}0041 // not a comment') AS x", len("A // not a comment")),
]


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        type(self).hits.append(self.path)
        body = b"a,b\n1,2\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def http_server():
    """A local HTTP server counting requests; yields the URL of a CSV file on it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/data.csv"
    # The counter counts: a request made here is seen (so "no request" below means something).
    with urllib.request.urlopen(url, timeout=5) as resp:
        assert resp.read() == b"a,b\n1,2\n"
    assert _Recorder.hits == ["/data.csv"]
    _Recorder.hits.clear()
    yield url
    server.shutdown()
    server.server_close()


def _counts(driver, database: str) -> dict[str, int]:
    def one(query: str, db: str = database) -> int:
        return len(driver.execute_query(query, database_=db).records)

    return {
        "nodes": driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database).records[0]["c"],
        "relationships": driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c",
                                              database_=database).records[0]["c"],
        "labels": one("CALL db.labels()"),
        "indexes": one("SHOW INDEXES"),
        "users": one("SHOW USERS", "system"),
    }


@pytest.fixture(scope="module")
def escape_db(neo4j_driver, neo4j_settings):
    """A small graph (one person, one country, one article) the attempts must leave as it is."""
    from graph_loader.sinks.neo4j import write_graph

    g = new_graph()
    ev = Evidence("article:a", "Ana Ruiz is the minister of Mexico.", 0, 35)
    add_node(g, "article:a", "Article", "A", article_id="article:a", title="A", published="2025-08-20")
    add_node(g, "person:ana-ruiz", "Person", "Ana Ruiz", article_id="article:a", evidence=ev)
    add_node(g, "country:mexico", "Country", "Mexico", article_id="article:a", evidence=ev)
    add_edge(g, "person:ana-ruiz", "MEMBER_OF", "country:mexico", evidence=ev, title="Minister")
    db = neo4j_settings.neo4j_database
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=db)
    write_graph(neo4j_driver, g, database=db)
    return neo4j_driver


@pytest.fixture(scope="module")
def bystander(neo4j_settings):
    """Another client's session with an open transaction: no attempt may end it or its connection."""
    driver = GraphDatabase.driver(neo4j_settings.neo4j_uri, auth=neo4j_settings.neo4j_auth)
    session = driver.session(database=neo4j_settings.neo4j_database)
    tx = session.begin_transaction()
    assert tx.run("MATCH (n) RETURN count(n) AS c").single()["c"] >= 0
    # It is visible to SHOW TRANSACTIONS, so TERMINATE TRANSACTIONS would find it.
    shown = driver.execute_query("SHOW TRANSACTIONS YIELD transactionId RETURN count(*) AS c").records[0]["c"]
    assert shown >= 2
    yield tx
    tx.close()
    session.close()
    driver.close()


@pytest.fixture
def guarded(escape_db, neo4j_settings, http_server, bystander):
    """Yields the HTTP server's URL; afterwards checks that nothing changed, nothing was fetched and the
    other session's transaction still answers."""
    before = _counts(escape_db, neo4j_settings.neo4j_database)
    yield http_server
    assert _Recorder.hits == [], f"the server fetched {_Recorder.hits}"
    assert _counts(escape_db, neo4j_settings.neo4j_database) == before, "the database changed"
    assert bystander.run("RETURN 1 AS one").single()["one"] == 1, "another session's transaction was ended"


def _one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got {lines!r}"
    return lines[0]


IDS = [what for what, _ in ATTEMPTS]


def test_there_are_enough_escape_attempts():
    escaped = [q for _, q in ATTEMPTS if U in q]
    assert len(escaped) >= 30


# Attempts the text check alone must stop, because their decoded text shows a refused clause as code.
TEXT_REFUSED = ["issue-load-csv-behind-quote", "issue-terminate-other-sessions", "issue-kill-connections",
                "issue-clear-query-caches", "double-quote-escape", "decoded-backslash-quote",
                "surrogate-then-quote", "escaped-quote-after-cypher-option", "newline-ends-line-comment",
                "slash-closes-block-comment", "star-closes-block-comment", "escaped-procedure-name",
                "escaped-load", "escaped-detach-delete", "escaped-create", "escaped-semicolon",
                "escaped-foreach", "escaped-in-transactions"]


@pytest.mark.parametrize("what", TEXT_REFUSED)
def test_the_text_check_reads_the_decoded_query(what: str):
    query = dict(ATTEMPTS)[what].replace("{url}", "http://127.0.0.1:1/x.csv")
    with pytest.raises(WriteQueryError, match=r"^refused: ") as info:
        check_read_only(query)
    assert "\n" not in str(info.value)


@pytest.mark.neo4j
@pytest.mark.parametrize("literal", [
    f"'{U}0041{U}00e9'", f"'{U}005c{U}005c'", f"'a{U}000ab'", f"'{U}d83d{U}de00'", f"'{U}005c{U}0027'",
    "'\\\\u0041'", "'\\\\\\u0041'", f'"{U}0027"',
])
def test_escapes_decode_as_neo4j_decodes_them(escape_db, literal: str):
    """The decoding the checks use gives the string Neo4j itself makes of the literal."""
    from graph_loader.cypher_library import parse_literal

    served = escape_db.execute_query(f"RETURN {literal} AS x").records[0]["x"]
    assert parse_literal(decode_escapes(literal)) == served


@pytest.mark.neo4j
@pytest.mark.parametrize(("what", "query"), ATTEMPTS, ids=IDS)
def test_console_function_refuses(guarded, neo4j_settings, escape_db, what: str, query: str):
    with pytest.raises(QueryError) as info:
        run_read_only(escape_db, query.replace("{url}", guarded), database=neo4j_settings.neo4j_database,
                      timeout_s=10)
    _one_line(str(info.value))


@pytest.mark.neo4j
@pytest.mark.parametrize(("what", "query"), ATTEMPTS, ids=IDS)
def test_plan_check_refuses_what_the_text_check_misses(guarded, neo4j_settings, escape_db, what: str,
                                                       query: str):
    """With the text check off, Neo4j's plan (or its parser) still stops every attempt."""
    with pytest.raises(QueryError) as info:
        run_read_only(escape_db, query.replace("{url}", guarded), database=neo4j_settings.neo4j_database,
                      timeout_s=10, check=False)
    message = _one_line(str(info.value))
    assert message.startswith(("refused by Neo4j's plan", "refused by Neo4j: the session is read-only",
                               "Neo4j rejected the query")), message


@pytest.mark.neo4j
@pytest.mark.parametrize(("what", "query"), ATTEMPTS, ids=IDS)
def test_portero_query_refuses(guarded, neo4j_settings, monkeypatch, capsys, what: str, query: str):
    from graph_loader.cli import main

    monkeypatch.setenv("NEO4J_URI", neo4j_settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    if neo4j_settings.neo4j_password:
        monkeypatch.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    assert main(["query", query.replace("{url}", guarded)]) in (1, 2)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert _one_line(captured.err).startswith("portero: ")


@pytest.mark.neo4j
@pytest.mark.parametrize(("query", "expected"), ESCAPED_READS)
def test_reads_with_escapes_still_run(guarded, neo4j_settings, escape_db, query: str, expected):
    result = run_read_only(escape_db, query, database=neo4j_settings.neo4j_database, timeout_s=10)
    assert result.rows == [[expected]]


@pytest.mark.neo4j
def test_every_library_query_passes_the_plan_check(escape_db, neo4j_settings):
    """No false refusal: every canned query, with its defaults, runs."""
    from graph_loader.cypher_library import list_queries

    queries = list_queries()
    assert queries
    for q in queries:
        run_read_only(escape_db, q.text, q.params, database=neo4j_settings.neo4j_database, timeout_s=30)


@pytest.mark.neo4j
@pytest.mark.parametrize("query", [
    "MATCH (a:Person)-[r]->(b) WHERE a.name STARTS WITH 'A' RETURN a.name, type(r), b.name ORDER BY a.name",
    "MATCH p = shortestPath((a:Person)-[*..4]-(b:Country)) RETURN length(p) AS hops",
    "MATCH (a)-[*1..2]-(b) RETURN count(DISTINCT b) AS n",
    "MATCH (n) WHERE n:Person OR n:Country RETURN labels(n) AS l, count(*) AS c",
    "OPTIONAL MATCH (n:Nobody) RETURN n",
    "MATCH (n) WITH n ORDER BY n.name SKIP 1 LIMIT 1 RETURN n.name",
    "MATCH (n:Person) RETURN n.name AS x UNION MATCH (n:Country) RETURN n.name AS x",
    "MATCH (n) WHERE EXISTS { (n)-[:MEMBER_OF]->() } RETURN count(n) AS c",
    "MATCH (n) RETURN COUNT { (n)--() } AS degree, collect(n.name)[..3] AS names",
    "UNWIND [1, 2, 3] AS x WITH x WHERE x > 1 RETURN sum(x) AS s, toString(date('2025-01-02')) AS d",
    "MATCH (n) CALL (n) { RETURN size(n.name) AS len } RETURN max(len) AS longest",
    "CALL db.labels() YIELD label RETURN collect(label) AS labels",
    "CALL db.relationshipTypes()",
    "CALL db.schema.visualization()",
    "SHOW INDEXES YIELD name RETURN count(name) AS n",
    "MATCH (n) WHERE n.id IN ['person:ana-ruiz'] RETURN elementId(n) IS NOT NULL AS ok",
    "MATCH (a:Person)-[:MEMBER_OF]->{1,2}(b) RETURN b.name",
    "RETURN point.distance(point({x: 0, y: 0}), point({x: 3, y: 4})) AS d",
])
def test_ordinary_reads_pass_the_plan_check(escape_db, neo4j_settings, query: str):
    run_read_only(escape_db, query, database=neo4j_settings.neo4j_database, timeout_s=30)


def test_error_line_shows_control_characters_escaped(capsys, tmp_path):
    """A terminal escape sequence or a line break in a file name reaches the terminal escaped, on one line."""
    import argparse

    from graph_loader.cli.query import run as run_cli
    from graph_loader.settings import load_settings

    name = str(tmp_path / "bad\x1b[2J\x07.cypher")
    args = argparse.Namespace(query=name, param=[], format="table")
    assert run_cli(args, load_settings({"NEO4J_URI": "bolt://127.0.0.1:9"})) == 2
    err = capsys.readouterr().err
    line = _one_line(err)
    assert line.endswith("bad\\x1b[2J\\x07.cypher: no such file"), line
    assert "\x1b" not in err and "\x07" not in err
