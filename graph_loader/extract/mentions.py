"""Find the mentions of actors in one parsed sentence and give each an ontology type.

Statistical NER and the gazetteer's EntityRuler propose spans; rules here fix the model's typical
mistakes (titles inside person names, initiatives tagged as people, bodies tagged as places).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span

from .gazetteer import GazEntry, Gazetteer
from .lexicon import words

ONTOLOGY_TYPES = {"Person", "Agency", "Country", "Organization", "Initiative", "Law", "Place"}

# Words that open a person span but belong to the title, not the name.
TITLE_WORDS = {
    "president", "vice", "secretary", "director", "administrator", "agent", "general", "gen", "judge",
    "senator", "sen", "governor", "gov", "minister", "attorney", "prosecutor", "former", "then", "mr", "mrs",
    "ms", "dr", "chief", "commander", "lieutenant", "captain", "officer", "drug", "lord", "kingpin",
    "trafficker", "leader", "boss", "founder", "mexican", "american", "u.s.", "us", "ambassador", "official",
    "spokesperson", "spokesman", "spokeswoman", "deputy", "acting", "the", "a", "an", "defense", "security",
    "foreign", "interior", "navy", "army", "federal", "special", "cartel", "kingpins", "head", "journalist",
    "reporter", "representative", "rep", "congressman", "congresswoman", "sheriff", "mayor", "colonel",
    "admiral", "sergeant", "sgt", "lt", "capt", "col", "adm", "president-elect", "alleged", "accused",
    "convicted", "late", "capo", "narco", "trafficking", "of", "and", "public", "national", "civilian",
    "protection", "homeland", "state", "justice", "dea", "fbi", "cia", "ranking", "member", "members",
    "chairman", "chairwoman", "undersecretary", "honorable", "commissioner",
    # Spanish: "la presidenta Claudia Sheinbaum", "el secretario ... Omar García Harfuch"
    "presidenta", "presidente", "secretario", "secretaria", "fiscal", "directora",
    "embajador", "embajadora", "procurador", "procuradora", "canciller", "subsecretario", "subsecretaria",
    "agente", "comandante", "almirante", "señor", "señora", "licenciado", "licenciada", "jefe", "jefa",
    "titular", "gobernador", "gobernadora", "alcalde", "alcaldesa", "narcotraficante", "líder", "ministro",
    "ministra", "expresidente", "expresidenta", "exsecretario", "mexicano", "mexicana",
    "estadounidense", "don", "doña", "cónsul", "consul", "vicecónsul", "representante", "vocero", "vocera",
    "portavoz", "funcionario", "funcionaria",
}
_ARTICLES = {"el", "la", "los", "las"}
_AGENCY_WORDS = {
    "ministry", "secretariat", "department", "administration", "agency", "bureau", "office", "service",
    "police", "guard", "army", "navy", "force", "forces", "court", "congress", "senate", "commission",
    "council", "command", "prosecutor", "prosecutors", "attorney", "unit", "center", "centre", "institute",
    "customs", "enforcement", "patrol", "cabinet", "secretary", "fiscalía", "secretaría", "marshals",
    "military", "government", "intelligence", "directorate", "task", "embassy", "consulate",
    "procuraduría", "departamento", "agencia", "oficina", "comisión", "consejo", "gobierno", "policía",
    "guardia", "ejército", "marina", "embajada", "consulado", "instituto", "unidad", "centro", "congreso",
    "senado", "cámara", "tribunal", "corte", "juzgado", "servicio", "dirección", "subsecretaría", "gabinete",
}
_ORGANIZATION_WORDS = {"cartel", "cártel", "gang", "party", "clan", "organization", "organisation", "newspaper",
                       "times", "post", "news", "network", "group", "family", "familia", "mafia", "syndicate",
                       "university", "company", "bank", "foundation", "edition", "organización", "grupo", "banda",
                       "partido", "periódico", "diario", "empresa", "universidad"}
_LAW_WORDS = {"law", "act", "treaty", "code", "constitution", "amendment", "ley", "bill", "decree", "reform",
              "agreement", "accord", "memorandum", "principles", "convention", "tratado", "acuerdo", "código",
              "reforma", "memorándum", "decreto", "convenio", "constitución"}
_INITIATIVE_FIRST = {"project", "operation", "operativo", "operación", "plan", "program", "programme", "programa",
                     "proyecto", "iniciativa", "estrategia"}
# Standing forums of governments ("Border Health Dialogue", "Port Security Working Group", "Energy
# Ministerial") are programmes the countries take part in, not organisations of their own.
_INITIATIVE_LAST = {"initiative", "program", "programme", "strategy", "framework", "plan", "dialogue",
                    "ministerial", "conference", "courses", "diálogo", "iniciativa", "programa", "estrategia"}
_PREPOSITIONS = {"of", "on", "for", "de", "del", "sobre", "para", "en"}
_FORUM_PAIRS = {("working", "group"), ("consultative", "group"), ("contact", "group")}

_INITIATIVE_RE = re.compile(
    r"\b(?:Project|Operation|Operativo|Operación)\s+[A-Z][\w’'-]*(?:\s+(?:[A-Z][\w’'-]*|of|and|de|del|la)){0,4}")
# Forums named after the countries in them: "U.S.-Mexico Border Health Dialogue", "United States –
# Mexico Port Security Working Group", "U.S.-Canada-Mexico Energy Ministerial".
_COUNTRY_WORD = r"(?:U\.S\.|US|United States|Mexico|México|Canada|Canadá|Estados Unidos|EE\.\s?UU\.)"
_COUNTRY_PAIR = re.compile(_COUNTRY_WORD + r"(?:\s*[–—-]\s*" + _COUNTRY_WORD + r")+")
_FORUM_RE = re.compile(
    _COUNTRY_PAIR.pattern + r"\s+(?:[A-Z][\w-]*\s+){0,6}?"
    r"(?:Dialogue|Group|Ministerial|Framework|Initiative|Commission|Council|Conference|Partnership|Summit|Forum)"
    r"(?:\s+(?:on|for|of)\s+(?:[A-Z][\w-]*)(?:\s+(?:[A-Z][\w-]*|and|of|the)){0,6})?")
_FORUM_DASH = re.compile(r"\s*[–—-]\s*")


def forum_name(text: str) -> str:
    """A forum's name with its country prefix written one way ("U.S.-Mexico ...").

    >>> forum_name("United States – Mexico Port Security Working Group")
    'U.S.-Mexico Port Security Working Group'
    """
    m = _COUNTRY_PAIR.match(text)
    if not m or not text[m.end():].startswith((" ", "\t")):
        return text
    prefix = _FORUM_DASH.sub("-", m.group()).replace("United States", "U.S.").replace("US-", "U.S.-")
    return f"{prefix} {text[m.end():].strip()}"


def forum_countries(text: str) -> list[str]:
    """The country words that open a forum's name ("U.S.-Canada-Mexico ..." -> U.S., Canada, Mexico)."""
    m = _COUNTRY_PAIR.match(text)
    return [w.strip() for w in _FORUM_DASH.split(m.group())] if m else []


