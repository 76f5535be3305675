"""The curation overlay: human corrections applied after extraction, kept in their own file."""

from __future__ import annotations

import pytest

from graph_loader.articles import parse_article
from graph_loader.curation import CurationError, apply_curation, read_curation
from graph_loader.extract import extract_article

TEXT = ("Mexican President Claudia Sheinbaum spoke with Secretary of Security Omar García Harfuch. "
        "The White House said the DEA works with Mexico.")


def test_drop_rename_merge_and_add():
    ex = extract_article(parse_article(TEXT, "a.md"))
    assert any(e.name == "White House" for e in ex.entities)
    ex = apply_curation(ex, {
        "drop": ["White House"],
        "rename": {"Omar García Harfuch": "Omar Hamid García Harfuch"},
        "add": {"entities": [{"name": "Rosa Icela Rodríguez", "type": "Person"}],
                "relations": [{"source": "Omar Hamid García Harfuch", "type": "MEMBER_OF", "target": "Mexico",
                               "evidence": "spoke with Secretary of Security"}]},
    })
    names = {e.name for e in ex.entities}
    assert "White House" not in names
    assert {"Omar Hamid García Harfuch", "Rosa Icela Rodríguez"} <= names
    renamed = next(e for e in ex.entities if e.name == "Omar Hamid García Harfuch")
    assert "Omar García Harfuch" in renamed.aliases
    assert ("Omar Hamid García Harfuch", "LEADS") in {(r.source, r.type) for r in ex.relations}
    added = next(r for r in ex.relations if r.type == "MEMBER_OF")
    assert added.evidence.sentence.startswith("Mexican President Claudia Sheinbaum")


def test_merge_joins_two_entities_into_one():
    ex = extract_article(parse_article("The Drug Enforcement Administration met the FBI.", "b.md"))
    ex = apply_curation(ex, {"merge": {"Drug Enforcement Administration": ["Federal Bureau of Investigation"]}})
    agencies = [e for e in ex.entities if e.type == "Agency"]
    assert [a.name for a in agencies] == ["Drug Enforcement Administration"]
    assert "Federal Bureau of Investigation" in agencies[0].aliases


def test_overlay_file_is_read_beside_the_article(tmp_path):
    article = tmp_path / "story.md"
    article.write_text(TEXT, encoding="utf-8")
    assert read_curation(article) is None
    (tmp_path / "story.curation.yaml").write_text("drop: [White House]\n", encoding="utf-8")
    assert read_curation(article) == {"drop": ["White House"]}
    (tmp_path / "story.curation.yaml").write_text("erase: everything\n", encoding="utf-8")
    with pytest.raises(CurationError, match="story.curation.yaml"):
        read_curation(article)
