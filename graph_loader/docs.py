"""Documentation sections generated from the single sources of truth (settings table, ontology, queries).

``python -m graph_loader.docs`` rewrites the marked sections of README.md and of the pages in ``docs/``;
``tests/test_docs.py`` fails when any of them has drifted.
"""

from __future__ import annotations

import re
from pathlib import Path

from .ontology import load_ontology
from .settings import SETTINGS

README = Path(__file__).resolve().parent.parent / "README.md"
DOCS = README.parent / "docs"


def pages() -> list[Path]:
    """The README and every page of ``docs/``."""
    return [README, *sorted(DOCS.glob("*.md"))]


def settings_table() -> str:
    rows = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = s.default if s.default != "" else "(empty)"
        rows.append(f"| `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows)


def data_model() -> str:
    o = load_ontology()
    nodes = ["| Label | What it is | Colour |", "|---|---|---|"]
    nodes += [f"| `{label}` | {n.description} | `{n.colour}` |" for label, n in o.nodes.items()]
    events = ["Event types (an event carries `Event` plus one of these labels):", "",
              "| Type | What happened | Colour |", "|---|---|---|"]
    events += [f"| `{e}` | {d} | `{o.event_colour(e)}` |" for e, d in o.event_types.items()]
    rels = ["| Type | From → To | Properties | Meaning |", "|---|---|---|---|"]
    rels += [f"| `{r.name}` | {', '.join(r.sources)} → {', '.join(r.targets)} | "
             f"{', '.join(r.properties) or '—'} | {r.description} |" for r in o.relationships.values()]
    return "\n".join(nodes) + "\n\n" + "\n".join(events) + "\n\n" + "\n".join(rels)


def queries_table() -> str:
    from .cypher_library import markdown_table

    return markdown_table()


SECTIONS = {"settings": settings_table, "data-model": data_model, "queries": queries_table}


def render(text: str) -> str:
    """Replace every ``<!-- begin:NAME -->...<!-- end:NAME -->`` block with its generated content."""
    for name, fn in SECTIONS.items():
        pattern = re.compile(rf"(<!-- begin:{name} -->\n).*?(<!-- end:{name} -->)", re.S)
        text = pattern.sub(lambda m, fn=fn: m.group(1) + fn() + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    for page in pages():
        page.write_text(render(page.read_text(encoding="utf-8")), encoding="utf-8")
