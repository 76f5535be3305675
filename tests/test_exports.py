"""Every export format read back by the tool it is for gives the graph it was written from.

GraphML, GEXF and node-link JSON are read back with networkx; the Cypher script is run in the real Neo4j;
the CSV files are checked against the rules of ``neo4j-admin database import full`` (header fields,
id spaces, array delimiter) and parsed back. Two graphs are used: the sample corpus's, and a small one
whose names and sentences hold markup, quotes, backslashes, semicolons and line breaks.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import re
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import networkx as nx
import pytest

from graph_loader.cli.export import run as run_cli
from graph_loader.exporters import FORMATS, ExportError, export_graph
from graph_loader.exporters.common import date_bounds
from graph_loader.exporters.cypher_script import cypher_statements
from graph_loader.exporters.from_neo4j import read_graph
from graph_loader.exporters.neo4j_csv import DELIMITER_STAND_IN
from graph_loader.graph import add_edge, add_node, new_graph
from graph_loader.model import Evidence
from graph_loader.ontology import load_ontology
from graph_loader.settings import load_settings

EVIL_NAME = 'Evil <script>alert(1)</script> "Quoted" </div> O\'Brien'
EVIL_SENTENCE = 'He said "no" </div><script>window.__pwned=1</script> & left; a \\ backslash, \\u0041 too.'
ODD_NAME = "Line\nbreak\ttab and a backtick ` and ; semicolon"


def hostile_graph() -> nx.MultiDiGraph:
    """A small graph in the loader's schema whose text would break naive escaping."""
    g = new_graph()
    ev_a = Evidence("article:a", "Ana Ruíz leads the agency; she said so.", 0, 39)
    ev_b = Evidence("article:b", EVIL_SENTENCE, 10, 10 + len(EVIL_SENTENCE))
    add_node(g, "article:a", "Article", "Report A", article_id="article:a", title="Report A",
             url="https://example.org/a", publisher="Publisher A", published="2025-02-28", language="en")
    add_node(g, "article:b", "Article", "Report <b>B</b>", article_id="article:b", title="Report <b>B</b>",
             url="https://example.org/b", publisher='Publisher "B"', published="2024-07", language="es")
    add_node(g, "person:ana", "Person", "Ana Ruíz", aliases=["Ruíz", "A;R"], article_id="article:a",
             evidence=ev_a)
    add_node(g, "agency:x", "Agency", "Agencia Ñ", aliases=["AÑ"], article_id="article:a", evidence=ev_a,
             country="Mexico")
    add_node(g, "person:evil", "Person", EVIL_NAME, article_id="article:b", evidence=ev_b)
    add_node(g, "organization:odd", "Organization", ODD_NAME, article_id="article:b", evidence=ev_b)
    add_node(g, "administration:x", "Administration", "X administration", start=2018, end="2024")
    add_node(g, "event:1", "Event", "Arrest: Evil (2024-07-25)", article_id="article:b", evidence=ev_b,
             event_type="Arrest", date="2024-07-25")
    add_node(g, "claim:c", "Claim", "It was a sovereign decision", article_id="article:b", evidence=ev_b,
             contested=True)
    add_edge(g, "article:a", "MENTIONS", "person:ana", evidence=ev_a)
    add_edge(g, "article:b", "MENTIONS", "person:evil", evidence=ev_b)
    add_edge(g, "person:ana", "LEADS", "agency:x", evidence=ev_a, title="Head", start="2023")
    add_edge(g, "person:ana", "LEADS", "agency:x", evidence=ev_b, title="Head")  # a second source
    add_edge(g, "person:evil", "PARTICIPANT", "event:1", evidence=ev_b, role="subject")
    add_edge(g, "person:ana", "PARTICIPANT", "event:1", evidence=ev_b, role="agent")
    add_edge(g, "person:ana", "PARTICIPANT", "event:1", evidence=ev_a, role="target")  # parallel edge
    add_edge(g, "person:evil", "MEMBER_OF", "organization:odd", evidence=ev_b)
    add_edge(g, "event:1", "DURING", "administration:x", evidence=ev_b)
    add_edge(g, "person:evil", "ASSERTS", "claim:c", evidence=ev_b)
    return g


@pytest.fixture(params=["sample", "hostile"])
def graph(request: pytest.FixtureRequest) -> nx.MultiDiGraph:
    if request.param == "sample":
        return request.getfixturevalue("sample_graph")
    return hostile_graph()


def edge_types(g: nx.MultiDiGraph) -> Counter:
    return Counter(d["type"] for _, _, d in g.edges(data=True))


