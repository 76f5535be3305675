"""The domain gazetteer: general knowledge of the field, kept as data in ``data/gazetteer.yaml``.

>>> gaz = load_gazetteer()
>>> [(e.name, kind) for e, kind in gaz.lookup("DEA")]
[('Drug Enforcement Administration', 'alias')]
>>> gaz.adjective_country("Mexican")
'Mexico'
>>> gaz.administration_at("United States", "2025-08-19").name
'Trump administration'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from ..model import Entity, normalise_name

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.yaml"
_SECTIONS = {"countries": "Country", "agencies": "Agency", "organizations": "Organization", "laws": "Law",
             "initiatives": "Initiative", "places": "Place", "heads_of_state": "Person"}
_ACRONYM = re.compile(r"^[A-Z][A-Za-z.&-]{0,7}$")


@dataclass(frozen=True)
class Term:
    start: str
    end: str | None


@dataclass(frozen=True)
class GazEntry:
    name: str
    type: str
    country: str | None = None
    aliases: tuple[str, ...] = ()
    head_titles: tuple[str, ...] = ()
    context_terms: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    terms: tuple[Term, ...] = ()
    party: str | None = None
    period: Term | None = None  # when the body existed, if it was created or dissolved
    successor: str | None = None


@dataclass(frozen=True)
class AdminInfo:
    """An administration derived from a head of state's term."""

    name: str
    leader: str
    country: str
    start: str
    end: str | None
    party: str | None

    def entity(self) -> Entity:
        return Entity(self.name, "Administration", props={
            "start": self.start[:4], "end": self.end[:4] if self.end else None,
            "leader": self.leader, "country": self.country})


@dataclass
class Gazetteer:
    entries: dict[str, GazEntry]
    phrases: dict[str, list[tuple[GazEntry, str]]] = field(default_factory=dict)
    adjectives: dict[str, str] = field(default_factory=dict)
    _admins: list[AdminInfo] | None = None

    def lookup(self, text: str) -> list[tuple[GazEntry, str]]:
        """Entries a phrase may denote, with how: ``alias``, ``title`` or ``term``."""
        return self.phrases.get(normalise_name(text), [])

    def adjective_country(self, word: str) -> str | None:
        return self.adjectives.get(word.strip().lower())

    def administrations(self) -> list[AdminInfo]:
        if self._admins is None:
            self._admins = self._build_administrations()
        return self._admins

    def _build_administrations(self) -> list[AdminInfo]:
        out: list[AdminInfo] = []
        for e in self.entries.values():
            surname = e.aliases[0] if e.aliases else e.name.split()[-1]
            surname = min((a for a in (e.name, *e.aliases) if a in e.name and len(a.split()) <= 2),
                          key=len, default=surname) if e.type == "Person" else surname
            for i, t in enumerate(e.terms):
                # A second term gets its own name so both can live in one graph.
                name = f"{surname} administration"
                if len(e.terms) > 1 and i < len(e.terms) - 1:
                    name = f"{surname} administration ({t.start[:4]}-{t.end[:4] if t.end else ''})"
                if any(a.name == name for a in out):  # two presidents Bush: fall back to the full name
                    name = f"{e.name} administration"
                out.append(AdminInfo(name, e.name, e.country or "", t.start, t.end, e.party))
        return out

    def administration_at(self, country: str, date: str | None) -> AdminInfo | None:
        """The administration of ``country`` in power on ``date`` (YYYY, YYYY-MM or YYYY-MM-DD)."""
        if not date:
            return None
        for a in self.administrations():
            if a.country != country:
                continue
            # Compare on the precision given: a bare year matches a term that covers most of it.
            probe = date if len(date) == 10 else (date + "-07-01" if len(date) == 4 else date + "-15")
            if a.start <= probe and (a.end is None or probe < a.end):
                return a
        return None

    def existing_at(self, entry: GazEntry, date: str | None) -> GazEntry:
        """The body that did ``entry``'s work on ``date``: itself, or the successor that existed then.

        >>> gaz = load_gazetteer()
        >>> gaz.existing_at(gaz.entries["Secretariat of Public Security"], "2021-10-08").name
        'Secretariat of Security and Civilian Protection'
        >>> gaz.existing_at(gaz.entries["Secretariat of Public Security"], "2009-05-01").name
        'Secretariat of Public Security'
        """
        seen = {entry.name}
        while date and entry.period and entry.period.end and date[:10] >= entry.period.end and entry.successor:
            nxt = self.entries.get(entry.successor)
            if nxt is None or nxt.name in seen:
                break
            seen.add(nxt.name)
            entry = nxt
        return entry

    def existed_at(self, entry: GazEntry, date: str | None) -> bool:
        """Whether the body existed on ``date`` (True when either is unknown)."""
        p = entry.period
        return not (date and p) or (p.start <= date[:10] and (p.end is None or date[:10] < p.end))

    def administrations_of(self, person: str) -> list[AdminInfo]:
        return [a for a in self.administrations() if a.leader == person]

    def ruler_patterns(self) -> list[dict]:
        """EntityRuler patterns: one-word names match exactly, longer ones case-insensitively."""
        patterns: list[dict] = []
        seen: set[tuple[str, str]] = set()
        for key, hits in self.phrases.items():
            for entry, kind in hits:
                for surface in _surfaces(entry, kind):
                    if normalise_name(surface) != key or (surface, entry.type) in seen:
                        continue
                    seen.add((surface, entry.type))
                    if " " not in surface.strip() and (kind == "alias" or _ACRONYM.match(surface)):
                        patterns.append({"label": entry.type, "pattern": [{"ORTH": surface}]})
                    else:
                        patterns.append({"label": entry.type, "pattern": surface})
        return patterns


