"""The library of canned Cypher queries in ``cypher/queries/``: titled, documented, parameterised.

Each ``.cypher`` file opens with a header of ``//`` comment lines that this module reads::

    // title: Who leads which body, and since when
    // question: Which people lead which agencies, countries and initiatives?
    // param: body = '' — a body's name or alias, any case; empty for every body
    //
    // Neo4j Browser / cypher-shell:
    //   :param body => '';
    MATCH (p)-[r:LEADS]->(b) ...

Defaults are Cypher literals (strings, numbers, booleans, null, lists). The whole file, header
included, is one runnable statement: the header is only comments.

The module also holds a small Cypher tokenizer (strings, comments, quoted names, parameters) that
:func:`find_params` and :mod:`graph_loader.query` share.

>>> find_params("MATCH (n) WHERE n.name = $actor AND n.x <> '$not_a_param' // $nor_this\\nRETURN $hops")
['actor', 'hops']
>>> parse_literal("'Claudia Sheinbaum'"), parse_literal("3"), parse_literal("[1, 'a', true]")
('Claudia Sheinbaum', 3, [1, 'a', True])
>>> cypher_literal("O'Hara"), cypher_literal(2.5), cypher_literal(None)
("'O\\\\'Hara'", '2.5', 'null')

Neo4j decodes ``\\uXXXX`` escapes anywhere in a query before it reads it, so everything here that judges a
query reads it as Neo4j will: :func:`decode_escapes` first.

>>> decode_escapes(r"RETURN '\\u0027 AS x //'")
"RETURN '' AS x //'"
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .resources import project_dir

QUERIES_DIR = project_dir("cypher") / "queries"

# One alternative per token kind; order matters (comments and strings before punctuation). A line comment
# ends at any line break Neo4j might honour, so nothing after one can hide from the read-only check.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>//[^\r\n\u2028\u2029\x85]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*(?:'|\Z)|"(?:[^"\\]|\\.)*(?:"|\Z))
  | (?P<ident>`(?:[^`]|``)*(?:`|\Z))
  | (?P<param>\$(?:\w+|`(?:[^`]|``)*`))
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>\w+)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token of Cypher text: ``kind`` is a group name of :data:`_TOKEN`."""

    kind: str
    text: str
    start: int


def tokenize(text: str) -> Iterator[Token]:
    """Split Cypher text into tokens; whitespace and comments are dropped.

    >>> [t.text for t in tokenize("RETURN 'a // b' /* c */ AS `x y`")]
    ['RETURN', "'a // b'", 'AS', '`x y`']
    """
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, m.group(), m.start())


def _unquote_ident(text: str) -> str:
    return text[1:-1].replace("``", "`") if text.startswith("`") and text.endswith("`") else text


# A backslash starts an escape only when an even number of backslashes precede it ("\\\\u0041" is a
# backslash and "u0041"), as measured on Neo4j 5.26; one pass, as Neo4j does ("\\u005cu0041" is "\\u0041").
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9A-Fa-f]{4})")


def decode_escapes(text: str) -> str:
    """``text`` with Cypher's ``\\uXXXX`` escapes decoded, as Neo4j does before parsing (surrogate pairs
    joined), so that a check reads the same query Neo4j will run.

    >>> decode_escapes(r"RETURN '\\u00e9', '\\\\u0041', '\\ud83d\\ude00' AS \\u0078")
    "RETURN 'é', '\\\\\\\\u0041', '😀' AS x"
    """
    if "\\u" not in text:
        return text
    out = _UNICODE_ESCAPE.sub(lambda m: m.group(1) + chr(int(m.group(2), 16)), text)
    return out.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# Tokens that make an expression one level deeper in Neo4j's parser: a binary operator adds a node to a
# left-leaning tree, so "1 + 1 + ... " 20,000 times overflows its stack like 1,000 nested parentheses.
_OPERATORS = {"+", "-", "*", "/", "%", "^", "=", "<", ">", "~", "."}
_OPERATOR_WORDS = {"AND", "OR", "XOR", "NOT", "IN", "IS", "CONTAINS", "STARTS", "ENDS"}
_CLAUSES = {"MATCH", "OPTIONAL", "WITH", "RETURN", "WHERE", "UNWIND", "ORDER", "SKIP", "LIMIT", "CALL",
            "YIELD", "UNION", "USE"}
_OPEN, _CLOSE = "([{", ")]}"


