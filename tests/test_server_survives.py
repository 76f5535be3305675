"""No read-only query brings the local server down or keeps the client past its time limit.

Each of the issue's queries (a string doubled past the heap, a 6 MB expression, 3,000 nested brackets, a
one-row answer of ten million numbers, a parameter of 1,200 nested lists) runs against the real server,
through ``run_read_only`` and ``portero query``: it fails alone with one line within the time limit plus
5 s, and the server answers ``RETURN 1`` afterwards.
"""

from __future__ import annotations

import time

import pytest

from graph_loader import query as query_mod
from graph_loader import query_guard
from graph_loader.cypher_library import parse_literal
from graph_loader.neo4j_server import transaction_memory
from graph_loader.query import QueryError, QueryLimitError, QueryTimeoutError, run_read_only

LIMIT_S = 5.0
OOM = "RETURN size(reduce(s = 'x', i IN range(1, 30) | s + s)) AS n"
LONG_TEXT = "RETURN " + " + ".join(["1"] * 2_000_000) + " AS n"  # 6 MB
DEEP = "RETURN " + "(" * 3000 + "1" + ")" * 3000 + " AS n"
WIDE_ROW = "RETURN range(1, 10000000) AS big"
NESTED_PARAM = "[" * 1200 + "]" * 1200

HOSTILE = [("oom", OOM, "more memory"), ("long-text", LONG_TEXT, "characters long"),
           ("deep-nesting", DEEP, "nests brackets 3000 deep"), ("wide-row", WIDE_ROW, "answer passed")]


def _alive(driver, database: str) -> None:
    assert driver.execute_query("RETURN 1 AS one", database_=database).records[0]["one"] == 1


@pytest.mark.neo4j
def test_local_server_has_transaction_memory_limits(neo4j_driver):
    rows = neo4j_driver.execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name IN ['db.memory.transaction.max', "
        "'dbms.memory.transaction.total.max'] RETURN name, value").records
    got = {r["name"]: r["value"] for r in rows}
    per_tx, total = transaction_memory("512m")
    assert got == {"db.memory.transaction.max": per_tx.replace("m", ".00MiB"),
                   "dbms.memory.transaction.total.max": total.replace("m", ".00MiB")}


@pytest.mark.neo4j
@pytest.mark.parametrize(("what", "query", "says"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_query_fails_alone_and_in_time(neo4j_driver, neo4j_settings, what: str, query: str,
                                               says: str):
    db = neo4j_settings.neo4j_database
    began = time.monotonic()
    with pytest.raises(QueryError, match=says) as info:
        run_read_only(neo4j_driver, query, database=db, timeout_s=LIMIT_S)
    took = time.monotonic() - began
    assert "\n" not in str(info.value)
    assert took < LIMIT_S + 5, f"{what} took {took:.1f} s"
    _alive(neo4j_driver, db)


@pytest.mark.neo4j
@pytest.mark.parametrize(("what", "query", "says"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_portero_query_says_one_line_in_time(neo4j_settings, monkeypatch, capsys, neo4j_driver, what: str,
                                             query: str, says: str):
    from graph_loader.cli import main

    monkeypatch.setenv("NEO4J_URI", neo4j_settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_settings.neo4j_database)
    monkeypatch.setenv("PORTERO_QUERY_TIMEOUT", str(LIMIT_S))
    began = time.monotonic()
    assert main(["query", query]) in (1, 2)
    assert time.monotonic() - began < LIMIT_S + 5
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and says in lines[0], lines
    _alive(neo4j_driver, neo4j_settings.neo4j_database)


@pytest.mark.neo4j
def test_client_gives_up_at_the_limit_when_the_server_never_answers(neo4j_driver, neo4j_settings,
                                                                   monkeypatch):
    """With the nesting check lifted, 3,000 brackets overflow the server's parser, which never answers
    (the driver alone waited 121 s): the client stops at the limit plus its margin and says so."""
    monkeypatch.setattr(query_mod.read_only, "MAX_NESTING", 10_000)
    began = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"no answer from Neo4j within the time limit of 2 s"):
        run_read_only(neo4j_driver, DEEP, database=neo4j_settings.neo4j_database, timeout_s=2)
    took = time.monotonic() - began
    assert 2 <= took < 2 + query_mod.DEADLINE_MARGIN_S + 2
    _alive(neo4j_driver, neo4j_settings.neo4j_database)


@pytest.mark.neo4j
def test_nested_parameter_is_one_clear_error(neo4j_driver, neo4j_settings):
    with pytest.raises(ValueError, match="nest lists and maps 50 deep"):
        parse_literal(NESTED_PARAM)
    value: list = []
    for _ in range(1200):
        value = [value]
    with pytest.raises(QueryLimitError, match="nests lists or maps more than 50 deep"):
        run_read_only(neo4j_driver, "RETURN $p AS p", {"p": value}, database=neo4j_settings.neo4j_database)
    _alive(neo4j_driver, neo4j_settings.neo4j_database)


@pytest.mark.neo4j
def test_queries_under_the_limits_still_run(neo4j_driver, neo4j_settings):
    db = neo4j_settings.neo4j_database
    chain = run_read_only(neo4j_driver, "RETURN " + " + ".join(["1"] * 500) + " AS n", database=db)
    assert chain.rows == [[500]]
    nested = run_read_only(neo4j_driver, "RETURN " + "[" * 60 + "1" + "]" * 60 + " AS n", database=db)
    assert nested.rows[0][0] is not None
    wide = run_read_only(neo4j_driver, "RETURN range(1, 100000) AS r", database=db)
    assert len(wide.rows[0][0]) == 100000


@pytest.mark.neo4j
def test_load_csv_reaches_no_url_even_past_every_check(neo4j_driver):
    """The server itself refuses to fetch: LOAD CSV straight through the driver, no check in the way."""
    import http.server
    import threading

    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        for host in ("127.0.0.1", "localhost"):
            with pytest.raises(Exception, match="blocked"):
                neo4j_driver.execute_query(f"LOAD CSV FROM 'http://{host}:{port}/x.csv' AS l RETURN l")
        assert hits == []
    finally:
        server.shutdown()
        server.server_close()


def test_deadline_abandons_the_worker():
    began = time.monotonic()
    with pytest.raises(query_guard.DeadlineExceeded):
        query_guard.run_bounded(lambda: time.sleep(30), seconds=0.5, max_bytes=1)
    assert time.monotonic() - began < 2


def test_driver_hook_is_in_place():
    """The byte budget counts the driver's reads; a driver upgrade that moves them must fail here."""
    assert query_guard.install()
    from neo4j._sync.io import _common

    assert _common.receive_into_buffer.__name__ == "receive_into_buffer"
    assert _common.receive_into_buffer.__module__ == query_guard.__name__