def test_the_sample_graph_is_not_trivial(sample_graph):
    # The round trips below mean little on a graph without parallel edges, events or claims.
    labels = Counter(d["label"] for _, d in sample_graph.nodes(data=True))
    assert labels["Event"] > 3 and labels["Person"] > 3 and labels["Claim"] >= 1
    assert sample_graph.number_of_edges() > sample_graph.number_of_nodes()


# --- GraphML -----------------------------------------------------------------------------------------


def test_graphml_reads_back_with_networkx(graph, tmp_path):
    out = tmp_path / "g.graphml"
    result = export_graph(graph, "graphml", out)
    back = nx.read_graphml(out, force_multigraph=True)
    assert (result["nodes"], result["relationships"]) == (graph.number_of_nodes(), graph.number_of_edges())
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    assert set(back.nodes) == set(graph.nodes)
    assert set(back.edges(keys=True)) == set(graph.edges(keys=True))
    assert edge_types(back) == edge_types(graph)
    for n, d in graph.nodes(data=True):
        assert back.nodes[n]["name"] == d["name"]
        assert back.nodes[n]["label"] == d["label"]
        # Lists are JSON text: parsed, they are the lists again.
        assert json.loads(back.nodes[n]["aliases"]) == d["aliases"]
        assert json.loads(back.nodes[n]["evidence"]) == d["evidence"]


# --- GEXF --------------------------------------------------------------------------------------------


def test_gexf_reads_back_with_networkx(graph, tmp_path):
    out = tmp_path / "g.gexf"
    export_graph(graph, "gexf", out)
    back = nx.read_gexf(out)
    assert back.is_directed()
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    if back.is_multigraph():  # networkx reads a graph without parallel edges as a DiGraph
        assert set(back.edges(keys=True)) == set(graph.edges(keys=True))  # keys come back (networkx_key)
    else:
        assert set(back.edges()) == set(graph.edges())
    assert Counter(d["label"] for _, _, d in back.edges(data=True)) == edge_types(graph)
    for n, d in graph.nodes(data=True):
        # Gephi shows GEXF's label: the name; the ontology label is the attribute "type".
        assert back.nodes[n]["label"] == d["name"]
        assert back.nodes[n]["type"] == d["label"]


def test_gexf_has_a_timeline_gephi_can_play(graph, tmp_path):
    out = tmp_path / "g.gexf"
    export_graph(graph, "gexf", out)
    root = ET.parse(out).getroot()
    ns = {"g": "http://www.gexf.net/1.2draft"}
    gr = root.find("g:graph", ns)
    assert (gr.get("mode"), gr.get("timeformat")) == ("dynamic", "date")
    assert gr.get("defaultedgetype") == "directed"
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    starts = {}
    for el in root.iter("{http://www.gexf.net/1.2draft}node"):
        for attr in ("start", "end"):
            if el.get(attr) is not None:
                assert iso.match(el.get(attr)), (el.get("id"), el.get(attr))
        starts[el.get("id")] = el.get("start")
    dated = [(n, d) for n, d in graph.nodes(data=True)
             if d["label"] == "Event" and date_bounds(d.get("date"))]
    assert dated, "the graph should have dated events"
    for n, d in dated:
        assert starts[n] == date_bounds(d["date"])[0]
    actors = [n for n, d in graph.nodes(data=True) if d["label"] in ("Person", "Agency")]
    assert all(starts[n] is None for n in actors)  # actors are always shown
    # An edge to an event appears when the event does, never before.
    for el in root.iter("{http://www.gexf.net/1.2draft}edge"):
        target_start = starts.get(el.get("target"))
        if target_start and el.get("start"):
            assert el.get("start") >= target_start


def test_gexf_terms_and_colours(tmp_path):
    g = hostile_graph()
    assert nx.read_gexf(export_graph(g, "gexf", tmp_path / "m.gexf")["path"]).is_multigraph()
    out = tmp_path / "g.gexf"
    export_graph(g, "gexf", out)
    root = ET.parse(out).getroot()
    nodes = {el.get("id"): el for el in root.iter("{http://www.gexf.net/1.2draft}node")}
    admin = nodes["administration:x"]
    assert (admin.get("start"), admin.get("end")) == ("2018-01-01", "2024-12-31")
    colour = nodes["person:ana"].find("{http://www.gexf.net/1.2draft/viz}color")
    expected = load_ontology().colour("Person").lstrip("#")
    assert "".join(f"{int(colour.get(c)):02x}" for c in "rgb") == expected
    # Markup in a name is text inside the XML, not elements.
    assert nodes["person:evil"].get("label") == EVIL_NAME


