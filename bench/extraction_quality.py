"""Extraction quality: the shared scorer on the seed article and on the project's own eval articles.

Run: python bench/extraction_quality.py   (skips when ../shared/eval/score.py is absent)
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from graph_loader.articles import read_article  # noqa: E402
from graph_loader.extract import extract_article  # noqa: E402


def _scorer():
    path = SHARED / "eval" / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("portero_score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cases() -> list[tuple[str, Path, Path, str | None]]:
    out = []
    seed = SHARED / "seed" / "portero-elpais-2025-08.txt"
    if seed.exists():
        out.append(("seed (EL PAÍS 2025-08)", seed, SHARED / "eval" / "seed_gold.json", "2025-08-19"))
    for gold in sorted((ROOT / "sample_data" / "eval").glob("*.gold.json")):
        out.append((gold.name.removesuffix(".gold.json"), gold.with_name(gold.name.replace(".gold.json", ".md")),
                    gold, None))
    return out


def main() -> int:
    scorer = _scorer()
    if scorer is None:
        print("skipped: ../shared/eval/score.py is not present")
        return 0
    parts = ("entities", "entities_typed", "events", "relations", "claims")
    print(f"{'article':34s} " + " ".join(f"{p[:10]:>10s}" for p in parts) + "  dups")
    for name, article, gold, published in cases():
        pred = extract_article(read_article(article, published)).to_json()
        res = scorer.score(json.loads(gold.read_text(encoding="utf-8")), pred)
        print(f"{name:34s} " + " ".join(f"{res[p][2]:10.2f}" for p in parts) + f"  {res['duplicates']:4d}")
        if "-v" in sys.argv:
            for part, miss in res["_missed"].items():
                if miss:
                    print(f"    missed {part}: " + "; ".join(miss))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
