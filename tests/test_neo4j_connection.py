"""The one Neo4j connection module: timeouts from the settings, the password never shown, one-line errors."""

from __future__ import annotations

import pytest
from conftest import free_port

from graph_loader.neo4j_connection import Neo4jConnectError, connect, driver, masked, one_line
from graph_loader.settings import load_settings

SECRET = "pa55-w0rd-never-shown"


def test_one_line_masks_the_password_and_keeps_one_line():
    text = one_line(f"Neo4j said:\n  bad auth for {SECRET}\r\n\tsee \x1b[31mlog\x1b[0m", SECRET)
    assert SECRET not in text and "***" in text
    assert "\n" not in text and "\r" not in text and "\x1b" not in text and "\\x1b[31m" in text
    assert text.startswith("Neo4j said: bad auth for ***")
    assert one_line("x" * 400, limit=300) == "x" * 299 + "…"
    assert masked(f"with {SECRET}", load_settings({"NEO4J_PASSWORD": SECRET})) == "with ***"
    assert masked(f"with {SECRET}", load_settings({})) == f"with {SECRET}"  # nothing configured to hide


def test_a_closed_port_is_one_line_naming_the_uri_and_how_to_start(tmp_path):
    uri = f"bolt://127.0.0.1:{free_port()}"
    local = load_settings({"PORTERO_NEO4J_PORT": uri.rsplit(":", 1)[1], "NEO4J_PASSWORD": SECRET,
                           "PORTERO_HOME": str(tmp_path)})
    with pytest.raises(Neo4jConnectError) as err:
        connect(local)
    message = str(err.value)
    assert message.startswith(f"Neo4j at {uri} is unreachable: ") and "\n" not in message
    assert message.endswith("start it with `portero neo4j start`") and SECRET not in message
    assert err.value.kind == "unreachable" and err.value.cause is not None

    remote = load_settings({"NEO4J_URI": uri, "NEO4J_PASSWORD": SECRET})  # not ours to start: no hint
    with pytest.raises(Neo4jConnectError) as err:
        connect(remote)
    assert "portero neo4j start" not in str(err.value) and str(err.value).startswith(f"Neo4j at {uri} ")


def test_a_malformed_uri_is_named_before_any_connection():
    settings = load_settings({"NEO4J_URI": f"http://neo4j:{SECRET}@host:7474", "NEO4J_PASSWORD": SECRET})
    with pytest.raises(Neo4jConnectError) as err:
        driver(settings)
    assert err.value.kind == "uri" and str(err.value).startswith("Neo4j URI http://neo4j:***@host:7474 is not valid")
    assert SECRET not in str(err.value) and "\n" not in str(err.value)


def test_the_driver_takes_the_settings_timeouts():
    # Read from the driver's own configuration (no public accessor): a blackholed address answers at once
    # on some networks, so a timing test would prove nothing here.
    d = driver(load_settings({"PORTERO_NEO4J_CONNECT_TIMEOUT": "1.5", "PORTERO_MAX_RETRY_TIME": "7"}))
    try:
        assert d._pool.pool_config.connection_timeout == 1.5
        assert d._default_workspace_config.max_transaction_retry_time == 7.0
    finally:
        d.close()
    d = driver(load_settings({}), connect_timeout=9.0, pool_size=1)  # the local server's start-up probe
    try:
        assert (d._pool.pool_config.connection_timeout, d._pool.pool_config.max_connection_pool_size) == (9.0, 1)
    finally:
        d.close()


@pytest.mark.neo4j
def test_connect_reaches_the_real_server(neo4j_settings):
    d = connect(neo4j_settings)
    try:
        records = d.execute_query("RETURN 1 AS one", database_=neo4j_settings.neo4j_database).records
        assert records[0]["one"] == 1
    finally:
        d.close()
