"""Claims: reported speech with its claimant and stance.

What an actor says about cooperation with another is reduced to one proposition per pair of parties
("Cooperation between Drug Enforcement Administration and Mexico"), so that one side asserting it
and the other denying it meet on the same Claim node: a contested claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Token

from ..model import Claim
from .context import ArticleState, SentenceView
from .gazetteer import Gazetteer
from .lexicon import languages, words


@dataclass
class FoundClaim:
    claimant: str
    stance: str
    claim: str


def _speaker(view: SentenceView, verb: Token, state: ArticleState) -> str | None:
    for c in verb.children:
        if c.dep_ in ("nsubj", "agent"):
            keys = [view.key_at(c)] if view.key_at(c) else view.keys_in(c)
            if keys:
                return keys[0]
            if c.lower_ in words(view.language, "statement_nouns"):
                return state.statement_owner
    return None


def _statement_cue(view: SentenceView, state: ArticleState) -> str | None:
    """'In a statement, ...', 'According to the statement, ...', 'En un comunicado, ...'."""
    nouns = words(view.language, "statement_nouns")
    for t in view.doc:
        if t.lower_ in nouns and ((t.head.lower_ in ("in", "to") and t.dep_ == "pobj") or any(
                c.dep_ == "case" and c.lower_ in ("en", "según") for c in t.children)):
            return state.statement_owner
    return None


def _side(key: str, state: ArticleState) -> str:
    """A head of state speaks for their country."""
    return state.sides.get(key, key)


def _country(key: str, state: ArticleState, countries: dict[str, str]) -> str:
    return countries.get(_side(key, state), _side(key, state))


def _counterparty(view: SentenceView, clause: list[Token], claimant: str, state: ArticleState,
                  gaz: Gazetteer, ensure, countries: dict[str, str]) -> str | None:
    side = _side(claimant, state)
    home = _country(claimant, state, countries)
    named_same_side = False
    linking = words(view.language, "counterparty_words")
    for t in clause:
        if t.lower_ in linking or t.lemma_ == "include":
            # English "with X" heads X; Spanish "con" hangs on X as its case marker
            for k in view.keys_in(t.head if t.dep_ == "case" else t):
                if _country(k, state, countries) != home:
                    return _side(k, state)
                named_same_side = True
        if t.lower_ in ("partners", "partner", "counterparts", "socios", "contrapartes"):
            for left in t.children:  # "Mexican partners", "socios mexicanos"
                country = gaz.adjective_country(left.text)
                if country:
                    return ensure(country, "Country")
    # Only an unnamed party ("no agreement") falls back on the one the article last paired them with.
    return None if named_same_side else state.counterparty.get(side)


def _according_to(view: SentenceView) -> tuple[str, list[Token], bool] | None:
    """'According to Pérez, Guzmán López kidnapped Zambada': the speaker and the main clause."""
    for t in view.doc:
        if t.lower_ == "according" and t.i + 1 < len(view.doc) and view.doc[t.i + 1].lower_ == "to":
            prep = view.doc[t.i + 1]
            named = {m.key for m in view.mentions}
            keys = [k for k in view.keys_in(prep) if k in named]  # a name, not "the country"
            if not keys or keys[0].startswith(("Place:", "Law:")):
                return None
            skip = {x.i for x in t.subtree} | {x.i for x in prep.subtree}
            clause = [x for x in view.doc if x.i not in skip and not x.is_punct]
            return keys[0], clause, False, clause
    return None


def _hypothetical(tok: Token) -> bool:
    """'to ask him if any agreement had been signed': a question, not a claim."""
    return any(c.dep_ == "mark" and c.lower_ in ("if", "whether") for a in [tok, *tok.ancestors][:3]
               for c in a.children)


def find_claims(view: SentenceView, state: ArticleState, gaz: Gazetteer, names: dict[str, str],
                ensure, countries: dict[str, str]) -> list[FoundClaim]:
    """Claims about cooperation in one sentence, one per reporting verb (or statement cue)."""
    out: list[FoundClaim] = []
    clauses: list[tuple[str, list[Token], bool, list[Token]]] = []
    reporting, denying = words(view.language, "reporting_verbs"), words(view.language, "denial_verbs")
    topic_words, negations = words(view.language, "claim_topic_words"), words(view.language, "claim_negations")
    for tok in view.doc:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in reporting:
            speaker = _speaker(view, tok, state)
            if speaker:
                clause = [t for c in tok.children if c.dep_ not in ("nsubj", "nsubjpass", "agent", "conj", "cc")
                          for t in c.subtree]
                complement = sorted((t for c in tok.children if c.dep_ in ("ccomp", "xcomp", "dobj", "obj",
                                                                            "parataxis")
                                     for t in c.subtree), key=lambda t: t.i)
                # Quoted speech often sits beside the verb rather than under it.
                if not any(t.lower_ in topic_words for t in clause):
                    clause = [t for t in view.doc if t.i not in {x.i for x in tok.children
                                                                  if x.dep_ == "nsubj" for x in x.subtree}]
                clauses.append((speaker, clause, tok.lemma_.lower() in denying, complement))
    if not clauses:
        owner = _statement_cue(view, state)
        if owner:
            clauses.append((owner, list(view.doc), False, []))
    if not clauses:
        according = _according_to(view)
        if according:
            clauses.append(according)
    general_done = False
    for speaker, clause, denial_verb, complement in clauses:
        topic = [t for t in clause if t.lower_ in topic_words and not _hypothetical(t)]
        if not topic:
            # Any other reported proposition, once per sentence, in the words of the sentence.
            said = [t for t in complement if not t.is_punct]
            if not general_done and len(said) >= 4 and not speaker.startswith(("Place:", "Law:")):
                general_done = True
                negated = denial_verb or any(t.lower_ in negations for t in complement)
                text = view.doc.text[complement[0].idx - view.doc[0].idx:
                                     complement[-1].idx - view.doc[0].idx + len(complement[-1].text)]
                text = re.sub(r"^(?:that|to)\s+", "", text.strip(" ,.;:—“”\"‘’'"))
                out.append(FoundClaim(speaker, "denies" if negated else "asserts", text[:1].upper() + text[1:]))
            continue
        other = _counterparty(view, clause, speaker, state, gaz, ensure, countries)
        side = _side(speaker, state)
        if not other or other == side:
            continue
        state.counterparty[side] = other
        state.counterparty[other] = side
        negated = denial_verb or any(t.lower_ in negations for t in clause)
        a, b = sorted((names.get(side, side), names.get(other, other)))
        out.append(FoundClaim(speaker, "denies" if negated else "asserts", cooperation_claim(a, b)))
    return out


_QUOTES = ("“", "”", '"', "«", "»")
_CLAIM = re.compile(r"^Cooperation between (.+) and (.+)$")


def cooperation_claim(a: str, b: str) -> str:
    """The one proposition both sides of a cooperation claim speak of.

    >>> cooperation_claim("Drug Enforcement Administration", "Mexico")
    'Cooperation between Drug Enforcement Administration and Mexico'
    """
    return f"Cooperation between {a} and {b}"


def _clarity(c: Claim, both: set[int], names: list[str], others: list[str]) -> tuple:
    """How a sentence ranks as a side's statement: one that tells a single side; then one that states the
    proposition itself (a word of cooperation and the other party named); then the party's own quoted words
    naming it; then the order of the article."""
    text = c.evidence.sentence
    low = text.lower()
    topic = frozenset().union(*(words(lang, "claim_topic_words") for lang in languages()))
    states = any(w in low for w in topic) and any(n and n in text for n in others)
    own_words = any(q in text for q in _QUOTES) and any(n and n in text for n in names)
    return c.evidence.start in both, not states, not own_words, c.evidence.start


def story_claims(claims: list[Claim], aliases: dict[str, list[str]], per_side: int = 2) -> list[Claim]:
    """The claims a story turns on: a proposition one party asserts and another denies.

    For each contested proposition and stance, the party that takes that side first in the article keeps its
    clearest sentences (see :func:`_clarity`), at most ``per_side`` of them. A claim nobody contests is
    reported speech, not a contested claim.

    >>> from graph_loader.model import Evidence
    >>> ev = lambda i, text: Evidence("a", text, i, i + 1)
    >>> said = [Claim("DEA", "asserts", "C", ev(0, "The DEA says it works with Mexico, but Ana Ruiz says no.")),
    ...         Claim("Ana Ruiz", "denies", "C", ev(0, "The DEA says it works with Mexico, but Ana Ruiz says no.")),
    ...         Claim("DEA", "asserts", "C", ev(1, "In a statement, the agency said it works with Mexico.")),
    ...         Claim("Ana Ruiz", "denies", "C", ev(2, "Ruiz denied it.")),
    ...         Claim("Ana Ruiz", "denies", "C", ev(3, "“There is no agreement,” Ana Ruiz said.")),
    ...         Claim("Luis Soto", "asserts", "D", ev(4, "Soto said the plan works."))]
    >>> [(c.claimant, c.evidence.start) for c in story_claims(said, {"Ana Ruiz": ["Ruiz"]})]
    [('DEA', 0), ('DEA', 1), ('Ana Ruiz', 2), ('Ana Ruiz', 3)]
    """
    out: list[Claim] = []
    for claim in dict.fromkeys(c.claim for c in claims):
        told = [c for c in claims if c.claim == claim]
        if {c.stance for c in told} != {"asserts", "denies"}:
            continue
        both = {c.evidence.start for c in told if c.stance == "asserts"} & {
            c.evidence.start for c in told if c.stance == "denies"}
        parties = _CLAIM.match(claim)
        for stance in ("asserts", "denies"):
            side = [c for c in told if c.stance == stance]
            first = side[0].claimant
            names = [first, *aliases.get(first, [])]
            others = [n for p in (parties.groups() if parties else ()) if p != first for n in [p, *aliases.get(p, [])]]
            kept: list[Claim] = []
            for c in sorted((c for c in side if c.claimant == first),
                            key=lambda c: _clarity(c, both, names, others)):
                if all(k.evidence.start != c.evidence.start for k in kept):
                    kept.append(c)
            out += kept[:per_side]
    return sorted(out, key=lambda c: (c.evidence.start, c.stance))
