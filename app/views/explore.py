"""Explore: the graph, whole or around one actor, with filters; every view can be shared as a link."""

from __future__ import annotations

import streamlit as st

from app import data, graph_component, ui, view_cypher
from graph_loader.model import normalise_name
from graph_loader.settings import load_settings
from graph_loader.store import Filters, left_out

GRAPH_HEIGHT = 620
HOPS = (1, 2, 3)

ctx = ui.context()
onto = data.ontology()
default_labels = [x for x in onto.nodes if x != "Article"]
cap = int(load_settings().view_cap)
hub = int(load_settings().hub_degree)

if ui.classroom():
    # Teachers' mode: the graph and its caption only, from the link's parameters.
    focus = ui.param("focus") or None
    hops = int(ui.param("hops", "1")) if ui.param("hops", "1") in ("1", "2", "3") else 1
    labels = [x for x in ui.param_list("labels") if x in onto.nodes] or default_labels
    filters = Filters(labels=tuple(labels), event_types=tuple(ui.param_list("types")),
                      date_from=ui.param("from") or None, date_to=ui.param("to") or None,
                      administration=ui.param("admin") or None, article=ui.param("article") or None,
                      language=ui.param("lang") or None)
    info = data.node(ctx.store, ctx.key, focus) if focus else None
    subject = f"{info.name} and its connections ({hops} hop{'s' if hops > 1 else ''})" if info else \
        "The most connected actors"
    extra = ui.filters_caption(filters, ctx)
    n_articles = data.counts(ctx.store, ctx.key).articles
    caption = (f"{subject}{' · ' + extra if extra else ''} · Source: {n_articles} news "
               f"article{'s' if n_articles != 1 else ''}, read by Portero Graph")
    view = data.explore_view(ctx.store, ctx.key, info.id if info else None, hops, filters, cap,
                             GRAPH_HEIGHT + 80, caption, hub=hub)
    ui.graph_frame(view.html, GRAPH_HEIGHT + 190)
    st.stop()

st.title("Explore the graph")

with st.sidebar:
    st.subheader("Filters")
    filters = ui.filter_controls(ctx, default_labels=default_labels)

# --- focus: a click in the graph, a search box, or the focus of a shared link ---------------------------
if "pg_clicked" in st.session_state:
    # A node clicked on the last run: it becomes the focus (and the search box, which would win, is cleared).
    st.session_state["q"] = ""
    ui.set_params(focus=st.session_state.pop("pg_clicked"))
ui.init_state("hops", int(ui.param("hops", "1")) if ui.param("hops", "1") in ("1", "2", "3") else 1)
top = st.columns([3, 2, 1.3], vertical_alignment="bottom")
text = top[0].text_input("Find an actor", key="q", placeholder="e.g. Sheinbaum, DEA, Sinaloa")
focus = ui.param("focus") or None
if text.strip():
    hits = data.search(ctx.store, ctx.key, text.strip())
    if hits:
        # Say which alias matched only when the name itself does not show it (e.g. "DEA").
        names = {h.id: f"{h.name} · {h.label}" + (
            f" (“{h.matched}”)" if normalise_name(h.matched) not in normalise_name(h.name) else "")
            for h in hits}
        focus = top[1].selectbox(f"{len(hits)} match{'es' if len(hits) != 1 else ''}", list(names),
                                 format_func=names.get, key=f"hit::{text.strip()}")
    else:
        top[1].warning(f"No actor matches “{text.strip()}”.")
        focus = None
hops = top[2].segmented_control("Hops", HOPS, key="hops", help="How far from the focused actor to look.")
hops = hops or 1

info = data.node(ctx.store, ctx.key, focus) if focus else None
if focus and info is None:
    st.warning("The focused node is not in this graph; showing the whole graph.")
ui.set_params(focus=info.id if info else None, hops=hops if info and hops != 1 else None)

# --- the graph ------------------------------------------------------------------------------------------
focus_id = info.id if info else None
g, unreadable = data.explore_graph(ctx.store, ctx.key, focus_id, hops, filters, cap, hub)
if info:
    st.markdown(f"**{ui.md(info.name)}** ({ui.md(info.label)}) and everything within {hops} "
                f"hop{'s' if hops > 1 else ''}: {g.number_of_nodes()} nodes, {g.number_of_edges()} relationships. "
                "Click a node to focus on it, double-click it to open its page.")
else:
    st.markdown(f"The {g.number_of_nodes()} most connected nodes and their {g.number_of_edges()} relationships. "
                "Click a node (or search for an actor) to focus on it; double-click it to open its page.")
notes = []
if unreadable:
    notes.append(f"{unreadable} less connected nodes are not drawn, so that every name stays readable: focus "
                 "on an actor or narrow the filters to see them.")
out = left_out(g)
if out:
    notes.append(out.describe())
    if out.nodes:
        notes.append(f"The view is capped at {cap} nodes (PORTERO_VIEW_CAP); narrow the filters or focus on "
                     "an actor to see them.")
    if out.hubs:
        notes.append(f"A hub has more than {hub} relationships (PORTERO_HUB_DEGREE): it is drawn, but what lies "
                     "past it is not; focus on it to see its neighbours.")
if notes:
    st.info(" ".join(notes))
if not g.number_of_nodes():
    st.warning("Nothing matches these filters.")
else:
    # Nodes already on the student's screen keep their place; new ones are laid out around them.
    before = st.session_state.get("pg_positions", {})
    fixed = tuple(sorted((n, *before[n]) for n in g if n in before))
    pos = data.explore_positions(ctx.store, ctx.key, focus_id, hops, filters, cap, hub, fixed)
    st.session_state["pg_positions"] = pos
    clicks = graph_component.graph(graph_component.drawing(g, pos, height=GRAPH_HEIGHT,
                                                           focus=[focus_id] if focus_id else None))
    if clicks.opened:
        st.switch_page(ui.ACTOR_PAGE, query_params={"id": clicks.opened})
    if clicks.clicked and clicks.clicked != focus_id and clicks.clicked in g:
        st.session_state["pg_clicked"] = clicks.clicked
        st.rerun()
    if info:
        st.page_link(ui.ACTOR_PAGE, label=f"Open {info.name}", icon=":material/person:",
                     query_params={"id": info.id})

# --- the same view in Cypher, for the console ----------------------------------------------------------
cypher, cypher_params = view_cypher.explore_cypher(ctx.store, info.id if info else None, hops, filters, cap, hub)
view_cypher.cypher_expander(cypher, cypher_params, f"The Explore view: {info.name}, {hops} hop{'s' if hops > 1 else ''}"
                   if info else "The Explore overview", key="explore_cypher")
