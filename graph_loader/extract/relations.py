"""Relations read from sentence structure beyond titles (:mod:`.titles`): parts of bodies, roles,
programmes, field offices and forums, partners and cooperation, places, administrations, and verbs of
coordination and participation.

Each function takes a :class:`SentenceView` and returns ``(source key, type, target key, props)``
tuples; ``ensure`` adds an entity the structure implies (the country in "Mexican President X").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Token

from .context import SentenceView
from .dates import year_range
from .events import subjects_of
from .gazetteer import AdminInfo, Gazetteer
from .lexicon import words
from .mentions import field_office, forum_countries
from .titles import Ensure, Found, is_title_word, owner_key, title_words

REPORT_CUES = {"report", "reports", "reportedly", "according", "allegedly", "claim", "claims", "sources",
               "reported", "say", "said"}
COOPERATION_VERBS = {"work", "cooperate", "collaborate", "partner", "team"}
RELATION_NOUNS = {"relation", "relationship", "tie", "contact", "communication", "cooperation"}
ACTOR_TYPES = ("Person", "Agency", "Country", "Organization")
RELATION_VERBS = {"lead", "head", "run", "command", "direct", "coordinate", "involve", "participate", "join",
                  "take"} | COOPERATION_VERBS



def part_of_relations(view: SentenceView, types: dict[str, str], gaz: Gazetteer, ensure: Ensure) -> list[Found]:
    """'the U.S. Drug Enforcement Administration', 'Mexico's National Guard', 'Mexican army'."""
    out: list[Found] = []
    doc = view.doc
    for m in view.mentions:
        if m.type != "Agency" or not m.key or m.kind in ("title", "term"):
            continue  # "the U.S. Secretary of State" names a person's title, not the department
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or span.start == 0:
            continue
        prev = doc[span.start - 1]
        possessive = prev.text in ("'s", "’s") and span.start >= 2
        if possessive:
            prev = doc[span.start - 2]
        owner = owner_key(view, prev, gaz, ensure)
        if owner and (types.get(owner) == "Country" or possessive and types.get(owner) == "Agency") and owner != m.key:
            out.append((m.key, "PART_OF", owner, {}))  # "Treasury's Financial Crimes Enforcement Network"
        elif m.text.split()[0] in ("U.S.", "US", "Mexican", "Mexico's", "Mexico’s"):
            country = gaz.adjective_country(m.text.split()[0].replace("’s", "").replace("'s", "")) or (
                "Mexico" if m.text.startswith("Mexico") else None)
            if country:
                out.append((m.key, "PART_OF", ensure(country, "Country"), {}))
    return out


COPULAS = {"be", "serve", "become", "remain", "act", "ser", "fungir", "desempeñar"}
REPRESENT_VERBS = {"represent", "representar"}


def role_relations(view: SentenceView, types: dict[str, str], gaz: Gazetteer, ensure: Ensure) -> list[Found]:
    """A person's post said with a verb: 'X was second in command of the Gulf Cartel', 'X serves as
    director of the FBI', 'Mr. Ortiz representing the Foreign Ministry'."""
    out: list[Found] = []
    for tok in view.doc:
        lemma = tok.lemma_.lower()
        if lemma in REPRESENT_VERBS:
            people = [k for c in subjects_of(tok) for k in view.keys_in(c)]
            if tok.dep_ in ("acl", "relcl", "advcl") and view.key_at(tok.head):
                people.append(view.key_at(tok.head))
            bodies = [k for c in tok.children if c.dep_ in ("dobj", "obj") for k in view.keys_in(c)]
            out += [(p, "MEMBER_OF", b, {}) for p in people for b in bodies[:1]
                    if types.get(p) == "Person" and types.get(b) in ("Agency", "Organization")]
        elif lemma in COPULAS:
            people = [k for c in subjects_of(tok) for k in view.keys_in(c, same_clause=True)
                      if types.get(k) == "Person"]
            roles = [c for c in tok.children if c.dep_ in ("attr", "acomp")] + [
                g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("as", "como") for g in c.children]
            for role in roles:
                phrase = list(role.subtree)
                text = " ".join(t.lower_ for t in phrase)
                words = [t for t in phrase if is_title_word(t)]
                kind = "MEMBER_OF" if "second in command" in text else (title_words(words[:1])[0] if words else None)
                after = phrase[phrase.index(words[0]) + 1:] if words else phrase
                body = next((view.key_at(t) for t in after if view.key_at(t)
                             and types.get(view.key_at(t)) in ("Agency", "Organization", "Initiative")), None)
                out += [(p, kind, body, {}) for p in people[:1] if kind and body]
    return out


