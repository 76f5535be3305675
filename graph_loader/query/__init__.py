"""Run Cypher read-only against Neo4j, with a time limit and a row cap (``portero query``, the console).

Four guards against writes, the later ones not trusting the earlier:

1. :func:`check_read_only` (:mod:`.read_only`) reads the query's tokens as Neo4j will and refuses write
   clauses, schema and administration commands, write procedures, ``CALL {...} IN TRANSACTIONS`` and more
   than one statement: a friendly first filter, with a line number;
2. :func:`run_read_only` (:mod:`.run`) asks Neo4j for its plan (``EXPLAIN``) and runs the query only when
   every operator, procedure and function in it is on the read lists of :mod:`graph_loader.cypher_plan`:
   what is decided is what Neo4j parsed, not what this module thinks the text says;
3. it runs in a READ access-mode session, so Neo4j itself refuses a write that slipped past both;
4. the transaction is always rolled back, never committed.

And bounds, so that no query takes the server or this process down: the text's length and nesting are
checked before it is sent (:func:`check_limits`); the transaction carries a server-side timeout; at most
``row_cap + 1`` records are pulled and at most ``max_bytes`` received (:mod:`graph_loader.query_guard`);
and the client stops waiting at the time limit plus :data:`DEADLINE_MARGIN_S`, whatever the server does.

The answer comes back as plain values (:mod:`.values`); :mod:`.source` finds a query's text from a file,
a library name or Cypher text.
"""

from __future__ import annotations

from .read_only import (
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
from .run import run_read_only
from .source import resolve_query, unknown_query_message
from .values import OUTPUT_FORMATS, NodeValue, PathValue, QueryResult, RelValue, display, records_to_graph

__all__ = [
    "DEADLINE_MARGIN_S", "MAX_ANSWER_BYTES", "OUTPUT_FORMATS", "Neo4jUnavailableError", "NodeValue", "PathValue",
    "QueryError", "QueryLimitError", "QueryResult", "QueryTimeoutError", "RelValue", "WriteQueryError",
    "check_limits", "check_read_only", "display", "records_to_graph", "resolve_query", "run_read_only",
    "strip_trailing_semicolons", "unknown_query_message",
]
