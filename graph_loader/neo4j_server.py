"""Start, stop and inspect the local Neo4j Community 5.26 server (Bolt on 127.0.0.1 only).

The server is the small Java entry point in ``neo4j_launcher/`` run on the unshaded Neo4j jars from Maven
Central. The first :func:`start` builds it with Maven into ``HOME/neo4j-lib`` (``classes/`` and ``lib/``,
outside the git tree); later starts reuse that build until the pom or the Java source change. The server's
home is :attr:`Settings.neo4j_data_path`: the store is in ``data/``, Neo4j's logs in ``logs/``, and the
launcher's own output and pid file sit next to them (:data:`LOG_NAME`, :data:`PID_NAME`).

With ``NEO4J_PASSWORD`` set the server requires it for user ``neo4j`` (it is passed to the JVM through the
environment, never on the command line, and never written to a log or an error message); without it auth
is off. When ``NEO4J_URI`` points at another server there is nothing local to start or stop.

:func:`admin_import` runs ``neo4j-admin database import full`` from the same jars (``org.neo4j.cli.AdminTool``
of ``neo4j-command-line`` with the importer of ``neo4j-import-tool``) on a folder ``portero export --format
csv`` wrote, into the stopped server's store.

>>> from graph_loader.settings import load_settings
>>> status(load_settings({"NEO4J_URI": "bolt://example.invalid:7687"}))["local"]
False
>>> _java_major('openjdk version "17.0.15" 2025-04-15'), _java_major('java version "1.8.0_402"')
(17, 8)
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from graph_loader.neo4j_connection import Neo4jConnectError, connect, masked, one_line
from graph_loader.resources import project_dir
from graph_loader.settings import Settings

log = logging.getLogger(__name__)

LAUNCHER_DIR = project_dir("neo4j_launcher")
POM = LAUNCHER_DIR / "pom.xml"
MAIN_CLASS = "org.portero.LocalNeo4j"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"  # what Neo4j's bin/neo4j-admin runs
IMPORT_SCRIPT = "neo4j-admin-import.sh"  # written by graph_loader.exporters.neo4j_csv
READY_MARK = "PORTERO_NEO4J_READY"
PASSWORD_ENV = "PORTERO_NEO4J_INITIAL_PASSWORD"
PID_NAME = "portero-neo4j.pid"
LOG_NAME = "portero-neo4j.log"
BUILD_DIR_NAME = "neo4j-lib"
SUPPORTED_JAVA = range(17, 22)
STOP_TIMEOUT = 60.0

MISSING_JAVA = ("Java 17 is needed to run the local Neo4j: install openjdk-17-jre-headless, "
                "or point NEO4J_URI at another Neo4j 5")
MISSING_MAVEN = ("Maven is needed to build the local Neo4j launcher the first time: install maven, "
                 "or point NEO4J_URI at another Neo4j 5")

# JVM flags of Neo4j 5.26's own neo4j.conf (the --add-opens and --enable-native-access ones are required:
# without java.base/java.nio open, start-up fails). Heap (-Xms/-Xmx) is added from the settings.
JVM_FLAGS: tuple[str, ...] = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)

# Neo4j's own neo4j.conf leaves -XX:+ExitOnOutOfMemoryError commented out, and so does this list: with the
# transaction memory limits below a query meets a memory error of its own first, and should one still
# exhaust the heap, the JVM throws in that query's thread instead of ending the server for every client.

_MEMORY = re.compile(r"^[1-9][0-9]*[kKmMgG]$")
_UNITS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
# Neo4j's forms of db.tx_log.rotation.retention_policy; "false" keeps only what recovery needs.
_RETENTION = re.compile(r"^(true|false|[1-9][0-9]*[kKmMgG]? (files|size|txs|entries|hours|days))$")
# Servers started by this Python process, kept so they are reaped (no zombie, no ResourceWarning).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class Neo4jServerError(RuntimeError):
    """The local Neo4j server cannot be built, started or stopped; the message is one line."""


# ---------------------------------------------------------------- paths


def build_dir(settings: Settings) -> Path:
    """Folder holding the compiled launcher (``classes/``) and the Neo4j jars (``lib/``)."""
    return settings.home.resolve() / BUILD_DIR_NAME


def data_dir(settings: Settings) -> Path:
    """Home folder of the local server (store in ``data/``, Neo4j logs in ``logs/``)."""
    return settings.neo4j_data_path.resolve()


def pid_file(settings: Settings) -> Path:
    return data_dir(settings) / PID_NAME


def log_file(settings: Settings) -> Path:
    return data_dir(settings) / LOG_NAME


def neo4j_version() -> str:
    """The Neo4j version pinned in the launcher's pom.xml."""
    match = re.search(r"<neo4j\.version>([^<]+)</neo4j\.version>", POM.read_text(encoding="utf-8"))
    if not match:
        raise Neo4jServerError(f"no <neo4j.version> in {POM}")
    return match.group(1).strip()


