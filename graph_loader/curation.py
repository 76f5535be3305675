"""Curation overlay: human corrections to one article's extraction, kept in a file of their own.

``ARTICLE.curation.yaml`` beside ``ARTICLE.md`` is applied after extraction, so re-extracting never
loses it::

    drop: [White House]                       # entities (and every fact about them)
    rename: {Cole: Terrance Cole}             # canonical name changes
    merge: {Secretariat of Security and Civilian Protection: [Security Ministry]}
    add:
      entities: [{name: Rosa Icela Rodríguez, type: Person, aliases: [Rodríguez]}]
      relations: [{source: Rosa Icela Rodríguez, type: LEADS, target: Secretariat of the Interior,
                   evidence: "a sentence of the article"}]

>>> from graph_loader.articles import parse_article
>>> from graph_loader.model import Entity, Extraction
>>> ex = Extraction(parse_article("A met B."), [Entity("A", "Person"), Entity("B", "Person")])
>>> [e.name for e in apply_curation(ex, {"drop": ["B"], "rename": {"A": "Ann"}}).entities]
['Ann']
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .model import Entity, Evidence, Extraction, Participant, Relation, normalise_name
from .ontology import load_ontology

CURATION_SUFFIX = ".curation.yaml"


class CurationError(ValueError):
    """A curation file is malformed; the message names the file and the problem."""


def curation_path(article_path: str | Path) -> Path:
    p = Path(article_path)
    return p.with_name(p.stem + CURATION_SUFFIX)


def read_curation(article_path: str | Path) -> dict[str, Any] | None:
    """The overlay beside an article, or None when there is none."""
    path = curation_path(article_path)
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise CurationError(f"{path}: malformed curation file: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"drop", "rename", "merge", "add"}:
        raise CurationError(f"{path}: expected only the keys drop, rename, merge, add")
    return data


def _evidence_for(ex: Extraction, sentence: str) -> Evidence:
    for s in ex.article.sentences:
        if sentence and sentence in s.text:
            return Evidence(ex.article.id, s.text, s.start, s.end)
    return Evidence(ex.article.id, sentence, -1, -1)


def apply_curation(ex: Extraction, overlay: dict[str, Any]) -> Extraction:
    """Apply drop, rename, merge and add, in that order; return the same extraction, corrected."""
    onto = load_ontology()
    names: dict[str, str] = {}  # normalised old name -> new canonical name ("" = dropped)
    for name in overlay.get("drop", []) or []:
        names[normalise_name(name)] = ""
    for old, new in (overlay.get("rename", {}) or {}).items():
        names[normalise_name(old)] = new
    for into, sources in (overlay.get("merge", {}) or {}).items():
        for s in sources:
            names[normalise_name(s)] = into

    def fix(name: str) -> str:
        return names.get(normalise_name(name), name)

    kept: dict[str, Entity] = {}
    for e in ex.entities:
        new = fix(e.name)
        if not new:
            continue
        key = f"{e.type}:{normalise_name(new)}"
        if key in kept:
            target = kept[key]
            target.aliases.extend(a for a in [e.name, *e.aliases] if a not in target.aliases and a != new)
            target.evidence.extend(e.evidence)
        else:
            if new != e.name:
                e.aliases.append(e.name)
                e.name = new
            kept[key] = e
    ex.entities = list(kept.values())
    ex.relations = [Relation(fix(r.source), r.type, fix(r.target), r.evidence, r.props) for r in ex.relations
                    if fix(r.source) and fix(r.target)]
    for ev in ex.events:
        ev.participants = [Participant(fix(p.entity), p.role) for p in ev.participants if fix(p.entity)]
    ex.events = [ev for ev in ex.events if ev.participants]
    ex.claims = [c for c in ex.claims if fix(c.claimant)]
    for c in ex.claims:
        c.claimant = fix(c.claimant)
    add = overlay.get("add", {}) or {}
    for raw in add.get("entities", []) or []:
        onto.validate_node(raw["type"])
        ex.entities.append(Entity(raw["name"], raw["type"], list(raw.get("aliases", [])),
                                  [_evidence_for(ex, raw.get("evidence", ""))] if raw.get("evidence") else []))
    for raw in add.get("relations", []) or []:
        props = {k: v for k, v in raw.items() if k not in ("source", "type", "target", "evidence")}
        ex.relations.append(Relation(raw["source"], raw["type"], raw["target"],
                                     _evidence_for(ex, raw.get("evidence", "")), props))
    ex.notes.append("curation overlay applied")
    return ex
