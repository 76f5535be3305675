"""Shared fixtures: the real local Neo4j, the sample corpus, its graph and its embedded store.

Neo4j tests run against the real server started by ``graph_loader.neo4j_server``. Where it cannot
start, they skip with the reason, except under CI (``CI`` set), where they fail. Its Bolt port is
``PORTERO_TEST_NEO4J_PORT`` when set, else a free one taken at run time.

The tests never read or write the user's data folder: ``PORTERO_HOME`` is a fresh temporary folder for the
session (commands and app pages run by the tests see it). The Neo4j jars are the exception: Maven builds
them once into :data:`JARS_HOME` (``PORTERO_TEST_HOME``, else the ``PORTERO_HOME`` the run was started
with, as CI's, else the clone's ``.portero``) and every test server uses them from there.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import needs
import pytest

from graph_loader.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLES = ROOT / "sample_data" / "articles"
# How many sample articles there are (English and Spanish), for tests that count what a load read.
N_SAMPLES = sum(1 for p in SAMPLE_ARTICLES.iterdir() if p.suffix in (".md", ".txt"))
SHARED = ROOT.parent / "shared"
SEED_ARTICLE = SHARED / "seed" / "portero-elpais-2025-08.txt"
SEED_GOLD = SHARED / "eval" / "seed_gold.json"
JARS_HOME = Path(os.environ.get("PORTERO_TEST_HOME") or os.environ.get("PORTERO_HOME") or ROOT / ".portero")


def stop_process(process: subprocess.Popen, timeout: float = 30) -> None:
    """Ask a process the test started to stop; kill it if it has not within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def share_jars(home: Path) -> None:
    """Let a test's own ``home`` use the Neo4j jars of :data:`JARS_HOME` (built there first if needed)."""
    from graph_loader import neo4j_server
    from graph_loader.settings import load_settings

    built = neo4j_server.ensure_built(load_settings({"PORTERO_HOME": str(JARS_HOME)}))
    link = home / built.name
    if not link.exists():
        home.mkdir(parents=True, exist_ok=True)
        link.symlink_to(built, target_is_directory=True)


@contextlib.contextmanager
def private_neo4j(settings: Settings) -> Iterator[Settings]:
    """A local Neo4j of the test's own at ``settings`` (its home sharing the built jars), stopped on
    leaving; when it cannot start, skip here and fail under CI (:mod:`needs`)."""
    from graph_loader import neo4j_server

    try:
        share_jars(settings.home)
        neo4j_server.start(settings)
    except Exception as exc:  # the reason is what a user needs to see
        needs.unavailable(f"the local Neo4j did not start: {exc}")
    try:
        yield settings
    finally:
        neo4j_server.stop(settings)


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``PORTERO_HOME`` for the whole session: a new temporary folder, never the user's data folder."""
    home = tmp_path_factory.mktemp("portero-home")
    before = os.environ.get("PORTERO_HOME")
    os.environ["PORTERO_HOME"] = str(home)
    yield home
    if before is None:
        os.environ.pop("PORTERO_HOME", None)
    else:
        os.environ["PORTERO_HOME"] = before


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a running Neo4j: PORTERO_TEST_NEO4J_URI if set (CI starts one), else a local server
    started for the session. Never NEO4J_URI: the tests empty the database they use."""
    if os.environ.get("PORTERO_TEST_NEO4J_URI"):
        yield load_settings({"NEO4J_URI": os.environ["PORTERO_TEST_NEO4J_URI"],
                             "NEO4J_PASSWORD": os.environ.get("PORTERO_TEST_NEO4J_PASSWORD", "")})
        return
    needs.java()
    from graph_loader import neo4j_server

    # The jars are built once into JARS_HOME; the database lives in a fresh temp folder.
    env = {
        "PORTERO_HOME": str(JARS_HOME),
        "PORTERO_NEO4J_DATA": str(tmp_path_factory.mktemp("neo4j-data")),
        "PORTERO_NEO4J_PORT": os.environ.get("PORTERO_TEST_NEO4J_PORT") or str(free_port()),
    }
    settings = load_settings(env)
    try:
        neo4j_server.start(settings)
    except Exception as exc:  # the reason is what a user needs to see
        needs.unavailable(f"the local Neo4j did not start: {exc}")
    yield settings
    neo4j_server.stop(settings)


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings: Settings):
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(neo4j_settings.neo4j_uri, auth=neo4j_settings.neo4j_auth)
    yield driver
    driver.close()


@pytest.fixture
def empty_neo4j(neo4j_driver, neo4j_settings: Settings):
    """The Neo4j database emptied before the test."""
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.neo4j_database)
    return neo4j_driver


@pytest.fixture(scope="session")
def sample_extractions():
    from graph_loader.articles import find_article_files, read_article
    from graph_loader.extract import extract_articles

    articles = [read_article(p) for p in find_article_files([SAMPLE_ARTICLES])]
    return list(extract_articles(articles))


@pytest.fixture(scope="session")
def sample_graph(sample_extractions):
    from graph_loader.graph import build_graph

    return build_graph(sample_extractions)


@pytest.fixture(scope="session")
def sample_store(sample_graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store file holding the sample graph."""
    from graph_loader.sinks.embedded import write_store

    path = tmp_path_factory.mktemp("store") / "graph.json"
    write_store(sample_graph, path)
    return path


@pytest.fixture
def loaded_neo4j(empty_neo4j, neo4j_settings: Settings, sample_graph):
    """The Neo4j database holding exactly the sample graph."""
    from graph_loader.sinks.neo4j import write_graph

    write_graph(empty_neo4j, sample_graph, database=neo4j_settings.neo4j_database)
    return empty_neo4j


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch):
    """No app setting from the environment, and Streamlit's caches empty, before and after the test."""
    from apptest_support import APP_ENV, clear_caches

    for var in APP_ENV:
        monkeypatch.delenv(var, raising=False)
    clear_caches()
    yield monkeypatch
    clear_caches()
