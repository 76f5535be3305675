"""Events from trigger words and their arguments in the dependency parse.

A trigger (``extradited``, ``murder``, ``workshop``) gives the event type; the actors attached to it
(subject, object, ``by``, ``to``, ``with``, ``in``, ``of``, ``including``) give the participants and
their roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from .context import SentenceView

VERB_TRIGGERS = {
    "announce": "Announcement", "unveil": "Announcement", "launch": "Announcement",
    "deny": "Denial", "reject": "Denial", "refute": "Denial",
    "speak": "Consultation", "talk": "Consultation", "consult": "Consultation", "meet": "Consultation",
    "train": "Training",
    "reform": "Reform", "amend": "Reform",
    "extradite": "Extradition",
    "transfer": "Transfer", "send": "Transfer", "expel": "Transfer", "deport": "Transfer", "hand": "Transfer",
    "arrest": "Arrest", "capture": "Arrest", "detain": "Arrest", "apprehend": "Arrest", "recapture": "Arrest",
    "murder": "Killing", "kill": "Killing", "assassinate": "Killing",
    "appoint": "Appointment", "nominate": "Appointment", "swear": "Appointment", "name": "Appointment",
    "designate": "Designation",
    "convict": "Trial", "sentence": "Trial", "indict": "Trial", "charge": "Trial", "acquit": "Trial",
    "try": "Trial", "plead": "Trial", "prosecute": "Trial",
    "agree": "Agreement", "sign": "Agreement",
}
NOUN_TRIGGERS = {
    "training": "Training", "workshop": "Training", "course": "Training",
    "reform": "Reform", "amendment": "Reform",
    "extradition": "Extradition", "transfer": "Transfer", "expulsion": "Transfer", "deportation": "Transfer",
    "arrest": "Arrest", "capture": "Arrest", "detention": "Arrest",
    "murder": "Killing", "killing": "Killing", "assassination": "Killing",
    "appointment": "Appointment", "nomination": "Appointment", "designation": "Designation",
    "trial": "Trial", "conviction": "Trial", "sentencing": "Trial", "indictment": "Trial",
    "agreement": "Agreement", "accord": "Agreement", "pact": "Agreement",
}
# Verb phrases: the verb's lemma and a word that must hang on it ("taken into custody", "found guilty").
PHRASE_TRIGGERS = {("take", "custody"): "Arrest", ("find", "guilty"): "Trial", ("plead", "guilty"): "Trial",
                   ("hand", "over"): "Transfer", ("swear", "in"): "Appointment", ("put", "trial"): "Trial"}
# Verbs that only carry an event named by their object ("launched a training program").
LIGHT_VERBS = {"launch", "hold", "conduct", "begin", "organize", "organise", "start", "host", "carry",
               "run", "approve", "pass", "reach", "sign", "announce"}
# Verbs that need a participant of a given kind to count (a "sentence" is also a word for text).
NEEDS_WITH = {"speak", "talk", "meet"}
PREP_ROLES = {"to": "destination", "into": "destination", "with": "target", "in": "location",
              "at": "location", "by": "agent", "of": "subject", "including": "subject", "from": "agent",
              "against": "target", "for": "subject", "as": "subject", "on": "location"}
TARGET_EVENTS = {"Killing", "Consultation", "Denial"}


@dataclass
class FoundEvent:
    type: str
    trigger: Token
    participants: list[tuple[str, str]]  # (entity key, role)


def _negated(tok: Token) -> bool:
    """'no agreement', 'denied any agreement', 'if any agreement had been signed'."""
    if any(c.dep_ == "neg" or c.lower_ in ("no", "any", "without") for c in tok.children):
        return True
    if any(c.dep_ in ("nsubj", "nsubjpass", "dobj") and any(d.lower_ in ("no", "any") for d in c.children)
           for c in tok.children):
        return True
    for anc in [tok, *tok.ancestors][:4]:
        if any(c.dep_ == "neg" for c in anc.children) or anc.lemma_ in ("deny", "reject"):
            return True
        if any(c.dep_ == "mark" and c.lower_ in ("if", "whether") for c in anc.children):
            return True
    return False


def _role_of_arc(event_type: str, child: Token, passive: bool) -> str | None:
    dep = child.dep_
    if dep in ("nsubj", "csubj"):
        return "agent"
    if dep == "nsubjpass":
        return "target" if event_type == "Killing" else "subject"
    if dep == "agent":
        return "agent"
    if dep in ("dobj", "attr", "oprd"):
        return "target" if event_type in TARGET_EVENTS else "subject"
    if dep in ("poss", "compound", "amod", "nmod"):
        return "agent"
    if dep == "prep" or dep == "dative":
        role = PREP_ROLES.get(child.lower_)
        if role == "subject" and event_type in TARGET_EVENTS:
            return "target"
        if role == "location" and event_type == "Consultation":
            return None
        return role
    if dep in ("appos", "conj"):
        return None
    return None


def _participants(view: SentenceView, trigger: Token, event_type: str,
                  types: dict[str, str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    passive = any(c.dep_ == "nsubjpass" for c in trigger.children)

    def add(key: str, role: str | None) -> None:
        if role is None:
            return
        if role == "location" and types.get(key) not in ("Place", "Country"):
            role = "subject" if types.get(key) in ("Initiative", "Law") else "target"
        if role == "destination" and types.get(key) not in ("Place", "Country"):
            role = "target"
        if all(k != key for k, _ in out):
            out.append((key, role))

    for child in trigger.children:
        role = _role_of_arc(event_type, child, passive)
        for key in view.keys_in(child):
            add(key, role)
    # The noun trigger's governing verb: "Sheinbaum denied ... with", "Mexico has extradited ..."
    carrier = trigger.head if trigger.pos_ == "NOUN" else None
    hops = 0
    while carrier is not None and carrier.pos_ in ("NOUN", "ADP") and carrier.head is not carrier and hops < 3:
        carrier, hops = carrier.head, hops + 1
    if carrier is not None and carrier is not trigger and carrier.pos_ in ("VERB", "AUX"):
        for child in carrier.children:
            if child.dep_ in ("nsubj", "nsubjpass", "agent"):
                for key in view.keys_in(child):
                    add(key, "agent")
    # A relative clause: "Terrance Cole, who was appointed ..." -> the noun it hangs on.
    if trigger.dep_ == "relcl":
        rel = next((c for c in trigger.children if c.tag_ in ("WP", "WDT")), None)
        if rel is not None:
            role = "subject" if rel.dep_ == "nsubjpass" else "agent"
            key = view.key_at(trigger.head) or next(iter(view.keys_in(trigger.head)), None)
            if key:
                add(key, role)
    if trigger.dep_ in ("acl", "amod") and trigger.tag_ == "VBN":
        key = view.key_at(trigger.head)
        if key:
            add(key, "subject")
    return out


def find_events(view: SentenceView, types: dict[str, str]) -> list[FoundEvent]:
    """Events of one sentence: at most one per type, each with at least one participant."""
    found: dict[str, FoundEvent] = {}
    if view.doc.text.rstrip("”\"’' ").endswith("?"):
        return []  # a question reports no event
    for tok in view.doc:
        lemma = tok.lemma_.lower()
        etype = None
        phrase = next((t for (v, w), t in PHRASE_TRIGGERS.items() if v == lemma and tok.pos_ == "VERB" and any(
            d.lower_ == w for c in tok.children for d in [c, *c.children])), None)
        if phrase:
            etype = phrase
        elif tok.pos_ in ("VERB", "AUX") and lemma in VERB_TRIGGERS:
            etype = VERB_TRIGGERS[lemma]
            if lemma in LIGHT_VERBS and any(
                    d.lemma_.lower() in NOUN_TRIGGERS and d.i != tok.i
                    for c in tok.children if c.dep_ == "dobj" for d in c.subtree):
                continue  # the object names the event: "launched a training program"
            if lemma in NEEDS_WITH and not any(c.dep_ == "prep" and c.lower_ in ("with", "to")
                                               for c in tok.children):
                continue
            if lemma == "name" and not any(c.dep_ in ("oprd", "nsubjpass") or c.lower_ == "as"
                                           for c in tok.children):
                continue
            if etype == "Agreement" and _negated(tok):
                continue
        elif tok.pos_ in ("NOUN", "PROPN") and lemma in NOUN_TRIGGERS:
            etype = NOUN_TRIGGERS[lemma]
            if etype == "Agreement" and _negated(tok):
                continue
            if etype == "Training" and lemma == "course" and not any(
                    c.lower_ in ("training", "police") for c in tok.subtree):
                continue
        if etype is None:
            continue
        parts = _participants(view, tok, etype, types)
        if not parts:
            continue
        if etype in found:
            for p in parts:
                if all(k != p[0] for k, _ in found[etype].participants):
                    found[etype].participants.append(p)
        else:
            found[etype] = FoundEvent(etype, tok, parts)
    return list(found.values())
