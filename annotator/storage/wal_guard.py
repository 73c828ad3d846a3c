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
inode, taken after its first write began). If they differ or are gone, the write is refused with
one line, after saving what this process had:

- if nobody has opened the project since (no new side files beside it), everything this process
  saved is copied from the log it still holds into the project file (``wal_checkpoint``);
- if another program has (it has side files of its own, hence a view of the file that differs
  from this one), folding this log in would overwrite that program's work, and letting go of
  it would lose this one's: both views are written to project files beside it
  (``<name>.rescued-window-<time>`` and ``<name>.rescued-other-<time>``), which ``annotator
  merge`` brings back, and the message says so.

Then the pool lets go of its connections, so the next write opens the side files there now.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime
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
    log.error("side files of %s changed under the open project (%s -> %s)", path, seen, now)
    changed = " and ".join(
        f"{path.name}{suffix}"
        for suffix, a, b in zip(("-wal", "-shm"), seen, now, strict=True)
        if a != b
    )
    fairy.info.pop(_SEEN, None)
    driver = fairy.driver_connection
    if all(b is None or a == b for a, b in zip(seen, now, strict=True)):
        # Nobody has opened the project since (else there would be new side files): the log
        # this process holds is the only one, and copying it into the file is safe.
        failure = _checkpoint(driver)
        saved = (
            f"every change saved until now has been written into {path.name}"
            if failure is None
            else f"copying recent changes into {path.name} failed ({failure}): close the "
            "project (it copies them as it closes) and open it again"
        )
    else:
        # Another program has opened it since, with side files of its own: the two views
        # differ, and this one's log must not be copied over the other's work. Keep this view
        # whole in a copy that can be merged back.
        ours = _rescue_copy(path, driver)
        theirs = _rescue_theirs(path)
        copies = [c.name for c in (ours, theirs) if c is not None]
        saved = (
            "it was opened elsewhere since, so the work of this window and of the other were "
            f"also saved as {' and '.join(copies)}: if any of it is missing from {path.name}, "
            f"bring it back with `annotator merge {path.name} {' '.join(copies)}`"
        )
    # Let go of every connection that holds the old side files, so the next write opens the
    # ones there now. (SQLite folds a log into the file as its last connection closes, and only
    # then: while another program still has the project open, closing these changes nothing.)
    fairy.invalidate()
    pool.dispose()
    raise JournalDeletedError(
        f"another program deleted or replaced {changed} (the log of recent changes) while the "
        f"project was open; {saved}; the last change was not saved: make it again"
    )


def _rescue_name(path: Path, whose: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    return path.with_name(f"{path.stem}.rescued-{whose}-{stamp}{path.suffix}")


def _rescue_theirs(path: Path) -> Path | None:
    """The view of whoever opened the project after the deletion -- the file with the log now
    beside it -- as a project file of its own: read from copies of both, so that nothing
    SQLite does on closing the old connections can take it away. None if there is no log."""
    wal = Path(f"{path}-wal")
    try:
        with tempfile.TemporaryDirectory(prefix=".rescue-", dir=path.parent) as tmp:
            copy = Path(tmp) / path.name
            shutil.copyfile(path, copy)
            shutil.copyfile(wal, f"{copy}-wal")
            source = sqlite3.connect(str(copy))
            try:
                return _rescue_copy(path, source, "other")
            finally:
                source.close()
    except (OSError, sqlite3.Error) as exc:
        log.error("could not copy the other program's view of %s: %s", path, exc)
        return None


def _rescue_copy(path: Path, driver: sqlite3.Connection, whose: str = "window") -> Path:
    """The view of the project `driver` has, written to a new project file beside it."""
    target = _rescue_name(path, whose)
    dest = sqlite3.connect(str(target))
    try:
        driver.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
    return target


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
