"""``portero neo4j start|stop|status``: the local Neo4j server (nothing to do for a remote NEO4J_URI)."""

from __future__ import annotations

import argparse

from ..settings import Settings
from .common import CommandError

STATUS_STOPPED = 3  # `portero neo4j status` of a stopped local server, as `service ... status` (LSB)


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("neo4j", help="start, stop or inspect the local Neo4j server",
                         epilog="status exits 0 when the local server answers, 3 when it is stopped and 1 when "
                                "it runs but does not answer")
    p.add_argument("action", choices=("start", "stop", "status"))


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Start, stop or report on the server; ``status`` exits 0 (answering), 3 (stopped) or 1 (not answering)."""
    from ..neo4j_server import Neo4jServerError, start, stop

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
            return _status(settings)
    except Neo4jServerError as exc:
        raise CommandError(str(exc)) from None
    return 0


def _status(settings: Settings) -> int:
    from ..neo4j_server import status

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
    return 0
