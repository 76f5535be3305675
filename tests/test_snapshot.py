"""Snapshots for teachers: the part of the graph chosen, the PNG and SVG pictures, and the one-file web
page opened in headless Debian chromium with every request to another host blocked and recorded.

Names and sentences holding ``<script>``, quotes and ``</div>`` must come out as text everywhere and run
nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import struct
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

import needs
import networkx as nx
import pytest

from graph_loader.cli.snapshot import run as run_cli
from graph_loader.graph import add_edge, add_node, new_graph
from graph_loader.model import Evidence
from graph_loader.ontology import load_ontology
from graph_loader.settings import load_settings
from graph_loader.snapshot import (
    SnapshotError,
    focus_subgraph,
    overview_subgraph,
    snapshot_html,
    snapshot_image,
    sources_caption,
)

EVIL_NAME = 'Evil <script>alert(1)</script> "Quoted" </div> Ñoño'
EVIL_SENTENCE = ('Evil said "we never agreed" </div><script>window.__pwned=1</script>'
                 '<img src=x onerror="window.__pwned=2"> & left.')
SVG_NS = "{http://www.w3.org/2000/svg}"


def hostile_graph() -> nx.MultiDiGraph:
    """A small graph whose actor name and evidence sentence hold markup; one article has a javascript: URL."""
    g = new_graph()
    ev_a = Evidence("article:a", "Ana Ruíz spoke with the agency about the arrest.", 0, 48)
    ev_b = Evidence("article:b", EVIL_SENTENCE, 3, 3 + len(EVIL_SENTENCE))
    add_node(g, "article:a", "Article", "Report A", article_id="article:a", title="Report A on the arrest",
             url="https://example.org/a", publisher="Publisher A", published="2025-02-28")
    add_node(g, "article:b", "Article", "Report B", article_id="article:b", title="Report <i>B</i>",
             url="javascript:alert(3)", publisher='Publisher "B"', published="2024-07-26")
    add_node(g, "person:evil", "Person", EVIL_NAME, article_id="article:b", evidence=ev_b)
    add_node(g, "person:ana", "Person", "Ana Ruíz", aliases=["Ruíz"], article_id="article:a", evidence=ev_a)
    add_node(g, "agency:x", "Agency", "Agencia Federal", aliases=["AF"], article_id="article:a", evidence=ev_a)
    add_node(g, "event:1", "Event", "Arrest: Evil (2024-07-25)", article_id="article:b", evidence=ev_b,
             event_type="Arrest", date="2024-07-25")
    add_node(g, "place:far", "Place", "Far Away Town", article_id="article:a", evidence=ev_a)
    add_edge(g, "article:a", "MENTIONS", "person:ana", evidence=ev_a)
    add_edge(g, "article:b", "MENTIONS", "person:evil", evidence=ev_b)
    add_edge(g, "person:evil", "PARTICIPANT", "event:1", evidence=ev_b, role="subject")
    add_edge(g, "agency:x", "PARTICIPANT", "event:1", evidence=ev_a, role="agent")
    add_edge(g, "person:ana", "LEADS", "agency:x", evidence=ev_a, title="Director")
    add_edge(g, "place:far", "PART_OF", "place:far", evidence=ev_a)  # a loop: drawn without crashing
    return g


def actor_names(g: nx.MultiDiGraph) -> list[str]:
    actors = load_ontology().actor_labels
    return [d["name"] for _, d in g.nodes(data=True) if d["label"] in actors]


# --- what is shown -----------------------------------------------------------------------------------


def test_focus_is_found_by_name_or_alias_ignoring_case_and_accents():
    g = hostile_graph()
    for name in ("Ana Ruíz", "ana ruiz", "  ANA   RUIZ ", "Ruiz"):
        assert focus_subgraph(g, name, hops=0).graph["focus"] == ["person:ana"]
    assert focus_subgraph(g, "af", hops=0).graph["focus"] == ["agency:x"]
    assert focus_subgraph(g, "evil <SCRIPT>alert(1)</script> quoted </div> nono", 0).graph["focus"] == [
        "person:evil"]


def test_an_unknown_actor_is_named_in_the_error_with_suggestions():
    g = hostile_graph()
    with pytest.raises(SnapshotError, match=r"unknown actor 'Ana Ruis'.*did you mean 'Ana Ruíz'"):
        focus_subgraph(g, "Ana Ruis", hops=1)
    with pytest.raises(SnapshotError, match=r"^unknown actor 'Nobody At All': no node has that name or alias$"):
        focus_subgraph(g, "Nobody At All", hops=1)
    with pytest.raises(SnapshotError, match="unknown actor 'Report A'"):
        focus_subgraph(g, "Report A", hops=1)  # articles are sources, not actors


def test_hops_grow_the_neighbourhood_and_articles_become_sources():
    g = hostile_graph()
    assert set(focus_subgraph(g, "Ana Ruíz", 0).nodes) == {"person:ana"}
    assert set(focus_subgraph(g, "Ana Ruíz", 1).nodes) == {"person:ana", "agency:x"}
    two = focus_subgraph(g, "Ana Ruíz", 2)
    assert set(two.nodes) == {"person:ana", "agency:x", "event:1"}
    assert set(focus_subgraph(g, "Ana Ruíz", 3).nodes) == {"person:ana", "agency:x", "event:1", "person:evil"}
    assert not any(d["label"] == "Article" for _, d in two.nodes(data=True))
    assert [s["id"] for s in two.graph["sources"]] == ["article:b", "article:a"]  # oldest first
    caption = sources_caption(two)
    assert "“Report A on the arrest” (Publisher A, 2025-02-28)" in caption
    assert "“Report <i>B</i>” (Publisher \"B\", 2024-07-26)" in caption


def test_a_hub_is_drawn_but_not_gone_through():
    g = hostile_graph()  # agency:x has two relationships besides MENTIONS: Ana's LEADS and a PARTICIPANT
    assert set(focus_subgraph(g, "Ana Ruíz", 2, hub=2).nodes) == {"person:ana", "agency:x", "event:1"}
    held = focus_subgraph(g, "Ana Ruíz", 2, hub=1)
    assert set(held.nodes) == {"person:ana", "agency:x"}
    assert held.graph["hubs"] == [g.nodes["agency:x"]["name"]]
    assert set(focus_subgraph(g, g.nodes["agency:x"]["name"], 1, hub=1).nodes) >= {"person:ana", "event:1"}


def test_sample_focus_and_overview(sample_graph):
    person = next(n for n, d in sample_graph.nodes(data=True)
                  if d["label"] == "Person" and sample_graph.degree(n) >= 3)
    name = sample_graph.nodes[person]["name"]
    sub = focus_subgraph(sample_graph, name.upper(), hops=1)
    assert person in sub and sub.number_of_nodes() > 1
    neighbours = {m for _, m, d in sample_graph.out_edges(person, data=True) if d["type"] != "MENTIONS"}
    assert neighbours <= set(sub.nodes)
    overview = overview_subgraph(sample_graph, cap=10)
    assert overview.number_of_nodes() == 10
    assert overview.graph["left_out"] == sum(1 for _, d in sample_graph.nodes(data=True)
                                             if d["label"] != "Article") - 10


# --- images ------------------------------------------------------------------------------------------


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_png_snapshot(which, request):
    import matplotlib.image

    g = request.getfixturevalue("sample_graph") if which == "sample" else hostile_graph()
    sub = overview_subgraph(g, cap=300)
    data = snapshot_image(sub, "png", "A lesson", None)
    width, height = png_size(data)
    assert (width, height) in {(1800, 1296), (2400, 1728), (3000, 2160)}  # 12, 16 or 20 inches at 150 dpi
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (height, width)
    # Not a blank page: the ontology colours of the drawn labels are there.
    flat = (pixels[..., :3].reshape(-1, 3) * 255).round().astype(int)
    colours = {tuple(c) for c in flat[:: max(1, len(flat) // 400_000)]}
    person = tuple(int(load_ontology().colour("Person")[i:i + 2], 16) for i in (1, 3, 5))
    assert person in colours
    assert len(colours) > 50


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)  # also proves the SVG is well-formed XML
    assert not list(root.iter(f"{SVG_NS}script")) and not list(root.iter(f"{SVG_NS}foreignObject"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]


@pytest.mark.parametrize("which", ["sample", "hostile"])
def test_svg_snapshot_keeps_names_as_text(which, request):
    g = request.getfixturevalue("sample_graph") if which == "sample" else hostile_graph()
    sub = overview_subgraph(g, cap=300)
    data = snapshot_image(sub, "svg", "A lesson", None)
    texts = svg_texts(data)
    for name in actor_names(sub):
        assert name in texts, name  # each actor's name is one <text> element, whole
    assert "A lesson" in texts
    assert any(t.startswith("Made with Portero Graph on " + dt.date.today().isoformat()) for t in texts)
    legend = {label for label in load_ontology().nodes if any(d["label"] == label for _, d in sub.nodes(data=True))}
    assert legend <= set(texts)


def test_svg_escapes_hostile_names_and_quotes_the_evidence():
    sub = focus_subgraph(hostile_graph(), EVIL_NAME, hops=1)
    data = snapshot_image(sub, "svg", None, None)
    texts = svg_texts(data)
    assert EVIL_NAME in texts
    assert b"<script" not in data and b"</div>" not in data  # markup is escaped, never raw
    # The focused actor's evidence sentence is quoted under the picture (wrapped over lines).
    assert EVIL_SENTENCE in " ".join(texts)


def test_images_refuse_an_unknown_format():
    with pytest.raises(SnapshotError, match="unknown image format 'gif'"):
        snapshot_image(hostile_graph(), "gif")


# --- the web page ------------------------------------------------------------------------------------


def test_html_snapshot_is_one_file_with_caption_and_facts():
    sub = focus_subgraph(hostile_graph(), "Ana Ruíz", hops=3)
    page = snapshot_html(sub, "Lesson: <b>who</b> works with whom", None)
    tags = Tags()
    tags.feed(page)
    # Nothing is fetched: no element with a src, no stylesheet link; links only to web pages.
    assert not [t for t in tags.seen if "src" in t[1]]
    assert "link" not in [t[0] for t in tags.seen] and "@import" not in page
    assert [t[0] for t in tags.seen].count("script") == 2  # vis-network and the drawing code
    assert {t[0] for t in tags.seen} <= {"html", "head", "meta", "title", "style", "body", "div", "script", "span",
                                          "section", "h2", "ol", "ul", "li", "details", "summary", "b",
                                          "blockquote", "cite", "a"}
    hrefs = [t[1]["href"] for t in tags.seen if "href" in t[1]]
    assert hrefs == ["https://example.org/a"]  # the javascript: URL of article B is not a link
    assert "Lesson: &lt;b&gt;who&lt;/b&gt; works with whom" in page
    assert "Made with Portero Graph on " + dt.date.today().isoformat() in page


class Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))


@pytest.fixture(scope="module")
def browser():
    executable = needs.chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        yield b
        b.close()


def open_page(browser, path: Path) -> tuple[object, list[str], list[str]]:
    """Open ``path``; every request but the file itself is blocked and recorded, as are dialogs."""
    outside: list[str] = []
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    own = path.resolve().as_uri()

    def route(r):
        if r.request.url == own:
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(own, wait_until="load")
    page.wait_for_function("document.body.getAttribute('data-drawn') === '1'", timeout=30_000)
    return page, outside, dialogs


@pytest.mark.browser
@pytest.mark.parametrize("which", ["hostile-focus", "hostile-overview", "sample-focus"])
def test_html_snapshot_in_chromium_draws_offline_and_runs_nothing(which, browser, request, tmp_path):
    if which.startswith("sample"):
        g = request.getfixturevalue("sample_graph")
        person = max((n for n, d in g.nodes(data=True) if d["label"] == "Person"), key=g.degree)
        sub = focus_subgraph(g, g.nodes[person]["name"], hops=2)
    else:
        g = hostile_graph()
        sub = focus_subgraph(g, EVIL_NAME, hops=2) if which.endswith("focus") else overview_subgraph(g)
    path = tmp_path / "snapshot.html"
    path.write_text(snapshot_html(sub, None, None), encoding="utf-8")
    page, outside, dialogs = open_page(browser, path)
    try:
        drawn = page.evaluate("""() => ({
            nodes: window.pgNetwork.body.data.nodes.length,
            edges: window.pgNetwork.body.data.edges.length,
            visible: window.pgNetwork.body.nodeIndices.length,
            canvas: (() => { const c = document.querySelector('#pg-network canvas');
                             return c ? [c.width, c.height] : null; })(),
            pwned: window.__pwned === undefined ? null : window.__pwned,
            scripts: document.scripts.length,
            images: document.images.length,
        })""")
        assert drawn["nodes"] == drawn["visible"] == sub.number_of_nodes()
        assert drawn["edges"] == sub.number_of_edges()
        assert drawn["canvas"] and drawn["canvas"][0] > 0 and drawn["canvas"][1] > 0
        # The canvas really has something on it: pixels of more than one colour.
        colours = page.evaluate("""() => {
            const c = document.querySelector('#pg-network canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const seen = new Set();
            for (let i = 0; i < d.length; i += 4 * 7) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2] + ',' + d[i + 3]);
            return seen.size;
        }""")
        assert colours > 5
        assert drawn["pwned"] is None and dialogs == []
        assert drawn["scripts"] == 2 and drawn["images"] == 0  # no element came from the data
        assert outside == []
        text = page.inner_text("body")
        for source in sub.graph["sources"]:
            assert source["title"] in text and source["publisher"] in text and source["published"] in text
        assert "Made with Portero Graph on " + dt.date.today().isoformat() in text
        for label in {d["label"] for _, d in sub.nodes(data=True)}:
            assert label in page.inner_text(".pg-legend")
        if which.startswith("hostile"):
            assert EVIL_NAME in text and EVIL_SENTENCE in text
            assert page.locator("a[href^='javascript:']").count() == 0
            assert "javascript:alert(3)" in text  # shown, inert
        else:
            for name in actor_names(sub):
                assert name in text
    finally:
        page.close()


# --- the command -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["html", "png", "svg"])
def test_snapshot_command_writes_the_file(fmt, sample_store, sample_graph, tmp_path, capsys):
    settings = load_settings({"PORTERO_HOME": str(tmp_path / "home"), "PORTERO_STORE": str(sample_store)})
    person = max((n for n, d in sample_graph.nodes(data=True) if d["label"] == "Person"), key=sample_graph.degree)
    name = sample_graph.nodes[person]["name"]
    out = tmp_path / f"snap.{fmt}"
    args = argparse.Namespace(focus=name, hops=1, format=fmt, output=str(out), source=None)
    assert run_cli(args, settings) == 0
    data = out.read_bytes()
    if fmt == "png":
        assert png_size(data) == (1800, 1296)
    elif fmt == "svg":
        assert name in svg_texts(data)
    else:
        assert name.encode("utf-8") in data and b"vis.Network" in data
    assert f"Wrote a {fmt} snapshot" in capsys.readouterr().out


def test_snapshot_command_names_the_hubs_it_did_not_go_through(sample_store, sample_graph, tmp_path, capsys):
    settings = load_settings({"PORTERO_HOME": str(tmp_path / "home"), "PORTERO_STORE": str(sample_store),
                              "PORTERO_HUB_DEGREE": "3"})
    person = max((n for n, d in sample_graph.nodes(data=True) if d["label"] == "Person"), key=sample_graph.degree)
    out = tmp_path / "snap.html"
    args = argparse.Namespace(focus=sample_graph.nodes[person]["name"], hops=2, format="html", output=str(out),
                              source=None)
    assert run_cli(args, settings) == 0
    err = capsys.readouterr().err
    assert "note: drawn but not gone through, having over 3 relationships (PORTERO_HUB_DEGREE): " in err
    wide = focus_subgraph(sample_graph, sample_graph.nodes[person]["name"], 2)
    held = focus_subgraph(sample_graph, sample_graph.nodes[person]["name"], 2, hub=3)
    assert held.graph["hubs"] and set(held.nodes) < set(wide.nodes)
    assert held.graph["hubs"][0] in err


def test_snapshot_command_names_the_unknown_actor(sample_store, tmp_path, capsys):
    settings = load_settings({"PORTERO_HOME": str(tmp_path / "home"), "PORTERO_STORE": str(sample_store)})
    out = tmp_path / "snap.png"
    args = argparse.Namespace(focus="Nobody Zzyzx", hops=1, format="png", output=str(out), source=None)
    assert run_cli(args, settings) == 1
    err = capsys.readouterr().err.strip()
    assert "unknown actor 'Nobody Zzyzx'" in err and len(err.splitlines()) == 1
    assert not out.exists()
