"""The synthetic benchmark corpus: deterministic, in the sample format, and readable by the extraction."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from graph_loader.articles import read_article

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402


def test_same_seed_same_text_other_seed_other_text():
    a, b, c = synthetic.generate(12, seed=3), synthetic.generate(12, seed=3), synthetic.generate(12, seed=4)
    assert a == b
    assert [t for _, t in a] != [t for _, t in c]
    assert len({t for _, t in a}) == 12  # no two articles alike
    # Article i does not depend on how many articles are asked for.
    assert synthetic.generate(5, seed=3) == a[:5]


def test_countries_are_real_everyone_else_invented():
    text = " ".join(t for _, t in synthetic.generate(40, seed=0))
    assert "Mexico" in text and "United States" in text
    assert "Operation " in text and " administration (20" in text
    for real in ("Sheinbaum", "DEA", "FBI", "Sinaloa", "Trump", "García Harfuch"):
        assert real not in text


def test_cli_writes_n_files_in_the_sample_format(tmp_path: Path):
    out = tmp_path / "corpus"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), "7", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    files = sorted(out.glob("*.md"))
    assert len(files) == 7
    expected = dict(synthetic.generate(7, seed=0))
    for path in files:
        assert path.read_text(encoding="utf-8") == expected[path.name]
        art = read_article(path)
        assert art.title and art.url.startswith("https://example.org/")
        assert art.publisher.startswith("Portero Graph synthetic")
        assert art.published and art.published[:2] == "20" and art.language == "en"
        assert len(art.sentences) >= 7
    assert len({read_article(p).id for p in files}) == 7  # distinct articles, distinct ids


@pytest.fixture(scope="module")
def extractions(tmp_path_factory):
    from graph_loader.extract import extract_article, load_nlp

    folder = tmp_path_factory.mktemp("synthetic")
    paths = synthetic.write_corpus(15, folder, seed=1)
    nlp = load_nlp()
    return [extract_article(read_article(p), nlp) for p in paths]


def test_extraction_finds_entities_events_and_relations(extractions):
    assert all(ex.entities for ex in extractions)
    n = len(extractions)
    assert sum(len(ex.events) for ex in extractions) / n >= 3
    assert sum(len(ex.relations) for ex in extractions) / n >= 1
    types = {e.type for ex in extractions for e in ex.entities}
    assert {"Person", "Agency", "Country"} <= types
    event_types = {ev.type for ex in extractions for ev in ex.events}
    assert len(event_types & {"Arrest", "Extradition", "Appointment", "Announcement", "Denial",
                              "Trial", "Training", "Consultation"}) >= 5
    # Invented agencies are found by their acronym in parentheses, with the acronym as an alias.
    agencies = [e for ex in extractions for e in ex.entities if e.type == "Agency"]
    assert any(any(a.isupper() and 2 <= len(a) <= 6 for a in e.aliases) for e in agencies)
    assert any(r.type == "LEADS" for ex in extractions for r in ex.relations)


def test_buildable_keeps_what_the_graph_accepts(extractions):
    ok, rejected = synthetic.buildable(extractions)
    assert len(ok) + rejected == len(extractions) and len(ok) >= len(extractions) // 2


def test_cached_extractions_reuse_a_bigger_corpus(tmp_path):
    five = synthetic.cached_extractions(5, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("portero-synthetic-5-0-*.pickle"))) == 1
    three = synthetic.cached_extractions(3, cache_dir=tmp_path)
    assert [ex.article.id for ex in three] == [ex.article.id for ex in five[:3]]
    assert not list(tmp_path.glob("portero-synthetic-3-*"))  # read from the corpus of five, not extracted
