"""Faults: a store write killed mid-way, Neo4j killed mid-load, two loads at once, the app with Neo4j gone.

Each test states what must survive the fault: the previous complete store, the same graph as a clean
load after re-running, the same counts as one sequential load, a readable page with no exception.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import needs
import pytest
from conftest import JARS_HOME

from graph_loader.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


# --- embedded store atomicity ------------------------------------------------------------------------

# A writer that rewrites a big store forever, the graph one node larger each time, and reports each
# completed write on stdout. Node count = BASE + number of the write.
WRITER = textwrap.dedent("""
    import sys
    from graph_loader.graph import new_graph, add_node
    from graph_loader.sinks.embedded import write_store
    path, base = sys.argv[1], int(sys.argv[2])
    g = new_graph()
    for i in range(base):
        add_node(g, f"person:p{i}", "Person", f"Person number {i} " + "x" * 40, article_id="article:1")
    print("ready", flush=True)
    k = 0
    while True:
        k += 1
        add_node(g, f"person:q{k}", "Person", f"Extra {k}", article_id="article:1")
        write_store(g, path)
        print(k, flush=True)
""")
BASE = 15_000


def _follow(proc: subprocess.Popen, seen: list[str]) -> threading.Thread:
    """Collect the writer's stdout lines in a thread (so reading never blocks the kill)."""
    def run() -> None:
        for line in proc.stdout:
            seen.append(line.strip())
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


@pytest.mark.slow  # a fault test: kills a writer mid-way
def test_store_write_killed_mid_way_leaves_previous_store(tmp_path: Path) -> None:
    from graph_loader.graph import add_node, new_graph
    from graph_loader.sinks.embedded import read_store, write_store

    path = tmp_path / "graph.json"
    first = new_graph()
    add_node(first, "person:only", "Person", "Only One", article_id="article:1")
    write_store(first, path)
    expected = 1  # nodes of the last complete store
    rng = random.Random(8)
    kills = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _round in range(5):
        seen: list[str] = []
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(BASE)], stdout=subprocess.PIPE,
                                text=True, env=env, cwd=ROOT)
        reader = _follow(proc, seen)
        deadline = time.monotonic() + 60
        while "ready" not in seen and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "ready" in seen, "the writer never got going"
        time.sleep(rng.uniform(0.05, 1.5))  # a random moment: mid-encode, mid-write, mid-fsync or between
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader.join(5)
        kills += 1
        done = [int(x) for x in seen if x.isdigit()]
        g = read_store(path)  # raises StoreError on a partial or corrupt file
        n = g.number_of_nodes()
        if done:
            # Either the last reported write, or the next one whose rename landed before it could report.
            assert n - BASE in (done[-1], done[-1] + 1), (n, done[-1])
        else:
            assert n in (expected, BASE + 1), (n, expected)
        assert all(d.get("label") == "Person" for _, d in g.nodes(data=True))
        expected = n
    assert kills == 5
    # A killed write may leave its temporary file behind; it must never be mistaken for the store.
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "graph.json" and not p.name.endswith(".lock")]
    assert all(name.startswith(".graph.json.") and name.endswith(".tmp") for name in leftovers), leftovers
    assert len(leftovers) <= 1, leftovers  # each write removes what the writers killed before it left
    # The next write removes it: the kernel dropped the killed writer's lock on it.
    write_store(first, path)
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == ["graph.json"]
    assert read_store(path).number_of_nodes() == 1


def test_truncated_or_damaged_store_is_refused_by_name(tmp_path: Path, sample_store: Path) -> None:
    """A store cut short (a disk filled, a copy interrupted) or damaged is a one-line StoreError."""
    from graph_loader.sinks.embedded import StoreError, read_store

    whole = sample_store.read_bytes()
    rng = random.Random(8)
    damaged = [whole[:cut] for cut in sorted(rng.sample(range(1, len(whole) - 1), 12))]
    damaged += [whole.replace(b'"label"', b'"lab\xffel"', 1), b"[]", b'{"graph": {}}', b"\x00" * 64,
                whole.replace(b'"format_version": 1', b'"format_version": 99', 1)]
    for i, data in enumerate(damaged):
        path = tmp_path / f"store-{i}.json"
        path.write_bytes(data)
        with pytest.raises(StoreError) as info:
            read_store(path)
        assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


# --- helpers for the Neo4j fault tests --------------------------------------------------------------


