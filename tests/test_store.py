"""The read interface: every question on a small hand-made graph, then on the sample corpus in both stores.

The small graph is written to the embedded store file and to the real Neo4j, so each behaviour is checked
on both implementations; on the sample corpus, Neo4j must answer exactly as the embedded store does.
"""

from __future__ import annotations

import socket
from dataclasses import replace

import networkx as nx
import pytest

from graph_loader.graph import add_edge, add_node, new_graph
from graph_loader.model import Evidence
from graph_loader.settings import load_settings
from graph_loader.store import (
    EmbeddedStore,
    Filters,
    GraphStore,
    LeftOut,
    Neo4jStore,
    left_out,
    open_store,
)

A1, A2 = "article:a1", "article:a2"
SENT = {
    "lead": "President Ana Ruíz of Mexico spoke on Tuesday.",
    "dea": "DEA Administrator Bob Stone said the operation was joint work with Mexico.",
    "deny": "Ruíz denied that any agreement with the DEA existed.",
    "reform": "In 2020 the government of Mexico amended the security law.",
    "guns": "Carl Diaz, a gun trafficker, was arrested in Texas.",
}
ACTORS = {"person:ana-ruiz", "person:bob-stone", "person:carl-diaz", "agency:dea", "country:mexico",
          "place:texas", "law:security-law"}


def _ev(article: str, key: str) -> Evidence:
    start = 10 * list(SENT).index(key)
    return Evidence(article, SENT[key], start, start + len(SENT[key]))


def small_graph() -> nx.MultiDiGraph:
    """Two articles about a president, an agency head, a denial, a reform and an arrest."""
    g = new_graph()
    add_node(g, A1, "Article", "Mexico rejects DEA account", article_id=A1,
             title="Mexico rejects DEA account", url="https://example.org/a1", publisher="Daily Example",
             published="2025-08-20", language="en")
    add_node(g, A2, "Article", "Security law amended", article_id=A2, title="Security law amended",
             url="https://example.org/a2", publisher="Weekly Example", published="2020-12-16", language="en")
    people = [("person:ana-ruiz", "Person", "Ana Ruíz", ["Ruíz"], A1, "lead"),
              ("person:bob-stone", "Person", "Bob Stone", ["Stone"], A1, "dea"),
              ("person:carl-diaz", "Person", "Carl Diaz", [], A2, "guns"),
              ("agency:dea", "Agency", "Drug Enforcement Administration", ["DEA"], A1, "dea"),
              ("country:mexico", "Country", "Mexico", [], A1, "lead"),
              ("place:texas", "Place", "Texas", [], A2, "guns"),
              ("law:security-law", "Law", "Security Law", [], A2, "reform")]
    for nid, label, name, aliases, art, key in people:
        add_node(g, nid, label, name, aliases=aliases, article_id=art, evidence=_ev(art, key))
        add_edge(g, art, "MENTIONS", nid, evidence=_ev(art, key))
    add_node(g, "person:ana-ruiz", "Person", "Ana Ruíz", article_id=A2)  # named in both articles
    add_edge(g, A2, "MENTIONS", "person:ana-ruiz", evidence=_ev(A2, "reform"))
    add_node(g, "administration:ruiz", "Administration", "Ruíz administration", start="2024", end=None,
             leader="Ana Ruíz", country="Mexico")
    add_node(g, "administration:old", "Administration", "Old administration", start="2018", end="2024",
             leader="Someone Else", country="Mexico")
    add_node(g, "administration:us", "Administration", "Us administration", start="2017", end="2021",
             leader="Other Person", country="United States")
    add_edge(g, "person:ana-ruiz", "LEADS", "country:mexico", evidence=_ev(A1, "lead"), title="President",
             start="2024")
    add_edge(g, "person:ana-ruiz", "HEADED", "administration:ruiz", evidence=_ev(A1, "lead"))
    add_edge(g, "person:bob-stone", "LEADS", "agency:dea", evidence=_ev(A1, "dea"), title="Administrator")
    add_edge(g, "agency:dea", "WORKS_WITH", "country:mexico", evidence=_ev(A1, "dea"))
    events = [("event:denial", "Denial", "2025-08-19", A1, "deny", [("person:ana-ruiz", "agent")],
               "administration:ruiz"),
              ("event:reform", "Reform", "2020", A2, "reform", [("country:mexico", "agent"),
                                                                 ("law:security-law", "subject")],
               "administration:old"),
              ("event:arrest", "Arrest", None, A2, "guns", [("person:carl-diaz", "subject"),
                                                            ("place:texas", "location")], None)]
    for eid, etype, date, art, key, parts, admin in events:
        add_node(g, eid, "Event", f"{etype}: {parts[0][0]}", article_id=art, evidence=_ev(art, key),
                 event_type=etype, date=date)
        add_edge(g, art, "MENTIONS", eid, evidence=_ev(art, key))
        for actor, role in parts:
            add_edge(g, actor, "PARTICIPANT", eid, evidence=_ev(art, key), role=role)
        if admin:
            add_edge(g, eid, "DURING", admin, evidence=_ev(art, key))
    claim = "claim:cooperation-between-dea-and-mexico"
    add_node(g, claim, "Claim", "Cooperation between DEA and Mexico", article_id=A1, evidence=_ev(A1, "dea"))
    add_edge(g, A1, "MENTIONS", claim, evidence=_ev(A1, "dea"))
    add_edge(g, "agency:dea", "ASSERTS", claim, evidence=_ev(A1, "dea"))
    add_edge(g, "person:ana-ruiz", "DENIES", claim, evidence=_ev(A1, "deny"))
    g.nodes[claim]["contested"] = True
    lone = "claim:a-lone-claim"
    add_node(g, lone, "Claim", "A lone claim", article_id=A2, evidence=_ev(A2, "reform"), contested=False)
    add_edge(g, "country:mexico", "ASSERTS", lone, evidence=_ev(A2, "reform"))
    return g


