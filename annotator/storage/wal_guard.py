"""Noticing that another program deleted the project's -wal (or -shm) while it was open.

In WAL mode a committed change first lives in ``<name>-wal``; SQLite copies it into the project
file at a checkpoint, and at the latest when the last connection closes. A cleaner, a sync client
or a user who deletes the -wal of an open project removes only its name: this process keeps
writing to the deleted file through the descriptors it holds. Closed normally, it still copies
everything into the project on the way out; but if it is killed, or the machine stops, before
that, every change since the last checkpoint is gone, labels the program had reported as saved
included. And a second program opening the project now gets a fresh, empty log beside it: its
view of the file no longer matches this one's (bench/soak_scenarios.py shows both).

So every write first compares the side files with the ones its connection opened (device and
inode, taken after its first write began). If they differ or are gone, the write is refused:
first everything this process had saved is copied from the log it still holds into the project
file (``wal_checkpoint(TRUNCATE)``), then the pool lets go of its connections so the next write
starts a fresh log, and the researcher is told, in one line, that the last change was not saved
and everything before it is in the file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from annotator.errors import JournalDeletedError

log = logging.getLogger(__name__)

_SEEN = "annotator_side_files"
SideFiles = tuple[tuple[int, int] | None, tuple[int, int] | None]


def side_files(path: Path) -> SideFiles:
    """(device, inode) of the -wal and the -shm beside `path` (None where there is none)."""
    found: list[tuple[int, int] | None] = []
    for suffix in ("-wal", "-shm"):
        try:
            st = os.stat(f"{path}{suffix}")
        except OSError:
            found.append(None)
        else:
            found.append((st.st_dev, st.st_ino))
    return found[0], found[1]


def check_before_write(path: Path, fairy: Any, pool: Any) -> None:
    """Refuse the write about to begin on `fairy` (a pooled connection) if its side files were
    deleted or replaced since its last write; rescue what it had saved first (see above)."""
    seen = fairy.info.get(_SEEN)
    if seen is None:
        return
    now = side_files(path)
    if now == seen:
        return
    failure = _checkpoint(fairy.driver_connection)
    log.error("side files of %s changed under the open project (%s -> %s)", path, seen, now)
    fairy.info.pop(_SEEN, None)
    fairy.invalidate()  # this connection holds the deleted log: never use it again
    pool.dispose()  # nor the others of the pool (idle ones close now); the next write starts afresh
    saved = (
        f"every change saved until now has been written into {path.name}"
        if failure is None
        else f"copying recent changes into {path.name} failed ({failure}): close the project "
        "(it copies them as it closes) and open it again"
    )
    raise JournalDeletedError(
        f"another program deleted {path.name}-wal (the log of recent changes) while the project "
        f"was open; {saved}; the last change was not saved: make it again"
    )


def remember_after_begin(path: Path, fairy: Any) -> None:
    """Note the side files this connection uses, once its first write transaction holds them."""
    if _SEEN not in fairy.info:
        now = side_files(path)
        if now[0] is not None:
            fairy.info[_SEEN] = now


def _checkpoint(driver: sqlite3.Connection) -> str | None:
    """Copy the whole log this connection holds into the project file; None if all of it went,
    else why not."""
    try:
        row = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        log.error("checkpoint of a deleted log failed: %s", exc)
        return str(exc)
    busy, frames, copied = (int(x) for x in row)
    return None if busy == 0 and frames == copied else "another program is reading it"
