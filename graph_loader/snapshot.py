"""Snapshots for a lesson: one self-contained web page, or a PNG/SVG image, of a part of the graph.

``portero snapshot`` and the app's Snapshot page both use these functions:

- :func:`focus_subgraph` / :func:`overview_subgraph` choose what to show; article nodes are left out of
  the picture and listed as sources instead (``subgraph.graph["sources"]``);
- :func:`sources_caption` writes the caption: article titles, publishers and dates;
- :func:`snapshot_html` is ONE file with the interactive graph, legend, title, caption, creation date
  and, as text, every fact shown with its evidence sentence; it requests nothing from any host;
- :func:`snapshot_image` is a PNG or an SVG (text kept as text) drawn with matplotlib.

Text from articles is data, never markup: it is escaped in the page and in the SVG.

>>> from graph_loader.graph import add_edge, add_node, new_graph
>>> g = new_graph()
>>> add_node(g, "person:ana", "Person", "Ana Ruíz", aliases=["Ruíz"])  # True: the node is new
True
>>> _ = add_node(g, "agency:dea", "Agency", "Drug Enforcement Administration", aliases=["DEA"])
>>> _ = add_edge(g, "person:ana", "LEADS", "agency:dea")
>>> sorted(focus_subgraph(g, "ANA RUIZ", hops=1).nodes)
['agency:dea', 'person:ana']
>>> focus_subgraph(g, "Nobody", hops=1)
Traceback (most recent call last):
...
graph_loader.snapshot.SnapshotError: unknown actor 'Nobody': no node has that name or alias
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import io
import math
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from .atomic import atomic_write
from .image_labels import place_apart, text_overlaps
from .model import normalise_name
from .ontology import Ontology, load_ontology
from .store import EmbeddedStore, Filters, GraphStore, left_out

DEFAULT_HOPS = 2  # events and claims sit between actors: two hops reach the actors they connect
IMAGE_MAX_NODES = 300  # beyond this a still image is unreadable (and the layout slow)
FORMATS = ("html", "png", "svg")
class SnapshotError(ValueError):
    """What to draw cannot be found or made; the message names the actor or file and the problem."""


# --- what to show ------------------------------------------------------------------------------------


def as_store(source: GraphStore | nx.MultiDiGraph) -> GraphStore:
    """A store over ``source``: itself when it is one, else an embedded store over the graph."""
    return source if isinstance(source, GraphStore) else EmbeddedStore.from_graph(source)


def find_node(source: GraphStore | nx.MultiDiGraph, name: str) -> str:
    """The id of the node named ``name`` (or with it as an alias), ignoring case and accents.

    Several matches: an actor beats an event or claim, then the better-connected node wins. Raises
    :class:`SnapshotError` naming the unknown actor, with close names as suggestions.
    """
    store = as_store(source)
    key = normalise_name(name or "")
    if not key:
        raise SnapshotError("no actor given: name one with --focus NAME")
    labels = [x for x in store.ontology.nodes if x != "Article"]
    if store.label_of(key) in labels and store.node(key) is not None:  # an id given as is
        return key
    hits = [h for h in store.search(name, limit=50, labels=labels) if normalise_name(h.matched) == key]
    if hits:
        actors = set(store.ontology.actor_labels)
        return min(hits, key=lambda h: (h.label not in actors, -h.degree, h.id)).id
    raise SnapshotError(f"unknown actor {name!r}: no node has that name or alias" + _suggest(store, key))


def _suggest(store: GraphStore, key: str) -> str:
    names = {normalise_name(h.name): h.name for h in store.actors()}
    words: dict[str, str] = {}  # a misspelt surname should still find the person
    for n, full in names.items():
        for w in n.split():
            if len(w) >= 4:
                words.setdefault(w, full)
    hits = [names[n] for n in names if key in n]
    hits += [names[n] for n in difflib.get_close_matches(key, list(names), n=3, cutoff=0.75)]
    hits += [words[w] for w in difflib.get_close_matches(key, list(words), n=3, cutoff=0.8)]
    hits = list(dict.fromkeys(hits))[:3]
    return f"; did you mean {', '.join(repr(h) for h in hits)}?" if hits else ""


def snapshot_view(store: GraphStore, focus: str | None, hops: int, cap: int | None = None,
                  hub: int | None = None) -> nx.MultiDiGraph:
    """What a snapshot draws: the store's own neighbourhood of the node ``focus`` (or its overview),
    articles left out, with the articles it rests on in ``graph["sources"]``.

    ``portero snapshot`` and the app's Snapshot page both draw this, so they show the same nodes (the
    store's ranking when ``cap`` cuts: nearest, most connected, id). ``graph["left_out"]`` counts the
    nodes cut, ``graph["hubs"]`` names the hubs (over ``hub`` relationships) not gone through.
    """
    labels = tuple(x for x in store.ontology.nodes if x != "Article")
    g = store.neighbourhood([focus], hops, Filters(labels=labels), cap, hub) if focus else \
        store.overview(Filters(labels=labels), cap)
    out = left_out(g)
    meta = {a.id: a for a in store.articles()}
    sources = [{"id": a, "title": meta[a].title if a in meta else a,
                "publisher": meta[a].publisher if a in meta else "",
                "published": (meta[a].published or "") if a in meta else "",
                "url": meta[a].url if a in meta else ""} for a in store.articles_of(g.nodes)]
    sources.sort(key=lambda s: (str(s["published"]), s["title"]))
    g.graph.update(focus=[focus] if focus else [], sources=sources, left_out=out.nodes, hubs=list(out.hub_names))
    if focus:
        g.graph["hops"] = hops
    return g


def focus_subgraph(source: GraphStore | nx.MultiDiGraph, name: str, hops: int = DEFAULT_HOPS,
                   cap: int | None = None, hub: int | None = None) -> nx.MultiDiGraph:
    """The actor named ``name`` and what lies within ``hops`` steps of it (at most 3), articles left out.

    ``name`` is matched against names and aliases ignoring case and accents (see :func:`find_node`); the
    rest is :func:`snapshot_view`.
    """
    if hops < 0:
        raise SnapshotError(f"hops must be 0 or more, not {hops}")
    store = as_store(source)
    return snapshot_view(store, find_node(store, name), hops, cap, hub)


def overview_subgraph(source: GraphStore | nx.MultiDiGraph, cap: int | None = None) -> nx.MultiDiGraph:
    """Everything but the articles (at most ``cap`` nodes, the best connected), with its sources."""
    return snapshot_view(as_store(source), None, 0, cap)


# --- words around the picture ------------------------------------------------------------------------


def _source_line(s: dict[str, Any]) -> str:
    extra = ", ".join(str(x) for x in (s.get("publisher"), s.get("published")) if x)
    return f"“{s['title']}”" + (f" ({extra})" if extra else "")


def sources_caption(subgraph: nx.MultiDiGraph, limit: int | None = None) -> str:
    """The caption naming the sources of ``subgraph``: article titles, publishers and dates.

    >>> g = nx.MultiDiGraph(sources=[{"title": "T", "publisher": "P", "published": "2025-02-28"}])
    >>> sources_caption(g)
    'Source: “T” (P, 2025-02-28).'
    """
    sources = list(subgraph.graph.get("sources") or [])
    if not sources:
        return "Sources: none recorded."
    shown = sources if limit is None else sources[:limit]
    text = "; ".join(_source_line(s) for s in shown)
    if len(shown) < len(sources):
        text += f"; and {len(sources) - len(shown)} more"
    return f"Source{'s' if len(sources) > 1 else ''}: {text}."


def focus_quote(subgraph: nx.MultiDiGraph) -> str:
    """The first evidence sentence about the focused node, quoted with its article; empty without focus.

    >>> g = nx.MultiDiGraph(focus=["p"], sources=[{"id": "a", "title": "T"}])
    >>> g.add_node("p", evidence=[{"article_id": "a", "sentence": "P spoke."}])
    >>> focus_quote(g)
    'Evidence: “P spoke.” (T)'
    """
    titles = {s.get("id"): s.get("title") for s in subgraph.graph.get("sources") or []}
    for f in subgraph.graph.get("focus") or []:
        for ev in (subgraph.nodes[f].get("evidence") or []) if f in subgraph else []:
            if isinstance(ev, dict) and ev.get("sentence"):
                title = titles.get(ev.get("article_id")) or ev.get("article_id") or ""
                return f"Evidence: “{ev['sentence']}”" + (f" ({title})" if title else "")
    return ""


def default_title(subgraph: nx.MultiDiGraph) -> str:
    """A title saying what the snapshot shows."""
    focus = [f for f in subgraph.graph.get("focus") or [] if f in subgraph]
    if focus:
        name = subgraph.nodes[focus[0]].get("name") or focus[0]
        hops = subgraph.graph.get("hops")
        reach = f" (within {hops} step{'s' if hops != 1 else ''})" if hops is not None else ""
        return f"{name} and connections{reach}"
    return "Portero Graph: actors and events"


def _made_line(subgraph: nx.MultiDiGraph) -> str:
    left = subgraph.graph.get("left_out") or 0
    more = f" {left} more nodes were left out to keep it readable." if left else ""
    return (f"Made with Portero Graph on {dt.date.today().isoformat()}: {subgraph.number_of_nodes()} nodes, "
            f"{subgraph.number_of_edges()} relationships.{more}")


def _name(g: nx.MultiDiGraph, n: str) -> str:
    return str(g.nodes[n].get("name") or n)


def _facts_html(subgraph: nx.MultiDiGraph, onto: Ontology) -> str:
    """Every node and relationship shown, as escaped text, with evidence sentences and their article."""
    titles = {s["id"]: s["title"] for s in subgraph.graph.get("sources") or []}
    esc = html.escape
    by_label: dict[str, list[str]] = {}
    for n, d in subgraph.nodes(data=True):
        by_label.setdefault(str(d.get("label") or "Other"), []).append(_name(subgraph, n))
    actors = "".join(f"<li><b>{esc(label)}:</b> {esc(', '.join(sorted(names)))}</li>"
                     for label, names in sorted(by_label.items(),
                                                key=lambda kv: list(onto.nodes).index(kv[0])
                                                if kv[0] in onto.nodes else 99))
    rows = []
    def order(e: tuple) -> tuple[str, str, str]:
        return _name(subgraph, e[0]), str(e[3].get("type")), _name(subgraph, e[1])

    for u, v, _k, d in sorted(subgraph.edges(keys=True, data=True), key=order):
        props = ", ".join(f"{k}: {v}" for k, v in onto.shown_properties(d))
        fact = (f"{esc(_name(subgraph, u))} <span class=\"pg-rel\">{esc(str(d.get('type') or ''))}"
                f"{esc(f' ({props})' if props else '')}</span> {esc(_name(subgraph, v))}")
        quotes = "".join(
            f"<blockquote>{esc(str(ev.get('sentence') or ''))}"
            f"<cite>{esc(str(titles.get(ev.get('article_id')) or ev.get('article_id') or ''))}</cite>"
            "</blockquote>"
            for ev in d.get("evidence") or [] if isinstance(ev, dict) and ev.get("sentence"))
        rows.append(f"<li>{fact}{quotes}</li>")
    sources = []
    for s in subgraph.graph.get("sources") or []:
        url = str(s.get("url") or "")
        # Only web addresses become links: a javascript: or data: URL from a file stays inert text.
        link = (f' <a href="{esc(url)}" rel="noopener noreferrer">{esc(url)}</a>'
                if url.lower().startswith(("http://", "https://")) else (f" {esc(url)}" if url else ""))
        sources.append(f"<li>{esc(_source_line(s))}{link}</li>")
    return (
        "<style>.pg-facts{font-size:.85rem;margin:8px 10px 16px 10px;color:#1f2933}"
        ".pg-facts h2{font-size:.95rem;margin:12px 0 4px 0}"
        ".pg-facts ul,.pg-facts ol{margin:0;padding-left:20px}"
        ".pg-facts li{margin:3px 0}.pg-rel{font-family:monospace;color:#52606d}"
        ".pg-facts blockquote{margin:2px 0 4px 12px;color:#3e4c59;font-style:italic}"
        ".pg-facts cite{display:block;font-style:normal;color:#7b8794;font-size:.8rem}</style>"
        '<section class="pg-facts">'
        f"<h2>Sources</h2><ol>{''.join(sources) or '<li>none recorded</li>'}</ol>"
        f"<h2>In this graph</h2><ul>{actors}</ul>"
        f"<details open><summary><b>Relationships and evidence ({len(rows)})</b></summary>"
        f"<ul>{''.join(rows)}</ul></details>"
        "</section>")


# --- the outputs -------------------------------------------------------------------------------------


def snapshot_html(subgraph: nx.MultiDiGraph, title: str | None = None, caption: str | None = None) -> str:
    """One self-contained HTML page: interactive graph, legend, title, caption, creation date, and every
    fact shown with its evidence as text. It loads nothing from any host (vis-network is inlined).

    ``caption`` defaults to :func:`sources_caption`; the creation date is always added.
    """
    from .render import to_pyvis_html
    from .view_positions import positions

    onto = load_ontology()
    title = title or default_title(subgraph)
    text = f"{caption or sources_caption(subgraph)} {_made_line(subgraph)}"
    focus = [f for f in subgraph.graph.get("focus") or [] if f in subgraph]
    # Laid out here: the page draws at once, names apart (graph_loader/view_positions.py).
    page = to_pyvis_html(subgraph, onto, title=title, caption=text, focus=focus,
                         positions=positions(subgraph, focus=set(focus)))
    head, sep, tail = page.rpartition("</body>")
    if not sep:
        raise SnapshotError("the rendered page has no </body>; cannot add the facts")
    return head + _facts_html(subgraph, onto) + sep + tail




_LABEL_BOX = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.75}


def _label_text(d: dict[str, Any], onto: Ontology) -> str:
    name = " ".join(str(d.get("name") or "").split())
    limit = 60 if d.get("label") in onto.actor_labels else 34  # actors' names whole; events and claims cut
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"


def _layout(g: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Positions: each connected part laid out on its own, the parts packed in rows, biggest first.

    One spring layout of everything would push the loose nodes to the rim and squeeze the main part
    into the middle, where its labels overlap.
    """
    simple = nx.Graph(g.to_undirected(as_view=True))
    parts = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(c)))
    if not parts:
        return {}
    boxes = []
    for part in parts:
        # Area grows with the number of nodes; connected parts get more room than loose nodes.
        side = math.sqrt(len(part)) * (2.0 if len(part) > 2 else 1.0)
        if len(part) == 1:
            local = {next(iter(part)): (0.0, 0.0)}
        else:
            sub = simple.subgraph(part)
            local = nx.spring_layout(sub, k=1.8 / math.sqrt(len(part)), iterations=200, seed=7)
        xs, ys = zip(*local.values(), strict=True)
        w, h = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        scaled = {n: ((x - min(xs)) / w * side if len(part) > 1 else 0.0,
                      (y - min(ys)) / h * side if len(part) > 1 else 0.0) for n, (x, y) in local.items()}
        boxes.append((side, scaled))
    row_width = max(boxes[0][0], math.sqrt(sum(b[0] ** 2 for b in boxes)) * 1.3)
    pos: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    gap = 1.0
    for side, scaled in boxes:
        if x > 0 and x + side > row_width:
            x, y, row_height = 0.0, y - row_height - gap, 0.0
        for n, (px, py) in scaled.items():
            pos[n] = (x + px, y - side + py)
        x += side + gap
        row_height = max(row_height, side)
    return pos


