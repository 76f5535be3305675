"""Files ``portero snapshot``, ``portero export`` and the embedded store write get the mode a plain ``open()``
would give them: 0666 less the umask for a new file, an existing file's own mode when it is replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from graph_loader.cli import main


@pytest.fixture
def umask():
    """Set the process umask for a test (restored after)."""
    old = os.umask(0o022)

    def set_umask(value: int) -> None:
        os.umask(value)

    yield set_umask
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o002])
def test_snapshot_and_export_files_have_the_mode_open_gives(mask, umask, clean_env, sample_store, tmp_path):
    clean_env.setenv("PORTERO_STORE", str(sample_store))
    clean_env.setenv("PORTERO_HOME", str(tmp_path / "home"))
    umask(mask)
    snap, export = tmp_path / "out" / "view.svg", tmp_path / "out" / "graph.graphml"
    assert main(["snapshot", "--format", "svg", "-o", str(snap)]) == 0
    assert main(["export", "--format", "graphml", "-o", str(export)]) == 0
    for path in (snap, export):
        assert mode(path) == 0o666 & ~mask, (path.name, oct(mode(path)))
    assert [p.name for p in sorted((tmp_path / "out").iterdir())] == ["graph.graphml", "view.svg"]  # no temp

    # Replacing a file keeps its mode, as open(path, "w") would.
    os.chmod(snap, 0o600)
    os.chmod(export, 0o640)
    assert main(["snapshot", "--format", "svg", "-o", str(snap)]) == 0
    assert main(["export", "--format", "graphml", "-o", str(export)]) == 0
    assert (mode(snap), mode(export)) == (0o600, 0o640)


def test_the_embedded_store_has_the_mode_open_gives(umask, clean_env, tmp_path):
    from graph_loader.graph import add_node, new_graph
    from graph_loader.sinks.embedded import write_store

    umask(0o027)
    g = new_graph()
    add_node(g, "person:ana", "Person", "Ana")
    store = tmp_path / "store" / "graph.json"
    write_store(g, store)
    assert mode(store) == 0o640
