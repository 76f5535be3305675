"""One event per happening within an article.

An article tells one extradition several times ("was extradited ... arrived ... the extradition of X
marks ..."); each telling becomes an Event, and the ones that are the same happening are merged into
the first, which keeps its sentence and gains the others' participants. Across articles the same
happening meets by its id (:attr:`graph_loader.model.Event.id`).
"""

from __future__ import annotations

from ..model import Event

# A transfer of someone who is extradited in the same article and year is that extradition
# ("extradited ... sent ... handed over").
ABSORBED_BY = {"Transfer": "Extradition"}


def _compatible(a: Event, b: Event) -> bool:
    """Dates that may name one day: one missing, or one a coarser form of the other ("2025", "2025-02-27")."""
    x, y = sorted((a.date or "", b.date or ""), key=len)
    return not x or y.startswith(x)


def _same_happening(kept: Event, ev: Event) -> bool:
    """Same type (or a transfer of someone extradited), a shared key participant, and years that agree
    (one article may date a happening once and then speak of it again without a date)."""
    if kept.id == ev.id:
        return True
    if ev.type != kept.type and ABSORBED_BY.get(ev.type) != kept.type:
        return False
    if not _compatible(kept, ev):
        return False
    return bool(set(kept.key) & set(ev.key))


def merge_article_events(events: list[Event]) -> list[Event]:
    """Events in order, each happening once; a merged event keeps the first sentence and date.

    >>> from graph_loader.model import Evidence, Participant
    >>> s = lambda i: Evidence("a", f"sentence {i}", i, i + 1)
    >>> ana, luis = ("Ana Ruiz",), ("Luis Soto",)
    >>> told = [Event("Extradition", s(0), [Participant("Ana Ruiz", "subject")], "2025-02-27", key=ana),
    ...         Event("Transfer", s(1), [Participant("Ana Ruiz", "subject"), Participant("Texas", "destination")],
    ...               key=ana),
    ...         Event("Extradition", s(2), [Participant("Ana Ruiz", "subject"), Participant("Mexico", "agent")],
    ...               "2025", key=ana),
    ...         Event("Extradition", s(3), [Participant("Luis Soto", "subject")], "2025-02-27", key=luis)]
    >>> [(e.type, e.evidence.start, sorted(p.entity for p in e.participants)) for e in merge_article_events(told)]
    [('Extradition', 0, ['Ana Ruiz', 'Mexico', 'Texas']), ('Extradition', 3, ['Luis Soto'])]
    """
    out: list[Event] = []
    for ev in events:
        kept = next((k for k in out if _same_happening(k, ev)), None) if ev.key else None
        if kept is None:
            out.append(ev)
            continue
        _absorb(kept, ev)
    return _unnamed_into_named(out)


def _absorb(kept: Event, ev: Event) -> None:
    names = {p.entity for p in kept.participants}
    kept.participants.extend(p for p in ev.participants if p.entity not in names)
    kept.date = kept.date or ev.date
    kept.during = kept.during or ev.during


def _unnamed_into_named(events: list[Event]) -> list[Event]:
    """"the 1985 killing of an agent" and "Camarena's 1985 killing" in one article: a happening told
    without its key joins the one happening of its type, on a compatible date, that names it, when there is
    one ("sent in August 2025" does not join "sent on February 27, 2025")."""
    out: list[Event] = []
    for ev in events:
        named = [k for k in events if k.key and k.type == ev.type and _compatible(k, ev)]
        if not ev.key and len(named) == 1:
            _absorb(named[0], ev)
        else:
            out.append(ev)
    return out