@pytest.fixture(scope="module")
def small_store_file(tmp_path_factory):
    from graph_loader.sinks.embedded import write_store

    path = tmp_path_factory.mktemp("small") / "graph.json"
    write_store(small_graph(), path)
    return path


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def small(request, small_store_file) -> GraphStore:
    """The small graph, in the embedded store file or in the real Neo4j."""
    if request.param == "embedded":
        return EmbeddedStore(small_store_file)
    from graph_loader.sinks.neo4j import write_graph

    driver = request.getfixturevalue("empty_neo4j")
    settings = request.getfixturevalue("neo4j_settings")
    write_graph(driver, small_graph(), database=settings.neo4j_database)
    return Neo4jStore(driver, settings.neo4j_database, uri=settings.neo4j_uri)


NO_ARTICLES = Filters(labels=("Person", "Agency", "Country", "Administration", "Organization", "Initiative",
                              "Law", "Place", "Event", "Claim"))


# --- behaviour on the small graph, in both stores ----------------------------------------------------


def test_counts(small):
    c = small.counts()
    assert c.by_label == {"Article": 2, "Person": 3, "Agency": 1, "Country": 1, "Place": 1, "Law": 1,
                          "Administration": 3, "Event": 3, "Claim": 2}
    assert c.nodes == 17 and c.articles == 2
    assert c.by_type["MENTIONS"] == 12 and c.by_type["PARTICIPANT"] == 5 and c.by_type["LEADS"] == 2
    assert c.edges == sum(c.by_type.values()) == 26


def test_search_ignores_case_and_accents_and_ranks_names_first(small):
    assert [h.id for h in small.search("RUIZ")] == ["person:ana-ruiz", "administration:ruiz"]
    assert small.search("ruíz")[0].matched == "Ruíz"  # the exact alias beats the name that contains it
    hit = small.search("dea")[0]
    assert (hit.id, hit.matched, hit.label) == ("agency:dea", "DEA", "Agency")
    assert [h.id for h in small.search("enforcement")] == ["agency:dea"]
    assert small.search("s", limit=2) and len(small.search("s", limit=2)) == 2
    assert small.search("nobody at all") == [] and small.search("  ") == []
    assert small.search("Security Law")[0].id == "law:security-law"


