"""What a test needs from the machine (Java for the local Neo4j, Debian's chromium), and the one rule for
when it is missing: skip here, with the reason, but fail under CI (``CI`` set), where everything must run."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import pytest

CHROMIUM = os.environ.get("PORTERO_CHROMIUM", "/usr/bin/chromium")


def unavailable(reason: str) -> NoReturn:
    """Skip the test because of ``reason``; under CI, fail with it instead."""
    if os.environ.get("CI"):
        pytest.fail(f"CI needs this, but: {reason}")
    pytest.skip(reason)


def java() -> str:
    """The ``java`` the local Neo4j runs on, or :func:`unavailable`."""
    found = shutil.which("java")
    if not found:
        unavailable("java is not on PATH: the local Neo4j needs Java 17 (openjdk-17-jre-headless)")
    return found


def chromium() -> str:
    """Debian's chromium executable, or :func:`unavailable`."""
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not found:
        unavailable(f"Debian chromium is not installed (looked at {CHROMIUM} and on PATH)")
    return found
