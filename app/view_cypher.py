"""The Cypher behind a view (Explore, Actor), shown under it and handed to the Cypher console page."""

from __future__ import annotations

import streamlit as st

from app.ui import CYPHER_PAGE
from graph_loader.ontology import load_ontology
from graph_loader.store import Filters, GraphStore

INCOMING = "cy_incoming"  # session key: a query (text, params, title) handed to the console page


def cypher_list(names: object) -> str:
    """A Cypher list literal of names, sorted.

    >>> cypher_list({"B", "A"})
    "['A', 'B']"
    """
    return "[" + ", ".join(f"'{n}'" for n in sorted(names)) + "]"  # type: ignore[call-overload]


# Relationships a node's number of relationships leaves out.
_UNCOUNTED = cypher_list(load_ontology().uncounted_types)


def explore_cypher(store: GraphStore, focus: str | None, hops: int, filters: Filters,
                   cap: int, hub: int = 0) -> tuple[str, dict[str, object]]:
    """The Cypher of the Explore view: the query the Neo4j store runs for it (``GraphStore.view_cypher``),
    returning the nodes and relationships drawn, so the console draws the same view.

    Focused: the nodes within ``hops`` of ``focus`` the filters keep (hub relationships followed from the
    focus only, and through no node of more than ``$hub`` relationships when ``hub``), nearest and best
    connected first, at most ``$cap``. Unfocused: the ``$cap`` best-connected nodes.
    """
    text, params = store.view_cypher([focus] if focus else [], hops, filters, cap, hub)
    hubs = " and ".join(sorted(store.ontology.hub_types))
    head = (f"// The Explore view: the node $ids0 and what lies within {int(hops)} hops of it, through nodes the\n"
            f"// filters keep, level by level; {hubs} are followed from the focus only"
            + (", and no node of more than $hub relationships is gone through.\n" if hub > 0 else ".\n")
            if focus else
            "// The Explore overview: the $cap best-connected nodes the filters keep.\n")
    uncounted = ", ".join(sorted(store.ontology.uncounted_types))
    head += (f"// At most $cap nodes: nearest first, then most connected ({uncounted} not counted), then by id.\n"
             "// This is the query the app runs on Neo4j, returning the nodes and relationships themselves.\n")
    return head + text, params


def actor_cypher(nid: str) -> tuple[str, dict[str, object]]:
    """Parameterised Cypher for the Actor page: every relationship of ``$id`` but the uncounted ones
    (MENTIONS), with the other end, its main label, and the evidence sentences and articles it was read
    from."""
    text = (
        "// The Actor page: what the graph says about the node $id, relationship by relationship,\n"
        "// with the sentences each was read from (articles that merely name it are left out).\n"
        "MATCH (a {id: $id})-[r]-(b)\n"
        f"WHERE NOT type(r) IN {_UNCOUNTED}\n"
        "RETURN a.name AS actor, type(r) AS relationship,\n"
        "       CASE WHEN startNode(r) = a THEN 'out' ELSE 'in' END AS direction,\n"
        "       b.name AS other, [l IN labels(b) WHERE l IN $node_labels][0] AS other_label,\n"
        "       b.event_type AS event_type,\n"
        "       r.title AS title, r.role AS role, r.evidence_sentences AS evidence,\n"
        "       r.evidence_articles AS articles, r\n"
        "ORDER BY relationship, direction, toLower(other)")
    return text, {"id": nid, "node_labels": list(load_ontology().nodes)}


def open_in_console(text: str, params: dict[str, object], title: str) -> None:
    """Hand a query to the Cypher console page and go there."""
    st.session_state[INCOMING] = {"text": text, "params": dict(params), "title": title}
    st.switch_page(CYPHER_PAGE)


def cypher_expander(text: str, params: dict[str, object], title: str, key: str) -> None:
    """An expander with the Cypher equivalent of the current view and a button opening it in the console."""
    from graph_loader.cypher_library import cypher_literal

    with st.expander("The Cypher behind this view", icon=":material/code:"):
        st.caption("Run it against Neo4j in the Cypher console (or in Neo4j Browser with these parameters).")
        st.code(text, language="cypher")
        st.code("\n".join(f":param {k} => {cypher_literal(v)};" for k, v in params.items()), language="cypher")
        if st.button("Open in the Cypher console", key=key, icon=":material/terminal:"):
            open_in_console(text, params, title)
