"""The sinks against the real Neo4j and a real file system: idempotent merges, provenance, atomic writes."""

from __future__ import annotations

import json
import os
import stat

import networkx as nx
import pytest

from graph_loader.graph import add_node, build_graph, new_graph
from graph_loader.model import Article, Claim, Entity, Event, Evidence, Extraction, Participant, Relation
from graph_loader.ontology import OntologyError
from graph_loader.sinks.embedded import FORMAT_VERSION, StoreError, read_store, write_store
from graph_loader.sinks.neo4j import ensure_schema, write_extraction, write_graph


def _extraction(article_id: str, sentence: str, *, stance: str = "asserts", title: str = "") -> Extraction:
    """One small article naming Omar García Harfuch, his agency, a denial and a claim."""
    art = Article(id=article_id, text=sentence, title=title or f"Article {article_id}", path=f"{article_id}.md",
                  published="2025-08-20")
    ev = Evidence(article_id, sentence, 0, len(sentence))
    entities = [
        Entity("Omar García Harfuch", "Person", ["García Harfuch"], [ev]),
        Entity("Secretariat of Security and Civilian Protection", "Agency", ["SSPC"], [ev], {"country": "Mexico"}),
        Entity("Claudia Sheinbaum", "Person", ["Sheinbaum"], [ev]),
    ]
    events = [Event("Denial", ev, [Participant("Claudia Sheinbaum", "agent")], date="2025-08-19")]
    relations = [Relation("Omar García Harfuch", "LEADS", "Secretariat of Security and Civilian Protection", ev,
                          {"title": "Secretary of Security"})]
    claims = [Claim("Claudia Sheinbaum", stance, "Mexico made a deal with the DEA", ev)]
    return Extraction(art, entities, events, relations, claims)


def _counts(driver, db: str) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=db).records[0]["c"]
    return n, r


def _list_lengths(driver, db: str) -> dict:
    """For every node and relationship, the lengths of its list properties."""
    nodes = driver.execute_query(
        "MATCH (n) RETURN n.id AS id, [size(n.articles), size(n.aliases), size(n.evidence_articles), "
        "size(n.evidence_sentences), size(n.evidence_starts), size(n.evidence_ends)] AS sizes", database_=db)
    rels = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.id + ' ' + type(r) + ' ' + r.key + ' ' + b.id AS id, "
        "[size(r.articles), size(r.evidence_articles), size(r.evidence_sentences), size(r.evidence_starts), "
        "size(r.evidence_ends)] AS sizes", database_=db)
    out = {rec["id"]: rec["sizes"] for rec in nodes.records}
    out.update({rec["id"]: rec["sizes"] for rec in rels.records})
    return out


def _node(driver, db: str, nid: str) -> dict:
    rec = driver.execute_query("MATCH (n {id: $id}) RETURN labels(n) AS labels, properties(n) AS p",
                               {"id": nid}, database_=db).records
    assert len(rec) == 1, f"{nid}: {len(rec)} nodes"
    return {"labels": sorted(rec[0]["labels"]), **rec[0]["p"]}


# ------------------------------------------------------------------------------------------ Neo4j


@pytest.mark.neo4j
def test_write_graph_twice_changes_nothing(empty_neo4j, neo4j_settings, sample_graph):
    db = neo4j_settings.neo4j_database
    first = write_graph(empty_neo4j, sample_graph, database=db)
    counts, lengths = _counts(empty_neo4j, db), _list_lengths(empty_neo4j, db)
    assert counts == (sample_graph.number_of_nodes(), sample_graph.number_of_edges())
    assert (first["nodes_created"], first["relationships_created"]) == counts
    assert sum(first["nodes_by_label"].values()) == counts[0] and first["properties_set"] > counts[0]

    second = write_graph(empty_neo4j, sample_graph, database=db, batch_size=40)  # other batch boundaries
    assert second["nodes_created"] == 0 and second["relationships_created"] == 0
    assert _counts(empty_neo4j, db) == counts
    assert _list_lengths(empty_neo4j, db) == lengths


