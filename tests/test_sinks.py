"""The sinks against the real Neo4j and a real file system: idempotent merges, provenance, atomic writes."""

from __future__ import annotations

import fcntl
import json
import os
import stat

import networkx as nx
import pytest

from graph_loader.graph import add_node, build_graph, new_graph
from graph_loader.model import Article, Claim, Entity, Event, Evidence, Extraction, Participant, Relation
from graph_loader.ontology import OntologyError
from graph_loader.sinks import embedded
from graph_loader.sinks.embedded import FORMAT, FORMAT_VERSION, StoreError, read_store, write_store
from graph_loader.sinks.neo4j import TransactionTooLarge, ensure_schema, write_graph, write_group


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


def _two_articles_one_by_one(driver, db):
    """Two articles naming the same people (one asserts a claim, the other denies it), written one after
    the other into an empty database; the articles and the second write's counters."""
    ensure_schema(driver, db)
    a = _extraction("article:a", "García Harfuch leads the SSPC, Sheinbaum said.")
    b = _extraction("article:b", "Sheinbaum denied any deal; García Harfuch agreed.", stance="denies")
    write_group(driver, build_graph([a]), db)
    return a, b, write_group(driver, build_graph([b]), db)


@pytest.mark.neo4j
def test_an_actor_in_two_articles_is_one_node_with_both_sources(empty_neo4j, neo4j_settings):
    db = neo4j_settings.neo4j_database
    a, b, stats = _two_articles_one_by_one(empty_neo4j, db)
    assert stats["nodes_by_label"] == {"Article": 1}  # everything else already existed
    person = _node(empty_neo4j, db, "person:omar-garcia-harfuch")
    assert person["articles"] == ["article:a", "article:b"]
    assert person["evidence_articles"] == ["article:a", "article:b"]
    assert person["evidence_sentences"] == [a.article.text, b.article.text]
    assert person["aliases"] == ["García Harfuch"]
    # The summary a view reads stays in step with the lists: the count grows, the first sentence stays.
    assert person["article_count"] == 2 and person["first_sentence"] == a.article.text
    leads = empty_neo4j.execute_query(
        "MATCH (:Person {id: 'person:omar-garcia-harfuch'})-[r:LEADS]->(:Agency) RETURN r", database_=db).records
    assert len(leads) == 1
    assert leads[0]["r"]["articles"] == ["article:a", "article:b"] and leads[0]["r"]["article_count"] == 2
    assert leads[0]["r"]["title"] == "Secretary of Security"
    # Asserted in one article and denied in the other: contested, whichever came first.
    claim = _node(empty_neo4j, db, "claim:mexico-made-a-deal-with-the-dea")
    assert claim["contested"] is True
    event = _node(empty_neo4j, db, next(n for n in build_graph([a]) if n.startswith("event:")))
    assert event["labels"] == ["Denial", "Event"] and event["date"] == "2025-08-19"

    # The same article again: nothing new, no list grows.
    counts, lengths = _counts(empty_neo4j, db), _list_lengths(empty_neo4j, db)
    again = write_group(empty_neo4j, build_graph([b]), db)
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
    write_group(empty_neo4j, build_graph([_extraction("article:a", "García Harfuch spoke.")]), db)
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


def _awkward_graph(*, json_lossy: bool = False) -> nx.MultiDiGraph:
    """Unicode, nested lists and dicts, None, -0.0, parallel edges with string and integer keys, a
    self-loop and graph attributes. ``json_lossy`` adds what node-link JSON cannot give back as it was
    (a tuple node and key become lists; attributes named "id", "source" or "key" yield to the real ones)."""
    g = new_graph()
    g.graph["note"] = "Culiacán, 日本"
    add_node(g, "person:ana-ruiz", "Person", "Ana Ruíz", aliases=["Ruíz", "Ánа"], article_id="article:a")
    g.add_node("place:x", nested=[1, [None, {"a": "ü", "b": [2.5, True]}]], empty=[], nothing=None)
    g.add_edge("person:ana-ruiz", "place:x", key="k1", type="LIVES_IN", evidence=[])
    g.add_edge("person:ana-ruiz", "place:x", key="k2", type="LIVES_IN", key_attr=None)
    g.add_edge("person:ana-ruiz", "place:x", type="VISITED", dates=["2020", None], weight=-0.0)  # key 2
    g.add_edge("place:x", "place:x", key="self", type="SELF")
    if json_lossy:
        g.nodes["place:x"]["id"] = "shadowed by the node id"
        g.add_node(("tuple", 1), label="Odd")
        g.add_edge(("tuple", 1), "place:x", key=("a", 2), type="ODD", source="not the source")
        g.add_edge("place:x", "person:ana-ruiz", **{"type": "BACK", "key": "an attribute", "target": "t"})
    return g