def nesting(text: str) -> tuple[int, int]:
    """How deep a query nests brackets, and its longest chain of operators in one clause at one level.

    Both grow the parser's recursion, so both are bounded before a query is sent.

    >>> nesting("MATCH (n) WHERE n.a = [1, [2, (3 + 4)]] RETURN n")
    (3, 2)
    """
    depth = deepest = longest = 0
    chains = [0]
    for tok in tokenize(text):
        t = tok.text
        if tok.kind == "punct" and t in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
            chains.append(0)
        elif tok.kind == "punct" and t in _CLOSE:
            depth = max(0, depth - 1)
            if len(chains) > 1:
                chains.pop()
        elif (tok.kind == "punct" and t in _OPERATORS) or (tok.kind == "word" and t.upper() in _OPERATOR_WORDS):
            chains[-1] += 1
            longest = max(longest, chains[-1])
        elif t in (",", "|", ";") or (tok.kind == "word" and t.upper() in _CLAUSES):
            chains[-1] = 0
    return deepest, longest


def find_params(text: str) -> list[str]:
    """The ``$name`` parameters of a query, in order of first use (strings and comments ignored)."""
    seen: dict[str, None] = {}
    for tok in tokenize(decode_escapes(text)):
        if tok.kind == "param":
            seen.setdefault(_unquote_ident(tok.text[1:]), None)
    return list(seen)


# ---------------------------------------------------------------- literals

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "\\": "\\", "'": "'", '"': '"'}


def _unescape(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.DOTALL)


MAX_LITERAL_DEPTH = 50


class _LiteralParser:
    """A recursive-descent reader of Cypher literal values (no expressions)."""

    def __init__(self, text: str) -> None:
        self.tokens = list(tokenize(text))
        self.pos = 0
        self.text = text
        # Recursion is bounded before it starts: 1,200 nested lists must be a clear error, not a
        # RecursionError (nor a value the driver then fails to send).
        depth = level = 0
        for tok in self.tokens:
            if tok.kind == "punct" and tok.text in "[{":
                level += 1
                depth = max(depth, level)
            elif tok.kind == "punct" and tok.text in "]}":
                level -= 1
        if depth > MAX_LITERAL_DEPTH:
            raise ValueError(f"a Cypher literal may nest lists and maps {MAX_LITERAL_DEPTH} deep; "
                             f"this one nests {depth}")

    def fail(self) -> ValueError:
        return ValueError(f"not a Cypher literal: {self.text.strip()!r}")

    def take(self) -> Token:
        if self.pos >= len(self.tokens):
            raise self.fail()
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def peek(self) -> str | None:
        return self.tokens[self.pos].text if self.pos < len(self.tokens) else None

    def value(self) -> Any:
        tok = self.take()
        if tok.kind == "string":
            if len(tok.text) < 2 or tok.text[-1] != tok.text[0]:
                raise self.fail()
            return _unescape(tok.text[1:-1])
        if tok.text == "-":
            num = self.take()
            if num.kind != "number":
                raise self.fail()
            return -self._number(num.text)
        if tok.kind == "number":
            return self._number(tok.text)
        if tok.kind == "word":
            low = tok.text.lower()
            if low in ("true", "false"):
                return low == "true"
            if low == "null":
                return None
        if tok.text == "[":
            return self._sequence("]", lambda: self.value())
        if tok.text == "{":
            return dict(self._sequence("}", self._pair))
        raise self.fail()

    def _pair(self) -> tuple[str, Any]:
        key = self.take()
        if key.kind not in ("word", "ident") or self.take().text != ":":
            raise self.fail()
        return _unquote_ident(key.text), self.value()

    def _sequence(self, close: str, item: Any) -> list:
        out: list = []
        if self.peek() == close:
            self.take()
            return out
        while True:
            out.append(item())
            sep = self.take().text
            if sep == close:
                return out
            if sep != ",":
                raise self.fail()

    @staticmethod
    def _number(text: str) -> int | float:
        return float(text) if any(c in text for c in ".eE") else int(text)


def parse_literal(text: str) -> Any:
    """A Cypher literal (string, number, boolean, null, list, map) as a Python value; ValueError if not."""
    parser = _LiteralParser(text)
    value = parser.value()
    if parser.peek() is not None:
        raise parser.fail()
    return value


def cypher_literal(value: Any) -> str:
    """The Cypher literal for a Python value (the inverse of :func:`parse_literal`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


# ---------------------------------------------------------------- canned queries


class CannedQueryError(ValueError):
    """A canned query file has a malformed or incomplete header."""


@dataclass(frozen=True)
class CannedQuery:
    """One query of the library: ``params`` maps each parameter to its default."""

    name: str
    title: str
    question: str
    params: dict[str, Any]
    text: str
    param_help: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def bind(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The defaults updated with ``overrides``; an unknown name raises KeyError naming the known ones."""
        out = dict(self.params)
        for key, value in (overrides or {}).items():
            if key not in out:
                known = ", ".join(self.params) or "none"
                raise KeyError(f"{self.name} has no parameter ${key} (its parameters: {known})")
            out[key] = value
        return out


