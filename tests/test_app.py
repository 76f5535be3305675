"""Every page of the app with Streamlit's AppTest, on the embedded store and on the real Neo4j.

The app reads the sample corpus through the real pipeline (the ``sample_store`` and ``loaded_neo4j``
fixtures); what each page must show is asked of the same store directly, so the tests check that the
pages show the store's facts with their evidence, whichever store is behind them.
"""

from __future__ import annotations

import json
import socket

import pytest
from apptest_support import NO_ARTICLES, point_at_neo4j, run_app, text_of
from streamlit.testing.v1 import AppTest

from app.ui import md
from graph_loader.ontology import load_ontology
from graph_loader.render import script_json
from graph_loader.store import EmbeddedStore, Filters, GraphStore, Neo4jStore, left_out
from graph_loader.view_positions import readable_part


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, clean_env, sample_store, tmp_path) -> GraphStore:
    """Point the app at the sample corpus in one store; return that store, to ask what pages must show."""
    if request.param == "embedded":
        clean_env.setenv("PORTERO_STORE", str(sample_store))
        return EmbeddedStore(sample_store)
    driver = request.getfixturevalue("loaded_neo4j")
    settings = request.getfixturevalue("neo4j_settings")
    # No store file: whatever the pages show comes from Neo4j.
    point_at_neo4j(clean_env, settings, tmp_path / "no-store.json")
    return Neo4jStore(driver, settings.neo4j_database, uri=settings.neo4j_uri)


def graph_page(at: AppTest) -> str:
    frames = at.get("iframe")
    assert frames, "no graph drawn"
    return frames[0].proto.srcdoc


def drawn(at: AppTest) -> dict[str, dict]:
    """The nodes the Explore page's graph component was given, by id."""
    comps = [e for e in at.get("bidi_component") if e.proto.component_name == "portero_graph"]
    assert comps, "no graph drawn"
    return {n["id"]: n for n in json.loads(comps[0].proto.json)["nodes"]}


def readable_overview(store: GraphStore, filters: Filters, cap: int = 300) -> set[str]:
    """The nodes the overview draws: the best connected, as many as stay readable."""
    return set(readable_part(store.overview(filters, cap))[0])


def sheinbaum(store: GraphStore) -> str:
    hit = store.search("sheinbaum")[0]
    assert hit.name == "Claudia Sheinbaum"
    return hit.id


# --- the sidebar -----------------------------------------------------------------------------------------


def test_sidebar_names_the_store_in_use(store):
    at = run_app()
    side = "\n".join(e.value for e in at.sidebar.caption)
    assert md(store.describe()) in side
    c = store.counts()
    assert f"{c.nodes} nodes · {c.edges} relationships · {c.articles} articles" in side


# --- Explore -----------------------------------------------------------------------------------------------


def test_explore_overview_then_search_focuses_an_actor(store):
    at = run_app()
    overview = store.overview(NO_ARTICLES, 300)
    shown = readable_overview(store, NO_ARTICLES)
    assert set(drawn(at)) == shown and 10 < len(shown) < overview.number_of_nodes()
    assert f"The {len(shown)} most connected nodes" in text_of(at)
    assert f"{overview.number_of_nodes() - len(shown)} less connected nodes are not drawn" in text_of(at)
    # Positions come with the nodes; physics is off.
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in drawn(at).values())

    at.text_input(key="q").input("sheinbaum").run()
    assert not at.exception
    focus = sheinbaum(store)
    assert at.query_params["focus"] == focus
    view = store.neighbourhood([focus], 1, NO_ARTICLES, 300)
    assert f"**Claudia Sheinbaum** (Person) and everything within 1 hop: {view.number_of_nodes()} nodes" in \
        text_of(at)
    nodes = drawn(at)
    assert set(nodes) == set(view)
    assert nodes[focus]["label"] == "Claudia Sheinbaum"
    # The focused actor links to its Actor page.
    link = at.get("page_link")[0].proto
    assert link.page == "actor" and link.query_string == f"id={focus.replace(':', '%3A')}"

    at.segmented_control(key="hops").set_value(2).run()
    assert at.query_params["hops"] == "2"
    wider = store.neighbourhood([focus], 2, NO_ARTICLES, 300)
    assert wider.number_of_nodes() > view.number_of_nodes()
    assert f"within 2 hops: {wider.number_of_nodes()} nodes" in text_of(at)
    # Stable positions: the nodes of the 1-hop view kept their place in the 2-hop view.
    wider_nodes = drawn(at)
    assert all((wider_nodes[n]["x"], wider_nodes[n]["y"]) == (nodes[n]["x"], nodes[n]["y"]) for n in nodes)


