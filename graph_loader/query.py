"""Run Cypher read-only against Neo4j, with a time limit and a row cap: ``portero query``.

Four guards against writes, the later ones not trusting the earlier:

1. :func:`check_read_only` reads the query's tokens as Neo4j will (``\\uXXXX`` escapes decoded first;
   string literals, comments and quoted names are not code, so ``WHERE n.name = 'CREATE'`` passes) and
   refuses write clauses, schema and administration commands, write procedures, ``CALL {...} IN
   TRANSACTIONS`` and more than one statement: a friendly first filter, with a line number;
2. :func:`run_read_only` asks Neo4j for its plan (``EXPLAIN``) and runs the query only when every operator,
   procedure and function in it is on the read lists of :mod:`graph_loader.cypher_plan`: what is decided is
   what Neo4j parsed, not what this module thinks the text says;
3. it runs in a READ access-mode session, so Neo4j itself refuses a write that slipped past both;
4. the transaction is always rolled back, never committed.

And bounds, so that no query takes the server or this process down: the text's length and nesting are
checked before it is sent (:func:`check_limits`); the transaction carries a server-side timeout; at most
``row_cap + 1`` records are pulled and at most ``max_bytes`` received (:mod:`graph_loader.query_guard`);
and the client stops waiting at the time limit plus :data:`DEADLINE_MARGIN_S`, whatever the server does.

>>> check_read_only("MATCH (n:Person) WHERE n.name = 'CREATE' RETURN n.name AS set // DELETE")
>>> check_read_only("MATCH (n) DETACH DELETE n")
Traceback (most recent call last):
...
graph_loader.query.WriteQueryError: refused: DETACH DELETE (line 1) writes to the graph; \
portero query runs read-only Cypher only
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import logging
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from . import query_guard
from .cypher_library import (
    CannedQuery,
    CannedQueryError,
    Token,
    decode_escapes,
    find_params,
    get_query,
    nesting,
    parse_literal,
    parse_query,
    query_names,
    tokenize,
)
from .cypher_plan import functions_in, plan_refusal, walk
from .graph import edge_key
from .neo4j_queries import STORED_ONLY, evidence_from_lists

# ---------------------------------------------------------------- errors


class QueryError(RuntimeError):
    """A query could not run; the message is one line meant for the user."""


class WriteQueryError(QueryError):
    """The query would write (or could not be proven read-only), so it was refused."""


class QueryTimeoutError(QueryError):
    """The query ran past its time limit and Neo4j stopped it."""


class Neo4jUnavailableError(QueryError):
    """Neo4j could not be reached or refused the credentials."""


class QueryLimitError(QueryError):
    """The query, its parameters or its answer passed a size limit (checked without Neo4j's help)."""


# Limits that keep one query from taking the server or the client down (measured on the local 5.26 server
# with a 512 MB heap: 400 nested parentheses or 20,000 chained "+" overflow the parser's stack, and the
# server never answers; 6,000 chained "+" take 3.4 s to plan; canned queries are a few KB and nest < 10).
MAX_QUERY_CHARS = 100_000
MAX_NESTING = 100
MAX_OPERATOR_CHAIN = 1_000
MAX_PARAM_DEPTH = 50
MAX_PARAM_CHARS = 1_000_000
# The most an answer may weigh on the wire; a Bolt integer can be one byte and a Python int 28, so this
# bounds the client's memory to a few hundred MB at worst, well past any table a person reads.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
# The client waits this much past the time limit for Neo4j's own timeout error, then gives up.
DEADLINE_MARGIN_S = 3.0


# ---------------------------------------------------------------- the text check

_READ_ONLY = "portero query runs read-only Cypher only"
# Clauses that only exist to change data or schema; any of them refuses the query.
_WRITE_CLAUSES = {"CREATE", "MERGE", "SET", "DELETE", "REMOVE", "DROP", "FOREACH", "ALTER", "GRANT",
                  "DENY", "REVOKE", "RENAME", "TERMINATE", "DEALLOCATE", "REALLOCATE", "ENABLE"}
_SCHEMA_OBJECTS = {"INDEX", "CONSTRAINT", "RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR", "BTREE",
                   "DATABASE", "COMPOSITE", "ALIAS", "USER", "ROLE", "SERVER", "OR"}
# Procedure namespaces that write, administer the server or run arbitrary Cypher.
_WRITE_PROC_PREFIXES = ("dbms.", "apoc.periodic.", "apoc.trigger.", "apoc.cypher.", "apoc.do.",
                        "apoc.refactor.", "apoc.create.", "apoc.merge.", "apoc.load.", "apoc.import.",
                        "apoc.export.", "apoc.schema.", "apoc.lock.", "apoc.atomic.", "apoc.custom.",
                        "apoc.systemdb.", "apoc.uuid.", "apoc.ttl.", "apoc.graph.", "gds.")
# Words in a procedure name (split at dots and camelCase) that mean it changes something.
_WRITE_PROC_WORDS = {"create", "merge", "delete", "remove", "set", "drop", "write", "mutate", "import",
                     "export", "load", "run", "do", "clear", "kill", "terminate", "add", "update",
                     "rename", "refactor", "periodic", "trigger", "lock", "insert", "upsert", "assert",
                     "checkpoint", "resample", "install", "truncate"}


def _line(text: str, tok: Token) -> int:
    return text.count("\n", 0, tok.start) + 1


def _proc_words(name: str) -> set[str]:
    parts = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", name.replace(".", " "))
    return {p.lower() for p in parts}


def _is_write_procedure(name: str) -> bool:
    low = name.lower()
    return low.startswith(_WRITE_PROC_PREFIXES) or bool(_proc_words(name) & _WRITE_PROC_WORDS)


def _refuse(what: str, text: str, tok: Token, why: str = "writes to the graph") -> WriteQueryError:
    return WriteQueryError(f"refused: {what} (line {_line(text, tok)}) {why}; {_READ_ONLY}")


def check_read_only(text: str) -> None:
    """Raise :class:`WriteQueryError` unless ``text`` is a single read-only Cypher statement.

    Keywords count only as code: inside a string, a comment, a `quoted name`, after a dot (a property),
    a colon (a label or map key), ``$`` (a parameter) or ``AS`` (an alias) they are names, not clauses.
    The text is read after Cypher's ``\\uXXXX`` escapes are decoded, as Neo4j reads it.
    """
    text = decode_escapes(text)  # what Neo4j will read: "\\u0027" closes a string
    toks = list(tokenize(text))
    for i, tok in enumerate(toks):
        prev = toks[i - 1] if i else None
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if tok.text == ";":
            if any(t.text != ";" for t in toks[i + 1:]):
                raise _refuse("more than one statement", text, tok,
                              "was sent: run one statement at a time")
            continue
        if tok.kind != "word":
            continue
        if prev is not None and (prev.text in (".", ":", "$") or prev.text.upper() == "AS"):
            continue  # a property, label, map key, parameter or alias that happens to read like a keyword
        if nxt is not None and nxt.text == ":" and (i + 2 >= len(toks) or toks[i + 2].text != ":"):
            continue  # a map key such as {set: 1}
        word = tok.text.upper()
        after = nxt.text.upper() if nxt is not None and nxt.kind == "word" else ""
        if word in ("CREATE", "DROP") and after in _SCHEMA_OBJECTS:
            raise _refuse(f"{word} {after}", text, tok, "is a schema or administration command")
        if word in ("DETACH", "NODETACH"):
            raise _refuse(f"{word} DELETE", text, tok)
        if word in _WRITE_CLAUSES:
            raise _refuse(word, text, tok)
        if word == "LOAD" and after == "CSV":
            raise _refuse("LOAD CSV", text, tok, "reads files into the graph")
        if word in ("START", "STOP") and after == "DATABASE":
            raise _refuse(f"{word} DATABASE", text, tok, "is an administration command")
        if word == "IN" and prev is not None and prev.text == "}":
            ahead = [t.text.upper() for t in toks[i + 1:i + 4]]
            if "TRANSACTIONS" in ahead:
                raise _refuse("CALL { ... } IN TRANSACTIONS", text, tok, "batches writes")
        if word == "CALL" and nxt is not None and nxt.text != "{":
            name, _ = _dotted_name(toks, i + 1)
            if name and _is_write_procedure(name):
                raise _refuse(f"CALL {name}", text, tok, "is a write or administration procedure")
        elif nxt is not None and nxt.text == "." and (prev is None or prev.text.upper() != "CALL"):
            # A namespaced function such as apoc.cypher.runFirstColumn(...) can run any Cypher.
            name, end = _dotted_name(toks, i)
            if end < len(toks) and toks[end].text == "(" and name.lower().startswith(_WRITE_PROC_PREFIXES):
                raise _refuse(f"{name}()", text, tok, "can run or write anything")


def check_limits(text: str, params: dict[str, Any] | None = None) -> None:
    """Raise :class:`QueryLimitError` when the query or its parameters are too big or too deep to send.

    >>> check_limits("RETURN " + "(" * 500 + "1" + ")" * 500)
    Traceback (most recent call last):
    ...
    graph_loader.query.QueryLimitError: the query nests brackets 500 deep; portero query sends at most 100
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryLimitError(f"the query is {len(text):,} characters long; portero query sends at most "
                              f"{MAX_QUERY_CHARS:,}")
    deepest, chain = nesting(decode_escapes(text))
    if deepest > MAX_NESTING:
        raise QueryLimitError(f"the query nests brackets {deepest} deep; portero query sends at most "
                              f"{MAX_NESTING}")
    if chain > MAX_OPERATOR_CHAIN:
        raise QueryLimitError(f"the query chains {chain:,} operators in one expression; portero query sends "
                              f"at most {MAX_OPERATOR_CHAIN:,} (use a list and reduce() or UNWIND)")
    depth, chars = _measure(params or {})
    if depth > MAX_PARAM_DEPTH:
        raise QueryLimitError(f"a parameter nests lists or maps more than {MAX_PARAM_DEPTH} deep")
    if chars > MAX_PARAM_CHARS:
        raise QueryLimitError(f"the parameters hold {chars:,} characters; at most {MAX_PARAM_CHARS:,}")


def _measure(value: Any) -> tuple[int, int]:
    """How deep ``value`` nests lists and maps, and about how many characters it holds (iteratively, so
    that a value too deep for recursion is measured, not crashed on)."""
    deepest = chars = 0
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(v, dict):
            stack.extend((x, depth + 1) for x in v.values())
            chars += sum(len(str(k)) for k in v)
        elif isinstance(v, list | tuple):
            stack.extend((x, depth + 1) for x in v)
        else:
            chars += len(v) if isinstance(v, str | bytes) else 8
        if deepest > MAX_PARAM_DEPTH or chars > MAX_PARAM_CHARS:
            break
    return deepest, chars


def _dotted_name(toks: Sequence[Token], j: int) -> tuple[str, int]:
    """The dotted name starting at ``toks[j]`` (quoted parts unquoted) and the index just after it."""
    parts: list[str] = []
    while j < len(toks) and toks[j].kind in ("word", "ident"):
        t = toks[j].text
        parts.append(t[1:-1].replace("``", "`") if toks[j].kind == "ident" else t)
        j += 1
        if j + 1 < len(toks) and toks[j].text == "." and toks[j + 1].kind in ("word", "ident"):
            j += 1
        else:
            break
    return ".".join(parts), j


def strip_trailing_semicolons(text: str) -> str:
    """The statement without its final ``;`` (files end with one for cypher-shell; the driver wants none)."""
    toks = list(tokenize(text))
    cut = len(text)
    while toks and toks[-1].text == ";":
        cut = toks.pop().start
    return text[:cut].rstrip()


# ---------------------------------------------------------------- results as plain values


class NodeValue(dict):
    """A node of a result as a plain dict: ``labels`` and ``properties``."""


class RelValue(dict):
    """A relationship as a plain dict: ``type``, ``start``, ``end`` (node ids) and ``properties``."""


class PathValue(dict):
    """A path as a plain dict: ``nodes`` and ``relationships``."""


def _node_key(node: Any, known: dict[str, Any] | None = None) -> str:
    """A node's ``id`` property (looked up in ``known`` by element id when the node came back bare)."""
    full = (known or {}).get(node.element_id, node)
    return str(full.get("id") or full.element_id)


def _plain(value: Any, known: dict[str, Any] | None = None) -> Any:
    """Neo4j values as JSON-friendly Python values (nodes, relationships and paths as dicts).

    ``known`` maps element ids to full nodes, for relationship ends the result did not return.
    """
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return NodeValue(labels=sorted(value.labels), properties={k: _plain(v) for k, v in value.items()})
    if isinstance(value, Relationship):
        return RelValue(type=value.type, start=_node_key(value.start_node, known),
                        end=_node_key(value.end_node, known),
                        properties={k: _plain(v) for k, v in value.items()})
    if isinstance(value, Path):
        return PathValue(nodes=[_plain(n, known) for n in value.nodes],
                         relationships=[_plain(r, known) for r in value.relationships])
    if isinstance(value, list | tuple):
        return [_plain(v, known) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, known) for k, v in value.items()}
    if hasattr(value, "iso_format"):  # neo4j.time Date, DateTime, Duration...
        return value.iso_format()
    return value


