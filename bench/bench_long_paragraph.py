"""Reading one long paragraph costs what reading the same text in lines costs: a ratio measured in one run.

An article of one 5 MB paragraph and the same sentences one per line go through
``graph_loader.articles.parse_article`` (front matter, clean-up, sentence splitting with offsets). Sentence
splitting once searched the whole paragraph so far at every full stop, which made one long paragraph
quadratic (a 200 KB line took 9.5 s against 0.02 s in lines); the target is a ratio of at most 1.5.

Run: python bench/bench_long_paragraph.py [--mb 5] [--repeat 3]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph_loader.articles import parse_article  # noqa: E402

# Sentences written for this benchmark: abbreviations, initials, acronyms and quotes, so every kind of
# boundary the splitter weighs comes up many times.
SENTENCES = (
    "The U.S. Attorney's office said on Monday that the hearing would resume in March.",
    "Gen. R. Ortiz, who led the unit until 2019, declined to comment.",
    "Officials in Mexico City described the talks as “productive.”",
    "A spokesperson for the ministry (SSPC) said the agreement was not final.",
    "Mr. Vega told reporters the plan had support in Congress.",
    "No charges were announced. The investigation continues!",
    "Was the transfer approved by the U.N. committee? Nobody would say.",
    "Dr. Lima, of the state health dept., spoke after the vote.",
)


def corpus(megabytes: float) -> list[str]:
    """Sentences, cycled, until their text reaches ``megabytes``."""
    out, size = [], 0
    for sentence in itertools.cycle(SENTENCES):
        if size >= megabytes * 1_000_000:
            return out
        out.append(sentence)
        size += len(sentence) + 1


def best_time(text: str, repeat: int) -> tuple[float, int]:
    """Fastest of ``repeat`` parses, and the number of sentences found."""
    best, found = float("inf"), 0
    for _ in range(repeat):
        began = time.perf_counter()
        article = parse_article("---\ntitle: Long\n---\n" + text)
        best = min(best, time.perf_counter() - began)
        found = len(article.sentences)
    return best, found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=5.0, help="size of the paragraph in MB (default 5)")
    ap.add_argument("--repeat", type=int, default=3, help="parses of each text; the fastest counts")
    args = ap.parse_args()
    sentences = corpus(args.mb)
    paragraph, lines = " ".join(sentences), "\n".join(sentences)
    t_lines, n_lines = best_time(lines, args.repeat)
    t_para, n_para = best_time(paragraph, args.repeat)
    print(f"{len(paragraph) / 1e6:.1f} MB, {len(sentences):,} sentences: one paragraph {t_para:.2f} s "
          f"({n_para:,} sentences found), in lines {t_lines:.2f} s ({n_lines:,})")
    print(f"long paragraph / lines: {t_para / t_lines:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