def test_explore_shared_link_with_filters(store):
    focus = sheinbaum(store)
    at = run_app(focus=focus, hops="2", labels="Person,Event", types="Denial")
    f = Filters(labels=("Person", "Event"), event_types=("Denial",))
    view = store.neighbourhood([focus], 2, f, 300)
    shown = drawn(at)
    assert set(shown) == set(view) and len(shown) > 1
    assert all(view.nodes[n]["label"] == "Person" or view.nodes[n].get("event_type") == "Denial" for n in shown)
    assert at.pills(key="f_labels").value == ["Person", "Event"]
    assert at.multiselect(key="f_types").value == ["Denial"]


def test_explore_language_filter_keeps_what_articles_in_that_language_report(store):
    at = run_app(lang="es", labels="Person,Agency,Country,Event")
    assert at.selectbox(key="f_lang").value == "es"
    f = Filters(labels=("Person", "Agency", "Country", "Event"), language="es")
    shown = drawn(at)
    assert set(shown) == readable_overview(store, f) and len(shown) > 3
    assert not any("Portero" in n["label"] for n in shown.values())  # told in English only
    at.selectbox(key="f_lang").set_value(None).run()
    assert "lang" not in at.query_params
    assert set(drawn(at)) == readable_overview(store, Filters(labels=f.labels)) != set(shown)


def test_actor_page_says_each_source_s_language(store):
    focus = store.search("García Harfuch")[0].id
    at = run_app("views/actor.py", id=focus)
    text = text_of(at)
    assert "Spanish" in text and "English" in text
    assert "El secretario de Seguridad y Protección Ciudadana" in text  # evidence kept as written


def test_explore_period_from_an_administration(store):
    admin = next(a for a in store.administrations() if a.name == "Sheinbaum administration")
    at = run_app(admin=admin.id, labels="Event")
    assert at.radio(key="f_period").value == "Administration"
    assert at.selectbox(key="f_admin").value == admin.id
    expected = store.overview(Filters(labels=("Event",), administration=admin.id))
    shown = drawn(at)
    assert set(shown) == readable_overview(store, Filters(labels=("Event",), administration=admin.id))
    assert len(shown) > 0
    assert all(str(d.get("date") or "") >= (admin.start or "") for _n, d in expected.nodes(data=True))
    at.radio(key="f_period").set_value("Any time").run()
    assert "admin" not in at.query_params
    assert set(drawn(at)) == readable_overview(store, Filters(labels=("Event",)))


def test_explore_cap_says_what_was_left_out(store, clean_env):
    clean_env.setenv("PORTERO_VIEW_CAP", "8")
    at = run_app()
    full = store.overview(NO_ARTICLES)
    notice = "\n".join(e.value for e in at.info)
    assert f"Left out {full.number_of_nodes() - 8} nodes" in notice and "capped at 8 nodes" in notice
    assert len(drawn(at)) == 8


def test_explore_names_the_hubs_it_did_not_go_through(store, clean_env):
    clean_env.setenv("PORTERO_HUB_DEGREE", "3")
    focus = sheinbaum(store)
    at = run_app(focus=focus, hops="2")
    view = store.neighbourhood([focus], 2, NO_ARTICLES, 300, 3)
    out = left_out(view)
    assert out.hubs > 0 and set(view) != set(store.neighbourhood([focus], 2, NO_ARTICLES, 300))
    notice = "\n".join(e.value for e in at.info)
    assert out.describe() in notice and "more than 3 relationships (PORTERO_HUB_DEGREE)" in notice
    assert "capped" not in notice  # nothing was left out by the cap
    assert set(drawn(at)) == set(view)


