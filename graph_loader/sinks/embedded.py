"""The embedded store: the whole graph in one node-link JSON file the app reads with no server.

The file is networkx node-link data (``node_link_data(g, edges="edges")``), so any networkx or d3 code
can read it; its ``graph`` attributes name the format and its version. Writes are atomic: the JSON is
streamed, a chunk of records (about 256 KiB) at a time, into a temporary file ``.<store name>.<random>.tmp``
in the same folder, flushed to disk, then renamed over the old file, so a failed or interrupted write leaves the
previous store intact. The writer holds a ``flock`` on its temporary file until the rename; a temporary
file nobody holds is what a killed writer left behind, and the next write removes it.

>>> import tempfile
>>> from graph_loader.graph import add_node, new_graph
>>> g = new_graph(); _ = add_node(g, "person:a", "Person", "A", article_id="article:1")
>>> path = Path(tempfile.mkdtemp()) / "graph.json"
>>> write_store(g, path)
>>> h = read_store(path)
>>> dict(h.nodes["person:a"]) == dict(g.nodes["person:a"]), h.graph
(True, {})
>>> read_store(path.with_name("missing.json"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph_loader.sinks.embedded.StoreError: .../missing.json: no embedded store here yet (run portero load first)
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from ..atomic import atomic_write

FORMAT = "portero-graph"
FORMAT_VERSION = 1


class StoreError(ValueError):
    """The embedded store cannot be read or written; the message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


# Records are encoded by one json call per chunk (the C encoder's speed) and written at once. A chunk holds
# at most _CHUNK records and aims at _CHUNK_BYTES of JSON: records range from a few hundred bytes (an
# event) to hundreds of kilobytes (a country with all its evidence), so the count starts at one record and
# follows the size of the last chunk's records, at most doubling from one chunk to the next.
_CHUNK = 1000
_CHUNK_BYTES = 256 * 1024
_WRITE_BUFFER = 64 * 1024


class _Unsaveable(Exception):
    """A graph value JSON cannot represent (raised while streaming; becomes a :class:`StoreError`)."""


def _node_records(g: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    """The ``nodes`` records of ``node_link_data(g)``, same keys in the same order, one at a time."""
    for n, d in g.nodes(data=True):
        yield {**d, "id": n}


def _edge_records(g: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    """The ``edges`` records of ``node_link_data(g, edges="edges")``, one at a time."""
    if g.is_multigraph():
        for u, v, k, d in g.edges(keys=True, data=True):
            yield {**d, "source": u, "target": v, "key": k}
    else:
        for u, v, d in g.edges(data=True):
            yield {**d, "source": u, "target": v}


def _describe_node(record: dict[str, Any]) -> str:
    return f"node {record['id']!r}"


def _describe_edge(record: dict[str, Any]) -> str:
    return f"relationship {record['source']!r} -> {record['target']!r}"


def _encoded(encoder: json.JSONEncoder, value: Any, what: str = "graph attributes") -> bytes:
    try:
        return encoder.encode(value).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:  # UnicodeEncodeError (a lone surrogate) is a ValueError
        raise _Unsaveable(f"{what}: {exc}") from None


def _write_records(fh: io.BufferedWriter, encoder: json.JSONEncoder, records: Iterable[dict[str, Any]],
                   describe: Callable[[dict[str, Any]], str]) -> None:
    """Write ``records`` as the inside of a JSON array, a chunk of records per encode and write."""
    it = iter(records)
    separator = b""
    size = 1
    while chunk := list(itertools.islice(it, size)):
        try:
            data = _encoded(encoder, chunk, "a record")
        except _Unsaveable:
            for record in chunk:  # name the culprit: only on the way to an error
                _encoded(encoder, record, describe(record))
            raise
        fh.write(separator)
        fh.write(memoryview(data)[1:-1])  # "[a, b]" -> "a, b", without copying
        separator = b", "
        size = max(1, min(_CHUNK, 2 * len(chunk), _CHUNK_BYTES * len(chunk) // len(data)))


def _stream(fh: io.BufferedWriter, g: nx.MultiDiGraph) -> None:
    """Write exactly ``json.dumps(node_link_data(g, edges="edges") + format marker, ensure_ascii=False)``."""
    encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
    head = _encoded(encoder, {"directed": g.is_directed(), "multigraph": g.is_multigraph(),
                              "graph": {**g.graph, "format": FORMAT, "format_version": FORMAT_VERSION}})
    fh.write(memoryview(head)[:-1])  # without the closing brace
    fh.write(b', "nodes": [')
    _write_records(fh, encoder, _node_records(g), _describe_node)
    fh.write(b'], "edges": [')
    _write_records(fh, encoder, _edge_records(g), _describe_edge)
    fh.write(b"]}")


def write_store(g: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``g`` to ``path`` atomically (the old file stays whole if anything fails).

    The JSON is streamed into a temporary file next to the store, never held whole in memory. Temporary
    files of earlier writers that were killed are removed first.

    Raises :class:`StoreError` when the graph holds a value JSON cannot represent or the folder is not
    writable; either way the old store is left as it was and no temporary file is left behind.
    """
    try:
        with atomic_write(path, "wb", buffering=_WRITE_BUFFER, durable=True) as fh:
            _stream(fh, g)
    except _Unsaveable as exc:
        raise StoreError(path, f"the graph cannot be saved ({exc}); the store was left unchanged") from None
    except OSError as exc:
        raise StoreError(path, f"cannot write the store: {exc.strerror or exc}") from None


def read_store(path: str | Path) -> nx.MultiDiGraph:
    """Read the store at ``path``; raise :class:`StoreError` naming the file when missing or corrupt."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(path, "no embedded store here yet (run portero load first)") from None
    except IsADirectoryError:
        raise StoreError(path, "is a folder, not an embedded store file") from None
    except OSError as exc:
        raise StoreError(path, f"cannot read the store: {exc.strerror or exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StoreError(path, f"corrupt store: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise StoreError(path, f"corrupt store: not valid JSON (line {exc.lineno}, column {exc.colno}: "
                               f"{exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("graph"), dict) \
            or data["graph"].get("format") != FORMAT:
        raise StoreError(path, "not a Portero Graph store (no 'portero-graph' format marker)")
    version = data["graph"].get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise StoreError(path, f"store format version {version!r} is not supported "
                               f"(this version of Portero Graph reads up to {FORMAT_VERSION})")
    nodes, edges = data.get("nodes"), data.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list):
        raise StoreError(path, "corrupt store: malformed node-link data (no 'nodes' and 'edges' lists)")
    if not all(isinstance(n, dict) and "id" in n for n in nodes) or not all(
            isinstance(e, dict) and "source" in e and "target" in e for e in edges):
        raise StoreError(path, "corrupt store: malformed node-link data (a node without 'id' or an edge "
                               "without 'source' and 'target')")
    try:
        g = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    except (KeyError, TypeError, ValueError, nx.NetworkXError) as exc:
        raise StoreError(path, f"corrupt store: malformed node-link data ({exc!r})") from None
    if not isinstance(g, nx.MultiDiGraph):
        raise StoreError(path, "corrupt store: not a directed multigraph")
    for key in ("format", "format_version"):
        g.graph.pop(key, None)
    return g


@contextlib.contextmanager
def store_lock(path: str | Path) -> Iterator[None]:
    """Hold an exclusive lock on the store's folder entry while reading, merging and writing it.

    Two loads at once would otherwise each read the old store and the second write would drop the
    first one's articles.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
