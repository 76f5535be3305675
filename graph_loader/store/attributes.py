"""Graph attributes (node and edge dicts of :mod:`graph_loader.graph`) as answers and views carry them:
evidence read in any stored shape, sources with their article's metadata, a view's light copy.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..ontology import load_ontology
from .results import ClaimInfo, EventInfo, Participant, Source, Stance


def evidence_list(value: Any) -> list[dict[str, Any]]:
    """Evidence as a list of dicts, whether stored as dicts, JSON strings or one JSON list."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [{"article_id": "", "sentence": value}]
        return evidence_list(value if isinstance(value, list) else [value])
    out = []
    for item in value:
        if isinstance(item, str):
            try:
                item = json.loads(item)
            except ValueError:
                item = {"article_id": "", "sentence": item}
        if isinstance(item, dict):
            out.append(item)
    return out


def sources_of(evidence: Any, articles: Mapping[str, Mapping[str, Any]]) -> tuple[Source, ...]:
    out = []
    for ev in evidence_list(evidence):
        meta = articles.get(ev.get("article_id") or "", {})
        out.append(Source(str(ev.get("article_id") or ""), str(ev.get("sentence") or ""), ev.get("start"),
                          ev.get("end"), str(meta.get("title") or meta.get("name") or ""),
                          str(meta.get("publisher") or ""), meta.get("published"),
                          str(meta.get("url") or ""), str(meta.get("language") or "")))
    return tuple(out)


def first_evidence(value: Any) -> list[dict[str, Any]]:
    """The first evidence sentence that is not empty, as ``[{"sentence": ...}]`` (empty when there is none).

    Views carry only this: it is all a hover text shows (``render.node_hover``/``edge_hover``), and a hub's
    whole evidence list can run to thousands of sentences.

    >>> first_evidence([{"article_id": "a", "sentence": ""}, {"article_id": "b", "sentence": "S."}])
    [{'sentence': 'S.'}]
    """
    if isinstance(value, list):  # the usual shape: stop at the first item instead of reading them all
        for item in value:
            if not isinstance(item, dict):
                break
            if item.get("sentence"):
                return sentence_evidence(item["sentence"])
        else:
            return []
    return next((sentence_evidence(ev["sentence"]) for ev in evidence_list(value) if ev.get("sentence")), [])


def sentence_evidence(sentence: str | None) -> list[dict[str, Any]]:
    """A view's evidence: one sentence, or nothing."""
    return [{"sentence": sentence}] if sentence else []


def light_copy(data: Mapping[str, Any], with_articles: bool = False) -> dict[str, Any]:
    """A view's copy of node or edge attributes: the evidence cut to :func:`first_evidence`, and the
    article list replaced by ``article_count`` (kept too with ``with_articles``, for an article filter).

    A view draws how many articles tell a fact, not which: a country is named in nearly every article.

    >>> light_copy({"articles": ["a", "b"], "evidence": []})
    {'evidence': [], 'article_count': 2}
    """
    out = dict(data)
    if "evidence" in out:
        out["evidence"] = first_evidence(out["evidence"])
    articles = out.get("articles") if with_articles else out.pop("articles", None)
    out["article_count"] = len(articles or ())
    return out


def article_count(data: Mapping[str, Any]) -> int:
    """How many articles tell a node or edge: a view's ``article_count``, else the length of its list.

    >>> article_count({"article_count": 3}), article_count({"articles": ["a"]}), article_count({})
    (3, 1, 0)
    """
    if "article_count" in data:
        return int(data["article_count"])
    return len(data.get("articles") or ())


def date_key(date: Any) -> tuple[int, str]:
    return (0, str(date)) if date else (1, "")


def shown_props(data: Mapping[str, Any]) -> dict[str, Any]:
    skip = ("label", "name", "aliases", "articles", "evidence", "type", "key")
    return {k: v for k, v in data.items() if k not in skip and v not in (None, "", [])}


# --- the interface -----------------------------------------------------------------------------------


def str_or_none(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


# --- answers built from attributes --------------------------------------------------------------


def event_info(eid: str, nodes: Mapping[str, Mapping[str, Any]], edges: list, meta: Mapping) -> EventInfo:
    d = nodes.get(eid, {})
    parts, admins = [], []
    for u, v, _k, e in edges:
        if e.get("type") == "PARTICIPANT" and v == eid:
            od = nodes.get(u, {})
            parts.append(Participant(u, str(od.get("name") or u), str(od.get("label")),
                                     str(e.get("role") or "")))
        elif e.get("type") == "DURING" and u == eid:
            admins.append((v, str(nodes.get(v, {}).get("name") or v)))
    rank = load_ontology().role_rank
    parts.sort(key=lambda p: (rank(p.role), p.name, p.id))  # the id: same names, any store
    return EventInfo(eid, str(d.get("name") or eid), str(d.get("event_type") or "Other"),
                     str_or_none(d.get("date")), tuple(parts), tuple(sorted(set(admins))),
                     sources_of(d.get("evidence"), meta))


def claim_info(cid: str, nodes: Mapping[str, Mapping[str, Any]], edges: list, meta: Mapping) -> ClaimInfo:
    sides: dict[str, list[Stance]] = {"ASSERTS": [], "DENIES": []}
    for u, v, _k, e in edges:
        if v == cid and e.get("type") in sides:
            od = nodes.get(u, {})
            sides[e["type"]].append(Stance(u, str(od.get("name") or u), str(od.get("label")),
                                           "asserts" if e["type"] == "ASSERTS" else "denies",
                                           sources_of(e.get("evidence"), meta)))
    for side in sides.values():
        side.sort(key=lambda s: (s.actor_name, s.actor_id))
    d = nodes.get(cid, {})
    contested = bool(sides["ASSERTS"] and sides["DENIES"]) or bool(d.get("contested"))
    return ClaimInfo(cid, str(d.get("name") or cid), contested, tuple(sides["ASSERTS"]),
                     tuple(sides["DENIES"]))


# --- the embedded store ------------------------------------------------------------------------------
