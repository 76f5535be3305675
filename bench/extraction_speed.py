"""Extraction speed as ratios measured in one run: our whole extraction vs spaCy's bare pipeline
on the same sentences, and two processes vs one. Also with each article merged into a graph as it comes
out, as ``portero load`` does (``loader.TransactionGroup``).

Run: python bench/extraction_speed.py [--articles N]
Texts: the sample articles of each language, repeated; each language against its own bare pipeline.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from graph_loader.articles import find_article_files, read_article  # noqa: E402
from graph_loader.extract import extract_articles, load_nlp  # noqa: E402
from graph_loader.graph import build_graph  # noqa: E402
from graph_loader.settings import load_settings  # noqa: E402


def corpus(n: int, language: str = "en") -> list:
    """``n`` sample articles of one language, repeated."""
    base = [a for a in (read_article(p) for p in find_article_files([ROOT / "sample_data" / "articles"]))
            if a.language == language]
    return [base[i % len(base)] for i in range(n)]


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def bare_pipeline(language: str):
    """spaCy's own pipeline of a language, as loaded without our rules (W095 silenced as load_nlp does)."""
    settings = load_settings()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\]")
        return spacy.load(settings.spacy_model_es if language == "es" else settings.spacy_model)


def measure(arts: list, language: str, two_processes: bool) -> None:
    words = sum(len(a.text.split()) for a in arts)
    sentences = [s.text for a in arts for s in a.sentences]
    bare = bare_pipeline(language)
    ours = load_nlp(language=language)
    list(bare.pipe(sentences[:50]))  # warm both up
    list(extract_articles(arts[:2], ours if language == "en" else None))
    t_bare = timed(lambda: list(bare.pipe(sentences, batch_size=256)))
    exs: list = []
    t_ours = timed(lambda: exs.extend(extract_articles(arts, ours if language == "en" else None)))
    t_graph = timed(lambda: build_graph(exs))
    print(f"--- {language}: articles={len(arts)} words={words} sentences={len(sentences)}")
    print(f"{'whole extraction / bare spaCy (time)':44s} {t_ours / t_bare:7.2f}  target <= 1.5")
    print(f"{'  and merged into a graph / bare spaCy':44s} {(t_ours + t_graph) / t_bare:7.2f}  "
          f"(as portero load does; merging {t_graph:.2f} s)")
    print(f"{'bare spaCy words/s':44s} {words / t_bare:7.0f}")
    print(f"{'whole extraction words/s, 1 process':44s} {words / t_ours:7.0f}")
    if two_processes:
        t_two = timed(lambda: list(extract_articles(arts, ours, n_process=2)))
        print(f"{'2 processes speed-up over 1':44s} {t_ours / t_two:7.2f}  target >= 1.6 (2 cores)")
        print(f"{'whole extraction words/s, 2 processes':44s} {words / t_two:7.0f}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=120)
    args = ap.parse_args()
    print(f"{'measure':44s} {'ratio':>7s}  detail")
    measure(corpus(args.articles, "en"), "en", two_processes=True)
    measure(corpus(max(10, args.articles // 4), "es"), "es", two_processes=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
