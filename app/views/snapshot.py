"""Snapshot, for teachers: a part of the graph as one self-contained web page or an image for a lesson.

The teacher picks an actor (or the whole graph) and how far to look; the page offers the snapshot as
HTML (interactive, works offline), PNG and SVG, an ``<iframe>`` snippet for the HTML file, and a link to
the live classroom view of the Explore page (graph and caption only).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import networkx as nx
import streamlit as st

from app import data, ui
from graph_loader.settings import load_settings
from graph_loader.snapshot import default_title, snapshot_html, snapshot_image, snapshot_view
from graph_loader.store import GraphStore

HOPS = (1, 2, 3)  # the Explore view (and its classroom mode) goes as far as 3 hops
PREVIEW_HEIGHT = 720
IFRAME_HEIGHT = 820
HUB = int(load_settings().hub_degree)  # the Explore view goes through no hub of more relationships


@st.cache_data(show_spinner=False, max_entries=32, ttl=data.CACHE_SECONDS)
def _subgraph(_store: GraphStore, key: str, focus: str | None, hops: int, cap: int) -> nx.MultiDiGraph:
    """What the Explore view shows (articles left out), with the articles it rests on as its sources: the
    store's own view, as ``portero snapshot`` draws it."""
    return snapshot_view(_store, focus, hops, cap, HUB)


@st.cache_data(show_spinner=False, max_entries=16, ttl=data.CACHE_SECONDS)
def _html(_store: GraphStore, key: str, focus: str | None, hops: int, cap: int, title: str) -> str:
    return snapshot_html(_subgraph(_store, key, focus, hops, cap), title or None)


@st.cache_data(show_spinner=False, max_entries=16, ttl=data.CACHE_SECONDS)
def _image(_store: GraphStore, key: str, focus: str | None, hops: int, cap: int, title: str,
           fmt: str) -> bytes:
    return snapshot_image(_subgraph(_store, key, focus, hops, cap), fmt, title or None)


def _file_stem(name: str) -> str:
    """A safe file name from a title.

    >>> _file_stem("Claudia Sheinbaum and connections (within 2 steps)")
    'portero-claudia-sheinbaum-and-connections-within-2-steps'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60].strip("-")
    return f"portero-{slug or 'snapshot'}"


ctx = ui.context()
cap = int(load_settings().view_cap)

st.title("Snapshot for a lesson")
st.markdown("Choose what to show; download it as a web page that works offline (interactive, with every "
            "fact and its source sentence written out) or as an image, and embed it in your lesson.")

# --- what to show -----------------------------------------------------------------------------------------
actors = sorted(data.actors(ctx.store, ctx.key), key=lambda h: (-h.degree, h.name.lower()))
names = {h.id: f"{h.name} · {h.label}" for h in actors}
wanted = ui.param("focus")
ui.init_state("s_focus", wanted if wanted in names else None)
ui.init_state("s_hops", int(ui.param("hops", "2")) if ui.param("hops", "2") in ("1", "2", "3") else 2)
cols = st.columns([3, 1.3], vertical_alignment="bottom")
focus = cols[0].selectbox("Focus on an actor", list(names), key="s_focus", format_func=names.get,
                          index=None, placeholder="The whole graph (most connected actors)")
hops = cols[1].segmented_control("Hops", HOPS, key="s_hops", disabled=focus is None,
                                 help="How far from the focused actor to look.") or 2
ui.set_params(focus=focus, hops=hops if focus else None)

sub = _subgraph(ctx.store, ctx.key, focus, hops, cap)
title = st.text_input("Title", key=f"s_title::{focus}::{hops}", placeholder=default_title(sub),
                      help="Shown above the graph; leave empty for the suggested title.").strip()
shown_title = title or default_title(sub)
if not sub.number_of_nodes():
    st.warning("Nothing to show: the graph is empty.")
    st.stop()
st.caption(f"{sub.number_of_nodes()} nodes and {sub.number_of_edges()} relationships from "
           f"{len(sub.graph.get('sources') or [])} articles."
           + (f" {sub.graph['left_out']} more nodes are left out (PORTERO_VIEW_CAP={cap})."
              if sub.graph.get("left_out") else ""))

# --- downloads --------------------------------------------------------------------------------------------
page = _html(ctx.store, ctx.key, focus, hops, cap, title)
stem = _file_stem(shown_title)
store, key = ctx.store, ctx.key
buttons = st.columns(3)
buttons[0].download_button("Web page (HTML)", page.encode("utf-8"), file_name=f"{stem}.html",
                           mime="text/html", icon=":material/html:", key="s_html", type="primary")
# Images are drawn only when asked for (a click), not on every change of the choices above.
buttons[1].download_button("Image (PNG)", lambda: _image(store, key, focus, hops, cap, title, "png"),
                           file_name=f"{stem}.png", mime="image/png", icon=":material/image:", key="s_png")
buttons[2].download_button("Image (SVG)", lambda: _image(store, key, focus, hops, cap, title, "svg"),
                           file_name=f"{stem}.svg", mime="image/svg+xml", icon=":material/draw:",
                           key="s_svg")

st.subheader("Embed the web page")
st.markdown("Put the downloaded file next to your lesson page and paste this where the graph should appear:")
st.code(f'<iframe src="{stem}.html" title="{shown_title.replace(chr(34), "&quot;")}" width="100%" '
        f'height="{IFRAME_HEIGHT}" style="border:0" loading="lazy"></iframe>', language="html")

st.subheader("Show it live in class")
classroom = {"classroom": "1", **({"focus": focus, "hops": str(hops)} if focus else {})}
st.page_link(ui.EXPLORE_PAGE, label="Open the classroom view (graph and caption only)",
             icon=":material/co_present:", query_params=classroom)
st.caption("The classroom view hides the controls; its address can be shared or embedded while this app "
           f"runs: `/?{urlencode(classroom)}`")

with st.expander("Preview of the web page", expanded=False):
    ui.graph_frame(page, PREVIEW_HEIGHT)
