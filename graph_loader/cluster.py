"""Extraction on a Dask cluster: ``portero load PATH... --cluster ADDRESS`` (or ``--cluster local:N``).

Why Dask (``dask.distributed``) and not Ray, measured by ``bench/engine_choice.py`` on this 2-core machine
(bench/RESULTS.md, "Past one machine"): a local cluster of 2 worker processes answers its first task in
0.85 s against Ray's 3.1 s; a worker holding the spaCy pipeline takes 165 MB against 248 MB, and Dask's own
processes 13 MB against Ray's 495 MB; it installs in 31 MB against 228 MB; both hand results back as they
complete. It is the ``cluster`` extra: ``pip install 'portero-graph[cluster]'``.

How a load runs here. Articles are read on this machine and sent in small tasks (a few articles each, as
many tasks in flight as keep every worker busy). Each worker loads the spaCy pipeline once, when it starts
(:class:`PipelinePlugin`). Results come back as they complete; they are handed to the loader in the order
of the files, so the graph is the one a plain ``portero load`` builds, property for property (a node's
name and lists follow the order articles are merged in), and the loader merges and writes them with its
own transaction groups. A worker that dies has its tasks run again elsewhere by the scheduler; after the
load, the scheduler's "remove-worker" events name what was run again. A task whose workers died more than
the scheduler's ``distributed.scheduler.allowed-failures`` times (set to 1 for ``local:N``: two deaths)
comes back as ``KilledWorker``, and each of its articles is a failure named in the summary.

>>> parse_address("local:2"), parse_address("tcp://10.0.0.5:8786"), parse_address("10.0.0.5:8786")
(('local', 2), ('remote', 'tcp://10.0.0.5:8786'), ('remote', 'tcp://10.0.0.5:8786'))
>>> parse_address("local:0")
Traceback (most recent call last):
  ...
graph_loader.cluster.ClusterError: --cluster local:0: the number of workers must be 1 or more
>>> [len(c) for c in chunked(list(range(10)), workers=2)]
[1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
>>> [len(c) for c in chunked(list(range(200)), workers=2)]
[16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 8]
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .model import Article, Extraction

try:  # the cluster extra; without it open_cluster says how to install it
    from distributed import WorkerPlugin
except ImportError:  # pragma: no cover - the test extra installs it
    WorkerPlugin = object  # type: ignore[assignment,misc]

LOCAL = re.compile(r"local:(\S*)")
CONNECT_TIMEOUT = "10s"  # a scheduler that does not answer within this is reported, not waited for
LOCAL_ALLOWED_FAILURES = 1  # a task is run again once after its worker dies; the second death fails it
# Dask settings for the workers of a load. Dask's defaults suit workers holding large arrays; ours
# allocate and free many small objects per article, and two of those defaults cost them CPU (measured
# per worker in bench/RESULTS.md, "Past one machine"): glibc told to give memory back to the system
# past 64 kB free (MALLOC_TRIM_THRESHOLD_) made extraction 12% slower, and the profiler sampling each
# task's stack every 10 ms for a dashboard about 2-3% more. ``local:N`` applies them; for workers of
# your own, ``python -m graph_loader.cluster`` prints them as a Dask configuration file.
WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,  # None: not set at all
    "distributed.worker.profile.enabled": False,
}
LOCAL_CONFIG = {"distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES, **WORKER_CONFIG}
MAX_CHUNK = 16  # articles per task, as the worker processes of a plain load take them
IN_FLIGHT_PER_WORKER = 4  # tasks sent ahead per worker: each busy, none holding much of the corpus

log = logging.getLogger(__name__)


class ClusterError(RuntimeError):
    """The cluster cannot be used (bad address, no scheduler there, Dask not installed); one line."""


class WorkerLost(RuntimeError):
    """An article's task was given up after its workers died (Dask's ``KilledWorker``)."""


def parse_address(text: str) -> tuple[str, Any]:
    """``("local", N)`` for ``local:N``, else ``("remote", "tcp://HOST:PORT")``; :class:`ClusterError` if bad."""
    text = text.strip()
    local = LOCAL.fullmatch(text)
    if local:
        try:
            n = int(local.group(1))
        except ValueError:
            raise ClusterError(f"--cluster {text}: write local:N with N a number of workers") from None
        if n < 1:
            raise ClusterError(f"--cluster {text}: the number of workers must be 1 or more")
        return "local", n
    if not re.fullmatch(r"(?:[a-z]+://)?[\w.\-\[\]:]+:\d+", text):
        raise ClusterError(f"--cluster {text!r}: give the Dask scheduler's address (tcp://HOST:PORT) or local:N")
    return "remote", text if "://" in text else f"tcp://{text}"


def chunked(articles: Sequence[Article], workers: int) -> list[list[Article]]:
    """The articles in tasks: about four per worker for a small load, at most :data:`MAX_CHUNK` each."""
    size = max(1, min(MAX_CHUNK, len(articles) // (max(1, workers) * 4) or 1))
    return [list(articles[i:i + size]) for i in range(0, len(articles), size)]


class PipelinePlugin(WorkerPlugin):
    """A Dask worker plugin: the worker loads the spaCy pipeline once, when it starts (or joins)."""

    name = "portero-pipeline"
    idempotent = True

    def __init__(self, model: str) -> None:
        self.model = model

    def setup(self, worker: Any) -> None:
        from .extract import load_nlp

        load_nlp(self.model)  # cached in the worker's process by load_nlp for every task after


def extract_chunk(chunk: list[Article], model: str) -> list[Extraction | Exception]:
    """In a worker: each article's extraction, or the exception it raised (the others still come back)."""
    from .extract import extract_article, extract_articles, load_nlp
    from .loader import each_extraction

    nlp = load_nlp(model)
    return [result for _, result in each_extraction(chunk, nlp, 1, extract_article, extract_articles)]


