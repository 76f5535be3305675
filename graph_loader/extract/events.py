"""Events from trigger words and their arguments in the dependency parse.

A trigger (``extradited``, ``murder``, ``workshop``) gives the event type; the actors attached to it
(subject, object, ``by``, ``to``, ``with``, ``in``, ``of``, ``including``) give the participants and
their roles.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from .context import SentenceView
from .lexicon import mapping, words

VERB_TRIGGERS = {
    "announce": "Announcement", "unveil": "Announcement", "launch": "Announcement",
    "deny": "Denial", "reject": "Denial", "refute": "Denial",
    "speak": "Consultation", "talk": "Consultation", "consult": "Consultation", "meet": "Consultation",
    "visit": "Consultation", "confer": "Consultation", "attend": "Consultation", "host": "Consultation",
    "adopt": "Agreement",
    "convene": "Consultation",
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
    "agreement": "Agreement", "accord": "Agreement", "pact": "Agreement", "memorandum": "Agreement",
    "meeting": "Consultation", "visit": "Consultation", "talks": "Consultation", "dialogue": "Consultation",
    "roundtable": "Consultation", "consultation": "Consultation", "conversation": "Consultation",
    "summit": "Consultation", "call": "Consultation",
    "statement": "Statement", "announcement": "Announcement", "denial": "Denial",
    "sanction": "Designation",
}
# Nouns that only make an event when a verb carries them out or an actor owns them: "a call" is
# not a phone call until someone "held" or "had" it; "a statement" until someone "issued" it.
CARRIED_NOUNS = {"call", "statement", "conversation", "announcement", "denial"}
# A trigger under one of these verbs has not happened yet: "plans to extradite" announces it.
INTENT_VERBS = {"plan", "intend", "expect", "prepare", "seek", "want", "hope", "aim", "propose", "promise",
                "threaten", "vow", "pledge"}
# Verb phrases: the verb's lemma and a word that must hang on it ("taken into custody", "found guilty").
PHRASE_TRIGGERS = {("take", "custody"): "Arrest", ("call", "on"): "Consultation",
                   ("find", "guilty"): "Trial", ("plead", "guilty"): "Trial",
                   ("hand", "over"): "Transfer", ("swear", "in"): "Appointment", ("put", "trial"): "Trial"}
# Verbs that only carry an event named by their object ("launched a training program").
LIGHT_VERBS = {"launch", "hold", "conduct", "begin", "organize", "organise", "start", "host", "carry",
               "run", "approve", "pass", "reach", "sign"}
# Verbs that need a participant of a given kind to count (a "sentence" is also a word for text).
NEEDS_WITH = {"speak", "talk", "meet"}
NEEDS_FORUM = {"attend", "host", "convene"}
PREP_ROLES = {"to": "destination", "into": "destination", "with": "target", "in": "location",
              "at": "location", "by": "agent", "of": "subject", "including": "subject", "from": "agent",
              "against": "target", "for": "subject", "as": "subject", "on": "location",
              "between": "agent", "among": "subject"}
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


PATIENT_NOUN_EVENTS = {"Arrest", "Killing", "Extradition", "Transfer", "Trial", "Appointment"}


def _case(tok: Token) -> str | None:
    """The preposition of a Universal Dependencies oblique or nominal modifier ("con la DEA" -> "con")."""
    return next((c.lower_ for c in tok.children if c.dep_ == "case"), None)


def _refine(event_type: str, child: Token, tok: Token, role: str | None,
            preps: dict[str, str] = PREP_ROLES) -> str | None:
    """The nearest preposition between a mention and its argument decides ("statement by X" -> agent)."""
    if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
        return role
    t = tok
    while t.i != child.i and t.head.i != t.i:
        prep = t.head.lower_ if t.dep_ == "pobj" and t.head.dep_ == "prep" else (
            _case(t) if t.dep_ in ("obl", "nmod") and t.doc.lang_ != "en" else None)
        if prep in preps:
            r = preps[prep]
            return "target" if r == "subject" and event_type in TARGET_EVENTS else r
        if t.dep_ == "poss" and event_type in PATIENT_NOUN_EVENTS:
            return "subject"  # "his capture": he is the one captured
        t = t.head
    return role


def _role_of_arc(event_type: str, child: Token, preps: dict[str, str] = PREP_ROLES) -> str | None:
    """The role an argument plays, from its arc: English (ClearNLP) labels and Universal Dependencies ones."""
    dep = child.dep_
    ud = child.doc.lang_ != "en"  # the English model labels with ClearNLP, the others with UD
    if ud and (dep in ("obl", "iobj") or (dep == "nmod" and _case(child))):
        role = preps.get(_case(child) or "", "destination" if dep == "iobj" else None)
        return "target" if role == "subject" and event_type in TARGET_EVENTS else role
    if dep == "obj":
        dep = "dobj"
    if ud and dep == "nsubj" and any(c.dep_ == "aux:pass" or (c.dep_ == "aux" and c.lemma_ == "ser")
                                     for c in child.head.children):
        dep = "nsubjpass"  # "fue extraditado": the one extradited
    if dep in ("nsubj", "csubj"):
        return "agent"
    if dep == "nsubjpass":
        return "target" if event_type == "Killing" else "subject"
    if dep == "agent":
        return "agent"
    if dep in ("dobj", "attr", "oprd"):
        return "target" if event_type in TARGET_EVENTS else "subject"
    if dep == "poss" and event_type in PATIENT_NOUN_EVENTS and child.head.pos_ == "NOUN":
        return "target" if event_type == "Killing" else "subject"
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


_PRIORITY = {"nsubj": 0, "nsubjpass": 0, "agent": 0, "dobj": 1, "attr": 1, "oprd": 1, "dative": 2, "prep": 2}
# Verbs whose object names the event they carry out: their subject acts in it.
CARRIERS = LIGHT_VERBS | {"conduct", "order", "complete", "carry", "lead", "oversee", "seek", "request",
                          "demand", "approve", "announce", "deny", "attend", "chair", "co-chair", "cohost",
                          "co-host", "convene", "join", "make", "issue", "release", "have", "pay", "participate",
                          "deliver", "publish", "open", "close", "sign"}


def carriers_of(tok: Token) -> frozenset[str] | set[str]:
    """The verbs that carry out an event named by their object, in the token's language."""
    lang = tok.doc.lang_
    return CARRIERS if lang == "en" else words(lang, "carrier_verbs")


