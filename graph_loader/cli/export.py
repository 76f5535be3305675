"""``portero export --format FORMAT -o PATH [--from embedded|neo4j]``: the graph in another tool's format."""

from __future__ import annotations

import argparse
import sys

from ..exporters import FORMATS, ExportError, export_graph, load_graph
from ..settings import STORE_KINDS, Settings
from .common import store_kind


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("export", help="write the graph as GraphML, GEXF, JSON, neo4j-admin CSV or Cypher")
    p.add_argument("--format", required=True, choices=tuple(FORMATS))
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.add_argument("--from", dest="source", choices=STORE_KINDS, default=None,
                   help="read the graph from (default: PORTERO_STORE_KIND, i.e. embedded)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """One summary line (and any notes) on success, one line naming the file or server and the problem on
    failure (exit 1)."""
    source = store_kind(args.source, settings)
    try:
        g = load_graph(source, settings)
        result = export_graph(g, args.format, args.output)
    except ExportError as exc:
        print(f"portero export: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a folder that cannot be written, a full disk
        print(f"portero export: {exc.filename or args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    where = result["path"]
    files = f" ({len(result['files'])} files)" if FORMATS[args.format].target == "folder" else ""
    print(f"Exported {result['nodes']} nodes and {result['relationships']} relationships from {source} "
          f"as {args.format} to {where}{files}")
    if result["nodes"] == 0:
        print("note: the graph is empty; load articles first with `portero load PATH`", file=sys.stderr)
    if "command" in result:
        print(f"Import with (in {where}, into a stopped, empty database): {result['command']}")
    for note in result["notes"]:
        print(f"note: {note}", file=sys.stderr)
    return 0
