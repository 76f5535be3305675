"""Relations read from sentence structure: titles and appositions, administrations, verbs of
coordination, participation and cooperation.

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

Found = tuple[str, str, str, dict]
Ensure = Callable[[str, str], str]  # (name, type) -> key

LEADER_WORDS = {"president", "director", "administrator", "secretary", "minister", "chief", "head",
                "commander", "leader", "founder", "co-founder", "cofounder", "boss", "governor", "mayor", "chair",
                "chairman", "chairwoman", "czar", "kingpin", "capo", "commissioner", "comisionado", "presidenta",
                "presidente", "secretario", "secretaria", "directora", "jefe", "jefa", "titular", "canciller",
                "comandante", "gobernador", "gobernadora", "procurador", "procuradora", "fiscal", "administrador",
                "administradora", "cónsul", "consul"}
MEMBER_WORDS = {"agent", "officer", "official", "spokesperson", "spokesman", "spokeswoman", "investigator",
                "undersecretary",
                "prosecutor", "analyst", "member", "operative", "lieutenant", "deputy", "ambassador",
                "adviser", "advisor", "soldier", "marine", "employee", "sicario", "hitman",
                "trafficker", "associate", "pilot"}
TITLE_FILLER = {"the", "of", "former", "then", "general", "special", "plenipotentiary", "acting", "top",
                "senior", "new", "first", "current", "country", "'s", "’s", "a", "an", "and", "public",
                "security", "defense", "national", "foreign", "interior", "drug", "anti", "-", "federal",
                "civilian", "protection", "field", "supervisory", "assistant", "regional", "attorney",
                "u.s.", "us"}
REPORT_CUES = {"report", "reports", "reportedly", "according", "allegedly", "claim", "claims", "sources",
               "reported", "say", "said"}
COOPERATION_VERBS = {"work", "cooperate", "collaborate", "partner", "team"}
RELATION_NOUNS = {"relation", "relationship", "tie", "contact", "communication", "cooperation"}
ACTOR_TYPES = ("Person", "Agency", "Country", "Organization")
RELATION_VERBS = {"lead", "head", "run", "command", "direct", "coordinate", "involve", "participate", "join",
                  "take"} | COOPERATION_VERBS


DEPUTY_WORDS = {"deputy", "under", "undersecretary", "assistant", "vice", "associate", "subsecretario",
                "subsecretaria", "vicealmirante"}
# Ranks and forms of address that may stand between a title and the name ("Secretary of the Navy
# Admiral Luis Arteaga", "Attorney General Mr. Lane").
RANKS = {"general", "gen", "admiral", "adm", "dr", "mr", "mrs", "ms", "colonel", "col", "captain", "capt", "major",
         "lieutenant", "lt", "sergeant", "sgt", "brigadier", "vice", "rear", "lic", "licenciado", "ing", "don",
         "doña", "sr", "sra", "almirante", "señor", "señora", "cmdr", "cdr", "brig", "ret", "."}
_DEPUTY_TITLE = re.compile(r"^(?:deputy|under|assistant|vice|sub)[\s-]?(secretary|minister|director|administrator|"
                           r"attorney general|secretario|secretaria)\b", re.I)


def _title_words(tokens: list[Token]) -> tuple[str | None, str]:
    """('LEADS' | 'MEMBER_OF' | None, title text) for a run of title tokens.

    A deputy, under or assistant secretary serves the body; only its head leads it.
    """
    kind = None
    for t in tokens:
        w = _title_of(t)
        if w in LEADER_WORDS and kind is None:
            kind = "LEADS"
        elif w in MEMBER_WORDS and kind is None:
            kind = "MEMBER_OF"
    if kind == "LEADS" and any(t.lower_ in DEPUTY_WORDS for t in tokens):
        kind = "MEMBER_OF"
    if any(t.lower_ == "charge" for t in tokens):
        kind = "LEADS"  # a special agent in charge heads the office
    if kind == "LEADS" and any(t.lower_ == "press" for t in tokens):
        kind = "MEMBER_OF"  # a press secretary speaks for the body
    words = [t.text for t in tokens if t.lower_ in LEADER_WORDS | MEMBER_WORDS | DEPUTY_WORDS]
    return kind, " ".join(words)


def is_head_title(text: str) -> bool:
    """Whether a gazetteer phrase names the head of its body ("attorney general", "Secretary of the Navy"),
    not the body itself ("navy").

    >>> is_head_title("attorney general"), is_head_title("Secretary of the Navy"), is_head_title("navy")
    (True, True, False)
    """
    words = text.lower().replace("-", " ").split()
    return bool(set(words) & LEADER_WORDS) or (len(words) >= 2 and words[-1] == "general" and words[-2] in (
        "attorney", "prosecutor", "fiscal", "procurador", "procuradora", "surgeon"))


def _before(doc, m) -> tuple[int, bool]:
    """Index of the first token before a mention's span once ranks are skipped, and whether any were."""
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    i = span.start - 1
    skipped = False
    while i >= 0:
        if _is_rank(doc[i]):
            i -= 1
        elif doc[i].text == ")" and i >= 2 and doc[i - 2].text == "(" and doc[i - 1].text[:1].isupper():
            i -= 3  # "Finance Secretary (SHCP) José Antonio Meade"
        else:
            break
        skipped = True
    return i, skipped