def test_node_with_sources_and_article_meta(small):
    n = small.node("person:ana-ruiz")
    assert (n.name, n.label, n.aliases) == ("Ana Ruíz", "Person", ("Ruíz",))
    assert set(n.articles) == {A1, A2}
    src = n.sources[0]
    assert (src.sentence, src.title, src.publisher, src.published, src.url) == (
        SENT["lead"], "Mexico rejects DEA account", "Daily Example", "2025-08-20", "https://example.org/a1")
    assert n.degree == 4  # LEADS, HEADED, PARTICIPANT, DENIES: MENTIONS is not counted
    assert small.node("person:nobody") is None


def test_neighbourhood_hops_and_hub_edges(small):
    one = small.neighbourhood(["person:ana-ruiz"], 1, NO_ARTICLES)
    assert set(one) == {"person:ana-ruiz", "country:mexico", "administration:ruiz", "event:denial",
                        "claim:cooperation-between-dea-and-mexico"}
    assert one.graph["focus"] == ["person:ana-ruiz"] and not left_out(one)
    # Edges among the drawn nodes are all there, DURING included (denial during the Ruíz administration).
    assert {d["type"] for *_x, d in one.edges(data=True)} == {"LEADS", "HEADED", "PARTICIPANT", "DENIES",
                                                               "DURING"}
    two = small.neighbourhood(["person:ana-ruiz"], 2, NO_ARTICLES)
    # Two hops reach the DEA (through Mexico and through the claim) and the reform, but an administration
    # is not a road: the events of the Old administration are not pulled in through DURING.
    assert {"agency:dea", "event:reform", "law:security-law"} - set(two) == {"law:security-law"}
    assert "administration:old" not in two
    three = small.neighbourhood(["person:ana-ruiz"], 3, NO_ARTICLES)
    assert {"law:security-law", "person:bob-stone"} <= set(three) and "administration:old" not in three
    # Articles are drawn only when asked for; from an article, its mentions are one hop away.
    assert not any(n.startswith("article:") for n in three)
    art = small.neighbourhood([A2], 1)
    assert set(art) == {A2, "person:ana-ruiz", "person:carl-diaz", "place:texas", "law:security-law",
                        "event:reform", "event:arrest"}


def test_neighbourhood_cap_keeps_focus_then_nearest_most_connected(small):
    view = small.neighbourhood(["person:ana-ruiz"], 3, NO_ARTICLES, cap=4)
    assert len(view) == 4 and "person:ana-ruiz" in view
    # Hop 1 nodes by degree: Mexico (5), then three of degree 2, by id: the administration and the claim
    # are kept, the denial is the first left out.
    assert set(view) == {"person:ana-ruiz", "country:mexico", "administration:ruiz",
                         "claim:cooperation-between-dea-and-mexico"}
    out = left_out(view)
    total = small.neighbourhood(["person:ana-ruiz"], 3, NO_ARTICLES)
    assert out.nodes == len(total) - 4
    assert sum(out.by_label.values()) == out.nodes and out.by_label["Event"] == 2
    # Examples: the first left out, all as near the focus as the first of them.
    assert out.examples == (total.nodes["event:denial"]["name"],)
    assert out.describe().startswith(f"Left out {out.nodes} nodes")


