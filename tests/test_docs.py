"""The README agrees with the settings table, the ontology and the command line."""

from __future__ import annotations

import re

from graph_loader.docs import DOCS, README, pages, render
from graph_loader.settings import SETTINGS


def test_generated_sections_are_current():
    for page in pages():
        text = page.read_text(encoding="utf-8")
        assert render(text) == text, f"{page.name} is out of date: run python -m graph_loader.docs"


def test_every_setting_is_documented():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in text]
    assert not missing


def test_readme_is_short_and_links_pages_that_exist():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 200  # what a newcomer needs; the rest is in docs/
    linked = set(re.findall(r"\]\((docs/[\w-]+\.md)\)", text))
    assert linked == {f"docs/{p.name}" for p in DOCS.glob("*.md")}
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([\w-]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (DOCS / target).exists(), f"{page.name} links to a missing {target}"


def test_readme_has_exactly_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", section, re.S)
    assert commands == ["bash scripts/run.sh", "bash scripts/test.sh"]


def test_every_cli_verb_is_documented():
    from graph_loader.cli import build_parser

    parser = build_parser()
    verbs = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    text = README.read_text(encoding="utf-8")
    assert all(f"`portero {v}" in text for v in verbs)