def _deputy_body(text: str, gaz: Gazetteer, ensure: Ensure) -> str | None:
    """'Undersecretary of Security' -> the body whose head is the 'Secretary of Security'."""
    m = _DEPUTY_TITLE.match(text.strip())
    if not m:
        return None
    head = m.group(1) + text.strip()[m.end():]
    hits = [e for e, kind in gaz.lookup(head) if kind == "title"]
    return ensure(hits[0].name, hits[0].type) if len(hits) == 1 else None


def _gazetteer_title(view: SentenceView, m, types: dict[str, str]) -> Found | None:
    """A head title from the gazetteer right before the name, ranks allowed between:
    'Secretary of the Navy Admiral Luis Arteaga', 'Attorney General Lane', 'Deputy Secretary of Security X'."""
    doc = view.doc
    i, _ = _before(doc, m)
    first = doc.char_span(m.start, m.end, alignment_mode="expand").start
    if i > 0 and doc[i].text == ",":
        i -= 1  # "el secretario de Hacienda, José Antonio Meade"
    if i < 0:
        return None
    for other in view.mentions:
        if other.kind not in ("title", "term") or not other.key or other.key == m.key:
            continue
        o_span = doc.char_span(other.start, other.end, alignment_mode="expand")
        # the title ends where the ranks begin, or is itself ended by one ("Attorney General")
        if o_span is None or not i <= o_span.end - 1 < first or not is_head_title(other.text):
            continue
        deputy = o_span.start > 0 and doc[o_span.start - 1].lower_ in DEPUTY_WORDS
        return (m.key, "MEMBER_OF" if deputy else "LEADS", other.key, {"title": other.text})
    return None


