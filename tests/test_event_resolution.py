"""One Event node per real happening, across articles that tell it in other words, on both stores."""

from __future__ import annotations

import pytest

from graph_loader.articles import parse_article
from graph_loader.extract import extract_articles
from graph_loader.graph import build_graph
from graph_loader.store import EmbeddedStore, Filters

# (event type, the participant it happened to, how many sample articles report it)
SHARED_EVENTS = [
    ("Killing", "Enrique Camarena", 4),
    ("Transfer", "Rafael Caro Quintero", 3),  # two English articles and the Spanish one
    ("Reform", "National Security Law", 2),
]
# Actors the English and Spanish transfer articles both name, each in its own language.
SHARED_ACTORS = ["Drug Enforcement Administration", "Attorney General of Mexico", "Security Cabinet",
                 "Omar García Harfuch", "Pam Bondi", "Claudia Sheinbaum", "Department of Justice", "United States"]
SPANISH = "article:mexico-envia-a-29-presos-a-estados-unidos-entre-ellos-caro-quintero-2025-02-28"


def _graph_of(*bodies: str):
    arts = [parse_article(f"---\ntitle: t{i}\npublished: 2025-03-01\n---\n{b}\n", f"a{i}.md")
            for i, b in enumerate(bodies)]
    return build_graph(list(extract_articles(arts)))


def _events(g, etype: str, who: str) -> list[dict]:
    out = []
    for nid, d in g.nodes(data=True):
        if d.get("event_type") != etype:
            continue
        names = {g.nodes[u].get("name") for u, _, k in g.in_edges(nid, keys=True)
                 if k.split("|")[0] == "PARTICIPANT"}
        if who in names:
            out.append(d)
    return out


def test_two_articles_telling_one_extradition_give_one_event_with_both_sources():
    g = _graph_of("Mexico extradited Luis Ramírez Soto to the United States on February 3, 2025.",
                  "Luis Ramírez Soto was extradited from Mexico to Texas in February 2025, officials said.")
    found = _events(g, "Extradition", "Luis Ramírez Soto")
    assert len(found) == 1
    assert len(found[0]["articles"]) == 2


def test_two_arrests_of_one_man_years_apart_stay_two_events():
    g = _graph_of("Mexican marines arrested Luis Ramírez Soto in Sinaloa in 1998.",
                  "Mexican marines arrested Luis Ramírez Soto in Sinaloa in 2022.")
    assert len(_events(g, "Arrest", "Luis Ramírez Soto")) == 2


def test_one_article_telling_an_extradition_three_ways_gives_one_event():
    g = _graph_of("Mexico extradited Luis Ramírez Soto to the United States on February 3, 2025. He was sent "
                  "to Texas on a federal plane. The extradition of Luis Ramírez Soto closes a long case.")
    assert len(_events(g, "Extradition", "Luis Ramírez Soto")) == 1
    assert not _events(g, "Transfer", "Luis Ramírez Soto")


@pytest.mark.parametrize(("etype", "who", "n"), SHARED_EVENTS)
def test_sample_events_told_by_several_articles_are_one_node_in_the_embedded_store(sample_store, etype, who, n):
    events = [e for e in EmbeddedStore(sample_store).events() if e.event_type == etype
              and any(p.name == who for p in e.participants)]
    assert len(events) == 1, [e.name for e in events]
    assert len({s.article_id for s in events[0].sources}) == n


@pytest.mark.neo4j
@pytest.mark.parametrize(("etype", "who", "n"), SHARED_EVENTS)
def test_sample_events_told_by_several_articles_are_one_node_in_neo4j(loaded_neo4j, neo4j_settings, etype, who, n):
    records = loaded_neo4j.execute_query(
        "MATCH (a {name: $who})-[:PARTICIPANT]->(e:Event) WHERE $etype IN labels(e) "
        "RETURN DISTINCT e.articles AS articles", {"who": who, "etype": etype},
        database_=neo4j_settings.neo4j_database).records
    assert len(records) == 1
    assert len(records[0]["articles"]) == n


def _languages_of(store: EmbeddedStore, article_ids) -> set[str]:
    return {store.node(a).props.get("language") for a in article_ids}


@pytest.mark.parametrize("name", SHARED_ACTORS)
def test_english_and_spanish_articles_meet_on_one_actor_in_the_embedded_store(sample_store, sample_graph, name):
    ids = [n for n, d in sample_graph.nodes(data=True) if d.get("name") == name and d["label"] != "Event"]
    assert len(ids) == 1, ids
    articles = sample_graph.nodes[ids[0]]["articles"]
    assert SPANISH in articles and len(articles) >= 2
    assert _languages_of(EmbeddedStore(sample_store), articles) >= {"en", "es"}


@pytest.mark.neo4j
def test_english_and_spanish_articles_meet_on_one_actor_in_neo4j(loaded_neo4j, neo4j_settings):
    records = loaded_neo4j.execute_query(
        "UNWIND $names AS name MATCH (n {name: name}) WHERE NOT n:Event "
        "OPTIONAL MATCH (a:Article)-[:MENTIONS]->(n) "
        "RETURN name, count(DISTINCT n) AS nodes, collect(DISTINCT a.language) AS languages",
        {"names": SHARED_ACTORS}, database_=neo4j_settings.neo4j_database).records
    assert {r["name"]: (r["nodes"], sorted(r["languages"])) for r in records} == {
        name: (1, ["en", "es"]) for name in SHARED_ACTORS}


@pytest.mark.neo4j
def test_the_transfer_told_in_two_languages_is_one_event_in_neo4j(loaded_neo4j, neo4j_settings):
    records = loaded_neo4j.execute_query(
        "MATCH (:Person {name: 'Rafael Caro Quintero'})-[:PARTICIPANT]->(e:Event:Transfer)<-[:MENTIONS]-(a:Article) "
        "RETURN count(DISTINCT e) AS events, collect(DISTINCT a.language) AS languages",
        database_=neo4j_settings.neo4j_database).records
    assert records[0]["events"] == 1
    assert sorted(records[0]["languages"]) == ["en", "es"]


def test_the_language_filter_keeps_what_articles_in_that_language_report(sample_store, sample_graph):
    store = EmbeddedStore(sample_store)
    spanish = store.overview(Filters(language="es"))
    assert spanish.number_of_nodes() > 5
    assert all(SPANISH in (sample_graph.nodes[n].get("articles") or []) for n in spanish)
    english = store.overview(Filters(language="en"))
    assert "person:omar-garcia-harfuch" in spanish and "person:omar-garcia-harfuch" in english
    # the English-only story of Project Portero is not in the Spanish view
    assert not any("Portero" in str(spanish.nodes[n].get("name")) for n in spanish)
    assert any("Portero" in str(english.nodes[n].get("name")) for n in english)
    assert store.overview(Filters(language="fr")).number_of_nodes() == 0


def test_sources_say_their_language(sample_store):
    node = EmbeddedStore(sample_store).node("person:omar-garcia-harfuch")
    assert {s.language for s in node.sources} == {"en", "es"}
