"""The Neo4j password never shows: not in the CLI's output, not in a log file, not on an app page.

A local Neo4j is started with a known, unique password (its own home, data folder and a port free at run
time; the jars are shared with the other Neo4j tests), the CLI
is driven through ``python -m graph_loader`` with that password (and once with a wrong one), the app is
rendered against it, and every output is searched for the password.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_port, private_neo4j

from graph_loader.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
SECRET = "s3cr3t-Portero-XYZ-8q7w"
WRONG = "n0t-the-Password-4k2j"

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def secret_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment of a local Neo4j that requires :data:`SECRET`; the server is stopped afterwards."""

    home = tmp_path_factory.mktemp("secret-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PORTERO_"))}
    port = os.environ.get("PORTERO_TEST_SECRET_NEO4J_PORT") or str(free_port())
    env.update({"PORTERO_HOME": str(home), "PORTERO_NEO4J_PORT": port, "NEO4J_PASSWORD": SECRET,
                "PORTERO_NEO4J_DATA": str(home / "neo4j"), "PYTHONPATH": str(ROOT)})
    with private_neo4j(load_settings(env)):
        yield env


def _settings(env: dict[str, str]) -> Settings:
    return load_settings(env)


def _cli(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph_loader", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=timeout, stdin=subprocess.DEVNULL)


def _no_secret(done: subprocess.CompletedProcess, *secrets: str) -> None:
    for secret in secrets or (SECRET,):
        assert secret not in done.stdout, done.stdout[-2000:]
        assert secret not in done.stderr, done.stderr[-2000:]


def test_cli_never_prints_the_password(secret_env: dict[str, str]) -> None:
    from neo4j import GraphDatabase

    # status: the server is running and reachable with the password, which is not shown.
    status = _cli(secret_env, "neo4j", "status")
    assert status.returncode == 0, status.stderr
    assert f":{secret_env['PORTERO_NEO4J_PORT']}" in status.stdout
    _no_secret(status)

    # load: the sample articles land in Neo4j.
    load = _cli(secret_env, "load", str(ROOT / "sample_data" / "articles"), "--to", "neo4j")
    assert load.returncode == 0, load.stderr[-2000:]
    _no_secret(load)
    settings = _settings(secret_env)
    with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
        recs, _, _ = driver.execute_query("MATCH (a:Article) RETURN count(a) AS c",
                                          database_=settings.neo4j_database)
    n_articles = len(list((ROOT / "sample_data" / "articles").glob("*.md")))
    assert recs[0]["c"] == n_articles

    # load with a wrong password: a clear error, neither password shown, non-zero exit.
    wrong = _cli({**secret_env, "NEO4J_PASSWORD": WRONG}, "load", str(ROOT / "sample_data" / "articles"),
                 "--to", "neo4j")
    assert wrong.returncode != 0
    assert "Traceback" not in wrong.stderr
    assert any(w in wrong.stderr.lower() for w in ("password", "auth", "credentials", "unauthorized")), \
        wrong.stderr
    _no_secret(wrong, SECRET, WRONG)

    # query: answers, with the right count and no password.
    query = _cli(secret_env, "query", "MATCH (n:Article) RETURN count(n) AS articles", "--format", "csv")
    assert query.returncode == 0, query.stderr
    assert str(n_articles) in query.stdout.split()[-1]
    _no_secret(query)

    # verbose mode (which may log driver details) still hides it.
    verbose = _cli(secret_env, "-v", "neo4j", "status")
    _no_secret(verbose)


def test_no_log_file_holds_the_password(secret_env: dict[str, str]) -> None:
    # Let the server log something about a failed login first.
    _cli({**secret_env, "NEO4J_PASSWORD": WRONG}, "neo4j", "status")
    home = Path(secret_env["PORTERO_HOME"])
    checked = 0
    for path in home.rglob("*"):
        if not path.is_file() or "neo4j-lib" in path.parts:
            continue  # the jars and classes are not logs
        if path.suffix in (".log", ".txt", ".json", ".conf", ".pid") or "log" in path.name:
            data = path.read_bytes()
            assert SECRET.encode() not in data, path
            assert WRONG.encode() not in data, path
            checked += 1
    assert checked >= 1  # at least the launcher's own log was searched


def _rendered(at) -> list[str]:
    out: list[str] = []
    for container in (at.main, at.sidebar):
        for kind in ("markdown", "caption", "text", "error", "warning", "info", "success", "code", "title",
                     "header", "subheader", "json", "exception"):
            out.extend(str(getattr(e, "value", e)) for e in getattr(container, kind))
    return out


def test_app_pages_never_show_the_password(secret_env: dict[str, str], monkeypatch) -> None:
    from streamlit.testing.v1 import AppTest

    for key in [k for k in os.environ if k.startswith(("NEO4J_", "PORTERO_"))]:
        monkeypatch.delenv(key)
    settings = _settings(secret_env)
    for key in ("PORTERO_HOME", "PORTERO_NEO4J_PORT", "PORTERO_NEO4J_DATA", "NEO4J_PASSWORD"):
        monkeypatch.setenv(key, secret_env[key])
    monkeypatch.setenv("PORTERO_STORE_KIND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", settings.neo4j_uri)
    monkeypatch.setenv("NEO4J_USERNAME", "neo4j")

    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    texts = _rendered(at)
    assert texts, "the app rendered nothing"
    assert any("Neo4j" in t or "neo4j" in t for t in texts), texts
    assert not any(SECRET in t for t in texts)

    # A wrong password: the app says so (or falls back) without showing either password.
    monkeypatch.setenv("NEO4J_PASSWORD", WRONG)
    import streamlit as st

    st.cache_resource.clear()  # the store is cached per URI and user, not per password
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.run()
    texts = _rendered(at)
    assert not any(SECRET in t or WRONG in t for t in texts), texts