# Federal courts are bodies; the districts they sit for are venues, not actors ("charges in the Southern
# District of Texas"), and their state is not a place of the story.
_COURT_RE = re.compile(
    r"(?:U\.S\.|United States|[Ff]ederal)\s+District\s+Court\s+(?:(?:for|of)\s+the\s+(?:(?:Northern|Southern|Eastern|"
    r"Western|Central|Middle)\s+)?District\s+of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?|in\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)")
_DISTRICT_RE = re.compile(r"(?:Northern|Southern|Eastern|Western|Central|Middle)\s+District\s+of\s+[A-Z][a-z]+"
                          r"(?:\s+[A-Z][a-z]+)?")
# A U.S. agency's field division or office: "DEA Phoenix Field Division", "FBI El Paso Field Office".
_FIELD_RE = re.compile(r"\b([A-Z]{2,5})(?:\s*\([A-Z]{2,5}\))?\s+((?:[A-Z][a-z]+\s+){1,3})Field\s+(Division|Office)")


def field_office(text: str) -> tuple[str, str] | None:
    """(the office's name, its agency's acronym) of "DEA Phoenix Field Division".

    >>> field_office("DEA Phoenix Field Division")
    ('DEA Phoenix Field Division', 'DEA')
    """
    m = _FIELD_RE.fullmatch(text.strip())
    return (f"{m.group(1)} {m.group(2).strip()} Field {m.group(3)}", m.group(1)) if m else None


