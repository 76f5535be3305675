"""CSV files in the layout ``neo4j-admin database import full`` reads, written into one folder.

One nodes file per ontology label (``nodes_Person.csv``: ``id:ID,name,aliases:string[],...,:LABEL``) and
one relationships file per type (``relationships_LEADS.csv``: ``:START_ID,:END_ID,:TYPE,key,...``).
Array columns use ``;`` between items; numbers and booleans are typed (``:long``, ``:double``,
``:boolean``); properties are those the Neo4j sink writes (:mod:`.neo4j_shape`). neo4j-admin cannot
escape its array delimiter, so a ``;`` inside a list item (an evidence sentence, say) is written as the
full-width semicolon ``；`` (U+FF1B) and counted in the returned notes. The folder also gets
``neo4j-admin-import.sh``, the exact import command for the files written, run from inside the folder.

>>> header_for("a", ("string", True)), header_for("n", ("boolean", False)), header_for("x", ("string", 0))
('a:string[]', 'n:boolean', 'x')
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from .common import kind_of
from .neo4j_shape import neo4j_properties, node_labels, relationship_properties

ARRAY_DELIMITER = ";"
DELIMITER_STAND_IN = "\uff1b"  # full-width semicolon: reads the same, is not the delimiter
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_]+")
Kind = tuple[str, bool]  # (element kind, is array)


def header_for(name: str, kind: Kind) -> str:
    """The header cell of a property column of ``kind``."""
    base, is_array = kind
    if base == "string" and not is_array:
        return name
    return f"{name}:{base}{'[]' if is_array else ''}"


def _kinds(rows: Iterable[dict[str, Any]]) -> dict[str, Kind]:
    """One (kind, is_array) per column; numbers widen to double, any other disagreement to string."""
    found: dict[str, Kind] = {}
    for row in rows:
        for key, value in row.items():
            is_array = isinstance(value, list)
            items = value if is_array else [value]
            for item in items:
                kind = kind_of(item)
                seen = found.get(key)
                if seen is None:
                    found[key] = (kind, is_array)
                    continue
                base = seen[0] if seen[0] == kind else (
                    "double" if {seen[0], kind} == {"long", "double"} else "string")
                found[key] = (base, seen[1] or is_array)
    return found


def _cell(value: Any, kind: Kind, replaced: list[int]) -> str:
    if value is None:
        return ""
    base, is_array = kind

    def one(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if base == "double" and isinstance(v, int):
            return str(float(v))
        return str(v)

    if not is_array:
        return one(value)
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = one(item)
        if ARRAY_DELIMITER in text:
            replaced[0] += 1
            text = text.replace(ARRAY_DELIMITER, DELIMITER_STAND_IN)
        out.append(text)
    return ARRAY_DELIMITER.join(out)


def _file_part(name: str) -> str:
    return _SAFE_NAME.sub("_", name) or "unnamed"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> bool:
    """Write one CSV; return whether any cell holds a line break (the import then needs multiline)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return any("\n" in c or "\r" in c for row in rows for c in row)


def import_command(node_files: list[str], rel_files: list[str], *, multiline: bool = False,
                   database: str = "neo4j") -> str:
    """The ``neo4j-admin`` command that imports the files (paths relative to the export folder).

    The database name comes right after ``full``: since Neo4j 5.19 a name after the repeatable ``--nodes``
    and ``--relationships`` options is read as one more file.

    >>> print(import_command(["nodes_Person.csv"], ["relationships_LEADS.csv"]))
    neo4j-admin database import full neo4j --nodes=nodes_Person.csv --relationships=relationships_LEADS.csv \
--array-delimiter=";"
    """
    parts = ["neo4j-admin database import full", database]
    parts += [f"--nodes={f}" for f in node_files]
    parts += [f"--relationships={f}" for f in rel_files]
    parts.append('--array-delimiter=";"')
    if multiline:
        parts.append("--multiline-fields=true")
    return " ".join(parts)


def write_neo4j_csv(g: nx.MultiDiGraph, folder: Path) -> dict[str, Any]:
    """Write the import CSVs of ``g`` into ``folder`` (created if needed).

    Returns ``{"files": [...], "command": str, "notes": [...]}``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    replaced = [0]  # list items whose ';' had to be replaced
    nodes_by_label: dict[str, list[tuple[str, dict[str, Any], list[str]]]] = defaultdict(list)
    for n, d in g.nodes(data=True):
        labels = node_labels(d)
        nodes_by_label[labels[0]].append((str(n), neo4j_properties(d), labels))
    rels_by_type: dict[str, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)
    for u, v, k, d in g.edges(keys=True, data=True):
        rel = str(d.get("type") or "RELATED")
        rels_by_type[rel].append((str(u), str(v), relationship_properties(str(k), d)))

    multiline = False
    node_files, rel_files = [], []
    for label in sorted(nodes_by_label):
        items = nodes_by_label[label]
        kinds = _kinds(props for _, props, _ in items)
        # ``id:ID`` stores the id as property ``id``; name first, then the rest in a stable order.
        cols = sorted(kinds, key=lambda c: (c != "name", c))
        header = ["id:ID", *(header_for(c, kinds[c]) for c in cols), ":LABEL"]
        rows = [[nid, *(_cell(props.get(c), kinds[c], replaced) for c in cols), ARRAY_DELIMITER.join(labels)]
                for nid, props, labels in items]
        name = f"nodes_{_file_part(label)}.csv"
        multiline |= _write(folder / name, header, rows)
        node_files.append(name)
    for rel in sorted(rels_by_type):
        items = rels_by_type[rel]
        kinds = _kinds(props for _, _, props in items)
        cols = sorted(kinds, key=lambda c: (c != "key", c))
        header = [":START_ID", ":END_ID", ":TYPE", *(header_for(c, kinds[c]) for c in cols)]
        rows = [[u, v, rel, *(_cell(props.get(c), kinds[c], replaced) for c in cols)]
                for u, v, props in items]
        name = f"relationships_{_file_part(rel)}.csv"
        multiline |= _write(folder / name, header, rows)
        rel_files.append(name)

    notes = [f"{replaced[0]} list item(s) held ';', the array delimiter; written with '；' (U+FF1B) instead"
             ] if replaced[0] else []
    command = import_command(node_files, rel_files, multiline=multiline)
    script = folder / "neo4j-admin-import.sh"
    script.write_text("#!/bin/sh\n# Import these files into a new or stopped database (see the README).\n"
                      f"set -e\ncd \"$(dirname \"$0\")\"\n{command}\n", encoding="utf-8")
    return {"files": [*node_files, *rel_files, script.name], "command": command, "notes": notes}