def _preceding_title(view: SentenceView, m, gaz: Gazetteer, ensure: Ensure, types: dict[str, str]) -> Found | None:
    """Title words left of the name, back to the body or country they belong to: 'Mexican President X',
    'DEA agent X', 'the head of the Federal Police, General X'."""
    doc = view.doc
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    titles: list[Token] = []
    i = span.start - 1
    while i >= 0 and len(titles) < 8:
        t = doc[i]
        owner = _owner(view, t, gaz, ensure)
        if owner and titles and t.lower_ in SERVICE_WORDS and all(_is_rank(x) for x in titles):
            i -= 1  # "Pentagon spokesman Navy Capt. Jeff Davis": the service belongs to the rank
            continue
        if owner and not titles:
            return _title_of_body(view, i, owner, m, types)
        if owner and titles:
            kind, title = _title_words(titles)
            last = next((t.lower_ for t in reversed(titles) if t.lower_ in LEADER_WORDS | MEMBER_WORDS), "")
            if kind and _fits_country(owner, kind, last, types):
                return (m.key, kind, owner, {"title": title})
            return None
        if t.text == "," and all(_is_rank(x) for x in titles):
            # "The U.S. Defense Secretary, Paul Ward": a title phrase closed by the comma
            j = i - 1
            owner = _owner(view, doc[j], gaz, ensure) if j >= 0 else None
            words = [x for x in doc[max(0, j - 5):j + 1] if x.lower_ in LEADER_WORDS | MEMBER_WORDS]
            if owner and words and not any(x.ent_type_ == "PERSON" for x in doc[max(0, j - 5):j + 1]):
                kind, title = _title_words(words[-1:])
                if kind and _fits_country(owner, kind, words[-1].lower_, types):
                    return (m.key, kind, owner, {"title": title})
            return None
        if t.lower_ == "and" and any(x.lower_ in LEADER_WORDS | MEMBER_WORDS for x in titles):
            return None  # "the Attorney General and Secretary Mayorkas": two people
        if t.lower_ in LEADER_WORDS | MEMBER_WORDS | TITLE_FILLER | DEPUTY_WORDS or _is_rank(t) or (
                t.lower_ in ("in", "charge") and _in_charge(doc, t)):
            titles.insert(0, t)
            i -= 1
            continue
        return None
    return None


def _is_rank(t: Token) -> bool:
    """A rank or form of address ("Gen.", "Adm", "Dr."), or the full stop the tokenizer split off one."""
    return t.lower_.strip(".") in RANKS | {""}


SERVICE_WORDS = {"navy", "army", "marine", "marines", "air", "force", "coast", "guard"}


def _in_charge(doc, t: Token) -> bool:
    """'Special Agent in Charge': 'in' and 'charge' belong to the title only together."""
    return (t.lower_ == "charge" and t.i > 0 and doc[t.i - 1].lower_ == "in") or (
        t.lower_ == "in" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "charge")


def _title_of_body(view: SentenceView, i: int, owner: str, m, types: dict[str, str]) -> Found | None:
    """'Special Agent in Charge of the FBI Phoenix Field Office Ana Ruiz': a title, 'of', the
    body, then the name."""
    doc = view.doc
    while i >= 0 and view.key_at(doc[i]) == owner:
        i -= 1
    if i >= 0 and doc[i].lower_ in ("the", "our"):
        i -= 1
    if i < 0 or doc[i].lower_ not in ("of", "for"):
        return None
    titles: list[Token] = []
    i -= 1
    while i >= 0 and len(titles) < 6 and (doc[i].lower_ in LEADER_WORDS | MEMBER_WORDS | TITLE_FILLER | DEPUTY_WORDS
                                          or _in_charge(doc, doc[i])):
        titles.insert(0, doc[i])
        i -= 1
    kind, title = _title_words(titles)
    if kind and _fits_country(owner, kind, next((t.lower_ for t in reversed(titles)
                                                 if t.lower_ in LEADER_WORDS | MEMBER_WORDS), ""), types):
        return (m.key, kind, owner, {"title": title})
    return None


