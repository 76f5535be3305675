"""Drawing helpers shared by the pages: escaping, evidence, query parameters, filters.

Text from articles is data: :func:`md` escapes it before it reaches ``st.markdown`` (which would read
``*``, ``[`` or ``$`` as markup, and ``$...$`` as LaTeX).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlparse

import streamlit as st

from app import data
from graph_loader.model import language_name
from graph_loader.store import Filters, GraphStore, Source, StoreError

LOAD_HINT = ("No graph has been loaded yet. Load the sample articles with\n\n"
             "```\nportero load sample_data/articles\n```\n\n"
             "(add `--to neo4j` to load them into Neo4j), then reload this page.")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$=:])")
# The page scripts, as st.Page and st.switch_page name them (relative to app/main.py). The folder is not
# called pages/: Streamlit would take that for a legacy multipage app and run a page without the router.
EXPLORE_PAGE = "views/explore.py"
ACTOR_PAGE = "views/actor.py"
CONNECTIONS_PAGE = "views/connections.py"
TIMELINE_PAGE = "views/timeline.py"
CLAIMS_PAGE = "views/claims.py"
SNAPSHOT_PAGE = "views/snapshot.py"
CYPHER_PAGE = "views/cypher.py"


def md(text: object) -> str:
    """``text`` with every Markdown special character escaped (whitespace collapsed).

    >>> md("A *bold* $5 [link](x) <b>")
    'A \\\\*bold\\\\* \\\\$5 \\\\[link\\\\]\\\\(x\\\\) \\\\<b\\\\>'
    """
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text or "").split()))


def safe_url(url: str) -> str | None:
    """``url`` when it is a plain http(s) address, else None (no ``javascript:`` links).

    >>> safe_url("https://example.org/a"), safe_url("javascript:alert(1)")
    ('https://example.org/a', None)
    """
    try:
        parts = urlparse(url or "")
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc and not re.search(r"[\s<>()\"']", url):
        return url
    return None


def classroom() -> bool:
    """Teachers' mode (``?classroom=1``): only the graph and its caption."""
    return str(st.query_params.get("classroom", "")).lower() in ("1", "true", "yes")


@dataclass
class Context:
    store: GraphStore
    key: str


def context() -> Context:
    """The store in use; stops the page with a clear message when there is nothing to show."""
    try:
        store, key = data.current()
        if not store.available() or data.counts(store, key).nodes == 0:
            st.info(LOAD_HINT)
            st.stop()
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
    return Context(store, key)


def source_line(src: Source) -> str:
    """The article a sentence came from: title, publisher, date and a link (Markdown, escaped)."""
    title = md(src.title or src.article_id or "unknown article")
    bits = [f"*{title}*"] + [md(x) for x in (src.publisher, src.published) if x]
    if src.language:
        bits.append(md(language_name(src.language)))  # the sentence above is quoted as written
    url = safe_url(src.url)
    link = f" · [source]({url})" if url else ""
    return ", ".join(bits) + link


def show_sources(sources: Iterable[Source], limit: int = 3) -> None:
    """Each evidence sentence as a quote with its article underneath."""
    sources = list(sources)
    if not sources:
        st.caption("No evidence sentence recorded.")
        return
    for src in sources[:limit]:
        st.markdown(f"> “{md(src.sentence)}”  \n> — {source_line(src)}")
    if len(sources) > limit:
        with st.expander(f"{len(sources) - limit} more source(s)"):
            for src in sources[limit:]:
                st.markdown(f"> “{md(src.sentence)}”  \n> — {source_line(src)}")


def graph_frame(page: str, height: int) -> None:
    """Show a page made by :func:`graph_loader.render.to_pyvis_html` (our own, escaped HTML) in an iframe."""
    if hasattr(st, "iframe"):  # Streamlit >= 1.50; components.v1.html is deprecated there
        st.iframe(page, height=height)
    else:
        import streamlit.components.v1 as components

        components.html(page, height=height, scrolling=False)


def param(name: str, default: str = "") -> str:
    value = st.query_params.get(name, default)
    return str(value) if value is not None else default


def param_list(name: str) -> list[str]:
    raw = param(name)
    return [x for x in raw.split(",") if x] if raw else []


def set_params(**values: object) -> None:
    """Write page state into the URL (empty values removed), so a view can be shared as a link."""
    for name, value in values.items():
        if value in (None, "", [], ()):
            if name in st.query_params:
                del st.query_params[name]
            continue
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
        if st.query_params.get(name) != text:
            st.query_params[name] = text