def test_classroom_mode_shows_only_the_graph_and_caption(store):
    focus = sheinbaum(store)
    at = run_app(classroom="1", focus=focus, hops="1")
    assert not at.text_input and not at.selectbox and not at.sidebar.children.get(0, None)
    page = graph_page(at)
    assert "Claudia Sheinbaum and its connections (1 hop)" in page
    assert script_json("Claudia Sheinbaum")[1:-1] in page


# --- Actor ---------------------------------------------------------------------------------------------


def test_actor_page_shows_relations_events_and_evidence(store):
    focus = sheinbaum(store)
    facts = store.actor_facts(focus)
    at = run_app("views/actor.py", id=focus)
    assert at.title[0].value == "Claudia Sheinbaum"
    text = text_of(at)
    assert facts.relations and facts.roles, "the sample corpus relates Sheinbaum to other actors"
    for role in facts.roles:  # posts, with their period, under Roles
        assert f"**{md(role.title)}**, {md(role.org_name)}" in text
        assert md(role.sources[0].sentence) in text
    roles = {(r.rel_type, r.org_id) for r in facts.roles}
    for rel in facts.relations:  # every other relationship with an actor, worded, with its evidence
        if rel.direction == "in" or (rel.rel_type, rel.other_id) not in roles:
            assert f"**{md(rel.phrase)}** {md(rel.other_name)}" in text
        assert md(rel.sources[0].sentence) in text
        assert f"*{md(rel.sources[0].title)}*, {md(rel.sources[0].publisher)}" in text
    for ev, _roles in facts.events:
        assert md(ev.sources[0].sentence) in text
        assert f":orange-badge[{md(ev.event_type)}]" in text
    for claim, stance in facts.claims:
        assert md(claim.text) in text and f"[{stance}]" in text
    links = {p.proto.query_string for p in at.get("page_link")}
    assert {f"id={r.other_id.replace(':', '%3A')}" for r in facts.relations} <= links


def test_actor_page_search_and_unknown_id(store):
    at = run_app("views/actor.py")
    assert at.title[0].value == "Actors"
    at.text_input(key="actor_q").input("sheinbaum").run()
    assert at.title[0].value == "Claudia Sheinbaum"
    at = run_app("views/actor.py", id="person:nobody-at-all")
    assert "There is no node with id “person:nobody-at-all”" in text_of(at)


# --- Connections --------------------------------------------------------------------------------------------


def test_connections_page_explains_each_hop(store):
    a = sheinbaum(store)
    b = store.search("Terrance Cole")[0].id
    paths = store.shortest_paths(a, b)
    assert paths, "the sample corpus links Sheinbaum and Cole"
    at = run_app("views/connections.py", a=a, b=b)
    heads = [h.value for h in at.subheader]
    assert heads[0] == "Path 1: " + " → ".join(md(n) for _i, n, _l in paths[0].nodes)
    assert len(heads) == len(paths)
    text = text_of(at)
    for hop in paths[0].hops:
        for link in hop.links:
            assert md(link.sources[0].sentence) in text
    assert graph_page(at)


# --- Timeline -----------------------------------------------------------------------------------------------


def test_timeline_page_bands_marks_and_an_event(store):
    events = store.events()
    focus = sheinbaum(store)
    chosen = next(e for e in events if any(p.id == focus for p in e.participants))
    at = run_app("views/timeline.py")
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(at.selectbox(key="t_event").options) == len(events)
    at.selectbox(key="t_event").set_value(chosen.id).run()
    assert at.query_params["event"] == chosen.id
    text = text_of(at)
    for p in chosen.participants:
        assert md(p.name) in text
    assert md(chosen.sources[0].sentence) in text

    at.multiselect(key="t_types").set_value(["Denial"]).run()
    denials = store.events(Filters(event_types=("Denial",)))
    assert len(at.selectbox(key="t_event").options) == len(denials) < len(events)