def _following_title(view: SentenceView, m, gaz: Gazetteer, ensure: Ensure, types: dict[str, str]) -> Found | None:
    """Apposition or clause right of the name: ', the DEA administrator', ', who was appointed DEA director',
    ' as secretary of Security', ' chief of the Financial Intelligence Unit', ' of the Foreign Ministry'."""
    doc = view.doc
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    j = span.end
    if j + 2 < len(doc) and doc[j].text == "," and doc[j + 1].like_num and doc[j + 2].text == ",":
        j += 2  # "Luis Soto-Vega, 48, one of the leaders of ..."
    window: list[Token] = []
    while j < len(doc) and len(window) < 12 and doc[j].text not in (".", ";", "—", "(") and not (
            window and doc[j].text == ","):
        if view.key_at(doc[j]) and view.key_at(doc[j]).startswith("Person:") and view.key_at(doc[j]) != m.key:
            # ", Interior Minister Adan Augusto Lopez": the title belongs to the next person named
            last = next((t for t in reversed(window) if t.lower_.strip(".") not in RANKS), None)
            if last is not None and (last.lower_ in LEADER_WORDS | MEMBER_WORDS | TITLE_FILLER
                                     or view.key_at(last)):
                return None
            break
        window.append(doc[j])
        j += 1
    rest = window[1:] if window[:1] and window[0].text == "," else window
    if len(rest) >= 2 and rest[0].lower_ in ("of", "de", "del") and (key := view.key_at(rest[1]) or (
            len(rest) > 2 and rest[1].lower_ in ("the", "our", "la", "el") and view.key_at(rest[2]))) and types.get(
            key) in ("Agency", "Organization"):
            return (m.key, "MEMBER_OF", key, {})  # "Roberto Velasco of the Foreign Ministry", "X, de la Oficina"
    if not _opens_apposition(window):
        return None
    words = [t for t in window if _title_word(t)]
    if not words:
        return None
    first_title = words[0]
    if any(t.lower_ in ("by", "with", "to") for t in window[:window.index(first_title)]):
        return None
    deputy = _deputy_body(" ".join(t.text for t in window[window.index(first_title):]).lstrip(", "), gaz, ensure)
    if deputy:
        return (m.key, "MEMBER_OF", deputy, {"title": first_title.text})
    if window[-1] is first_title and j + 1 < len(doc) and doc[j].text == "," and view.key_at(doc[j + 1]) and types.get(
            view.key_at(doc[j + 1])) in ("Agency", "Organization"):
        window = [*window, doc[j + 1]]  # "Ana Ruiz, Director, Office of Border Affairs"
    kind, title = _title_words(window[:window.index(first_title) + 1])
    titled = [o.key for o in view.mentions if o.kind == "title" and o.key
              and window[0].idx - doc[0].idx <= o.start < window[-1].idx - doc[0].idx + len(window[-1].text)]
    owner = titled[0] if titled else None
    for t in window[window.index(first_title):]:  # the body the title is of, not an earlier word
        owner = owner or _owner(view, t, gaz, ensure)
    secretary = {t.lower_ for t in window[:window.index(first_title) + 1]} & SECRETARIES
    if kind == "MEMBER_OF" and secretary and owner and set(owner.split(":", 1)[-1].split()[:1]) & SUB_BODIES:
        kind = "LEADS"  # "Assistant Secretary, Bureau of X": deputy to the minister, head of the bureau
    if kind and owner and owner != m.key and _fits_country(owner, kind, first_title.lower_, types):
        return (m.key, kind, owner, {"title": first_title.text})
    return None


# Bodies inside a ministry, each headed by one of its deputy or assistant secretaries.
SECRETARIES = {"secretary", "undersecretary", "secretario", "secretaria", "subsecretario", "subsecretaria"}
SUB_BODIES = {"bureau", "office", "buro", "oficina", "subsecretaria", "unit", "unidad", "division", "section"}


def title_relations(view: SentenceView, types: dict[str, str], gaz: Gazetteer, ensure: Ensure) -> list[Found]:
    """'Mexican President X', 'DEA agent X', 'Secretary of Security X', 'X, the DEA administrator'."""
    out: list[Found] = []
    for m in view.mentions:
        if m.type != "Person" or not m.key:
            continue
        if view.doc.char_span(m.start, m.end, alignment_mode="expand") is None:
            continue
        found = _gazetteer_title(view, m, types) or _preceding_title(view, m, gaz, ensure, types)
        if found:
            out.append(found)
        after = _following_title(view, m, gaz, ensure, types)
        if after and not (found and found[2] == after[2]):
            out.append(after)
    return out + _presidents(view, gaz, ensure)


# A country is led by its president; "a leader of the cartel in Mexico" leads the cartel.
COUNTRY_LEADER_TITLES = {"president", "presidenta", "presidente"}
COUNTRY_MEMBER_TITLES = {"ambassador", "official", "diplomat", "envoy", "consul", "agent", "officer"}


