"""What every verb of the command line shares: the one-line failure, the store choice, dates."""

from __future__ import annotations

import os
import sys

from ..neo4j_connection import one_line
from ..settings import STORE_KINDS, Settings

PROG = "portero"


class CommandError(Exception):
    """An expected failure of a command; its message is the one line printed after ``portero:``."""


def say(message: str, settings: Settings | None = None) -> None:
    """``portero: message`` on one line of stderr (control characters escaped), never the password."""
    secret = settings.neo4j_password if settings is not None else os.environ.get("NEO4J_PASSWORD", "")
    print(f"{PROG}: {one_line(message, secret or '')}", file=sys.stderr)


def store_kind(choice: str | None, settings: Settings) -> str:
    """The store a verb reads or writes: its ``--to``/``--from``, else ``PORTERO_STORE_KIND``."""
    kind = choice or settings.store
    if kind not in STORE_KINDS:
        raise CommandError(f"PORTERO_STORE_KIND={kind!r} must be {' or '.join(STORE_KINDS)}")
    return kind


def published(value: str | None) -> str | None:
    """A ``--published`` date as the articles keep it (``YYYY-MM-DD``), or None when not given."""
    from ..articles import ArticleError, normalise_published

    if value is None:
        return None
    try:
        return normalise_published(value, "--published")
    except ArticleError as exc:
        raise CommandError(str(exc)) from None
