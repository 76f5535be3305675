"""Load article files into the embedded store or Neo4j: read, extract, correct, merge, write.

Bad input never costs what is already stored. A file that cannot be read (or whose extraction breaks
the ontology) is recorded as a failure "FILE: problem" and the other files still load. The embedded
store is rewritten atomically once, at the end, so the old file stays whole if anything fails; Neo4j
gets whole articles in transactions of about ``PORTERO_TRANSACTION_SIZE`` elements, so an article
lands whole or not at all. When the store cannot be read or Neo4j cannot be reached,
:class:`LoadError` says so in one line, before any extraction.

>>> r = LoadReport("embedded", "graph.json", articles_loaded=1, nodes_added=Counter(Person=2))
>>> r.ok, r.nodes_added["Person"]
(True, 2)
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from .articles import ArticleError, find_article_files, read_article
from .graph import GraphError, add_extraction, new_graph
from .model import Article, Extraction, language_name
from .neo4j_connection import Neo4jConnectError, connect, masked, one_line
from .neo4j_connection import reason as reason_of
from .neo4j_queries import COUNT_NODES, COUNT_RELATIONSHIPS
from .ontology import OntologyError
from .settings import Settings, load_settings

TARGETS = ("embedded", "neo4j")


class LoadError(RuntimeError):
    """The load cannot go on (store unreadable, Neo4j unreachable, no spaCy model); one line, no secrets.

    ``report`` holds what was loaded before the problem, when anything was.
    """

    def __init__(self, message: str, report: LoadReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class LoadReport:
    """What a load did: articles loaded, failures ("FILE: problem"), what was added, extraction notes."""

    target: str
    destination: str
    articles_loaded: int = 0
    loaded: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    nodes_added: Counter = field(default_factory=Counter)
    edges_added: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    total_nodes: int | None = None
    total_edges: int | None = None
    languages: Counter = field(default_factory=Counter)  # the language each read article was extracted in
    retried: list[str] = field(default_factory=list)  # articles extracted again after their worker died
    split_groups: int = 0  # Neo4j transactions found too large for the server's memory, written in halves
    perhaps_written: int = 0  # failed articles whose commit was cut off: they may have landed

    @property
    def ok(self) -> bool:
        return not self.failures

    def table(self) -> str:
        """The summary printed at the end of ``portero load``."""
        where = "the embedded store" if self.target == "embedded" else "Neo4j at"
        tried = self.articles_loaded + len(self.failures)
        lines = [f"Loaded {self.articles_loaded} of {tried} article file(s) into {where} {self.destination}"]
        if self.languages:
            lines.append("  read as " + ", ".join(f"{n} {language_name(code)}"
                                                  for code, n in sorted(self.languages.items())))
        rows = [("nodes", label, n) for label, n in sorted(self.nodes_added.items())]
        rows += [("relationships", rel, n) for rel, n in sorted(self.edges_added.items())]
        if rows:
            w = max(len(r[1]) for r in rows)
            lines.append(f"  {'added':<14}{'label/type':<{w}}  {'count':>6}")
            lines += [f"  {kind:<14}{name:<{w}}  {n:>6}" for kind, name, n in rows]
        elif self.articles_loaded:
            lines.append("  nothing new: every node and relationship was already there")
        if self.total_nodes is not None:
            lines.append(f"The graph now holds {self.total_nodes} nodes and {self.total_edges} relationships.")
        lines += [f"note: {n}" for n in self.notes]
        if self.split_groups:
            lines.append(f"note: {self.split_groups} transaction(s) were too large for Neo4j's transaction memory "
                         "and were written in smaller ones (PORTERO_TRANSACTION_SIZE sets the size to start from)")
        if self.retried:
            lines.append(f"{len(self.retried)} article(s) extracted again after their worker died: "
                         + ", ".join(self.retried))
        if self.failures:
            lines.append(f"{len(self.failures)} file(s) failed (listed on stderr).")
        return "\n".join(lines)


class _Neo4jLost(Exception):
    """Neo4j failed while a transaction group was written: the load stops and says what did not land."""


def _one_line(text: str, secret: str = "") -> str:
    """A failure for the summary: one line, at most 300 characters, the password (if any) masked."""
    return one_line(text, secret, limit=300)


# ----------------------------------------------------------------------------------------- Neo4j


def connect_neo4j(settings: Settings) -> Any:
    """A driver that has reached the server; :class:`LoadError` naming the URI (never the password).

    The caller closes it.
    """
    try:
        return connect(settings)
    except Neo4jConnectError as exc:
        raise LoadError(str(exc)) from None


# ------------------------------------------------------------------------------------ extraction


# The loader's pid while its extraction workers may be forked (None otherwise). A process forked then asks
# Linux to kill it when the loader dies: after `kill -9` of `portero load` its workers were left running,
# adopted by init, about 230 MB each. Set per load, so other forks of this process are left alone.
_WORKER_PARENT: int | None = None
_PR_SET_PDEATHSIG = 1
_LIBC: Any = None  # loaded in the loader, not in a freshly forked child


def _die_with_parent() -> None:
    """In a child forked during extraction: SIGKILL on the loader's death (Linux ``PR_SET_PDEATHSIG``)."""
    parent = _WORKER_PARENT
    if parent is None or _LIBC is None:
        return
    try:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the loader died between the fork and the prctl
        os._exit(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_die_with_parent)


