"""The canned query library: every file in cypher/queries/ runs with its defaults on the sample corpus
and answers its question (contents checked, often against the same answer computed with networkx).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest

from graph_loader.cli.query import run as run_cli
from graph_loader.cypher_library import (
    QUERIES_DIR,
    CannedQueryError,
    find_params,
    get_query,
    list_queries,
    markdown_table,
    parse_query,
    shell_params,
)
from graph_loader.graph import edge_key
from graph_loader.ontology import load_ontology
from graph_loader.query import PathValue, QueryResult, RelValue, run_read_only
from graph_loader.settings import Settings

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
QUERY_FILES = sorted(QUERIES_DIR.glob("*.cypher"))
ONTO = load_ontology()
ACTOR_LABELS = set(ONTO.actor_labels)


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def corpus(neo4j_driver, neo4j_settings, sample_graph):
    """Neo4j holding exactly the sample graph, loaded once for the module (as ``loaded_neo4j`` does per
    test: these queries only read, and a reload per test would cost most of the run)."""
    from graph_loader.sinks.neo4j import write_graph

    db = neo4j_settings.neo4j_database
    neo4j_driver.execute_query("MATCH (n) DETACH DELETE n", database_=db)
    write_graph(neo4j_driver, sample_graph, database=db)
    return neo4j_driver


@pytest.fixture(scope="module")
def run(corpus, neo4j_settings):
    """Run a canned query by name with its defaults updated by keyword arguments."""

    def _run(name: str, **params) -> QueryResult:
        q = get_query(name)
        return run_read_only(corpus, q.text, q.bind(params), database=neo4j_settings.neo4j_database,
                             timeout_s=60, row_cap=5000)

    return _run


@pytest.fixture(scope="module")
def projection(sample_graph) -> nx.Graph:
    """The sample graph as the queries walk it: undirected, simple, without articles and MENTIONS."""
    h = nx.Graph()
    h.add_nodes_from(n for n, d in sample_graph.nodes(data=True) if d["label"] != "Article")
    h.add_edges_from((u, v) for u, v, d in sample_graph.edges(data=True) if d["type"] != "MENTIONS")
    return h


def node_by_name(g: nx.MultiDiGraph, name: str) -> str:
    found = [n for n, d in g.nodes(data=True) if d.get("name") == name]
    assert found, f"the sample graph has no node named {name!r}"
    return found[0]


def names(g: nx.MultiDiGraph, ids) -> set[str]:
    return {g.nodes[n]["name"] for n in ids}


def is_actor(g: nx.MultiDiGraph, n: str) -> bool:
    return g.nodes[n]["label"] in ACTOR_LABELS


# ---------------------------------------------------------------- the library itself (no server needed)


def test_library_has_at_least_twelve_documented_queries():
    queries = list_queries()
    assert len(queries) >= 12
    assert [q.name for q in queries] == [p.stem for p in QUERY_FILES]
    for q in queries:
        assert q.title and q.question.endswith("?"), q.name
        assert set(q.params) == set(find_params(q.text)), q.name
        assert set(q.param_help) == set(q.params) and all(q.param_help.values()), q.name


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_shell_param_lines_match_the_defaults(path: Path):
    """The ``:param name => value;`` lines for Neo4j Browser / cypher-shell agree with the header."""
    q = get_query(path.stem)
    assert shell_params(q.text) == q.params


def test_header_errors_are_reported():
    with pytest.raises(CannedQueryError, match="lacks a '// title"):
        parse_query("// question: why?\nRETURN 1", "x")
    with pytest.raises(CannedQueryError, match=r"\$who used but not declared"):
        parse_query("// title: T\n// question: Q?\nRETURN $who", "x")
    with pytest.raises(CannedQueryError, match="unused parameter"):
        parse_query("// title: T\n// question: Q?\n// param: n = 1 — a number\nRETURN 1", "x")
    q = parse_query("// title: T\n// question: Q?\n// param: who = 'A' — a name\nRETURN $who", "x")
    assert q.params == {"who": "A"} and q.bind({"who": "B"}) == {"who": "B"}
    with pytest.raises(KeyError, match=r"no parameter \$nope"):
        q.bind({"nope": 1})


def test_readme_lists_every_query_with_its_title():
    """The researchers' page names every query file and its title (the table made by
    graph_loader.cypher_library.markdown_table), and no query that does not exist."""
    readme = (ROOT / "docs" / "researchers.md").read_text(encoding="utf-8")
    missing = [f"{q.name}.cypher ({q.title})" for q in list_queries()
               if f"`{q.name}.cypher`" not in readme or q.title not in readme]
    assert not missing, "docs/researchers.md lacks: " + "; ".join(missing)
    import re

    named = set(re.findall(r"`([\w-]+)\.cypher`", readme)) - {"schema"}
    assert named <= {p.stem for p in QUERY_FILES}
    assert markdown_table().count("\n") == len(QUERY_FILES) + 1


# ---------------------------------------------------------------- every query, with its defaults


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_query_runs_with_its_defaults_and_answers(run, path: Path):
    result = run(path.stem)
    assert result.rows, f"{path.name} returned nothing on the sample corpus with its defaults"
    assert not result.truncated
    assert all(len(row) == len(result.columns) for row in result.rows)


# ---------------------------------------------------------------- what each query answers


def test_leadership(run, sample_graph):
    rows = run("leadership").records()
    sheinbaum = [r for r in rows if r["leader"] == "Claudia Sheinbaum" and r["body"] == "Mexico"]
    assert sheinbaum and sheinbaum[0]["relationship"] == "LEADS"
    assert "president" in (sheinbaum[0]["title"] or "").lower()
    assert sheinbaum[0]["first_reported"] and sheinbaum[0]["articles"] >= 1
    # Every LEADS and HEADED edge of the graph is one row.
    edges = [(sample_graph.nodes[u]["name"], d["type"], sample_graph.nodes[v]["name"])
             for u, v, d in sample_graph.edges(data=True) if d["type"] in ("LEADS", "HEADED")]
    assert Counter((r["leader"], r["relationship"], r["body"]) for r in rows) == Counter(edges)
    headed = [r for r in rows if r["relationship"] == "HEADED"]
    assert headed and all(r["title"] == "head of government" and r["since"] for r in headed)
    # A body found by its alias, in any case.
    dea = run("leadership", body="dea").records()
    assert dea and {r["body"] for r in dea} == {"Drug Enforcement Administration"}
    assert "Terrance Cole" in {r["leader"] for r in dea}


def test_neighbourhood_matches_a_breadth_first_search(run, sample_graph, projection):
    result = run("neighbourhood")
    source = node_by_name(sample_graph, "Claudia Sheinbaum")
    expected = nx.single_source_shortest_path_length(projection, source, cutoff=2)
    expected.pop(source)
    routes = result.column("route")
    reached = {route["nodes"][-1]["properties"]["id"]: len(route["relationships"]) for route in routes}
    assert reached == expected
    assert result.column("hops") == [len(r["relationships"]) for r in routes]
    assert all(isinstance(r, PathValue) and r["nodes"][0]["properties"]["id"] == source for r in routes)
    assert "Mexico" in {r["name"] for r in result.records() if r["hops"] == 1}
    assert "Article" not in set(result.column("label"))
    # The routes draw as a tree around Sheinbaum.
    assert set(result.graph.nodes) == set(expected) | {source}
    assert result.graph.number_of_edges() >= len(expected)
    # An alias in lower case finds the same actor; one hop is a subset.
    assert run("neighbourhood", actor="sheinbaum").rows == result.rows
    one = run("neighbourhood", hops=1)
    assert {r["name"] for r in one.records()} < {r["name"] for r in result.records()}
    assert set(one.column("hops")) == {1}


def test_shortest_paths_carry_the_evidence_of_each_hop(run, sample_graph, projection):
    result = run("shortest_paths")
    rows = result.records()
    source = node_by_name(sample_graph, "Claudia Sheinbaum")
    target = node_by_name(sample_graph, "Rafael Caro Quintero")
    length = nx.shortest_path_length(projection, source, target)
    node_paths = {tuple(p) for p in nx.all_shortest_paths(projection, source, target)}
    by_path = defaultdict(list)
    for r in rows:
        by_path[r["path"]].append(r)
    assert by_path
    for hops in by_path.values():
        assert [h["hop"] for h in hops] == list(range(1, length + 1))
        assert all(h["evidence"] and h["articles"] for h in hops), "every hop needs its evidence"
        # Consecutive hops share a node, from Sheinbaum to Caro Quintero.
        walk = [source]
        for h in hops:
            link = h["link"]
            assert isinstance(link, RelValue) and link["type"] == h["relationship"]
            ends = {link["start"], link["end"]}
            assert walk[-1] in ends
            walk.append((ends - {walk[-1]}).pop() if len(ends) == 2 else walk[-1])
        assert walk[-1] == target
        assert tuple(walk) in node_paths
    assert "Claudia Sheinbaum" in {rows[0]["from"], rows[0]["to"]}


def test_result_graph_follows_the_graph_schema(run, sample_graph):
    g = run("shortest_paths").graph
    assert g.number_of_edges() >= 1
    for n, d in g.nodes(data=True):
        assert d["label"] == sample_graph.nodes[n]["label"] and d["name"] == sample_graph.nodes[n]["name"]
        if d["label"] == "Event":
            assert d["event_type"] == sample_graph.nodes[n]["event_type"]
    for u, v, k, d in g.edges(keys=True, data=True):
        original = sample_graph.edges[u, v, k]
        assert d["type"] == original["type"] and k == edge_key(d["type"], d)
        assert d["evidence"] == original["evidence"] and d["articles"] == original["articles"]


def test_events_by_type(run, sample_graph):
    events = [d for _, d in sample_graph.nodes(data=True) if d["label"] == "Event"]
    rows = run("events_by_type").records()
    assert len(rows) == len(events)
    assert {r["type"] for r in rows} <= set(ONTO.event_types)
    transfers = run("events_by_type", event_type="transfer").records()
    assert len(transfers) == sum(d["event_type"] == "Transfer" for d in events)
    assert {r["type"] for r in transfers} == {"Transfer"}
    caro = [r for r in transfers if "Rafael Caro Quintero (subject)" in r["participants"]]
    assert caro and caro[0]["date"].startswith("2025-02")
    assert "Sheinbaum administration" in caro[0]["administrations"]
    dated = [r["date"] for r in transfers if r["date"]]
    assert dated == sorted(dated)


def test_events_by_administration(run, sample_graph):
    rows = run("events_by_administration").records()
    per_admin = Counter()
    for _u, v, d in sample_graph.edges(data=True):
        if d["type"] == "DURING":
            per_admin[sample_graph.nodes[v]["name"]] += 1
    got = Counter()
    for r in rows:
        got[r["administration"]] += r["events"]
    undated = got.pop("(no administration)", 0)
    assert got == per_admin
    no_admin = [n for n, d in sample_graph.nodes(data=True)
                if d["label"] == "Event" and not any(sample_graph.edges[e]["type"] == "DURING"
                                                     for e in sample_graph.out_edges(n, keys=True))]
    assert undated == len(no_admin)
    sheinbaum = run("events_by_administration", administration="sheinbaum").records()
    assert {r["administration"] for r in sheinbaum} == {"Sheinbaum administration"}
    assert any(r["type"] == "Transfer" and r["events"] >= 1 for r in sheinbaum)


def test_extraditions_and_transfers_say_who_was_sent_where(run):
    rows = run("extraditions_transfers").records()
    assert {r["type"] for r in rows} <= {"Extradition", "Transfer"}
    caro = [r for r in rows if r["person"] == "Rafael Caro Quintero"]
    assert caro, "Rafael Caro Quintero should be among those sent"
    assert any("United States" in r["sent_to"] and "Mexico" in r["sent_by"] for r in caro)
    assert all(r["evidence"] and r["articles"] for r in caro)
    assert any((r["date"] or "").startswith("2025-02") for r in caro)
    only = run("extraditions_transfers", person="caro quintero").records()
    assert only and {r["person"] for r in only} == {"Rafael Caro Quintero"}


def test_contested_claims_show_both_sides(run, sample_graph):
    rows = run("contested_claims").records()
    contested = set()
    for n, d in sample_graph.nodes(data=True):
        if d["label"] == "Claim":
            stances = {e["type"] for _, _, e in sample_graph.in_edges(n, data=True)}
            if {"ASSERTS", "DENIES"} <= stances:
                contested.add(d["name"])
    assert contested, "the sample corpus should hold at least one contested claim"
    assert {r["claim"] for r in rows} == contested
    for r in rows:
        assert r["contested"] and r["asserted_by"] and r["denied_by"]
        assert len(r["assert_evidence"]) == len(r["asserted_by"]) and all(r["assert_evidence"])
        assert len(r["deny_evidence"]) == len(r["denied_by"]) and all(r["deny_evidence"])
    portero = [r for r in rows if "Claudia Sheinbaum" in r["denied_by"]]
    assert portero, "Sheinbaum's denial of the DEA's account should be a contested claim"
    assert {"Drug Enforcement Administration", "Terrance Cole"} & set(portero[0]["asserted_by"])
    every = run("contested_claims", contested_only=False).records()
    assert len(every) == sum(d["label"] == "Claim" for _, d in sample_graph.nodes(data=True))
    assert {r["claim"] for r in every if r["contested"]} == contested


def test_actors_across_administrations(run, sample_graph):
    spans = defaultdict(set)
    for u, e, d in sample_graph.edges(data=True):
        if d["type"] != "PARTICIPANT" or sample_graph.nodes[u]["label"] == "Administration":
            continue
        for _, adm, d2 in sample_graph.out_edges(e, data=True):
            if d2["type"] == "DURING" and sample_graph.nodes[adm].get("country") == "Mexico":
                spans[sample_graph.nodes[u]["name"]].add(sample_graph.nodes[adm]["name"])
    expected = {a: len(s) for a, s in spans.items() if len(s) >= 2}
    rows = run("actors_across_administrations").records()
    assert {r["actor"]: r["n_administrations"] for r in rows} == expected
    assert "Rafael Caro Quintero" in expected
    caro = next(r for r in rows if r["actor"] == "Rafael Caro Quintero")
    assert {a.rsplit(" (", 1)[0] for a in caro["administrations"]} == spans["Rafael Caro Quintero"]
    assert caro["first_event"] <= caro["last_event"]


def test_initiative_participants(run, sample_graph):
    rows = run("initiative_participants").records()
    portero = [r for r in rows if r["initiative"] == "Project Portero"]
    assert portero, "Project Portero should have participants"
    reported = {r["actor"] for r in portero if r["involvement"] == "PARTICIPATES_IN"
                and r["status"] == "reported"}
    assert "Federal Bureau of Investigation" in reported, "the press reports the FBI takes part"
    assert all(r["evidence"] for r in portero if r["involvement"] != "event")
    direct = Counter((sample_graph.nodes[u]["name"], d["type"]) for u, v, d in sample_graph.edges(data=True)
                     if sample_graph.nodes[v]["name"] == "Project Portero"
                     and d["type"] in ("LEADS", "COORDINATES", "PARTICIPATES_IN"))
    assert Counter((r["actor"], r["involvement"]) for r in portero if r["involvement"] != "event") == direct
    only = run("initiative_participants", initiative="project portero", status="reported").records()
    assert only and {r["status"] for r in only} == {"reported"}
    assert {r["initiative"] for r in only} == {"Project Portero"}


def test_relationship_evidence(run, sample_graph):
    rows = run("relationship_evidence").records()
    s, t = node_by_name(sample_graph, "Claudia Sheinbaum"), node_by_name(sample_graph, "Mexico")
    evidence = [ev for k, d in sample_graph[s][t].items() if d["type"] == "LEADS" for ev in d["evidence"]]
    assert len(rows) == len(evidence) >= 1
    assert {(r["from"], r["relationship"], r["to"]) for r in rows} == {("Claudia Sheinbaum", "LEADS", "Mexico")}
    urls = {d["title"]: d.get("url") or "" for _, d in sample_graph.nodes(data=True) if d["label"] == "Article"}
    assert any(urls.values())  # a sample article without a cited source has no url
    for r in rows:
        assert r["article"] in urls and r["published"] and (r["url"] or "") == urls[r["article"]]
        assert "Sheinbaum" in r["sentence"] and r["end"] > r["start"] >= 0
    assert sorted(r["sentence"] for r in rows) == sorted(ev["sentence"] for ev in evidence)
    # Either direction, and any type: Mexico as the source finds the same LEADS evidence.
    back = run("relationship_evidence", source="Mexico", target="Claudia Sheinbaum", rel_type="").records()
    assert {r["sentence"] for r in rows} <= {r["sentence"] for r in back}


def test_co_mentions(run, sample_graph):
    dea = node_by_name(sample_graph, "Drug Enforcement Administration")

    def articles_of(n):
        return {u for u, _, d in sample_graph.in_edges(n, data=True) if d["type"] == "MENTIONS"}

    mine = articles_of(dea)
    expected = {}
    for n, d in sample_graph.nodes(data=True):
        if n != dea and d["label"] not in ("Event", "Claim", "Article"):
            shared = len(mine & articles_of(n))
            if shared >= 2:
                expected[d["name"]] = shared
    rows = run("co_mentions").records()
    assert {r["co_mentioned"]: r["shared_articles"] for r in rows} == expected
    assert {r["actor"] for r in rows} == {"Drug Enforcement Administration"}
    assert expected.get("Rafael Caro Quintero", 0) >= 2
    counts = [r["shared_articles"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_most_connected_matches_networkx_degree(run, sample_graph, projection):
    rows = run("most_connected").records()
    degree = {sample_graph.nodes[n]["name"]: projection.degree(n) for n in projection if is_actor(sample_graph, n)}
    assert len(rows) == 10
    for r in rows:
        assert r["degree"] == degree[r["actor"]]
    assert rows[0]["degree"] == max(degree.values())
    assert [r["degree"] for r in rows] == sorted((r["degree"] for r in rows), reverse=True)
    assert sorted(degree.values(), reverse=True)[:10] == [r["degree"] for r in rows]
    people = run("most_connected", label="person", top=3).records()
    assert len(people) == 3 and {r["label"] for r in people} == {"Person"}


def test_betweenness_matches_networkx(run, sample_graph, projection):
    actors = [n for n in projection if is_actor(sample_graph, n)]
    expected = nx.betweenness_centrality_subset(projection, actors, actors, normalized=False)
    rows = run("betweenness", top=15, actors_only=False).records()
    by_name = {sample_graph.nodes[n]["name"]: v for n, v in expected.items()}
    assert len(rows) == 15
    for r in rows:
        assert r["betweenness"] == pytest.approx(by_name[r["name"]], abs=1e-3)
    assert rows[0]["betweenness"] == pytest.approx(max(expected.values()), abs=1e-3)
    only_actors = run("betweenness").records()
    assert len(only_actors) == 10 and not {"Event", "Claim"} & {r["label"] for r in only_actors}


def test_timeline(run):
    rows = run("timeline").records()
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated), "entries come in date order"
    assert all(r["date"] for r in rows[:len(dated)]), "undated entries come last"
    assert any(r["what"] == "Transfer" and r["role"] == "subject" and r["date"].startswith("2025-02")
               for r in rows)
    assert any(r["what"] == "Arrest" and (r["date"] or "").startswith("2022") for r in rows)
    assert all(r["evidence"] for r in rows)


def test_timeline_keeps_undated_posts_last(run, sample_graph):
    # The sample articles say Omar García Harfuch heads the security ministry but not since when, and
    # name no event he took part in: his timeline is that post, undated (it was empty).
    harfuch = node_by_name(sample_graph, "Omar García Harfuch")
    posts = {sample_graph.nodes[v]["name"] for _, v, d in sample_graph.out_edges(harfuch, data=True)
             if d["type"] in ("LEADS", "HEADED")}
    rows = run("timeline", actor="García Harfuch").records()
    assert posts and {r["entry"] for r in rows if r["what"] in ("LEADS", "HEADED")} == posts
    assert all(r["date"] is None and r["evidence"] for r in rows)
    dates = [r["date"] for r in run("timeline").records()]
    assert dates[0] is not None and dates == sorted(dates, key=lambda d: (d is None, d or "")), \
        "undated entries (posts among them) come last"


def test_find_actor_and_articles(run, sample_graph):
    found = run("find_actor").records()
    assert [(r["name"], r["label"]) for r in found] == [("Omar García Harfuch", "Person")]
    assert found[0]["articles"] >= 1
    dea = run("find_actor", text="dea").records()
    assert "Drug Enforcement Administration" in {r["name"] for r in dea}
    articles = run("articles").records()
    expected = {d["title"] for _, d in sample_graph.nodes(data=True) if d["label"] == "Article"}
    assert {r["title"] for r in articles} == expected
    assert all(r["actors"] >= 1 and r["relationships"] >= 1 for r in articles)


# ---------------------------------------------------------------- portero query


def _args(query: str, *params: str, fmt: str = "table") -> argparse.Namespace:
    return argparse.Namespace(query=query, param=list(params), format=fmt)


def test_cli_runs_a_file_with_header_defaults(corpus, neo4j_settings, capsys):
    path = str(QUERIES_DIR / "leadership.cypher")
    assert run_cli(_args(path), neo4j_settings) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Claudia Sheinbaum" in x and "Mexico" in x)
    assert "LEADS" in line


def test_cli_params_override_defaults_and_formats(corpus, neo4j_settings, capsys):
    assert run_cli(_args("leadership", "body=DEA", fmt="json"), neo4j_settings) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["body"] for r in rows} == {"Drug Enforcement Administration"}
    assert run_cli(_args("MATCH (p:Person) WHERE p.name = $who RETURN p.name AS name, 1 + $n AS n",
                         "who=Claudia Sheinbaum", "n=2", fmt="csv"), neo4j_settings) == 0
    assert capsys.readouterr().out.splitlines() == ["name,n", "Claudia Sheinbaum,3"]


def test_cli_bad_params_exit_2(corpus, neo4j_settings, capsys):
    assert run_cli(_args("leadership", "nope=1"), neo4j_settings) == 2
    assert "no parameter $nope" in capsys.readouterr().err
    assert run_cli(_args("RETURN $missing AS x"), neo4j_settings) == 2
    assert "--param missing=VALUE" in capsys.readouterr().err
    assert run_cli(_args("cypher/queries/no_such_query.cypher"), neo4j_settings) == 2
    assert "no such file" in capsys.readouterr().err


def test_cli_row_cap_notice(corpus, neo4j_settings, capsys):
    capped = Settings({**neo4j_settings.values, "row_cap": 3})
    assert run_cli(_args("UNWIND range(1, 10) AS x RETURN x", fmt="csv"), capped) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == ["x", "1", "2", "3"]
    assert "first 3 rows" in captured.err


def test_cli_unreachable_neo4j_names_the_uri_not_the_password(capsys):
    from graph_loader.settings import load_settings

    settings = load_settings({"NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "s3cret-pw"})
    assert run_cli(_args("RETURN 1 AS x"), settings) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bolt://127.0.0.1:9" in err
    assert "s3cret-pw" not in err
