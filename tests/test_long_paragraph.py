"""A 5 MB article of one paragraph is read in time linear in its length.

Sentence splitting once searched the whole paragraph so far at every full stop: a 200 KB line took 9.5 s
and a 5 MB paragraph kept ``portero load`` busy for over ten minutes before extraction began.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_long_paragraph  # noqa: E402
import pytest  # noqa: E402

from graph_loader.articles import read_article, split_sentences  # noqa: E402
from graph_loader.extract import load_nlp  # noqa: E402


def test_five_mb_paragraph_is_read_in_under_30_s(tmp_path: Path):
    sentences = bench_long_paragraph.corpus(5)
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: One long paragraph\n---\n" + " ".join(sentences), encoding="utf-8")
    assert path.stat().st_size > 5_000_000
    began = time.perf_counter()
    article = read_article(path)
    took = time.perf_counter() - began
    assert took < 30, f"reading took {took:.1f} s"
    assert len(article.sentences) > len(sentences)  # "No charges... The investigation..." is two
    last = article.sentences[-1]
    assert article.text[last.start:last.end] == last.text


def test_paragraph_costs_about_what_lines_cost():
    """Same sentences, one paragraph against one per line: the paragraph may not cost more than three
    times as much (1.3 measured; the bound leaves room for a busy machine, and quadratic would be ~100)."""
    sentences = bench_long_paragraph.corpus(1)
    paragraph, lines = " ".join(sentences), "\n".join(sentences)

    def best(text: str) -> float:
        times = []
        for _ in range(3):
            began = time.perf_counter()
            split_sentences(text)
            times.append(time.perf_counter() - began)
        return min(times)

    assert best(paragraph) <= 3 * best(lines)
    assert [s.text for s in split_sentences(paragraph)] == [s.text for s in split_sentences(lines)]


@pytest.mark.slow
def test_five_mb_paragraph_loads_in_under_30_s_and_says_what_was_read(tmp_path: Path):
    """The whole of ``portero load`` on a 5 MB one-paragraph article: reading, extraction of its first
    PORTERO_MAX_ARTICLE_CHARS characters, and writing the embedded store."""
    from graph_loader.loader import load_paths
    from graph_loader.settings import load_settings

    sentences = bench_long_paragraph.corpus(5)
    path = tmp_path / "long.md"
    path.write_text("---\ntitle: One long paragraph\npublished: 2025-02-28\n---\n" + " ".join(sentences),
                    encoding="utf-8")
    settings = load_settings({"PORTERO_HOME": str(tmp_path / "home")})
    load_nlp()  # the pipeline is loaded once per process, not per article: not part of the article's cost
    began = time.perf_counter()
    report = load_paths([path], "embedded", settings, progress=False)
    took = time.perf_counter() - began
    assert report.ok and report.articles_loaded == 1
    assert took < 30, f"loading took {took:.1f} s"
    limit = settings.max_article_chars
    assert any("only the first" in n and "PORTERO_MAX_ARTICLE_CHARS" in n for n in report.notes)
    assert report.total_nodes > 2
    assert limit < path.stat().st_size
