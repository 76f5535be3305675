"""Where a query's text comes from: a ``.cypher`` file, a name in the query library, or Cypher text."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from ..cypher_library import CannedQuery, CannedQueryError, get_query, parse_query, query_names
from .read_only import _WRITE_CLAUSES, QueryError


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
