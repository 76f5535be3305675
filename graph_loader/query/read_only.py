"""The text checks on a query before Neo4j sees it: read-only Cypher only, and limits on its size.

:func:`check_read_only` reads the query's tokens as Neo4j will (``\\uXXXX`` escapes decoded first; string
literals, comments and quoted names are not code, so ``WHERE n.name = 'CREATE'`` passes) and refuses write
clauses, schema and administration commands, write procedures, ``CALL {...} IN TRANSACTIONS`` and more than
one statement: a friendly first filter, with a line number. :func:`check_limits` bounds the text's length
and nesting, and the parameters' depth and size.

>>> check_read_only("MATCH (n:Person) WHERE n.name = 'CREATE' RETURN n.name AS set // DELETE")
>>> check_read_only("MATCH (n) DETACH DELETE n")
Traceback (most recent call last):
...
graph_loader.query.read_only.WriteQueryError: refused: DETACH DELETE (line 1) writes to the graph; \
portero query runs read-only Cypher only
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..cypher_library import Token, decode_escapes, nesting, tokenize

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
    graph_loader.query.read_only.QueryLimitError: the query nests brackets 500 deep; portero query sends at most 100
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