def subjects_of(tok: Token) -> list[Token]:
    """Subjects of a verb, including those hung on its auxiliary ("X are also involved")."""
    out = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    for aux in tok.children:
        if aux.dep_ in ("aux", "auxpass"):
            out += [c for c in aux.children if c.dep_ in ("nsubj", "nsubjpass")]
    return out


def _participants(view: SentenceView, trigger: Token, event_type: str,
                  types: dict[str, str]) -> list[tuple[str, str]]:
    """The participants of the event ``trigger`` names, each with its role (agent, subject, target...).

    Long: a table of argument rules read top to bottom (subjects, objects, prepositions, appositions and
    conjuncts), with the small ``add`` that keeps the better of two roles for one participant; split, the
    rules would lose the order that decides which role wins.
    """
    preps = PREP_ROLES if view.language == "en" else mapping(view.language, "preposition_roles")
    found: dict[str, tuple[int, str]] = {}  # key -> (priority, role): core arguments beat adjuncts

    def add(key: str, role: str | None, priority: int) -> None:
        if role is None:
            return
        if role == "location" and types.get(key) not in ("Place", "Country"):
            role = "subject" if types.get(key) in ("Initiative", "Law") else "target"
        if role == "destination" and types.get(key) not in ("Place", "Country"):
            role = "target"
        if key not in found or priority < found[key][0]:
            found[key] = (priority, role)

    children = list(trigger.children) + [s for s in subjects_of(trigger) if s.head.i != trigger.i]
    for child in children:
        if child.dep_ in ("relcl", "advcl", "ccomp", "parataxis", "conj"):
            continue  # another clause, another event
        role = _role_of_arc(event_type, child, preps)
        for tok, key in view.keyed_tokens(child, same_clause=True):
            add(key, _refine(event_type, child, tok, role, preps), _PRIORITY.get(child.dep_, 3))
    # A noun trigger carried by a verb: "Mexico has conducted the extradition", "launched a training".
    anchor = trigger.head if trigger.dep_ in ("compound", "amod", "nmod") else trigger
    carrier = None
    if anchor.dep_ in ("dobj", "obj") and anchor.head.lemma_.lower() in carriers_of(anchor):
        carrier = anchor.head
    elif anchor.dep_ == "pobj" and anchor.head.lower_ in ("with", "at", "during") and anchor.head.head.pos_ == "VERB":
        carrier = anchor.head.head  # "opened with a training course", "said X at the Strategic Dialogue"
    elif anchor.dep_ in ("obl", "nmod") and _case(anchor) in ("en", "durante", "con") and anchor.head.pos_ == "VERB":
        carrier = anchor.head  # "acordaron en la reunión"
    if trigger.pos_ in ("NOUN", "PROPN") and carrier is not None:
        for child in subjects_of(carrier) + [c for c in carrier.children if c.dep_ == "agent"]:
            for key in view.keys_in(child):
                add(key, "agent", 0)
    # A relative clause: "Terrance Cole, who was appointed ..." -> the noun it hangs on.
    if trigger.dep_ == "relcl":
        rel = next((c for c in trigger.children if c.tag_ in ("WP", "WDT")), None)
        if rel is not None:
            role = "subject" if rel.dep_ in ("nsubjpass", "dobj") else "agent"
            key = view.key_at(trigger.head) or next(iter(view.keys_in(trigger.head)), None)
            if key:
                add(key, role, 0)
    if trigger.dep_ in ("acl", "amod") and trigger.tag_ == "VBN":
        key = view.key_at(trigger.head)
        if key:
            add(key, "subject", 0)
    purpose = {c.lower_ for c in trigger.children if c.dep_ == "case"} | (
        {trigger.head.lower_} if trigger.dep_ == "pobj" else set())
    if not found and trigger.pos_ == "NOUN" and carrier is None and purpose & PURPOSE_WORDS:
        # "ofrece apoyo para la formación de fiscales": who acts in the clause gives it
        verb = next((a for a in list(trigger.ancestors)[:4] if a.pos_ == "VERB"), None)
        for child in (subjects_of(verb) if verb is not None else []):
            for key in view.keys_in(child, same_clause=True):
                add(key, "agent", 0)
        for child in (c for c in (verb.children if verb is not None else []) if c.dep_ in ("obl", "prep")):
            for key in view.keys_in(child, same_clause=True):
                if types.get(key) == "Initiative":
                    add(key, "subject", 2)
    if trigger.pos_ == "VERB" and not subjects_of(trigger) and trigger.dep_ in ("pcomp", "advcl", "xcomp"):
        # "In announcing the extraditions, Attorney General X said": the main clause's subject acts
        main = next((a for a in trigger.ancestors if a.pos_ in ("VERB", "AUX") and subjects_of(a)), None)
        for child in subjects_of(main) if main is not None else []:
            for key in view.keys_in(child, same_clause=True):
                add(key, "agent", 0)
    return [(k, role) for k, (_, role) in sorted(found.items(), key=lambda kv: kv[1][0])]


