"""Plain dataclasses for what is read from an article, and their JSON shape.

The JSON shape is the one of ``../shared/eval/README.md``; ids are derived from content so that the
same actor read twice is one node.

>>> normalise_name("  The Secretaría  de la Défense ")
'secretaria de la defense'
>>> node_id("Person", "Andrés Manuel López Obrador")
'person:andres-manuel-lopez-obrador'
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

_NON_WORD = re.compile(r"[^a-z0-9]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Lower case, no accents, no leading "the", single spaces: the key names are compared by."""
    s = strip_accents(name).lower().replace("’", "'")
    s = re.sub(r"[\"“”‘'`.,()\[\]]", "", s)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"^the ", "", s)


# The languages extraction reads in full, as the interface (in English) names them.
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def language_name(code: str) -> str:
    """How the interface names an article's language.

    >>> language_name("es"), language_name("fr"), language_name("")
    ('Spanish', 'fr', 'unknown')
    """
    return LANGUAGE_NAMES.get(code, code or "unknown")


def node_id(label: str, name: str) -> str:
    """A stable id from a node's label and canonical name."""
    slug = _NON_WORD.sub("-", normalise_name(name)).strip("-")
    if not slug:  # names of symbols only: keep them distinct all the same
        slug = hashlib.sha1(name.encode("utf-8")).hexdigest()[:12]
    return f"{label.lower()}:{slug}"


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the article, the sentence and its character offsets in the body."""

    article_id: str
    sentence: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "sentence": self.sentence, "start": self.start, "end": self.end}


@dataclass
class Article:
    id: str
    text: str
    title: str = ""
    url: str = ""
    publisher: str = ""
    published: str | None = None
    language: str = "en"
    path: str = ""
    sentences: list[Sentence] = field(default_factory=list)

    def meta(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "url": self.url, "publisher": self.publisher,
                "published": self.published, "language": self.language}


@dataclass
class Entity:
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return node_id(self.type, self.name)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "type": self.type, "aliases": sorted(set(self.aliases))}
        out.update({k: v for k, v in self.props.items() if v not in (None, "", [])})
        return out


@dataclass(frozen=True)
class Participant:
    entity: str
    role: str


@dataclass
class Event:
    type: str
    evidence: Evidence
    participants: list[Participant] = field(default_factory=list)
    date: str | None = None
    trigger: str = ""
    # Administrations in power at the event's date (from general knowledge, not from the text).
    during: list[Entity] = field(default_factory=list)
    # Who or what a happening happened to (ontology.yaml's ``happenings``), set by the extraction, which
    # knows the participants' labels: the person extradited, the law reformed.
    key: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        main = list(self.key[:2]) or [p.entity for p in self.participants if p.role in ("agent", "subject")][:2]
        label = f"{self.type}: {', '.join(main)}" if main else self.type
        return f"{label} ({self.date})" if self.date else label

    @property
    def id(self) -> str:
        """Content-derived, so the same event told by two articles is one node.

        A happening (an extradition, a killing, a reform) is its type, year and key participants: "the
        1985 killing of Camarena" and "Camarena was killed on February 7, 1985" meet, while two arrests of
        one man in 1985 and 2022 stay two. Other events (statements, meetings) keep their full date and
        main actors.

        >>> ev = lambda t, d, who: Event(t, Evidence("a", "s", 0, 1), [Participant(who, "subject")], d, key=(who,))
        >>> ev("Arrest", "1985", "Rafael Caro Quintero").id == ev("Arrest", "1985-04-04", "Rafael Caro Quintero").id
        True
        >>> ev("Arrest", "1985", "Rafael Caro Quintero").id == ev("Arrest", "2022", "Rafael Caro Quintero").id
        False
        >>> ev("Killing", None, "Enrique Camarena").id == ev("Killing", "1985", "Enrique Camarena").id  # once
        True
        """
        from .ontology import load_ontology

        happening = load_ontology().happenings.get(self.type)
        if happening is not None and self.key:
            when = "" if happening.once else (self.date or "")[:4]
            key = "|".join([self.type, when, *sorted({normalise_name(k) for k in self.key})])
        else:
            main = sorted(normalise_name(p.entity) for p in self.participants if p.role in ("agent", "subject"))
            key = "|".join([self.type, self.date or "", *main]) if main else "|".join(
                [self.type, self.date or "", self.evidence.article_id, str(self.evidence.start)])
        return "event:" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "date": self.date,
                "participants": [{"entity": p.entity, "role": p.role} for p in self.participants],
                "evidence": self.evidence.sentence, "trigger": self.trigger,
                **({"key": list(self.key)} if self.key else {})}


@dataclass
class Relation:
    source: str
    type: str
    target: str
    evidence: Evidence
    props: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "type": self.type, "target": self.target,
                               "evidence": self.evidence.sentence}
        out.update({k: v for k, v in self.props.items() if v not in (None, "")})
        return out


@dataclass
class Claim:
    claimant: str
    stance: str  # asserts | denies
    claim: str
    evidence: Evidence

    @property
    def id(self) -> str:
        return node_id("Claim", self.claim)

    def to_json(self) -> dict[str, Any]:
        return {"claimant": self.claimant, "stance": self.stance, "claim": self.claim,
                "evidence": self.evidence.sentence}


@dataclass
class Extraction:
    """Everything read from one article."""

    article: Article
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def entity(self, name: str) -> Entity | None:
        key = normalise_name(name)
        for e in self.entities:
            if normalise_name(e.name) == key or key in {normalise_name(a) for a in e.aliases}:
                return e
        return None

    def to_json(self) -> dict[str, Any]:
        """The extraction in the shared JSON shape (``../shared/eval/README.md``)."""
        return {
            "article": self.article.meta(),
            "entities": [e.to_json() for e in self.entities],
            "events": [e.to_json() for e in self.events],
            "relations": [r.to_json() for r in self.relations],
            "claims": [c.to_json() for c in self.claims],
            "notes": list(self.notes),
        }
