"""``portero serve [--port N]``: the Streamlit app on 127.0.0.1, until stopped."""

from __future__ import annotations

import argparse
import contextlib
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from ..settings import Settings
from .common import CommandError

APP_MAIN = Path(__file__).resolve().parent.parent.parent / "app" / "main.py"
DEFAULT_PORT = 8501


def add_parser(verbs: argparse._SubParsersAction) -> None:
    p = verbs.add_parser("serve", help="run the Streamlit app on 127.0.0.1")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")


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


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the app until stopped; exit 0 when stopped by a signal or Ctrl+C."""
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
