"""Shared helpers of the exporters: flattening attribute values, typing columns, dates for timelines.

GraphML, GEXF and CSV hold scalars only, so lists and dicts (aliases, article ids, evidence) are written as
JSON text there; XML cannot hold most control characters, so those are dropped from XML text.

>>> flat_value(["DEA", "Drug Enforcement Administration"])
'["DEA", "Drug Enforcement Administration"]'
>>> flat_value(True), flat_value(None), flat_value(1985)
(True, None, 1985)
>>> column_types([{"a": 1, "b": "x"}, {"a": 2, "b": 3, "c": True}])
{'a': 'long', 'b': 'string', 'c': 'boolean'}
>>> date_bounds("2025-02"), date_bounds(2018), date_bounds("sometime")
(('2025-02-01', '2025-02-28'), ('2018-01-01', '2018-12-31'), None)
>>> xml_text("tab\\tok\\x00gone")
'tab\\tokgone'
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

# XML 1.0 allows tab, newline, carriage return and everything from U+0020 except surrogates and U+FFFE/F.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


def json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def to_json(value: Any) -> str:
    """Compact JSON text that keeps accents readable."""
    return json.dumps(value, ensure_ascii=False, default=json_default)


def flat_value(value: Any) -> str | int | float | bool | None:
    """A scalar for formats without lists: containers become JSON text, dates ISO text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return to_json(value)


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _XML_BAD.sub("", text)


def kind_of(value: Any) -> str:
    """The column kind of one flattened value: boolean, long, double or string."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def column_types(records: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """One kind per attribute name across ``records`` (flattened first), widening where they disagree.

    A file format declares one type per attribute, while the graph may hold a year as a number on one
    node and as text on another; disagreeing numbers become ``double``, anything else ``string``.
    """
    kinds: dict[str, str] = {}
    for rec in records:
        for key, raw in rec.items():
            value = flat_value(raw)
            if value is None:
                continue
            kind, seen = kind_of(value), kinds.get(key)
            if seen is None or seen == kind:
                kinds[key] = kind
            elif {seen, kind} == {"long", "double"}:
                kinds[key] = "double"
            else:
                kinds[key] = "string"
    return kinds


def coerce(value: Any, kind: str) -> str | int | float | bool | None:
    """``value`` flattened and converted to the column ``kind`` chosen by :func:`column_types`."""
    value = flat_value(value)
    if value is None:
        return None
    if kind == "string":
        return value if isinstance(value, str) else (str(value).lower() if isinstance(value, bool)
                                                     else str(value))
    if kind == "double":
        return float(value)
    return value


def date_bounds(value: Any) -> tuple[str, str] | None:
    """The first and last day a date-like value covers (a year, a month or a day), or None.

    Timelines need full dates, while the graph keeps what the article said: "2018", "2025-02", a day.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value.isoformat()
        return day, day
    m = _DATE.match(str(value))
    if not m:
        return None
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    try:
        if month is None:
            return f"{year:04d}-01-01", f"{year:04d}-12-31"
        last = calendar.monthrange(year, month)[1]
        if day is None:
            return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
        dt.date(year, month, day)
    except ValueError:  # month 13, 30 February: not a date a timeline can use
        return None
    return f"{year:04d}-{month:02d}-{day:02d}", f"{year:04d}-{month:02d}-{day:02d}"


def node_time(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """When a node exists on a timeline: events from their date on, administrations over their term,
    articles from publication on; actors have no time (always shown).
    """
    label = data.get("label")
    if label == "Event":
        b = date_bounds(data.get("date"))
        return (b[0], None) if b else (None, None)
    if label == "Administration":
        s, e = date_bounds(data.get("start")), date_bounds(data.get("end"))
        return (s[0] if s else None, e[1] if e else None)
    if label == "Article":
        b = date_bounds(data.get("published"))
        return (b[0], None) if b else (None, None)
    return None, None


def edge_time(data: Mapping[str, Any], source: tuple[str | None, str | None],
              target: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """An edge's spell: its own start/end (e.g. LEADS) narrowed to the times both ends exist."""
    s, e = date_bounds(data.get("start")), date_bounds(data.get("end"))
    starts = [t for t in (s[0] if s else None, source[0], target[0]) if t]
    ends = [t for t in (e[1] if e else None, source[1], target[1]) if t]
    start, end = (max(starts) if starts else None), (min(ends) if ends else None)
    if start and end and end < start:  # contradictory dates: show the edge from its start rather than never
        end = None
    return start, end


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three integers.

    >>> hex_rgb("#e45756")
    (228, 87, 86)
    """
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