def test_neighbourhood_does_not_go_through_hubs(small):
    """A node of more relationships than ``hub`` (MENTIONS not counted) is drawn but not gone through,
    unless it is the focus; the view names the hubs it stopped at."""
    every = small.neighbourhood(["person:ana-ruiz"], 3, NO_ARTICLES)
    stopped = small.neighbourhood(["person:ana-ruiz"], 3, NO_ARTICLES, hub=3)
    # Mexico (4 relationships) is drawn; the reform, its law and the lone claim lay only past it.
    assert set(every) - set(stopped) == {"event:reform", "law:security-law", "claim:a-lone-claim"}
    assert "country:mexico" in stopped
    out = left_out(stopped)
    assert (out.nodes, out.hubs, out.hub_names) == (0, 1, ("Mexico",))
    assert out.describe() == "Not gone through: 1 hub (Mexico)."
    # Lower, the DEA (3) is a hub too, named after the better connected Mexico.
    assert left_out(small.neighbourhood(["person:ana-ruiz"], 3, NO_ARTICLES, hub=2)).hub_names == (
        "Mexico", "Drug Enforcement Administration")
    # The focus is gone through whatever its degree, and 0 or None set no limit.
    assert set(small.neighbourhood(["country:mexico"], 1, NO_ARTICLES, hub=1)) == set(
        small.neighbourhood(["country:mexico"], 1, NO_ARTICLES))
    assert set(small.neighbourhood(["person:ana-ruiz"], 3, NO_ARTICLES, hub=0)) == set(every)
    assert left_out(every) == LeftOut()


def test_overview_keeps_the_most_connected(small):
    view = small.overview(Filters(), cap=3)
    assert set(view) == {"country:mexico", "person:ana-ruiz", "agency:dea"}
    assert not any(n.startswith("article:") for n in small.overview(Filters()))
    assert left_out(view).nodes == 15 - 3  # everything but the two articles
    assert left_out(small.overview(Filters())) == LeftOut()


def test_filters(small):
    events = small.overview(Filters(labels=("Event",)))
    assert set(events) == {"event:denial", "event:reform", "event:arrest"}
    assert set(small.overview(Filters(labels=("Event",), event_types=("Reform", "Arrest")))) == {
        "event:reform", "event:arrest"}
    # A date range keeps dated events inside it (and administrations overlapping it); undated ones go.
    dated = small.overview(Filters(labels=("Event", "Administration"), date_from="2019", date_to="2021"))
    assert set(dated) == {"event:reform", "administration:old", "administration:us"}
    # An administration is read as its term.
    during = small.overview(Filters(labels=("Event",), administration="administration:ruiz"))
    assert set(during) == {"event:denial"}
    # A source article keeps only what that article supports.
    a2 = small.overview(Filters(article=A2))
    assert set(a2) == {"person:ana-ruiz", "person:carl-diaz", "place:texas", "law:security-law",
                       "event:reform", "event:arrest", "claim:a-lone-claim"}
    assert {d["type"] for *_x, d in a2.edges(data=True)} == {"PARTICIPANT"}
    # Ana's relationships were all read in the other article: from her, nothing is reached.
    only_a2 = Filters(labels=NO_ARTICLES.labels, article=A2)
    assert set(small.neighbourhood(["person:ana-ruiz"], 2, only_a2)) == {"person:ana-ruiz"}


def test_views_carry_article_counts_and_sources_come_apart(small):
    """A view says how many articles tell each fact (a hub is in nearly all of them), not which."""
    view = small.neighbourhood(["person:ana-ruiz"], 1, NO_ARTICLES)
    ana = view.nodes["person:ana-ruiz"]
    assert ana["article_count"] == 2 and "articles" not in ana
    assert view.number_of_edges() > 0
    assert all("articles" not in d and d["article_count"] >= 1 for *_x, d in view.edges(data=True))
    assert all(len(d["evidence"]) <= 1 for _n, d in view.nodes(data=True))
    # An article filter reads the lists, so its views keep them.
    kept = small.overview(Filters(article=A2)).nodes["person:ana-ruiz"]
    assert sorted(kept["articles"]) == [A1, A2] and kept["article_count"] == 2
    # The sources of a view: every article naming one of its nodes.
    assert small.articles_of(view.nodes) == {A1, A2}
    assert small.articles_of(["place:texas"]) == {A2}
    assert small.articles_of(["person:nobody"]) == set()


