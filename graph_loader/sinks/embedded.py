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
import errno
import fcntl
import io
import itertools
import json
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import networkx as nx

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
    path = Path(path)
    created: list[Path] = []
    try:
        created = _make_folder(path.parent)
        _remove_stale_temps(path)
        fd, tmp = _new_temp(path)
    except OSError as exc:
        _discard(None, created)
        raise StoreError(path, f"cannot write the store: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb", buffering=_WRITE_BUFFER) as fh:
            os.fchmod(fd, _file_mode(path))  # mkstemp makes 0600; keep the store's (or the usual) mode
            _stream(fh, g)
            fh.flush()
            os.fsync(fh.fileno())
            os.replace(tmp, path)  # still holding the temp file's lock, so no clean-up takes it first
        _fsync_dir(path.parent)  # make the rename itself durable
    except _Unsaveable as exc:
        _discard(tmp, created)
        raise StoreError(path, f"the graph cannot be saved ({exc}); the store was left unchanged") from None
    except OSError as exc:
        _discard(tmp, created)
        raise StoreError(path, f"cannot write the store: {exc.strerror or exc}") from None
    except BaseException:
        _discard(tmp, created)
        raise


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return the ones created, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if missing:
        missing[0].mkdir(parents=True, exist_ok=True)
    return missing


def _discard(tmp: str | None, created: list[Path]) -> None:
    """Undo a failed write: its temporary file, and the folders it created if they are still empty."""
    if tmp is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    for folder in created:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _temp_pattern(path: Path) -> re.Pattern[str]:
    """The names ``tempfile.mkstemp(prefix=".<name>.", suffix=".tmp")`` gives temporary files of ``path``."""
    return re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")


def _new_temp(path: Path) -> tuple[int, str]:
    """A new temporary file next to ``path``, locked (``flock``) for as long as its descriptor is open."""
    for _ in range(5):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink:
                return fd, tmp
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(fd)  # another writer's clean-up took it in the instant before we locked it: again
    raise OSError(errno.EAGAIN, "no temporary file could be kept (another writer kept removing it)")


def _remove_stale_temps(path: Path) -> None:
    """Remove temporary files of ``path`` whose writer is gone (killed mid-write).

    A live writer holds a ``flock`` on its temporary file until it has renamed it; the kernel drops the
    lock when the writer dies. So a temporary file whose lock we can take is stale, whether or not the
    writers use :func:`store_lock`. Temporary files another user owns, or we cannot open, are left alone.
    """
    pattern = _temp_pattern(path)
    try:
        with os.scandir(path.parent) as entries:
            names = [e.name for e in entries if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in names:
        temp = path.parent / name
        with contextlib.suppress(OSError):  # gone already, not ours to open, or its writer is alive
            fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError while its writer lives
                if os.fstat(fd).st_ino == os.stat(temp, follow_symlinks=False).st_ino:
                    os.unlink(temp)
            finally:
                os.close(fd)


def _file_mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


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