def _chart_tables(at: AppTest) -> list:
    import pyarrow as pa

    chart = (at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))[0]
    return [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]


def test_timeline_draws_each_event_type_in_its_own_colour_from_the_ontology(store):
    import json

    onto = load_ontology()
    at = run_app("views/timeline.py")
    chart = (at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))[0]
    spec = json.loads(chart.proto.spec)
    scales = [layer["encoding"]["color"]["scale"] for layer in spec["layer"]
              if layer.get("encoding", {}).get("color", {}).get("field") == "type"]
    assert len(scales) == 1
    drawn = {e.event_type for e in store.events() if e.date}
    assert len(drawn) > 3 and set(scales[0]["domain"]) == drawn
    assert scales[0]["range"] == [onto.event_colour(t) for t in scales[0]["domain"]]
    assert len(set(scales[0]["range"])) == len(drawn)  # no two types share a colour


def test_timeline_draws_every_administration_the_gazetteer_knows_in_its_period(store):
    from app.data import gazetteer_administrations

    named = {a.name for a in store.administrations()}
    assert "Biden administration" not in named  # no sample article names it, yet it governed in between
    at = run_app("views/timeline.py")
    bands = next(t for t in _chart_tables(at) if "leader" in t.columns)
    years = [int(e.date[:4]) for e in store.events() if e.date]
    lo, hi = min(years) - 2, max(years) + 1  # the page's period: the events' years, with a margin
    known = {a.name for a in gazetteer_administrations()
             if int(a.start[:4]) <= hi and (a.end is None or int(a.end[:4]) >= lo)}
    assert {"Biden administration", "Trump administration (2017-2021)", "Trump administration"} <= known
    assert known <= set(bands["name"]) <= known | named
    caption = next(c.value for c in at.caption if "administrations" in c.value)
    assert f"; {len(bands)} administrations of Mexico, United States in this period." in caption


# --- Claims -----------------------------------------------------------------------------------------------


def test_claims_page_contested_first_with_both_sides(store):
    claims = store.claims()
    first = claims[0]
    assert first.contested and first.asserts and first.denies
    at = run_app("views/claims.py")
    assert [h.value for h in at.subheader] == [md(c.text) for c in claims]
    text = text_of(at)
    for side in (first.asserts, first.denies):
        for s in side:
            assert f"**{md(s.actor_name)}**" in text and md(s.sources[0].sentence) in text
    at.toggle(key="c_contested").set_value(True).run()
    assert [h.value for h in at.subheader] == [md(c.text) for c in claims if c.contested]


# --- no store, or an unreachable Neo4j ----------------------------------------------------------------------


@pytest.mark.parametrize("page", [None, "views/actor.py", "views/connections.py", "views/timeline.py",
                                  "views/claims.py"])
def test_missing_store_says_how_to_load_articles(clean_env, tmp_path, page):
    clean_env.setenv("PORTERO_STORE", str(tmp_path / "graph.json"))
    at = run_app(page)
    assert "portero load sample_data/articles" in "\n".join(e.value for e in at.info)
    assert not at.get("iframe")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_neo4j_falls_back_to_the_embedded_store(clean_env, sample_store):
    uri = f"bolt://127.0.0.1:{_free_port()}"
    clean_env.setenv("PORTERO_STORE_KIND", "neo4j")
    clean_env.setenv("NEO4J_URI", uri)
    clean_env.setenv("NEO4J_PASSWORD", "pw-never-shown")
    clean_env.setenv("PORTERO_STORE", str(sample_store))
    at = run_app()
    warning = "\n".join(e.value for e in at.sidebar.warning)
    assert f"Neo4j at {uri} does not answer" in warning and "showing the embedded store instead" in warning
    assert "pw-never-shown" not in warning + text_of(at)
    assert md(f"Embedded store: {sample_store}") in "\n".join(e.value for e in at.sidebar.caption)
    at = run_app("views/actor.py", id=sheinbaum(EmbeddedStore(sample_store)))
    assert at.title[0].value == "Claudia Sheinbaum"