@dataclass
class ClusterRun:
    """A client on a Dask cluster and what the loads through it saw; use :func:`open_cluster`."""

    client: Any
    address: str
    model: str
    retried: list[str] = field(default_factory=list)  # articles run again after their worker died
    received: int = 0  # articles whose extraction came back, in any order
    _keys: dict[str, list[Article]] = field(default_factory=dict)

    def workers(self) -> int:
        """Worker threads now in the cluster (at least 1, so a cluster still starting gets tasks)."""
        return max(1, sum(self.client.nthreads().values()))

    def extractions(self, articles: list[Article]) -> Iterator[tuple[Article, Extraction | Exception]]:
        """Each article with its extraction (or exception), in the order given; tasks run as workers free up."""
        from distributed import as_completed

        chunks = chunked(articles, self.workers())
        run = os.urandom(4).hex()
        keys = [f"portero-extract-{run}-{i}" for i in range(len(chunks))]
        self._keys.update(zip(keys, chunks, strict=True))
        ahead = IN_FLIGHT_PER_WORKER * self.workers()
        todo = iter(zip(keys, chunks, strict=True))
        futures = {}

        def send(n: int) -> list:
            """Submit the next ``n`` tasks; their futures."""
            sent = [self.client.submit(extract_chunk, chunk, self.model, key=key, pure=False, retries=0)
                    for key, chunk in itertools.islice(todo, n)]
            futures.update((fut.key, fut) for fut in sent)
            return sent

        pending = as_completed(send(ahead))
        done: dict[str, list[Extraction | Exception]] = {}
        nxt = 0
        try:
            for fut in pending:
                done[fut.key] = self._results(fut, self._keys[fut.key])
                self.received += len(done[fut.key])
                futures.pop(fut.key, None)
                fut.release()
                for new in send(1):
                    pending.add(new)
                while nxt < len(keys) and keys[nxt] in done:  # the files' order, for the same graph
                    yield from zip(self._keys[keys[nxt]], done.pop(keys[nxt]), strict=True)
                    nxt += 1
        finally:
            for fut in futures.values():
                fut.cancel()
            self._note_retries(keys)
            for key in keys:
                self._keys.pop(key, None)

    def _results(self, fut: Any, chunk: list[Article]) -> list[Extraction | Exception]:
        try:
            results = fut.result()
        except (Exception, asyncio.CancelledError) as exc:  # the task failed: its articles are failures, named
            lost = _lost(exc)
            return [lost if lost is not None else exc for _ in chunk]
        return list(results)

    def _note_retries(self, keys: list[str]) -> None:
        """Record the articles of ``keys`` whose tasks were on a worker when it was removed."""
        position = {key: i for i, key in enumerate(keys)}
        hit: set[str] = set()
        with contextlib.suppress(Exception):  # an older scheduler without events: nothing to add
            for _, event in self.client.get_events("all"):
                if isinstance(event, dict) and event.get("action") == "remove-worker":
                    hit.update(k for k in event.get("processing-tasks", ()) if k in position)
        for key in sorted(hit, key=position.__getitem__):
            self.retried += [a.path or a.id for a in self._keys.get(key, [])]


