"""What a wheel carries besides the package: the Cypher library and the Neo4j launcher's sources.

Building a wheel needs the build backend from PyPI, so the tests read ``pyproject.toml`` instead: every
file the code looks for under ``cypher/`` and ``neo4j_launcher/`` must match a ``data-files`` entry,
installed where :func:`graph_loader.resources.project_dir` looks.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from graph_loader.resources import CLONE, MARKERS, project_dir

PYPROJECT = CLONE / "pyproject.toml"


def _data_files() -> dict[str, list[str]]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["setuptools"]["data-files"]


def _shipped() -> set[str]:
    """Repository paths the wheel installs, each as the path it gets under share/portero/."""
    out = set()
    for target, patterns in _data_files().items():
        assert target.startswith("share/portero/"), target
        for pattern in patterns:
            files = sorted(CLONE.glob(pattern))
            assert files, f"{pattern} matches nothing"
            for f in files:
                installed = f"{target.removeprefix('share/portero/')}/{f.name}"
                assert installed == f.relative_to(CLONE).as_posix(), f"{f} would install as {installed}"
                out.add(installed)
    return out


def test_the_wheel_ships_every_query_the_schema_and_the_launcher_sources():
    needed = {p.relative_to(CLONE).as_posix() for p in (CLONE / "cypher").rglob("*.cypher")}
    needed |= {p.relative_to(CLONE).as_posix() for p in (CLONE / "neo4j_launcher").rglob("*")
               if p.is_file() and (p.name == "pom.xml" or p.suffix == ".java")}
    assert {"cypher/schema.cypher", "cypher/queries/leadership.cypher", "neo4j_launcher/pom.xml"} <= needed
    assert needed <= _shipped()


def test_an_installed_copy_is_found_when_there_is_no_clone(tmp_path: Path):
    installed = tmp_path / "share" / "portero"
    for name, marker in MARKERS.items():
        (installed / name).mkdir(parents=True)
        (installed / name / marker).write_text("", encoding="utf-8")
    for name in MARKERS:
        assert project_dir(name) == CLONE / name  # the clone wins while there is one
        assert project_dir(name, (tmp_path / "no-clone", installed)) == installed / name


def test_the_wheel_ships_the_graph_component_s_own_code():
    """The Explore graph component reads its JS and CSS next to app/graph_component.py at run time."""
    patterns = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]["app"]
    shipped = {f.name for pattern in patterns for f in (CLONE / "app").glob(pattern)}
    assert {"graph_component.js", "graph_component.css"} <= shipped