# --- node-link JSON ----------------------------------------------------------------------------------


def test_node_link_json_is_the_same_graph(graph, tmp_path):
    out = tmp_path / "g.json"
    export_graph(graph, "json", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert set(data) >= {"nodes", "links", "directed", "multigraph"}
    back = nx.node_link_graph(data, edges="links")
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.number_of_edges() == graph.number_of_edges()
    # JSON keeps lists and dicts, so every attribute comes back exactly.
    for n, d in graph.nodes(data=True):
        assert back.nodes[n] == d
    for u, v, k, d in graph.edges(keys=True, data=True):
        assert back.edges[u, v, k] == d


# --- neo4j-admin CSV ---------------------------------------------------------------------------------

# The field types neo4j-admin import accepts after "name:" (arrays add "[]").
NEO4J_TYPES = {"int", "long", "float", "double", "boolean", "byte", "short", "char", "string", "date",
               "localtime", "time", "localdatetime", "datetime", "duration", "point"}


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def check_property_header(field: str) -> tuple[str, str, bool]:
    """A property column: ``name`` or ``name:type`` or ``name:type[]``; returns (name, type, is_array)."""
    assert not field.startswith(":"), field
    name, _, kind = field.partition(":")
    assert name and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name), field
    is_array = kind.endswith("[]")
    base = kind[:-2] if is_array else kind
    assert base == "" or base in NEO4J_TYPES, field
    return name, base or "string", is_array


def test_csv_follows_the_neo4j_admin_import_format(graph, tmp_path):
    folder = tmp_path / "csv"
    result = export_graph(graph, "csv", folder)
    node_files = sorted(folder.glob("nodes_*.csv"))
    rel_files = sorted(folder.glob("relationships_*.csv"))
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert {p.stem.removeprefix("nodes_") for p in node_files} == labels  # one file per label
    assert {p.stem.removeprefix("relationships_") for p in rel_files} == set(edge_types(graph))

    ids: dict[str, list[str]] = {}
    for path in node_files:
        header, rows = read_csv(path)
        assert header[0] == "id:ID" and header[-1] == ":LABEL", path.name
        assert header[1] == "name"
        props = [check_property_header(f) for f in header[1:-1]]
        for row in rows:
            assert len(row) == len(header)
            assert row[0] not in ids, f"{row[0]} twice: ids share one space"
            node_labels = row[-1].split(";")
            ids[row[0]] = node_labels
            data = graph.nodes[row[0]]
            assert node_labels[0] == data["label"] == path.stem.removeprefix("nodes_")
            if data["label"] == "Event":
                assert node_labels == ["Event", data["event_type"]]
            cells = dict(zip([p[0] for p in props], row[1:-1], strict=True))
            assert cells["name"] == data["name"]  # quotes, markup and line breaks survive CSV quoting
            kinds = {name: (base, arr) for name, base, arr in props}
            if data["aliases"]:
                assert kinds["aliases"] == ("string", True)
                aliases = [a.replace(";", DELIMITER_STAND_IN) for a in data["aliases"]]
                assert cells["aliases"].split(";") == aliases
            if data.get("evidence"):
                assert kinds["evidence_starts"] == ("long", True)
                sentences = cells["evidence_sentences"].split(";")
                assert sentences == [e["sentence"].replace(";", DELIMITER_STAND_IN) for e in data["evidence"]]
            if "contested" in data:
                assert kinds["contested"] == ("boolean", False)
                assert cells["contested"] == str(data["contested"]).lower()
    assert set(ids) == {str(n) for n in graph.nodes}

    total = Counter()
    for path in rel_files:
        header, rows = read_csv(path)
        assert header[:3] == [":START_ID", ":END_ID", ":TYPE"], path.name
        assert header[3] == "key"
        for f in header[3:]:
            check_property_header(f)
        for row in rows:
            assert row[0] in ids and row[1] in ids  # every endpoint is a node of the node files
            assert row[2] == path.stem.removeprefix("relationships_")
            assert graph.has_edge(row[0], row[1], row[3])
            total[row[2]] += 1
    assert total == edge_types(graph)
    assert sum(total.values()) == graph.number_of_edges()

    # The import command names exactly these files and the array delimiter.
    command = (folder / "neo4j-admin-import.sh").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert command == result["command"]
    # The database name before the repeatable options: after them, Neo4j 5.19+ reads it as a file.
    assert command.startswith("neo4j-admin database import full neo4j --")
    assert '--array-delimiter=";"' in command
    assert sorted(re.findall(r"--nodes=(\S+)", command)) == [p.name for p in node_files]
    assert sorted(re.findall(r"--relationships=(\S+)", command)) == [p.name for p in rel_files]


