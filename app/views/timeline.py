"""Timeline: the administrations of both countries as bands, the events as marks; pick one to read it."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from app import data, ui
from graph_loader.store import Filters

ctx = ui.context()
onto = data.ontology()

st.title("Timeline")
ui.init_state("t_types", [x for x in ui.param_list("types") if x in onto.event_types])
types = st.multiselect("Event types", list(onto.event_types), key="t_types", placeholder="All event types")
ui.set_params(types=types)

events = data.events(ctx.store, ctx.key, Filters(event_types=tuple(types)))
# Every administration the gazetteer knows, not only those the articles name: a period shows who governed.
admins = data.with_known_administrations(data.administrations(ctx.store, ctx.key), data.gazetteer_administrations())
today = dt.date.today()


def _day(value: str | None, *, end: bool = False) -> pd.Timestamp | None:
    """A date or a bare year as a day (a year's end for an end bound)."""
    if not value:
        return None
    v = str(value)
    if len(v) == 4:
        v += "-12-31" if end else "-01-01"
    elif len(v) == 7:
        v += "-28" if end else "-01"
    try:
        return pd.Timestamp(v)
    except ValueError:
        return None


def _short(name: str) -> str:
    """A band's label: the leader's name without "administration" or the years (the tooltip has them).

    >>> _short("Trump administration (2017-2021)"), _short("Peña Nieto administration")
    ('Trump', 'Peña Nieto')
    """
    return name.split(" (")[0].replace(" administration", "").strip()


dated = [e for e in events if _day(e.date) is not None]
undated = [e for e in events if _day(e.date) is None]
ev_years = [_day(e.date).year for e in dated]
# The chart spans the events, with the administrations around them (not decades of empty bands).
lo = min(ev_years, default=today.year - 10) - 2
hi = max(ev_years, default=today.year) + 1
bands = pd.DataFrame([{
    "row": a.country or "Other", "name": a.name, "leader": a.leader,
    "start": max(_day(a.start) or pd.Timestamp(f"{lo}-01-01"), pd.Timestamp(f"{lo}-01-01")),
    "end": min(_day(a.end, end=True) or pd.Timestamp(today), pd.Timestamp(f"{hi}-12-31")),
    "term": f"{a.start or '?'}–{a.end or 'today'}",
    "short": _short(a.name),
} for a in admins if (_day(a.end, end=True) or pd.Timestamp(today)).year >= lo and (
    _day(a.start) or pd.Timestamp(f"{lo}-01-01")).year <= hi])
marks = pd.DataFrame([{
    "row": "Events", "date": _day(e.date), "type": e.event_type, "name": e.name, "id": e.id,
    "when": e.date,
} for e in dated])

if bands.empty and marks.empty:
    st.info("No dated events or administrations to draw.")
else:
    scale = alt.Scale(domain=[pd.Timestamp(f"{lo}-01-01"), pd.Timestamp(f"{hi}-12-31")])
    rows = sorted(set(bands["row"])) if not bands.empty else []
    layers = []
    if not bands.empty:
        base = alt.Chart(bands)
        layers.append(base.mark_bar(opacity=0.55, cornerRadius=3, height=26).encode(
            x=alt.X("start:T", scale=scale, title=None), x2="end:T",
            y=alt.Y("row:N", sort=rows + ["Events"], title=None),
            color=alt.Color("name:N", legend=None, scale=alt.Scale(scheme="pastel1")),
            tooltip=["name", "leader", "term"]))
        layers.append(base.mark_text(align="left", dx=4, fontSize=10, color="#333").encode(
            x="start:T", y=alt.Y("row:N", sort=rows + ["Events"]), text="short:N"))
    if not marks.empty:
        drawn = [t for t in onto.event_types if t in set(marks["type"])]  # each type in its own colour
        layers.append(alt.Chart(marks).mark_point(filled=True, size=200, opacity=0.95, stroke="white",
                                                   strokeWidth=1).encode(
            x=alt.X("date:T", scale=scale, title=None), y=alt.Y("row:N", sort=rows + ["Events"], title=None),
            color=alt.Color("type:N", title="Event type", scale=alt.Scale(domain=drawn, range=[
                onto.event_colour(t) for t in drawn]),
                            legend=alt.Legend(orient="bottom", direction="horizontal", symbolSize=120)),
            tooltip=["when", "type", "name"]))
    # Bands and events colour different things: keep their colour scales (and legends) apart.
    chart = alt.layer(*layers).resolve_scale(color="independent").properties(
        height=55 * (len(rows) + 1)).configure_axis(
        grid=False, labelFontSize=12)
    # Room for the legend under the rows (Streamlit fits the whole chart, legend included, in `height`).
    full_height = 55 * (len(rows) + 1) + 110
    try:
        st.altair_chart(chart, width="stretch", height=full_height)
    except TypeError:  # Streamlit before 1.46 sizes charts with use_container_width
        st.altair_chart(chart, use_container_width=True)
    st.caption(f"{len(dated)} dated event{'s' if len(dated) != 1 else ''}"
               + (f" ({len(undated)} undated not drawn)" if undated else "")
               + f"; {len(bands)} administrations of "
               + ", ".join(sorted(set(bands["row"]) if not bands.empty else ())) + " in this period.")

# --- one event ------------------------------------------------------------------------------------------
if events:
    st.header("Events")
    labels = {e.id: f"{e.date or 'undated'} · {e.event_type} · {e.name}" for e in events}
    ids = list(labels)
    wanted = ui.param("event")
    chosen = st.selectbox("Choose an event", ids, index=ids.index(wanted) if wanted in ids else 0,
                          format_func=labels.get, key="t_event")
    ui.set_params(event=chosen)
    ev = next(e for e in events if e.id == chosen)
    with st.container(border=True):
        during = ", ".join(ui.md(n) for _i, n in ev.administrations)
        st.markdown(f"**{ui.md(ev.name)}**  \n:orange-badge[{ui.md(ev.event_type)}] "
                    f"{ui.md(ev.date or 'undated')}" + (f" · during {during}" if during else ""))
        if ev.participants:
            st.markdown("**Participants**")
            for p in ev.participants:
                line = st.columns([5, 1.4], vertical_alignment="center")
                line[0].markdown(f"{ui.md(p.name)} :gray[({ui.md(p.label)}, {ui.md(p.role or 'involved')})]")
                line[1].page_link(ui.ACTOR_PAGE, label="Open", icon=":material/arrow_forward:",
                                  query_params={"id": p.id})
        st.markdown("**Evidence**")
        ui.show_sources(ev.sources, limit=5)
else:
    st.info("No events of these types.")