def test_actor_facts(small):
    f = small.actor_facts("person:ana-ruiz")
    assert f.node.name == "Ana Ruíz"
    roles = {(r.title, r.org_name, r.start, r.end) for r in f.roles}
    assert roles == {("President", "Mexico", "2024", None), ("Head", "Ruíz administration", "2024", None)}
    rels = {(r.rel_type, r.direction, r.other_name, r.phrase) for r in f.relations}
    assert rels == {("LEADS", "out", "Mexico", "leads"), ("HEADED", "out", "Ruíz administration", "headed")}
    assert all(r.sources and r.sources[0].title == "Mexico rejects DEA account" for r in f.relations)
    [(event, my_roles)] = f.events
    assert (event.event_type, event.date, my_roles) == ("Denial", "2025-08-19", ("agent",))
    assert event.sources[0].sentence == SENT["deny"]
    assert event.administrations == (("administration:ruiz", "Ruíz administration"),)
    [(claim, stance)] = f.claims
    assert stance == "denies" and claim.contested
    assert [s.actor_name for s in claim.asserts] == ["Drug Enforcement Administration"]
    # Events of an actor come in time order, undated last.
    mexico = small.actor_facts("country:mexico")
    assert [e.event_type for e, _r in mexico.events] == ["Reform"]
    assert {(r.rel_type, r.direction, r.other_name) for r in mexico.relations} == {
        ("LEADS", "in", "Ana Ruíz"), ("WORKS_WITH", "in", "Drug Enforcement Administration")}
    assert mexico.relations[0].phrase in ("is led by", "works with")
    assert small.actor_facts("person:nobody") is None


def test_shortest_paths_explain_each_hop(small):
    paths = small.shortest_paths("person:ana-ruiz", "person:bob-stone")
    assert [[n for _i, n, _l in p.nodes] for p in paths] == [
        ["Ana Ruíz", "Cooperation between DEA and Mexico", "Drug Enforcement Administration", "Bob Stone"],
        ["Ana Ruíz", "Mexico", "Drug Enforcement Administration", "Bob Stone"]]
    first = paths[0]
    assert [[link.rel_type for link in h.links] for h in first.hops] == [["DENIES"], ["ASSERTS"], ["LEADS"]]
    assert first.hops[0].links[0].sources[0].sentence == SENT["deny"]
    assert first.hops[2].links[0].source_id == "person:bob-stone"  # stored direction kept
    assert len(small.shortest_paths("person:ana-ruiz", "person:bob-stone", max_paths=1)) == 1
    # Sharing an article (MENTIONS) or an administration (DURING) is no connection.
    assert small.shortest_paths("person:carl-diaz", "person:ana-ruiz") == []
    assert small.shortest_paths("person:ana-ruiz", "person:ana-ruiz") == []
    assert small.shortest_paths("person:ana-ruiz", "person:nobody") == []


def test_events_administrations_claims_articles(small):
    evs = small.events()
    assert [(e.event_type, e.date) for e in evs] == [("Reform", "2020"), ("Denial", "2025-08-19"),
                                                     ("Arrest", None)]
    reform = evs[0]
    assert [(p.name, p.role) for p in reform.participants] == [("Mexico", "agent"),
                                                               ("Security Law", "subject")]
    assert reform.sources[0].publisher == "Weekly Example"
    assert [e.event_type for e in small.events(Filters(event_types=("Denial",)))] == ["Denial"]
    assert [e.event_type for e in small.events(Filters(administration="administration:old"))] == ["Reform"]
    admins = small.administrations()
    assert [(a.name, a.country, a.start, a.end) for a in admins] == [
        ("Us administration", "United States", "2017", "2021"),
        ("Old administration", "Mexico", "2018", "2024"),
        ("Ruíz administration", "Mexico", "2024", None)]
    claims = small.claims()
    assert [c.text for c in claims] == ["Cooperation between DEA and Mexico", "A lone claim"]
    assert claims[0].contested and not claims[1].contested
    assert [s.sources[0].sentence for s in claims[0].denies] == [SENT["deny"]]
    assert [a.title for a in small.articles()] == ["Mexico rejects DEA account", "Security law amended"]
    assert {h.id for h in small.actors()} == ACTORS | {"administration:ruiz", "administration:old",
                                                       "administration:us"}


