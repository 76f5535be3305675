"""Titles and appositions: "DEA Administrator Anne Milgram", "Ana Ruiz, director of the FBI", "the
Mexican President", read as LEADS, MEMBER_OF and the body or country a title names.

Each rule takes a :class:`SentenceView` and returns ``(source key, type, target key, props)`` tuples
(:data:`Found`); ``ensure`` adds an entity the structure implies (the country in "Mexican President X").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Token

from .context import SentenceView
from .gazetteer import Gazetteer

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

DEPUTY_WORDS = {"deputy", "under", "undersecretary", "assistant", "vice", "associate", "subsecretario",
                "subsecretaria", "vicealmirante"}
# Ranks and forms of address that may stand between a title and the name ("Secretary of the Navy
# Admiral Luis Arteaga", "Attorney General Mr. Lane").
RANKS = {"general", "gen", "admiral", "adm", "dr", "mr", "mrs", "ms", "colonel", "col", "captain", "capt", "major",
         "lieutenant", "lt", "sergeant", "sgt", "brigadier", "vice", "rear", "lic", "licenciado", "ing", "don",
         "doña", "sr", "sra", "almirante", "señor", "señora", "cmdr", "cdr", "brig", "ret", "."}
_DEPUTY_TITLE = re.compile(r"^(?:deputy|under|assistant|vice|sub)[\s-]?(secretary|minister|director|administrator|"
                           r"attorney general|secretario|secretaria)\b", re.I)


def title_words(tokens: list[Token]) -> tuple[str | None, str]:
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
        owner = owner_key(view, t, gaz, ensure)
        if owner and titles and t.lower_ in SERVICE_WORDS and all(_is_rank(x) for x in titles):
            i -= 1  # "Pentagon spokesman Navy Capt. Jeff Davis": the service belongs to the rank
            continue
        if owner and not titles:
            return _title_of_body(view, i, owner, m, types)
        if owner and titles:
            kind, title = title_words(titles)
            last = next((t.lower_ for t in reversed(titles) if t.lower_ in LEADER_WORDS | MEMBER_WORDS), "")
            if kind and _fits_country(owner, kind, last, types):
                return (m.key, kind, owner, {"title": title})
            return None
        if t.text == "," and all(_is_rank(x) for x in titles):
            # "The U.S. Defense Secretary, Paul Ward": a title phrase closed by the comma
            j = i - 1
            owner = owner_key(view, doc[j], gaz, ensure) if j >= 0 else None
            words = [x for x in doc[max(0, j - 5):j + 1] if x.lower_ in LEADER_WORDS | MEMBER_WORDS]
            if owner and words and not any(x.ent_type_ == "PERSON" for x in doc[max(0, j - 5):j + 1]):
                kind, title = title_words(words[-1:])
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
    kind, title = title_words(titles)
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
    words = [t for t in window if is_title_word(t)]
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
    kind, title = title_words(window[:window.index(first_title) + 1])
    titled = [o.key for o in view.mentions if o.kind == "title" and o.key
              and window[0].idx - doc[0].idx <= o.start < window[-1].idx - doc[0].idx + len(window[-1].text)]
    owner = titled[0] if titled else None
    for t in window[window.index(first_title):]:  # the body the title is of, not an earlier word
        owner = owner or owner_key(view, t, gaz, ensure)
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


def is_title_word(t: Token) -> bool:
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


def owner_key(view: SentenceView, tok: Token, gaz: Gazetteer, ensure: Ensure) -> str | None:
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
