"""What a view keeps (:class:`Filters`) and the pure tests of a node or an edge against it.

The Neo4j store puts the same tests into Cypher: :func:`graph_loader.cypher_reads.node_conditions` and
:func:`graph_loader.cypher_reads.edge_condition` mirror :func:`node_passes` and :func:`edge_passes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Filters:
    """What a view keeps. Empty fields keep everything.

    ``labels``: node labels; ``event_types``: kinds of event; ``date_from``/``date_to``: ISO dates or
    years bounding events (undated events are left out when a bound is set) and administrations;
    ``administration``: an administration id, read as its term's dates; ``article``: an article id,
    keeping only what that article supports; ``language``: an article language ("en", "es"), keeping only
    what articles in that language support (resolved into ``sources``, the ids of those articles).

    >>> Filters(labels=("Person",)) == Filters(labels=("Person",)), Filters() == Filters(labels=("Person",))
    (True, False)
    """

    labels: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    administration: str | None = None
    article: str | None = None
    language: str | None = None
    sources: tuple[str, ...] = ()

    def source_ids(self) -> tuple[str, ...]:
        """The articles whose support a view keeps (empty: every article's).

        >>> Filters(article="article:a").source_ids(), Filters(sources=("article:a", "article:b")).source_ids()
        (('article:a',), ('article:a', 'article:b'))
        """
        return self.sources or ((self.article,) if self.article else ())


def bound_low(date: str) -> str:
    """The earliest day a date or year may denote (``"2018"`` -> ``"2018-01-01"``)."""
    return {4: date + "-01-01", 7: date + "-01"}.get(len(date), date)


def bound_high(date: str) -> str:
    return {4: date + "-12-31", 7: date + "-31"}.get(len(date), date)


def in_range(start: str | None, end: str | None, date_from: str | None, date_to: str | None) -> bool:
    """Whether the period ``start``..``end`` (``None`` end: still running) overlaps the range.

    >>> in_range("2025-08-19", "2025-08-19", "2025", None), in_range("1985", "1985", "2018", "2024")
    (True, False)
    >>> in_range("2018", None, None, "2017-12-31"), in_range("2018", None, "2030", None)
    (False, True)
    """
    if date_from and end is not None and bound_high(str(end)) < bound_low(date_from):
        return False
    return not (date_to and start is not None and bound_low(str(start)) > bound_high(date_to))


def node_passes(data: Mapping[str, Any], f: Filters) -> bool:
    """Whether a node (graph attributes) is kept by resolved filters (administration already as dates)."""
    label = data.get("label")
    if f.labels and label not in f.labels:
        return False
    dated = bool(f.date_from or f.date_to)
    if label == "Event":
        if f.event_types and data.get("event_type") not in f.event_types:
            return False
        if dated:
            date = data.get("date")
            if not date or not in_range(str(date), str(date), f.date_from, f.date_to):
                return False
    elif label == "Administration" and dated and not in_range(
            data.get("start"), data.get("end"), f.date_from, f.date_to):
        return False
    sources = f.source_ids()
    return not (sources and not set(sources) & set(data.get("articles") or ()))


def edge_passes(u: str, data: Mapping[str, Any], f: Filters) -> bool:
    """Whether an edge is kept: with an article or language filter, only edges those articles support."""
    sources = f.source_ids()
    if not sources:
        return True
    if data.get("type") == "MENTIONS":
        return u in sources
    return bool(set(sources) & set(data.get("articles") or ()))