# ---------------------------------------------------------------- tools


def _java_major(version_text: str) -> int | None:
    match = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def _find_java() -> str:
    java = shutil.which("java")
    if not java:
        raise Neo4jServerError(MISSING_JAVA)
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise Neo4jServerError(f"{MISSING_JAVA} ({java} -version failed: {exc})") from exc
    major = _java_major(out.stderr + out.stdout)
    if major not in SUPPORTED_JAVA:
        found = f"Java {major}" if major else "an unknown Java version"
        raise Neo4jServerError(f"Neo4j 5.26 runs on Java 17 to 21 but {java} is {found}: "
                               "install openjdk-17-jre-headless, or point NEO4J_URI at another Neo4j 5")
    return java


def _source_digest() -> str:
    digest = hashlib.sha256()
    for path in [POM, *sorted((LAUNCHER_DIR / "src").rglob("*.java"))]:
        digest.update(path.relative_to(LAUNCHER_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (so two starts cannot race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_built(settings: Settings) -> Path:
    """Build the launcher with Maven unless :func:`build_dir` is up to date; return that folder."""
    out = build_dir(settings)
    stamp = out / "build.stamp"
    with _locked(out.parent / f"{BUILD_DIR_NAME}.lock"):
        digest = _source_digest()
        classes = out / "classes" / Path(*MAIN_CLASS.split(".")).with_suffix(".class")
        if classes.is_file() and stamp.is_file() and stamp.read_text().strip() == digest:
            return out
        mvn = shutil.which("mvn")
        if not mvn:
            raise Neo4jServerError(MISSING_MAVEN)
        # A stale lib/ (e.g. jars of an older Neo4j patch) must not end up on the class path.
        shutil.rmtree(out, ignore_errors=True)
        log.info("building the local Neo4j %s launcher into %s (first start only)", neo4j_version(), out)
        began = time.monotonic()
        cmd = [mvn, "-q", "-B", "-f", str(POM), f"-Dportero.build={out}", "compile"]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise Neo4jServerError("Maven took over 30 minutes to build the Neo4j launcher") from exc
        if done.returncode != 0:
            tail = one_line(" | ".join((done.stdout + done.stderr).strip().splitlines()[-8:]))
            raise Neo4jServerError(
                f"Maven could not build the Neo4j launcher (exit {done.returncode}): {tail}")
        if not classes.is_file() or not any((out / "lib").glob("neo4j-*.jar")):
            raise Neo4jServerError(f"Maven finished but {out} lacks the launcher classes or the Neo4j jars")
        stamp.write_text(digest + "\n")
        log.info("built the Neo4j launcher in %.1f s", time.monotonic() - began)
        return out


# ---------------------------------------------------------------- process helpers


def _read_pid(settings: Settings) -> int | None:
    try:
        return int(pid_file(settings).read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    """True when ``pid`` is a running (not zombie) process of our launcher."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        del _CHILDREN[pid]
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process reusing the pid
    proc = Path(f"/proc/{pid}")
    if proc.is_dir():
        try:
            if ") Z" in (proc / "stat").read_text():
                return False
            return MAIN_CLASS.encode() in (proc / "cmdline").read_bytes()
        except OSError:
            return False
    return True


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _connect_error(settings: Settings, timeout: float = 3.0) -> Exception | None:
    """None when the driver can connect (and authenticate), else the driver's exception."""
    try:
        connect(settings, connect_timeout=timeout, pool_size=1).close()
    except Neo4jConnectError as exc:
        return exc.cause or exc
    except Exception as exc:  # any other failure also means "not reachable"
        return exc
    return None


def _is_auth_error(exc: Exception) -> bool:
    from neo4j.exceptions import AuthError

    return isinstance(exc, AuthError)


def _log_tail(settings: Settings, lines: int = 12) -> str:
    """Last lines of the launcher's log on one line (password masked, just in case)."""
    try:
        text = log_file(settings).read_text(errors="replace")
    except OSError:
        return "(no log)"
    wanted = [x for x in text.splitlines() if x.strip() and not x.startswith("\tat ")][-lines:]
    return (masked(" | ".join(wanted), settings) or "(empty log)")[-1500:]


def _log_has_ready(settings: Settings) -> bool:
    try:
        return READY_MARK in log_file(settings).read_text(errors="replace")
    except OSError:
        return False


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.2)
    return not _alive(pid)


def _wait_ready(settings: Settings, pid: int, timeout: float) -> None:
    """Wait until the server at ``pid`` accepts Bolt connections; raise if it dies or times out."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not _alive(pid):
            pid_file(settings).unlink(missing_ok=True)
            raise Neo4jServerError(f"the local Neo4j exited during start-up; {log_file(settings)} ends: "
                                   f"{_log_tail(settings)}")
        if _log_has_ready(settings):
            last = _connect_error(settings)
            if last is None:
                return
            if _is_auth_error(last):
                raise Neo4jServerError("the local Neo4j refused the password in NEO4J_PASSWORD")
        time.sleep(0.3)
    reason = f" (last error: {type(last).__name__})" if last else ""
    _terminate(pid)
    pid_file(settings).unlink(missing_ok=True)
    raise Neo4jServerError(f"the local Neo4j did not accept connections within {timeout:g} s{reason}; "
                           f"{log_file(settings)} ends: {_log_tail(settings)}")


def _terminate(pid: int, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM (clean shutdown through the launcher's hook), then SIGKILL after ``timeout`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if _wait_gone(pid, timeout):
        return
    log.warning("the local Neo4j (pid %d) ignored SIGTERM for %g s; killing it", pid, timeout)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    _wait_gone(pid, 10.0)


# ---------------------------------------------------------------- public API


def memory_bytes(size: str) -> int:
    """Bytes in a JVM memory size such as ``512m``.

    >>> memory_bytes("512m"), memory_bytes("2G")
    (536870912, 2147483648)
    """
    return int(size[:-1]) * _UNITS[size[-1].lower()]


def transaction_memory(heap: str) -> tuple[str, str]:
    """``db.memory.transaction.max`` and ``dbms.memory.transaction.total.max`` for a heap size.

    One transaction may take a quarter of the heap and all of them together half of it, so the rest of
    the heap (page cache structures, Bolt buffers, the query caches) always has room.

    >>> transaction_memory("512m")
    ('128m', '256m')
    """
    mib = memory_bytes(heap) >> 20
    return f"{max(16, mib // 4)}m", f"{max(32, mib // 2)}m"


def java_command(settings: Settings, java: str = "java") -> list[str]:
    """The full command line that runs the local server (it holds no secret)."""
    for name, value in (("PORTERO_NEO4J_HEAP", settings.neo4j_heap),
                        ("PORTERO_NEO4J_PAGECACHE", settings.neo4j_pagecache)):
        if not _MEMORY.match(value):
            raise Neo4jServerError(f"{name}={value!r} is not a memory size like 512m or 1g")
    if not _RETENTION.match(settings.neo4j_tx_logs):
        raise Neo4jServerError(f"PORTERO_NEO4J_TX_LOGS={settings.neo4j_tx_logs!r} is not a retention like "
                               "'1G size', '4 files', '2 days' or 'false' (keep only what recovery needs)")
    out = build_dir(settings)
    tx_max, tx_total = transaction_memory(settings.neo4j_heap)
    return [java, f"-Xms{settings.neo4j_heap}", f"-Xmx{settings.neo4j_heap}", *JVM_FLAGS,
            f"-Dportero.tx_memory_max={tx_max}", f"-Dportero.tx_memory_total_max={tx_total}",
            "-cp", f"{out / 'lib'}/*:{out / 'classes'}", MAIN_CLASS,
            str(data_dir(settings)), str(settings.neo4j_port), settings.neo4j_pagecache,
            settings.neo4j_tx_logs]


def start(settings: Settings) -> str:
    """Start the local Neo4j (building it first if needed), wait until Bolt answers; return its URI.

    Returns at once when it is already running, and does nothing when ``NEO4J_URI`` names another server.
    """
    uri = settings.neo4j_uri
    if not settings.neo4j_is_local:
        return uri
    data = data_dir(settings)
    data.mkdir(parents=True, exist_ok=True)
    with _locked(data / "portero-neo4j.lock"):
        pid = _read_pid(settings)
        if pid is not None and _alive(pid):
            _wait_ready(settings, pid, settings.neo4j_start_timeout)
            return uri
        pid_file(settings).unlink(missing_ok=True)
        java = _find_java()
        java_command(settings, java)  # check the settings before a long build
        if not _port_free(settings.neo4j_port):
            raise Neo4jServerError(f"port {settings.neo4j_port} on 127.0.0.1 is taken by another program: "
                                   "stop it or set PORTERO_NEO4J_PORT to a free port")
        ensure_built(settings)

        env = {k: v for k, v in os.environ.items() if k not in (PASSWORD_ENV, "NEO4J_PASSWORD")}
        if settings.neo4j_password:
            env[PASSWORD_ENV] = settings.neo4j_password
        logf = log_file(settings)
        if logf.exists():
            logf.replace(logf.with_name(LOG_NAME + ".1"))
        began = time.monotonic()
        with open(logf, "wb") as out:
            proc = subprocess.Popen(java_command(settings, java), cwd=data, env=env, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _CHILDREN[proc.pid] = proc
        pid_file(settings).write_text(f"{proc.pid}\n")
        log.info("starting the local Neo4j %s (pid %d) on %s", neo4j_version(), proc.pid, uri)
        _wait_ready(settings, proc.pid, settings.neo4j_start_timeout)
        log.info("the local Neo4j is ready on %s after %.1f s", uri, time.monotonic() - began)
        return uri


def stop(settings: Settings) -> bool:
    """Stop the local Neo4j cleanly (SIGTERM; SIGKILL only after 60 s). False when it was not running."""
    if not settings.neo4j_is_local:
        return False
    pid = _read_pid(settings)
    if pid is None or not _alive(pid):
        pid_file(settings).unlink(missing_ok=True)
        return False
    log.info("stopping the local Neo4j (pid %d)", pid)
    _terminate(pid)
    if _alive(pid):
        raise Neo4jServerError(f"the local Neo4j (pid {pid}) did not stop, even after SIGKILL")
    pid_file(settings).unlink(missing_ok=True)
    return True


def local_running(settings: Settings) -> bool:
    """True when this project's local server for ``settings`` (``portero neo4j start``) is running: its pid
    file names a live launcher. Something else listening on its port does not count."""
    pid = _read_pid(settings)
    return pid is not None and _alive(pid)


def status(settings: Settings) -> dict[str, Any]:
    """Where the server is and whether it runs: keys ``local``, ``running``, ``reachable``, ``pid``,
    ``uri``, ``data_dir``, ``log`` and ``version`` (the pinned Neo4j version for the local server)."""
    uri = settings.neo4j_uri
    if not settings.neo4j_is_local:
        return {"local": False, "running": None, "reachable": None, "pid": None, "uri": uri,
                "data_dir": None, "log": None, "version": None}
    pid = _read_pid(settings)
    running = local_running(settings)
    reachable = running and _connect_error(settings) is None
    return {"local": True, "running": running, "reachable": reachable, "pid": pid if running else None,
            "uri": uri, "data_dir": str(data_dir(settings)), "log": str(log_file(settings)),
            "version": neo4j_version()}


def _import_args(csv_dir: Path) -> list[str]:
    """The arguments after ``neo4j-admin`` in the folder's import script (its ``neo4j-admin`` line)."""
    script = csv_dir / IMPORT_SCRIPT
    try:
        text = script.read_text(encoding="utf-8")
    except OSError as exc:
        raise Neo4jServerError(f"{script} is missing: export the graph with `portero export --format csv` "
                               "first") from exc
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError as exc:  # an unclosed quote
            raise Neo4jServerError(f"{script} cannot be read as a shell script: {exc}") from exc
        if words[:1] == ["neo4j-admin"]:
            return words[1:]
    raise Neo4jServerError(f"{script} holds no neo4j-admin command")


def admin_command(settings: Settings, args: Sequence[str], cwd: Path | None = None,
                  timeout: float = 1800.0) -> str:
    """Run ``neo4j-admin ARGS`` with the local server's jars and home; return its output.

    ``NEO4J_HOME`` is :func:`data_dir` (so ``database`` commands act on the local store) and ``NEO4J_CONF``
    its ``conf/`` (an empty folder: the defaults apply). Raises :class:`Neo4jServerError` with the end of
    the output when the command fails.
    """
    java = _find_java()
    lib = ensure_built(settings) / "lib"
    if not any(lib.glob("neo4j-command-line-*.jar")):
        raise Neo4jServerError(f"{lib} lacks neo4j-command-line: delete {lib.parent} and start again")
    home = data_dir(settings)
    (home / "conf").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in (PASSWORD_ENV, "NEO4J_PASSWORD")}
    env.update(NEO4J_HOME=str(home), NEO4J_CONF=str(home / "conf"))
    cmd = [java, f"-Xmx{settings.neo4j_heap}", *JVM_FLAGS, "-cp", f"{lib}/*", ADMIN_CLASS, *args]
    try:
        done = subprocess.run(cmd, cwd=cwd or home, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise Neo4jServerError(f"neo4j-admin {' '.join(args[:3])} took over {timeout:g} s") from exc
    output = done.stdout + done.stderr
    if done.returncode != 0:
        # Skip the progress bars ("..... 5% ∆0ms") and stack frames; keep the reason.
        lines = [x for x in output.splitlines() if x.strip() and not x.lstrip().startswith(("at ", ".", "-."))]
        raise Neo4jServerError(f"neo4j-admin {' '.join(args[:3])} failed (exit {done.returncode}): "
                               f"{one_line(' | '.join(lines[-8:]))[-1500:]}")
    return output


def admin_import(settings: Settings, csv_dir: Path, *, overwrite: bool = False) -> str:
    """Import a ``portero export --format csv`` folder into the local server's store with neo4j-admin.

    Runs the command of the folder's ``neo4j-admin-import.sh`` as written, from inside the folder, adding
    ``--overwrite-destination=true`` when ``overwrite`` (which deletes the database's current content) and
    putting the import report in ``logs/import.report`` under :func:`data_dir`. The server must be stopped;
    start it afterwards to use the data. Returns the importer's output (it ends with the counts).
    """
    if not settings.neo4j_is_local:
        raise Neo4jServerError(f"NEO4J_URI names another server ({settings.neo4j_uri}): neo4j-admin import "
                               "works on the local server's files only")
    csv_dir = Path(csv_dir).resolve()
    args = _import_args(csv_dir)
    if args[:3] != ["database", "import", "full"]:
        raise Neo4jServerError(f"{csv_dir / IMPORT_SCRIPT} does not run `neo4j-admin database import full`")
    data = data_dir(settings)
    data.mkdir(parents=True, exist_ok=True)
    with _locked(data / "portero-neo4j.lock"):
        pid = _read_pid(settings)
        if pid is not None and _alive(pid):
            raise Neo4jServerError(f"the local Neo4j (pid {pid}) is running: stop it (`portero neo4j stop`) "
                                   "before neo4j-admin import")
        (data / "logs").mkdir(exist_ok=True)
        extra = [f"--report-file={data / 'logs' / 'import.report'}"]
        if overwrite:
            extra.append("--overwrite-destination=true")
        began = time.monotonic()
        output = admin_command(settings, [*args[:3], *extra, *args[3:]], cwd=csv_dir)
        log.info("neo4j-admin imported %s into %s in %.1f s", csv_dir, data, time.monotonic() - began)
        return output