# "under the Merida Initiative", "as part of Operation X", "a través de la Iniciativa Mérida"
THROUGH_WORDS = {"under", "through", "within", "bajo", "través", "mediante", "marco"}


def programme_relations(view: SentenceView, types: dict[str, str]) -> list[Found]:
    """Actors that act under, through or as part of a programme take part in it."""
    out: list[Found] = []
    seen: set[str] = set()
    for tok in view.doc:
        prog = view.key_at(tok)
        if prog is None or prog in seen or types.get(prog) != "Initiative":
            continue
        seen.add(prog)
        root = tok
        while view.key_at(root.head) == prog and root.head.i != root.i:
            root = root.head
        # the path up to the clause's verb: "under X", "as part of X", "bajo un programa llamado X"
        verb = next((a for a in root.ancestors if a.pos_ in ("VERB", "AUX") and subjects_of(a)), None)
        path = [root, *[a for a in root.ancestors if verb is None or a.i != verb.i and verb in a.ancestors]][:5]
        marker = {c.lower_ for t in path for c in t.children if c.dep_ in ("case", "fixed")
                  for c in [c, *c.children]}
        marker |= {t.head.lower_ for t in path if t.dep_ == "pobj"} | {t.lower_ for t in path if t.dep_ == "prep"}
        if not marker & (THROUGH_WORDS | {"part"}):
            continue
        actors = [k for c in (subjects_of(verb) if verb is not None else []) for k in view.keys_in(c)]
        out += [(k, "PARTICIPATES_IN", prog, {"status": "confirmed"}) for k in actors
                if types.get(k) in ACTOR_TYPES]
    return out


def field_office_relations(view: SentenceView, gaz: Gazetteer, ensure: Ensure) -> list[Found]:
    """A field division is part of its agency ("FBI Phoenix Field Office")."""
    out: list[Found] = []
    for m in view.mentions:
        office = field_office(view.doc.text[m.start:m.end]) if m.kind == "rule" and m.key else None
        hits = [e for e, kind in gaz.lookup(office[1]) if kind == "alias" and e.type == "Agency"] if office else []
        if hits:
            out.append((m.key, "PART_OF", ensure(hits[0].name, "Agency"), {}))
    return out


def forum_relations(view: SentenceView, gaz: Gazetteer, ensure: Ensure) -> list[Found]:
    """The countries a forum is named after take part in it ("U.S.-Mexico Security Dialogue")."""
    out: list[Found] = []
    for m in view.mentions:
        if m.type != "Initiative" or not m.key or m.kind != "rule":
            continue
        for word in forum_countries(view.doc.text[m.start:m.end]):
            hits = [e for e, kind in gaz.lookup(word) if kind == "alias" and e.type == "Country"]
            if hits:
                out.append((ensure(hits[0].name, "Country"), "PARTICIPATES_IN", m.key, {"status": "confirmed"}))
    return out


def cooperation_relations(view: SentenceView, types: dict[str, str], gaz: Gazetteer, ensure: Ensure,
                          country_of: Callable[[str], str | None] = lambda k: None) -> list[Found]:
    """Two countries, or bodies of two countries, joined in a sentence about their cooperation work together,
    the first named first: "the U.S.-Mexico border partnership", "Canada and Mexico keep working together",
    "a joint effort of the Mexican Navy and the U.S. Coast Guard".
    ``country_of`` gives a body's country: two bodies of one government are not the cooperation told."""
    cues = [t for t in view.doc if t.lower_ in words(view.language, "cooperation_words")]
    if not cues or words(view.language, "claim_words") & {t.lower_ for t in view.doc}:
        return []
    negations = words(view.language, "negation_words")
    if any(c.lower_ in negations for cue in cues for c in [*cue.children, *cue.head.children]):
        return []  # "no cooperation", "did not work together"; a "cannot" elsewhere does not count

    def country(tok: Token, bodies: bool = False) -> str | None:
        key = view.key_at(tok)
        if key is None and not tok.ent_type_.startswith("PER"):
            name = gaz.adjective_country(tok.text.split("-")[0])
            key = ensure(name, "Country") if name else None
        kinds = ("Country", "Agency") if bodies else ("Country",)
        return key if key and types.get(key, key.split(":")[0]) in kinds else None

    def counterparts(tok: Token) -> bool:  # "arrested with help from Mexico and Canada": both help the subject
        return any(a.dep_ == "prep" and a.lower_ in ("with", "from", "by") for a in tok.ancestors)

    for t in view.doc:
        first = country(t, bodies=True)
        if first is None or counterparts(t):
            continue
        # "U.S.-Mexico" is one token to the parser: its second country is read from the word itself
        for part in t.text.split("-")[1:]:
            name = gaz.adjective_country(part) or next(
                (e.name for e, kind in gaz.lookup(part) if kind == "alias" and e.type == "Country"), None)
            if name and (second := ensure(name, "Country")) != first:
                return [(first, "WORKS_WITH", second, {})]
        # "the United States and Mexico", "U.S. and Mexican militaries": a country and its conjunct
        # "the Mexican Navy and the U.S. Coast Guard": a body and its conjunct
        for conj in (c for c in t.subtree if c.dep_ == "conj" and c.head.i in {x.i for x in t.subtree} | {t.i}):
            second = country(conj, bodies=True) or next(
                (country(x, bodies=True) for x in conj.subtree if country(x, bodies=True)), None)
            if second and second != first and (country_of(first) or first) != (country_of(second) or second):
                return [(first, "WORKS_WITH", second, {})]
    return []


