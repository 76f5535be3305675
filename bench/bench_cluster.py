"""Extraction on a Dask cluster and the bulk first load, as ratios measured in one run (issue 20).

On one synthetic corpus (bench/synthetic.py), every load a full ``load_paths`` (read, extract, merge, write):
- scaling:  a running local Dask cluster of 1 worker against one of 2 (``--cluster`` given an open
            cluster, so start-up is left out), into the embedded store; target >= 1.6x on 2 cores;
- overhead: a running 2-worker cluster against today's worker processes (``PORTERO_WORKERS=2``: forked
            processes sharing the pipeline loaded here, before the clock); target <= 1.15x; and the
            command line, each in a new process: ``portero load --cluster local:2`` (which starts and
            stops its cluster, each worker loading the model) against ``portero load``;
- bulk:     ``portero load --bulk`` (extract, CSV, stop, ``neo4j-admin database import full``, start,
            schema) against ``portero load --to neo4j`` into the same empty database, both with
            ``PORTERO_WORKERS=2``. A local server of its own (home /tmp/hc20, a free port) is started
            and stopped here. Also printed: both less a plain load into the embedded store (what they
            share: reading, extracting, merging), i.e. about what writing the graph costs each.
Each figure is the best of ``--repeat`` runs, the cluster and plain loads interleaved so the machine's
other work falls on both. The load average is printed before and after.

Run: python bench/bench_cluster.py [--articles 400] [--repeat 2] [--no-bulk] [--no-cluster] [--cli-only]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import synthetic  # noqa: E402
from bench_neo4j_load import empty_database  # noqa: E402

from graph_loader import neo4j_server  # noqa: E402
from graph_loader.bulk_load import bulk_load  # noqa: E402
from graph_loader.cluster import open_cluster  # noqa: E402
from graph_loader.extract import load_nlp  # noqa: E402
from graph_loader.loader import connect_neo4j, load_paths  # noqa: E402
from graph_loader.settings import Settings, load_settings  # noqa: E402


def _settings(home: Path, **extra: str) -> Settings:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PORTERO_"))}
    return load_settings({**env, "PORTERO_HOME": str(home), "PORTERO_WORKERS": "2", **extra})


def _timed(fn) -> tuple[float, object]:
    began = time.perf_counter()
    out = fn()
    return time.perf_counter() - began, out


def _embedded(corpus: Path, scratch: Path, cluster=None) -> tuple[float, object]:
    home = Path(tempfile.mkdtemp(dir=scratch))
    seconds, report = _timed(lambda: load_paths([corpus], settings=_settings(home), progress=False,
                                                nlp=None if cluster else load_nlp(), cluster=cluster))
    assert report.ok and report.articles_loaded, report.failures[:3]
    shutil.rmtree(home)
    return seconds, report


def _cli(corpus: Path, scratch: Path, *extra: str) -> tuple[float, float]:
    """Wall and CPU seconds of ``portero load CORPUS --no-progress EXTRA...`` in a new process (model loading
    included; CPU is user + system of the process and every worker it waited for, so other sessions' work
    on the machine does not count in it)."""
    home = Path(tempfile.mkdtemp(dir=scratch))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PORTERO_"))}
    env.update(PORTERO_HOME=str(home), PORTERO_WORKERS="2")
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "graph_loader", "load", str(corpus), "--no-progress", *extra],
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr[-2000:]
    shutil.rmtree(home)
    return seconds, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_cluster(corpus: Path, scratch: Path, repeat: int, cli_only: bool = False) -> None:
    model = load_settings().spacy_model
    load_nlp()  # loaded before the clock, as a plain load's parent has it cached when timed again
    best: dict[str, float] = {}

    def keep(name: str, seconds: float) -> None:
        best[name] = min(seconds, best.get(name, float("inf")))
        print(f"  {name}: {seconds:.2f} s", flush=True)

    cpu: dict[str, float] = {}
    for _ in range(repeat):  # the command line, each in a new process: model loading and start-up included
        for name, extra in (("portero load (PORTERO_WORKERS=2)", ()),
                            ("portero load --cluster local:2", ("--cluster", "local:2"))):
            seconds, cpu_seconds = _cli(corpus, scratch, *extra)
            keep(name, seconds)
            cpu[name] = min(cpu_seconds, cpu.get(name, float("inf")))
            print(f"    CPU {cpu_seconds:.2f} s", flush=True)
    cli_plain, cli_cluster = best["portero load (PORTERO_WORKERS=2)"], best["portero load --cluster local:2"]
    print(f"overhead, command line (start-up and model loading included): --cluster local:2 {cli_cluster:.2f} s "
          f"/ portero load {cli_plain:.2f} s = {cli_cluster / cli_plain:.2f}x; CPU "
          f"{cpu['portero load --cluster local:2']:.2f} s / {cpu['portero load (PORTERO_WORKERS=2)']:.2f} s = "
          f"{cpu['portero load --cluster local:2'] / cpu['portero load (PORTERO_WORKERS=2)']:.2f}x", flush=True)
    if cli_only:
        return
    for n in (1, 2):
        with contextlib.ExitStack() as stack:
            seconds, run = _timed(lambda n=n: stack.enter_context(open_cluster(f"local:{n}", model)))
            print(f"  a local cluster of {n} worker(s) started in {seconds:.2f} s", flush=True)
            for _ in range(repeat):
                keep(f"running cluster of {n} worker(s)", _embedded(corpus, scratch, run)[0])
                if n == 2:
                    keep("plain, PORTERO_WORKERS=2", _embedded(corpus, scratch)[0])
    one, two = best["running cluster of 1 worker(s)"], best["running cluster of 2 worker(s)"]
    plain = best["plain, PORTERO_WORKERS=2"]
    print(f"scaling: 1 worker {one:.2f} s / 2 workers {two:.2f} s = {one / two:.2f}x (target >= 1.6x)")
    print(f"overhead: running 2-worker cluster {two:.2f} s / plain {plain:.2f} s = {two / plain:.2f}x "
          f"(target <= 1.15x)")



def bench_bulk(corpus: Path, scratch: Path, repeat: int) -> None:
    home = Path("/tmp/hc20")
    shutil.rmtree(home / "neo4j", ignore_errors=True)
    home.mkdir(exist_ok=True)
    jars = load_settings({"PORTERO_HOME": os.environ.get("PORTERO_TEST_HOME", str(ROOT / ".portero"))})
    link = home / "neo4j-lib"
    if not link.exists():
        link.symlink_to(neo4j_server.ensure_built(jars), target_is_directory=True)
    settings = _settings(home, PORTERO_NEO4J_PORT=str(_free_port()), PORTERO_NEO4J_HEAP="1g",
                         PORTERO_NEO4J_PAGECACHE="512m")
    neo4j_server.start(settings)
    try:
        nlp = load_nlp()
        for _ in range(repeat):
            driver = connect_neo4j(settings)
            empty_database(driver, settings.neo4j_database)
            driver.close()
            plain, report = _timed(lambda: load_paths([corpus], to="neo4j", settings=settings, progress=False,
                                                      nlp=nlp))
            assert report.ok, report.failures[:3]
            nodes = report.total_nodes
            driver = connect_neo4j(settings)
            empty_database(driver, settings.neo4j_database)
            driver.close()
            bulk, report = _timed(lambda: bulk_load([corpus], settings, progress=False, nlp=nlp))
            assert report.ok and report.total_nodes == nodes, (report.total_nodes, nodes)
            # What both share: reading, extracting and merging (a plain load into the embedded store).
            shared = _embedded(corpus, scratch)[0]
            print(f"bulk: portero load --to neo4j {plain:.2f} s / --bulk {bulk:.2f} s = {plain / bulk:.2f}x "
                  f"({nodes} nodes, {report.total_edges} relationships; both extract with 2 processes); "
                  f"less the extraction they share ({shared:.2f} s, a load into the embedded store): "
                  f"{plain - shared:.2f} s / {bulk - shared:.2f} s", flush=True)
    finally:
        neo4j_server.stop(settings)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-bulk", action="store_true")
    ap.add_argument("--no-cluster", action="store_true")
    ap.add_argument("--cli-only", action="store_true", help="of the cluster figures, the command line's only")
    args = ap.parse_args(argv)
    print(f"load average before: {os.getloadavg()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        corpus = Path(tmp) / "corpus"
        synthetic.write_corpus(args.articles, corpus)
        print(f"{args.articles} synthetic articles", flush=True)
        if not args.no_cluster:
            bench_cluster(corpus, Path(tmp), args.repeat, args.cli_only)
        if not args.no_bulk:
            bench_bulk(corpus, Path(tmp), args.repeat)
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