_CAP = r"(?!(?:El|La|Los|Las|Dr|Dra|Sr|Sra|Lic|Ing)\b)[A-ZÁÉÍÓÚÑ][\wáéíóúñü-]*"
_CONNECTORS = r"(?:de|del|la|las|los|el|para|contra|en|sobre|a|al)"


@lru_cache(maxsize=1)
def _institution_re() -> re.Pattern:
    """Full names of public bodies in Spanish, head noun first ("Comisión Nacional de Búsqueda de
    Personas"); "y" joins words of one name, never two bodies ("... de Marina y la Procuraduría")."""
    heads = "|".join(sorted(words("es", "institution_heads"), key=len, reverse=True))
    segment = r"(?:(?:\s+" + _CONNECTORS + r")*\s+" + _CAP + r"|\s+y\s+(?!(?:" + heads + r")\b)" + _CAP + ")"
    return re.compile(r"\b(?:" + heads + r")" + segment + r"{1,12}")


_NAME_TAGS = {"PROPN", "ADJ", "NOUN", "ADP", "DET", "CCONJ", "PUNCT"}


def _named_by_acronym(doc: Doc, end: int, gaz: Gazetteer) -> tuple[GazEntry | None, int]:
    """A long name the model cut, completed up to the known acronym that follows it: "Oficina de Control de
    activos extranjeros del Tesoro (OFAC)" -> (OFAC's entry, end of the name)."""
    toks = [t for t in doc if t.idx - doc[0].idx >= end][:14]
    for k, t in enumerate(toks):
        if t.text == "(" and k + 1 < len(toks):
            hits = [e for e, kind in gaz.lookup(toks[k + 1].text) if kind == "alias" and toks[k + 1].text.isupper()]
            stop = toks[k - 1].idx - doc[0].idx + len(toks[k - 1].text) if k else end
            return (hits[0], stop) if hits else (None, end)
        if t.pos_ not in _NAME_TAGS or t.text in (".", ";", ":", ")"):
            return None, end
    return None, end


def _institution(text: str, gaz: Gazetteer) -> str:
    """The longest start of a body's name that the gazetteer knows, else the whole name."""
    words_ = text.split()
    for n in range(len(words_), 1, -1):
        head = " ".join(words_[:n])
        if any(kind == "alias" for _, kind in gaz.lookup(head)):
            return head
    return text


_NICKNAME_RE = re.compile(
    r"\b([A-ZÁÉÍÓÚÑ][\w-]+(?:\s+[A-ZÁÉÍÓÚÑ][\w-]+)*)\s+[“\"‘']([A-ZÁÉÍÓÚÑ][\w .-]{0,30}?)[”\"’']\s+"
    r"([A-ZÁÉÍÓÚÑ][\w-]+(?:\s+[A-ZÁÉÍÓÚÑ][\w-]+){0,2})")


@dataclass
class Mention:
    """A span of a sentence that names an actor, before resolution."""

    text: str
    type: str
    sent: int  # index of the sentence in the article
    start: int  # character offsets in the sentence doc
    end: int
    kind: str = "ner"  # alias | title | term | ner | rule
    entries: list[GazEntry] = field(default_factory=list)
    nickname: str | None = None
    canonical: str | None = None  # the name the resolver settles on
    also: tuple[str, ...] = ()  # other names the text gives it ("Energy Ministerial")
    key: str | None = None  # the entity it resolves to


