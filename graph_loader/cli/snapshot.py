"""``portero snapshot [--focus NAME] [--hops N] --format html|png|svg -o FILE``: a picture of the graph.

The graph is read from the embedded store (or ``--from neo4j``); at most ``PORTERO_VIEW_CAP`` nodes are
drawn, and hubs (``PORTERO_HUB_DEGREE``) are not gone through.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..settings import STORE_KINDS, Settings
from ..snapshot import FORMATS
from ..store import MAX_HOPS
from .common import CommandError, store_kind


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("snapshot", help="draw the graph (or a neighbourhood) as a web page or an image")
    p.add_argument("--focus", metavar="NAME", help="draw the neighbourhood of this actor")
    p.add_argument("--hops", type=int, default=None, metavar="N", help="neighbourhood depth around --focus")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--from", dest="source", choices=STORE_KINDS, default=None,
                   help="read the graph from (default: PORTERO_STORE_KIND, i.e. embedded)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Write the snapshot; one summary line, notes on what was left out; 1 on failure."""
    from ..snapshot import SnapshotError, make_snapshot, write_snapshot
    from ..store import StoreError, open_kind

    if args.hops is not None and args.hops < 0:
        raise CommandError(f"--hops {args.hops}: must be 0 or more")
    if args.hops is not None and args.hops > MAX_HOPS:  # as far as the app's views go
        raise CommandError(f"--hops {args.hops}: at most {MAX_HOPS}")
    source = store_kind(args.source, settings)
    output = Path(args.output)
    fmt = args.format
    try:
        store = open_kind(source, settings)  # its own neighbourhood, as the Snapshot page draws it
        try:
            data, sub = make_snapshot(store, fmt, focus=args.focus, hops=args.hops, cap=settings.view_cap,
                                      hub=settings.hub_degree)
        finally:
            store.close()
        write_snapshot(output, data)
    except (StoreError, SnapshotError) as exc:
        print(f"portero snapshot: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"portero snapshot: {exc.filename or output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"Wrote a {fmt} snapshot of {sub.number_of_nodes()} nodes and {sub.number_of_edges()} "
          f"relationships from {len(sub.graph.get('sources') or [])} articles to {output}")
    if sub.graph.get("hubs"):
        hubs = sub.graph["hubs"]
        print(f"note: drawn but not gone through, having over {settings.hub_degree} relationships "
              f"(PORTERO_HUB_DEGREE): {', '.join(hubs[:5])}{' ...' if len(hubs) > 5 else ''}", file=sys.stderr)
    if sub.graph.get("left_out"):
        print(f"note: {sub.graph['left_out']} more nodes were left out (PORTERO_VIEW_CAP); "
              "use --focus NAME to draw a part of the graph", file=sys.stderr)
    return 0
