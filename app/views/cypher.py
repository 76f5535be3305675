"""Cypher console, for researchers: a query from the library or your own, run read-only against Neo4j.

Parameters found in the query become inputs (pre-filled from the library header's defaults); the query
runs in a read-only session with the time limit and row cap of the settings; the answer is a table or a
graph, and a CSV file. Writes are refused with a clear message; so is a query that runs too long.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import console, data, ui, view_cypher
from graph_loader.cypher_library import (
    CannedQuery,
    CannedQueryError,
    cypher_literal,
    find_params,
    list_queries,
    parse_literal,
    parse_query,
)
from graph_loader.neo4j_connection import masked
from graph_loader.query import (
    Neo4jUnavailableError,
    QueryError,
    QueryResult,
    QueryTimeoutError,
    WriteQueryError,
    run_read_only,
)
from graph_loader.render import to_pyvis_html
from graph_loader.settings import load_settings

GRAPH_HEIGHT = 560
PARAM_KEY = "cy_param::"
START_HINT = (
    "The Cypher console needs a running Neo4j 5; the other pages keep working with the embedded store.\n\n"
    "Start the local server and load the sample articles into it:\n\n"
    "```\nportero neo4j start\nportero load sample_data/articles --to neo4j\n```\n\n"
    "or connect to another Neo4j 5 (Desktop, Docker, Aura) by setting `NEO4J_URI`, `NEO4J_USERNAME`, "
    "`NEO4J_PASSWORD` and `NEO4J_DATABASE` before `portero serve`. Set `PORTERO_STORE_KIND=neo4j` for "
    "the other pages to read it too. Then reload this page.")


@st.cache_data(show_spinner=False, ttl=60)
def _library() -> dict[str, CannedQuery]:
    return {q.name: q for q in list_queries()}


def _header_defaults(text: str) -> dict[str, Any]:
    """The parameter defaults a library-style header declares ('' when it declares none)."""
    try:
        return parse_query(text, "console").params
    except (CannedQueryError, ValueError):
        return {}


def _value(raw: str) -> Any:
    """A parameter input: a Cypher literal ('x', 3, true, ['a']) or, when it is none, the text itself."""
    try:
        return parse_literal(raw)
    except ValueError:
        return raw


def _load(text: str, params: dict[str, Any]) -> None:
    """Put a query and its parameter values into the widgets (before they are drawn)."""
    st.session_state["cy_text"] = text
    for name, value in params.items():
        st.session_state[PARAM_KEY + name] = cypher_literal(value)
    st.session_state.pop("cy_answer", None)


def _pick_changed() -> None:
    q = _library().get(st.session_state.get("cy_pick") or "")
    if q is not None:
        _load(q.text, q.params)


settings = load_settings()
library = _library()

# A query handed over by another page ("Open in the Cypher console").
incoming = st.session_state.pop(view_cypher.INCOMING, None)
if incoming:
    st.session_state["cy_pick"] = None
    _load(incoming["text"], incoming["params"])
    st.session_state["cy_from"] = incoming.get("title") or ""
# A shared link may name a library query: ?query=leadership
if "cy_text" not in st.session_state:
    start = library.get(ui.param("query")) or library.get("leadership") or next(iter(library.values()), None)
    st.session_state["cy_pick"] = start.name if start else None
    if start:
        _load(start.text, start.params)

st.title("Cypher console")
st.markdown("Ask the graph in Cypher, read-only: start from a documented query of the library or write your "
            f"own. Each query may run {settings.query_timeout:g} s (PORTERO_QUERY_TIMEOUT) and return "
            f"{settings.row_cap} rows (PORTERO_ROW_CAP).")

conn = console.console()
if conn.unconfigured:
    st.warning(f"No Neo4j is configured for this console: NEO4J_URI is not set and the local server of "
               f"`portero neo4j start` is not running, so it does not query the default address "
               f"{ui.md(conn.uri)}, which may be another program's server. Set NEO4J_URI (and NEO4J_PASSWORD) "
               "to the Neo4j 5 you mean, or run `portero neo4j start`, then reload this page.",
               icon=":material/link_off:")
    st.stop()
if conn.driver is None:
    st.warning(f"Neo4j is not reachable at {ui.md(conn.uri)}" + (f" ({ui.md(conn.problem)})." if conn.problem
                                                                    else "."))
    st.info(START_HINT)
    st.stop()
st.caption(f"Neo4j at {ui.md(conn.uri)} · database {ui.md(conn.database)}"
           + (" · the local server of `portero neo4j start`, as no NEO4J_URI is set" if conn.local else ""))

# --- the query ------------------------------------------------------------------------------------------
titles = {name: q.title for name, q in library.items()}
st.selectbox("Library query", list(library), key="cy_pick", index=None, format_func=titles.get,
             placeholder="Your own query", on_change=_pick_changed)
picked = library.get(st.session_state.get("cy_pick") or "")
if picked:
    st.markdown(f"**{ui.md(picked.title)}** · {ui.md(picked.question)}")
elif st.session_state.get("cy_from"):
    st.markdown(f"**{ui.md(st.session_state['cy_from'])}**")
text = st.text_area("Cypher", key="cy_text", height=260)

names = find_params(text)
defaults = _header_defaults(text)
params: dict[str, Any] = {}
if names:
    st.caption("Parameters: Cypher literals ('text', 3, true, ['a', 'b']); plain text is read as a string.")
    cols = st.columns(min(len(names), 3))
    for i, name in enumerate(names):
        ui.init_state(PARAM_KEY + name, cypher_literal(defaults.get(name, "")))
        helptext = picked.param_help.get(name) if picked else None
        params[name] = _value(cols[i % len(cols)].text_input(f"${name}", key=PARAM_KEY + name, help=helptext))

if st.button("Run", type="primary", icon=":material/play_arrow:", key="cy_run"):
    try:
        with st.spinner("Running…"):
            answer: QueryResult | str = run_read_only(
                conn.driver, text, params, database=conn.database, timeout_s=settings.query_timeout,
                row_cap=settings.row_cap)
    except WriteQueryError as exc:
        answer = f"write::{exc}"
    except QueryTimeoutError as exc:
        answer = f"timeout::{exc}"
    except Neo4jUnavailableError as exc:
        answer = f"unavailable::{exc}"
    except QueryError as exc:
        answer = f"error::{exc}"
    st.session_state["cy_answer"] = answer

# --- the answer -----------------------------------------------------------------------------------------
answer = st.session_state.get("cy_answer")
if isinstance(answer, str):
    kind, _sep, message = answer.partition("::")
    message = masked(message, settings)  # one line, never the password
    if kind == "write":
        st.error(f"This console only reads the graph, so the query was not run. {ui.md(message)}",
                 icon=":material/block:")
    elif kind == "timeout":
        st.error(f"Time limit reached: {ui.md(message)}.", icon=":material/timer_off:")
    elif kind == "unavailable":
        st.error(f"Neo4j could not be reached: {ui.md(message)}.")
        st.info(START_HINT)
    else:
        st.error(ui.md(message))
elif isinstance(answer, QueryResult):
    st.caption(f"{len(answer.rows)} row{'s' if len(answer.rows) != 1 else ''} in {answer.elapsed_s:.2f} s")
    if answer.truncated:
        st.warning(f"Only the first {answer.row_cap} rows are shown: the query returned more. Raise "
                   "PORTERO_ROW_CAP or add LIMIT to the query.", icon=":material/content_cut:")
    frame = answer.to_frame()
    shown = st.segmented_control("Show as", ["Table", "Graph"], key="cy_view", default="Table") or "Table"
    if shown == "Graph":
        g = answer.graph
        if g.number_of_nodes():
            page = to_pyvis_html(g, data.ontology(), height=f"{GRAPH_HEIGHT}px")
            st.caption(f"{g.number_of_nodes()} nodes · {g.number_of_edges()} relationships")
            ui.graph_frame(page, GRAPH_HEIGHT + 60)
        else:
            st.info("The answer holds no nodes, relationships or paths to draw: return them (for example "
                    "`RETURN path` or `RETURN n, r, m`) to see a graph.")
    else:
        st.dataframe(frame, hide_index=True, width="stretch")
    name = picked.name if picked else "query"
    st.download_button("Download CSV", frame.to_csv(index=False).encode("utf-8"), file_name=f"{name}.csv",
                       mime="text/csv", icon=":material/download:", key="cy_csv")
