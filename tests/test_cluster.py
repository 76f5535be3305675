"""``portero load --cluster``: extraction on a real local Dask cluster gives the graph of a plain load.

Every test runs real Dask worker processes, each with the real spaCy pipeline, and writes a real embedded
store or the real local Neo4j. The graphs are compared with a plain ``portero load`` of the same files:
the embedded store file byte for byte (so every node's name and lists too), Neo4j by ids and counts.
One test SIGKILLs a worker mid-load and checks that every article is still loaded once and the summary
names what was extracted again; another kills the worker running the same task twice and checks that
its articles are failures named with the reason, and every other article loaded. The 500-article and
kill tests are ``slow``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import needs
import pytest
from conftest import SAMPLE_ARTICLES, free_port, stop_process

from graph_loader import cli
from graph_loader.loader import LoadError, load_paths
from graph_loader.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

try:
    import distributed  # noqa: F401  (the cluster extra, in the test extra)
except ImportError:  # pragma: no cover
    distributed = None


def _needs_dask() -> None:
    """Skip here, fail under CI, when the ``cluster`` extra is not installed."""
    if distributed is None:
        needs.unavailable("Dask is not installed: pip install -e '.[cluster]'")


@pytest.fixture(scope="module")
def local2() -> Iterator:
    """One local Dask cluster of 2 worker processes for the module's loads (started once: ~2 s)."""
    _needs_dask()
    from graph_loader.cluster import open_cluster

    with open_cluster("local:2", load_settings().spacy_model) as run:
        yield run