COURSE_WORDS = {"training", "police", "instructor", "investigation", "investigators", "investigator", "tactical",
                "certification", "forensic", "officers"}


def _noun_lemma(tok: Token, table: dict[str, str]) -> str | None:
    """The trigger word a noun is, from its lemma or its written form, plural or not ("Courses")."""
    for w in (tok.lemma_.lower(), tok.lower_, tok.lower_[:-1] if tok.lower_.endswith("s") else ""):
        if w in table:
            return w
    return None


def _held(view: SentenceView, tok: Token) -> bool:
    """A forum named as a meeting that took place: 'at the March 3 U.S.-Mexico Border Health Dialogue',
    'hosted the Energy Ministerial'."""
    key = view.key_at(tok)
    first = min((t for t in view.doc if view.key_at(t) == key), key=lambda t: t.i)
    head = tok
    while head.dep_ in ("compound", "amod", "nmod", "flat", "appos") and head.head.i != head.i:
        head = head.head
    if head.dep_ == "pobj" and head.head.lower_ in ("at", "during", "en", "durante"):
        return True
    if head.dep_ in ("dobj", "obj") and head.head.lemma_.lower() in carriers_of(head):
        return True
    if head.dep_ in ("nsubj", "nsubjpass") and (head.head.lemma_.lower() in HAPPEN_VERBS or any(
            c.lower_ in ("place", "lugar") for c in head.head.children)):
        return True  # "the Dialogue took place", "se celebró el Diálogo", "tuvo lugar el Diálogo"
    return any(t.ent_type_ == "DATE" for t in view.doc[max(0, first.i - 3):first.i])


# An event named as what a clause's action is for: "support for the training of", "para la capacitación".
PURPOSE_WORDS = {"for", "para", "mediante"}
HAPPEN_VERBS = {"meet", "convene", "hold", "celebrar", "realizar", "reunir", "sesionar", "occur"}


def _carried(noun: Token) -> bool:
    """'issued a statement', 'said in a statement', 'the DEA's statement', 'held a call with'."""
    anchor = noun.head if noun.dep_ in ("compound", "amod", "nmod") else noun
    if any(c.dep_ == "poss" for c in noun.children):
        return True
    if anchor.dep_ in ("dobj", "obj") and anchor.head.lemma_.lower() in carriers_of(anchor):
        return True
    return anchor.dep_ == "pobj" and anchor.head.lower_ in ("in", "during", "by") and anchor.head.head.pos_ == "VERB"