def init_state(key: str, value: object) -> None:
    """Give a widget its first value (from the URL) without fighting later user changes."""
    if key not in st.session_state:
        st.session_state[key] = value


def filter_controls(ctx: Context, *, default_labels: list[str], show_labels: bool = True) -> Filters:
    """Widgets for node types, event types, period (dates or administration) and source article.

    They start from the query parameters ``labels``, ``types``, ``from``, ``to``, ``admin``, ``article``.
    """
    onto = data.ontology()
    all_labels = list(onto.nodes)
    init_state("f_labels", [x for x in param_list("labels") if x in all_labels] or default_labels)
    init_state("f_types", [x for x in param_list("types") if x in onto.event_types])
    admins = data.administrations(ctx.store, ctx.key)
    admin_ids = [a.id for a in admins]
    years = _years(ctx)
    start_from, start_to = param("from"), param("to")
    init_state("f_period", "Administration" if param("admin") in admin_ids else
               "Years" if (start_from or start_to) else "Any time")
    latest = admin_ids[-1] if admin_ids else None
    init_state("f_admin", param("admin") if param("admin") in admin_ids else latest)
    lo, hi = years
    try:
        init_state("f_years", (max(lo, int(start_from[:4])) if start_from else lo,
                               min(hi, int(start_to[:4])) if start_to else hi))
    except ValueError:
        init_state("f_years", (lo, hi))
    arts = data.articles(ctx.store, ctx.key)
    art_ids = [a.id for a in arts]
    init_state("f_article", param("article") if param("article") in art_ids else None)

    labels = st.pills("Node types", all_labels, selection_mode="multi", key="f_labels",
                      help="Articles link to everything they mention; add them to see sources.") \
        if show_labels else st.session_state["f_labels"]
    labels = list(labels or [])
    types = st.multiselect("Event types", list(onto.event_types), key="f_types",
                           placeholder="All event types")
    period = st.radio("Period", ["Any time", "Years", "Administration"], key="f_period", horizontal=True)
    date_from = date_to = admin = None
    if period == "Years" and lo < hi:
        y0, y1 = st.slider("Years", lo, hi, key="f_years")
        date_from, date_to = str(y0), str(y1)
    elif period == "Administration" and admins:
        names = {a.id: f"{a.name} ({a.country or '?'}, {a.start or '?'}–{a.end or 'today'})"
                 for a in admins}
        admin = st.selectbox("Administration", admin_ids, key="f_admin", format_func=names.get)
    titles = {a.id: f"{a.title} ({a.publisher}, {a.published or 'undated'}, {language_name(a.language)})"
              for a in arts}
    article = st.selectbox("Source article", art_ids, key="f_article", index=None, format_func=titles.get,
                           placeholder="All articles")
    languages = sorted({a.language for a in arts if a.language})
    init_state("f_lang", param("lang") if param("lang") in languages else None)
    language = st.selectbox("Article language", languages, key="f_lang", index=None, format_func=language_name,
                            placeholder="Every language",
                            help="Keep what articles in this language report; sentences stay as written.") \
        if len(languages) > 1 else None
    set_params(labels=labels if sorted(labels) != sorted(default_labels) else None, types=types,
               **{"from": date_from, "to": date_to}, admin=admin, article=article, lang=language)
    return Filters(labels=tuple(labels), event_types=tuple(types), date_from=date_from, date_to=date_to,
                   administration=admin, article=article, language=language)


def _years(ctx: Context) -> tuple[int, int]:
    """The span of years the events and administrations cover (for the slider)."""
    years = [int(e.date[:4]) for e in data.events(ctx.store, ctx.key, Filters())
             if e.date and e.date[:4].isdigit()]
    for a in data.administrations(ctx.store, ctx.key):
        years += [int(x[:4]) for x in (a.start, a.end) if x and x[:4].isdigit()]
    return (min(years), max(years)) if years else (2000, 2030)


def filters_caption(f: Filters, ctx: Context) -> str:
    """The filters in words, for captions."""
    parts = []
    if f.event_types:
        parts.append("events: " + ", ".join(f.event_types))
    if f.administration:
        names = {a.id: a.name for a in data.administrations(ctx.store, ctx.key)}
        parts.append(names.get(f.administration, f.administration))
    elif f.date_from or f.date_to:
        parts.append(f"{f.date_from or '…'}–{f.date_to or '…'}")
    if f.article:
        titles = {a.id: a.title for a in data.articles(ctx.store, ctx.key)}
        parts.append("article: " + titles.get(f.article, f.article))
    if f.language:
        parts.append(f"articles in {language_name(f.language)}")
    return "; ".join(parts)