def _extractions(articles: list[Article], nlp: Any,
                 workers: int = 1) -> Iterator[tuple[Article, Extraction | Exception]]:
    """Each article with its extraction, or with the exception its extraction raised.

    Articles are parsed in batches (``nlp.pipe``); if one breaks the batch, the rest are read one by one.
    Worker processes forked meanwhile end with this process, however it ends.
    """
    from .extract import extract_article, extract_articles

    global _WORKER_PARENT, _LIBC
    if _LIBC is None and sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError):
            _LIBC = ctypes.CDLL(None, use_errno=True)
    _WORKER_PARENT = os.getpid()
    try:
        yield from each_extraction(articles, nlp, workers, extract_article, extract_articles)
    finally:
        _WORKER_PARENT = None


def each_extraction(articles: list[Article], nlp: Any, workers: int, extract_article: Callable[..., Extraction],
               extract_articles: Callable[..., Iterator[Extraction]]
               ) -> Iterator[tuple[Article, Extraction | Exception]]:
    """Each article with its extraction from ``extract_articles`` (``workers`` processes), or with the
    exception it raised; after a failure the rest are extracted one by one, so one bug costs one article.
    A cluster's workers call this on their chunks (``graph_loader.cluster``)."""
    it = extract_articles(articles, nlp, n_process=workers)
    for i, article in enumerate(articles):
        try:
            yield article, next(it)
        except StopIteration:
            return
        except Exception as exc:  # an extraction bug costs this article only
            yield article, exc
            for rest in articles[i + 1:]:
                try:
                    yield rest, extract_article(rest, nlp)
                except Exception as exc2:
                    yield rest, exc2
            return


def _curated(article: Article, ex: Extraction) -> Extraction:
    """The extraction with the article's curation overlay applied, when it has one.

    Raises ``CurationError`` naming the overlay file when it cannot be read or applied: loading the
    article without the human corrections would put back what a person took out.
    """
    if not article.path:
        return ex
    from .curation import CurationError, apply_curation, curation_path, read_curation

    try:
        overlay = read_curation(article.path)
        return apply_curation(ex, overlay) if overlay else ex
    except CurationError:
        raise
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise CurationError(f"{curation_path(article.path)}: cannot apply the curation: {exc}") from None


