"""The Cypher console, the Snapshot page and "the Cypher behind this view", with Streamlit's AppTest.

The console runs on the real Neo4j of the test session (``loaded_neo4j``); without one it must explain
how to start one. Download buttons keep their bytes in Streamlit's media file manager, which AppTest
drops after each run: a spy on ``MediaFileManager.add`` (the real method still runs) records what each
button would serve.
"""

from __future__ import annotations

import re
import socket

import pytest
from apptest_support import NO_ARTICLES, point_at_neo4j, run_app, text_of
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from graph_loader.store import EmbeddedStore, Neo4jStore

SLOW = "UNWIND range(1, 100000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def on_neo4j(clean_env, loaded_neo4j, neo4j_settings, tmp_path):
    """The app reads the sample corpus from the session's Neo4j; returns a store to ask it directly."""
    point_at_neo4j(clean_env, neo4j_settings, tmp_path / "no-store.json")
    return Neo4jStore(loaded_neo4j, neo4j_settings.neo4j_database, uri=neo4j_settings.neo4j_uri)


@pytest.fixture
def on_embedded(clean_env, sample_store):
    """The app reads the embedded store; the configured Neo4j is a port where nothing listens."""
    clean_env.setenv("PORTERO_STORE", str(sample_store))
    clean_env.setenv("NEO4J_URI", f"bolt://127.0.0.1:{_free_port()}")
    clean_env.setenv("NEO4J_PASSWORD", "pw-never-shown")
    return EmbeddedStore(sample_store)


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """File name -> bytes of every download button drawn (recorded as Streamlit stores them)."""
    files: dict[str, bytes] = {}
    real = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name and isinstance(path_or_data, bytes):
            files[file_name] = path_or_data
        return real(self, path_or_data, mimetype, coordinates, file_name=file_name,
                    is_for_static_download=is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return files


def table(at: AppTest):
    assert at.dataframe, "no table shown: " + text_of(at, code=True)
    return at.dataframe[0].value


def run_query(at: AppTest, text: str | None = None) -> AppTest:
    if text is not None:
        at.selectbox(key="cy_pick").set_value(None)
        at.text_area(key="cy_text").input(text)
    at.button(key="cy_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def node_count(store: Neo4jStore) -> int:
    with store.driver.session(database=store.database) as s:
        return s.run("MATCH (n) RETURN count(n) AS n").single()["n"]


# --- the console on Neo4j ----------------------------------------------------------------------------------


@pytest.mark.neo4j
def test_console_runs_a_library_query_with_its_defaults(on_neo4j):
    at = run_app("views/cypher.py")
    at.selectbox(key="cy_pick").set_value("leadership").run()
    assert "Who leads which body, and since when" in text_of(at, code=True)
    # Its parameters become inputs filled with the header's defaults.
    assert at.text_input(key="cy_param::body").value == "''"
    assert at.text_input(key="cy_param::leader").value == "''"
    frame = table(run_query(at))
    assert {"leader", "body", "title"} <= set(frame.columns)
    assert "Claudia Sheinbaum" in set(frame["leader"])
    assert "Mexico" in set(frame["body"])
    assert at.get("download_button"), "no CSV download"

    # A parameter narrows the answer.
    at.text_input(key="cy_param::leader").input("'Claudia Sheinbaum'")
    frame = table(run_query(at))
    assert set(frame["leader"]) == {"Claudia Sheinbaum"} and len(frame) >= 1

    # The graph view draws the nodes the answer returns (here: none, so it says how to get some).
    at.segmented_control(key="cy_view").set_value("Graph").run()
    assert "no nodes, relationships or paths to draw" in text_of(at, code=True)


@pytest.mark.neo4j
def test_console_refuses_a_write_and_runs_the_next_query(on_neo4j):
    before = node_count(on_neo4j)
    at = run_app("views/cypher.py")
    run_query(at, "CREATE (:Person {id: 'person:intruder', name: 'Intruder'}) RETURN 1")
    errors = "\n".join(e.value for e in at.error)
    assert "only reads the graph" in errors and "CREATE" in errors
    assert node_count(on_neo4j) == before
    assert not at.dataframe
    frame = table(run_query(at, "MATCH (n:Person) RETURN n.name AS name ORDER BY name"))
    assert "Claudia Sheinbaum" in set(frame["name"]) and "Intruder" not in set(frame["name"])
    assert not at.error


@pytest.mark.neo4j
def test_console_time_limit_then_a_normal_query(on_neo4j, clean_env):
    clean_env.setenv("PORTERO_QUERY_TIMEOUT", "1")
    at = run_app("views/cypher.py")
    run_query(at, SLOW)
    errors = "\n".join(e.value for e in at.error)
    assert "Time limit reached" in errors and "ran longer than 1 s" in errors
    frame = table(run_query(at, "MATCH (n:Country) RETURN n.name AS name ORDER BY name"))
    assert "Mexico" in set(frame["name"])
    assert not at.error


@pytest.mark.neo4j
def test_console_row_cap_notice(on_neo4j, clean_env, served):
    clean_env.setenv("PORTERO_ROW_CAP", "3")
    at = run_app("views/cypher.py")
    frame = table(run_query(at, "MATCH (n) RETURN n.name AS name ORDER BY name"))
    assert len(frame) == 3
    assert "Only the first 3 rows are shown" in "\n".join(e.value for e in at.warning)
    csv = served["query.csv"].decode("utf-8").splitlines()
    assert csv[0] == "name" and len(csv) == 4


@pytest.mark.neo4j
@pytest.mark.parametrize("hub", [500, 3])
def test_explore_cypher_opens_in_the_console_and_matches_the_view(on_neo4j, clean_env, hub):
    clean_env.setenv("PORTERO_HUB_DEGREE", str(hub))
    focus = on_neo4j.search("sheinbaum")[0].id
    at = run_app(focus=focus, hops="2")
    code = "\n".join(c.value for c in at.code)
    # The query the Neo4j store ran for this view (returning the nodes and relationships themselves).
    text, params = on_neo4j.view_cypher([focus], 2, NO_ARTICLES, 300, hub)
    assert text in code and f":param ids0 => ['{focus}'];" in code and f":param hub => {hub};" in code
    ran = on_neo4j.view_cypher([focus], 2, NO_ARTICLES, 300, hub, raw=False)[0]  # what the store ran
    assert text.splitlines()[:-1] == ran.splitlines()[:-1]  # but for what the last line returns
    at.button(key="explore_cypher").click().run()
    assert not at.exception
    assert at.text_area(key="cy_text").value.startswith("// The Explore view")
    assert at.text_input(key="cy_param::ids0").value == f"['{focus}']"
    run_query(at)
    at.segmented_control(key="cy_view").set_value("Graph").run()
    page = at.get("iframe")[0].proto.srcdoc
    drawn = set(re.findall(r'"id": "([^"]+)"', page.split("var nodes = new vis.DataSet(")[1].split(");")[0]))
    # The Cypher returns exactly the nodes the Explore view draws (with hubs of more than 3 relationships
    # not gone through, fewer than without).
    assert drawn == set(on_neo4j.neighbourhood([focus], 2, NO_ARTICLES, 300, hub))
    assert (drawn < set(on_neo4j.neighbourhood([focus], 2, NO_ARTICLES, 300))) == (hub == 3)


@pytest.mark.neo4j
def test_actor_cypher_lists_the_actor_relationships(on_neo4j):
    focus = on_neo4j.search("sheinbaum")[0].id
    facts = on_neo4j.actor_facts(focus)
    at = run_app("views/actor.py")
    # Chosen by search (AppTest drops the URL's ?id= on reruns after switch_page; a browser keeps it).
    at.text_input(key="actor_q").input("sheinbaum").run()
    assert f":param id => '{focus}';" in "\n".join(c.value for c in at.code)
    at.button(key="actor_cypher").click().run()
    assert at.text_area(key="cy_text").value.startswith("// The Actor page")
    assert at.text_input(key="cy_param::id").value == f"'{focus}'"
    at.switch_page("views/cypher.py")  # AppTest otherwise reruns the page it was last switched to
    frame = table(run_query(at))
    assert set(frame["actor"]) == {"Claudia Sheinbaum"}
    assert {r.other_name for r in facts.relations} <= set(frame["other"])


# --- without Neo4j -----------------------------------------------------------------------------------------


def test_console_without_neo4j_says_how_to_start_one(on_embedded):
    at = run_app("views/cypher.py")
    hint = "\n".join(e.value for e in at.info)
    assert "portero neo4j start" in hint and "portero load sample_data/articles --to neo4j" in hint
    assert "NEO4J_URI" in hint
    assert "Neo4j is not reachable" in "\n".join(e.value for e in at.warning)
    assert "pw-never-shown" not in text_of(at, code=True)
    assert not at.text_area
    # The rest of the app keeps working on the embedded store.
    at = run_app("views/actor.py", id=on_embedded.search("sheinbaum")[0].id)
    assert at.title[0].value == "Claudia Sheinbaum"


# --- no NEO4J_URI: the console queries only this project's local server ------------------------------------


def plain(text: str) -> str:
    """Page text with the Markdown escapes taken out."""
    return re.sub(r"\\(.)", r"\1", text)


@pytest.fixture
def no_uri(clean_env, sample_store, tmp_path):
    """The app reads the embedded store; no NEO4J_URI; the local server's data folder holds no server."""
    clean_env.setenv("PORTERO_STORE", str(sample_store))
    clean_env.setenv("PORTERO_NEO4J_DATA", str(tmp_path / "local-neo4j"))
    return clean_env


def _says_no_neo4j_is_configured(at: AppTest, uri: str) -> None:
    notices = [plain(e.value) for e in at.warning]
    assert len(notices) == 1 and len(notices[0].splitlines()) == 1, notices
    assert "NEO4J_URI is not set" in notices[0] and "`portero neo4j start` is not running" in notices[0]
    assert f"does not query the default address {uri}," in notices[0]
    assert "Set NEO4J_URI" in notices[0]
    assert not at.text_area and not at.button, "the console must not offer to run a query"


def test_console_without_neo4j_uri_nor_local_server_says_which_server_it_would_query(no_uri):
    port = _free_port()
    no_uri.setenv("PORTERO_NEO4J_PORT", str(port))
    _says_no_neo4j_is_configured(run_app("views/cypher.py"), f"bolt://127.0.0.1:{port}")


def _local_port(settings) -> int:
    from urllib.parse import urlsplit

    parts = urlsplit(settings.neo4j_uri)
    if parts.hostname not in ("127.0.0.1", "localhost") or not settings.values.get("neo4j_data"):
        pytest.skip("the test Neo4j is not a local server started by these tests")
    return parts.port or 7687


@pytest.mark.neo4j
def test_console_does_not_query_another_programs_server_at_the_default_address(no_uri, loaded_neo4j,
                                                                              neo4j_settings):
    # A Neo4j holding the sample graph answers at the default address, but it is not the local server of
    # these settings (their data folder has no running server): the console must not use it silently.
    port = _local_port(neo4j_settings)
    no_uri.setenv("PORTERO_NEO4J_PORT", str(port))
    if neo4j_settings.neo4j_password:
        no_uri.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    _says_no_neo4j_is_configured(run_app("views/cypher.py"), f"bolt://127.0.0.1:{port}")


@pytest.mark.neo4j
def test_console_on_the_running_local_server_says_so_and_queries_it(no_uri, loaded_neo4j, neo4j_settings):
    port = _local_port(neo4j_settings)
    no_uri.setenv("PORTERO_NEO4J_PORT", str(port))
    no_uri.setenv("PORTERO_NEO4J_DATA", str(neo4j_settings.neo4j_data_path))  # where its pid file is
    if neo4j_settings.neo4j_password:
        no_uri.setenv("NEO4J_PASSWORD", neo4j_settings.neo4j_password)
    at = run_app("views/cypher.py")
    captions = [plain(c.value) for c in at.caption]
    assert any(c.startswith(f"Neo4j at bolt://127.0.0.1:{port} ") and
               "the local server of `portero neo4j start`, as no NEO4J_URI is set" in c for c in captions)
    assert not at.warning
    frame = table(run_query(at, "MATCH (n:Country) RETURN n.name AS name ORDER BY name"))
    assert "Mexico" in set(frame["name"])


def test_explore_shows_the_cypher_of_the_focused_view(on_embedded):
    focus = on_embedded.search("sheinbaum")[0].id
    at = run_app(focus=focus)
    code = "\n".join(c.value for c in at.code)
    assert "// The Explore view: the node $ids0" in code and f":param ids0 => ['{focus}'];" in code
    at = run_app()
    code = "\n".join(c.value for c in at.code)
    assert "// The Explore overview: the $cap best-connected" in code and ":param cap => 300;" in code


# --- Snapshot ----------------------------------------------------------------------------------------------


SNAPSHOT_CAP = 8  # on the sample corpus, portero snapshot used to keep other nodes than the page with this cap


def _drawn_ids(page: str) -> set[str]:
    """The node ids of a snapshot page's graph (the vis-network data it embeds)."""
    return set(re.findall(r'"id": "([a-z]+:[^"]+)", "label"', page))


@pytest.mark.parametrize("kind", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
@pytest.mark.parametrize("hops", [1, 2])
def test_portero_snapshot_and_the_snapshot_page_draw_the_same_nodes(request, clean_env, served, tmp_path,
                                                                      capsys, kind, hops):
    """One neighbourhood per store: both ask the store for its own view (``snapshot.snapshot_view``). The
    cap makes the ranking choose which nodes are kept, so another tie-break would draw other nodes."""
    from graph_loader.cli import main
    from graph_loader.settings import load_settings
    from graph_loader.snapshot import snapshot_view

    store = request.getfixturevalue(f"on_{kind}")
    clean_env.setenv("PORTERO_VIEW_CAP", str(SNAPSHOT_CAP))
    hit = max(store.actors(), key=lambda h: (h.degree, h.id))  # the best connected: the cap cuts its view
    out = tmp_path / "cli.html"
    assert main(["snapshot", "--focus", hit.name, "--hops", str(hops), "--format", "html", "-o", str(out)]) == 0
    assert "more nodes were left out (PORTERO_VIEW_CAP)" in capsys.readouterr().err
    from_cli = _drawn_ids(out.read_text(encoding="utf-8"))
    assert len(from_cli) == SNAPSHOT_CAP and hit.id in from_cli

    at = run_app("views/snapshot.py", focus=hit.id)
    served.clear()
    at.segmented_control(key="s_hops").set_value(hops).run()
    assert not at.exception
    page = next(data for name, data in served.items() if name.endswith(".html")).decode("utf-8")
    assert _drawn_ids(page) == from_cli
    assert set(snapshot_view(store, hit.id, hops, SNAPSHOT_CAP, load_settings().hub_degree)) == from_cli




def test_snapshot_page_offers_html_png_svg_iframe_and_classroom(on_embedded, served):
    focus = on_embedded.search("sheinbaum")[0].id
    at = run_app("views/snapshot.py", focus=focus)
    assert at.selectbox(key="s_focus").value == focus
    served.clear()
    at.segmented_control(key="s_hops").set_value(1).run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Web page (HTML)", "Image (PNG)", "Image (SVG)"]
    html_name = next(n for n in served if n.endswith(".html"))
    page = served[html_name].decode("utf-8")
    assert "Claudia Sheinbaum" in page
    # Self-contained: no script or stylesheet fetched from anywhere.
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", page, re.I)
    snippet = next(c.value for c in at.code if c.value.startswith("<iframe"))
    assert f'src="{html_name}"' in snippet
    link = next(p.proto for p in at.get("page_link") if "classroom" in p.proto.query_string)
    assert link.query_string == f"classroom=1&focus={focus.replace(':', '%3A')}&hops=1"

    assert "1 step" in page and f"{html_name[:-5]}" in snippet

    # The whole graph: the page offers another file, and the classroom link has no focus.
    served.clear()
    at.selectbox(key="s_focus").set_value(None).run()
    assert not at.exception
    assert list(served) == ["portero-portero-graph-actors-and-events.html"]
    assert any(p.proto.query_string == "classroom=1" for p in at.get("page_link"))

