"""``portero load`` killed with SIGKILL leaves no extraction worker behind.

The workers are forked processes; a parent killed with ``kill -9`` runs no clean-up, so they must end on
their own (Linux's parent-death signal, set by ``graph_loader.loader`` in each forked child).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_data" / "articles"


def _children(pid: int) -> set[int]:
    """Pids whose parent is ``pid`` (from /proc)."""
    out = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing bracket.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.add(int(entry.name))
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return state[state.rindex(")") + 2] != "Z"


@pytest.mark.slow  # a fault test: kills a load and waits for its workers
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_sigkill_of_portero_load_leaves_no_worker(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    samples = sorted(SAMPLES.glob("*.md"))
    assert samples
    for i in range(48):  # enough articles for two workers to be busy for a while
        src = samples[i % len(samples)]
        text = src.read_text(encoding="utf-8").replace("title: ", f"title: Copy {i} of ", 1)
        text = text.replace("url: ", f"url: https://example.org/copy-{i}/", 1)
        (corpus / f"{i:02d}-{src.name}").write_text(text, encoding="utf-8")
    env = {**os.environ, "PORTERO_HOME": str(tmp_path / "home"), "PORTERO_WORKERS": "2"}
    portero = shutil.which("portero") or sys.executable
    cmd = [portero, "load", str(corpus)] if portero != sys.executable else \
        [sys.executable, "-m", "graph_loader", "load", str(corpus)]
    loader = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        workers: set[int] = set()
        while time.monotonic() < deadline and len(workers) < 2 and loader.poll() is None:
            workers = _children(loader.pid)
            time.sleep(0.2)
        assert len(workers) >= 2, "the load ended or never started its workers"
        os.kill(loader.pid, signal.SIGKILL)
        loader.wait(timeout=10)
        time.sleep(5)
        left = {pid for pid in workers if _running(pid)}
        assert not left, f"workers still running 5 s after kill -9 of portero load: {sorted(left)}"
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()
        for pid in _children(1) & workers if "workers" in locals() else ():
            os.kill(pid, signal.SIGKILL)
