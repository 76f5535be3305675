"""Where the project's files that live beside the package are: the Cypher library and the Neo4j launcher.

In a clone (or an editable install) they are the repository's ``cypher/`` and ``neo4j_launcher/``; a
wheel installs copies under ``<prefix>/share/portero/`` (``[tool.setuptools.data-files]`` in
``pyproject.toml``), since they are not Python packages.

>>> project_dir("cypher").name
'cypher'
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

CLONE = Path(__file__).resolve().parent.parent
INSTALLED = Path(sys.prefix) / "share" / "portero"
# A file each folder must hold, to tell a real copy from a stray folder of the same name.
MARKERS = {"cypher": "schema.cypher", "neo4j_launcher": "pom.xml"}


def project_dir(name: str, roots: Sequence[Path] = (CLONE, INSTALLED)) -> Path:
    """The first of ``roots / name`` holding its marker file; else the clone's, so errors name it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     (Path(tmp) / "cypher").mkdir()
    ...     _ = (Path(tmp) / "cypher" / "schema.cypher").write_text("")
    ...     project_dir("cypher", (Path(tmp) / "nowhere", Path(tmp))) == Path(tmp) / "cypher"
    True
    """
    for root in roots:
        if (root / name / MARKERS[name]).is_file():
            return root / name
    return roots[0] / name
