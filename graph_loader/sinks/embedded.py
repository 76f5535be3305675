"""The embedded store: the whole graph in one node-link JSON file the app reads with no server.

The file is networkx node-link data (``node_link_data(g, edges="edges")``), so any networkx or d3 code
can read it; its ``graph`` attributes name the format and its version. Writes are atomic: the JSON is
built in memory, written to a temporary file in the same folder, flushed to disk, then renamed over the
old file, so a failed or interrupted write leaves the previous store intact.

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
import json
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

FORMAT = "portero-graph"
FORMAT_VERSION = 1


class StoreError(ValueError):
    """The embedded store cannot be read or written; the message names the file and the problem."""

    def __init__(self, path: str | Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


def _encode(g: nx.MultiDiGraph, path: Path) -> bytes:
    data = nx.node_link_data(g, edges="edges")
    data["graph"] = {**data.get("graph", {}), "format": FORMAT, "format_version": FORMAT_VERSION}
    try:
        return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise StoreError(path, f"the graph cannot be saved ({exc}); the store was left unchanged") from None


def write_store(g: nx.MultiDiGraph, path: str | Path) -> None:
    """Write ``g`` to ``path`` atomically (the old file stays whole if anything fails).

    Raises :class:`StoreError` when the graph holds a value JSON cannot represent or the folder is not
    writable.
    """
    path = Path(path)
    payload = _encode(g, path)  # fails before any file is touched
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StoreError(path, f"cannot write the store: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, _file_mode(path))  # mkstemp makes 0600; keep the store's (or the usual) mode
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        _fsync_dir(path.parent)  # make the rename itself durable
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise StoreError(path, f"cannot write the store: {exc.strerror or exc}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