@pytest.mark.neo4j
def test_neo4j_holds_the_graph_with_its_provenance(loaded_neo4j, neo4j_settings, sample_graph):
    db = neo4j_settings.neo4j_database
    evidence_lists = ("evidence_articles", "evidence_sentences", "evidence_starts", "evidence_ends")
    for nid, data in sample_graph.nodes(data=True):
        stored = _node(loaded_neo4j, db, nid)
        assert data["label"] in stored["labels"]
        assert stored["name"] == data["name"]
        assert stored["articles"] == data["articles"]
        assert sorted(stored["aliases"]) == sorted(data["aliases"])
        assert list(zip(*(stored[k] for k in evidence_lists), strict=True)) == [
            (e["article_id"], e["sentence"], e["start"], e["end"]) for e in data["evidence"]]
        if data["label"] == "Event":
            assert stored["labels"] == sorted(["Event", data["event_type"]])
    # No node holds the same evidence twice.
    rows = loaded_neo4j.execute_query(
        "MATCH (n) RETURN [i IN range(0, size(n.evidence_articles) - 1) | "
        "n.evidence_articles[i] + '@' + toString(n.evidence_starts[i])] AS keys", database_=db).records
    assert all(len(r["keys"]) == len(set(r["keys"])) for r in rows)
    # Every relationship carries the evidence of the graph's edge.
    rels = loaded_neo4j.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.id AS u, b.id AS v, r.key AS key, type(r) AS type, "
        "r.evidence_sentences AS sentences, r.articles AS articles", database_=db).records
    assert len(rels) == sample_graph.number_of_edges()
    for r in rels:
        edge = sample_graph.edges[r["u"], r["v"], r["key"]]
        assert r["type"] == edge["type"]
        assert r["articles"] == edge["articles"]
        assert r["sentences"] == [e["sentence"] for e in edge["evidence"]]


@pytest.mark.neo4j
def test_an_actor_in_two_articles_is_one_node_with_both_sources(empty_neo4j, neo4j_settings):
    db = neo4j_settings.neo4j_database
    ensure_schema(empty_neo4j, db)
    a = _extraction("article:a", "García Harfuch leads the SSPC, Sheinbaum said.")
    b = _extraction("article:b", "Sheinbaum denied any deal; García Harfuch agreed.", stance="denies")
    write_extraction(empty_neo4j, a, db)
    stats = write_extraction(empty_neo4j, b, db)
    assert stats["nodes_by_label"] == {"Article": 1}  # everything else already existed
    person = _node(empty_neo4j, db, "person:omar-garcia-harfuch")
    assert person["articles"] == ["article:a", "article:b"]
    assert person["evidence_articles"] == ["article:a", "article:b"]
    assert person["evidence_sentences"] == [a.article.text, b.article.text]
    assert person["aliases"] == ["García Harfuch"]
    leads = empty_neo4j.execute_query(
        "MATCH (:Person {id: 'person:omar-garcia-harfuch'})-[r:LEADS]->(:Agency) RETURN r", database_=db).records
    assert len(leads) == 1
    assert leads[0]["r"]["articles"] == ["article:a", "article:b"]
    assert leads[0]["r"]["title"] == "Secretary of Security"
    # Asserted in one article and denied in the other: contested, whichever came first.
    claim = _node(empty_neo4j, db, "claim:mexico-made-a-deal-with-the-dea")
    assert claim["contested"] is True
    event = _node(empty_neo4j, db, next(n for n in build_graph([a]) if n.startswith("event:")))
    assert event["labels"] == ["Denial", "Event"] and event["date"] == "2025-08-19"

    # The same article again: nothing new, no list grows.
    counts, lengths = _counts(empty_neo4j, db), _list_lengths(empty_neo4j, db)
    again = write_extraction(empty_neo4j, b, db)
    assert again["nodes_created"] == again["relationships_created"] == 0
    assert _counts(empty_neo4j, db) == counts and _list_lengths(empty_neo4j, db) == lengths


@pytest.mark.neo4j
def test_hostile_text_is_stored_verbatim(empty_neo4j, neo4j_settings):
    db = neo4j_settings.neo4j_database
    name = "Ana `}) DETACH DELETE n //' \"Ruíz\" $rows"
    g = new_graph()
    add_node(g, "person:hostile", "Person", name, aliases=["x'); MATCH (m) DELETE m; //"], article_id="article:1")
    add_node(g, "person:other", "Person", "Other", article_id="article:1", roles={"role": "spokes`person"})
    write_graph(empty_neo4j, g, database=db)
    stored = _node(empty_neo4j, db, "person:hostile")
    assert stored["name"] == name and stored["aliases"] == ["x'); MATCH (m) DELETE m; //"]
    assert json.loads(_node(empty_neo4j, db, "person:other")["roles"]) == {"role": "spokes`person"}
    assert _counts(empty_neo4j, db) == (2, 0)


