"""Run one statement read-only against Neo4j, with a time limit, a row cap and a cap on the bytes received.

The query's text is checked first (:mod:`.read_only`); Neo4j's plan of it must only read
(:mod:`graph_loader.cypher_plan`); it runs in a READ session; the transaction is always rolled back.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import networkx as nx

from .. import query_guard
from ..cypher_plan import functions_in, plan_refusal, walk
from .read_only import (
    _READ_ONLY,
    DEADLINE_MARGIN_S,
    MAX_ANSWER_BYTES,
    Neo4jUnavailableError,
    QueryError,
    QueryLimitError,
    QueryTimeoutError,
    WriteQueryError,
    check_limits,
    check_read_only,
    strip_trailing_semicolons,
)
from .values import QueryResult, _collect_elements, _plain, records_to_graph

# ---------------------------------------------------------------- running


def _error_code(exc: Exception) -> str:
    return getattr(exc, "code", None) or ""


def _translate(exc: Exception, timeout_s: float) -> QueryError:
    """One clear line for a Neo4j driver error."""
    from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

    if isinstance(exc, AuthError):
        return Neo4jUnavailableError("Neo4j refused the credentials "
                                     "(check NEO4J_USERNAME and NEO4J_PASSWORD)")
    if isinstance(exc, ServiceUnavailable | SessionExpired | OSError):
        return Neo4jUnavailableError(f"Neo4j is unreachable ({type(exc).__name__})")
    code = _error_code(exc)
    # Neo4j's message repeats the query under its first line; the first line is the explanation.
    lines = str(getattr(exc, "message", None) or exc).strip().splitlines() or [""]
    message = " ".join(lines[0].split())
    if "TransactionTimedOut" in code or ("Terminated" in code and "timeout" in message.lower()):
        return QueryTimeoutError(f"the query ran longer than {timeout_s:g} s and was stopped "
                                 "(raise PORTERO_QUERY_TIMEOUT, or narrow the query)")
    if "MemoryPoolOutOfMemoryError" in code or code.endswith("General.OutOfMemoryError"):
        return QueryLimitError("the query needed more memory than one query may use on the server "
                               f"({message[:160]}); narrow it or add LIMIT")
    if code.endswith("Statement.AccessMode") or "read access mode" in message.lower():
        return WriteQueryError(f"refused by Neo4j: the session is read-only ({message[:200]})")
    if isinstance(exc, Neo4jError):
        return QueryError(f"Neo4j rejected the query: {message[:300]}")
    return QueryError(f"the query failed: {type(exc).__name__}: {message[:300]}")


def run_read_only(driver: Any, text: str, params: dict[str, Any] | None = None, *,
                  database: str | None = None, timeout_s: float = 10.0, row_cap: int = 1000,
                  check: bool = True, max_bytes: int = MAX_ANSWER_BYTES) -> QueryResult:
    """Run one statement read-only: READ session, server-side ``timeout_s``, at most ``row_cap`` rows and
    ``max_bytes`` received, and an answer (or an error) within ``timeout_s`` + :data:`DEADLINE_MARGIN_S`.

    Neo4j's plan of the query is checked before it runs (:func:`graph_loader.cypher_plan.plan_refusal`).
    ``check=False`` skips only :func:`check_read_only` (tests use it to reach the later guards).
    Raises :class:`WriteQueryError`, :class:`QueryTimeoutError`, :class:`QueryLimitError`,
    :class:`Neo4jUnavailableError` or :class:`QueryError`.
    """
    if row_cap < 1:
        raise ValueError("row_cap must be at least 1")
    check_limits(text, params)
    if check:
        check_read_only(text)
    body = strip_trailing_semicolons(text)
    began = time.monotonic()
    wait_s = timeout_s + DEADLINE_MARGIN_S
    try:
        columns, rows, truncated, graph = query_guard.run_bounded(
            lambda: _run(driver, body, params or {}, database, timeout_s, row_cap),
            seconds=wait_s, max_bytes=max_bytes)
    except query_guard.DeadlineExceeded:
        raise QueryTimeoutError(f"no answer from Neo4j within the time limit of {timeout_s:g} s (waited "
                                f"{wait_s:g} s, then gave up; raise PORTERO_QUERY_TIMEOUT, or narrow the "
                                "query)") from None
    return QueryResult(columns=columns, rows=rows, truncated=truncated, row_cap=row_cap, graph=graph,
                       elapsed_s=time.monotonic() - began)


def _run(driver: Any, body: str, params: dict[str, Any], database: str | None, timeout_s: float,
         row_cap: int) -> tuple[list[str], list[list[Any]], bool, nx.MultiDiGraph]:
    """The work of :func:`run_read_only`, in its bounded worker thread."""
    import neo4j

    try:
        # Notifications off: Neo4j warns about relationship types absent from the data, which canned
        # queries name on purpose (an empty graph has none); errors still come through.
        with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS,
                            fetch_size=min(row_cap + 1, 1000),
                            notifications_min_severity="OFF") as session:
            tx = session.begin_transaction(timeout=timeout_s)
            try:
                _check_plan(tx, body, params)
                result = tx.run(body, params)
                columns = list(result.keys())
                records = list(itertools.islice(result, row_cap + 1))
            except BaseException:
                tx.close()
                raise
            truncated = len(records) > row_cap
            records = records[:row_cap]
            nodes: dict[str, Any] = {}
            rels: dict[str, Any] = {}
            for rec in records:
                _collect_elements(list(rec.values()), nodes, rels)
            _close_quietly(tx, got_rows=truncated)
            _hydrate_endpoints(session, timeout_s, nodes, rels)
            rows = [[_plain(v, nodes) for v in rec.values()] for rec in records]
    except QueryError:
        raise
    except Exception as exc:  # the driver's errors become one clear line
        budget = query_guard.current()
        if budget is not None and budget.exceeded:
            raise QueryLimitError(f"the answer passed {budget.max_bytes // (1024 * 1024)} MB and was cut "
                                  "off; return fewer or smaller values (add LIMIT, or return properties "
                                  "rather than whole lists)") from None
        raise _translate(exc, timeout_s) from exc
    return columns, rows, truncated, records_to_graph(nodes.values(), rels.values())


def _check_plan(tx: Any, body: str, params: dict[str, Any]) -> None:
    """Refuse the query unless Neo4j's own plan of it only reads (EXPLAIN runs nothing)."""
    summary = tx.run("EXPLAIN " + body, params).consume()
    plan = summary.plan
    if not isinstance(plan, dict):
        raise WriteQueryError(f"refused: Neo4j gave no plan to check; {_READ_ONLY}")
    builtins: list[str] = []
    if any(functions_in(str((n.get("args") or {}).get("Details", ""))) for n in walk(plan)):
        builtins = [r["name"] for r in tx.run("SHOW FUNCTIONS YIELD name, isBuiltIn "
                                              "WHERE isBuiltIn RETURN name")]
    why = plan_refusal(plan, summary.query_type, builtins)
    if why:
        raise WriteQueryError(f"refused by Neo4j's plan: {why}; {_READ_ONLY}")


def _close_quietly(tx: Any, got_rows: bool) -> None:
    """Roll back; when rows were cut, a failure to discard the rest (e.g. its timeout) does not matter."""
    try:
        tx.rollback()
    except Exception:
        if not got_rows:
            raise


def _hydrate_endpoints(session: Any, timeout_s: float, nodes: dict[str, Any], rels: dict[str, Any]) -> None:
    """Fetch the end nodes of returned relationships that the result did not include (the driver leaves
    them without labels or properties), so the result draws as a complete graph."""
    missing = {n.element_id for r in rels.values() for n in (r.start_node, r.end_node)
               if not n.labels and n.element_id not in nodes}
    if not missing:
        return
    with session.begin_transaction(timeout=timeout_s) as tx:
        for rec in tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n", ids=sorted(missing)):
            nodes[rec["n"].element_id] = rec["n"]
        tx.rollback()