def _notes(article: Article, ex: Extraction) -> list[str]:
    """The extraction's notes, each naming the article's file once."""
    source = article.path or article.id
    notes = [n if n.startswith(f"{source}: ") else f"{source}: {n}" for n in ex.notes]
    if not ex.entities and not any(("no actors" in n or "no entities" in n) for n in notes):
        notes.append(f"{source}: no entities found")
    return notes


# What gives each article its extraction (or the exception it raised), in the order given: this process and
# its worker processes (_local_extractions), or a cluster (graph_loader.cluster.ClusterRun.extractions).
Extractor = Callable[[list[Article]], Iterable[tuple[Article, "Extraction | Exception"]]]


def _local_extractions(articles: list[Article], nlp: Any, settings: Settings
                       ) -> Iterator[tuple[Article, Extraction | Exception]]:
    return _extractions(articles, nlp, _workers(len(articles), settings))


def _workers(n_articles: int, settings: Settings) -> int:
    """Extraction processes: the setting, or one per core when the load is big enough to pay for them."""
    if settings.workers > 0:
        return settings.workers
    return (os.cpu_count() or 1) if n_articles > 16 else 1


def read_articles(paths: Iterable[str | Path], published: str | None = None
                  ) -> tuple[list[Article], list[str]]:
    """The readable articles among ``paths`` (files or folders) and a failure line for each other one."""
    articles: list[Article] = []
    failures: list[str] = []
    seen: set[Path] = set()
    for item in find_article_files(paths):
        if isinstance(item, ArticleError):
            failures.append(str(item))
            continue
        resolved = item.resolve()
        if resolved in seen:  # the same file named twice (a file and its folder)
            continue
        seen.add(resolved)
        try:
            articles.append(read_article(item, published))
        except ArticleError as exc:
            failures.append(str(exc))
        except OSError as exc:  # permissions, a file vanishing while read
            failures.append(f"{item}: {exc.strerror or exc}")
    return articles, failures


# ------------------------------------------------------------------------------------------ load


def load_paths(paths: Iterable[str | Path], to: str = "embedded", settings: Settings | None = None,
               progress: bool = True, published: str | None = None, nlp: Any = None,
               cluster: Any = None) -> LoadReport:
    """Load the articles at ``paths`` (files or folders) into the embedded store or Neo4j.

    With ``cluster`` (a Dask scheduler's address, ``local:N``, or a :class:`graph_loader.cluster.ClusterRun`
    already open) the articles are extracted on that cluster and merged and written here as without it.
    Returns a :class:`LoadReport`; raises :class:`LoadError` when the destination cannot be used (then
    nothing was changed, or, for Neo4j going away mid-load, only whole articles were written).
    """
    settings = settings or load_settings()
    if to not in TARGETS:
        raise LoadError(f"unknown destination {to!r}: choose embedded or neo4j")
    articles, failures = read_articles(paths, published)
    destination = str(settings.store_path) if to == "embedded" else settings.neo4j_uri
    report = LoadReport(to, destination, failures=failures)
    # The cluster is reached before the store is read or Neo4j touched: a bad address costs nothing.
    with extraction_on(cluster, settings, report) as extract:
        load = _load_embedded if to == "embedded" else _load_neo4j
        return load(articles, report, settings, progress, nlp, extract)


@contextlib.contextmanager
def extraction_on(cluster: Any, settings: Settings, report: LoadReport) -> Iterator[Extractor | None]:
    """The extraction of a load: None (this machine's processes) without ``cluster``, else the cluster's
    (see :func:`graph_loader.cluster.extracting_on`), whose articles run again are added to the report.
    A cluster that cannot be used is a :class:`LoadError` in one line."""
    if not cluster:
        yield None
        return
    from .cluster import ClusterError, extracting_on

    with contextlib.ExitStack() as stack:
        try:
            extract = stack.enter_context(extracting_on(cluster, settings.spacy_model, report.retried))
        except ClusterError as exc:
            raise LoadError(str(exc)) from None
        yield extract


