"""The ``portero`` command line: one entry point, a verb per task, one module per verb.

Each verb module (:mod:`.load`, :mod:`.extract`, :mod:`.query`, :mod:`.export`, :mod:`.snapshot`,
:mod:`.neo4j`, :mod:`.serve`) adds its parser and runs it; its choices come from the library's registries
(export and snapshot formats, query output formats, store kinds). Expected problems (a bad file, an
unreachable server, a missing store) end with one line ``portero: FILE: problem`` on stderr and a
non-zero exit, never a traceback and never the password. ``portero -v VERB ...`` shows the traceback of
an unexpected error.

>>> args = build_parser().parse_args(["load", "a.md", "folder", "--to", "neo4j"])
>>> args.verb, args.paths, args.to
('load', ['a.md', 'folder'], 'neo4j')
>>> build_parser().parse_args(["export", "--format", "gexf", "-o", "g.gexf"]).source is None
True
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from .. import __version__
from ..settings import Settings, load_settings
from . import export, extract, load, neo4j, query, serve, snapshot
from .common import PROG, CommandError, say

# The verbs in the order `portero --help` lists them.
VERBS: dict[str, ModuleType] = {"neo4j": neo4j, "load": load, "extract": extract, "query": query,
                                "export": export, "snapshot": snapshot, "serve": serve}
COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    name: module.run for name, module in VERBS.items()}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb of the design notes."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Portero Graph: a knowledge graph of actors and institutions built from news.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log progress details, and show the traceback of an unexpected error")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for module in VERBS.values():
        module.add_parser(verbs)
    return parser


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Error types that are the user's input or environment, not a bug: one line, no traceback."""
    from ..articles import ArticleError
    from ..ontology import OntologyError
    from ..sinks.embedded import StoreError

    errors: list[type[BaseException]] = [ArticleError, OntologyError, StoreError, OSError]
    try:
        from neo4j.exceptions import DriverError, Neo4jError

        errors += [Neo4jError, DriverError]
    except ImportError:  # pragma: no cover - the driver is a dependency
        pass
    return tuple(errors)


def _driver_log_to_file(settings: Settings, verbose: bool) -> None:
    """The Neo4j driver's own log ("Transaction failed and will be retried", "defunct connection") goes to
    ``<home>/portero.log``, not to the terminal, where each failure already gets its one line."""
    if verbose:
        return
    log = logging.getLogger("neo4j")
    log.propagate = False
    if not log.handlers:
        try:
            settings.home.mkdir(parents=True, exist_ok=True)
            handler: logging.Handler = logging.FileHandler(settings.home / "portero.log", encoding="utf-8",
                                                           delay=True)
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        except OSError:
            handler = logging.NullHandler()
        log.addHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``portero`` command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format=f"{PROG}: %(message)s", stream=sys.stderr)
    settings: Settings | None = None
    try:
        settings = load_settings()
        _driver_log_to_file(settings, args.verbose)
        return COMMANDS[args.verb](args, settings)
    except CommandError as exc:
        say(str(exc), settings)
        return 1
    except ValueError as exc:  # a malformed setting (e.g. PORTERO_BATCH_SIZE=lots) or input
        if args.verbose:
            raise
        say(str(exc), settings)
        return 1
    except KeyboardInterrupt:
        say("interrupted", settings)
        return 130
    except BrokenPipeError:  # `portero ... | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the final flush at exit does not fail again
        return 1
    except Exception as exc:
        if isinstance(exc, _expected_errors()):
            say(str(exc), settings)
            return 1
        if args.verbose:
            raise
        say(f"unexpected error: {type(exc).__name__}: {exc} (run with -v to see where)", settings)
        return 1