PARTNER_NOUNS = {"partner", "partners", "counterpart", "counterparts", "socio", "socios", "contraparte",
                 "contrapartes", "aliado", "aliados"}


def partner_relations(view: SentenceView, types: dict[str, str]) -> list[Found]:
    """'FinCEN and its partners, including the FBI and Mexican authorities': the body works with each."""
    out: list[Found] = []
    for tok in view.doc:
        if tok.lower_ not in PARTNER_NOUNS:
            continue
        owner = view.key_at(tok.head) if tok.dep_ == "conj" else None
        owner = owner or next((view.key_at(c) for c in tok.children if c.dep_ == "poss" and view.key_at(c)), None)
        if owner is None or types.get(owner) not in ACTOR_TYPES:
            continue
        listed = [k for c in tok.children if c.dep_ == "prep" and c.lower_ in ("including", "like", "such")
                  for k in view.keys_in(c)]
        out += [(owner, "WORKS_WITH", k, {}) for k in listed if k != owner and types.get(k) in ACTOR_TYPES]
    return out


def listed_body_relations(view: SentenceView, types: dict[str, str],
                          country_of: Callable[[str], str | None] = lambda k: None) -> list[Found]:
    """A country's bodies listed after it: "officials of the Mexican government, including the Navy and the
    Federal Police", "nuestros pares en México, a saber, el secretario de Marina ...": each is part of it."""
    text = view.doc.text.lower()
    cue = min((i for w in words(view.language, "inclusion_words") if (i := text.find(w)) >= 0), default=-1)
    if cue < 0:
        return []
    countries = [m.key for m in view.mentions if m.key and types.get(m.key) == "Country" and m.end <= cue]
    out: list[Found] = []
    for country in countries[-1:]:
        for m in view.mentions:
            if m.key and m.start > cue and types.get(m.key) == "Agency" and country_of(m.key) == country:
                out.append((m.key, "PART_OF", country, {}))
    return out


def place_relations(view: SentenceView, types: dict[str, str]) -> list[Found]:
    """'El Paso, Texas': a place written with the larger place it lies in (not inside a list)."""
    out: list[Found] = []
    places = sorted((m for m in view.mentions if m.type == "Place" and m.key), key=lambda m: m.start)
    text = view.doc.text
    for a, b in zip(places, places[1:], strict=False):
        between = text[a.end:b.start]
        before = text[:a.start].rstrip()
        after = text[b.end:].lstrip()
        if between.strip() == "," and not before.endswith(",") and not after.startswith((",", "and ", "or ")):
            out.append((a.key, "PART_OF", b.key, {}))
    return out


def administration_mentions(view: SentenceView, gaz: Gazetteer, published: str | None
                            ) -> list[tuple[str, AdminInfo, str]]:
    """Administrations a sentence names: (leader key or '', administration, surface text)."""
    out: list[tuple[str, AdminInfo, str]] = []
    text = view.doc.text
    for m in view.mentions:
        if m.type != "Person" or not m.key:
            continue
        after = text[m.end:m.end + 40]
        years = year_range(after)
        noun = re.match(r"\s*(?:['’]s\s+)?(administration|government|presidency|six-year term|term)\b", after)
        if not years and not noun:
            continue
        leader = m.canonical or m.text
        terms = gaz.administrations_of(leader)
        admin = None
        if years:
            admin = next((a for a in terms if a.start[:4] == years[0]), None)
        if admin is None and terms:
            covering = [a for a in terms if published and a.start <= published]
            admin = covering[-1] if covering else terms[-1]
        if admin is None and years:
            surname = leader.split()[-1]
            admin = AdminInfo(f"{surname} administration", leader, "", years[0], years[1], None)
        if admin is None:
            continue
        surface = text[m.start:m.end] + (after[:after.index(")") + 1] if years else
                                          after[:noun.end()] if noun else "")
        out.append((m.key, admin, surface.strip()))
    party = re.search(r"\b(?:the|this)\s+(Republican|Democratic|U\.S\.|US|American|Trump|Biden)\s+administration\b",
                      text)
    if party and published:
        admin = gaz.administration_at("United States", published)
        if admin is not None:
            out.append(("", admin, party.group().split(None, 1)[1]))
    return out