@pytest.fixture(scope="module")
def synthetic500(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from synthetic import write_corpus

    folder = tmp_path_factory.mktemp("synthetic500")
    write_corpus(500, folder)
    return folder


def _home(tmp_path: Path, name: str) -> Settings:
    return load_settings({**os.environ, "PORTERO_HOME": str(tmp_path / name)})


def _neo4j_graph(driver, settings: Settings) -> tuple[set[str], Counter, Counter]:
    """Node ids, nodes per label and relationships per type in the test's Neo4j."""
    db = settings.neo4j_database
    ids = {r["id"] for r in driver.execute_query("MATCH (n) RETURN n.id AS id", database_=db).records}
    labels = Counter({r["l"]: r["n"] for r in driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n", database_=db).records})
    types = Counter({r["t"]: r["n"] for r in driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n", database_=db).records})
    return ids, labels, types


def _same_as_plain(paths: list[Path], tmp_path: Path, cluster) -> tuple:
    """Plain and cluster loads of ``paths`` into two new embedded stores: both reports and both files."""
    plain = load_paths(paths, settings=_home(tmp_path, "plain"), progress=False)
    on_cluster = load_paths(paths, settings=_home(tmp_path, "cluster"), progress=False, cluster=cluster)
    return plain, on_cluster, (tmp_path / "plain" / "graph.json").read_bytes(), \
        (tmp_path / "cluster" / "graph.json").read_bytes()


# --- embedded store ------------------------------------------------------------------------------------


def test_cluster_load_of_the_samples_writes_the_plain_store_byte_for_byte(tmp_path, monkeypatch, capsys):
    _needs_dask()
    plain = load_paths([SAMPLE_ARTICLES], settings=_home(tmp_path, "plain"), progress=False)
    # Through the command line, with the local cluster it starts and stops itself.
    monkeypatch.setenv("PORTERO_HOME", str(tmp_path / "cluster"))
    assert cli.main(["load", str(SAMPLE_ARTICLES), "--cluster", "local:2", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert f"Loaded {plain.articles_loaded} of {plain.articles_loaded} article file(s)" in out
    assert f"The graph now holds {plain.total_nodes} nodes and {plain.total_edges} relationships." in out
    assert "extracted again" not in out
    assert (tmp_path / "cluster" / "graph.json").read_bytes() == (tmp_path / "plain" / "graph.json").read_bytes()


def test_a_bad_cluster_address_is_one_line_and_the_store_is_kept(tmp_path, monkeypatch, capsys, sample_store):
    _needs_dask()
    from graph_loader import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "2s")
    home = tmp_path / "home"
    home.mkdir()
    store = home / "graph.json"
    store.write_bytes(sample_store.read_bytes())
    monkeypatch.setenv("PORTERO_HOME", str(home))
    port = free_port()  # nothing listens there
    for address, expected in ((f"tcp://127.0.0.1:{port}", f"portero: no Dask scheduler answers at tcp://127.0.0.1:{port}"),
                              ("local:0", "portero: --cluster local:0: the number of workers must be 1 or more"),
                              ("nowhere", "portero: --cluster 'nowhere': give the Dask scheduler's address")):
        began = time.monotonic()
        assert cli.main(["load", str(SAMPLE_ARTICLES), "--cluster", address, "--no-progress"]) == 1
        captured = capsys.readouterr()
        assert captured.out == ""
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(expected), captured.err
        assert time.monotonic() - began < 30
        assert store.read_bytes() == sample_store.read_bytes()


def test_local_workers_run_without_memory_trimming_or_the_profiler(local2) -> None:
    """The two Dask defaults that slowed extraction (cluster.LOCAL_CONFIG) are off in the workers themselves."""
    import os

    import dask

    seen = local2.client.run(lambda: (os.environ.get("MALLOC_TRIM_THRESHOLD_"),
                                      dask.config.get("distributed.worker.profile.enabled")))
    assert len(seen) == 2 and set(seen.values()) == {(None, False)}, seen


def test_the_printed_worker_config_is_what_dask_reads_on_a_worker_machine(tmp_path: Path) -> None:
    """``python -m graph_loader.cluster > ~/.config/dask/portero.yaml`` (docs/scale.md) sets what local:N sets."""
    import subprocess

    _needs_dask()
    printed = subprocess.run([sys.executable, "-m", "graph_loader.cluster"], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout
    (tmp_path / "portero.yaml").write_text(printed)
    read = subprocess.run([sys.executable, "-c", "import dask, distributed, json; print(json.dumps(["
                           "dask.config.get('distributed.nanny.pre-spawn-environ'), "
                           "dask.config.get('distributed.worker.profile.enabled')]))"],
                          capture_output=True, text=True, check=True, env={**os.environ, "DASK_CONFIG": str(tmp_path)})
    environ, profiling = json.loads(read.stdout)
    assert environ["MALLOC_TRIM_THRESHOLD_"] is None and environ["OMP_NUM_THREADS"] == 1 and profiling is False


@pytest.mark.slow
def test_a_scheduler_and_workers_started_by_dasks_own_commands_load_the_samples(tmp_path: Path) -> None:
    """The path for several machines (docs/scale.md), each part a process tree of its own as on another
    host: ``dask scheduler``, ``dask worker`` with the printed configuration, ``portero load --cluster``."""
    import subprocess

    _needs_dask()
    from distributed import Client

    config = tmp_path / "dask-config"
    config.mkdir()
    (config / "portero.yaml").write_text(subprocess.run(
        [sys.executable, "-m", "graph_loader.cluster"], capture_output=True, text=True, check=True).stdout)
    dask, port = str(Path(sys.executable).with_name("dask")), free_port()
    address, env = f"tcp://127.0.0.1:{port}", {**os.environ, "DASK_CONFIG": str(config)}
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": tmp_path}
    started = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                **quiet)]
    try:
        started.append(subprocess.Popen([dask, "worker", address, "--nworkers", "2", "--nthreads", "1",
                                         "--no-dashboard", "--local-directory", str(tmp_path / "work")], **quiet))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            trims = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        assert list(trims.values()) == [None, None], trims
        plain = load_paths([SAMPLE_ARTICLES], settings=_home(tmp_path, "plain"), progress=False)
        done = subprocess.run([sys.executable, "-m", "graph_loader", "load", str(SAMPLE_ARTICLES), "--cluster",
                               address, "--no-progress"], capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PORTERO_HOME": str(tmp_path / "cluster")})
        assert done.returncode == 0, done.stderr[-2000:]
        assert f"Loaded {plain.articles_loaded} of {plain.articles_loaded} article file(s)" in done.stdout
        assert (tmp_path / "cluster" / "graph.json").read_bytes() == (tmp_path / "plain" / "graph.json").read_bytes()
    finally:
        for process in reversed(started):
            stop_process(process)


@pytest.mark.slow
def test_cluster_load_of_500_synthetic_articles_writes_the_plain_store(synthetic500, tmp_path, local2):
    plain, on_cluster, a, b = _same_as_plain([synthetic500], tmp_path, local2)
    assert plain.articles_loaded == on_cluster.articles_loaded == 500
    assert on_cluster.failures == plain.failures == [] and on_cluster.retried == []
    assert a == b


@pytest.mark.slow
def test_a_worker_killed_mid_load_has_its_articles_extracted_again(synthetic500, tmp_path):
    _needs_dask()
    from graph_loader.cluster import open_cluster

    paths = sorted(synthetic500.glob("*.md"))[:240]
    with open_cluster("local:2", load_settings().spacy_model) as run:
        pids = list(run.client.run(os.getpid).values())
        assert len(pids) == 2
        killed: list[int] = []

        def kill_when_some_are_done() -> None:
            deadline = time.monotonic() + 120
            while run.received < 40 and time.monotonic() < deadline:
                time.sleep(0.02)
            os.kill(pids[0], signal.SIGKILL)
            killed.append(run.received)

        killer = threading.Thread(target=kill_when_some_are_done, daemon=True)
        killer.start()
        plain, on_cluster, a, b = _same_as_plain(paths, tmp_path, run)
        killer.join(5)
        assert killed and killed[0] < len(paths), "the worker was killed after the load ended"
        assert pids[0] not in run.client.run(os.getpid).values()  # the nanny started a new worker
    # Every article loaded once, none failed; the store is the plain load's.
    assert on_cluster.failures == []
    assert sorted(on_cluster.loaded) == sorted(plain.loaded) == sorted(str(p) for p in paths)
    assert len(set(on_cluster.loaded)) == len(paths)
    assert a == b
    # The summary names what was extracted again: the dead worker's articles, each a file of the load.
    assert on_cluster.retried and set(on_cluster.retried) <= {str(p) for p in paths}
    table = on_cluster.table()
    assert f"{len(on_cluster.retried)} article(s) extracted again after their worker died: " in table
    assert all(name in table for name in on_cluster.retried)


# --- Neo4j ---------------------------------------------------------------------------------------------


def _plain_and_cluster_into_neo4j(paths, empty_neo4j, neo4j_settings, cluster) -> tuple:
    # The default transaction size: 500 synthetic articles do not fit the test server's transaction memory
    # (128 MB) in one, so both loads also split a transaction (the loader's answer to that refusal).
    plain = load_paths(paths, to="neo4j", settings=neo4j_settings, progress=False)
    expected = _neo4j_graph(empty_neo4j, neo4j_settings)
    empty_neo4j.execute_query("MATCH (n) DETACH DELETE n", database_=neo4j_settings.neo4j_database)
    on_cluster = load_paths(paths, to="neo4j", settings=neo4j_settings, progress=False, cluster=cluster)
    return plain, on_cluster, expected, _neo4j_graph(empty_neo4j, neo4j_settings)


@pytest.mark.neo4j
def test_cluster_load_of_the_samples_into_neo4j_gives_the_same_graph(empty_neo4j, neo4j_settings, local2):
    plain, on_cluster, expected, got = _plain_and_cluster_into_neo4j([SAMPLE_ARTICLES], empty_neo4j,
                                                                     neo4j_settings, local2)
    assert on_cluster.articles_loaded == plain.articles_loaded > 0
    assert got == expected
    assert on_cluster.nodes_added == plain.nodes_added and on_cluster.edges_added == plain.edges_added


@pytest.mark.neo4j
@pytest.mark.slow
def test_cluster_load_of_500_synthetic_articles_into_neo4j_gives_the_same_graph(
        synthetic500, empty_neo4j, neo4j_settings, local2):
    plain, on_cluster, expected, got = _plain_and_cluster_into_neo4j([synthetic500], empty_neo4j,
                                                                     neo4j_settings, local2)
    assert on_cluster.articles_loaded == plain.articles_loaded == 500
    assert plain.split_groups >= 1 and "too large for Neo4j's transaction memory" in plain.table()
    ids, labels, types = got
    assert len(ids) == sum(1 for _ in ids) and labels["Article"] == 500
    assert got == expected


def test_an_address_that_answers_nothing_is_a_load_error_before_anything_is_read(tmp_path, monkeypatch):
    _needs_dask()
    from graph_loader import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    settings = _home(tmp_path, "h")
    with pytest.raises(LoadError, match=r"^no Dask scheduler answers at tcp://127\.0\.0\.1:\d+"):
        load_paths([SAMPLE_ARTICLES], settings=settings, progress=False,
                   cluster=f"127.0.0.1:{free_port()}")
    assert not (tmp_path / "h" / "graph.json").exists()


@pytest.mark.slow
def test_articles_whose_worker_dies_twice_are_failures_named_in_the_summary(synthetic500, tmp_path):
    _needs_dask()
    from graph_loader.cluster import open_cluster

    paths = sorted(synthetic500.glob("*.md"))[:40]
    with open_cluster("local:1", load_settings().spacy_model) as run:
        kills: list[int] = []
        first: set[str] = set()  # the tasks on the worker killed first

        def kill_the_worker_twice() -> None:
            deadline = time.monotonic() + 120
            while len(kills) < 2 and time.monotonic() < deadline:
                processing = {w: set(keys) for w, keys in run.client.processing().items() if keys}
                # The second time, only while one of the first victim's tasks runs again.
                busy = [w for w, keys in processing.items() if not kills or keys & first]
                if not busy:
                    time.sleep(0.05)
                    continue
                try:
                    pid = run.client.run(os.getpid, workers=busy[:1])[busy[0]]
                except Exception:  # the worker is going away (killed a moment ago): ask again
                    time.sleep(0.05)
                    continue
                if pid in kills:
                    time.sleep(0.05)
                    continue
                time.sleep(0.3)  # inside the task
                os.kill(pid, signal.SIGKILL)
                kills.append(pid)
                if not first:
                    first.update(processing[busy[0]])

        killer = threading.Thread(target=kill_the_worker_twice, daemon=True)
        killer.start()
        report = load_paths(paths, settings=_home(tmp_path, "h"), progress=False, cluster=run)
        killer.join(5)
    assert len(kills) == 2
    names = {str(p) for p in paths}
    failed = {f.split(": ", 1)[0] for f in report.failures}
    # Every article is loaded or named as failed; those given up say why.
    assert failed and failed <= names and set(report.loaded) | failed == names
    assert not set(report.loaded) & failed
    assert all("a Dask worker died each time it was extracted" in f for f in report.failures)
    assert report.articles_loaded == len(names) - len(failed)
