"""Small drawing helpers shared by the pages: escaping, evidence, query parameters, filters.

Text from articles is data: :func:`md` escapes it before it reaches ``st.markdown`` (which would read
``*``, ``[`` or ``$`` as markup, and ``$...$`` as LaTeX).
"""

from __future__ import annotations

import re
import runpy
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import streamlit as st

from app import data
from graph_loader.model import language_name
from graph_loader.store import (
    Filters,
    GraphStore,
    Source,
    StoreError,
    edge_condition,
    filter_params,
    node_conditions,
)

LOAD_HINT = ("No graph has been loaded yet. Load the sample articles with\n\n"
             "```\nportero load sample_data/articles\n```\n\n"
             "(add `--to neo4j` to load them into Neo4j), then reload this page.")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$=:])")
ACTOR_PAGE = "pages/actor.py"
EXPLORE_PAGE = "pages/explore.py"
CONNECTIONS_PAGE = "pages/connections.py"


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


MAIN = Path(__file__).resolve().parent.parent / "main.py"
_routing = threading.local()


@contextmanager
def routed() -> Iterator[None]:
    """Marks a script run as routed by ``app/main.py`` (which wraps ``page.run()`` in it)."""
    _routing.on = True
    try:
        yield
    finally:
        _routing.on = False


def ensure_routed() -> None:
    """Run the app's router when Streamlit ran a page file on its own.

    Until ``st.navigation`` has run once in the server, Streamlit treats a ``pages/`` folder next to the
    main script as a legacy multipage app: a first request for ``/claims`` would run ``pages/claims.py``
    without ``app/main.py`` (no page config, no store notice). Then the router is run here instead.
    """
    if not getattr(_routing, "on", False):
        runpy.run_path(str(MAIN), run_name="__main__")
        st.stop()


def classroom() -> bool:
    """Teachers' mode (``?classroom=1``): only the graph and its caption."""
    return str(st.query_params.get("classroom", "")).lower() in ("1", "true", "yes")


@dataclass
class Context:
    store: GraphStore
    key: str


def context() -> Context:
    """The store in use; stops the page with a clear message when there is nothing to show."""
    ensure_routed()
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


# --- the Cypher behind a view, and the console it opens in ----------------------------------------------

CYPHER_PAGE = "pages/cypher.py"
SNAPSHOT_PAGE = "pages/snapshot.py"
INCOMING = "cy_incoming"  # session key: a query (text, params, title) handed to the console page
# Relationships followed only from the focus itself, as GraphStore.neighbourhood does (they reach hubs).
_HUB_TYPES = "['MENTIONS', 'DURING']"


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
        return f"COUNT {{ ({v})-[d]-() WHERE type(d) <> 'MENTIONS' }}"

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
            "// filters keep. MENTIONS and DURING are followed from the focus only (they lead to hubs)"
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
            "// relationships among them (MENTIONS is not counted in a node's connections).\n"
            "MATCH (n)\n"
            "WHERE " + "\n  AND ".join(conds) + "\n"
            f"WITH n ORDER BY {degree('n')} DESC, toLower(n.name)\n"
            "LIMIT $cap\n"
            "WITH collect(n) AS shown\n" + tail)
    return text, params


def actor_cypher(nid: str) -> tuple[str, dict[str, object]]:
    """Parameterised Cypher for the Actor page: every relationship of ``$id`` but MENTIONS, with the
    other end and the evidence sentences and articles it was read from."""
    text = (
        "// The Actor page: what the graph says about the node $id, relationship by relationship,\n"
        "// with the sentences each was read from (articles that merely name it are left out).\n"
        "MATCH (a {id: $id})-[r]-(b)\n"
        "WHERE type(r) <> 'MENTIONS'\n"
        "RETURN a.name AS actor, type(r) AS relationship,\n"
        "       CASE WHEN startNode(r) = a THEN 'out' ELSE 'in' END AS direction,\n"
        "       b.name AS other, head(labels(b)) AS other_label, b.event_type AS event_type,\n"
        "       r.title AS title, r.role AS role, r.evidence_sentences AS evidence,\n"
        "       r.evidence_articles AS articles, r\n"
        "ORDER BY relationship, direction, toLower(other)")
    return text, {"id": nid}


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


# --- Neo4j for the Cypher console ----------------------------------------------------------------------


@dataclass
class Console:
    """What the Cypher console runs on: a driver and database, or None and why not."""

    driver: object | None
    database: str
    uri: str
    problem: str = ""
    # No NEO4J_URI and this project's local server not running: the default address may be anyone's, so
    # the console does not connect there (``driver`` is None) and says so.
    unconfigured: bool = False
    # No NEO4J_URI, and the console runs on the local server of ``portero neo4j start``.
    local: bool = False


def _release_driver(opened: tuple[object | None, str, float]) -> None:
    if opened[0] is not None:
        opened[0].close()  # type: ignore[attr-defined]


try:  # newer Streamlit tells when a cached resource is dropped; older ones have no on_release
    _driver_cache = st.cache_resource(show_spinner=False, max_entries=2, on_release=_release_driver)
except TypeError:
    _driver_cache = st.cache_resource(show_spinner=False, max_entries=2)


@_driver_cache
def _console_driver(key: str, _settings: object) -> tuple[object | None, str, float]:
    """A verified driver for the configured Neo4j, or None and the reason (first line, no password)."""
    import time

    from neo4j import GraphDatabase

    s = _settings
    try:
        driver = GraphDatabase.driver(s.neo4j_uri, auth=s.neo4j_auth, connection_timeout=5.0)  # type: ignore[attr-defined]
    except Exception as exc:  # a malformed URI
        return None, f"the address is not usable: {exc}", time.monotonic()
    try:
        driver.verify_connectivity()
    except Exception as exc:
        driver.close()
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, reason, time.monotonic()
    return driver, "", time.monotonic()


def console() -> Console:
    """The Neo4j the console runs on: the app's own when it reads Neo4j, else the configured server
    (a researcher may run Neo4j while the other pages read the embedded store)."""
    import hashlib
    import time

    from graph_loader.settings import load_settings
    from graph_loader.store import Neo4jStore

    settings = load_settings()
    try:
        store, _key = data.current()
    except StoreError:
        store = None
    if isinstance(store, Neo4jStore):
        return Console(store.driver, store.database, store.uri or settings.neo4j_uri)
    if settings.neo4j_is_local:
        from graph_loader import neo4j_server

        if not neo4j_server.local_running(settings):
            return Console(None, settings.neo4j_database, settings.neo4j_uri, unconfigured=True)
    secret = settings.neo4j_password or ""
    user = settings.neo4j_auth[0] if settings.neo4j_auth else ""
    key = "|".join([settings.neo4j_uri, settings.neo4j_database, user,
                    hashlib.sha256(secret.encode()).hexdigest()[:16]])
    driver, problem, opened = _console_driver(key, settings)
    if driver is None and time.monotonic() - opened > data.RETRY_NEO4J_AFTER:
        _console_driver.clear()  # it may have been started since: try again now and then
        driver, problem, opened = _console_driver(key, settings)
    if secret:
        problem = problem.replace(secret, "***")
    return Console(driver, settings.neo4j_database, settings.neo4j_uri, problem, local=settings.neo4j_is_local)
