"""The local Neo4j launcher against the real server (no mocks).

One temporary PORTERO_HOME is shared by the session so Maven builds the launcher once (from scratch, as a
fresh clone would); every test gets its own data folder and a free port. Without ``java`` on PATH the
server tests are skipped, unless the environment variable CI is set: then they fail.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import needs
import pytest
from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ClientError

from graph_loader import neo4j_server
from graph_loader.neo4j_server import Neo4jServerError, start, status, stop
from graph_loader.settings import Settings, load_settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def requires_java() -> None:
    needs.java()


@pytest.fixture(scope="session")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("portero-home")


def _settings(home: Path, data: Path, **extra: str) -> Settings:
    env = {"PORTERO_HOME": str(home), "PORTERO_NEO4J_DATA": str(data),
           "PORTERO_NEO4J_PORT": str(_free_port()), "PORTERO_NEO4J_HEAP": "384m",
           "PORTERO_NEO4J_PAGECACHE": "64m", "PORTERO_NEO4J_START_TIMEOUT": "180"}
    env.update(extra)
    return load_settings(env)


@pytest.fixture
def server_settings(requires_java: None, shared_home: Path, tmp_path: Path) -> Iterator[Settings]:
    settings = _settings(shared_home, tmp_path / "neo4j")
    yield settings
    stop(settings)


@pytest.fixture
def auth_settings(requires_java: None, shared_home: Path, tmp_path: Path) -> Iterator[Settings]:
    settings = _settings(shared_home, tmp_path / "neo4j", NEO4J_PASSWORD="s3cret-Portero-pw")
    yield settings
    stop(settings)


@pytest.mark.neo4j
def test_start_write_stop_restart_keeps_data(server_settings: Settings) -> None:
    s = server_settings
    assert status(s)["running"] is False
    uri = start(s)
    assert uri == s.neo4j_uri == f"bolt://127.0.0.1:{s.neo4j_port}"
    info = status(s)
    assert info["running"] and info["reachable"]
    assert info["pid"] and info["data_dir"] == str(s.neo4j_data_path.resolve())
    assert start(s) == uri and status(s)["pid"] == info["pid"]  # already running: no second server

    with GraphDatabase.driver(uri, auth=s.neo4j_auth) as driver:
        driver.execute_query("CREATE (:Probe {name: $name})", name="kept", database_="neo4j")
        records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.name AS name", database_="neo4j")
        assert [r["name"] for r in records] == ["kept"]
        assert driver.get_server_info().agent == f"Neo4j/{neo4j_server.neo4j_version()}"
        records, _, _ = driver.execute_query(
            "SHOW SETTINGS YIELD name, value WHERE name = 'db.tx_log.rotation.retention_policy' RETURN value",
            database_="neo4j")
        assert [r["value"] for r in records] == [s.neo4j_tx_logs] == ["1G size"]  # not Neo4j's 2 days
        with pytest.raises(ClientError, match="allow_csv_import_from_file_urls"):
            driver.execute_query("LOAD CSV FROM 'file:///etc/hostname' AS line RETURN line", database_="neo4j")

    assert stop(s) is True
    after = status(s)
    assert after["running"] is False and after["pid"] is None
    assert not neo4j_server.pid_file(s).exists()
    assert stop(s) is False
    assert "PORTERO_NEO4J_STOPPED" in neo4j_server.log_file(s).read_text()  # the shutdown hook ran

    start(s)
    with GraphDatabase.driver(uri, auth=s.neo4j_auth) as driver:
        records, _, _ = driver.execute_query("MATCH (p:Probe) RETURN p.name AS name", database_="neo4j")
        assert [r["name"] for r in records] == ["kept"]
    assert stop(s) is True


@pytest.mark.neo4j
def test_password_is_required_when_set(auth_settings: Settings) -> None:
    s = auth_settings
    uri = start(s)
    with GraphDatabase.driver(uri, auth=("neo4j", "wrong-password")) as driver, pytest.raises(AuthError):
        driver.verify_connectivity()
    with GraphDatabase.driver(uri, auth=None) as driver, pytest.raises(AuthError):
        driver.verify_connectivity()
    with GraphDatabase.driver(uri, auth=s.neo4j_auth) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN 1 AS one", database_="neo4j")
        assert records[0]["one"] == 1
    assert stop(s)
    start(s)  # a restart with the same password works too
    assert status(s)["reachable"]
    assert stop(s)
    for path in [neo4j_server.log_file(s), *(s.neo4j_data_path / "logs").glob("*.log")]:
        assert s.neo4j_password not in path.read_text(errors="replace"), path
    assert s.neo4j_password not in " ".join(neo4j_server.java_command(s))


@pytest.mark.neo4j
def test_port_taken_by_another_program(requires_java: None, tmp_path: Path) -> None:
    s = _settings(tmp_path / "home", tmp_path / "neo4j")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", s.neo4j_port))
        sock.listen()
        with pytest.raises(Neo4jServerError, match=f"port {s.neo4j_port} .* taken"):
            start(s)
    assert not (tmp_path / "home" / "neo4j-lib").exists()  # refused before building anything


@pytest.mark.parametrize("name, value", [("PORTERO_NEO4J_TX_LOGS", "forever"),
                                         ("PORTERO_NEO4J_TX_LOGS", "2days"),
                                         ("PORTERO_NEO4J_HEAP", "lots")])
def test_a_bad_server_setting_is_named_before_anything_starts(name: str, value: str, tmp_path: Path) -> None:
    """``start`` checks the command line (this function) before it builds or runs anything."""
    s = _settings(tmp_path / "home", tmp_path / "neo4j", **{name: value})
    with pytest.raises(Neo4jServerError, match=f"^{name}='{value}' is not a "):
        neo4j_server.java_command(s)


def test_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", "")
    s = _settings(tmp_path / "home", tmp_path / "neo4j")
    with pytest.raises(Neo4jServerError) as caught:
        start(s)
    assert str(caught.value) == neo4j_server.MISSING_JAVA
    assert "\n" not in str(caught.value)
    assert status(s)["running"] is False


@pytest.mark.neo4j
def test_missing_maven_is_a_clear_error(requires_java: None, monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    only_java = tmp_path / "bin"
    only_java.mkdir()
    (only_java / "java").symlink_to(shutil.which("java") or "java")
    monkeypatch.setenv("PATH", str(only_java))
    s = _settings(tmp_path / "home", tmp_path / "neo4j")  # a fresh home: nothing built yet
    with pytest.raises(Neo4jServerError) as caught:
        start(s)
    assert str(caught.value) == neo4j_server.MISSING_MAVEN
    assert status(s)["running"] is False
