"""The Cypher behind a view (Explore, Actor), shown under it and handed to the Cypher console page."""

from __future__ import annotations

import streamlit as st

from app.ui import CYPHER_PAGE
from graph_loader.ontology import load_ontology
from graph_loader.store import Filters, GraphStore, edge_condition, filter_params, node_conditions

INCOMING = "cy_incoming"  # session key: a query (text, params, title) handed to the console page


def cypher_list(names: object) -> str:
    """A Cypher list literal of names, sorted.

    >>> cypher_list({"B", "A"})
    "['A', 'B']"
    """
    return "[" + ", ".join(f"'{n}'" for n in sorted(names)) + "]"  # type: ignore[call-overload]


# Relationships followed only from the focus itself, as GraphStore.neighbourhood does (they reach hubs),
# and those a node's number of relationships leaves out.
_HUB_TYPES = cypher_list(load_ontology().hub_types)
_UNCOUNTED = cypher_list(load_ontology().uncounted_types)


def explore_cypher(store: GraphStore, focus: str | None, hops: int, filters: Filters,
                   cap: int, hub: int = 0) -> tuple[str, dict[str, object]]:
    """Parameterised Cypher that returns the nodes and relationships the Explore view draws.

    Focused: the nodes within ``$hops`` of ``$focus`` through nodes the filters keep (hub relationships
    only from the focus, and through no node of more than ``$hub`` relationships when ``hub``), nearest
    and best connected first, at most ``$cap``. Unfocused: the ``$cap`` best-connected nodes. Each row is
    one node and its relationships to the other nodes shown.
    """
    f = store.resolve_filters(filters)
    params = {**filter_params(f), "cap": int(cap)}

    def degree(v: str) -> str:
        return f"COUNT {{ ({v})-[d]-() WHERE NOT type(d) IN {_UNCOUNTED} }}"

    edge_where = f"\n  AND {edge_condition('r')}" if f.article else ""
    tail = ("UNWIND shown AS n\n"
            f"OPTIONAL MATCH (n)-[r]->(m) WHERE m IN shown{edge_where}\n"
            "RETURN n, collect(r) AS relationships\n"
            "ORDER BY toLower(n.name)")
    if focus:
        params = {"focus": focus, "hops": int(hops), **params}
        conds = node_conditions(f, "x")
        path_where = [f"all(t IN tail(relationships(path)) WHERE NOT type(t) IN {_HUB_TYPES})",
                      "length(path) <= $hops", "other <> focus"]
        if conds:
            path_where.append("all(x IN tail(nodes(path)) WHERE " + "\n      AND ".join(conds) + ")")
        if f.article:
            path_where.append("all(t IN relationships(path) WHERE " + edge_condition("t") + ")")
        if hub > 0:
            params["hub"] = int(hub)
            path_where.append(f"all(x IN nodes(path)[1..-1] WHERE {degree('x')} <= $hub)")
        text = (
            "// The Explore view: the node $focus and what lies within $hops hops of it, through nodes the\n"
            f"// filters keep. {' and '.join(sorted(load_ontology().hub_types))} are followed from the focus only"
            " (they lead to hubs)"
            + (", and no path goes through a node of more than $hub relationships.\n" if hub > 0 else ".\n") +
            "// A variable-length bound cannot be a parameter: the search stops at 3 hops, $hops cuts it.\n"
            "MATCH (focus {id: $focus})\n"
            "OPTIONAL MATCH path = (focus)-[*1..3]-(other)\n"
            "WHERE " + "\n  AND ".join(path_where) + "\n"
            "WITH focus, other, min(length(path)) AS distance\n"
            f"ORDER BY distance, {degree('other')} DESC, toLower(other.name)\n"
            "WITH focus, collect(other)[..$cap - 1] AS reached\n"
            "WITH [focus] + reached AS shown\n" + tail)
    else:
        conds = node_conditions(f, "n") or ["NOT n:Article"]
        text = (
            "// The Explore overview: the $cap best-connected nodes the filters keep, and the\n"
            f"// relationships among them ({', '.join(sorted(load_ontology().uncounted_types))} not counted in a"
            " node's connections).\n"
            "MATCH (n)\n"
            "WHERE " + "\n  AND ".join(conds) + "\n"
            f"WITH n ORDER BY {degree('n')} DESC, toLower(n.name)\n"
            "LIMIT $cap\n"
            "WITH collect(n) AS shown\n" + tail)
    return text, params


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