def _corpus(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` varied invented articles written as .md files (bench/synthetic.py)."""
    from synthetic import generate

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in generate(n, seed=seed):
        p = folder / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def _cli_env(settings: Settings, home: Path, **extra: str) -> dict[str, str]:
    """Environment for ``python -m graph_loader`` pointed at the test's Neo4j (and a private home)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PORTERO_"))}
    env.update({
        "PORTERO_HOME": str(home),
        "PORTERO_NEO4J_PORT": str(settings.neo4j_port),
        "PORTERO_NEO4J_DATA": str(settings.neo4j_data_path),
        "PYTHONPATH": str(ROOT),
    })
    if not settings.neo4j_is_local:
        env["NEO4J_URI"] = settings.neo4j_uri
    if settings.neo4j_password:
        env["NEO4J_PASSWORD"] = settings.neo4j_password
    env.update(extra)
    return env


def _load(args: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess:
    """Run ``portero load ARGS --to neo4j``; it must end with one-line errors, never a traceback.

    Exit 1 is allowed: an article whose extraction the ontology refuses is a per-file failure, and the
    comparisons below only need both loads to have refused the same files.
    """
    done = subprocess.run([sys.executable, "-m", "graph_loader", "load", *args, "--to", "neo4j"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout,
                          stdin=subprocess.DEVNULL)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    return done


def _counts(driver, database: str) -> dict[str, int]:
    """Node and relationship totals, and counts per label and per type."""
    out: dict[str, int] = {}
    recs, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database)
    out["nodes"] = recs[0]["c"]
    recs, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=database)
    out["relationships"] = recs[0]["c"]
    recs, _, _ = driver.execute_query("MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS c",
                                      database_=database)
    out.update({f"label:{r['l']}": r["c"] for r in recs})
    recs, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS c", database_=database)
    out.update({f"type:{r['t']}": r["c"] for r in recs})
    return out


def _empty(driver, database: str) -> None:
    driver.execute_query("MATCH (n) DETACH DELETE n", database_=database)


def _node_count(driver, database: str) -> int:
    try:
        recs, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database)
    except Exception:  # the server may be going down under us
        return -1
    return recs[0]["c"]


# --- Neo4j killed mid-load -------------------------------------------------------------------------


@pytest.fixture
def killable_neo4j(tmp_path_factory: pytest.TempPathFactory):
    """A local Neo4j of this test's own (free port, fresh data folder), since the test kills it."""
    import socket

    from neo4j import GraphDatabase

    from graph_loader import neo4j_server
    from graph_loader.settings import load_settings

    needs.java()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = load_settings({"PORTERO_HOME": str(JARS_HOME), "PORTERO_NEO4J_PORT": str(port),
                              "PORTERO_NEO4J_DATA": str(tmp_path_factory.mktemp("killable-neo4j"))})
    neo4j_server.start(settings)
    driver = GraphDatabase.driver(settings.neo4j_uri, auth=settings.neo4j_auth)
    yield settings, driver
    driver.close()
    neo4j_server.stop(settings)


@pytest.mark.slow
@pytest.mark.neo4j
def test_neo4j_killed_mid_load_then_reload_matches_clean_load(killable_neo4j, tmp_path: Path) -> None:
    from graph_loader import neo4j_server

    neo4j_settings, neo4j_driver = killable_neo4j
    db = neo4j_settings.neo4j_database
    folder = tmp_path / "articles"
    _corpus(folder, 80, seed=8)
    # Small transactions and batches, so the load is many transactions long and a kill lands in the middle.
    env = _cli_env(neo4j_settings, tmp_path / "home", PORTERO_BATCH_SIZE="25", PORTERO_TRANSACTION_SIZE="100")

    _empty(neo4j_driver, db)
    clean = _load([str(folder)], env)
    expected = _counts(neo4j_driver, db)
    assert expected["nodes"] > 100 and expected["relationships"] > 100, (expected, clean.stderr)

    _empty(neo4j_driver, db)
    proc = subprocess.Popen([sys.executable, "-m", "graph_loader", "load", str(folder), "--to", "neo4j"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
                            stdin=subprocess.DEVNULL)
    try:
        # Wait until part of the graph has landed, then kill the JVM outright.
        deadline = time.monotonic() + 600
        seen = 0
        while time.monotonic() < deadline and proc.poll() is None:
            seen = _node_count(neo4j_driver, db)
            if seen > 0:
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the load finished before the server could be killed"
        pid = neo4j_server.status(neo4j_settings)["pid"]
        assert pid, "no pid for the local Neo4j"
        os.kill(pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # The load reports the lost server in a line, not a traceback, and exits non-zero.
    assert proc.returncode != 0, out[-1000:]
    assert "Traceback" not in err, err[-3000:]
    # Its summary, line by line: every stderr line is ours (no driver log), each file is either written or
    # named, and the last line gives the reason in full.
    lines = err.strip().splitlines()
    assert lines and all(line.startswith("portero: ") for line in lines), err[-3000:]
    assert not any(noise in err for noise in ("will be retried", "defunct", "Failed to read from")), err[-3000:]
    loaded = re.search(r"Loaded (\d+) of (\d+) article file\(s\)", out)
    assert loaded, out[-2000:]
    written, tried = int(loaded.group(1)), int(loaded.group(2))
    assert tried == len(list(folder.glob("*.md")))
    not_written = {line.split(": ")[1] for line in lines if ": not written: " in line}
    # A kill between the server's commit and its reply leaves that transaction's articles unknown: named so.
    perhaps = {line.split(": ")[1] for line in lines if ": perhaps written: " in line}
    refused = {line.split(": ")[1] for line in clean.stderr.splitlines()} - {""}
    assert written + len(not_written | perhaps | refused) == tried, (written, len(not_written), len(perhaps),
                                                                      len(refused), tried)
    assert lines[-1].startswith("portero: Neo4j at ") and f"({written} of {tried} article(s) were written" in lines[-1]
    assert (f"{len(perhaps)} more perhaps" in lines[-1]) == bool(perhaps), lines[-1]

    neo4j_server.start(neo4j_settings)
    # What the summary says was written is what the database holds, give or take the cut-off commit.
    held = neo4j_driver.execute_query("MATCH (a:Article) RETURN count(a) AS c", database_=db).records[0]["c"]
    assert held in {written, written + len(perhaps)}, (held, written, len(perhaps))
    partial = _counts(neo4j_driver, db)
    # What the crash cost before the re-run (shown with pytest -s).
    print(f"\nclean load: {expected['nodes']} nodes, {expected['relationships']} relationships; "
          f"refused: {clean.stderr.strip() or 'none'}\nkilled after {seen} nodes; the load said: {err.strip()}"
          f"\nafter restart: {partial['nodes']} nodes, {partial['relationships']} relationships")
    assert partial["nodes"] < expected["nodes"], (partial, expected)
    again = _load([str(folder)], env)
    assert sorted(again.stderr.splitlines()) == sorted(clean.stderr.splitlines())  # same files refused
    assert _counts(neo4j_driver, db) == expected


# --- a commit whose reply never arrives --------------------------------------------------------------

COMMIT = b"\x00\x02\xb0\x12\x00\x00"  # Bolt's COMMIT message in its chunk: size 2, an empty struct 0x12


class _ReplyLost:
    """A TCP proxy in front of Neo4j that lets everything through until the client commits a transaction
    that merged something; it passes that COMMIT on, waits for the server's answer (so the commit has
    landed), and then closes every connection and stops listening, so the answer never reaches the client."""

    def __init__(self, target_port: int) -> None:
        import socket

        self.target_port, self.cut = target_port, threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.sockets: list = [self.server]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while not self.cut.is_set():
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            self.sockets += [client, upstream]
            answered = threading.Event()  # the server answered on this connection after the cut
            threading.Thread(target=self._pipe, args=(client, upstream, answered, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, answered, False), daemon=True).start()

    def _pipe(self, source, sink, answered: threading.Event, from_client: bool) -> None:
        merged, tail = False, b""
        try:
            while data := source.recv(65536):
                if self.cut.is_set():  # nothing passes after the cut; the server's answer is noted
                    answered.set()
                    return
                seen = tail + data
                merged = merged or b"MERGE" in seen
                if from_client and merged and COMMIT in seen:
                    self.cut.set()  # before the COMMIT goes on, so its answer cannot slip through
                    sink.sendall(data)
                    answered.wait(60)  # the transaction is committed
                    self.close()
                    return
                sink.sendall(data)
                tail = seen[-8:]
        except OSError:
            return

    def close(self) -> None:
        self.cut.set()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


@pytest.mark.neo4j
def test_a_commit_whose_reply_is_lost_names_its_articles_perhaps_written(neo4j_settings: Settings, neo4j_driver,
                                                                        tmp_path: Path) -> None:
    """The server commits, the connection drops before its reply: the articles are "perhaps written"
    (they are in the database), never "not written"; the ones after them are not written."""
    db = neo4j_settings.neo4j_database
    folder = tmp_path / "articles"
    _corpus(folder, 12, seed=5)
    _empty(neo4j_driver, db)
    proxy = _ReplyLost(urlsplit(neo4j_settings.neo4j_uri).port or 7687)
    try:
        # Transactions of about 4 articles, so the cut one is followed by articles never sent.
        env = _cli_env(neo4j_settings, tmp_path / "home", NEO4J_URI=f"bolt://127.0.0.1:{proxy.port}",
                       PORTERO_TRANSACTION_SIZE="150", PORTERO_MAX_RETRY_TIME="2")
        done = subprocess.run([sys.executable, "-m", "graph_loader", "load", str(folder), "--to", "neo4j"],
                              capture_output=True, text=True, env=env, cwd=ROOT, timeout=600,
                              stdin=subprocess.DEVNULL)
    finally:
        proxy.close()
    assert proxy.cut.is_set(), "the load never committed through the proxy"
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    perhaps = [line.split(": ")[1] for line in lines if ": perhaps written: " in line]
    not_written = [line.split(": ")[1] for line in lines if ": not written: " in line]
    assert perhaps and not_written, done.stderr[-3000:]
    assert f"0 of 12 article(s) were written before, {len(perhaps)} more perhaps" in lines[-1], lines[-1]
    held = neo4j_driver.execute_query("MATCH (a:Article) RETURN count(a) AS c", database_=db).records[0]["c"]
    assert held == len(perhaps), (held, perhaps)  # they landed: "not written" would have been wrong


# --- two loads at once ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.neo4j
def test_concurrent_overlapping_loads_match_sequential_union(neo4j_settings: Settings, neo4j_driver,
                                                              tmp_path: Path) -> None:
    db = neo4j_settings.neo4j_database
    paths = _corpus(tmp_path / "all", 50, seed=9)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for p in paths[:32]:
        (a / p.name).write_bytes(p.read_bytes())
    for p in paths[18:]:
        (b / p.name).write_bytes(p.read_bytes())
    env = _cli_env(neo4j_settings, tmp_path / "home", PORTERO_BATCH_SIZE="50",
                   PORTERO_TRANSACTION_SIZE="200")  # many interleaved transactions

    _empty(neo4j_driver, db)
    # The union, loaded sequentially (both folders, one after the other, so the same files are refused).
    _load([str(a)], env)
    _load([str(b)], env)
    expected = _counts(neo4j_driver, db)
    assert expected["nodes"] > 100, expected

    _empty(neo4j_driver, db)
    procs = [subprocess.Popen([sys.executable, "-m", "graph_loader", "load", str(folder), "--to", "neo4j"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
                              stdin=subprocess.DEVNULL) for folder in (a, b)]
    results = [p.communicate(timeout=900) for p in procs]
    for p, (_out, err) in zip(procs, results, strict=True):
        assert p.returncode in (0, 1) and "Traceback" not in err, err[-2000:]
    assert _counts(neo4j_driver, db) == expected


# --- the app with Neo4j unreachable -------------------------------------------------------------------


def _texts(at) -> list[str]:
    out: list[str] = []
    for container in (at.main, at.sidebar):
        for kind in ("markdown", "caption", "text", "error", "warning", "info", "code", "title", "header",
                     "subheader"):
            out.extend(str(e.value) for e in getattr(container, kind))
    return out


def test_app_with_unreachable_neo4j_falls_back_to_embedded(sample_store: Path, monkeypatch,
                                                          tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PORTERO_STORE_KIND", "neo4j")
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    monkeypatch.setenv("PORTERO_STORE", str(sample_store))
    monkeypatch.setenv("PORTERO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warnings = [str(w.value) for w in at.sidebar.warning] + [str(w.value) for w in at.main.warning]
    assert any("Neo4j" in w and ("127.0.0.1:1" in w or "reach" in w.lower() or "connect" in w.lower())
               for w in warnings), warnings
    text = " ".join(_texts(at))
    assert "embedded" in text.lower(), text[:2000]
    # The fallback store is really read: the sidebar counts the sample graph's nodes.
    assert any("nodes" in t and "relationships" in t for t in _texts(at)), _texts(at)
    assert "Traceback" not in text
