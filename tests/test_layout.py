"""The README's Layout section names each folder and package of the tree, and nothing that is not there."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def layout_paths(text: str) -> list[str]:
    """The paths in the first column of the README's Layout table, without their trailing ``/``.

    >>> layout_paths("## Layout\\n\\n| Path | What |\\n|---|---|\\n| `app/` | the app |\\n\\n## Next\\n| `x/` | y |")
    ['app']
    """
    match = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not match:
        return []
    return [m.group(1).rstrip("/") for m in re.finditer(r"^\| `([^`]+)` \|", match.group(1), re.M)]


def tracked_folders() -> set[str]:
    """Top-level folders holding files git tracks (a local .venv or .portero is not the project's)."""
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True,
                               timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError):
        pytest.skip("not a git clone: the tracked folders are unknown")
    return {f.split("/")[0] for f in files if "/" in f}


def packages() -> set[str]:
    """Every Python package of the library and the app (a folder with ``__init__.py``)."""
    return {str(p.parent.relative_to(ROOT)) for top in ("graph_loader", "app")
            for p in (ROOT / top).rglob("__init__.py") if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def listed() -> list[str]:
    paths = layout_paths(README.read_text(encoding="utf-8"))
    assert paths, "the README has no Layout table"
    return paths


def test_every_listed_path_exists(listed):
    assert [p for p in listed if not (ROOT / p).exists()] == []
    assert len(listed) == len(set(listed))


def test_every_top_level_folder_is_listed(listed):
    assert sorted(tracked_folders() - set(listed)) == []


def test_every_package_is_listed(listed):
    assert {"graph_loader/cli", "graph_loader/store", "app/views"} <= packages()
    assert sorted(packages() - set(listed)) == []
