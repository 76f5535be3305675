"""Bounds on what one read-only query may cost this process: wall time and bytes received.

Neo4j stops a transaction at its timeout, but only where it checks for it: a parser that overflows its
stack never answers, and a single row holding ``range(1, 10000000)`` arrives as one Bolt message the driver
reads whole before the row cap can count it (1.4 GB and 77 s were measured). So the query runs in a worker
thread that :func:`run_bounded` waits for until a deadline, and the driver's reads in that thread are counted
against a byte budget.

The count hooks ``receive_into_buffer`` of the Python driver's Bolt inbox (``neo4j._sync.io._common``), the one
function through which every byte of an answer passes. It is not public API: :func:`install` reports whether
the hook is in place, and ``tests/test_server_survives.py`` fails when a driver upgrade removes it. Threads
without a budget (every other use of the driver) go straight through.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_local = threading.local()
_install_lock = threading.Lock()
_installed = False


class AnswerTooLarge(OSError):
    """Raised inside the driver's read when the answer passes its byte budget (the driver then drops the
    connection, which is what stops the transfer)."""


class DeadlineExceeded(TimeoutError):
    """The worker did not finish before the deadline; it was abandoned and its connection shut."""


class Budget:
    """What one query may still receive, and the sockets it reads from (to shut them when abandoned)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.received = 0
        self.exceeded = False
        self.abandoned = False
        self._sockets: list[Any] = []
        self._lock = threading.Lock()

    def count(self, sock: Any, n_bytes: int) -> None:
        with self._lock:
            if not any(s is sock for s in self._sockets):
                self._sockets.append(sock)
        if self.abandoned:
            raise AnswerTooLarge("the query was abandoned at its deadline")
        self.received += n_bytes
        if self.received > self.max_bytes:
            self.exceeded = True
            raise AnswerTooLarge(f"the answer passed {self.max_bytes} bytes")

    def abandon(self) -> None:
        """Stop the worker's reads: a blocked ``recv`` returns at once when its socket is shut down."""
        self.abandoned = True
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            raw = getattr(sock, "_socket", sock)
            with contextlib.suppress(OSError, AttributeError):
                raw.shutdown(socket.SHUT_RDWR)


def current() -> Budget | None:
    """The budget of the calling thread (None outside :func:`run_bounded`)."""
    return getattr(_local, "budget", None)


def install() -> bool:
    """Hook the driver's Bolt reads once; False when this driver version has no such function."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        try:
            from neo4j._sync.io import _common
        except ImportError:
            return False
        original = getattr(_common, "receive_into_buffer", None)
        if original is None:
            return False

        def receive_into_buffer(sock: Any, buffer: Any, n_bytes: int) -> Any:
            budget = current()
            if budget is not None:
                budget.count(sock, n_bytes)
            return original(sock, buffer, n_bytes)

        _common.receive_into_buffer = receive_into_buffer
        _installed = True
        return True


def run_bounded(fn: Callable[[], T], *, seconds: float, max_bytes: int) -> T:
    """``fn()`` in a worker thread that may receive ``max_bytes`` from Neo4j and run ``seconds``.

    Raises :class:`DeadlineExceeded` at the deadline (the worker is abandoned: its reads fail and its
    sockets are shut, so it ends soon after); whatever ``fn`` raised otherwise. Inside ``fn``,
    :func:`current` tells whether a driver error came from the byte budget.
    """
    install()
    budget = Budget(max_bytes)
    done = threading.Event()
    box: dict[str, Any] = {}

    def work() -> None:
        _local.budget = budget
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread as is
            box["error"] = exc
        finally:
            _local.budget = None
            done.set()

    threading.Thread(target=work, name="portero-query", daemon=True).start()
    if not done.wait(seconds):
        budget.abandon()
        raise DeadlineExceeded(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]