def _node_link_bytes(g: nx.MultiDiGraph) -> bytes:
    """What the store held when it was built whole in memory: node-link JSON plus the format marker."""
    data = nx.node_link_data(g, edges="edges")
    data["graph"] = {**data["graph"], "format": FORMAT, "format_version": FORMAT_VERSION}
    return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")


@pytest.mark.parametrize("chunk", [1, 3, 1000])
def test_the_streamed_store_is_exactly_node_link_json(tmp_path, monkeypatch, sample_graph, chunk):
    monkeypatch.setattr(embedded, "_CHUNK", chunk)  # small chunks: many chunk boundaries
    graphs = {"awkward": _awkward_graph(), "lossy": _awkward_graph(json_lossy=True), "sample": sample_graph,
              "empty": new_graph(), "one": build_graph([_extraction("article:a", "García Harfuch spoke.")])}
    for name, g in graphs.items():
        path = tmp_path / f"{name}.json"
        write_store(g, path)
        assert path.read_bytes() == _node_link_bytes(g), name  # byte for byte what readers always got
        assert json.loads(path.read_bytes()) == json.loads(_node_link_bytes(g)), name
        if name != "lossy":
            h = read_store(path)
            assert list(h.nodes(data=True)) == list(g.nodes(data=True)), name
            assert list(h.edges(keys=True, data=True)) == list(g.edges(keys=True, data=True)), name


def test_the_streamed_store_round_trips_nodes_edges_keys_and_attributes(tmp_path, monkeypatch):
    monkeypatch.setattr(embedded, "_CHUNK", 2)
    g = _awkward_graph()
    path = tmp_path / "graph.json"
    write_store(g, path)
    h = read_store(path)
    assert h.graph == {"note": "Culiacán, 日本"}
    assert dict(h.nodes["person:ana-ruiz"]) == dict(g.nodes["person:ana-ruiz"])
    assert dict(h.nodes["place:x"]) == {"nested": [1, [None, {"a": "ü", "b": [2.5, True]}]], "empty": [],
                                        "nothing": None}
    assert {(u, v, k): d for u, v, k, d in h.edges(keys=True, data=True)} == {
        ("person:ana-ruiz", "place:x", "k1"): {"type": "LIVES_IN", "evidence": []},
        ("person:ana-ruiz", "place:x", "k2"): {"type": "LIVES_IN", "key_attr": None},
        ("person:ana-ruiz", "place:x", 2): {"type": "VISITED", "dates": ["2020", None], "weight": -0.0},
        ("place:x", "place:x", "self"): {"type": "SELF"},
    }
    assert str(h.edges["person:ana-ruiz", "place:x", 2]["weight"]) == "-0.0"
    assert "Culiacán, 日本" in path.read_text(encoding="utf-8")


def test_a_store_value_json_cannot_hold_deep_in_the_graph_leaves_no_trace(tmp_path, monkeypatch):
    """The failure comes after thousands of records are already in the temporary file."""
    monkeypatch.setattr(embedded, "_CHUNK", 50)
    path = tmp_path / "graph.json"
    good = build_graph([_extraction("article:a", "García Harfuch leads the SSPC.")])
    write_store(good, path)
    before = path.read_bytes()
    bad = good.copy()
    for i in range(2000):
        add_node(bad, f"person:p{i}", "Person", f"Person {i}", article_id="article:a")
    bad.add_edge("person:p1", "person:p2", type="KNOWS", since={1, 2})  # a set: JSON cannot hold it
    with pytest.raises(StoreError) as err:
        write_store(bad, path)
    message = str(err.value)
    assert message.startswith(f"{path}: ") and "left unchanged" in message and "\n" not in message
    assert "'person:p1' -> 'person:p2'" in message and "set is not JSON serializable" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json"]  # no temporary file left behind

    bad.remove_edge("person:p1", "person:p2")
    bad.nodes["person:p1999"]["name"] = "\ud800"  # a lone surrogate: not UTF-8
    with pytest.raises(StoreError, match="node 'person:p1999'"):
        write_store(bad, path)
    assert path.read_bytes() == before

    deep = tmp_path / "new" / "folder" / "graph.json"  # a failed first write creates no folders either
    with pytest.raises(StoreError):
        write_store(bad, deep)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json"]