def classify_org(text: str) -> str:
    """Type an organisation-like span by its words.

    >>> classify_org("Ministry of Security"), classify_org("Gulf Cartel"), classify_org("Operation Kingpin")
    ('Agency', 'Organization', 'Initiative')
    >>> classify_org("Strategic Dialogue on Disrupting Criminal Organizations"), classify_org("Letter of Agreement")
    ('Initiative', 'Law')
    >>> classify_org("Port Security Working Group"), classify_org("Conference of Energy Ministers")
    ('Initiative', 'Initiative')
    """
    words = [w.lower().strip(".,’'") for w in text.split()]
    if not words:
        return "Organization"
    # The head noun is the last word before the first preposition: "Dialogue on Disrupting ...".
    cut = next((i for i, w in enumerate(words) if w in _PREPOSITIONS and i > 0), len(words))
    head = words[:cut]
    pairs = set(zip(head, head[1:], strict=False))
    if words[0] in _INITIATIVE_FIRST or head[-1] in _INITIATIVE_LAST or _FORUM_PAIRS & pairs:
        return "Initiative"
    if words[-1] in _LAW_WORDS:
        return "Law"
    if any(w in _ORGANIZATION_WORDS for w in words):
        return "Organization"
    if any(w in _AGENCY_WORDS for w in words):
        return "Agency"
    return "Organization"


def _strip_title(span: Span) -> tuple[int, int] | None:
    """Character range of a person span without leading titles and a trailing possessive."""
    toks = list(span)
    while toks and (toks[0].lower_.strip(".") in TITLE_WORDS or toks[0].is_punct or (
            # "la presidenta ...", but "El Gato" keeps its article
            toks[0].lower_ in _ARTICLES and len(toks) > 1 and toks[1].lower_ in TITLE_WORDS)):
        toks.pop(0)
    while toks and (toks[-1].lower_ in ("'s", "’s", "’", "'") or toks[-1].is_punct):
        toks.pop()
    if not toks or not toks[0].text[:1].isupper():
        return None  # "del Buró de Asuntos ...": what is left of a title is no name
    if any(t.text[:1].islower() and t.lower_ not in ("de", "del", "la", "los", "y", "van", "von", "da")
           for t in toks):
        return None
    return toks[0].idx - span.doc[0].idx, toks[-1].idx + len(toks[-1].text) - span.doc[0].idx


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def find_mentions(doc: Doc, sent: int, gaz: Gazetteer) -> list[Mention]:
    """All actor mentions of one sentence, longest first where spans compete."""
    text = doc.text
    found: list[Mention] = []
    # Rules first: they see patterns the model splits or mislabels.
    for m in _NICKNAME_RE.finditer(text):
        first, nick, last = m.groups()
        found.append(Mention(f"{first} {last}", "Person", sent, m.start(), m.end(), "rule", nickname=nick))
    for m in _institution_re().finditer(text):
        name = _institution(m.group(), gaz)
        end = m.start() + len(name)
        if any(_overlaps((m.start(), end), (f.start, f.end)) for f in found) or any(
                e.label_ in ONTOLOGY_TYPES and e.start_char <= m.start() and e.end_char > end for e in doc.ents):
            continue  # the gazetteer knows a longer name here
        entry, end = _named_by_acronym(doc, end, gaz) if name == m.group() else (None, end)
        if entry is not None:
            found.append(Mention(text[m.start():end], entry.type, sent, m.start(), end, "rule",
                                 canonical=entry.name))
        else:
            found.append(Mention(name, classify_org(name), sent, m.start(), end, "rule"))
    for m in _COURT_RE.finditer(text):
        name = re.sub(r"^(?:United States|[Ff]ederal)", "U.S.", m.group())
        found.append(Mention(m.group(), "Agency", sent, m.start(), m.end(), "rule", canonical=name))
    for m in _FIELD_RE.finditer(text):
        found.append(Mention(m.group(), "Agency", sent, m.start(), m.end(), "rule",
                             canonical=field_office(m.group())[0]))
    venues = [(m.start(), m.end()) for m in _DISTRICT_RE.finditer(text)
              if not gaz.lookup(m.group()) and not any(_overlaps((m.start(), m.end()), (f.start, f.end))
                                                       for f in found)]
    for m in _FORUM_RE.finditer(text):
        name = forum_name(m.group())
        found.append(Mention(m.group(), "Initiative", sent, m.start(), m.end(), "rule", canonical=name,
                             also=(name.split(" ", 1)[1],)))
    for m in _INITIATIVE_RE.finditer(text):
        if any(_overlaps((m.start(), m.end()), (f.start, f.end)) for f in found):
            continue
        s = re.sub(r"(?:\s+(?:of|and|de|del|la))+$", "", m.group())
        found.append(Mention(s, "Initiative", sent, m.start(), m.start() + len(s), "rule"))
    for run in _name_runs(doc):
        before = [f.end for f in found if _overlaps(run, (f.start, f.end)) and f.start <= run[0]]
        if before and not any(_overlaps((max(before), run[1]), (f.start, f.end)) for f in found):
            rest = text[max(before):run[1]]  # "... DEA Houston Field Division Marta Olvera Ruiz": the name after
            run = (run[1] - len(rest.lstrip()), run[1]) if len(rest.split()) >= 2 else run
        if any(_overlaps(run, (f.start, f.end)) for f in found):
            continue
        clashing = [e for e in doc.ents if _overlaps(run, (e.start_char, e.end_char))]
        title = next((e for e in clashing if e.label_ in ONTOLOGY_TYPES and e.start_char <= run[0]), None)
        if title is not None and len(clashing) == 1 and len(text[title.end_char:run[1]].split()) >= 2:
            # "el secretario de Estado Antony Blinken": the gazetteer's title ends inside the run
            run, clashing = (title.end_char + 1, run[1]), []
        if all(e.label_ in _WEAK_LABELS for e in clashing):
            found.append(Mention(text[run[0]:run[1]], "Person", sent, run[0], run[1], "rule"))
    for ent in doc.ents:
        rng = (ent.start_char, ent.end_char)
        if any(_overlaps(rng, (f.start, f.end)) for f in found) or any(_overlaps(rng, v) for v in venues):
            continue
        found.extend(_from_entity(ent, sent, gaz))
    return found


