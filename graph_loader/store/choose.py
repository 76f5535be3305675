"""Choosing a store: Neo4j when wanted and reachable, else the embedded store file, saying why."""

from __future__ import annotations

from ..neo4j_connection import Neo4jConnectError, connect
from ..settings import Settings
from .base import GraphStore, StoreError
from .embedded import EmbeddedStore
from .neo4j import Neo4jStore


def unreachable_notice(uri: str, exc: BaseException, fallback: GraphStore) -> str:
    """What the app says when Neo4j does not answer: why, what to do, and what it shows instead.

    >>> class Empty:
    ...     def available(self): return False
    >>> unreachable_notice("bolt://127.0.0.1:7687", ConnectionRefusedError("refused"), Empty())[:58]
    'Neo4j at bolt://127.0.0.1:7687 does not answer (connection'
    """
    kind = "connection refused" if "refused" in str(exc).lower() or isinstance(exc, ConnectionRefusedError) else (
        "authentication failed" if "auth" in type(exc).__name__.lower() or "unauthorized" in str(exc).lower()
        else type(exc).__name__)
    todo = ("check NEO4J_USERNAME and NEO4J_PASSWORD" if kind == "authentication failed" else
            "start it with `portero neo4j start` (or check NEO4J_URI); this page tries again on its next run")
    shown = ("showing the embedded store instead" if fallback.available() else
             "there is no embedded store to show instead: load articles with `portero load`")
    return f"Neo4j at {uri} does not answer ({kind}): {todo}. Meanwhile {shown}."


def open_store(settings: Settings, prefer: str | None = None) -> GraphStore:
    """The store to read: Neo4j when preferred (``prefer`` or ``PORTERO_STORE_KIND``) and reachable, else
    the embedded store file. When Neo4j was wanted but cannot be reached, the embedded store comes back
    with ``notice`` saying why.
    """
    kind = (prefer or settings.store or "embedded").strip().lower()
    embedded = EmbeddedStore(settings.store_path)
    if kind != "neo4j":
        return embedded
    try:
        driver = connect(settings)
    except Neo4jConnectError as exc:
        embedded.notice = (f"Neo4j is configured at {settings.neo4j_uri} but the address is not usable: {exc}"
                           if exc.kind == "uri" else unreachable_notice(settings.neo4j_uri, exc.cause or exc, embedded))
        return embedded
    return Neo4jStore(driver, settings.neo4j_database, uri=settings.neo4j_uri, timeout=settings.query_timeout,
                      owns_driver=True)


def open_kind(kind: str | None, settings: Settings) -> GraphStore:
    """The store of ``kind`` (``embedded``, the default, or ``neo4j``), with no fallback: a command asked
    for it. :class:`StoreError` in one line when Neo4j cannot be reached or the store file is missing or
    damaged (naming it). The caller closes the store.
    """
    kind = (kind or "embedded").strip().lower()
    if kind == "neo4j":
        try:
            driver = connect(settings)
        except Neo4jConnectError as exc:
            raise StoreError(str(exc)) from None
        return Neo4jStore(driver, settings.neo4j_database, uri=settings.neo4j_uri, timeout=settings.query_timeout,
                          owns_driver=True)
    if kind != "embedded":
        raise StoreError(f"unknown store {kind!r}: choose embedded or neo4j")
    from ..sinks.embedded import StoreError as FileError
    from ..sinks.embedded import read_store

    try:
        return EmbeddedStore.from_graph(read_store(settings.store_path), str(settings.store_path))
    except FileError as exc:  # its message names the file and the problem
        raise StoreError(str(exc)) from None
