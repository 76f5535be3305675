"""Actor: who one actor is and everything the articles say about it, each fact with its evidence."""

from __future__ import annotations

import streamlit as st

from app import data, ui, view_cypher

ctx = ui.context()

# --- which actor: the link's ?id=, or a search ---------------------------------------------------------
nid = ui.param("id") or ui.param("focus")
if not ui.classroom():
    with st.sidebar:
        text = st.text_input("Find an actor", key="actor_q", placeholder="e.g. García Harfuch")
        if text.strip():
            hits = data.search(ctx.store, ctx.key, text.strip())
            if hits:
                names = {h.id: f"{h.name} · {h.label}" for h in hits}
                nid = st.selectbox("Matches", list(names), format_func=names.get,
                                   key=f"actor_hit::{text.strip()}")
            else:
                st.warning(f"No actor matches “{text.strip()}”.")
if not nid:
    st.title("Actors")
    st.markdown("Search for an actor above, or open one from the Explore page. The most connected:")
    top = sorted(data.actors(ctx.store, ctx.key), key=lambda h: -h.degree)[:12]
    cols = st.columns(3)
    for i, h in enumerate(top):
        cols[i % 3].page_link(ui.ACTOR_PAGE, label=f"{h.name} · {h.label}", query_params={"id": h.id})
    st.stop()

facts = data.actor_facts(ctx.store, ctx.key, nid)
if facts is None:
    st.warning(f"There is no node with id “{nid}” in this graph.")
    st.stop()
ui.set_params(id=nid)
node = facts.node

# --- who ------------------------------------------------------------------------------------------------
st.title(ui.md(node.name), anchor=False)
st.markdown(f":blue-badge[{ui.md(node.label)}]" + (
    f" :gray-badge[{ui.md(node.props.get('event_type'))}]" if node.props.get("event_type") else "")
    + (f" :gray-badge[{ui.md(node.props.get('country'))}]" if node.props.get("country") else ""))
if node.aliases:
    st.markdown("**Also called:** " + ", ".join(ui.md(a) for a in node.aliases))
described = {k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in node.props.items()
             if k in ("titles", "date", "start", "end", "leader", "party")}
if described:
    st.markdown(" · ".join(f"**{ui.md(k.capitalize())}:** {ui.md(v)}" for k, v in described.items()))
links = st.columns(3)
links[0].page_link(ui.EXPLORE_PAGE, label="Show in the graph", icon=":material/hub:",
                   query_params={"focus": node.id, "hops": "1"})
links[1].page_link(ui.CONNECTIONS_PAGE, label="Find connections", icon=":material/route:",
                   query_params={"a": node.id})
st.caption(f"Named in {len(node.articles)} article{'s' if len(node.articles) != 1 else ''}; "
           f"{node.degree} relationship{'s' if node.degree != 1 else ''} in the graph.")

# --- roles ----------------------------------------------------------------------------------------------
if facts.roles:
    st.header("Roles")
    for r in facts.roles:
        period = f"({r.start or '?'}–{r.end or 'today'})" if (r.start or r.end) else ""
        line = st.columns([5, 1.4], vertical_alignment="center")
        line[0].markdown(f"**{ui.md(r.title)}**, {ui.md(r.org_name)} {ui.md(period)}")
        line[1].page_link(ui.ACTOR_PAGE, label="Open", icon=":material/arrow_forward:",
                          query_params={"id": r.org_id})
        ui.show_sources(r.sources, limit=2)

# --- related actors -------------------------------------------------------------------------------------
st.header("Related actors")
# Posts held are listed under Roles; the other relationships with actors come here.
as_roles = {(r.rel_type, r.org_id) for r in facts.roles}
related = [r for r in facts.relations if not (r.direction == "out" and (r.rel_type, r.other_id) in as_roles)]
if not related:
    st.caption("Only the roles above." if facts.roles else
               "No relationship with another actor was read from the articles.")
for rel in related:
    extra = ", ".join(f"{k}: {v}" for k, v in data.ontology().shown_properties(rel.props))
    line = st.columns([5, 1.4], vertical_alignment="center")
    line[0].markdown(f"{ui.md(node.name)} **{ui.md(rel.phrase)}** {ui.md(rel.other_name)} "
                     f":gray[({ui.md(rel.other_label)}{', ' + ui.md(extra) if extra else ''})]")
    line[1].page_link(ui.ACTOR_PAGE, label="Open", icon=":material/arrow_forward:",
                      query_params={"id": rel.other_id})
    ui.show_sources(rel.sources, limit=2)

# --- events ---------------------------------------------------------------------------------------------
st.header("Events")
if not facts.events:
    st.caption("No event involving this actor was read from the articles.")
for ev, roles in facts.events:
    others = [f"{ui.md(p.name)} ({ui.md(p.role)})" for p in ev.participants if p.id != node.id]
    role = f" as {', '.join(ui.md(r) for r in roles if r)}" if any(roles) else ""
    st.markdown(f"**{ui.md(ev.date or 'undated')}** · :orange-badge[{ui.md(ev.event_type)}]{role}"
                + (f" — with {', '.join(others)}" if others else ""))
    ui.show_sources(ev.sources, limit=2)

# --- claims ---------------------------------------------------------------------------------------------
if facts.claims:
    st.header("Claims")
    for claim, stance in facts.claims:
        badge = ":red-badge[denies]" if stance == "denies" else ":green-badge[asserts]"
        st.markdown(f"{badge} {ui.md(claim.text)}" + (" :violet-badge[contested]" if claim.contested else ""))
        mine = [s for s in (claim.denies if stance == "denies" else claim.asserts) if s.actor_id == node.id]
        for s in mine:
            ui.show_sources(s.sources, limit=2)

# --- where it is named ----------------------------------------------------------------------------------
if node.sources:
    with st.expander("Where it is named"):
        ui.show_sources(node.sources, limit=10)

# --- the same facts in Cypher, for the console ----------------------------------------------------------
cypher, cypher_params = view_cypher.actor_cypher(node.id)
view_cypher.cypher_expander(cypher, cypher_params, f"The Actor page: {node.name}", key="actor_cypher")