def verb_relations(view: SentenceView, types: dict[str, str], last_initiative: str | None) -> list[Found]:
    """COORDINATES, PARTICIPATES_IN and WORKS_WITH from their verbs."""
    out: list[Found] = []
    reported = any(t.lower_ in REPORT_CUES for t in view.doc)
    for tok in view.doc:
        lemma = tok.lemma_.lower()
        if lemma not in RELATION_VERBS and not (tok.pos_ == "VERB" and any(
                c.dep_ == "dobj" and c.lemma_.lower() in RELATION_NOUNS for c in tok.children)):
            continue
        subjects = [k for c in subjects_of(tok) for k in view.keys_in(c)]
        withs = [k for c in tok.children if c.dep_ == "prep" and c.lower_ == "with" for k in view.keys_in(c)]
        if lemma in ("lead", "head", "run", "command", "direct") and tok.pos_ == "VERB":
            # "Sedena, then led by General X" / "X headed the Federal Investigation Agency"
            by = [k for c in tok.children if c.dep_ == "agent" for k in view.keys_in(c)]
            body = view.key_at(tok.head) if tok.dep_ in ("acl", "relcl") else None
            if body is None and tok.dep_ in ("acl", "relcl"):
                body = next(iter(view.keys_in(tok.head)), None)
            if body is None and by:  # "the SSPC, then headed by X": the body named just before
                before = [m for m in view.mentions if m.key and m.end <= tok.idx - view.doc[0].idx
                          and types.get(m.key) in ("Agency", "Organization")]
                body = before[-1].key if before else None
            objs = [k for c in tok.children if c.dep_ == "dobj" for k in view.keys_in(c)]
            pairs = [(p, body) for p in by if body] + [(s, o) for s in subjects for o in objs]
            for person, led in pairs:
                if types.get(person) == "Person" and types.get(led) in ("Agency", "Organization", "Country",
                                                                         "Initiative"):
                    out.append((person, "LEADS", led, {}))
        elif lemma == "coordinate" and tok.pos_ == "VERB":
            passive = any(c.dep_ == "nsubjpass" for c in tok.children)
            objects = withs + [k for c in tok.children if c.dep_ == "dobj" for k in view.keys_in(c)]
            for s in subjects:
                for w in (withs if passive else objects):
                    out.append((w, "COORDINATES", s, {}) if passive else (s, "COORDINATES", w, {}))
        elif (lemma in ("involve", "participate", "join") or (lemma == "take" and any(
                c.lower_ == "part" for c in tok.children))) and tok.pos_ in ("VERB", "ADJ", "AUX"):
            targets = [k for c in tok.children if c.dep_ in ("prep", "dobj")
                       for k in view.keys_in(c) if types.get(k) == "Initiative"]
            target = targets[0] if targets else last_initiative
            if lemma == "involve" and any(c.dep_ == "prep" for c in tok.children) and not targets:
                continue  # "involved in the murder": an event, not a programme
            for s in subjects:
                if target and types.get(s) in ACTOR_TYPES:
                    out.append((s, "PARTICIPATES_IN", target,
                                {"status": "reported" if reported else "confirmed"}))
        elif tok.pos_ == "VERB" and (lemma in COOPERATION_VERBS or any(
                c.dep_ == "dobj" and c.lemma_.lower() in RELATION_NOUNS for c in tok.children)):
            if _in_reported_speech(tok) or any(c.dep_ == "neg" for c in tok.children):
                continue  # what someone says about cooperation is a claim, not a fact
            objs = withs or [k for c in tok.children if c.dep_ == "dobj"
                             for g in c.children if g.dep_ == "prep" and g.lower_ == "with"
                             for k in view.keys_in(g)]
            for s in subjects:
                for w in objs:
                    if s != w and types.get(s) in ACTOR_TYPES and types.get(w) in ACTOR_TYPES:
                        out.append((s, "WORKS_WITH", w, {}))
    return out


def _in_reported_speech(tok: Token) -> bool:
    reporting = words(tok.doc.lang_, "reporting_verbs")
    return any(a.lemma_.lower() in reporting for a in tok.ancestors)
