"""A bulk first load: ``portero load --bulk PATH...`` fills an EMPTY local Neo4j with ``neo4j-admin``.

``neo4j-admin database import full`` writes the store files directly, with no transactions: the fastest way
into a new database, and the way Neo4j's own documentation gives for a first load of a large graph. So:

1. the local server (``portero neo4j start``; never a remote ``NEO4J_URI``) must be running and its
   database empty, or the load is refused in one line before any extraction;
2. the articles are extracted as ``portero load`` extracts them (worker processes, or ``--cluster``) and
   merged into one graph, the one ``portero load`` would have written;
3. the graph is written as ``portero export --format csv`` writes it (with its ``neo4j-admin-import.sh``),
   into a folder under the Portero home that is removed once imported;
4. the server is stopped, :func:`graph_loader.neo4j_server.admin_import` runs the import with the server's
   own jars (replacing the empty database), the server is started again and the schema created
   (constraints and indexes of ``cypher/schema.cypher``).

What the CSV format cannot say is not said (an empty list is no property; see
``graph_loader/exporters/neo4j_csv.py``); node ids, labels, relationships and counts are those of
``portero load``. Later loads into that database use ``portero load --to neo4j`` as usual.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .graph import new_graph
from .loader import LoadError, LoadReport, connect_neo4j, extraction_on, merge_all_into
from .neo4j_queries import COUNT_NODES, COUNT_RELATIONSHIPS
from .settings import Settings


def _count(driver: Any, cypher: str, database: str) -> int:
    return driver.execute_query(cypher, database_=database).records[0]["n"]


def check_empty_local(settings: Settings) -> None:
    """:class:`LoadError` in one line unless the local server runs and its database holds no node."""
    from .neo4j_server import local_running

    if not settings.neo4j_is_local:
        raise LoadError(f"--bulk writes the local server's files with neo4j-admin, and NEO4J_URI names another "
                        f"server ({settings.neo4j_uri}): use portero load --to neo4j")
    if not local_running(settings):
        raise LoadError(f"the local Neo4j ({settings.neo4j_data_path}) is not running: start it with "
                        "`portero neo4j start` (--bulk checks that it is empty, then stops and restarts it)")
    driver = connect_neo4j(settings)
    try:
        nodes = _count(driver, COUNT_NODES, settings.neo4j_database)
    finally:
        driver.close()
    if nodes:
        raise LoadError(f"the database at {settings.neo4j_uri} is not empty ({nodes} nodes): --bulk is for a "
                        "first load only; use portero load --to neo4j to add to it")


def _graph(articles: list, report: LoadReport, settings: Settings, progress: bool, nlp: Any,
           cluster: Any) -> Any:
    """The articles merged into one graph, as ``portero load`` merges them (failures noted in ``report``)."""
    g = new_graph()
    with extraction_on(cluster, settings, report) as extract:
        merge_all_into(g, articles, report, settings, progress, nlp, extract, "a bulk import")
    return g


def bulk_load(paths: Iterable[str | Path], settings: Settings, progress: bool = True,
              published: str | None = None, nlp: Any = None, cluster: Any = None) -> LoadReport:
    """Load the articles at ``paths`` into the empty local Neo4j with ``neo4j-admin database import full``.

    Returns the :class:`LoadReport` of ``portero load``; raises :class:`LoadError` in one line when the
    server is not the local one, is not running or is not empty (before any extraction), or when the
    import fails (then the server is started again on what the importer left, and the CSV folder kept).
    """
    from neo4j.exceptions import DriverError, Neo4jError

    from . import neo4j_server
    from .exporters import export_graph
    from .loader import read_articles
    from .sinks.neo4j import ensure_schema

    check_empty_local(settings)
    articles, failures = read_articles(paths, published)
    report = LoadReport("neo4j", settings.neo4j_uri, failures=failures)
    g = _graph(articles, report, settings, progress, nlp, cluster)
    if not report.articles_loaded:
        return report
    settings.home.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="bulk-import-", dir=settings.home))
    export = export_graph(g, "csv", folder)
    report.notes += export["notes"]
    try:
        neo4j_server.stop(settings)
        neo4j_server.admin_import(settings, folder, overwrite=True)
    except neo4j_server.Neo4jServerError as exc:
        with contextlib.suppress(neo4j_server.Neo4jServerError):
            neo4j_server.start(settings)
        raise LoadError(f"{exc} (the CSV files are kept in {folder})") from None
    shutil.rmtree(folder, ignore_errors=True)
    try:
        neo4j_server.start(settings)
    except neo4j_server.Neo4jServerError as exc:
        raise LoadError(f"the import is done, but the local Neo4j did not start again: {exc}") from None
    driver = connect_neo4j(settings)
    try:
        db = settings.neo4j_database
        try:
            ensure_schema(driver, db)
            report.total_nodes = _count(driver, COUNT_NODES, db)
            report.total_edges = _count(driver, COUNT_RELATIONSHIPS, db)
        except (Neo4jError, DriverError) as exc:
            raise LoadError(f"the import is done, but the schema could not be created: {exc}") from None
    finally:
        driver.close()
    report.nodes_added = Counter(d.get("label", "?") for _, d in g.nodes(data=True))
    report.edges_added = Counter(d.get("type", "?") for _, _, d in g.edges(data=True))
    return report