def merge_each(articles: list[Article], report: LoadReport, settings: Settings, progress: bool, nlp: Any,
               extract: Extractor | None, where: str, add: Callable[[Article, Extraction], Any]
               ) -> Iterator[tuple[Article, bool]]:
    """Extract each article (in this machine's processes, or with ``extract``: a cluster's), apply its
    curation and merge it with ``add(article, extraction)``; yield it with whether it was merged.

    Every load path reads articles this way (the embedded store, Neo4j's transaction groups, the bulk
    import); a failed extraction, curation or merge is recorded in ``report`` and yields ``False``.
    Progress is shown on stderr as "Loading into <where>".
    """
    if extract is None:
        nlp = _model(nlp, settings) if articles else nlp
        extract = functools.partial(_local_extractions, nlp=nlp, settings=settings)
    with _progress(len(articles), where, progress) as bar:
        for article, result in extract(articles):
            ex = _prepared(article, result, report)
            bar.update(1)
            yield article, ex is not None and _merged(functools.partial(add, article), article, ex, report)


def merge_all_into(g: nx.MultiDiGraph, articles: list[Article], report: LoadReport, settings: Settings,
                   progress: bool, nlp: Any, extract: Extractor | None, where: str) -> None:
    """Merge every article into the one graph ``g`` (:func:`merge_each`), counting those merged as loaded.

    The embedded store and the bulk import both build one graph of the whole load this way.
    """
    for article, merged in merge_each(articles, report, settings, progress, nlp, extract, where,
                                      lambda _article, ex: add_extraction(g, ex)):
        if merged:
            report.articles_loaded += 1
            report.loaded.append(article.path or article.id)


def _model(nlp: Any, settings: Settings) -> Any:
    if nlp is not None:
        return nlp
    from .extract import load_nlp

    try:
        return load_nlp(settings.spacy_model)
    except (RuntimeError, OSError, ImportError) as exc:
        raise LoadError(_one_line(str(exc))) from None


def _progress(total: int, to: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=f"Loading into {to}", unit="article", file=sys.stderr,
                disable=not enabled or total == 0, dynamic_ncols=True)


def _prepared(article: Article, result: Extraction | Exception, report: LoadReport) -> Extraction | None:
    """The extraction with its curation applied, or None after recording why the article failed."""
    from .curation import CurationError

    source = article.path or article.id
    if isinstance(result, Exception):
        report.failures.append(_one_line(f"{source}: extraction failed: {type(result).__name__}: {result}"))
        return None
    try:
        return _curated(article, result)
    except CurationError as exc:
        report.failures.append(_one_line(str(exc)))
        return None


def _merged(add: Callable[[Extraction], Any], article: Article, ex: Extraction, report: LoadReport) -> bool:
    """Whether ``add(ex)`` merged the article into a graph; if it broke the ontology, say why in ``report``.

    ``add`` is ``add_extraction`` on a graph (or a group's ``add``), which adds nothing when it raises.
    """
    try:
        add(ex)
    except (GraphError, OntologyError) as exc:
        source, message = article.path or article.id, str(exc)
        report.failures.append(_one_line(message if message.startswith(source) else f"{source}: {message}"))
        return False
    report.notes += _notes(article, ex)
    report.languages[article.language] += 1
    return True


