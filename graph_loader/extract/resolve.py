"""Resolve an article's mentions into one entity per actor.

Surnames join full names ("García Harfuch" -> "Omar García Harfuch"), acronyms join the expansion
they follow ("Immigration and Customs Enforcement (ICE)"), titles and common nouns ("the attorney
general", "navy") join the body of the country in context, and accents and case are ignored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from spacy.tokens import Doc

from ..model import Entity, Evidence, normalise_name
from .gazetteer import GazEntry, Gazetteer
from .mentions import Mention

PARTICLES = {"de", "del", "la", "las", "los", "y", "van", "von", "da"}  # a surname does not start with one
_COUNTERPART_WORDS = {"with", "con", "between", "entre", "counterparts", "contrapartes", "homólogos", "pares"}
_KNOWN_AS = re.compile(r"\b(?:also known as|better known as|known as|a\.k\.a\.?|aka|alias|alias of|apodado|"
                       r"conocido como|alias de)\s*[\"“‘']?$", re.I)
_NAME_AFTER = re.compile(r",?\s+(?:(?:Gen|Adm|Dr|Mr|Mrs|Ms|Lt|Col|General|Admiral|Almirante)\.?\s+)?"
                         r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+\s+[A-ZÁÉÍÓÚÑ]")
_PREFIX = re.compile(r"^(?:the|u\.?s\.?|us|mexican|mexico'?s|american)\s+", re.I)


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _name_tokens(name: str) -> list[str]:
    """A person's name as comparable words: hyphens split ("Soto-Vega"), suffixes dropped ("Jr.").

    >>> _name_tokens("Robert K. Lane Jr."), _name_tokens("Luis Soto-Vega")
    (['robert', 'k', 'lane'], ['luis', 'soto', 'vega'])
    """
    words = normalise_name(name).replace("-", " ").split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return words


def surnames_of(names: Iterable[str], words: Callable[[str], list[str]] = lambda n: n.lower().split()
                ) -> dict[str, str]:
    """Each surname (the last one to three words, not opening with a particle) of exactly one full name.

    A surname two people share ("Guzmán López" of two brothers) is nobody's here, so which one it names is
    left to the order of the article, never to the order of a set.

    >>> surnames_of(["Omar García Harfuch", "Joaquín Guzmán López", "Ovidio Guzmán López"])
    {'harfuch': 'Omar García Harfuch', 'garcía harfuch': 'Omar García Harfuch'}
    """
    owners: dict[str, set[str]] = {}
    for name in names:
        toks = words(name)
        for k in (1, 2, 3):
            if len(toks) > k and toks[-k] not in PARTICLES:
                owners.setdefault(" ".join(toks[-k:]), set()).add(name)
    return {key: next(iter(who)) for key, who in owners.items() if len(who) == 1}


def _first_name_of(short: str, names: list[str]) -> str | None:
    """The one full name whose first name ``short`` is, or shortens ("Ken" for "Kenneth Lee Salazar").

    >>> _first_name_of("Ken", ["Kenneth Lee Salazar", "Rosa Icela Rodriguez"])
    'Kenneth Lee Salazar'
    >>> _first_name_of("Al", ["Alan Bersin"]) is None  # too short to tell
    True
    """
    s = normalise_name(short)
    if " " in s or len(s) < 3:
        return None
    hits = {n for n in names if len(_name_tokens(n)) >= 2 and _name_tokens(n)[0].startswith(s)}
    return hits.pop() if len(hits) == 1 else None


def is_acronym_of(acronym: str, name: str) -> bool:
    """Whether ``acronym`` spells the initials of ``name``'s significant words.

    >>> is_acronym_of("ICE", "Immigration and Customs Enforcement"), is_acronym_of("FGR", "Fiscalía General")
    (True, False)
    """
    words = [w for w in re.findall(r"[A-Za-zÁÉÍÓÚÑáéíóúñ]+", name) if w.lower() not in
             {"and", "of", "the", "for", "de", "la", "del", "y", "on"}]
    return len(acronym) >= 2 and "".join(w[0] for w in words).upper() == acronym.upper().replace(".", "")


class Resolver:
    """Collects an article's mentions and turns them into entities."""

    def __init__(self, gaz: Gazetteer, article_id: str, published: str | None = None,
                 home_country: str | None = None) -> None:
        self.gaz = gaz
        self.article_id = article_id
        self.published = published
        # Whose "attorney general" a bare title means when nothing near it says: the country whose
        # officials write in the article's language (lexicon.yaml's home_country).
        self.home_country = home_country
        self.entities: dict[str, Entity] = {}
        self.country_votes: Counter[str] = Counter()
        self._aliases: dict[str, str] = {}  # acronym -> the expansion it followed
        self._ambiguous: dict[str, list[str]] = {}  # short name -> the full names it may stand for

    # --- country context -------------------------------------------------------------------------
    def sentence_countries(self, mentions: list[Mention], words: list[str]) -> list[str]:
        """Countries the sentence points at: its known actors and adjectives like 'Mexican'."""
        out = []
        for m in mentions:
            for e in m.entries[:1]:
                if m.kind == "alias" and e.country:
                    out.append(e.country)
        for w in words:
            c = self.gaz.adjective_country(w)
            if c:
                out.append(c)
        return out

    def choose(self, candidates: list[GazEntry], context: list[str]) -> GazEntry | None:
        """Pick the candidate whose country the sentence (else the article) points at, among the bodies
        that existed when the article appeared ("the attorney general" is the PGR in 2008, the FGR in 2021)."""
        existing = [e for e in candidates if self.gaz.existed_at(e, self.published)]
        candidates = existing or [self.gaz.existing_at(e, self.published) for e in candidates]
        if len(candidates) == 1:
            return candidates[0]
        for c in context:
            for e in candidates:
                if e.country == c:
                    return e
        for c, _ in self.country_votes.most_common():
            for e in candidates:
                if e.country == c:
                    return e
        return None

    # --- resolution ------------------------------------------------------------------------------
    def own_side(self, mentions: list[Mention], doc: Doc) -> list[str]:
        """Countries a sentence gives its actors, leaving out quoted words and counterparts ("spoke with
        Mexican military leaders"), which say nothing of the side a title-holder is on."""
        quoted: set[int] = set()
        inside = False
        for t in doc:
            if t.text in ("“", "”", '"', "«", "»"):
                inside = t.text in ("“", "«") or (t.text == '"' and not inside)
            elif inside:
                quoted.add(t.i)

        def counterpart(tok) -> bool:
            return any(a.lower_ in _COUNTERPART_WORDS or any(c.dep_ == "case" and c.lower_ in _COUNTERPART_WORDS
                                                             for c in a.children) for a in [tok, *tok.ancestors])

        out: list[str] = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            country = m.entries[0].country if m.entries and (m.kind == "alias" or len(m.entries) == 1
                                                              and m.kind == "title") else None
            if country and span is not None and span.root.i not in quoted and not counterpart(span.root):
                out.append(country)
        for t in doc:
            country = self.gaz.adjective_country(t.text)
            if country and t.i not in quoted and not counterpart(t):
                out.append(country)
        return out

    def resolve_sentence(self, mentions: list[Mention], words: list[str], text: str = "",
                         doc: Doc | None = None) -> None:
        """Give each mention of one sentence its canonical name (gazetteer or surface).

        A title or common noun shared by both countries' bodies ("Attorney General", "Defense Secretary")
        is read by the country word right before it; a title before a name, by the sides the sentence gives
        its actors and then the article's language; a title or noun alone, by the sentence, the article's
        language and the article around it.
        """
        context = self.sentence_countries(mentions, words)
        self.country_votes.update(context)
        sides = self.own_side(mentions, doc) if doc is not None else []
        sides = sides if len(set(sides)) == 1 else []  # only a sentence that points one way decides
        for m in mentions:
            if m.kind == "alias":
                m.canonical, m.type = m.entries[0].name, m.entries[0].type
            elif m.kind in ("title", "term"):
                before = re.search(r"([\w.]+)[’']?s?\s*$", text[:m.start]) if text else None
                near = [c for c in [self.gaz.adjective_country(before.group(1)) if before else None] if c]
                home = [self.home_country] if self.home_country else []
                # "Attorney General Robert Lane": a title before a name is read by the article's language
                # ahead of the sentence; "the navy", "the attorney general" alone by the sentence first.
                named = _NAME_AFTER.match(text, m.end)
                e = self.choose(m.entries, near + (sides + home + context if named else context + home))
                if e is None:
                    m.canonical = None
                    continue
                m.canonical, m.type = e.name, e.type
            elif m.canonical and m.kind == "rule":
                continue  # a rule that wrote the name one way ("U.S.-Mexico ...")
            else:
                hits = [e for e, k in self.gaz.lookup(m.text) if k == "alias"]
                if hits:
                    m.canonical, m.type = hits[0].name, hits[0].type
                elif m.type == "Person":
                    m.canonical = m.text
                else:
                    m.canonical = _PREFIX.sub("", m.text).strip()

    def bind_acronyms(self, mentions: list[Mention], text: str) -> None:
        """'Full Name (ACR)': later mentions of ACR denote Full Name."""
        for m in mentions:
            after = text[m.end:m.end + 14]
            acr = re.match(r"\s*\(([A-Z][A-Za-z.]{1,9})\)", after)
            if acr and m.canonical and is_acronym_of(acr.group(1), m.canonical):
                self._aliases.setdefault(acr.group(1).upper(), m.canonical)

    def finish(self, all_mentions: list[Mention], sentences: list[tuple[str, int, int]]) -> list[Entity]:
        """Cluster every mention of the article into entities; set each mention's ``key``.

        Long: the resolution steps run in a fixed order over the same mentions (full names, nicknames,
        surnames, first names, one type per name), each step using what the last decided; the comments
        mark them.
        """
        persons = sorted({m.canonical for m in all_mentions if m.type == "Person" and m.canonical},
                         key=lambda n: -len(_name_tokens(n)))
        nicknamed = {m.canonical: m.nickname for m in all_mentions if m.nickname}
        full: dict[str, str] = {}
        for name in persons:
            toks = _name_tokens(name)
            # A short name with its own nickname is its own person (Joaquín "El Chapo" Guzmán is not
            # his son Joaquín Guzmán López).
            candidates = [f for f in dict.fromkeys(full.values()) if _is_part_of(toks, _name_tokens(f))
                          and (name not in nicknamed or nicknamed.get(f) == nicknamed[name]
                               or _name_tokens(f)[-len(toks):] == toks)]
            full[name] = candidates[0] if len(candidates) == 1 else name
            if len(candidates) > 1:
                self._ambiguous[name] = candidates
        # A surname the model typed as an organisation is still that person.
        surnames = surnames_of(full.values(), _name_tokens)
        people = sorted(set(full.values()))
        # 'Ismael "El Tigre" Barraza' ... "El Tigre led": the nickname alone is still that person
        nicknames = {normalise_name(m.nickname): full.get(m.canonical, m.canonical)
                     for m in all_mentions if m.nickname and m.canonical}
        nicknames.update(self._known_as(all_mentions, sentences, full))
        for m in all_mentions:
            if not m.canonical:
                continue
            if m.kind in ("ner", "rule") and not m.nickname and normalise_name(m.canonical) in nicknames:
                m.type, m.canonical = "Person", nicknames[normalise_name(m.canonical)]
            elif m.kind in ("ner", "rule") and " ".join(_name_tokens(m.canonical)) in surnames and (
                    m.type != "Person" or m.kind == "rule"):
                m.type, m.canonical = "Person", surnames[" ".join(_name_tokens(m.canonical))]
            elif m.kind in ("ner", "rule") and (first := _first_name_of(m.canonical, people)):
                m.type, m.canonical = "Person", first  # "many thanks, Ken": the one Kenneth named
            if m.type == "Person" and m.canonical in self._ambiguous:
                # "Guzmán López" after two brothers were named: the one named most recently.
                seen = [(x.sent, x.start, x.canonical) for x in all_mentions if x.canonical
                        in self._ambiguous[m.canonical] and (x.sent, x.start) < (m.sent, m.start)]
                m.canonical = max(seen)[2] if seen else m.canonical
                m.nickname = None
                m.kind = "ambiguous"  # resolved by position: not an alias of either person
            elif m.type == "Person":
                m.canonical = full.get(m.canonical, m.canonical)
            if m.canonical.upper() in self._aliases and m.kind == "ner":
                m.canonical = self._aliases[m.canonical.upper()]
                m.type = next((x.type for x in all_mentions if x.canonical == m.canonical), m.type)
        self._join_short_forms(all_mentions)
        # One type per name within an article: the gazetteer's, else Person, else the most frequent.
        votes: dict[str, Counter[str]] = {}
        for m in all_mentions:
            if m.canonical:
                votes.setdefault(normalise_name(m.canonical), Counter())[m.type] += 3 if m.kind == "alias" else 1
        settled = {n: ("Person" if "Person" in c and c.most_common(1)[0][1] < 3 else c.most_common(1)[0][0])
                   for n, c in votes.items()}
        for m in all_mentions:
            if not m.canonical:
                continue
            m.type = settled[normalise_name(m.canonical)]
            key = f"{m.type}:{normalise_name(m.canonical)}"
            m.key = key
            ent = self.entities.get(key)
            sent_text, s_start, s_end = sentences[m.sent]
            if ent is None:
                ent = self.entities[key] = Entity(m.canonical, m.type)
                entry = self.gaz.entries.get(m.canonical)
                if entry and entry.country and entry.type != "Country":
                    ent.props["country"] = entry.country
            surface = m.text.strip()
            if m.nickname:
                ent.aliases.extend([m.nickname, sent_text[m.start:m.end]])
            ent.aliases.extend(a for a in m.also if a not in ent.aliases)
            if m.kind != "ambiguous" and normalise_name(surface) != normalise_name(ent.name) \
                    and surface not in ent.aliases:
                ent.aliases.append(surface)
            if len(ent.evidence) < 5 and all(ev.start != s_start for ev in ent.evidence):
                ent.evidence.append(Evidence(self.article_id, sent_text, s_start, s_end))
        for acr, name in self._aliases.items():
            for ent in self.entities.values():
                if ent.name == name and acr not in ent.aliases:
                    ent.aliases.append(acr)
        return list(self.entities.values())


    @staticmethod
    def _known_as(all_mentions: list[Mention], sentences: list[tuple[str, int, int]],
                  full: dict[str, str]) -> dict[str, str]:
        """'Ramiro Salcedo, also known as El Gato': the second name is the person's alias."""
        out: dict[str, str] = {}
        for m in all_mentions:
            if not m.canonical or m.type == "Person" and m.kind != "ner":
                continue
            before = sentences[m.sent][0][:m.start]
            if not _KNOWN_AS.search(before):
                continue
            person = max((x for x in all_mentions if x.sent == m.sent and x.type == "Person" and x.canonical
                          and x.end <= m.start and x is not m), key=lambda x: x.end, default=None)
            if person is not None:
                out[normalise_name(m.canonical)] = full.get(person.canonical, person.canonical)
        return out

    def _join_short_forms(self, all_mentions: list[Mention]) -> None:
        """Bodies named in full once and shortly after: "U.S.-Mexico Port Security Working Group",
        "the Port Security Working Group", "PSWG"; "Sierra Madre Organization", "SMO"."""
        for acronyms in (False, True):  # short forms first, so that an acronym meets one full name
            bodies = {m.canonical for m in all_mentions if m.canonical and m.type != "Person" and m.kind != "alias"}
            longest = sorted(bodies, key=lambda n: -len(_name_tokens(n)))
            for m in all_mentions:
                if not m.canonical or m.type == "Person" or m.kind == "alias":
                    continue
                toks = _name_tokens(m.canonical)
                if not acronyms:
                    longer = [n for n in longest if len(_name_tokens(n)) > len(toks) >= 3
                              and _name_tokens(n)[-len(toks):] == toks]
                elif m.canonical.isupper() and 2 <= len(m.canonical) <= 6:
                    longer = [n for n in longest if n != m.canonical and (is_acronym_of(m.canonical, n) or any(
                        is_acronym_of(m.canonical, " ".join(_name_tokens(n)[k:])) for k in (1, 2, 3)))]
                else:
                    longer = []
                if len(set(longer)) == 1:
                    m.canonical = longer[0]


def _is_part_of(short: list[str], long: list[str]) -> bool:
    """Whether a shorter name is a tail ('Harfuch', 'García Harfuch') or a subset of a longer one."""
    if not short or len(short) >= len(long):
        return False
    return long[-len(short):] == short or (len(short) >= 2 and set(short) <= set(long))
