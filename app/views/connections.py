"""Connections: the shortest paths between two actors, each hop explained with its evidence."""

from __future__ import annotations

import streamlit as st

from app import data, ui

ctx = ui.context()
actors = data.actors(ctx.store, ctx.key)
ids = [h.id for h in actors]
names = {h.id: f"{h.name} · {h.label}" for h in actors}

st.title("Connections")
st.markdown("How are two actors linked? The shortest chains of relationships and shared events, "
            "each step with the sentence it was read from. (Being named in the same article does not count.)")

ui.init_state("conn_a", ui.param("a") if ui.param("a") in names else None)
ui.init_state("conn_b", ui.param("b") if ui.param("b") in names else None)
cols = st.columns(2)
a = cols[0].selectbox("From", ids, key="conn_a", index=None, format_func=names.get, placeholder="Type a name")
b = cols[1].selectbox("To", ids, key="conn_b", index=None, format_func=names.get, placeholder="Type a name")
ui.set_params(a=a, b=b)

if not a or not b:
    st.stop()
if a == b:
    st.info("Choose two different actors.")
    st.stop()

paths = data.shortest_paths(ctx.store, ctx.key, a, b)
if not paths:
    st.warning(f"No chain of at most 6 relationships links {names[a].split(' · ')[0]} and "
               f"{names[b].split(' · ')[0]} in these articles.")
    st.stop()

n_hops = len(paths[0].hops)
st.success(f"{len(paths)} shortest path{'s' if len(paths) > 1 else ''} of {n_hops} "
           f"step{'s' if n_hops > 1 else ''}.")
view = data.paths_view(ctx.store, ctx.key, a, b)
ui.graph_frame(view.html, 400)

onto = data.ontology()
for i, path in enumerate(paths, 1):
    st.subheader(f"Path {i}: " + " → ".join(ui.md(name) for _id, name, _label in path.nodes), anchor=False)
    for hop in path.hops:
        for link in hop.links:
            out = onto.phrase(link.rel_type)
            src_name = hop.from_name if link.source_id == hop.from_id else hop.to_name
            dst_name = hop.to_name if link.target_id == hop.to_id else hop.from_name
            extra = ", ".join(f"{k}: {v}" for k, v in onto.shown_properties(link.props))
            st.markdown(f"**{ui.md(src_name)}** {ui.md(out)} **{ui.md(dst_name)}** "
                        f":gray[{ui.md(link.rel_type)}{' · ' + ui.md(extra) if extra else ''}]")
            ui.show_sources(link.sources, limit=2)
