"""One neighbourhood per store: ``portero snapshot`` and the app's Snapshot page draw the same nodes.

Both ask the store for its own view (``GraphStore.neighbourhood``, computed in Python by the embedded
store and in Cypher by the Neo4j store) through ``graph_loader.snapshot.snapshot_view``. The cap is set low
so that the ranking decides which nodes are kept: a different tie-break would draw other nodes.
"""

from __future__ import annotations

import re

import pytest
from apptest_support import point_at_neo4j, run_app
from streamlit.runtime.media_file_manager import MediaFileManager

from graph_loader.cli import main
from graph_loader.store import EmbeddedStore, GraphStore, Neo4jStore

CAP = 8  # on the sample corpus, the snapshot command used to keep other nodes than the page here


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, clean_env, sample_store, tmp_path) -> GraphStore:
    """The CLI and the app both read the sample corpus from one store, capped at CAP nodes."""
    clean_env.setenv("PORTERO_VIEW_CAP", str(CAP))
    clean_env.setenv("PORTERO_HOME", str(tmp_path / "home"))
    if request.param == "embedded":
        clean_env.setenv("PORTERO_STORE", str(sample_store))
        return EmbeddedStore(sample_store)
    driver = request.getfixturevalue("loaded_neo4j")
    settings = request.getfixturevalue("neo4j_settings")
    point_at_neo4j(clean_env, settings, tmp_path / "no-store.json")
    return Neo4jStore(driver, settings.neo4j_database, uri=settings.neo4j_uri)


@pytest.fixture
def served(monkeypatch) -> dict[str, bytes]:
    """File name -> bytes of every download the page offers."""
    files: dict[str, bytes] = {}
    real = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name and isinstance(path_or_data, bytes):
            files[file_name] = path_or_data
        return real(self, path_or_data, mimetype, coordinates, file_name=file_name,
                    is_for_static_download=is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return files


def drawn_ids(page: str) -> set[str]:
    """The node ids of a snapshot page's graph (the vis-network data it embeds)."""
    return set(re.findall(r'"id": "([a-z]+:[^"]+)", "label"', page))


@pytest.mark.parametrize("hops", [1, 2])
def test_portero_snapshot_and_the_snapshot_page_draw_the_same_nodes(store, served, tmp_path, capsys, hops):
    hit = max(store.actors(), key=lambda h: (h.degree, h.id))  # the best connected: the cap cuts its view
    out = tmp_path / "cli.html"
    assert main(["snapshot", "--focus", hit.name, "--hops", str(hops), "--format", "html", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "more nodes were left out (PORTERO_VIEW_CAP)" in err  # the ranking chose which to keep
    from_cli = drawn_ids(out.read_text(encoding="utf-8"))
    assert len(from_cli) == CAP and hit.id in from_cli

    at = run_app("views/snapshot.py", focus=hit.id)
    served.clear()
    at.segmented_control(key="s_hops").set_value(hops).run()
    assert not at.exception
    page = next(data for name, data in served.items() if name.endswith(".html")).decode("utf-8")
    assert drawn_ids(page) == from_cli
    # And both are the store's own neighbourhood.
    from graph_loader.snapshot import snapshot_view

    assert set(snapshot_view(store, hit.id, hops, CAP, int(store_hub()))) == from_cli


def store_hub() -> int:
    from graph_loader.settings import load_settings

    return load_settings().hub_degree
