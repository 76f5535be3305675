"""Explore: the graph, whole or around one actor, with filters; every view can be shared as a link."""

from __future__ import annotations

import streamlit as st

from app import data, ui, view_cypher
from graph_loader.model import normalise_name
from graph_loader.settings import load_settings
from graph_loader.store import Filters

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

# --- focus: a search box, or the focus of a shared link -------------------------------------------------
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
view = data.explore_view(ctx.store, ctx.key, info.id if info else None, hops, filters, cap, GRAPH_HEIGHT,
                         hub=hub)
if info:
    st.markdown(f"**{ui.md(info.name)}** ({ui.md(info.label)}) and everything within {hops} "
                f"hop{'s' if hops > 1 else ''}: {len(view.nodes)} nodes, {view.edges} relationships.")
else:
    st.markdown(f"The {len(view.nodes)} most connected nodes and their {view.edges} relationships. "
                "Search for an actor to focus on it.")
if view.left_out:
    notes = [view.left_out.describe()]
    if view.left_out.nodes:
        notes.append(f"The view is capped at {cap} nodes (PORTERO_VIEW_CAP); narrow the filters or focus on "
                     "an actor to see them.")
    if view.left_out.hubs:
        notes.append(f"A hub has more than {hub} relationships (PORTERO_HUB_DEGREE): it is drawn, but what lies "
                     "past it is not; focus on it to see its neighbours.")
    st.info(" ".join(notes))
if not view.nodes:
    st.warning("Nothing matches these filters.")
else:
    ui.graph_frame(view.html, GRAPH_HEIGHT + 60)

# --- the same view in Cypher, for the console ----------------------------------------------------------
cypher, cypher_params = view_cypher.explore_cypher(ctx.store, info.id if info else None, hops, filters, cap, hub)
view_cypher.cypher_expander(cypher, cypher_params, f"The Explore view: {info.name}, {hops} hop{'s' if hops > 1 else ''}"
                   if info else "The Explore overview", key="explore_cypher")

# --- from the graph to an actor page -------------------------------------------------------------------
if view.nodes:
    cols = st.columns([3, 2], vertical_alignment="bottom")
    labels = {nid: f"{name} · {label}" for nid, name, label in view.nodes}
    order = list(labels)
    start = order.index(info.id) if info and info.id in order else 0
    chosen = cols[0].selectbox("Open a node shown above", order, index=start, format_func=labels.get,
                               key=f"open::{info.id if info else ''}")
    cols[1].page_link(ui.ACTOR_PAGE, label=f"Open {labels[chosen].split(' · ')[0]}",
                      icon=":material/person:", query_params={"id": chosen})