# --- choosing a store ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_open_store_embedded_by_default(small_store_file):
    store = open_store(load_settings({"PORTERO_STORE": str(small_store_file)}))
    assert isinstance(store, EmbeddedStore) and store.notice is None
    assert store.describe() == f"Embedded store: {small_store_file}"
    assert store.available() and store.counts().nodes == 17


def test_open_store_falls_back_when_neo4j_is_unreachable(small_store_file):
    uri = f"bolt://127.0.0.1:{_free_port()}"
    store = open_store(load_settings({"PORTERO_STORE": str(small_store_file), "PORTERO_STORE_KIND": "neo4j",
                                      "NEO4J_URI": uri, "NEO4J_PASSWORD": "s3cret-pw"}))
    assert isinstance(store, EmbeddedStore)
    assert f"Neo4j at {uri} does not answer (connection refused)" in store.notice
    assert "portero neo4j start" in store.notice and "showing the embedded store instead" in store.notice
    assert "s3cret-pw" not in store.notice
    assert store.counts().nodes == 17


def test_missing_store_file_is_empty_not_an_error(tmp_path):
    store = open_store(load_settings({"PORTERO_STORE": str(tmp_path / "nothing.json")}))
    assert not store.available() and store.counts().nodes == 0 and store.search("x") == []


@pytest.mark.neo4j
def test_open_store_uses_a_reachable_neo4j(neo4j_settings, small_store_file):
    env = {"PORTERO_STORE": str(small_store_file), "PORTERO_STORE_KIND": "neo4j",
           "NEO4J_URI": neo4j_settings.neo4j_uri, "NEO4J_DATABASE": neo4j_settings.neo4j_database}
    if neo4j_settings.neo4j_auth:
        env.update(NEO4J_USERNAME=neo4j_settings.neo4j_auth[0], NEO4J_PASSWORD=neo4j_settings.neo4j_auth[1])
    store = open_store(load_settings(env))
    try:
        assert isinstance(store, Neo4jStore) and store.notice is None
        assert store.describe().startswith(f"Neo4j at {neo4j_settings.neo4j_uri}")
        if neo4j_settings.neo4j_auth:
            assert neo4j_settings.neo4j_auth[1] not in store.describe()
    finally:
        store.close()


@pytest.mark.neo4j
def test_neo4j_sessions_are_read_only(empty_neo4j, neo4j_settings):
    from graph_loader.store import StoreError

    store = Neo4jStore(empty_neo4j, neo4j_settings.neo4j_database, uri=neo4j_settings.neo4j_uri)
    with pytest.raises(StoreError, match="Neo4j query failed"):
        store._read("CREATE (n:Person {id: 'person:intruder'}) RETURN n")
    assert store.node("person:intruder") is None and store.counts().nodes == 0


# --- the sample corpus: both stores agree ------------------------------------------------------------


def _sorted_lists(nodes) -> dict:
    """Node attributes with article lists as sets: the two stores were loaded in different orders."""
    return {n: {k: sorted(v) if k == "articles" else v for k, v in d.items()} for n, d in nodes}


