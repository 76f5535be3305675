"""The graph's vocabulary has one home, ``graph_loader/ontology.yaml``: no code spells it again.

The two pieces most often copied are looked for across the code: the fallback colour and the list of hub
relationship types (those a view follows from its focus only). The test fails on a stray copy and names
the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph_loader.ontology import ONTOLOGY_PATH, load_ontology

ROOT = Path(__file__).resolve().parent.parent
# The code that could copy the vocabulary: the library, the app, benchmarks, scripts, the Cypher library.
CODE_DIRS = ("graph_loader", "app", "bench", "scripts", "cypher", "neo4j_launcher")
SUFFIXES = {".py", ".js", ".css", ".html", ".cypher", ".sh", ".java", ".yaml", ".toml"}


def code_files() -> list[Path]:
    files = [p for d in CODE_DIRS for p in (ROOT / d).rglob("*")
             if p.is_file() and p.suffix in SUFFIXES and p.resolve() != ONTOLOGY_PATH.resolve()
             and "__pycache__" not in p.parts and "target" not in p.parts]
    return sorted(files)


def stray(pattern: re.Pattern[str]) -> list[str]:
    """``path:line: text`` of every line of code matching ``pattern``."""
    found = []
    for path in code_files():
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    return found


def hub_list_pattern(hub_types: frozenset[str]) -> re.Pattern[str]:
    """Two or more hub types quoted side by side, in any order: a list or set literal of them."""
    quoted = "|".join(re.escape(t) for t in sorted(hub_types))
    return re.compile(rf"""["']({quoted})["']\s*[,|]\s*["']({quoted})["']""")


def test_the_tree_is_searched():
    files = code_files()
    names = {p.name for p in files}
    assert {"render.py", "snapshot.py", "ui.py", "gexf.py", "schema.cypher"} <= names
    assert len(files) > 50


def test_no_stray_fallback_colour():
    colour = load_ontology().fallback_colour
    short = colour.lower()[:4] if len(set(colour.lower()[1:])) == 1 else None  # #999999 is also #999
    pattern = re.compile(rf"{re.escape(colour)}\b" + (rf"|{re.escape(short)}\b" if short else ""), re.I)
    assert stray(pattern) == []


def test_no_stray_list_of_hub_relationship_types():
    hub = load_ontology().hub_types
    assert len(hub) >= 2  # else there is no list to copy and the pattern below finds nothing
    assert stray(hub_list_pattern(hub)) == []


@pytest.mark.parametrize("line, copied", [
    ('HUB_TYPES = frozenset({"MENTIONS", "DURING"})', True),
    ("_HUB = \"['DURING', 'MENTIONS']\"", True),
    ("WHERE NOT type(t) IN ['MENTIONS','DURING']", True),
    ('edge(art.id, "MENTIONS", e.id)', False),
    ('"DURING": ("happened during", "saw"),', False),
])
def test_the_hub_pattern_finds_copies_and_only_copies(line, copied):
    assert bool(hub_list_pattern(frozenset({"MENTIONS", "DURING"})).search(line)) is copied
