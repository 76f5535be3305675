"""Portero Graph for students: ``streamlit run app/main.py`` (or ``portero serve``).

This file only routes: it registers the pages, tells in the sidebar which store is read (and why, when
Neo4j was wanted but cannot be reached), and runs the chosen page. ``?classroom=1`` hides navigation
and controls, for embedding a view in a lesson.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app/main.py` puts app/ on sys.path, not the project: make `app` and `graph_loader`
# importable.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from app import data, ui  # noqa: E402
from graph_loader.store import StoreError  # noqa: E402


@st.cache_resource(show_spinner=False)
def _favicon():
    """A small drawn icon: a Material icon or emoji favicon would be fetched from a CDN, and the app
    must make no request beyond its own server."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    dots = [(16, 18, "#e45756"), (48, 16, "#4c78a8"), (32, 48, "#54a24b")]
    for (x1, y1, _c1), (x2, y2, _c2) in zip(dots, dots[1:] + dots[:1], strict=True):
        draw.line((x1, y1, x2, y2), fill="#52606d", width=4)
    for x, y, colour in dots:
        draw.ellipse((x - 11, y - 11, x + 11, y + 11), fill=colour)
    return img


st.set_page_config(page_title="Portero Graph", page_icon=_favicon(), layout="wide")

PAGES = [
    st.Page(ui.EXPLORE_PAGE, title="Explore", icon=":material/hub:", default=True),
    st.Page(ui.ACTOR_PAGE, title="Actor", icon=":material/person:", url_path="actor"),
    st.Page(ui.CONNECTIONS_PAGE, title="Connections", icon=":material/route:", url_path="connections"),
    st.Page(ui.TIMELINE_PAGE, title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page(ui.CLAIMS_PAGE, title="Claims", icon=":material/gavel:", url_path="claims"),
    st.Page(ui.SNAPSHOT_PAGE, title="Snapshot", icon=":material/photo_camera:", url_path="snapshot"),
    st.Page(ui.CYPHER_PAGE, title="Cypher console", icon=":material/terminal:", url_path="cypher"),
]

classroom = ui.classroom()
page = st.navigation(PAGES, position="hidden" if classroom else "sidebar")

if classroom:
    # Nothing but the page itself: no sidebar, no toolbar, tight margins.
    st.markdown("<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
                "header[data-testid='stHeader']{display:none}"
                ".block-container{padding-top:0.5rem;padding-bottom:0}</style>", unsafe_allow_html=True)
else:
    with st.sidebar:
        try:
            store, key = data.current()
            st.caption(f"**Store** · {ui.md(store.describe())}")
            if store.notice:
                st.warning(store.notice)
            if store.available():
                c = data.counts(store, key)
                if c.nodes:
                    st.caption(f"{c.nodes} nodes · {c.edges} relationships · {c.articles} articles")
        except StoreError as exc:
            st.error(str(exc))

try:
    page.run()
except StoreError as exc:  # a store failing mid-session: one clear line, never a stack trace
    st.error(str(exc))
