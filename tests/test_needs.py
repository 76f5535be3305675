"""The one rule for a missing tool: skip here, fail under CI."""

from __future__ import annotations

import needs
import pytest


def test_a_missing_tool_skips_with_its_reason(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no frobnicator"):
        needs.unavailable("no frobnicator")


def test_under_ci_a_missing_tool_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI needs this, but: no frobnicator"):
        needs.unavailable("no frobnicator")


def test_a_missing_chromium_is_named(monkeypatch, tmp_path):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(needs, "CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(pytest.skip.Exception, match="Debian chromium is not installed"):
        needs.chromium()