def _surfaces(entry: GazEntry, kind: str) -> tuple[str, ...]:
    if kind == "alias":
        return (entry.name, *entry.aliases)
    if kind == "title":
        return entry.head_titles
    return entry.context_terms


def _entry(section: str, raw: dict) -> GazEntry:
    terms = tuple(Term(str(s), str(e) if e else None) for s, e in raw.get("terms", []))
    period = raw.get("period")
    return GazEntry(
        name=raw["name"], type=_SECTIONS[section], country=raw.get("country"),
        aliases=tuple(raw.get("aliases", [])), head_titles=tuple(raw.get("head_titles", [])),
        context_terms=tuple(raw.get("context_terms", [])), adjectives=tuple(raw.get("adjective", [])),
        terms=terms, party=raw.get("party"), successor=raw.get("successor"),
        period=Term(str(period[0]), str(period[1]) if period[1] else None) if period else None)


def parse_gazetteer(data: dict) -> Gazetteer:
    entries: dict[str, GazEntry] = {}
    for section, items in data.items():
        if section not in _SECTIONS:
            raise ValueError(f"gazetteer: unknown section {section!r}")
        for raw in items:
            e = _entry(section, raw)
            if e.type == "Country":
                e = GazEntry(**{**e.__dict__, "country": e.name})
            entries[e.name] = e
    gaz = Gazetteer(entries)
    for e in entries.values():
        for kind, names in (("alias", (e.name, *e.aliases)), ("title", e.head_titles),
                            ("term", e.context_terms)):
            for n in names:
                hits = gaz.phrases.setdefault(normalise_name(n), [])
                if (e, kind) not in hits:
                    hits.append((e, kind))
        for adj in e.adjectives:
            gaz.adjectives.setdefault(adj.lower(), e.name)
    return gaz


@lru_cache(maxsize=1)
def load_gazetteer(path: Path = GAZETTEER_PATH) -> Gazetteer:
    with open(path, encoding="utf-8") as fh:
        return parse_gazetteer(yaml.safe_load(fh))