def _intended(tok: Token, intents: frozenset[str] | set[str] = INTENT_VERBS) -> bool:
    """Whether a verb trigger is only planned: 'plans to extradite', 'is expected to sign'."""
    head = tok.head
    return tok.dep_ == "xcomp" and (head.lemma_.lower() in intents or (
        head.lemma_.lower() == "be" and any(c.lemma_.lower() in intents for c in head.children)))


def find_events(view: SentenceView, types: dict[str, str]) -> list[FoundEvent]:
    """Events of one sentence: at most one per type, each with at least one participant.

    Long: one loop over the sentence's tokens, trying verb triggers, noun triggers and their exceptions in
    turn; each branch is a few lines that read the same token and the same found map.
    """
    found: dict[str, FoundEvent] = {}
    if view.doc.text.rstrip("”\"’' ").endswith("?"):
        return []  # a question reports no event
    english = view.language == "en"
    verb_triggers = VERB_TRIGGERS if english else mapping(view.language, "verb_triggers")
    noun_triggers = NOUN_TRIGGERS if english else mapping(view.language, "noun_triggers")
    intents = INTENT_VERBS if english else words(view.language, "intent_verbs")
    for tok in view.doc:
        lemma = tok.lemma_.lower()
        if not english and lemma not in verb_triggers and lemma not in noun_triggers:
            lemma = tok.lower_  # the Spanish lemmatiser leaves some plurals and proper nouns as written
        etype = None
        phrase = next((t for (v, w), t in PHRASE_TRIGGERS.items() if v == lemma and tok.pos_ == "VERB" and any(
            d.lower_ == w for c in tok.children for d in [c, *c.children])), None)
        if phrase == "Consultation" and any(c.dep_ in ("xcomp", "ccomp") for c in tok.children):
            phrase = None  # "called on Congress to act" urges; "called on the minister" visits
        if phrase:
            etype = phrase
        elif tok.pos_ in ("VERB", "AUX") and lemma in verb_triggers:
            etype = verb_triggers[lemma]
            if lemma in LIGHT_VERBS and any(
                    _noun_lemma(d, NOUN_TRIGGERS) and d.i != tok.i
                    for c in tok.children if c.dep_ == "dobj" for d in c.subtree):
                continue  # the object names the event: "launched a training program"
            if lemma in NEEDS_WITH and not any(c.dep_ == "prep" and c.lower_ in ("with", "to")
                                               for c in tok.children):
                continue
            if lemma in NEEDS_FORUM and not any(types.get(view.key_at(d) or "") == "Initiative"
                                                for c in tok.children if c.dep_ == "dobj" for d in c.subtree):
                continue  # "attended the Energy Ministerial", not "attended the funeral"
            if lemma == "name" and not any(c.dep_ in ("oprd", "nsubjpass") or c.lower_ == "as"
                                           for c in tok.children):
                continue
            if etype == "Agreement" and _negated(tok):
                continue
        elif tok.pos_ in ("NOUN", "PROPN") and (noun := _noun_lemma(tok, noun_triggers)):
            lemma = noun
            etype = noun_triggers[lemma]
            if etype == "Agreement" and _negated(tok):
                continue
            if etype == "Training" and lemma == "course" and not any(
                    c.lower_ in COURSE_WORDS for c in [*tok.subtree, *tok.lefts]):
                continue
            if lemma in CARRIED_NOUNS and not _carried(tok):
                continue
            if tok.pos_ == "PROPN" and types.get(view.key_at(tok) or "") == "Initiative" and not _held(view, tok):
                continue  # "the Border Health Dialogue" named as a programme, not a meeting held
        if etype is None:
            continue
        if _intended(tok, intents) and etype not in ("Announcement", "Statement", "Denial", "Agreement"):
            etype = "Announcement"  # "Mexico plans to extradite X": announced, not done
        parts = _participants(view, tok, etype, types)
        if etype in ("Transfer", "Extradition") and not any(
                r == "destination" or (r == "subject" and types.get(k) == "Person") for k, r in parts):
            continue  # "the bill was sent by the president": nobody was sent anywhere
        needs = mapping(view.language, "trigger_needs").get(lemma)
        if needs and not any(types.get(k) in needs.split() for k, _ in parts):
            continue  # "detener el tráfico" stops trafficking; "adopted" adopts a law or framework
        if not parts:
            continue
        if etype in found:
            for p in parts:
                if all(k != p[0] for k, _ in found[etype].participants):
                    found[etype].participants.append(p)
        else:
            found[etype] = FoundEvent(etype, tok, parts)
    return list(found.values())