def test_csv_notes_replaced_delimiters_and_multiline_fields(tmp_path):
    result = export_graph(hostile_graph(), "csv", tmp_path / "csv")
    # "A;R" and the sentences with ";" cannot hold the delimiter inside an array item: noted, not silent.
    assert any("U+FF1B" in note for note in result["notes"])
    assert "--multiline-fields=true" in result["command"]  # ODD_NAME holds a line break


# --- Cypher script, run in the real Neo4j ------------------------------------------------------------


def script_statements(path: Path) -> list[str]:
    """The statements of the script file: one per line, comments skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if not line.strip() or line.startswith("//"):
            continue
        assert line.endswith(";"), line[:80]
        out.append(line[:-1])
    return out


def run_script(driver, database: str, path: Path) -> None:
    with driver.session(database=database) as session:
        for statement in script_statements(path):
            session.run(statement).consume()


def db_counts(driver, database: str) -> tuple[int, int, Counter]:
    nodes = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database).records[0]["n"]
    rels = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n", database_=database)
    by_type = Counter({r["t"]: r["n"] for r in rels.records})
    return nodes, sum(by_type.values()), by_type


@pytest.mark.neo4j
def test_cypher_script_recreates_the_graph_in_neo4j(graph, empty_neo4j, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    out = tmp_path / "g.cypher"
    export_graph(graph, "cypher", out)
    text = out.read_text(encoding="utf-8")
    assert "$" not in "".join(s for s in script_statements(out) if not s.startswith("CREATE"))  # no params
    run_script(empty_neo4j, db, out)
    expected = (graph.number_of_nodes(), graph.number_of_edges(), edge_types(graph))
    assert db_counts(empty_neo4j, db) == expected
    run_script(empty_neo4j, db, out)  # MERGE by id and key: a second run changes nothing
    assert db_counts(empty_neo4j, db) == expected
    labels = empty_neo4j.execute_query(
        "MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n", database_=db).records
    by_label = Counter({r["l"]: r["n"] for r in labels})
    wanted = Counter(d["label"] for _, d in graph.nodes(data=True))
    wanted.update(d["event_type"] for _, d in graph.nodes(data=True) if d["label"] == "Event")
    assert by_label == wanted
    assert text.count("\n") >= graph.number_of_nodes() + graph.number_of_edges()


@pytest.mark.neo4j
def test_cypher_script_keeps_hostile_text_exactly(empty_neo4j, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    out = tmp_path / "g.cypher"
    export_graph(hostile_graph(), "cypher", out)
    run_script(empty_neo4j, db, out)
    rows = empty_neo4j.execute_query(
        "MATCH (n) WHERE n.id IN ['person:evil', 'organization:odd', 'person:ana'] "
        "RETURN n.id AS id, n.name AS name, n.aliases AS aliases, n.evidence_sentences AS sentences",
        database_=db).records
    got = {r["id"]: r for r in rows}
    assert got["person:evil"]["name"] == EVIL_NAME
    assert got["person:evil"]["sentences"] == [EVIL_SENTENCE]  # backslash and \u0041 stay literal
    assert got["organization:odd"]["name"] == ODD_NAME
    assert got["person:ana"]["aliases"] == ["Ruíz", "A;R"]
    rel = empty_neo4j.execute_query(
        "MATCH (:Person {id: 'person:ana'})-[r:PARTICIPANT]->(:Event) RETURN r.role AS role ORDER BY role",
        database_=db).records
    assert [r["role"] for r in rel] == ["agent", "target"]


@pytest.mark.neo4j
def test_cypher_script_on_a_loaded_database_changes_nothing(loaded_neo4j, neo4j_settings, sample_graph,
                                                             tmp_path):
    # The script writes the shape the loader writes (same labels, keys and properties): merging it into
    # a database the loader filled adds no node and no relationship.
    db = neo4j_settings.neo4j_database
    before = db_counts(loaded_neo4j, db)
    assert before[:2] == (sample_graph.number_of_nodes(), sample_graph.number_of_edges())
    out = tmp_path / "g.cypher"
    export_graph(sample_graph, "cypher", out)
    run_script(loaded_neo4j, db, out)
    assert db_counts(loaded_neo4j, db) == before


# --- reading Neo4j back ------------------------------------------------------------------------------


def comparable(data: dict) -> dict:
    return {k: v for k, v in data.items() if v not in (None, "", [])}


@pytest.mark.neo4j
def test_reading_neo4j_back_gives_the_loaded_graph(loaded_neo4j, neo4j_settings, sample_graph):
    back = read_graph(loaded_neo4j, database=neo4j_settings.neo4j_database)
    assert set(back.nodes) == set(sample_graph.nodes)
    assert set(back.edges(keys=True)) == set(sample_graph.edges(keys=True))
    for n, d in sample_graph.nodes(data=True):
        assert comparable(back.nodes[n]) == comparable(d), n
    for u, v, k, d in sample_graph.edges(keys=True, data=True):
        assert comparable(back.edges[u, v, k]) == comparable(d), (u, v, k)


# --- the command -------------------------------------------------------------------------------------


def args(fmt: str, output: Path, source: str = "embedded") -> argparse.Namespace:
    return argparse.Namespace(format=fmt, output=str(output), source=source)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_export_command_from_the_embedded_store(fmt, sample_store, sample_graph, tmp_path, capsys):
    settings = load_settings({"PORTERO_HOME": str(tmp_path / "home"), "PORTERO_STORE": str(sample_store)})
    out = tmp_path / ("csv" if fmt == "csv" else f"graph.{fmt}")
    assert run_cli(args(fmt, out), settings) == 0
    printed = capsys.readouterr().out
    n, m = sample_graph.number_of_nodes(), sample_graph.number_of_edges()
    assert f"{n} nodes and {m} relationships" in printed
    assert out.is_dir() if fmt == "csv" else out.stat().st_size > 1000


def test_export_command_says_which_store_is_missing(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "graph.json"
    settings = load_settings({"PORTERO_HOME": str(tmp_path), "PORTERO_STORE": str(missing)})
    assert run_cli(args("graphml", tmp_path / "g.graphml"), settings) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "g.graphml").exists()


@pytest.mark.neo4j
def test_export_command_from_neo4j(loaded_neo4j, neo4j_settings, sample_graph, tmp_path, capsys):
    out = tmp_path / "from-neo4j.json"
    assert run_cli(args("json", out, source="neo4j"), neo4j_settings) == 0
    back = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="links")
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        sample_graph.number_of_nodes(), sample_graph.number_of_edges())
    assert "from neo4j" in capsys.readouterr().out


def test_export_command_says_when_neo4j_is_unreachable(tmp_path, capsys):
    settings = load_settings({"PORTERO_HOME": str(tmp_path), "NEO4J_URI": "bolt://127.0.0.1:9"})
    assert run_cli(args("json", tmp_path / "g.json", source="neo4j"), settings) == 1
    err = capsys.readouterr().err
    assert "Neo4j at bolt://127.0.0.1:9 is unreachable: " in err and len(err.splitlines()) == 1


def test_bad_targets_are_refused_and_leave_nothing_behind(tmp_path):
    g = hostile_graph()
    with pytest.raises(ExportError, match="unknown export format 'xml'"):
        export_graph(g, "xml", tmp_path / "g.xml")
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_graph(g, "graphml", folder)
    (tmp_path / "a-file").write_text("keep me")
    with pytest.raises(ExportError, match="is a file"):
        export_graph(g, "csv", tmp_path / "a-file")
    assert (tmp_path / "a-file").read_text() == "keep me"


def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    out = tmp_path / "g.graphml"
    export_graph(hostile_graph(), "graphml", out)
    before = out.read_bytes()

    def explode(g, fh):  # a writer that fails half-way, as on a full disk
        fh.write(b"<partial")
        raise OSError(28, "No space left on device")

    monkeypatch.setitem(FORMATS, "graphml", dataclasses.replace(FORMATS["graphml"], write=explode))
    with pytest.raises(OSError):
        export_graph(hostile_graph(), "graphml", out)
    assert out.read_bytes() == before  # the half-written file never replaced it
    assert [p.name for p in tmp_path.iterdir()] == ["g.graphml"]  # and no temporary file is left


def test_cypher_statements_hold_no_unescaped_quote():
    # Every single quote inside a literal is escaped, so each statement's quotes pair up.
    for statement in cypher_statements(hostile_graph()):
        unescaped = re.sub(r"\\.", "", statement)
        assert unescaped.count("'") % 2 == 0, statement[:120]
        assert "\n" not in statement
