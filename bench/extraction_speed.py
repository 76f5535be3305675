"""Extraction speed as ratios measured in one run: our whole extraction vs spaCy's bare pipeline
on the same sentences, and two processes vs one. Also with each article merged into a graph as it comes
out, as ``portero load`` does (``loader.TransactionGroup``).

Run: python bench/extraction_speed.py [--articles N]
Texts: the sample articles, repeated.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import spacy  # noqa: E402

from graph_loader.articles import find_article_files, read_article  # noqa: E402
from graph_loader.extract import extract_articles, load_nlp  # noqa: E402
from graph_loader.graph import build_graph  # noqa: E402
from graph_loader.settings import load_settings  # noqa: E402


def corpus(n: int) -> list:
    base = [read_article(p) for p in find_article_files([ROOT / "sample_data" / "articles"])]
    return [base[i % len(base)] for i in range(n)]


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=120)
    args = ap.parse_args()
    arts = corpus(args.articles)
    words = sum(len(a.text.split()) for a in arts)
    sentences = [s.text for a in arts for s in a.sentences]
    bare = spacy.load(load_settings().spacy_model)
    ours = load_nlp()
    list(bare.pipe(sentences[:50]))  # warm both up
    list(extract_articles(arts[:2], ours))
    t_bare = timed(lambda: list(bare.pipe(sentences, batch_size=256)))
    exs: list = []
    t_ours = timed(lambda: exs.extend(extract_articles(arts, ours)))
    t_graph = timed(lambda: build_graph(exs))
    t_two = timed(lambda: list(extract_articles(arts, ours, n_process=2)))
    print(f"{'measure':44s} {'ratio':>7s}  detail")
    print(f"{'whole extraction / bare spaCy (time)':44s} {t_ours / t_bare:7.2f}  target <= 1.5")
    print(f"{'  and merged into a graph / bare spaCy':44s} {(t_ours + t_graph) / t_bare:7.2f}  "
          f"(as portero load does; merging {t_graph:.2f} s)")
    print(f"{'2 processes speed-up over 1':44s} {t_ours / t_two:7.2f}  target >= 1.6 (2 cores)")
    print(f"{'bare spaCy words/s':44s} {words / t_bare:7.0f}")
    print(f"{'whole extraction words/s, 1 process':44s} {words / t_ours:7.0f}")
    print(f"{'whole extraction words/s, 2 processes':44s} {words / t_two:7.0f}")
    print(f"articles={len(arts)} words={words} sentences={len(sentences)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
