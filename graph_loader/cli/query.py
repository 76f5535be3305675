"""``portero query FILE_OR_CYPHER [--param name=value ...] [--format table|csv|json]``: read-only Cypher.

Exit status: 0 done, 1 Neo4j unreachable or the query failed or timed out, 2 refused or bad input.

>>> parse_param_args(["who=Ana", "n=3", "$tags=['a', 'b']"])
{'who': 'Ana', 'n': 3, 'tags': ['a', 'b']}
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterable
from typing import Any

from ..cypher_library import find_params, parse_literal
from ..query import (
    OUTPUT_FORMATS,
    Neo4jUnavailableError,
    QueryError,
    WriteQueryError,
    check_limits,
    check_read_only,
    resolve_query,
    run_read_only,
)
from ..settings import Settings
from .common import say

REFUSED = 2  # the exit status of a refused query or bad input (1: it could not run)


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("query", help="run a read-only Cypher query (a file, a library name or text)")
    p.add_argument("query", metavar="FILE_OR_CYPHER")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a query parameter (repeatable)")
    p.add_argument("--format", choices=tuple(OUTPUT_FORMATS), default="table")


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


def prepare(query: str, param_args: Iterable[str] | None) -> tuple[str, dict[str, Any]]:
    """The query's text and parameters, checked (limits, read-only, every parameter given and used)."""
    text, canned = resolve_query(query)
    check_limits(text)  # before anything reads a text of megabytes token by token
    overrides = parse_param_args(param_args)
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
    return text, params


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Check the query, run it on the configured Neo4j, print the answer in ``--format``."""
    from ..neo4j_connection import Neo4jConnectError, driver

    fmt = getattr(args, "format", None) or "table"
    try:
        text, params = prepare(args.query, getattr(args, "param", None))
    except WriteQueryError as exc:
        say(str(exc))
        return REFUSED
    except (QueryError, KeyError, ValueError, OSError) as exc:
        say(exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc))
        return REFUSED

    uri = settings.neo4j_uri
    # Every driver failure ends in one line of ours; the driver's own log lines would only repeat it.
    logging.getLogger("neo4j").setLevel(logging.CRITICAL)
    try:
        with driver(settings) as neo4j_driver:
            result = run_read_only(neo4j_driver, text, params, database=settings.neo4j_database,
                                   timeout_s=settings.query_timeout, row_cap=settings.row_cap)
    except Neo4jConnectError as exc:  # a malformed NEO4J_URI, found when the driver is built
        say(str(exc), settings)
        return 1
    except WriteQueryError as exc:
        say(str(exc))
        return REFUSED
    except Neo4jUnavailableError as exc:
        say(f"cannot reach Neo4j at {uri}: {exc} (start it with `portero neo4j start`, or set NEO4J_URI)",
            settings)
        return 1
    except QueryError as exc:
        say(str(exc), settings)
        return 1
    sys.stdout.write(OUTPUT_FORMATS[fmt](result))
    if result.notice:
        print(result.notice, file=sys.stderr)
    return 0