class TransactionGroup:
    """The articles of the next Neo4j transaction, merged into one graph as they come out of extraction.

    Each article is merged as it comes out of extraction (with worker processes, while they parse the
    next ones), so only the rows and the write are left when the group is full. ``portero load`` writes each group in
    one transaction: one per article would pay a round of statements for a few dozen elements each and
    rewrite a hub's lists every time.

    >>> from graph_loader.model import Article, Extraction
    >>> group = TransactionGroup(size=2)
    >>> group.add("a.md", Extraction(Article("article:a", "")))
    >>> group.full, group.elements
    (False, 1)
    >>> group.add("b.md", Extraction(Article("article:b", "")))
    >>> items, exs, g = group.take()
    >>> items, len(exs), g.number_of_nodes(), group.full, group.items
    (['a.md', 'b.md'], 2, 2, False, [])
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.items: list[Any] = []
        self.extractions: list[Extraction] = []  # kept so that a group too large to write can be split
        self.graph = new_graph()
        self.elements = 0  # nodes plus relationships; networkx would count the edges node by node

    @property
    def full(self) -> bool:
        return self.elements >= self.size

    def add(self, item: Any, ex: Extraction) -> None:
        """Merge ``ex`` into the group and remember ``item`` (what to report it as).

        Raises ``GraphError`` or ``OntologyError`` when the extraction breaks the ontology; the group is
        then unchanged (``add_extraction`` checks everything before it adds anything).
        """
        new = add_extraction(self.graph, ex)
        self.elements += new["nodes"] + new["edges"]
        self.items.append(item)
        self.extractions.append(ex)

    def take(self) -> tuple[list[Any], list[Extraction], nx.MultiDiGraph]:
        """The group's items, their extractions and its graph; the group starts again empty."""
        taken = self.items, self.extractions, self.graph
        self.items, self.extractions, self.graph, self.elements = [], [], new_graph(), 0
        return taken

    @staticmethod
    def halves(items: list[Any], extractions: list[Extraction]
               ) -> list[tuple[list[Any], list[Extraction], nx.MultiDiGraph]]:
        """Two groups of half the articles each, with their graphs (for a transaction the server found too
        large). Merging is order-independent for what is written, so the two halves write the same graph.

        >>> from graph_loader.model import Article, Extraction
        >>> exs = [Extraction(Article(f"article:{i}", "")) for i in range(3)]
        >>> [(items, g.number_of_nodes()) for items, _, g in TransactionGroup.halves(["a", "b", "c"], exs)]
        [(['a'], 1), (['b', 'c'], 2)]
        """
        half = len(items) // 2
        out = []
        for part_items, part_exs in ((items[:half], extractions[:half]), (items[half:], extractions[half:])):
            g = new_graph()
            for ex in part_exs:
                add_extraction(g, ex)
            out.append((part_items, part_exs, g))
        return out


def _load_embedded(articles: list[Article], report: LoadReport, settings: Settings, progress: bool,
                   nlp: Any, extract: Extractor | None = None) -> LoadReport:
    from .sinks.embedded import StoreError, read_store, store_lock, write_store

    path = settings.store_path
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(store_lock(path))  # one load at a time reads, merges and writes the store
        except OSError as exc:
            raise LoadError(f"{path}: cannot lock the store: {exc.strerror or exc}") from None
        try:
            g = read_store(path) if path.exists() else new_graph()
        except StoreError as exc:
            raise LoadError(f"{exc} - it was left untouched; move it away to start a new store") from None
        old_nodes, old_edges = set(g.nodes), set(g.edges(keys=True))
        merge_all_into(g, articles, report, settings, progress, nlp, extract, "the embedded store")
        if report.articles_loaded:
            try:
                write_store(g, path)
            except StoreError as exc:
                raise LoadError(str(exc)) from None
        report.nodes_added = Counter(g.nodes[n].get("label", "?") for n in set(g.nodes) - old_nodes)
        report.edges_added = Counter(g.edges[e].get("type", "?") for e in set(g.edges(keys=True)) - old_edges)
        report.total_nodes, report.total_edges = g.number_of_nodes(), g.number_of_edges()
        return report


