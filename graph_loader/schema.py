"""The Neo4j schema the ontology implies, and ``cypher/schema.cypher`` generated from it.

The ontology is the source: the loader runs :func:`schema_statements`; the checked-in
``cypher/schema.cypher`` is the same statements with comments, for running by hand
(``cypher-shell -f cypher/schema.cypher``), and a test checks it is current. After changing
``ontology.yaml``, write it again with ``python -m graph_loader.schema``.

>>> schema_statements()[0]
'CREATE CONSTRAINT person_id IF NOT EXISTS FOR (n:Person) REQUIRE n.id IS UNIQUE'
>>> all("IF NOT EXISTS" in s for s in schema_statements())
True
"""

from __future__ import annotations

import sys
from pathlib import Path

from .ontology import Ontology, load_ontology
from .resources import project_dir

SCHEMA_PATH = project_dir("cypher") / "schema.cypher"

_HEADER = """\
// Schema of the Portero Graph in Neo4j 5, generated from graph_loader/ontology.yaml by
// `python -m graph_loader.schema` (do not edit: tests/test_ontology.py checks it is current).
// Every statement is idempotent (IF NOT EXISTS), and `portero load --to neo4j` runs them before writing.
"""


def schema_sections(ontology: Ontology | None = None) -> list[tuple[str, list[str]]]:
    """The schema as ``(comment, statements)`` sections: uniqueness, name look-ups, events, full text."""
    onto = ontology or load_ontology()
    actors = "|".join(onto.actor_labels)
    return [
        ("One node per id: the loader MERGEs on these, so each constraint is also the index the MERGE uses.",
         [f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
          for label in onto.nodes]),
        ("Looking actors up by name (the app's search, the documented queries).",
         [f"CREATE INDEX {label.lower()}_name IF NOT EXISTS FOR (n:{label}) ON (n.name)"
          for label in onto.actor_labels]),
        ("Timelines and filters by kind of event.",
         ["CREATE INDEX event_date IF NOT EXISTS FOR (n:Event) ON (n.date)",
          "CREATE INDEX event_type IF NOT EXISTS FOR (n:Event) ON (n.event_type)"]),
        ("Free-text search over names and aliases of every actor:\n"
         "  CALL db.index.fulltext.queryNodes('actor_names', 'harfuch') YIELD node, score",
         [f"CREATE FULLTEXT INDEX actor_names IF NOT EXISTS FOR (n:{actors}) ON EACH [n.name, n.aliases]"]),
    ]


def schema_statements(ontology: Ontology | None = None) -> list[str]:
    """Every schema statement, in the order they are run."""
    return [s for _comment, statements in schema_sections(ontology) for s in statements]


def schema_cypher(ontology: Ontology | None = None) -> str:
    """The text of ``cypher/schema.cypher``: the statements, each ending in ``;``, under their comments.

    >>> text = schema_cypher()
    >>> text.startswith("// Schema of the Portero Graph") and text.count(";") == len(schema_statements())
    True
    """
    parts = [_HEADER]
    for comment, statements in schema_sections(ontology):
        lines = [f"// {line}" for line in comment.splitlines()]
        parts.append("\n".join(lines + [f"{s};" for s in statements]) + "\n")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Write ``cypher/schema.cypher`` (``--check``: only say whether it is current, exit 1 if not)."""
    args = sys.argv[1:] if argv is None else argv
    path: Path = SCHEMA_PATH
    text = schema_cypher()
    current = path.is_file() and path.read_text(encoding="utf-8") == text
    if "--check" in args:
        print(f"{path}: {'current' if current else 'out of date: run python -m graph_loader.schema'}")
        return 0 if current else 1
    if not current:
        path.write_text(text, encoding="utf-8")
    print(f"{path}: {'unchanged' if current else 'written'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
