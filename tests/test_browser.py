"""The app served by Streamlit and used in headless Debian chromium (Playwright's Python client).

It checks what only a browser can: the graph is drawn in its iframe, search and the Actor page work,
hostile names are shown as text and never run, and the browser asks nothing of any host but the app's
own server. Screenshots go to pytest's ``tmp_path`` and are copied to ``test-output/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import needs
import pytest
from conftest import stop_process

from graph_loader.graph import add_edge, add_node, new_graph
from graph_loader.model import Evidence
from graph_loader.render import to_pyvis_html

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app" / "main.py"
OUTPUT = ROOT / "test-output"
CHROMIUM = os.environ.get("PORTERO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
HOSTILE = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'

# Counts the painted (non-transparent) pixels of the graph canvas.
PAINTED = """() => {
  const c = document.querySelector('#pg-network canvas');
  if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
  return n;
}"""


# The same, for the Explore page's graph component (drawn in the page, no iframe).
PAINTED_IN_PAGE = PAINTED.replace("#pg-network canvas", ".pg-graph canvas")


def _explore_graph(page, timeout: float = 60.0, must_have: str | None = None, fewer_than: int | None = None):
    """Wait until the Explore page's graph is drawn (holding ``must_have`` and fewer than ``fewer_than``
    nodes, when given); returns the ids of its nodes."""
    page.wait_for_function(
        """([id, most]) => {
            const net = window.pgNetwork, root = document.querySelector('.pg-graph[data-stabilized="1"]');
            if (!net || !root || !net.body || !net.body.data) return false;
            const ids = net.body.data.nodes.getIds();
            return (!id || ids.includes(id)) && (!most || ids.length < most);
        }""", arg=[must_have, fewer_than], timeout=timeout * 1000)
    return page.evaluate("() => window.pgNetwork.body.data.nodes.getIds()")


def _node_on_screen(page, nid: str) -> tuple[float, float]:
    """Where node ``nid`` is drawn, in page coordinates."""
    return tuple(page.evaluate("""(id) => {
        const net = window.pgNetwork, p = net.getPositions([id])[id], d = net.canvasToDOM(p);
        const r = document.querySelector('.pg-graph canvas').getBoundingClientRect();
        return [r.left + d.x, r.top + d.y];
    }""", nid))


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        needs.unavailable("the Playwright Python client is not installed")
    executable = needs.chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(store: Path, log_dir: Path, **extra_env: str) -> Iterator[str]:
    """``streamlit run app/main.py`` on a free loopback port, reading ``store`` (or what ``extra_env``
    points at); yields its URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update({"PORTERO_STORE": str(store), "PORTERO_STORE_KIND": "embedded",
                "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **extra_env})
    log = log_dir / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.address", "127.0.0.1",
           "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"streamlit did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.3)
        yield url
    finally:
        stop_process(proc, timeout=20)


@pytest.fixture(scope="module")
def app_url(sample_store, tmp_path_factory):
    with serve(sample_store, tmp_path_factory.mktemp("streamlit")) as url:
        yield url


def _graph_frame(page, timeout: float = 60.0, must_have: str | None = None):
    """The Frame of the drawn graph once the layout has settled (and holds ``must_have``, if given)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Streamlit's iframes are srcdoc documents; reach them through their elements.
        frames = [el.content_frame() for el in page.query_selector_all("iframe")]
        for frame in filter(None, frames):
            try:
                ready = frame.evaluate("() => document.body && document.body.getAttribute('data-stabilized')")
                has = must_have is None or frame.evaluate(
                    "(id) => !!(window.pgNetwork && window.pgNetwork.body.data.nodes.get(id))", must_have)
            except Exception:  # a frame being replaced by a rerun
                continue
            if ready == "1" and has:
                return frame
        time.sleep(0.25)
    raise AssertionError(f"the graph was not drawn within {timeout}s")


def _save(page, tmp_path: Path, name: str) -> Path:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    OUTPUT.mkdir(exist_ok=True)
    shutil.copy(shot, OUTPUT / name)
    assert shot.stat().st_size > 10_000
    return shot


def _foreign(urls: list[str]) -> list[str]:
    out = []
    for u in urls:
        parts = urlparse(u)
        if parts.scheme in ("data", "blob", "about", "file"):
            continue
        if (parts.hostname or "") not in LOCAL_HOSTS:
            out.append(u)
    return out


def _watched_page(browser, width: int, height: int) -> tuple[Any, list[str], list[str]]:
    """A new page of ``width`` x ``height``, with the URLs it requests and the dialogs it opened (dismissed)."""
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return page, requests, dialogs


def test_search_focus_and_actor_page_in_chromium(browser, app_url, tmp_path):
    page, requests, _dialogs = _watched_page(browser, 1400, 1000)
    try:
        page.goto(app_url)
        page.get_by_role("heading", name="Explore the graph").wait_for(timeout=60_000)
        overview = _explore_graph(page)
        assert page.evaluate(PAINTED_IN_PAGE) > 5_000  # the canvas has really been drawn on
        assert len(overview) > 10
        assert page.locator("iframe").count() == 0  # the graph is part of the page

        box = page.get_by_label("Find an actor")
        box.fill("sheinbaum")
        box.press("Enter")
        page.get_by_text("and everything within 1 hop").wait_for(timeout=60_000)
        _explore_graph(page, must_have="person:claudia-sheinbaum", fewer_than=len(overview) + 100)
        label = page.evaluate("() => window.pgNetwork.body.data.nodes.get('person:claudia-sheinbaum').label")
        assert label == "Claudia Sheinbaum"
        assert page.evaluate(PAINTED_IN_PAGE) > 2_000
        assert "focus=person%3Aclaudia-sheinbaum" in page.url  # the view is a shareable link
        _save(page, tmp_path, "explore-sheinbaum.png")

        page.get_by_role("link", name="Open Claudia Sheinbaum").click()  # the keyboard's way to the page
        page.get_by_role("heading", name="Claudia Sheinbaum", level=1).wait_for(timeout=60_000)
        assert "/actor" in page.url and "id=person%3Aclaudia-sheinbaum" in page.url
        page.get_by_role("heading", name="Related actors").wait_for()
        cited = page.get_by_text("Mexico says it has no deal with the DEA")  # some sit in "more sources"
        assert any(cited.nth(i).is_visible() for i in range(cited.count()))
        _save(page, tmp_path, "actor-sheinbaum.png")
    finally:
        page.close()
    assert requests, "no request recorded"
    assert _foreign(requests) == [], "the app must not reach any other host"


def test_click_focuses_double_click_opens_the_actor_and_the_url_keeps_the_view(browser, app_url, tmp_path):
    """A click on a node in the graph focuses the view on it (kept in the URL, so a reload shows the same
    view, and nodes already drawn keep their place); a double click opens its Actor page."""
    page, requests, _dialogs = _watched_page(browser, 1400, 1000)
    target = "person:claudia-sheinbaum"
    try:
        page.goto(app_url)
        page.get_by_role("heading", name="Explore the graph").wait_for(timeout=60_000)
        overview = _explore_graph(page, must_have=target)
        before = page.evaluate("() => window.pgNetwork.getPositions()")
        _save(page, tmp_path, "explore-overview.png")

        # Hovering shows the evidence, as text.
        x, y = _node_on_screen(page, target)
        page.mouse.move(x, y)
        tip = page.locator("div.vis-tooltip")
        tip.wait_for(state="visible", timeout=10_000)
        assert tip.inner_text().startswith("Claudia Sheinbaum\nPerson")
        # Text only: innerText turns line breaks into <br>, and nothing else is markup.
        assert tip.evaluate("(el) => [...el.children].every((c) => c.tagName === 'BR')")

        page.mouse.click(x, y)
        page.get_by_text("Claudia Sheinbaum (Person) and everything within 1 hop").wait_for(timeout=60_000)
        focused = _explore_graph(page, must_have=target, fewer_than=len(overview) + 200)
        assert "focus=person%3Aclaudia-sheinbaum" in page.url
        after = page.evaluate("() => window.pgNetwork.getPositions()")
        kept = [n for n in focused if n in before]
        assert target in kept
        assert all(abs(after[n]["x"] - before[n]["x"]) < 0.5 and abs(after[n]["y"] - before[n]["y"]) < 0.5
                   for n in kept), "nodes already on screen moved"
        _save(page, tmp_path, "explore-clicked.png")

        page.reload()
        page.get_by_text("Claudia Sheinbaum (Person) and everything within 1 hop").wait_for(timeout=60_000)
        again = _explore_graph(page, must_have=target)
        assert sorted(again) == sorted(focused)

        x, y = _node_on_screen(page, target)
        page.mouse.dblclick(x, y)
        page.get_by_role("heading", name="Claudia Sheinbaum", level=1).wait_for(timeout=60_000)
        assert "/actor" in page.url and "id=person%3Aclaudia-sheinbaum" in page.url
    finally:
        page.close()
    assert requests, "no request recorded"
    assert _foreign(requests) == [], "the app must not reach any other host"


def test_classroom_link_shows_only_the_graph(browser, app_url, tmp_path):
    page, requests, _dialogs = _watched_page(browser, 1200, 900)
    try:
        page.goto(f"{app_url}/?classroom=1&focus=person:claudia-sheinbaum&hops=2")
        frame = _graph_frame(page, must_have="person:claudia-sheinbaum")
        assert "Claudia Sheinbaum and its connections (2 hops)" in frame.inner_text(".pg-caption")
        assert page.get_by_label("Find an actor").count() == 0
        assert not page.locator("[data-testid='stSidebar']").is_visible()
        _save(page, tmp_path, "classroom.png")
    finally:
        page.close()
    assert _foreign(requests) == []


def test_a_shared_link_is_the_first_request_to_a_fresh_server(browser, sample_store, tmp_path):
    """Before any session has run the router, Streamlit would have run a page script without the router."""
    page, requests, _dialogs = _watched_page(browser, 1400, 1000)
    try:
        with serve(sample_store, tmp_path) as url:
            page.goto(f"{url}/actor?id=person:claudia-sheinbaum")
            page.get_by_role("heading", name="Claudia Sheinbaum", level=1).wait_for(timeout=60_000)
            # The router ran: the app's own navigation and the store notice are in the sidebar.
            sidebar = page.locator("[data-testid='stSidebar']")
            sidebar.get_by_text("Embedded store").wait_for(timeout=30_000)
            assert sidebar.get_by_text("Connections").is_visible()
            assert sidebar.get_by_text("common").count() == 0
    finally:
        page.close()
    assert _foreign(requests) == []


def test_hostile_names_are_text_in_the_explore_graph(browser, tmp_path):
    """Names and evidence sentences reach the graph component as data: drawn on the canvas and shown in
    the hover as text, never run as markup."""
    from graph_loader.sinks.embedded import write_store

    g = new_graph()
    sentence = f"They said {HOSTILE} on TV."
    ev = Evidence("article:a", sentence, 0, len(sentence))
    add_node(g, "person:x", "Person", HOSTILE, evidence=ev)
    add_node(g, "agency:y", "Agency", "Agency Y")
    add_edge(g, "person:x", "LEADS", "agency:y", evidence=ev)
    store = tmp_path / "hostile.json"
    write_store(g, store)
    page, requests, dialogs = _watched_page(browser, 1400, 1000)
    try:
        with serve(store, tmp_path) as url:
            page.goto(f"{url}/?focus=person:x")
            _explore_graph(page, must_have="person:x")
            assert page.evaluate("() => window.pgNetwork.body.data.nodes.get('person:x').label") != ""
            x, y = _node_on_screen(page, "person:x")
            page.mouse.move(x, y)
            tip = page.locator("div.vis-tooltip")
            tip.wait_for(state="visible", timeout=10_000)
            assert sentence in tip.inner_text()
            assert tip.evaluate("(el) => [...el.children].every((c) => c.tagName === 'BR')")
            assert page.evaluate("() => window.pwned") is None and dialogs == []
            assert page.locator("img[src='x']").count() == 0
    finally:
        page.close()
    assert _foreign(requests) == []


def test_hostile_names_are_text_in_the_browser(browser, tmp_path):
    g = new_graph()
    sentence = f"They said {HOSTILE} on TV."
    add_node(g, "person:x", "Person", HOSTILE, evidence=Evidence("article:a", sentence, 0, len(sentence)))
    add_node(g, "agency:y", "Agency", "Agency Y")
    add_edge(g, "person:x", "LEADS", "agency:y", evidence=Evidence("article:a", sentence, 0, len(sentence)))
    path = tmp_path / "hostile.html"
    path.write_text(to_pyvis_html(g, title=HOSTILE, caption=HOSTILE, focus="person:x"), encoding="utf-8")

    page, requests, dialogs = _watched_page(browser, 1000, 800)
    try:
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-stabilized='1']", timeout=30_000)
        assert page.evaluate("() => window.pwned") is None
        assert page.inner_text(".pg-title") == HOSTILE and page.inner_text(".pg-caption") == HOSTILE
        assert page.locator("img").count() == 0
        # Hover the node: its tooltip shows the name and the sentence as plain text.
        x, y = page.evaluate("""() => {
            const p = window.pgNetwork.getPositions(['person:x'])['person:x'];
            const d = window.pgNetwork.canvasToDOM(p);
            const r = document.getElementById('pg-network').getBoundingClientRect();
            return [r.left + d.x, r.top + d.y];
        }""")
        page.mouse.move(x, y)
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=10_000)
        text = tooltip.inner_text()
        assert HOSTILE in text and sentence in text
        assert page.evaluate("() => window.pwned") is None and dialogs == []
    finally:
        page.close()
    assert _foreign(requests) == []


@pytest.mark.neo4j
def test_neo4j_stopped_while_the_app_is_open_is_said_within_10_s(browser, sample_store, sample_graph, tmp_path):
    """The app reads a Neo4j of this test's own; the server stops; the next page the student opens says so
    in one readable line within 10 s, with what to do, and shows the embedded store instead."""
    from conftest import JARS_HOME, free_port
    from neo4j import GraphDatabase

    from graph_loader import neo4j_server
    from graph_loader.settings import load_settings
    from graph_loader.sinks.neo4j import write_graph

    needs.java()
    settings = load_settings({"PORTERO_HOME": str(JARS_HOME), "PORTERO_NEO4J_PORT": str(free_port()),
                              "PORTERO_NEO4J_DATA": str(tmp_path / "neo4j")})
    neo4j_server.start(settings)
    try:
        with GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth) as driver:
            write_graph(driver, sample_graph, database=settings.neo4j_database)
        with serve(sample_store, tmp_path, PORTERO_STORE_KIND="neo4j", NEO4J_URI=settings.neo4j_uri) as url:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            try:
                page.goto(url)
                page.get_by_text(f"Neo4j at {settings.neo4j_uri}").first.wait_for(timeout=60_000)
                page.get_by_role("heading", name="Explore the graph").wait_for(timeout=60_000)
                neo4j_server.stop(settings)
                stopped = time.monotonic()
                page.goto(f"{url}/timeline")  # the student moves on to another page
                page.get_by_text("does not answer").first.wait_for(timeout=10_000)
                said_after = time.monotonic() - stopped
                text = page.inner_text("body")
                assert said_after < 10, said_after
                assert "portero neo4j start" in text and "showing the embedded store instead" in text
                assert f"Embedded store: {sample_store}" in text  # the sidebar names the store now read
                assert "Traceback" not in text and "ServiceUnavailable" not in text
                _save(page, tmp_path, "neo4j-gone.png")
            finally:
                page.close()
    finally:
        neo4j_server.stop(settings)