class _GroupWriter:
    """Writes each transaction group to Neo4j and records what landed in the load's report.

    A group the server has not the memory for is written in halves (and later groups are kept below the
    size that failed); any other failure names the group's articles and stops the load (``_Neo4jLost``).
    """

    def __init__(self, driver: Any, settings: Settings, report: LoadReport) -> None:
        self.driver, self.settings, self.report = driver, settings, report

    def write(self, group: TransactionGroup) -> None:
        """Take the group's articles and write them."""
        self._send(group, *group.take())

    def _send(self, group: TransactionGroup, items: list[Article], exs: list[Extraction],
              g: nx.MultiDiGraph) -> None:
        from neo4j.exceptions import DriverError, IncompleteCommit, Neo4jError

        from .sinks.neo4j import TransactionTooLarge, write_group

        settings, report, uri = self.settings, self.report, self.settings.neo4j_uri
        try:
            stats = write_group(self.driver, g, settings.neo4j_database, settings.batch_size,
                                settings.max_retry_time)
        except TransactionTooLarge as exc:
            if len(items) > 1:
                group.size = max(1, min(group.size, (g.number_of_nodes() + g.number_of_edges()) // 2))
                report.split_groups += 1
                for part in TransactionGroup.halves(items, exs):
                    self._send(group, *part)
                return
            report.failures.append(_one_line(
                f"{items[0].path or items[0].id}: not written: too large for one Neo4j transaction ({exc}); "
                "give the server more memory (PORTERO_NEO4J_HEAP for the local one)", settings.neo4j_password))
            return
        except (Neo4jError, DriverError, OSError) as exc:
            reason = masked(reason_of(exc), settings)
            # A commit cut off by a lost connection may have landed: saying "not written" would be a guess.
            cut_off = isinstance(exc, IncompleteCommit)
            fate = "perhaps written" if cut_off else "not written"
            report.perhaps_written += len(items) if cut_off else 0
            for article in items:
                report.failures.append(_one_line(f"{article.path or article.id}: {fate}: Neo4j at {uri} "
                                                 f"failed ({reason})", settings.neo4j_password))
            raise _Neo4jLost(f"Neo4j at {uri} failed while writing {len(items)} article(s): {reason}") from None
        report.articles_loaded += len(items)
        report.loaded += [article.path or article.id for article in items]
        report.nodes_added.update(stats["nodes_by_label"])
        report.edges_added.update(stats["relationships_by_type"])


def _load_neo4j(articles: list[Article], report: LoadReport, settings: Settings, progress: bool,
                nlp: Any, extract: Extractor | None = None) -> LoadReport:
    from neo4j.exceptions import DriverError, Neo4jError

    from .sinks.neo4j import ensure_schema

    uri, db = settings.neo4j_uri, settings.neo4j_database
    driver = connect_neo4j(settings)  # before the slow extraction: fail fast
    try:
        try:
            ensure_schema(driver, db)
        except (Neo4jError, DriverError) as exc:
            raise LoadError(_one_line(f"Neo4j at {uri}: cannot create the schema: {exc}",
                                      settings.neo4j_password)) from None
        write = _GroupWriter(driver, settings, report).write
        group = TransactionGroup(settings.transaction_size)
        seen: set[int] = set()
        try:
            for article, merged in merge_each(articles, report, settings, progress, nlp, extract, "Neo4j",
                                              group.add):
                seen.add(id(article))
                if merged and group.full:
                    write(group)
            if group.items:
                write(group)
        except _Neo4jLost as lost:
            # What was merged but not yet sent, and what was never read, is named too: nothing is lost silently.
            rest = [a for a in group.take()[0]] + [a for a in articles if id(a) not in seen]
            report.failures += [f"{a.path or a.id}: not written: the load stopped when Neo4j failed" for a in rest]
            perhaps = report.perhaps_written
            maybe = f", {perhaps} more perhaps (load them again to be sure)" if perhaps else ""
            raise LoadError(f"{lost} ({report.articles_loaded} of {len(articles)} article(s) were written "
                            f"before{maybe}; every file not written is named above)", report) from None
        with contextlib.suppress(Neo4jError, DriverError):
            report.total_nodes = driver.execute_query(COUNT_NODES, database_=db).records[0]["n"]
            report.total_edges = driver.execute_query(COUNT_RELATIONSHIPS, database_=db).records[0]["n"]
        return report
    finally:
        driver.close()