@pytest.mark.neo4j
def test_a_label_outside_the_ontology_writes_nothing(empty_neo4j, neo4j_settings):
    db = neo4j_settings.neo4j_database
    g = new_graph()
    add_node(g, "person:a", "Person", "A")
    add_node(g, "robot:b", "Robot", "B")
    with pytest.raises(OntologyError, match="Robot"):
        write_graph(empty_neo4j, g, database=db)
    g.nodes["robot:b"].update(label="Event", event_type="Party")
    with pytest.raises(OntologyError, match="Party"):
        write_graph(empty_neo4j, g, database=db)
    assert _counts(empty_neo4j, db) == (0, 0)


@pytest.mark.neo4j
def test_schema_is_created_once_and_used(empty_neo4j, neo4j_settings):
    db = neo4j_settings.neo4j_database
    ensure_schema(empty_neo4j, db)
    ensure_schema(empty_neo4j, db)  # idempotent
    names = {r["name"] for r in empty_neo4j.execute_query("SHOW CONSTRAINTS YIELD name", database_=db).records}
    assert {"person_id", "event_id", "article_id", "claim_id"} <= names
    indexes = {r["name"]: r["state"] for r in empty_neo4j.execute_query(
        "SHOW INDEXES YIELD name, state", database_=db).records}
    assert indexes["actor_names"] == "ONLINE" and indexes["event_date"] == "ONLINE"
    write_extraction(empty_neo4j, _extraction("article:a", "García Harfuch spoke."), db)
    hits = empty_neo4j.execute_query(
        "CALL db.index.fulltext.queryNodes('actor_names', 'harfuch') YIELD node RETURN node.id AS id",
        database_=db).records
    assert [h["id"] for h in hits] == ["person:omar-garcia-harfuch"]


# ----------------------------------------------------------------------------------- embedded store


def _same_graph(g: nx.MultiDiGraph, h: nx.MultiDiGraph) -> bool:
    return (dict(g.nodes(data=True)) == dict(h.nodes(data=True))
            and sorted(g.edges(keys=True, data=True), key=repr) == sorted(h.edges(keys=True, data=True), key=repr))


def test_embedded_store_round_trip(tmp_path):
    g = build_graph([_extraction("article:a", "García Harfuch leads the SSPC."),
                     _extraction("article:b", "Sheinbaum denied a deal.", stance="denies")])
    path = tmp_path / "store" / "graph.json"
    write_store(g, path)
    h = read_store(path)
    assert isinstance(h, nx.MultiDiGraph)
    assert _same_graph(g, h)
    assert h.graph == {}  # the format marker stays in the file
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["graph"]["format_version"] == FORMAT_VERSION and "edges" in data and "links" not in data
    assert "García Harfuch" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes


def test_sample_store_round_trip(sample_store, sample_graph):
    assert _same_graph(sample_graph, read_store(sample_store))


def test_a_failed_write_leaves_the_old_store_intact(tmp_path):
    path = tmp_path / "graph.json"
    good = build_graph([_extraction("article:a", "García Harfuch leads the SSPC.")])
    write_store(good, path)
    os.chmod(path, 0o640)
    before = path.read_bytes()

    bad = good.copy()
    bad.nodes["person:omar-garcia-harfuch"]["portrait"] = object()  # JSON cannot hold this
    with pytest.raises(StoreError) as err:
        write_store(bad, path)
    assert str(path) in str(err.value) and "left unchanged" in str(err.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json"]  # no temporary file left behind
    assert _same_graph(good, read_store(path))

    bad.nodes["person:omar-garcia-harfuch"]["portrait"] = float("nan")  # not valid JSON either
    with pytest.raises(StoreError):
        write_store(bad, path)
    assert path.read_bytes() == before

    write_store(build_graph([]), path)  # a successful rewrite keeps the file's permissions
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


@pytest.mark.parametrize("content, problem", [
    (None, "no embedded store here yet"),
    (b'{"directed": true, "nodes": [', "corrupt store: not valid JSON"),
    (b"\xff\xfe garbage", "corrupt store: not UTF-8"),
    (b'{"nodes": [], "edges": []}', "not a Portero Graph store"),
    (b'[1, 2]', "not a Portero Graph store"),
    (json.dumps({"graph": {"format": "portero-graph", "format_version": FORMAT_VERSION + 1},
                 "nodes": [], "edges": []}).encode(), "not supported"),
    (json.dumps({"directed": True, "multigraph": True, "graph": {"format": "portero-graph", "format_version": 1},
                 "nodes": [{"label": "Person"}], "edges": []}).encode(), "malformed node-link data"),
])
def test_reading_a_missing_or_corrupt_store_names_the_file(tmp_path, content, problem):
    path = tmp_path / "graph.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(StoreError) as err:
        read_store(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and problem in message
    assert "\n" not in message


def test_reading_a_folder_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        read_store(tmp_path)
