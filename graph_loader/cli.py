"""The ``portero`` command line: one entry point, a verb per task.

Expected problems (a bad file, an unreachable server, a missing store) end with one line
``portero: FILE: problem`` on stderr and a non-zero exit, never a traceback and never the password.
``portero -v VERB ...`` shows the traceback of an unexpected error.

>>> args = build_parser().parse_args(["load", "a.md", "folder", "--to", "neo4j"])
>>> args.verb, args.paths, args.to
('load', ['a.md', 'folder'], 'neo4j')
>>> build_parser().parse_args(["export", "--format", "gexf", "-o", "g.gexf"]).source is None
True
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .settings import Settings, load_settings

PROG = "portero"
APP_MAIN = Path(__file__).resolve().parent.parent / "app" / "main.py"
DEFAULT_PORT = 8501
STATUS_STOPPED = 3  # `portero neo4j status` of a stopped local server, as `service ... status` (LSB)


class CommandError(Exception):
    """An expected failure of a command; its message is the one line printed after ``portero:``."""


# ------------------------------------------------------------------------------------------ parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every verb of the design notes."""
    parser = argparse.ArgumentParser(
        prog=PROG, description="Portero Graph: a knowledge graph of actors and institutions built from news.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log progress details, and show the traceback of an unexpected error")
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)

    p = verbs.add_parser("neo4j", help="start, stop or inspect the local Neo4j server",
                         epilog="status exits 0 when the local server answers, 3 when it is stopped and 1 when "
                                "it runs but does not answer")
    p.add_argument("action", choices=("start", "stop", "status"))

    p = verbs.add_parser("load", help="read article files or folders into the graph")
    p.add_argument("paths", nargs="+", metavar="PATH", help=".txt/.md article files, or folders of them")
    p.add_argument("--to", choices=("embedded", "neo4j"), default=None,
                   help="where to load (default: PORTERO_STORE_KIND, i.e. embedded)")
    p.add_argument("--published", metavar="YYYY-MM-DD",
                   help="publication date for every file, overriding the front matter")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="extract on the Dask scheduler at ADDRESS (tcp://HOST:8786), or on a local Dask "
                        "cluster of N worker processes (local:N); needs the cluster extra")
    p.add_argument("--bulk", action="store_true",
                   help="first load into an EMPTY local Neo4j with neo4j-admin import (stops and restarts it)")

    p = verbs.add_parser("extract", help="print what is read from one article")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="the extraction in the shared JSON shape")
    p.add_argument("--published", metavar="YYYY-MM-DD", help="publication date, overriding the front matter")

    p = verbs.add_parser("query", help="run a read-only Cypher query (a file, a library name or text)")
    p.add_argument("query", metavar="FILE_OR_CYPHER")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="a query parameter (repeatable)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")

    p = verbs.add_parser("export", help="write the graph as GraphML, GEXF, JSON, neo4j-admin CSV or Cypher")
    p.add_argument("--format", required=True, choices=("graphml", "gexf", "json", "csv", "cypher"))
    p.add_argument("-o", "--output", required=True, metavar="PATH")
    p.add_argument("--from", dest="source", choices=("embedded", "neo4j"), default=None,
                   help="read the graph from (default: PORTERO_STORE_KIND, i.e. embedded)")

    p = verbs.add_parser("snapshot", help="draw the graph (or a neighbourhood) as a web page or an image")
    p.add_argument("--focus", metavar="NAME", help="draw the neighbourhood of this actor")
    p.add_argument("--hops", type=int, default=None, metavar="N", help="neighbourhood depth around --focus")
    p.add_argument("--format", required=True, choices=("html", "png", "svg"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--from", dest="source", choices=("embedded", "neo4j"), default=None,
                   help="read the graph from (default: PORTERO_STORE_KIND, i.e. embedded)")

    p = verbs.add_parser("serve", help="run the Streamlit app on 127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    return parser


# ------------------------------------------------------------------------------------------ verbs


def _store_kind(choice: str | None, settings: Settings) -> str:
    kind = choice or settings.store
    if kind not in ("embedded", "neo4j"):
        raise CommandError(f"PORTERO_STORE_KIND={kind!r} must be embedded or neo4j")
    return kind


def cmd_neo4j(args: argparse.Namespace, settings: Settings) -> int:
    """``portero neo4j start|stop|status``: the local server (nothing to do for a remote NEO4J_URI)."""
    from .neo4j_server import Neo4jServerError, start, status, stop

    try:
        if args.action == "start":
            uri = start(settings)
            where = "" if settings.neo4j_is_local else " (NEO4J_URI names another server: nothing to start)"
            data = f", data in {settings.neo4j_data_path}" if settings.neo4j_is_local else ""
            print(f"Neo4j is running at {uri}{where}{data}")
        elif args.action == "stop":
            stopped = stop(settings)
            print("Stopped the local Neo4j." if stopped else
                  "The local Neo4j was not running." if settings.neo4j_is_local else
                  f"NEO4J_URI names another server ({settings.neo4j_uri}): nothing to stop.")
        else:
            info = status(settings)
            print(f"home: {settings.home}")
            state = ("not managed here (NEO4J_URI)" if not info["local"] else
                     "running" if info["running"] and info["reachable"] else
                     "starting or not answering" if info["running"] else "stopped")
            print(f"uri: {info['uri']}")
            print(f"state: {state}")
            for key in ("pid", "version", "data_dir", "log"):
                if info.get(key) is not None:
                    print(f"{key}: {info[key]}")
            if info["local"] and not info["running"]:
                return STATUS_STOPPED
            if info["local"] and not info["reachable"]:
                return 1
    except Neo4jServerError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _published(value: str | None) -> str | None:
    from .articles import ArticleError, normalise_published

    if value is None:
        return None
    try:
        return normalise_published(value, "--published")
    except ArticleError as exc:
        raise CommandError(str(exc)) from None


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    """``portero load PATH...``: summary on stdout, one line per failed file on stderr, 1 if any failed."""
    from .loader import LoadError, load_paths

    to = _store_kind(args.to, settings)
    published = _published(args.published)
    progress = not args.no_progress and sys.stderr.isatty()
    try:
        if args.bulk:
            from .bulk_load import bulk_load

            if args.to == "embedded":
                raise CommandError("--bulk loads the local Neo4j: leave out --to embedded")
            report = bulk_load(args.paths, settings, progress, published, cluster=args.cluster)
        else:
            report = load_paths(args.paths, to=to, settings=settings, progress=progress, published=published,
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


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    """``portero extract FILE [--json]``: what is read from one article (the raw extraction, no curation)."""
    from .articles import ArticleError, read_article
    from .extract import extract_article, load_nlp
    from .model import language_name

    try:
        article = read_article(args.file, _published(args.published))
    except ArticleError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"{args.file}: {exc.strerror or exc}") from None
    try:
        nlp = load_nlp(settings.spacy_model)
    except (RuntimeError, OSError) as exc:
        raise CommandError(" ".join(str(exc).split())) from None
    ex = extract_article(article, nlp)
    if args.json:
        print(f"{article.path}: read as {language_name(article.language)}", file=sys.stderr)
        print(json.dumps(ex.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{article.path}: {article.title}" + (f" ({article.published})" if article.published else ""))
    print(f"  read as {language_name(article.language)}")
    for e in ex.entities:
        also = f" (also {', '.join(sorted(set(e.aliases)))})" if e.aliases else ""
        print(f"  {e.type:<14} {e.name}{also}")
    for ev in ex.events:
        who = ", ".join(f"{p.entity} [{p.role}]" for p in ev.participants)
        print(f"  event    {ev.type} {ev.date or ''}: {who}")
    for r in ex.relations:
        print(f"  relation {r.source} -{r.type}-> {r.target}")
    for c in ex.claims:
        print(f"  claim    {c.claimant} {c.stance}: {c.claim}")
    for note in ex.notes:
        print(f"  note     {note}")
    return 0


def _delegate(module: str, args: argparse.Namespace, settings: Settings) -> int:
    """Run ``graph_loader.MODULE.run_cli(args, settings)``, imported only when the verb is used."""
    import importlib

    try:
        mod = importlib.import_module(f"graph_loader.{module}")
    except ImportError as exc:
        raise CommandError(f"{args.verb} is not available: {exc}") from None
    return int(mod.run_cli(args, settings) or 0)


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    """``portero query``: handed to :func:`graph_loader.query.run_cli`."""
    return _delegate("query", args, settings)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """``portero export``: handed to :func:`graph_loader.exporters.run_cli`."""
    args.source = _store_kind(args.source, settings)
    return _delegate("exporters", args, settings)


def cmd_snapshot(args: argparse.Namespace, settings: Settings) -> int:
    """``portero snapshot``: handed to :func:`graph_loader.snapshot.run_cli`."""
    if args.hops is not None and args.hops < 0:
        raise CommandError(f"--hops {args.hops}: must be 0 or more")
    args.source = _store_kind(args.source, settings)
    return _delegate("snapshot", args, settings)


def serve_command(port: int, app: Path = APP_MAIN) -> list[str]:
    """The Streamlit command line ``portero serve`` runs (local only, headless, no usage statistics)."""
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal"]


def run_until_stopped(cmd: list[str], cwd: Path, grace: float = 10.0) -> int:
    """Run ``cmd`` in the foreground and return its exit status; never leave it running behind us.

    SIGTERM and SIGHUP sent to ``portero`` are passed on; Ctrl+C reaches both processes from the
    terminal. A child that has not stopped ``grace`` seconds after being asked is killed.
    """
    proc = subprocess.Popen(cmd, cwd=cwd)
    asked: list[float] = []

    def pass_on(signum: int, _frame: Any) -> None:
        if proc.poll() is None:
            proc.send_signal(signum)
        asked.append(time.monotonic())

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError):  # not the main thread: leave the handlers alone
            previous[sig] = signal.signal(sig, pass_on)
    try:
        while True:
            try:
                return proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if asked and time.monotonic() - asked[0] > grace:
                    proc.kill()
            except KeyboardInterrupt:
                asked.append(time.monotonic())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """``portero serve [--port N]``: the Streamlit app on 127.0.0.1, until stopped."""
    if not 1 <= args.port <= 65535:
        raise CommandError(f"--port {args.port}: must be between 1 and 65535")
    if not APP_MAIN.is_file():
        raise CommandError(f"{APP_MAIN}: the app is missing from this installation")
    source = (f"Neo4j at {settings.neo4j_uri}" if str(settings.store).lower() == "neo4j" else
              f"the embedded store {settings.store_path}")
    print(f"Serving the Portero Graph app at http://127.0.0.1:{args.port} (Ctrl+C stops it), "
          f"reading {source}", flush=True)
    try:
        status = run_until_stopped(serve_command(args.port), cwd=APP_MAIN.parent.parent)
    except OSError as exc:
        raise CommandError(f"cannot start Streamlit: {exc.strerror or exc}") from None
    return 0 if status in (0, -signal.SIGTERM, -signal.SIGINT) else status


COMMANDS = {"neo4j": cmd_neo4j, "load": cmd_load, "extract": cmd_extract, "query": cmd_query,
            "export": cmd_export, "snapshot": cmd_snapshot, "serve": cmd_serve}


# ------------------------------------------------------------------------------------------ main


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Error types that are the user's input or environment, not a bug: one line, no traceback."""
    from .articles import ArticleError
    from .ontology import OntologyError
    from .sinks.embedded import StoreError

    errors: list[type[BaseException]] = [ArticleError, OntologyError, StoreError, OSError]
    try:
        from neo4j.exceptions import DriverError, Neo4jError

        errors += [Neo4jError, DriverError]
    except ImportError:  # pragma: no cover - the driver is a dependency
        pass
    return tuple(errors)


def _fail(message: str, settings: Settings | None) -> None:
    text = " ".join(str(message).split())
    secret = settings.neo4j_password if settings is not None else os.environ.get("NEO4J_PASSWORD", "")
    if secret:
        text = text.replace(secret, "***")
    print(f"{PROG}: {text}", file=sys.stderr)


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
        _fail(str(exc), settings)
        return 1
    except ValueError as exc:  # a malformed setting (e.g. PORTERO_BATCH_SIZE=lots) or input
        if args.verbose:
            raise
        _fail(str(exc), settings)
        return 1
    except KeyboardInterrupt:
        _fail("interrupted", settings)
        return 130
    except BrokenPipeError:  # `portero ... | head`: the reader left, nothing to report
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the final flush at exit does not fail again
        return 1
    except Exception as exc:
        if isinstance(exc, _expected_errors()):
            _fail(str(exc), settings)
            return 1
        if args.verbose:
            raise
        _fail(f"unexpected error: {type(exc).__name__}: {exc} (run with -v to see where)", settings)
        return 1