def _lost(exc: BaseException) -> WorkerLost | None:
    """A :class:`WorkerLost` for Dask's ``KilledWorker``, else None."""
    if type(exc).__name__ != "KilledWorker":
        return None
    return WorkerLost("a Dask worker died each time it was extracted, as many times as the scheduler allows "
                      "(distributed.scheduler.allowed-failures); given up")


@contextlib.contextmanager
def open_cluster(address: str, model: str) -> Iterator[ClusterRun]:
    """A :class:`ClusterRun` on the scheduler at ``address``, or on a local cluster for ``local:N``.

    The workers load the pipeline ``model`` once each. A local cluster is stopped on leaving; a remote one
    is left running. Raises :class:`ClusterError` in one line when Dask is not installed or no scheduler
    answers at ``address``.
    """
    kind, where = parse_address(address)
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'portero-graph[cluster]'") from None
    with contextlib.ExitStack() as stack:
        # Dask logs its cluster's life at INFO and a dead worker at WARNING on the terminal; the load's
        # summary says what matters (what was run again, what was lost), so only its failures are shown.
        quiet = logging.getLogger("distributed")
        stack.callback(quiet.setLevel, quiet.level)
        quiet.setLevel(logging.CRITICAL)
        if kind == "local":
            with dask.config.set(LOCAL_CONFIG), warnings.catch_warnings():
                # Another cluster on this machine holds the default status port; a free one is taken.
                warnings.filterwarnings("ignore", message=r"Port \d+ is already in use")
                cluster = stack.enter_context(LocalCluster(
                    n_workers=where, threads_per_worker=1, processes=True, dashboard_address=None,
                    silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster))
            shown = f"a local Dask cluster of {where} worker(s)"
        else:
            try:
                with dask.config.set({"distributed.comm.timeouts.connect": CONNECT_TIMEOUT}):
                    client = stack.enter_context(Client(where, timeout=CONNECT_TIMEOUT))
            except (OSError, TimeoutError, ValueError) as exc:
                why = " ".join(str(exc).split())[:200]
                raise ClusterError(f"no Dask scheduler answers at {where}: {why}") from None
            shown = f"the Dask scheduler at {where}"
        try:
            client.register_plugin(PipelinePlugin(model))
        except Exception as exc:  # e.g. the model is not installed where a worker runs
            raise ClusterError(f"the Dask workers of {shown} cannot load spaCy model {model!r}: "
                               + " ".join(str(exc).split())[:200]) from None
        yield ClusterRun(client, shown, model)


@contextlib.contextmanager
def extracting_on(cluster: str | ClusterRun, model: str, retried: list[str]
                  ) -> Iterator[Callable[[list[Article]], Iterator[tuple[Article, Extraction | Exception]]]]:
    """The extraction function of ``cluster`` (an address, ``local:N`` or an open :class:`ClusterRun`).

    On leaving, the articles run again meanwhile (after their worker died) are added to ``retried``.
    """
    with contextlib.ExitStack() as stack:
        run = cluster if isinstance(cluster, ClusterRun) else stack.enter_context(open_cluster(cluster, model))
        before = len(run.retried)
        try:
            yield run.extractions
        finally:
            retried += run.retried[before:]


def worker_config_yaml() -> str:
    """:data:`WORKER_CONFIG` as a Dask configuration file, for ``~/.config/dask/`` on worker machines.

    >>> print(worker_config_yaml())  # doctest: +NORMALIZE_WHITESPACE
    # Portero Graph's settings for Dask workers (python -m graph_loader.cluster)
    distributed:
      nanny:
        pre-spawn-environ:
          MALLOC_TRIM_THRESHOLD_: null
      worker:
        profile:
          enabled: false
    """
    import yaml

    tree: dict[str, Any] = {}
    for dotted, value in WORKER_CONFIG.items():
        *parents, leaf = dotted.split(".")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    head = "# Portero Graph's settings for Dask workers (python -m graph_loader.cluster)\n"
    return head + yaml.safe_dump(tree, default_flow_style=False, sort_keys=False).rstrip("\n")


if __name__ == "__main__":
    print(worker_config_yaml())
