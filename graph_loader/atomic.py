"""Files written whole or not at all: a temporary file next to the target, renamed into place.

Used by every writer of a user's file (the embedded store, ``portero export``, ``portero snapshot``), so all
of them leave the old file whole when anything fails, leave no temporary file behind, and give the new
file the mode a plain ``open()`` would: an existing file's own mode, else ``0o666`` less the umask
(``tempfile.mkstemp`` alone makes ``0o600``, readable by its owner only).

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> with atomic_write(folder / "a" / "note.txt", "w") as fh:
...     _ = fh.write("whole")
>>> written = folder / "a" / "note.txt"
>>> written.read_text(), stat.S_IMODE(written.stat().st_mode) == 0o666 & ~current_umask()
('whole', True)
>>> with atomic_write(folder / "b" / "note.txt", "w") as fh:
...     raise RuntimeError("interrupted")
Traceback (most recent call last):
...
RuntimeError: interrupted
>>> sorted(p.name for p in folder.iterdir())  # the folder it made is gone again, and no temporary file
['a']
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "wb", *, encoding: str | None = None, newline: str | None = None,
                 buffering: int = -1, durable: bool = False) -> Iterator[IO[Any]]:
    """A file object (``mode`` ``"wb"`` or ``"w"``) whose content replaces ``path`` when the block ends.

    Missing folders are made (and removed again if the write fails); temporary files of earlier writers
    that were killed are removed first. ``durable``: the file and the rename are synced to disk before
    returning (the store, which holds every load). A failure raises as it came; ``path`` is untouched.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write writes a new file: mode 'w' or 'wb', not {mode!r}")
    path = Path(path)
    created = _make_folder(path.parent)
    tmp: str | None = None
    try:
        remove_stale_temps(path)
        fd, tmp = _new_temp(path)
        with os.fdopen(fd, mode, buffering=buffering, encoding=encoding, newline=newline) as fh:
            os.fchmod(fd, file_mode(path))
            yield fh
            fh.flush()
            if durable:
                os.fsync(fd)
            os.replace(tmp, path)  # still holding the temp file's lock, so no clean-up takes it first
        if durable:
            _fsync_dir(path.parent)  # make the rename itself durable
    except BaseException:
        _discard(tmp, created)
        raise


def current_umask() -> int:
    """The process's umask, read without changing it where Linux shows it (setting it to read it, the only
    portable way, would race with other threads creating files, as the app's do).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    with contextlib.suppress(OSError, ValueError, StopIteration), open("/proc/self/status") as fh:
        return int(next(line for line in fh if line.startswith("Umask:")).split()[1], 8)
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def file_mode(path: Path) -> int:
    """The mode ``open(path, "w")`` would leave ``path`` with: its own if it exists, else 0666 less the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def temp_pattern(path: Path) -> re.Pattern[str]:
    """The names :func:`atomic_write` gives temporary files of ``path`` (``tempfile.mkstemp``'s).

    >>> bool(temp_pattern(Path("graph.json")).fullmatch(".graph.json.k2_9x0ab.tmp"))
    True
    """
    return re.compile(rf"\.{re.escape(path.name)}\.[a-z0-9_]{{8}}\.tmp")


def remove_stale_temps(path: Path) -> None:
    """Remove temporary files of ``path`` whose writer is gone (killed mid-write).

    A live writer holds a ``flock`` on its temporary file until it has renamed it; the kernel drops the
    lock when the writer dies. So a temporary file whose lock we can take is stale. Temporary files
    another user owns, or we cannot open, are left alone.
    """
    pattern = temp_pattern(path)
    try:
        with os.scandir(path.parent) as entries:
            names = [e.name for e in entries if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in names:
        temp = path.parent / name
        with contextlib.suppress(OSError):  # gone already, not ours to open, or its writer is alive
            fd = os.open(temp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError while its writer lives
                if os.fstat(fd).st_ino == os.stat(temp, follow_symlinks=False).st_ino:
                    os.unlink(temp)
            finally:
                os.close(fd)


def _new_temp(path: Path) -> tuple[int, str]:
    """A new temporary file next to ``path``, locked (``flock``) for as long as its descriptor is open."""
    for _ in range(5):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_nlink:
                return fd, tmp
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(fd)  # another writer's clean-up took it in the instant before we locked it: again
    raise OSError(errno.EAGAIN, "no temporary file could be kept (another writer kept removing it)")


def _make_folder(folder: Path) -> list[Path]:
    """Create ``folder`` and its missing parents; return the ones created, deepest first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    if missing:
        missing[0].mkdir(parents=True, exist_ok=True)
    return missing


def _discard(tmp: str | None, created: list[Path]) -> None:
    """Undo a failed write: its temporary file, and the folders it created if they are still empty."""
    if tmp is not None:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    for folder in created:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