def _node_label(labels: Iterable[str]) -> str:
    labels = sorted(labels)
    return "Event" if "Event" in labels else (labels[0] if labels else "")


def _rel_text(rel: dict) -> str:
    props = rel.get("properties", {})
    extra = ", ".join(f"{k}={props[k]}" for k in ("role", "status", "title") if props.get(k))
    return f"{rel['type']} ({extra})" if extra else rel["type"]


def display(value: Any) -> str:
    """A short text for a table cell: a node as ``name [Label]``, a path as ``A -[T]-> B``.

    >>> display(["a", 1, None]), display(NodeValue(labels=["Person"], properties={"name": "X"}))
    ('a; 1', 'X [Person]')
    """
    if value is None:
        return ""
    if isinstance(value, NodeValue):
        props = value["properties"]
        return f"{props.get('name', props.get('id', '?'))} [{_node_label(value['labels'])}]"
    if isinstance(value, RelValue):
        return _rel_text(value)
    if isinstance(value, PathValue):
        nodes = value["nodes"]
        out = [str(nodes[0]["properties"].get("name", "?"))] if nodes else []
        for rel, node in zip(value["relationships"], nodes[1:], strict=False):
            forward = rel["end"] == str(node["properties"].get("id"))
            arrow = f"-[{_rel_text(rel)}]->" if forward else f"<-[{_rel_text(rel)}]-"
            out.append(f"{arrow} {node['properties'].get('name', '?')}")
        return " ".join(out)
    if isinstance(value, list):
        return "; ".join(display(v) for v in value if v is not None)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {display(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


# ---------------------------------------------------------------- results as a graph




def records_to_graph(nodes: Iterable[Any], relationships: Iterable[Any]) -> nx.MultiDiGraph:
    """A MultiDiGraph in the schema of :mod:`graph_loader.graph` from Neo4j nodes and relationships.

    Node ids are the nodes' ``id`` property (the element id when absent); the label is the ontology label
    (``Event`` for events, whose type stays in ``event_type``); edge keys are the stored ``key``.
    """
    g = nx.MultiDiGraph()
    nodes = list(nodes)
    # A relationship's end nodes may be bare (no labels or properties) when the result did not return
    # them; the full node, when given, is found by element id.
    by_element = {n.element_id: n for n in nodes}

    def add(node: Any) -> str:
        node = by_element.get(node.element_id, node)
        nid = _node_key(node)
        if nid not in g:
            props = {k: _plain(v) for k, v in node.items() if k not in STORED_ONLY and k != "id"}
            props.setdefault("name", nid)
            props.setdefault("aliases", [])
            props.setdefault("articles", [])
            ev = evidence_from_lists(dict(node))
            g.add_node(nid, label=_node_label(node.labels), **props,
                       evidence=ev if ev else props.pop("evidence", []))
        return nid

    for n in nodes:
        add(n)
    for r in relationships:
        u, v = add(r.start_node), add(r.end_node)
        props = {k: _plain(val) for k, val in r.items() if k not in STORED_ONLY and k != "key"}
        key = r.get("key") or edge_key(r.type, props)
        props.setdefault("articles", [])
        g.add_edge(u, v, key=key, type=r.type, **props, evidence=evidence_from_lists(dict(r)))
    return g


def _collect_elements(value: Any, nodes: dict[str, Any], rels: dict[str, Any]) -> None:
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        nodes[value.element_id] = value
    elif isinstance(value, Relationship):
        rels[value.element_id] = value
    elif isinstance(value, Path):
        for n in value.nodes:
            nodes[n.element_id] = n
        for r in value.relationships:
            rels[r.element_id] = r
    elif isinstance(value, list | tuple):
        for v in value:
            _collect_elements(v, nodes, rels)
    elif isinstance(value, dict):
        for v in value.values():
            _collect_elements(v, nodes, rels)


# ---------------------------------------------------------------- running


@dataclass
class QueryResult:
    """A read-only query's answer: ``rows`` hold plain values (see :func:`_plain`), ``graph`` the nodes
    and relationships found anywhere in them, ``truncated`` whether rows beyond ``row_cap`` were cut."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool
    row_cap: int
    graph: nx.MultiDiGraph = field(default_factory=nx.MultiDiGraph)
    elapsed_s: float = 0.0

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]

    def to_frame(self, as_text: bool = True):
        """A pandas DataFrame; with ``as_text`` every cell is its :func:`display` text."""
        import pandas as pd

        rows = [[display(v) for v in row] for row in self.rows] if as_text else self.rows
        return pd.DataFrame(rows, columns=self.columns)

    @property
    def notice(self) -> str:
        """The one-line truncation notice ('' when nothing was cut)."""
        if not self.truncated:
            return ""
        return (f"note: showing the first {self.row_cap} rows; the query returned more "
                f"(raise PORTERO_ROW_CAP or add LIMIT)")


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


# ---------------------------------------------------------------- the command line


def _value(raw: str) -> Any:
    """A ``--param`` value: a Cypher literal when it is one ('x', 3, true, [1, 2]), else the text as is."""
    try:
        return parse_literal(raw)
    except ValueError:
        return raw


def parse_param_args(items: Iterable[str] | None) -> dict[str, Any]:
    """``["name=value", ...]`` as a dict; ValueError naming a malformed item."""
    out: dict[str, Any] = {}
    for item in items or ():
        name, sep, raw = item.partition("=")
        name = name.strip().lstrip("$")
        if not sep or not re.fullmatch(r"\w+", name):
            raise ValueError(f"--param {item!r} must look like name=value")
        out[name] = _value(raw.strip())
    return out


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. Cypher text too long to be a file name
        return False


# Words that make a one-word argument Cypher (sent to Neo4j, whose error names the problem), not a
# mistyped library name.
_CYPHER_WORDS = _WRITE_CLAUSES | {
    "MATCH", "OPTIONAL", "WITH", "RETURN", "WHERE", "UNWIND", "ORDER", "SKIP", "LIMIT", "CALL", "YIELD",
    "UNION", "USE", "SHOW", "EXPLAIN", "PROFILE", "LOAD", "DETACH", "FINISH", "START", "STOP", "BEGIN",
    "COMMIT", "ROLLBACK", "AND", "OR", "XOR", "NOT", "IN", "IS", "TRUE", "FALSE", "NULL"}
_LIBRARY_NAME = re.compile(r"[\w-]+")


def unknown_query_message(name: str, folder: str | Path | None = None) -> str:
    """One line for a library query name that is not in the library, with the nearest names if any.

    >>> unknown_query_message("timline")
    "no query named 'timline' in the library; did you mean 'timeline'?"
    """
    names = query_names(folder)
    close = difflib.get_close_matches(name.lower(), names, n=3)
    if close:
        return (f"no query named {name!r} in the library; did you mean "
                + " or ".join(repr(c) for c in close) + "?")
    return (f"no query named {name!r} in the library; its queries: {', '.join(names) or 'none'} "
            f"(or give a .cypher file or Cypher text)")


def _library_query(name: str) -> CannedQuery | None:
    try:
        return get_query(name)
    except KeyError:
        return None


def resolve_query(arg: str) -> tuple[str, CannedQuery | None]:
    """The Cypher text for ``arg``: a ``.cypher`` file, a canned query's name, or literal Cypher.

    A bare word (``timline``) that is neither a file, a library query nor a Cypher keyword is taken for a
    mistyped library name: :class:`QueryError` says so, with the nearest names, rather than sending it to
    Neo4j for a syntax error.
    """
    path = Path(arg)
    looks_like_file = arg.endswith(".cypher") and "\n" not in arg
    if looks_like_file or ("\n" not in arg and _is_file(path)):
        if not _is_file(path):
            stem = arg[: -len(".cypher")]
            if _LIBRARY_NAME.fullmatch(stem):  # no folder given: the library's file of that name
                canned = _library_query(stem)
                if canned is not None:
                    return canned.text, canned
                raise QueryError(f"{arg}: no such file, and {unknown_query_message(stem)}")
            raise QueryError(f"{arg}: no such file")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise QueryError(f"{arg}: not UTF-8 text") from None
        except OSError as exc:
            raise QueryError(f"{arg}: {exc.strerror or exc}") from None
        try:
            canned = parse_query(text, path.stem, path)
        except CannedQueryError:  # a plain .cypher file without a library header is fine
            return text, None
        return canned.text, canned
    if _LIBRARY_NAME.fullmatch(arg):
        canned = _library_query(arg)
        if canned is not None:
            return canned.text, canned
        if arg.upper() not in _CYPHER_WORDS:
            raise QueryError(unknown_query_message(arg))
    return arg, None


def _print_result(result: QueryResult, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(result.records(), ensure_ascii=False, indent=2, default=str))
    elif fmt == "csv":
        result.to_frame().to_csv(sys.stdout, index=False)
    elif not result.rows:
        print("(no rows)")
    else:
        print(result.to_frame().to_string(index=False, max_colwidth=80))
    if result.notice:
        print(result.notice, file=sys.stderr)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_line(message: str) -> str:
    """``message`` as one terminal line: whitespace runs become one space, other control characters (a
    terminal escape sequence in a query or a file name) are shown escaped, never sent to the terminal.

    >>> one_line("bad\\nname\\x1b[2J  here")
    'bad name\\\\x1b[2J here'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", " ".join(message.split()))


def _say(message: str, settings: Any = None) -> None:
    """One line on stderr, in the ``portero: problem`` form of the other verbs; never the password."""
    text = one_line(message)
    secret = getattr(settings, "neo4j_password", "") if settings is not None else ""
    if secret:
        text = text.replace(secret, "***")
    print(f"portero: {text}", file=sys.stderr)


def run_cli(args: argparse.Namespace, settings: Any) -> int:
    """``portero query FILE_OR_CYPHER [--param name=value ...] [--format table|csv|json]``.

    Exit status: 0 done, 1 Neo4j unreachable or the query failed or timed out, 2 refused or bad input.
    """
    from neo4j import GraphDatabase

    fmt = getattr(args, "format", None) or "table"
    try:
        text, canned = resolve_query(args.query)
        check_limits(text)  # before anything reads a text of megabytes token by token
        overrides = parse_param_args(getattr(args, "param", None))
        params = canned.bind(overrides) if canned else overrides
        if not canned:
            unknown = [k for k in overrides if k not in find_params(text)]
            if unknown:
                raise QueryError(f"--param {unknown[0]}: the query has no ${unknown[0]}")
        missing = [p for p in find_params(text) if p not in params]
        if missing:
            raise QueryError(f"the query needs --param {missing[0]}=VALUE")
        check_limits(text, params)
        check_read_only(text)
    except WriteQueryError as exc:
        _say(str(exc))
        return 2
    except (QueryError, KeyError, ValueError, OSError) as exc:
        _say(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
        return 2

    uri = settings.neo4j_uri
    # Every driver failure ends in one line of ours; the driver's own log lines would only repeat it.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    try:
        with GraphDatabase.driver(uri, auth=settings.neo4j_auth, connection_timeout=5.0) as driver:
            result = run_read_only(driver, text, params, database=settings.neo4j_database,
                                   timeout_s=settings.query_timeout, row_cap=settings.row_cap)
    except WriteQueryError as exc:
        _say(str(exc))
        return 2
    except Neo4jUnavailableError as exc:
        _say(f"cannot reach Neo4j at {uri}: {exc} (start it with `portero neo4j start`, or set NEO4J_URI)",
             settings)
        return 1
    except QueryError as exc:
        _say(str(exc), settings)
        return 1
    except ValueError as exc:  # e.g. a malformed NEO4J_URI, found when the driver is built
        _say(f"cannot use NEO4J_URI={uri}: {exc}", settings)
        return 1
    _print_result(result, fmt)
    return 0
