"""The pyvis page: offline (vis-network inlined, nothing remote), ontology colours and shapes, escaping."""

from __future__ import annotations

import html as htmllib
import json
import re

import networkx as nx
import pytest

from graph_loader.graph import add_edge, add_node, new_graph
from graph_loader.model import Evidence
from graph_loader.ontology import load_ontology
from graph_loader.render import (
    EDGE_LABELS_UP_TO,
    HOVER_CHARS,
    VIS_DIR,
    legend_items,
    node_size,
    to_pyvis_html,
)

HOSTILE_NAME = '</script><script>window.pwned=1</script> "Boss" </div>'
HOSTILE_SENTENCE = 'He said "</div><img src=x onerror=alert(1)>" & left <b>bold</b>.'


def _graph() -> nx.MultiDiGraph:
    g = new_graph()
    ev = Evidence("article:a", HOSTILE_SENTENCE, 0, len(HOSTILE_SENTENCE))
    add_node(g, "article:a", "Article", "Daily <news>", title="Daily <news>", publisher="P & Q",
             published="2025-08-20", url="https://example.org/a")
    add_node(g, "person:boss", "Person", HOSTILE_NAME, aliases=["Boss"], article_id="article:a", evidence=ev)
    add_node(g, "agency:dea", "Agency", "Drug Enforcement Administration", aliases=["DEA"],
             article_id="article:a", evidence=ev)
    add_node(g, "country:mexico", "Country", "Mexico", article_id="article:a")
    add_node(g, "event:1", "Event", "Denial: Boss (2025-08-19)", article_id="article:a", evidence=ev,
             event_type="Denial", date="2025-08-19")
    add_edge(g, "person:boss", "LEADS", "agency:dea", evidence=ev, title="Administrator")
    add_edge(g, "person:boss", "PARTICIPANT", "event:1", evidence=ev, role="agent")
    add_edge(g, "agency:dea", "PART_OF", "country:mexico", evidence=ev)
    return g


def _data(page: str, var: str) -> list[dict]:
    """The node or edge list the page hands to vis.DataSet (parsed back from its JSON)."""
    m = re.search(rf"var {var} = new vis\.DataSet\((.*?)\);\n", page)
    assert m, f"no {var} DataSet in the page"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def page() -> str:
    return to_pyvis_html(_graph(), title="Boss <b>& co</b>", caption='Caption with "quotes" </div>',
                         focus="person:boss")


def test_page_is_offline_with_vis_network_inlined(page):
    # No element may load anything from elsewhere: no src/href to a host, no <link>, no external script.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page, re.I)
    assert "<link" not in page.lower()
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    vis_js = (VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")
    vis_css = (VIS_DIR / "vis-network.css").read_text(encoding="utf-8")
    assert vis_js in page and vis_css in page
    ours = page.replace(vis_js, "").replace(vis_css, "")
    assert not re.search(r"jsdelivr|cloudflare|bootstrap|https?://", ours, re.I)
    assert "new vis.Network(" in page


def test_data_text_cannot_break_out_of_the_script(page):
    # Outside the inlined library, there are exactly our two script elements.
    ours = page.replace((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"), "")
    assert ours.lower().count("<script") == 2
    assert "window.pwned=1</script>" not in page
    assert "<img src=x" not in page and "<b>bold</b>" not in page
    nodes = {n["id"]: n for n in _data(page, "nodes")}
    # ... and yet the text is all there, unchanged, once the JSON is read back.
    boss = nodes["person:boss"]
    assert boss["title"].startswith(HOSTILE_NAME.split(" </div>")[0][:20])
    assert HOSTILE_SENTENCE in boss["title"]
    edges = _data(page, "edges")
    assert any(HOSTILE_SENTENCE in e["title"] for e in edges)


def test_title_caption_and_legend_are_escaped(page):
    assert "Boss &lt;b&gt;&amp; co&lt;/b&gt;" in page
    assert "Caption with &quot;quotes&quot; &lt;/div&gt;" in page
    assert "<b>& co</b>" not in page


def test_colour_shape_and_size_follow_the_ontology(page):
    onto = load_ontology()
    nodes = {n["id"]: n for n in _data(page, "nodes")}
    for nid, label in (("person:boss", "Person"), ("agency:dea", "Agency"), ("country:mexico", "Country"),
                       ("event:1", "Event")):
        assert nodes[nid]["color"]["background"] == onto.nodes[label].colour
        assert nodes[nid]["shape"] == onto.nodes[label].shape
    # Size by degree: the boss (3 relationships, focused) is bigger than Mexico (1).
    assert nodes["person:boss"]["size"] > nodes["country:mexico"]["size"]
    assert nodes["person:boss"]["borderWidth"] > nodes["agency:dea"]["borderWidth"]
    assert node_size(1) < node_size(4) < node_size(100)
    # Events show their kind and date on the canvas; edges carry their relationship colour and type.
    assert nodes["event:1"]["label"] == "Denial\n2025-08-19"
    leads = next(e for e in _data(page, "edges") if e["from"] == "person:boss" and e["to"] == "agency:dea")
    assert leads["color"]["color"] == onto.relationships["LEADS"].colour
    assert leads["label"] == "LEADS"


def test_hover_texts_are_short(page):
    g = _graph()
    long_sentence = "word " * 400
    add_node(g, "person:talker", "Person", "Talker",
             evidence=Evidence("article:a", long_sentence, 0, len(long_sentence)), article_id="article:a")
    nodes = {n["id"]: n for n in _data(to_pyvis_html(g), "nodes")}
    assert len(nodes["person:talker"]["title"]) < HOVER_CHARS + 120
    assert nodes["person:talker"]["title"].rstrip("”").count("…") == 1


def test_legend_lists_the_drawn_labels_in_ontology_order(page):
    onto = load_ontology()
    items = [label for label, *_rest in legend_items(_graph())]
    assert items == [x for x in onto.nodes if x in {"Article", "Person", "Agency", "Country", "Event"}]
    legend = re.search(r'<div class="pg-legend">(.*?)</div>', page, re.S).group(1)
    shown = re.findall(r'</span>([A-Za-z]+)</span>', legend)
    assert shown == ["Person", "Agency", "Country", "Event", "Article"]
    assert htmllib.escape(onto.nodes["Agency"].description) in legend


def test_empty_graph_draws_an_empty_network_and_the_whole_legend():
    page = to_pyvis_html(nx.MultiDiGraph())
    assert _data(page, "nodes") == [] and _data(page, "edges") == []
    assert len(legend_items(nx.MultiDiGraph())) == len(load_ontology().nodes)


def test_edge_labels_only_on_small_views():
    g = new_graph()
    for i in range(EDGE_LABELS_UP_TO + 1):
        add_node(g, f"person:{i}", "Person", f"P{i}")
        add_node(g, f"agency:{i}", "Agency", f"A{i}")
        add_edge(g, f"person:{i}", "MEMBER_OF", f"agency:{i}")
    big = _data(to_pyvis_html(g), "edges")
    assert len(big) == EDGE_LABELS_UP_TO + 1 and not any("label" in e for e in big)
    small = _data(to_pyvis_html(g.subgraph(["person:1", "agency:1"]).copy()), "edges")
    assert small[0]["label"] == "MEMBER_OF"
