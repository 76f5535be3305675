"""What every verb of the command line shares: the one-line failure, the store choice, dates."""

from __future__ import annotations

import os
import re
import sys

from ..settings import STORE_KINDS, Settings

PROG = "portero"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class CommandError(Exception):
    """An expected failure of a command; its message is the one line printed after ``portero:``."""


def one_line(message: str) -> str:
    """``message`` as one terminal line: whitespace runs become one space, other control characters (a
    terminal escape sequence in a query or a file name) are shown escaped, never sent to the terminal.

    >>> one_line("bad\\nname\\x1b[2J  here")
    'bad name\\\\x1b[2J here'
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", " ".join(str(message).split()))


def say(message: str, settings: Settings | None = None) -> None:
    """``portero: message`` on one line of stderr, never the password."""
    text = one_line(message)
    secret = settings.neo4j_password if settings is not None else os.environ.get("NEO4J_PASSWORD", "")
    if secret:
        text = text.replace(secret, "***")
    print(f"{PROG}: {text}", file=sys.stderr)


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
