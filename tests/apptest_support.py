"""What the AppTest suites share: the app's entry point, a run that fails on any exception, the page text,
and pointing the app at a store through its settings."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph_loader.settings import Settings
from graph_loader.store import Filters

APP = Path(__file__).resolve().parent.parent / "app" / "main.py"
# Every setting the app reads that a test may change; each test starts without them.
APP_ENV = ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE", "PORTERO_STORE_KIND",
           "PORTERO_STORE", "PORTERO_VIEW_CAP", "PORTERO_QUERY_TIMEOUT", "PORTERO_ROW_CAP")
NO_ARTICLES = Filters(labels=("Person", "Agency", "Country", "Administration", "Organization", "Initiative",
                              "Law", "Place", "Event", "Claim"))
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error")


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def run_app(page: str | None = None, timeout: float = 120, **params: str) -> AppTest:
    """Run the app (optionally switched to ``page``) with query parameters; fail on any exception."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def text_of(at: AppTest, code: bool = False) -> str:
    """Everything written as Markdown, titles, captions and notices (and code blocks), one string."""
    kinds = TEXT_KINDS + (("code",) if code else ())
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def point_at_neo4j(env: pytest.MonkeyPatch, settings: Settings, no_store: Path) -> None:
    """The app reads Neo4j only: its settings name the server and a store file that does not exist."""
    env.setenv("PORTERO_STORE_KIND", "neo4j")
    env.setenv("NEO4J_URI", settings.neo4j_uri)
    env.setenv("NEO4J_DATABASE", settings.neo4j_database)
    if settings.neo4j_auth:
        env.setenv("NEO4J_USERNAME", settings.neo4j_auth[0])
        env.setenv("NEO4J_PASSWORD", settings.neo4j_auth[1])
    env.setenv("PORTERO_STORE", str(no_store))
