"""``portero load PATH... [--to embedded|neo4j]``: articles into the graph, with a summary at the end."""

from __future__ import annotations

import argparse
import sys

from ..settings import STORE_KINDS, Settings
from .common import PROG, CommandError, published, store_kind


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("load", help="read article files or folders into the graph")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt/.md article files, or folders of them")
    p.add_argument("--to", choices=STORE_KINDS, default=None,
                   help="where to load (default: PORTERO_STORE_KIND, i.e. embedded)")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for every file, overriding the front matter")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="extract on the Dask scheduler at ADDRESS (tcp://HOST:8786), or on a local Dask "
                        "cluster of N worker processes (local:N); needs the cluster extra")
    p.add_argument("--bulk", action="store_true",
                   help="first load into an EMPTY local Neo4j with neo4j-admin import (stops and restarts it)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Summary on stdout, one line per failed file on stderr; 1 if any failed."""
    from ..loader import LoadError, load_paths

    to = store_kind(args.to, settings)
    date = published(args.published)
    progress = not args.no_progress and sys.stderr.isatty()
    try:
        if args.bulk:
            from ..bulk_load import bulk_load

            if args.to == "embedded":
                raise CommandError("--bulk loads the local Neo4j: leave out --to embedded")
            report = bulk_load(args.paths, settings, progress, date, cluster=args.cluster)
        else:
            report = load_paths(args.paths, to=to, settings=settings, progress=progress, published=date,
                                cluster=args.cluster)
    except LoadError as exc:
        if exc.report is not None:  # Neo4j went away mid-load: say what did land, and name what did not
            print(exc.report.table())
            for failure in exc.report.failures:
                print(f"{PROG}: {failure}", file=sys.stderr)
        raise CommandError(str(exc)) from None
    print(report.table())
    for failure in report.failures:
        print(f"{PROG}: {failure}", file=sys.stderr)
    return 0 if report.ok else 1
