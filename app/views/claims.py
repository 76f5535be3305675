"""Claims: what actors assert and deny, contested claims first, both sides next to each other."""

from __future__ import annotations

import streamlit as st

from app import data, ui
from graph_loader.store import Stance

ctx = ui.context()
claims = data.claims(ctx.store, ctx.key)

st.title("Claims")
st.markdown("Propositions that actors assert or deny in the articles. A claim is **contested** when one "
            "actor asserts it and another denies it.")
if not claims:
    st.info("No claims were read from these articles.")
    st.stop()

only_contested = st.toggle("Contested only", key="c_contested",
                           value=ui.param("contested") in ("1", "true"))
ui.set_params(contested="1" if only_contested else None)
shown = [c for c in claims if c.contested or not only_contested]
st.caption(f"{sum(c.contested for c in claims)} contested of {len(claims)} claims.")


def _side(stances: tuple[Stance, ...], verb: str) -> None:
    if not stances:
        st.caption(f"Nobody {verb} it in these articles.")
    for s in stances:
        st.markdown(f"**{ui.md(s.actor_name)}** :gray[({ui.md(s.actor_label)})]")
        ui.show_sources(s.sources, limit=2)


for claim in shown:
    with st.container(border=True):
        badge = " :violet-badge[contested]" if claim.contested else ""
        st.subheader(ui.md(claim.text), anchor=False)
        if badge:
            st.markdown(badge)
        left, right = st.columns(2)
        with left:
            st.markdown(":green-badge[Asserts]")
            _side(claim.asserts, "asserts")
        with right:
            st.markdown(":red-badge[Denies]")
            _side(claim.denies, "denies")
