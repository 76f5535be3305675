"""Normalise the dates a sentence gives against the article's published date.

Month and weekday names and relative phrases come from ``data/lexicon.yaml``, every language at once:
an English article may quote "27 de febrero" and a Spanish one "February 27".

>>> find_date("On Monday, August 18, the agency spoke.", "2025-08-19")
'2025-08-18'
>>> find_date("He was appointed in February of 2025.", "2025-08-19")
'2025-02'
>>> find_date("However, the following day, she denied it.", "2025-08-19", previous="2025-08-18")
'2025-08-19'
>>> find_date("the 1985 murder of an agent", None), find_date("in 2020 with reforms", None)
('1985', '2020')
>>> find_date("the governments of Calderón (2006-2012)", None) is None
True
>>> find_date("El envío fue el jueves 27 de febrero de 2025.", None), find_date("en febrero de 2025", None)
('2025-02-27', '2025-02')
>>> find_date("La presidenta habló el martes 19 de agosto.", "2025-08-20")
'2025-08-19'
>>> find_date("Lo dijo el pasado jueves.", "2025-02-28"), find_date("Al día siguiente lo negó.", None, "2025-08-18")
('2025-02-27', '2025-08-19')
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .lexicon import languages, mapping, sequence

_ABBREVIATIONS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
                  "oct": 10, "nov": 11, "dec": 12}
_YEAR = re.compile(r"(?<![\d(–-])\b(19[5-9]\d|20[0-4]\d)\b(?![\d)]|\s*[–-]\s*\d)")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    """Month name -> number, weekday name -> Monday-based index, relative phrase -> kind, all languages."""
    months = dict(_ABBREVIATIONS)
    weekdays: dict[str, int] = {}
    relative: dict[str, str] = {}
    for lang in languages():
        months.update({name: i for i, name in enumerate(sequence(lang, "months"), 1)})
        weekdays.update({name: i for i, name in enumerate(sequence(lang, "weekdays"))})
        relative.update(mapping(lang, "relative_dates"))
    return months, weekdays, relative


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    months, weekdays, relative = _vocabulary()
    month = "(" + "|".join(sorted(months, key=len, reverse=True)) + r")\.?"
    day = "|".join(sorted(weekdays, key=len, reverse=True))
    rel = "|".join(re.escape(p) for p in sorted(relative, key=len, reverse=True))
    return {
        "month_day_year": re.compile(r"\b" + month + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.I),
        # "18 August 2025", "27 de febrero de 2025"
        "day_month_year": re.compile(r"\b(\d{1,2})\s+(?:de\s+)?" + month + r"(?:,?\s+(?:de(?:l)?\s+)?(\d{4}))?\b",
                                     re.I),
        "month_year": re.compile(r"\b" + month + r"\s+(?:of\s+|de(?:l)?\s+)?(\d{4})\b", re.I),
        "relative": re.compile(r"\b(" + rel + r")\b", re.I),
        # "on Monday", "el pasado jueves", "el jueves"
        "weekday": re.compile(r"\b(?:on|el(?:\s+pasado)?)\s+(" + day + r")\b", re.I),
    }


def _parse_published(published: str | None) -> dt.date | None:
    if not published or len(published) != 10:
        return None
    try:
        return dt.date.fromisoformat(published)
    except ValueError:
        return None


def _full(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _day_in_year(month: int, day: int, year: str | None, pub: dt.date | None) -> str | None:
    if year:
        return _full(int(year), month, day)
    if pub is None:
        return None
    guess = _full(pub.year, month, day)
    # Without a year, a date after publication belongs to the year before.
    if guess and guess > pub.isoformat():
        guess = _full(pub.year - 1, month, day)
    return guess


def _relative(text: str, pub: dt.date | None, previous: str | None) -> str | None:
    months, weekdays, relative = _vocabulary()
    pats = _patterns()
    m = pats["relative"].search(text)
    if m:
        kind = relative[m.group(1).lower()]
        anchor = _parse_published(previous) or pub
        if kind == "next" and anchor is not None:
            return (anchor + dt.timedelta(days=1)).isoformat() if previous else anchor.isoformat()
        if kind == "before" and anchor is not None:
            return (anchor - dt.timedelta(days=1)).isoformat()
        if kind == "yesterday" and pub is not None:
            return (pub - dt.timedelta(days=1)).isoformat()
        if kind == "today" and pub is not None:
            return pub.isoformat()
    m = pats["weekday"].search(text)
    if m and pub is not None:
        back = (pub.weekday() - weekdays[m.group(1).lower()]) % 7
        return (pub - dt.timedelta(days=back)).isoformat()
    return None


def find_date(text: str, published: str | None, previous: str | None = None) -> str | None:
    """The most precise date the sentence states, as YYYY-MM-DD, YYYY-MM or YYYY; else None."""
    months = _vocabulary()[0]
    pats = _patterns()
    pub = _parse_published(published)
    m = pats["month_day_year"].search(text)
    if m:
        return _day_in_year(months[m.group(1).lower()], int(m.group(2)), m.group(3), pub)
    m = pats["day_month_year"].search(text)
    if m:
        return _day_in_year(months[m.group(2).lower()], int(m.group(1)), m.group(3), pub)
    m = pats["month_year"].search(text)
    if m:
        return f"{int(m.group(2)):04d}-{months[m.group(1).lower()]:02d}"
    rel = _relative(text, pub, previous)
    if rel:
        return rel
    m = _YEAR.search(text)
    return m.group(1) if m else None


def year_range(text: str) -> tuple[str, str | None] | None:
    """A term written as '(2018-2024)' or '(2024-)' right at the start of ``text``.

    >>> year_range(" (2018-2024) maintained"), year_range("(2024–present)")
    (('2018', '2024'), ('2024', None))
    """
    m = re.match(r"\s*\((\d{4})\s*[-–—]\s*(\d{4}|present|)\s*\)", text)
    if not m:
        return None
    return m.group(1), (m.group(2) if m.group(2).isdigit() else None)
