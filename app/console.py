"""The Neo4j the Cypher console page runs on: the app's own, or the configured server."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from app import data
from graph_loader.store import StoreError


@dataclass
class Console:
    """What the Cypher console runs on: a driver and database, or None and why not."""

    driver: object | None
    database: str
    uri: str
    problem: str = ""
    # No NEO4J_URI and this project's local server not running: the default address may be anyone's, so
    # the console does not connect there (``driver`` is None) and says so.
    unconfigured: bool = False
    # No NEO4J_URI, and the console runs on the local server of ``portero neo4j start``.
    local: bool = False


def _release_driver(opened: tuple[object | None, str, float]) -> None:
    if opened[0] is not None:
        opened[0].close()  # type: ignore[attr-defined]


try:  # newer Streamlit tells when a cached resource is dropped; older ones have no on_release
    _driver_cache = st.cache_resource(show_spinner=False, max_entries=2, on_release=_release_driver)
except TypeError:
    _driver_cache = st.cache_resource(show_spinner=False, max_entries=2)


@_driver_cache
def _console_driver(key: str, _settings: object) -> tuple[object | None, str, float]:
    """A verified driver for the configured Neo4j, or None and the reason (one line, no password)."""
    import time

    from graph_loader.neo4j_connection import Neo4jConnectError, connect

    try:
        return connect(_settings), "", time.monotonic()  # type: ignore[arg-type]
    except Neo4jConnectError as exc:  # a malformed address, a server that does not answer, refused credentials
        return None, str(exc), time.monotonic()


def console() -> Console:
    """The Neo4j the console runs on: the app's own when it reads Neo4j, else the configured server
    (a researcher may run Neo4j while the other pages read the embedded store)."""
    import hashlib
    import time

    from graph_loader.settings import load_settings
    from graph_loader.store import Neo4jStore

    settings = load_settings()
    try:
        store, _key = data.current()
    except StoreError:
        store = None
    if isinstance(store, Neo4jStore):
        return Console(store.driver, store.database, store.uri or settings.neo4j_uri)
    if settings.neo4j_is_local:
        from graph_loader import neo4j_server

        if not neo4j_server.local_running(settings):
            return Console(None, settings.neo4j_database, settings.neo4j_uri, unconfigured=True)
    secret = settings.neo4j_password or ""
    user = settings.neo4j_auth[0] if settings.neo4j_auth else ""
    key = "|".join([settings.neo4j_uri, settings.neo4j_database, user,
                    hashlib.sha256(secret.encode()).hexdigest()[:16]])
    driver, problem, opened = _console_driver(key, settings)
    if driver is None and time.monotonic() - opened > data.RETRY_NEO4J_AFTER:
        _console_driver.clear()  # it may have been started since: try again now and then
        driver, problem, opened = _console_driver(key, settings)
    return Console(driver, settings.neo4j_database, settings.neo4j_uri, problem, local=settings.neo4j_is_local)