_APOSTROPHE_NAME = re.compile(r"[A-Z][’'][A-Z][a-zé]+")  # L’Eglise, O'Brien
_HYPHENATED = re.compile(r"-[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+")
_AGE = re.compile(r",\s*\d{2},")
_WEAK_LABELS = {"PERSON", "PRODUCT", "WORK_OF_ART", "NORP"}
_NOT_NAME = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
             "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
             "sunday", "god"}


def _name_runs(doc: Doc) -> list[tuple[int, int]]:
    """Runs of two to four capitalised proper nouns that the model left unnamed or mistyped.

    The small statistical model often misses Spanish double surnames ("Omar García Harfuch").
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(doc):
        j = i
        while (j < len(doc) and doc[j].pos_ == "PROPN" and doc[j].text[:1].isupper()
               and (doc[j].is_alpha or _APOSTROPHE_NAME.fullmatch(doc[j].text))
               and doc[j].lower_ not in TITLE_WORDS and doc[j].lower_ not in _NOT_NAME
               and doc[j].lower_ not in _AGENCY_WORDS | _ORGANIZATION_WORDS | _LAW_WORDS | _INITIATIVE_FIRST
               and not doc[j].is_upper):
            j += 1
        while (j + 1 < len(doc) and j - i >= 2 and doc[j].text == "-" and not doc[j - 1].whitespace_
               and doc[j + 1].text[:1].isupper() and doc[j + 1].is_alpha):
            j += 2  # "Salcedo-Ortega": one double surname
        if 2 <= j - i <= 6 and not (i > 0 and doc[i - 1].lower_ in ("the", "of")):
            runs.append((doc[i].idx - doc[0].idx, doc[j - 1].idx + len(doc[j - 1].text) - doc[0].idx))
        i = max(j, i + 1)
    return runs


def surname_mentions(doc: Doc, sent: int, taken: list[Mention], surnames: dict[str, str]) -> list[Mention]:
    """Single proper nouns equal to the surname of a person the article names in full."""
    out = []
    for t in doc:
        if t.pos_ != "PROPN" or not t.text[:1].isupper():
            continue
        for width in (3, 2, 1):
            span = doc[t.i:t.i + width]
            if len(span) < width:
                continue
            key = " ".join(x.text for x in span).lower()
            if key in surnames and not any(_overlaps((span.start_char, span.end_char), (m.start, m.end))
                                           for m in taken + out):
                out.append(Mention(span.text, "Person", sent, span.start_char, span.end_char, "rule",
                                   canonical=surnames[key]))
                break
    return out


# The Spanish pipeline's labels, read as the English ones (MISC as an organisation-like name).
_LABELS = {"PER": "PERSON", "LOC": "GPE", "MISC": "MISC"}


def _from_entity(ent: Span, sent: int, gaz: Gazetteer) -> list[Mention]:
    label = _LABELS.get(ent.label_, ent.label_)
    text = ent.text
    if _COUNTRY_PAIR.fullmatch(text):
        return []  # "U.S.-Mexico" qualifies a partnership; it is not an actor of its own
    hits = gaz.lookup(text)
    if label in ONTOLOGY_TYPES or hits:
        if not hits:
            return []
        kinds = {k for _, k in hits}
        kind = "alias" if "alias" in kinds else ("title" if "title" in kinds else "term")
        entries = [e for e, k in hits if k == kind]
        # A lower-case common noun ("navy") only counts when it is written as such, not inside a name.
        return [Mention(text, entries[0].type, sent, ent.start_char, ent.end_char, kind, entries)]
    if label == "PERSON":
        if text.split()[0].lower() in _INITIATIVE_FIRST:
            return [Mention(text, "Initiative", sent, ent.start_char, ent.end_char)]
        rng = _strip_title(ent)
        if rng is None:
            return []
        # "Ramiro Salcedo-Ortega": the model stops at the hyphen of a double surname
        rest = _HYPHENATED.match(ent.doc.text, rng[1])
        end = rest.end() if rest else rng[1]
        return [Mention(ent.doc.text[rng[0]:end], "Person", sent, rng[0], end)]
    if label in ("ORG", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "FAC", "NORP", "MISC"):
        clean = re.sub(r"^(?:the|The|U\.S\.|US|Mexican|Mexico['’]s)\s+", "", text).strip(" .,’'\"“”")
        if not clean or not clean[0].isupper():
            return []
        if label == "NORP":
            return []
        typ = "Law" if label == "LAW" else classify_org(clean)
        if typ == "Organization" and _AGE.match(ent.doc.text, ent.end_char):
            typ = "Person"  # "Luis Soto-Vega, 48, ...": only people have an age
        if label == "MISC" and typ == "Organization" and not any(w in _ORGANIZATION_WORDS for w in
                                                                  clean.lower().split()):
            return []  # Spanish MISC: nationalities, events, titles of works, unless a body's words say more
        if label in ("WORK_OF_ART", "PRODUCT", "EVENT") and typ not in ("Initiative", "Law"):
            return []
        if label == "FAC":
            typ = "Place" if typ == "Organization" else typ
        offset = text.find(clean)
        return [Mention(clean, typ, sent, ent.start_char + offset, ent.start_char + offset + len(clean))]
    if label in ("GPE", "LOC"):
        return [Mention(text.removeprefix("the ").removeprefix("The "), "Place", sent,
                        ent.end_char - len(text.removeprefix("the ").removeprefix("The ")), ent.end_char)]
    return []
