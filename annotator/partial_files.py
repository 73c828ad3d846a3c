"""Temporary files of exports and backups, and sweeping away those a killed process left behind.

An export or a backup is written under a temporary name and renamed into place when complete, so
a crash never leaves a truncated file under the real name. But a process that is killed (a
forced quit, SIGKILL, a power cut) cannot delete its temporary file: without a sweep, every
killed export left a hidden ``.partial`` beside the target and every killed backup a copy of the
whole project in the backup folder, forever (found by bench/soak_faults.py).

So a temporary name records who writes it -- a short hash of the host name and the process id --
and the next export or backup into the same folder removes the temporary files of processes on
this host that no longer run. Files of a live process (another window exporting right now) and of
other hosts (a shared network folder) are left alone; where liveness cannot be asked safely
(Windows), only files untouched for a day are removed.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import time
import zlib
from pathlib import Path

log = logging.getLogger(__name__)

SUFFIX = ".partial"
_ABANDONED_AFTER_S = 24 * 3600
_OWNED = re.compile(r"\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)(?:\.[A-Za-z0-9_]+)?\.partial$")


def _host() -> str:
    return f"{zlib.crc32(socket.gethostname().encode('utf-8', 'replace')):08x}"


def owner_tag() -> str:
    """``<host hash>-<pid>``: put into a temporary name so a later sweep knows whose it is."""
    return f"{_host()}-{os.getpid()}"


def temporary_name(final_name: str) -> str:
    """A hidden temporary name for ``final_name`` (no random part: one writer per name)."""
    return f".{final_name}.{owner_tag()}{SUFFIX}"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it runs, as another user
        return True
    return True


def _abandoned(path: Path, host: str, pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) is not a question on Windows
        try:
            return time.time() - path.stat().st_mtime > _ABANDONED_AFTER_S
        except OSError:
            return False
    return host == _host() and not _alive(pid)


def sweep_abandoned(folder: Path) -> int:
    """Remove the temporary files (and SQLite journals of them) that processes on this host left
    in ``folder`` when they were killed; returns how many. Never raises: a sweep that fails
    must not stop the export or backup that asked for it."""
    removed = 0
    try:
        names = [p for p in folder.iterdir() if p.name.startswith(".")]
    except OSError:
        return 0
    for path in names:
        base = path.name.removesuffix("-journal")
        found = _OWNED.search(base)
        if found is None:
            continue
        if not _abandoned(path, found["host"], int(found["pid"])):
            continue
        try:
            path.unlink()
        except OSError as exc:
            log.debug("could not remove abandoned %s: %s", path, exc)
            continue
        removed += 1
        log.info("removed %s, left by a process that was stopped mid-write", path)
    return removed
