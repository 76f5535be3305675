"""What the rules see of a sentence, and what they remember across an article.

Rules read the dependency parse; anaphors ("she", "the president", "the agency", "the operation",
"the statement") are bound to the actor the article last named of that kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from ..model import Evidence
from .mentions import Mention

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
CLAUSE_DEPS = {"relcl", "advcl", "ccomp", "parataxis", "csubj"}
TITLE_HEADS = {"agent", "director", "administrator", "secretary", "minister", "chief", "head", "officer", "official",
               "commander", "leader", "spokesperson", "spokesman", "spokeswoman", "ambassador", "president"}
_DATELINE = re.compile(r"^[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ .'’-]+(?:,\s+[A-Z][A-Za-z.]+)*\s+[-—–]\s+")
ANAPHOR_NOUNS = {
    "president": "President", "agency": "Agency", "operation": "Initiative", "initiative": "Initiative",
    "effort": "Initiative", "campaign": "Initiative", "scheme": "Initiative",
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
    last_body_subject: str | None = None  # the agency, country or group last seen as a subject
    sides: dict[str, str] = field(default_factory=dict)  # person key -> country key they lead


@dataclass
class SentenceView:
    index: int
    doc: Doc
    mentions: list[Mention]
    evidence: Evidence
    date: str | None = None
    language: str = "en"  # the article's, which picks the word lists of lexicon.yaml
    # token index -> entity key, for mentions and for bound anaphors
    token_keys: dict[int, str] = field(default_factory=dict)
    # tokens of a mention that only modifies another ("U.S." in "U.S. Drug Enforcement Administration")
    modifiers: set[int] = field(default_factory=set)

    def key_at(self, tok: Token) -> str | None:
        return self.token_keys.get(tok.i)

    def keys_in(self, tok: Token, same_clause: bool = False) -> list[str]:
        """Entity keys of mentions inside the subtree of ``tok``, in order.

        With ``same_clause``, subordinate clauses ("where he faces charges over ...") are not entered.
        """
        return [k for _, k in self.keyed_tokens(tok, same_clause)]

    def keyed_tokens(self, tok: Token, same_clause: bool = False) -> list[tuple[Token, str]]:
        out: list[tuple[Token, str]] = []
        seen: set[str] = set()
        stack = [tok]
        while stack:
            t = stack.pop()
            k = self.token_keys.get(t.i)
            if k and k not in seen and t.i not in self.modifiers:
                seen.add(k)
                out.append((t, k))
            stack.extend(c for c in reversed(list(t.children))
                         if not (same_clause and c.dep_ in CLAUSE_DEPS and c.i != tok.i))
        return sorted(out, key=lambda x: x[0].i)


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
        if span.root.dep_ in ("compound", "nmod", "amod", "poss") and head.lower_ in TITLE_HEADS:
            view.modifiers.update(range(span.start, span.end))  # "DEA agent Camarena": DEA only qualifies
        # only a mention written right before the one it modifies, not one in a list ("the FBI, ICE")
        if view.token_keys.get(head.i) not in (None, m.key) and span.root.dep_ in (
                "compound", "nmod", "amod", "poss") and 0 <= head.i - span.end <= 3 and not any(
                doc[k].is_punct and doc[k].text not in ("'s", "’s") for k in range(span.end, head.i)):
            view.modifiers.update(range(span.start, span.end))
    dateline = _DATELINE.match(doc.text)
    if dateline:  # "MEXICO CITY - ...": where the story was filed, not an actor in it
        view.modifiers.update(t.i for t in doc if t.idx - doc[0].idx < dateline.end())
    for t in doc:
        if t.i in view.token_keys:
            continue
        low = t.lower_
        key = None
        if low == "it" and t.dep_ in ("nsubj", "nsubjpass"):
            # "The DEA said that it had launched ...": the body last seen as a subject
            key = next((view.token_keys[x.i] for x in reversed(doc[:t.i]) if x.dep_ in ("nsubj", "nsubjpass")
                        and x.i in view.token_keys and not view.token_keys[x.i].startswith("Person:")),
                       state.last_body_subject)
        elif low in PERSON_PRONOUNS and t.dep_ in ("nsubj", "nsubjpass", "poss", "dobj", "pobj"):
            # "X fled, but he was arrested": a person subject earlier in the sentence; else whoever was
            # last speaking or acting, not the last name seen
            key = next((view.token_keys[x.i] for x in reversed(doc[:t.i]) if x.dep_ in ("nsubj", "nsubjpass")
                        and view.token_keys.get(x.i, "").startswith("Person:")), None)
            if key is None:
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
        if view.doc[i].dep_ in ("nsubj", "nsubjpass"):
            if key.startswith("Person:"):
                state.last_subject = key
            elif key.split(":")[0] in ("Agency", "Country", "Organization"):
                state.last_body_subject = key
    if view.date and len(view.date) == 10:
        state.last_date = view.date
