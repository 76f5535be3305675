"""Normalise the dates a sentence gives against the article's published date.

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
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december|" \
         r"jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?"
_MONTH_DAY_YEAR = re.compile(_MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?\b", re.I)
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+" + _MONTH + r"(?:,?\s+(\d{4}))?\b", re.I)
_MONTH_YEAR = re.compile(_MONTH + r"\s+(?:of\s+)?(\d{4})\b", re.I)
_YEAR = re.compile(r"(?<![\d(–-])\b(19[5-9]\d|20[0-4]\d)\b(?![\d)]|\s*[–-]\s*\d)")
_RELATIVE = re.compile(r"\b(the following day|the next day|a day later|yesterday|today|the day before|"
                       r"on (monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b", re.I)


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


def find_date(text: str, published: str | None, previous: str | None = None) -> str | None:
    """The most precise date the sentence states, as YYYY-MM-DD, YYYY-MM or YYYY; else None."""
    pub = _parse_published(published)
    m = _MONTH_DAY_YEAR.search(text) or _DAY_MONTH_YEAR.search(text)
    if m:
        groups = m.groups()
        if groups[0].isdigit():
            day, month, year = int(groups[0]), MONTHS[groups[1].lower()], groups[2]
        else:
            month, day, year = MONTHS[groups[0].lower()], int(groups[1]), groups[2]
        if year:
            return _full(int(year), month, day)
        if pub:
            guess = _full(pub.year, month, day)
            # Without a year, a date after publication belongs to the year before.
            if guess and guess > pub.isoformat():
                guess = _full(pub.year - 1, month, day)
            return guess
    m = _MONTH_YEAR.search(text)
    if m:
        return f"{int(m.group(2)):04d}-{MONTHS[m.group(1).lower()]:02d}"
    m = _RELATIVE.search(text)
    if m:
        phrase = m.group(1).lower()
        anchor = _parse_published(previous) or pub
        if anchor is not None:
            if phrase in ("the following day", "the next day", "a day later"):
                return (anchor + dt.timedelta(days=1)).isoformat() if previous else anchor.isoformat()
            if phrase == "the day before":
                return (anchor - dt.timedelta(days=1)).isoformat()
        if pub is not None:
            if phrase == "yesterday":
                return (pub - dt.timedelta(days=1)).isoformat()
            if phrase == "today":
                return pub.isoformat()
            if m.group(2):
                back = (pub.weekday() - WEEKDAYS.index(m.group(2).lower())) % 7
                return (pub - dt.timedelta(days=back)).isoformat()
    m = _YEAR.search(text)
    if m:
        return m.group(1)
    return None


def year_range(text: str) -> tuple[str, str | None] | None:
    """A term written as '(2018-2024)' or '(2024-)' right at the start of ``text``.

    >>> year_range(" (2018-2024) maintained"), year_range("(2024–present)")
    (('2018', '2024'), ('2024', None))
    """
    m = re.match(r"\s*\((\d{4})\s*[-–—]\s*(\d{4}|present|)\s*\)", text)
    if not m:
        return None
    return m.group(1), (m.group(2) if m.group(2).isdigit() else None)
