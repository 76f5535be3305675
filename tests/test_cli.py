"""The ``portero`` command line, run in-process through ``main`` and once as ``python -m graph_loader``.

Settings come from the environment, as for a user: each test sets it to point at a temporary home and
at the test Neo4j.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import N_SAMPLES, ROOT, SAMPLE_ARTICLES

from graph_loader.cli import build_parser, main
from graph_loader.sinks.embedded import read_store, write_store

SECRET = "s3cr3t-pa55word-xyz"

# Written for these tests in our own words.
NEW_ARTICLE = """---
title: Navy detains a suspected cartel financier
published: 2024-03-01
---
Mexico's Secretariat of the Navy detained a suspected financier of the Sinaloa Cartel in Culiacán on Friday.
"""

BAD_INPUTS = {  # file name, content (None: the file is not created), problem named in the error line
    "empty": ("empty.md", b"", "empty file"),
    "binary": ("scan.txt", b"%PDF-1.7\n\x00\x00\x01\x02binary", "binary file"),
    "latin1": ("latin1.txt", "Secretaría de Marina, año 2024.".encode("latin-1"), "not valid UTF-8"),
    "front_matter": ("front.md", b"---\ntitle: [unclosed\n---\nThe Navy spoke.\n", "malformed front matter"),
    "unclosed_front_matter": ("open.md", b"---\ntitle: The Navy\nThe Navy spoke.\n",
                              "front matter opened by '---' on line 1 is never closed"),
    "missing": ("missing.md", None, "no such file or folder"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(monkeypatch, tmp_path) -> dict[str, str]:
    """A clean environment: no NEO4J_* or PORTERO_* from outside, a temporary home."""
    for name in list(os.environ):
        if name.startswith(("NEO4J_", "PORTERO_")):
            monkeypatch.delenv(name)
    values = {"PORTERO_HOME": str(tmp_path / "home")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


@pytest.fixture
def neo4j_env(env, monkeypatch, neo4j_settings) -> dict[str, str]:
    """The environment pointing ``portero`` at the test Neo4j."""
    values = {"NEO4J_URI": neo4j_settings.neo4j_uri, "NEO4J_DATABASE": neo4j_settings.neo4j_database,
              "NEO4J_USERNAME": neo4j_settings.neo4j_username}
    if neo4j_settings.neo4j_password:
        values["NEO4J_PASSWORD"] = neo4j_settings.neo4j_password
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return {**env, **values}


def counts(driver, db: str) -> tuple[int, int]:
    n = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=db).records[0]["c"]
    r = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=db).records[0]["c"]
    return n, r


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# ------------------------------------------------------------------------------------------ load


@pytest.mark.neo4j
def test_load_into_neo4j_twice_gives_identical_counts(neo4j_env, empty_neo4j, neo4j_settings, sample_graph,
                                                     capsys):
    db = neo4j_settings.neo4j_database
    assert main(["load", str(SAMPLE_ARTICLES), "--to", "neo4j"]) == 0
    out = capsys.readouterr()
    first = counts(empty_neo4j, db)
    assert first == (sample_graph.number_of_nodes(), sample_graph.number_of_edges())
    assert f"Loaded {N_SAMPLES} of {N_SAMPLES} article file(s) into Neo4j at {neo4j_env['NEO4J_URI']}" in out.out
    assert f"The graph now holds {first[0]} nodes and {first[1]} relationships." in out.out
    assert "Traceback" not in out.err

    assert main(["load", str(SAMPLE_ARTICLES), "--to", "neo4j", "--no-progress"]) == 0
    out = capsys.readouterr()
    assert counts(empty_neo4j, db) == first
    assert "nothing new" in out.out


@pytest.mark.neo4j
def test_python_dash_m_graph_loader_is_the_entry_point(neo4j_env, loaded_neo4j, neo4j_settings, tmp_path):
    db = neo4j_settings.neo4j_database
    before = counts(loaded_neo4j, db)
    run_env = {**{k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PORTERO_"))},
               **neo4j_env, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "graph_loader", "load", str(SAMPLE_ARTICLES), "--to", "neo4j"],
                          cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert f"Loaded {N_SAMPLES} of {N_SAMPLES} article file(s)" in proc.stdout
    assert counts(loaded_neo4j, db) == before  # the sample graph was already there: nothing new

    proc = subprocess.run([sys.executable, "-m", "graph_loader", "load", str(tmp_path / "nothing.md")],
                          cwd=tmp_path, env=run_env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1
    assert error_lines(proc.stderr) == [f"portero: {tmp_path / 'nothing.md'}: no such file or folder"]


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_is_one_line_and_the_rest_still_loads(kind, env, tmp_path, sample_graph, capsys):
    store = Path(env["PORTERO_HOME"]) / "graph.json"
    write_store(sample_graph, store)  # what was already there
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "navy.md").write_text(NEW_ARTICLE, encoding="utf-8")
    name, content, problem = BAD_INPUTS[kind]
    bad = folder / name
    if content is not None:
        bad.write_bytes(content)

    assert main(["load", str(folder / "navy.md"), str(bad)]) == 1
    out = capsys.readouterr()
    lines = error_lines(out.err)
    assert len(lines) == 1, out.err
    assert lines[0].startswith(f"portero: {bad}: ") and problem in lines[0]
    assert "Loaded 1 of 2 article file(s)" in out.out
    g = read_store(store)
    assert set(sample_graph.nodes) < set(g.nodes)  # nothing lost, the good file added
    assert set(sample_graph.edges(keys=True)) <= set(g.edges(keys=True))
    assert "Culiacán" in {d["name"] for _, d in g.nodes(data=True)}


@pytest.mark.neo4j
def test_bad_inputs_into_neo4j_keep_what_was_there(neo4j_env, loaded_neo4j, neo4j_settings, sample_graph,
                                                  tmp_path, capsys):
    db = neo4j_settings.neo4j_database
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "navy.md").write_text(NEW_ARTICLE, encoding="utf-8")
    paths = [str(folder / "navy.md")]
    for name, content, _ in BAD_INPUTS.values():
        if content is not None:
            (folder / name).write_bytes(content)
        paths.append(str(folder / name))

    assert main(["load", *paths, "--to", "neo4j"]) == 1
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == len(BAD_INPUTS)
    for name, _, problem in BAD_INPUTS.values():
        assert sum(line.startswith(f"portero: {folder / name}: ") and problem in line for line in lines) == 1
    ids = {r["id"] for r in loaded_neo4j.execute_query("MATCH (n) RETURN n.id AS id", database_=db).records}
    assert set(sample_graph.nodes) < ids
    assert "place:culiacan" in ids


@pytest.mark.neo4j
def test_unreachable_neo4j_names_the_uri_not_the_password(neo4j_env, loaded_neo4j, neo4j_settings, sample_graph,
                                                          monkeypatch, capsys):
    db = neo4j_settings.neo4j_database
    before = counts(loaded_neo4j, db)
    store = Path(neo4j_env["PORTERO_HOME"]) / "graph.json"
    write_store(sample_graph, store)
    store_bytes = store.read_bytes()
    uri = f"bolt://127.0.0.1:{free_port()}"
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_PASSWORD", SECRET)

    assert main(["load", str(SAMPLE_ARTICLES), "--to", "neo4j"]) == 1
    out = capsys.readouterr()
    lines = error_lines(out.err)
    assert len(lines) == 1 and lines[0].startswith(f"portero: Neo4j at {uri} is unreachable: ")
    assert SECRET not in out.err + out.out
    assert counts(loaded_neo4j, db) == before
    assert store.read_bytes() == store_bytes


def test_a_corrupt_store_is_reported_and_kept(env, capsys):
    store = Path(env["PORTERO_HOME"]) / "graph.json"
    store.parent.mkdir(parents=True)
    store.write_text('{"nodes": [', encoding="utf-8")
    assert main(["load", str(SAMPLE_ARTICLES)]) == 1
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith(f"portero: {store}: corrupt store")
    assert store.read_text(encoding="utf-8") == '{"nodes": ['


def test_a_malformed_setting_is_one_line(env, monkeypatch, capsys):
    monkeypatch.setenv("PORTERO_BATCH_SIZE", "lots")
    assert main(["load", str(SAMPLE_ARTICLES)]) == 1
    assert error_lines(capsys.readouterr().err) == ["portero: PORTERO_BATCH_SIZE='lots' is not a valid int"]


def test_a_bad_published_date_is_one_line(env, capsys):
    assert main(["load", str(SAMPLE_ARTICLES), "--published", "yesterday"]) == 1
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith("portero: --published: ")
    assert not (Path(env["PORTERO_HOME"]) / "graph.json").exists()


# ------------------------------------------------------------------------------------------ extract


def test_extract_prints_the_extraction_as_json(env, capsys):
    article = sorted(SAMPLE_ARTICLES.glob("*.md"))[0]
    assert main(["extract", str(article), "--json", "--published", "2001-02-03"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) >= {"article", "entities", "events", "relations", "claims"}
    assert data["article"]["published"] == "2001-02-03"
    assert data["entities"] and all({"name", "type", "aliases"} <= set(e) for e in data["entities"])
    types = {e["type"] for e in data["entities"]}
    assert types <= {"Person", "Agency", "Country", "Administration", "Organization", "Initiative", "Law", "Place"}


def test_extract_keeps_accents_unescaped(env, tmp_path, capsys):
    article = tmp_path / "navy.md"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    assert main(["extract", str(article), "--json"]) == 0
    out = capsys.readouterr().out
    assert "Culiacán" in out and "\\u00e1" not in out
    assert [e["name"] for e in json.loads(out)["entities"] if e["type"] == "Place"] == ["Culiacán"]


def test_extract_without_json_is_a_readable_listing(env, tmp_path, capsys):
    article = tmp_path / "navy.md"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    assert main(["extract", str(article)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{article}: Navy detains a suspected cartel financier (2024-03-01)"
    assert any(line.split()[:5] == ["Agency", "Secretariat", "of", "the", "Navy"] for line in out.splitlines())


def test_extract_says_the_language_it_read(env, tmp_path, capsys):
    spanish = tmp_path / "marina.md"
    spanish.write_text("---\ntitle: Marina\n---\nLa Secretaría de Marina detuvo el martes a un presunto operador "
                       "financiero del Cártel de Sinaloa en Culiacán.\n", encoding="utf-8")
    assert main(["extract", str(spanish)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[1] == "  read as Spanish"  # detected: the front matter names no language
    assert main(["extract", str(spanish), "--json"]) == 0
    assert f"{spanish}: read as Spanish" in capsys.readouterr().err


def test_extract_of_a_bad_file_is_one_line(env, tmp_path, capsys):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("año".encode("latin-1"))
    assert main(["extract", str(bad), "--json"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert error_lines(out.err) == [f"portero: {bad}: not valid UTF-8 (byte 1); save the file as UTF-8"]


# ------------------------------------------------------------------------------- the other verbs


def test_every_verb_of_the_design_is_there():
    parser = build_parser()
    verbs = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    assert set(verbs) == {"neo4j", "load", "extract", "query", "export", "snapshot", "serve"}
    args = parser.parse_args(["query", "leadership", "--param", "body=DEA", "--param", "n=2", "--format", "csv"])
    assert (args.query, args.param, args.format) == ("leadership", ["body=DEA", "n=2"], "csv")
    args = parser.parse_args(["snapshot", "--focus", "DEA", "--hops", "2", "--format", "svg", "-o", "x.svg"])
    assert (args.focus, args.hops, args.format, args.output) == ("DEA", 2, "svg", "x.svg")


def test_export_dispatches_to_the_exporters(env, sample_store, sample_graph, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PORTERO_STORE", str(sample_store))
    out = tmp_path / "graph.json"
    assert main(["export", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) == sample_graph.number_of_nodes()
    assert str(out) in capsys.readouterr().out


def test_export_of_a_missing_store_is_one_line(env, tmp_path, capsys):
    assert main(["export", "--format", "graphml", "-o", str(tmp_path / "g.graphml")]) == 1
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and str(Path(env["PORTERO_HOME"]) / "graph.json") in lines[0]
    assert not (tmp_path / "g.graphml").exists()


def test_snapshot_dispatches_to_the_snapshot(env, sample_store, monkeypatch, tmp_path):
    monkeypatch.setenv("PORTERO_STORE", str(sample_store))
    out = tmp_path / "snap.html"
    assert main(["snapshot", "--focus", "Drug Enforcement Administration", "--hops", "1",
                 "--format", "html", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<html" in html.lower() and "Drug Enforcement Administration" in html


def test_snapshot_refuses_negative_hops(env, tmp_path, capsys):
    assert main(["snapshot", "--hops", "-1", "--format", "png", "-o", str(tmp_path / "x.png")]) == 1
    assert error_lines(capsys.readouterr().err) == ["portero: --hops -1: must be 0 or more"]


@pytest.mark.neo4j
def test_query_dispatches_to_the_query_runner(neo4j_env, loaded_neo4j, sample_graph, capsys):
    people = sum(1 for _, d in sample_graph.nodes(data=True) if d["label"] == "Person")
    assert main(["query", "MATCH (p:Person) RETURN count(p) AS people", "--format", "json"]) == 0
    assert str(people) in capsys.readouterr().out


def query_examples() -> list[str]:
    """Every ``portero query`` line of the README's (and docs/'s) fenced bash blocks, comments dropped."""
    found = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]:
        for block in re.findall(r"^```(?:bash|sh|shell|console)\n(.*?)^```", doc.read_text(encoding="utf-8"),
                                re.S | re.M):
            for line in re.sub(r"\\\n", " ", block).splitlines():  # continued lines joined
                line = line.strip().removeprefix("$ ")
                if line.split()[:2] == ["portero", "query"]:
                    found.append(shlex.join(shlex.split(line, comments=True)))
    return found


def test_the_readme_has_query_examples():
    assert any("timeline" in x for x in query_examples())


@pytest.mark.neo4j
@pytest.mark.parametrize("example", query_examples())
def test_every_query_example_of_the_readme_returns_rows(example, neo4j_env, loaded_neo4j, monkeypatch,
                                                        capsys):
    monkeypatch.chdir(ROOT)  # the examples name files relative to the clone
    args = build_parser().parse_args(shlex.split(example)[1:])
    assert main(shlex.split(example)[1:]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    if args.format == "json":
        rows = json.loads(out)
    elif args.format == "csv":
        rows = out.splitlines()[1:]
    else:
        rows = [] if out.strip() == "(no rows)" else out.splitlines()[1:]
    assert len(rows) >= 1, f"{example} printed no rows:\n{out}"


@pytest.mark.parametrize(("arg", "expected"), [
    ("timline", "portero: no query named 'timline' in the library; did you mean 'timeline'?"),
    ("Leadrship", "portero: no query named 'Leadrship' in the library; did you mean 'leadership'?"),
    ("shortest-path", "portero: no query named 'shortest-path' in the library; did you mean 'shortest_paths'?"),
    ("timline.cypher", "portero: timline.cypher: no such file, and no query named 'timline' in the library; "
                       "did you mean 'timeline'?"),
])
def test_a_mistyped_library_name_is_one_line_with_the_nearest_name(arg, expected, env, monkeypatch, capsys):
    # Neo4j is unreachable: the name is judged before any server is asked (exit 2, bad input, not 1).
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    assert main(["query", arg]) == 2
    captured = capsys.readouterr()
    assert error_lines(captured.err) == [expected]
    assert captured.out == ""


def test_a_name_far_from_any_library_query_lists_the_library(env, monkeypatch, capsys):
    from graph_loader.cypher_library import list_queries

    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    assert main(["query", "nonexistent_query"]) == 2
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1
    assert lines[0].startswith("portero: no query named 'nonexistent_query' in the library; its queries: ")
    assert "FOREACH" not in lines[0]  # not Neo4j's syntax error
    assert all(q.name in lines[0] for q in list_queries())


@pytest.mark.parametrize("arg", ["RETURN", "match", "timeline.cypher", "timeline"])
def test_cypher_words_and_library_names_still_go_to_neo4j(arg, env, monkeypatch, capsys):
    # A keyword is Cypher (Neo4j judges it) and a library name (with .cypher or without, from any folder)
    # runs: both reach the server, here unreachable, so exit 1 naming its URI.
    uri = f"bolt://127.0.0.1:{free_port()}"
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.chdir(env["PORTERO_HOME"].rsplit("/", 1)[0])
    assert main(["query", arg]) == 1
    assert f"cannot reach Neo4j at {uri}" in capsys.readouterr().err


def test_neo4j_status_of_a_remote_server(env, monkeypatch, capsys):
    monkeypatch.setenv("NEO4J_URI", "bolt://example.invalid:7687")
    assert main(["neo4j", "status"]) == 0
    out = capsys.readouterr().out
    assert "uri: bolt://example.invalid:7687" in out and "not managed here" in out


def test_neo4j_status_of_a_stopped_local_server(env, monkeypatch, capsys):
    monkeypatch.setenv("PORTERO_NEO4J_PORT", str(free_port()))
    assert main(["neo4j", "status"]) == 3  # as `service ... status` for a stopped service
    out = capsys.readouterr().out
    assert "state: stopped" in out
    assert f"home: {env['PORTERO_HOME']}" in out.splitlines()


def test_neo4j_start_error_is_one_line(env, monkeypatch, capsys):
    monkeypatch.setenv("PORTERO_NEO4J_PORT", str(free_port()))
    monkeypatch.setenv("PORTERO_NEO4J_HEAP", "a lot")
    assert main(["neo4j", "start"]) == 1
    lines = error_lines(capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith("portero: ") and "'a lot'" in lines[0]


def test_serve_refuses_a_bad_port(env, capsys):
    assert main(["serve", "--port", "70000"]) == 1
    assert error_lines(capsys.readouterr().err) == ["portero: --port 70000: must be between 1 and 65535"]


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_serve_runs_the_app_on_localhost_and_stops_with_it(env, sample_store, tmp_path):
    port = free_port()
    run_env = {**{k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "PORTERO_"))},
               **env, "PORTERO_STORE": str(sample_store), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "graph_loader", "serve", "--port", str(port)], cwd=tmp_path,
                            env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    children: list[int] = []
    try:
        deadline, health = time.monotonic() + 120, ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    health = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert health == "ok", f"the app did not answer (exit {proc.poll()})"
        outside = [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
        for address in outside:  # listening on loopback only
            with socket.socket() as s:
                s.settimeout(2)
                assert s.connect_ex((address, port)) != 0
        children = _children(proc.pid)
        assert children, "streamlit runs as a child of portero"

        proc.terminate()  # as a service manager would stop it: Streamlit must not be left behind
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(c) for c in children)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for child in children:
            if _alive(child):
                os.kill(child, 9)


# ------------------------------------------------------------------------------------------ data folder


def test_the_graph_is_in_the_user_data_folder_wherever_the_command_runs(env, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("PORTERO_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # where platformdirs puts it on Linux
    article = tmp_path / "navy.md"
    article.write_text(NEW_ARTICLE, encoding="utf-8")
    for where in ("one", "two"):
        (tmp_path / where).mkdir()
        monkeypatch.chdir(tmp_path / where)
        assert main(["load", str(article), "--no-progress"]) == 0
    store = tmp_path / "xdg" / "portero-graph" / "graph.json"
    out = capsys.readouterr().out
    assert out.count(f"into the embedded store {store}\n") == 2  # the full path, both times
    assert "nothing new" in out.split(str(store), 2)[2]  # the second load found the first one's graph
    assert store.is_file()
    assert not any((tmp_path / "one").iterdir()) and not any((tmp_path / "two").iterdir())


def test_a_relative_portero_home_is_printed_in_full(env, monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORTERO_HOME", "here")
    monkeypatch.setenv("PORTERO_NEO4J_PORT", str(free_port()))
    assert main(["neo4j", "status"]) == 3
    lines = capsys.readouterr().out.splitlines()
    assert f"home: {tmp_path / 'here'}" in lines
    assert f"data_dir: {(tmp_path / 'here' / 'neo4j').resolve()}" in lines