def _fits_country(owner: str, kind: str | None, title: str, types: dict[str, str]) -> bool:
    """A country is led by its president, not by a 'former defence secretary'; an ambassador serves it,
    a pilot does not."""
    if not owner.startswith("Country:"):
        return True
    return title in (COUNTRY_LEADER_TITLES if kind == "LEADS" else COUNTRY_MEMBER_TITLES)


def _presidents(view: SentenceView, gaz: Gazetteer, ensure: Ensure) -> list[Found]:
    """'President Felipe Calderón': a head of state the text calls president led their country."""
    out: list[Found] = []
    doc = view.doc
    for m in view.mentions:
        entry = gaz.entries.get(m.canonical or "")
        if m.type != "Person" or not m.key or entry is None or not entry.terms or not entry.country:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        before = doc[max(0, span.start - 3):span.start] if span is not None else []
        if any(t.lower_ in ("president", "presidents", "ex-president") for t in before):
            term = entry.terms[-1] if len(entry.terms) == 1 else None
            props = {"title": "President"}
            if term:
                props.update(start=term.start[:4], end=term.end[:4] if term.end else None)
            out.append((m.key, "LEADS", ensure(entry.country, "Country"), props))
    return out


APPOINT_VERBS = {"appointed", "named", "nominated", "confirmed", "sworn", "picked", "chosen", "tapped"}
LEAD_VERBS = {"heads", "leads", "led", "headed", "runs", "ran", "directs", "directed", "commands", "commanded"}


def _title_of(t: Token) -> str:
    """The title word a token is, singular ("members" -> "member"), or the token as it is."""
    w = t.lower_
    return w if w in LEADER_WORDS | MEMBER_WORDS or not w.endswith("s") else w[:-1]


def _title_word(t: Token) -> bool:
    """A leader's or member's title, singular or plural ("members of", "agents of")."""
    return _title_of(t) in LEADER_WORDS | MEMBER_WORDS


def _opens_apposition(window: list[Token]) -> bool:
    """', the DEA administrator', ', who was appointed DEA director', ' as secretary of Security'."""
    if not window:
        return False
    first = window[0].lower_
    rest = [t.lower_ for t in window[1:4]]
    if first == "as":
        return True
    if first == ",":
        window = window[1:]
        first, rest = (window[0].lower_, [t.lower_ for t in window[1:4]]) if window else ("", [])
    if first in LEADER_WORDS | MEMBER_WORDS | DEPUTY_WORDS and rest[:1] in (["of"], ["for"]):
        return True  # "Ana Ruiz chief of the Financial Intelligence Unit", ", Undersecretary of Security"
    if rest[:2] and rest[0] in LEADER_WORDS | MEMBER_WORDS and rest[1:2] == ["of"] and window[0].text[:1].isupper():
        return True  # ", Ranking Member of the Senate Committee on Foreign Relations"
    if first in ("who", "whom"):
        return bool(set(rest) & (APPOINT_VERBS | LEAD_VERBS)) and not any(
            t.ent_type_ in ("PERSON", "Person") for t in window[1:4])
    return bool(window) and (first in ("the", "a", "an", "then", "now", "former", "its", "his", "her", "their",
                                       "mexico", "mexico's", "also", "currently", "one")
                             or window[0].ent_type_ not in ("", "PERSON", "Person", "DATE", "CARDINAL"))


def _owner(view: SentenceView, tok: Token, gaz: Gazetteer, ensure: Ensure) -> str | None:
    """The body or country a token stands for: a mention, or an adjective like 'Mexican'."""
    key = view.key_at(tok)
    if key and not key.startswith("Person:"):
        return key
    if key:
        return None
    country = gaz.adjective_country(tok.text)
    if country and tok.ent_type_ in ("NORP", "GPE", ""):
        return ensure(country, "Country")
    return None


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
        owner = _owner(view, prev, gaz, ensure)
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
                words = [t for t in phrase if _title_word(t)]
                kind = "MEMBER_OF" if "second in command" in text else (_title_words(words[:1])[0] if words else None)
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
