"""Modules in ``graph_loader/`` hold one thing each: none over 600 lines, no function over 60 lines unless
its docstring says why (a paragraph starting ``Long:``)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graph_loader"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
REASON = "Long:"


def too_big(source: str, name: str) -> list[str]:
    """What in ``source`` passes the limits: the module itself, or functions without a reason.

    >>> too_big("def f():\\n" + "    x = 1\\n" * 61, "m.py")
    ['m.py: f is 62 lines (at most 60 without a reason in its docstring)']
    """
    found = []
    lines = len(source.splitlines())
    if lines > MAX_MODULE_LINES:
        found.append(f"{name}: {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and REASON not in (ast.get_docstring(node) or ""):
                found.append(f"{name}: {node.name} is {length} lines (at most {MAX_FUNCTION_LINES} without a "
                             "reason in its docstring)")
    return found


def test_the_limits_are_checked_on_the_whole_package():
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 40 and PACKAGE / "cli" / "__init__.py" in modules


@pytest.mark.parametrize("source, expected", [
    ("x = 1\n" * 601, ["m.py: 601 lines (at most 600)"]),
    ("x = 1\n" * 600, []),
    ('def f():\n    """Long: it reads best in one piece."""\n' + "    x = 1\n" * 61, []),
    ("class A:\n    def f(self):\n" + "        x = 1\n" * 60, ["m.py: f is 61 lines (at most 60 without a "
                                                             "reason in its docstring)"]),
])
def test_the_check_finds_what_passes_the_limits(source, expected):
    assert too_big(source, "m.py") == expected


def test_no_module_or_function_in_graph_loader_is_too_big():
    found = [problem for path in sorted(PACKAGE.rglob("*.py"))
             for problem in too_big(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE.parent)))]
    assert found == []