def test_a_store_write_removes_temporary_files_killed_writers_left(tmp_path):
    path = tmp_path / "graph.json"
    write_store(build_graph([_extraction("article:a", "García Harfuch spoke.")]), path)
    stale = [tmp_path / ".graph.json.k1ll3d_1.tmp", tmp_path / ".graph.json.abcdefgh.tmp"]
    for p in stale:
        p.write_bytes(b'{"directed": true, "multigraph": true, "graph": {"format": "portero-gr')  # cut short
        os.utime(p, (1, 1))
    live = tmp_path / ".graph.json.w0rk1ng_.tmp"  # a writer still at work holds a lock on its file
    live.write_bytes(b'{"directed": tr')
    others = [".graph.json.lock", ".graph.json.x.abcdefgh.tmp", ".other.json.abcdefgh.tmp", "graph.json.tmp",
              ".graph.json.ABCDEFGH.tmp"]  # another store's, someone else's, not a mkstemp name
    for name in others:
        (tmp_path / name).write_bytes(b"keep me")
    g = build_graph([_extraction("article:a", "García Harfuch spoke."),
                     _extraction("article:b", "Sheinbaum denied a deal.", stance="denies")])
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        write_store(g, path)
        assert live.exists()  # its writer is alive: not ours to remove
    assert not any(p.exists() for p in stale)
    assert all((tmp_path / name).read_bytes() == b"keep me" for name in others)
    assert _same_graph(g, read_store(path))
    write_store(g, path)  # the "live" writer is gone now: its file goes too
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["graph.json", *others])


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


@pytest.mark.neo4j
def test_articles_written_together_equal_articles_written_one_by_one(empty_neo4j, neo4j_settings):
    """``portero load`` writes several articles per transaction; the graph is the same as one by one."""
    db = neo4j_settings.neo4j_database
    a, b, _stats = _two_articles_one_by_one(empty_neo4j, db)
    one_by_one = _dump(empty_neo4j, db)
    empty_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_=db)
    write_group(empty_neo4j, build_graph([a, b]), db)
    assert _dump(empty_neo4j, db) == one_by_one


def _dump(driver, db) -> tuple[list, list]:
    nodes = driver.execute_query("MATCH (n) RETURN n.id AS id, labels(n) AS l, properties(n) AS p ORDER BY id",
                                 database_=db).records
    rels = driver.execute_query("MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, r.key AS k, b.id AS b, "
                                "properties(r) AS p ORDER BY a, t, k, b", database_=db).records
    return [r.data() for r in nodes], [r.data() for r in rels]


@pytest.mark.neo4j
def test_a_group_too_large_for_the_servers_transaction_memory_is_refused_at_once_and_writes_nothing(
        empty_neo4j, neo4j_settings):
    """The server refuses a transaction larger than its ``db.memory.transaction.max`` (128 MB on the test
    server); that is raised as ``TransactionTooLarge`` (not retried for the driver's retry time) and nothing
    lands, so the loader can write the group in halves (tests/test_cluster.py loads 500 articles that way)."""
    db = neo4j_settings.neo4j_database
    g = new_graph()
    for i in range(1500):  # 1,500 nodes of 100 kB each: about 150 MB in one transaction
        g.add_node(f"person:p{i}", label="Person", name=f"Person {i}", note="x" * 100_000)
    with pytest.raises(TransactionTooLarge, match="transaction"):
        write_group(empty_neo4j, g, db)
    assert empty_neo4j.execute_query("MATCH (n) RETURN count(n) AS n", database_=db).records[0]["n"] == 0
    half = g.subgraph(list(g)[:100]).copy()
    write_group(empty_neo4j, half, db)
    assert empty_neo4j.execute_query("MATCH (n) RETURN count(n) AS n", database_=db).records[0]["n"] == 100