def _page_layout(g: nx.MultiDiGraph, subgraph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """The positions the web page draws (:func:`graph_loader.view_positions.positions`), y pointing up;
    the spring layout of :func:`_layout` for views too big to separate there."""
    from .view_positions import SEPARATE_UP_TO, positions

    if g.number_of_nodes() > SEPARATE_UP_TO:
        return _layout(g)
    focus = {f for f in subgraph.graph.get("focus") or [] if f in g}
    return {n: (x, -y) for n, (x, y) in positions(g, focus=focus).items()}


def snapshot_image(subgraph: nx.MultiDiGraph, fmt: str, title: str | None = None,
                   caption: str | None = None, *, overlaps_out: list[int] | None = None) -> bytes:
    """A PNG or SVG picture of ``subgraph``: ontology colours and shapes, names as labels, a legend of
    the node labels and relationship types drawn, the title, the caption and the creation date.

    No two names overlap (:mod:`graph_loader.image_labels`); ``overlaps_out``, when given, receives the
    number of overlapping name pairs as drawn (for tests and ``bench/bench_settle.py``).

    In SVG every text stays text (``svg.fonttype: none``), so names can be searched and read aloud.
    """
    import matplotlib
    from matplotlib.figure import Figure

    if fmt not in ("png", "svg"):
        raise SnapshotError(f"unknown image format {fmt!r}; choose png or svg")
    onto = load_ontology()
    g = subgraph
    title = title or default_title(g)
    left = 0
    if g.number_of_nodes() > IMAGE_MAX_NODES:
        keep = sorted(g, key=lambda n: -g.degree(n))[:IMAGE_MAX_NODES]
        left = g.number_of_nodes() - len(keep)
        g = g.subgraph(keep)
    caption = caption or sources_caption(subgraph, limit=8)
    made = _made_line(subgraph) + (f" {left} nodes are not drawn in this image." if left else "")
    quote = focus_quote(subgraph)

    # No mathtext: a "$" in a name is a dollar sign. Text as <text> in SVG; stable ids between runs.
    rc = {"text.parse_math": False, "svg.fonttype": "none", "svg.hashsalt": "portero-graph",
          "font.family": "DejaVu Sans"}
    with matplotlib.rc_context(rc):
        n = g.number_of_nodes()
        width = 12 if n <= 40 else 16 if n <= 120 else 20
        font = 9 if n <= 40 else 7.5 if n <= 120 else 6.5
        fig = Figure(figsize=(width, width * 0.72), dpi=150)
        ax = fig.add_axes((0.02, 0.15, 0.76, 0.75))
        ax.set_axis_off()
        fig.text(0.02, 0.96, title, fontsize=15, fontweight="bold", va="top", wrap=False)
        pos = _page_layout(g, subgraph)
        if not pos:
            ax.text(0.5, 0.5, "Nothing to show: the graph is empty.", ha="center", va="center", fontsize=12)
        labels, markers, texts, radius = _draw_nodes(ax, g, pos, onto, set(subgraph.graph.get("focus") or []),
                                                     width, font)
        pos = _names_apart(fig, ax, pos, markers, texts, radius, overlaps_out)
        # Edges under the nodes, drawn once the nodes have their places.
        rel_types = _draw_edges(ax, g, pos, onto)
        _draw_legend(fig, onto, labels, rel_types)
        chars = int(width * 13)
        lines = (textwrap.wrap(caption, chars, max_lines=5, placeholder=" …")
                 + textwrap.wrap(quote, chars, max_lines=3, placeholder=" …") + textwrap.wrap(made, chars))
        fig.text(0.02, 0.12, "\n".join(lines), fontsize=8.5, va="top", color="#333333")
        buf = io.BytesIO()
        metadata = ({"Title": title, "Creator": "Portero Graph"} if fmt == "svg"
                    else {"Software": "Portero Graph"})
        fig.savefig(buf, format=fmt, metadata=metadata, facecolor="white")
    return buf.getvalue()


def _names_apart(fig: Any, ax: Any, pos: dict[str, Any], markers: dict[str, Any], texts: dict[str, Any],
                 radius: dict[str, float], overlaps_out: list[int] | None) -> dict[str, Any]:
    """Nodes moved until no two names (and markers) overlap; the new positions. ``overlaps_out`` gets the
    overlapping pairs left, as drawn."""
    if not pos:
        return pos

    def move(nid: str, xy: tuple[float, float]) -> None:
        markers[nid].set_offsets([xy])
        texts[nid].xy = xy

    pos = place_apart(fig, ax, pos, texts, radius, move)
    if overlaps_out is not None:
        overlaps_out.append(text_overlaps(fig, list(texts.values())))
    return pos


def _draw_edges(ax: Any, g: nx.MultiDiGraph, pos: dict[str, Any], onto: Ontology) -> list[str]:
    """Each relationship as an arrow in its type's colour (parallel ones bend apart); the types drawn."""
    from matplotlib.patches import FancyArrowPatch

    pairs: Counter[tuple[str, str]] = Counter()
    rel_types = []
    for u, v, _k, d in g.edges(keys=True, data=True):
        rel = str(d.get("type") or "")
        rel_types.append(rel)
        pair = (min(u, v), max(u, v))
        rad = 0.12 * pairs[pair]
        pairs[pair] += 1
        if u == v:
            continue
        ax.add_patch(FancyArrowPatch(pos[u], pos[v], arrowstyle="-|>", mutation_scale=9, lw=1.0,
                                     color=onto.rel_colour(rel), alpha=0.8,
                                     shrinkA=9, shrinkB=9, connectionstyle=f"arc3,rad={rad}", zorder=1))
    return rel_types


def _draw_nodes(ax: Any, g: nx.MultiDiGraph, pos: dict[str, Any], onto: Ontology, focus_ids: set[str],
                width: float, font: float) -> tuple[list[str], dict[str, Any], dict[str, Any], dict[str, float]]:
    """Each node as a marker in its label's colour and shape, its name underneath: the labels drawn, and
    each node's marker, name and marker radius in pixels (for :func:`graph_loader.image_labels.place_apart`)."""
    labels = []
    markers, texts, radius = {}, {}, {}
    dpi = ax.figure.dpi
    for nid, d in g.nodes(data=True):
        label = str(d.get("label") or "Other")
        labels.append(label)
        focus = nid in focus_ids
        x, y = pos[nid]
        size = ((260 if focus else 110) + 18 * min(g.degree(nid), 12)) * (12 / width) ** 2
        markers[nid] = ax.scatter([x], [y], s=size, c=onto.colour(label), marker=onto.shape(label).marker,
                                  edgecolors="#222222" if focus else "white", linewidths=2 if focus else 0.8,
                                  zorder=2)
        texts[nid] = ax.annotate(_label_text(d, onto), (x, y), xytext=(0, -8), textcoords="offset points",
                                 ha="center", va="top", fontsize=font, fontweight="bold" if focus else "normal",
                                 zorder=3, bbox=_LABEL_BOX)
        radius[nid] = math.sqrt(size) / 2 * dpi / 72  # marker size is in points squared
    return labels, markers, texts, radius


def _draw_legend(fig: Any, onto: Ontology, labels: list[str], rel_types: list[str]) -> None:
    """The node labels and relationship types drawn, in the ontology's order."""
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], marker=onto.shape(lab).marker, linestyle="",
                      markerfacecolor=onto.colour(lab), markeredgecolor="white", markersize=10, label=lab)
               for lab in onto.nodes if lab in labels]
    handles += [Line2D([], [], color=onto.rel_colour(r), lw=2, label=r)
                for r in onto.relationships if r in rel_types]
    if handles:
        fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.8, 0.9), fontsize=9,
                   frameon=False, title="Legend", title_fontsize=10, alignment="left")


