"""Extraction quality: the shared scorer on the seed, the shared dev set and the project's own eval articles.

Run: python bench/extraction_quality.py [-v] [--only SUBSTRING] [--write]
(skips when ../shared/eval/score.py is absent). ``-v`` lists each text's misses; ``--write`` replaces the
quality table in bench/RESULTS.md with this run's.

The dev texts are read from ``../shared/eval/dev/`` at run time and never copied into the project.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from graph_loader.articles import parse_article, read_article  # noqa: E402
from graph_loader.extract import extract_article  # noqa: E402
from graph_loader.model import Article  # noqa: E402

PARTS = ("entities", "entities_typed", "events", "relations", "claims")
RESULTS = ROOT / "bench" / "RESULTS.md"
TABLE_START = "<!-- extraction-quality:start -->"
TABLE_END = "<!-- extraction-quality:end -->"


@dataclass(frozen=True)
class Case:
    """One scored text: its group (seed, dev-en, dev-es, own), a short name, how to read it, and its gold."""

    group: str
    name: str
    article: Article
    gold: dict


def _scorer():
    path = SHARED / "eval" / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("portero_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _dev_article(data: dict, name: str) -> Article:
    """An Article built from a dev file's text and metadata (front matter made from its fields)."""
    src = data.get("source") or {}
    head = {"title": src.get("title") or name, "published": data.get("published"),
            "language": data.get("language") or "en"}
    front = "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in head.items() if v)
    return parse_article(f"---\n{front}---\n{data['text']}", name)


def cases() -> list[Case]:
    """Every text the shared scorer can judge here."""
    out: list[Case] = []
    seed = SHARED / "seed" / "portero-elpais-2025-08.txt"
    if seed.exists():
        out.append(Case("seed", "seed (EL PAÍS 2025-08)", read_article(seed, "2025-08-19"),
                        json.loads((SHARED / "eval" / "seed_gold.json").read_text(encoding="utf-8"))))
    for path in sorted((SHARED / "eval" / "dev").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        lang = data.get("language") or "en"
        name = path.stem[:34]
        out.append(Case(f"dev-{lang}", name, _dev_article(data, path.name), data))
    for gold in sorted((ROOT / "sample_data" / "eval").glob("*.gold.json")):
        art = read_article(gold.with_name(gold.name.replace(".gold.json", ".md")))
        out.append(Case("own", gold.name.removesuffix(".gold.json"), art,
                        json.loads(gold.read_text(encoding="utf-8"))))
    return out


def _row(name: str, scores: list[float], dups: int | float) -> str:
    return f"| {name} | " + " | ".join(f"{s:.2f}" for s in scores) + f" | {dups:g} |"


def run(selected: list[Case], scorer, verbose: bool) -> list[str]:
    """Score every case; return the markdown table (per text, then a mean per group)."""
    lines = ["| text | entities | typed | events | relations | claims | dups |",
             "|---|---|---|---|---|---|---|"]
    groups: dict[str, list[tuple[list[float], int]]] = {}
    for case in selected:
        pred = extract_article(case.article).to_json()
        res = scorer.score(case.gold, pred)
        scores = [res[p][2] for p in PARTS]
        groups.setdefault(case.group, []).append((scores, res["duplicates"]))
        lines.append(_row(f"{case.group}: {case.name}", scores, res["duplicates"]))
        print(lines[-1], flush=True)
        if verbose:
            for part, miss in res["_missed"].items():
                if miss:
                    print(f"    missed {part}: " + "; ".join(map(str, miss)))
    for group, rows in groups.items():
        if len(rows) > 1:
            means = [mean(r[0][i] for r in rows) for i in range(len(PARTS))]
            lines.append(_row(f"**{group}, mean of {len(rows)}**", means, sum(r[1] for r in rows)))
            print(lines[-1])
    return lines


def write_results(lines: list[str]) -> None:
    """Replace the marked quality table in bench/RESULTS.md."""
    text = RESULTS.read_text(encoding="utf-8")
    block = TABLE_START + "\n" + "\n".join(lines) + "\n" + TABLE_END
    pattern = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text + "\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> int:
    scorer = _scorer()
    if scorer is None:
        print("skipped: ../shared/eval/score.py is not present")
        return 0
    only = argv[argv.index("--only") + 1] if "--only" in argv else ""
    selected = [c for c in cases() if only in f"{c.group}: {c.name}"]
    lines = run(selected, scorer, "-v" in argv)
    if "--write" in argv:
        write_results(lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
