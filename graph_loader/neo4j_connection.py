"""The one way to reach Neo4j: a driver built with the settings' timeouts, a connection checked at once, and
every failure told in one line that names the server, never the password.

Every caller (``portero load``, ``export --from neo4j``, ``query``, ``neo4j status``, the app's store and
its Cypher console) builds its driver here, so a timeout or a message is changed in one place.

>>> one_line("Neo4j at bolt://h:7687\\n  refused s3cret\\x1b[2J", secret="s3cret")
'Neo4j at bolt://h:7687 refused ***\\\\x1b[2J'
>>> one_line("a" * 10, limit=5)
'aaaa…'
"""

from __future__ import annotations

import re
from typing import Any

from .settings import Settings

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class Neo4jConnectError(RuntimeError):
    """Neo4j cannot be used; ``str()`` is one line naming the URI. ``kind`` says why: ``uri`` (the address
    is not usable), ``auth`` (credentials refused), ``unreachable`` or ``error`` (the server said no);
    ``cause`` is the driver's exception."""

    def __init__(self, message: str, kind: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.cause = cause


def one_line(text: object, secret: str = "", limit: int = 0) -> str:
    """``text`` as one terminal line: whitespace runs become one space, ``secret`` (a password) becomes
    ``***``, other control characters (an escape sequence in a query or a file name) are shown escaped,
    never sent to the terminal; cut to ``limit`` characters when given."""
    s = " ".join(str(text).split())
    if secret:
        s = s.replace(secret, "***")
    s = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", s)
    return s if not limit or len(s) <= limit else s[:limit - 1] + "…"


def masked(text: object, settings: Settings | None) -> str:
    """:func:`one_line` with the configured password masked.

    >>> from graph_loader.settings import load_settings
    >>> masked("auth with pw123 failed", load_settings({"NEO4J_PASSWORD": "pw123"}))
    'auth with *** failed'
    """
    return one_line(text, (settings.neo4j_password or "") if settings is not None else "")


_DRIVER_ADDRESS = re.compile(r"IPv[46]Address\(\('([^']*)', (\d+)\)\)")
_RESOLVED = re.compile(r"\s*\(Resolved[^()]*\(\([^()]*\)\)\)")


def reason(exc: BaseException) -> str:
    """An exception as a short reason: its kind and its first sentence, in words, not the driver's
    internals (addresses resolved, "defunct connection").

    >>> reason(OSError("Couldn't connect to 127.0.0.1:7691 (resolved to ('127.0.0.1:7691',)): Failed to x"))
    "OSError: Couldn't connect to 127.0.0.1:7691"
    >>> from neo4j.exceptions import IncompleteCommit, SessionExpired
    >>> reason(IncompleteCommit("Failed to read from defunct connection IPv4Address(('127.0.0.1', 7691)) "
    ...                         "(ResolvedIPv4Address(('127.0.0.1', 7691)))"))
    'IncompleteCommit: the connection was lost during a commit, which may or may not have landed'
    >>> reason(SessionExpired("Failed to read from defunct connection IPv4Address(('127.0.0.1', 7691))"))
    'SessionExpired: the connection to 127.0.0.1:7691 was lost'
    """
    from neo4j.exceptions import IncompleteCommit, Neo4jError

    kind = type(exc).__name__
    if isinstance(exc, IncompleteCommit):
        return f"{kind}: the connection was lost during a commit, which may or may not have landed"
    # A server error's str() starts with "{code: ...} {message: ...}": its message alone says what happened.
    # (Only a server error's: on the driver's own errors ``message`` is a preview feature that warns.)
    said = (exc.message if isinstance(exc, Neo4jError) else None) or str(exc)
    said = _DRIVER_ADDRESS.sub(r"\1:\2", _RESOLVED.sub("", said))
    said = re.sub(r"Failed to (?:read from|write data to) defunct connection (\S+)",
                  r"the connection to \1 was lost", said)
    text = re.sub(r"\s*\(resolved to .*?\)\)", "", " ".join(said.split()))
    first = re.split(r"(?<=[.:])\s", text, maxsplit=1)[0].rstrip(":.")
    return one_line(f"{kind}: {first}", limit=160)


def driver(settings: Settings, *, connect_timeout: float | None = None, pool_size: int | None = None) -> Any:
    """A driver for the configured Neo4j (not yet connected: see :func:`connect`); the caller closes it.

    It waits ``connect_timeout`` (default ``PORTERO_NEO4J_CONNECT_TIMEOUT``) for a connection and retries
    a failed transaction for ``PORTERO_MAX_RETRY_TIME`` seconds. A malformed address raises
    :class:`Neo4jConnectError` (kind ``uri``).

    >>> from graph_loader.settings import load_settings
    >>> driver(load_settings({"NEO4J_URI": "htp://nowhere"}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graph_loader.neo4j_connection.Neo4jConnectError: Neo4j URI htp://nowhere is not valid: URI scheme 'htp' ...
    """
    from neo4j import GraphDatabase
    from neo4j.exceptions import ConfigurationError

    options: dict[str, Any] = {
        "connection_timeout": settings.neo4j_connect_timeout if connect_timeout is None else connect_timeout,
        "max_transaction_retry_time": settings.max_retry_time,
    }
    if pool_size:
        options["max_connection_pool_size"] = pool_size
    try:
        return GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth, **options)
    except (ConfigurationError, ValueError) as exc:
        raise Neo4jConnectError(masked(f"Neo4j URI {settings.neo4j_uri} is not valid: {exc}", settings), "uri",
                                exc) from None


def connect(settings: Settings, *, connect_timeout: float | None = None, pool_size: int | None = None) -> Any:
    """A driver that has reached the server (``verify_connectivity``), or :class:`Neo4jConnectError` in
    one line naming the URI: unreachable (with how to start the local server), credentials refused, or
    the server's own message. The caller closes the driver."""
    from neo4j.exceptions import AuthError, DriverError, Neo4jError

    d = driver(settings, connect_timeout=connect_timeout, pool_size=pool_size)
    uri = settings.neo4j_uri
    try:
        d.verify_connectivity()
    except AuthError as exc:
        d.close()
        raise Neo4jConnectError(f"Neo4j at {uri} refused the credentials of user {settings.neo4j_username!r} "
                                "(check NEO4J_USERNAME and NEO4J_PASSWORD)", "auth", exc) from None
    except (DriverError, OSError) as exc:  # ServiceUnavailable and the other ways of not getting through
        d.close()
        hint = "; start it with `portero neo4j start`" if settings.neo4j_is_local else ""
        why = re.search(r"\(reason ([^()]*)\)", str(exc))  # the driver's text wraps the OS's reason
        raise Neo4jConnectError(masked(f"Neo4j at {uri} is unreachable: {why.group(1) if why else exc}", settings)
                                + hint, "unreachable", exc) from None
    except Neo4jError as exc:
        d.close()
        raise Neo4jConnectError(masked(f"Neo4j at {uri}: {exc.message or exc}", settings), "error", exc) from None
    except BaseException:
        d.close()
        raise
    return d