def image_label_overlaps(subgraph: nx.MultiDiGraph) -> int:
    """Pairs of names that overlap in the PNG snapshot of ``subgraph``."""
    found: list[int] = []
    snapshot_image(subgraph, "png", overlaps_out=found)
    return found[0] if found else 0


# --- the file ----------------------------------------------------------------------------------------


def write_snapshot(path: Path, data: bytes) -> None:
    """Write a snapshot file whole or not at all, with the mode ``open()`` would give it."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def make_snapshot(g: GraphStore | nx.MultiDiGraph, fmt: str, *, focus: str | None = None, hops: int | None = None,
                  cap: int | None = None, title: str | None = None,
                  hub: int | None = None) -> tuple[bytes, nx.MultiDiGraph]:
    """The snapshot file's bytes and the subgraph drawn (for ``fmt`` html, png or svg), from a store or a graph."""
    if fmt not in FORMATS:
        raise SnapshotError(f"unknown snapshot format {fmt!r}; choose one of {', '.join(FORMATS)}")
    hops = DEFAULT_HOPS if hops is None else hops
    sub = focus_subgraph(g, focus, hops, cap=cap, hub=hub) if focus else overview_subgraph(g, cap=cap)
    if fmt == "html":
        return snapshot_html(sub, title).encode("utf-8"), sub
    return snapshot_image(sub, fmt, title), sub
