"""Which project files this process holds open through SQLite, so nothing else here touches them.

SQLite's locks on Linux and macOS are POSIX advisory locks, and POSIX drops every lock a process
holds on a file the moment the process closes *any* descriptor of that file: a header read with
``open()``, a file dialog that sniffs a file's type, a thumbnailer. SQLite itself keeps track of
its own connections within the process, but not of those other descriptors. Once the locks are
gone, another program that opens the project for writing believes it is alone, and when it
closes it checkpoints and deletes the ``-wal`` and ``-shm`` files that this process still writes
to: every label saved afterwards lands in a deleted file, invisible to others and lost on a crash
(issue 19, section 1).

So: the core never reads a file that this process has open (`open_here`), never asks SQLite to
release side files while it is open, and `relock` closes a project's idle connections after
something outside our control may have touched the file, so the next use opens it afresh and
SQLite takes its locks again.
"""

from __future__ import annotations

import logging
import os
import threading
import weakref
from pathlib import Path

from sqlalchemy import Engine

log = logging.getLogger(__name__)

FileKey = tuple[int, int]

_lock = threading.Lock()
_engines: dict[FileKey, weakref.WeakSet[Engine]] = {}
_waiting: set[FileKey] = set()  # relock asked while a connection was in use


def file_key(path: Path) -> FileKey | None:
    """The file's identity (device, inode): the same file under any name, as SQLite sees it."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def register(path: Path, engine: Engine) -> FileKey | None:
    """Note that `engine` has `path` open; returns the key to pass to `unregister`."""
    key = file_key(path)
    if key is not None:
        with _lock:
            _engines.setdefault(key, weakref.WeakSet()).add(engine)
    return key


def unregister(key: FileKey | None, engine: Engine) -> None:
    if key is None:
        return
    with _lock:
        engines = _engines.get(key)
        if engines is not None:
            engines.discard(engine)
            if not engines:
                del _engines[key]


def open_here(path: Path) -> bool:
    """True while an engine of this process has the file open (reading it would drop locks)."""
    key = file_key(path)
    if key is None:
        return False
    with _lock:
        return bool(_engines.get(key))


def relock(path: Path | None = None) -> int:
    """Close the idle connections of every project open here (or of `path` only) so that their
    next use reconnects and SQLite takes its file locks again; returns how many files.

    A file's connections are all closed together, or none: SQLite's bookkeeping of a file's
    locks lasts while any connection of the process has it open. A file with a connection in
    use (an import running) is left as it is, and said so in the log.
    """
    with _lock:
        _forget_collected()
        groups = {
            key: list(engines)
            for key, engines in _engines.items()
            if path is None or key == file_key(path)
        }
    done = 0
    for key, engines in groups.items():
        busy = sum(e.pool.checkedout() for e in engines)  # type: ignore[attr-defined]
        if busy:
            log.info("file %s: %d connections in use; locks renewed when they are free", key, busy)
            with _lock:
                _waiting.add(key)
            continue
        for engine in engines:
            engine.dispose()
        with _lock:
            _waiting.discard(key)
        done += 1
    return done


def relock_pending() -> bool:
    """True while a relock was skipped because a connection was in use (ask again later)."""
    with _lock:
        _forget_collected()
        _waiting.intersection_update(_engines)
        return bool(_waiting)


def _forget_collected() -> None:
    """Drop the files whose every engine was garbage-collected without ``unregister`` (a
    Project never closed): no connection of this process has them open, so they are not
    relocked nor counted. Call with ``_lock`` held."""
    for key in [k for k, engines in _engines.items() if not engines]:
        del _engines[key]