@pytest.mark.neo4j
def test_neo4j_answers_like_the_embedded_store(sample_store, loaded_neo4j, neo4j_settings):
    emb = EmbeddedStore(sample_store)
    neo = Neo4jStore(loaded_neo4j, neo4j_settings.neo4j_database, uri=neo4j_settings.neo4j_uri)
    assert neo.counts() == emb.counts()
    assert emb.counts().nodes > 20
    for text in ("sheinbaum", "DEA", "mexico", "cartel", "garcia"):
        assert neo.search(text) == emb.search(text)
    hubs = [h.id for h in sorted(emb.actors(), key=lambda h: (-h.degree, h.id))[:4]]
    stopped_at = 0
    for hub in hubs:
        assert neo.node(hub) == emb.node(hub)
        assert neo.actor_facts(hub) == emb.actor_facts(hub)
        for hops, hub_degree in ((1, None), (2, None), (2, 4), (3, 4)):
            a = emb.neighbourhood([hub], hops, NO_ARTICLES, 25, hub_degree)
            b = neo.neighbourhood([hub], hops, NO_ARTICLES, 25, hub_degree)
            stopped_at += left_out(a).hubs
            assert set(a) == set(b) and set(a.edges(keys=True)) == set(b.edges(keys=True))
            assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
            assert {(u, v, k): d for u, v, k, d in a.edges(keys=True, data=True)} == {
                (u, v, k): d for u, v, k, d in b.edges(keys=True, data=True)}
            assert left_out(a) == left_out(b)
    assert stopped_at > 0  # the views above did stop at hubs
    assert set(neo.overview(NO_ARTICLES, 30)) == set(emb.overview(NO_ARTICLES, 30))
    # Neo4j computes views with Cypher filters (node_conditions): the same views under every filter.
    article = emb.articles()[0].id
    admin = emb.administrations()[-1].id
    for f in (Filters(article=article), replace(NO_ARTICLES, article=article),
              replace(NO_ARTICLES, event_types=("Extradition", "Denial")),
              Filters(date_from="2020", date_to="2025-08"), replace(NO_ARTICLES, administration=admin),
              Filters(language="es"), replace(NO_ARTICLES, language="en")):
        for cap in (None, 12):
            pairs = [(emb.overview(f, cap), neo.overview(f, cap))]
            pairs += [(emb.neighbourhood([hub], hops, f, cap), neo.neighbourhood([hub], hops, f, cap))
                      for hub in hubs[:2] for hops in (1, 2)]
            for a, b in pairs:
                assert _sorted_lists(a.nodes(data=True)) == _sorted_lists(b.nodes(data=True)), (f, cap)
                assert set(a.edges(keys=True)) == set(b.edges(keys=True)), (f, cap)
                assert left_out(a) == left_out(b), (f, cap)
    for x, y in zip(hubs, hubs[1:], strict=False):
        assert neo.shortest_paths(x, y) == emb.shortest_paths(x, y)
    assert neo.events() == emb.events()
    assert neo.administrations() == emb.administrations()
    assert neo.claims() == emb.claims()
    assert neo.articles() == emb.articles()


def test_sample_corpus_answers(sample_store):
    """A few facts of the sample articles, read back through the store."""
    store = EmbeddedStore(sample_store)
    hit = store.search("sheinbaum")[0]
    assert (hit.name, hit.label) == ("Claudia Sheinbaum", "Person")
    facts = store.actor_facts(hit.id)
    assert facts.relations and all(r.sources for r in facts.relations)
    assert all(s.title and s.published for r in facts.relations for s in r.sources)
    assert [e.date for e, _r in facts.events if e.date] == sorted(e.date for e, _r in facts.events if e.date)
    claims = store.claims()
    assert claims[0].contested and claims[0].asserts and claims[0].denies
    assert any(s.actor_name == "Claudia Sheinbaum" for s in claims[0].denies)


@pytest.mark.neo4j
def test_views_read_the_lists_when_the_summary_is_missing(empty_neo4j, neo4j_settings):
    """A graph loaded without the stored summary (neo4j-admin import, the Cypher export) draws the same."""
    from graph_loader.sinks.neo4j import write_graph

    db = neo4j_settings.neo4j_database
    write_graph(empty_neo4j, small_graph(), database=db)
    store = Neo4jStore(empty_neo4j, db, uri=neo4j_settings.neo4j_uri)
    with_summary = [store.neighbourhood(["person:ana-ruiz"], 2, NO_ARTICLES), store.overview(NO_ARTICLES, 5)]
    removed = empty_neo4j.execute_query(
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() REMOVE n.article_count, n.first_sentence, "
        "r.article_count, r.first_sentence RETURN count(DISTINCT n) AS n", database_=db).records[0]["n"]
    assert removed == small_graph().number_of_nodes()
    without = [store.neighbourhood(["person:ana-ruiz"], 2, NO_ARTICLES), store.overview(NO_ARTICLES, 5)]
    for a, b in zip(with_summary, without, strict=True):
        assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
        assert list(a.edges(keys=True, data=True)) == list(b.edges(keys=True, data=True))
    assert any(d["evidence"] for _n, d in without[0].nodes(data=True))
