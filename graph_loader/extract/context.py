"""What the rules see of a sentence, and what they remember across an article.

Rules read the dependency parse; anaphors ("she", "the president", "the agency", "the operation",
"the statement") are bound to the actor the article last named of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..model import Evidence
from .mentions import Mention

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
ANAPHOR_NOUNS = {
    "president": "President", "agency": "Agency", "operation": "Initiative", "initiative": "Initiative",
    "program": "Initiative", "programme": "Initiative", "project": "Initiative", "plan": "Initiative",
    "country": "Country", "statement": "Statement",
}


@dataclass
class ArticleState:
    """Who the article last named, by kind, as the rules walk through it."""

    last: dict[str, str] = field(default_factory=dict)  # type -> entity key
    president: str | None = None
    statement_owner: str | None = None
    counterparty: dict[str, str] = field(default_factory=dict)  # side -> other party of cooperation
    last_date: str | None = None
    last_subject: str | None = None  # the person last seen as a grammatical subject
    sides: dict[str, str] = field(default_factory=dict)  # person key -> country key they lead


@dataclass
class SentenceView:
    index: int
    doc: Doc
    mentions: list[Mention]
    evidence: Evidence
    date: str | None = None
    # token index -> entity key, for mentions and for bound anaphors
    token_keys: dict[int, str] = field(default_factory=dict)
    # tokens of a mention that only modifies another ("U.S." in "U.S. Drug Enforcement Administration")
    modifiers: set[int] = field(default_factory=set)

    def key_at(self, tok: Token) -> str | None:
        return self.token_keys.get(tok.i)

    def keys_in(self, tok: Token) -> list[str]:
        """Entity keys of mentions inside the subtree of ``tok``, in order."""
        out: list[str] = []
        for t in tok.subtree:
            if t.i in self.modifiers:
                continue
            k = self.token_keys.get(t.i)
            if k and k not in out:
                out.append(k)
        return out


def build_view(index: int, doc: Doc, mentions: list[Mention], evidence: Evidence,
               state: ArticleState) -> SentenceView:
    """Map tokens to entity keys: mention heads first, then anaphors bound from ``state``."""
    view = SentenceView(index, doc, mentions, evidence)
    for m in mentions:
        if not m.key:
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            view.token_keys.setdefault(t.i, m.key)
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand") if m.key else None
        if span is None:
            continue
        head = span.root.head
        # only a mention written right before the one it modifies, not one in a list ("the FBI, ICE")
        if view.token_keys.get(head.i) not in (None, m.key) and span.root.dep_ in (
                "compound", "nmod", "amod", "poss") and 0 <= head.i - span.end <= 3 and not any(
                doc[k].is_punct and doc[k].text not in ("'s", "’s") for k in range(span.end, head.i)):
            view.modifiers.update(range(span.start, span.end))
    for t in doc:
        if t.i in view.token_keys:
            continue
        low = t.lower_
        key = None
        if low in PERSON_PRONOUNS and t.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj"):
            # "she said" refers to whoever was last speaking or acting, not to the last name seen
            key = state.last_subject if t.dep_ in ("nsubj", "nsubjpass") and state.last_subject else \
                state.last.get("Person")
        elif low in ANAPHOR_NOUNS and any(c.lower_ in ("the", "this", "that", "its", "their") for c in t.lefts):
            kind = ANAPHOR_NOUNS[low]
            # "the president" with a name after it is a title, not an anaphor
            if not (t.i + 1 < len(doc) and doc[t.i + 1].ent_type_ == "PERSON"):
                key = {"President": state.president, "Statement": state.statement_owner}.get(
                    kind, state.last.get(kind))
        if key:
            view.token_keys[t.i] = key
            # "this U.S. agency": the country only qualifies the anaphor
            view.modifiers.update(c.i for c in t.lefts if c.i in view.token_keys and c.i != t.i)
    return view


def remember(view: SentenceView, state: ArticleState, types: dict[str, str]) -> None:
    """After a sentence: the actors it named become the ones anaphors refer to next."""
    for m in view.mentions:
        if m.key:
            state.last[types.get(m.key, m.type)] = m.key
    for i, key in view.token_keys.items():
        if key.startswith("Person:") and view.doc[i].dep_ in ("nsubj", "nsubjpass"):
            state.last_subject = key
    if view.date and len(view.date) == 10:
        state.last_date = view.date