_HEADER_KEY = re.compile(r"^//\s*(title|question|param)\s*:\s*(.*?)\s*$")
# "name = default — meaning"; an em dash separates the meaning (" -- " is accepted too).
_PARAM = re.compile(r"^\$?(?P<name>\w+)\s*=\s*(?P<default>.*?)\s+(?:—|--)\s+(?P<help>.+)$")
_SHELL_PARAM = re.compile(r"^//\s*:param\s+(?P<name>\w+)\s*=>\s*(?P<value>.*?)\s*;?\s*$")


def header_lines(text: str) -> list[str]:
    """The leading comment lines of a query file (blank lines inside the header are skipped)."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("//"):
            break
        out.append(stripped)
    return out


def shell_params(text: str) -> dict[str, Any]:
    """The ``:param name => value;`` lines of a header, parsed (for checking them against the defaults)."""
    out: dict[str, Any] = {}
    for line in header_lines(text):
        m = _SHELL_PARAM.match(line)
        if m:
            out[m["name"]] = parse_literal(m["value"])
    return out


def parse_query(text: str, name: str, path: Path | None = None) -> CannedQuery:
    """Read a query file's header; the header must agree with the ``$params`` the body uses."""
    where = str(path) if path else name
    fields: dict[str, str] = {}
    params: dict[str, Any] = {}
    helps: dict[str, str] = {}
    for line in header_lines(text):
        m = _HEADER_KEY.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key != "param":
            fields[key] = value
            continue
        pm = _PARAM.match(value)
        if not pm:
            raise CannedQueryError(f"{where}: param line must read 'name = default — meaning': {value!r}")
        try:
            params[pm["name"]] = parse_literal(pm["default"])
        except ValueError as exc:
            raise CannedQueryError(f"{where}: parameter {pm['name']}: {exc}") from None
        helps[pm["name"]] = pm["help"]
    for key in ("title", "question"):
        if not fields.get(key):
            raise CannedQueryError(f"{where}: the header lacks a '// {key}: ...' line")
    used = find_params(text)
    missing = [p for p in used if p not in params]
    unused = [p for p in params if p not in used]
    if missing:
        raise CannedQueryError(f"{where}: ${', $'.join(missing)} used but not declared with '// param:'")
    if unused:
        raise CannedQueryError(f"{where}: declared but unused parameter(s): {', '.join(unused)}")
    return CannedQuery(name=name, title=fields["title"], question=fields["question"], params=params,
                       text=text, param_help=helps, path=path)


def load_query(path: str | Path) -> CannedQuery:
    """Read one ``.cypher`` file (its name is the file's stem)."""
    p = Path(path)
    return parse_query(p.read_text(encoding="utf-8"), p.stem, p)


def list_queries(folder: str | Path | None = None) -> list[CannedQuery]:
    """Every canned query of ``folder`` (default: ``cypher/queries/``), sorted by name."""
    root = Path(folder) if folder else QUERIES_DIR
    return [load_query(p) for p in sorted(root.glob("*.cypher"))]


def query_names(folder: str | Path | None = None) -> list[str]:
    """The names of the library's queries (file stems), sorted, without reading the files."""
    root = Path(folder) if folder else QUERIES_DIR
    return sorted(p.stem for p in root.glob("*.cypher"))


def get_query(name: str, folder: str | Path | None = None) -> CannedQuery:
    """The canned query called ``name`` (with or without ``.cypher``); KeyError if there is none."""
    root = Path(folder) if folder else QUERIES_DIR
    path = root / (name if name.endswith(".cypher") else f"{name}.cypher")
    if not path.is_file():
        raise KeyError(f"no canned query {name!r} in {root}")
    return load_query(path)


def markdown_table(queries: list[CannedQuery] | None = None) -> str:
    """The README's table of canned queries: file, title, question and parameters with defaults."""
    rows = ["| Query | Title | Question | Parameters (defaults) |", "|---|---|---|---|"]
    for q in queries if queries is not None else list_queries():
        params = ", ".join(f"`{k}` = `{cypher_literal(v)}`" for k, v in q.params.items()) or "none"
        rows.append(f"| `{q.name}.cypher` | {q.title} | {q.question} | {params} |")
    return "\n".join(rows)
