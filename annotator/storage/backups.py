"""Rolling backups beside the project file, taken with SQLite's online backup API, and restore."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from annotator.errors import (
    AnnotatorError,
    DamagedProjectError,
    DiskFullError,
    DiskIOError,
    ProjectError,
    ProjectLockedError,
    WriteDeniedError,
)
from annotator.partial_files import sweep_abandoned, temporary_name
from annotator.storage.engine import (
    backup_to,
    header_problem,
    release_sidecars,
    sidecars,
    storage_error,
)

log = logging.getLogger(__name__)

DEFAULT_KEEP = 5
_STAMP = "%Y%m%dT%H%M%S_%fZ"


@dataclass(frozen=True)
class BackupEntry:
    """One backup as the restore dialog lists it."""

    path: Path
    taken_at: datetime  # UTC
    size: int


def backup_dir(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + ".backups")


def list_backups(project_path: Path) -> list[Path]:
    """Newest first (the time stamp in the name sorts by time)."""
    folder = backup_dir(project_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.annotator"), reverse=True)


def describe_backups(project_path: Path) -> list[BackupEntry]:
    """Newest first, with the time each was taken and its size."""
    entries = []
    for path in list_backups(project_path):
        try:
            st = path.stat()
        except OSError:
            continue
        stamp = path.stem.rsplit("-", 1)[-1]
        try:
            taken = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        except ValueError:
            taken = datetime.fromtimestamp(st.st_mtime, UTC)
        entries.append(BackupEntry(path, taken, st.st_size))
    return entries


def take_backup(engine: Engine, project_path: Path, keep: int = DEFAULT_KEEP) -> Path:
    """Copy the open project into its backup folder; keep only the newest `keep` copies.

    Written under a temporary name and renamed when complete, so a crash mid-backup never
    leaves a half copy that looks like a backup, and never removes an older one.
    """
    if keep < 1:
        raise ValueError("keep at least one backup")
    folder = backup_dir(project_path)
    stamp = datetime.now(UTC).strftime(_STAMP)
    target = folder / f"{project_path.stem}-{stamp}.annotator"
    partial = folder / temporary_name(target.name)
    try:
        folder.mkdir(exist_ok=True)
        sweep_abandoned(folder)  # copies that backups killed mid-write left behind
        backup_to(engine, partial)
        partial.replace(target)
    except sqlite3.Error as exc:  # a full disk said so with a traceback (bench/soak_scenarios)
        raise _not_written(project_path, exc) from exc
    except OSError as exc:  # a read-only folder: one line naming the file and the reason
        raise WriteDeniedError(
            f"no backup of {project_path.name} was written: {exc.strerror or exc} ({folder})"
        ) from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
            Path(str(partial) + "-journal").unlink(missing_ok=True)
    for old in list_backups(project_path)[keep:]:
        old.unlink(missing_ok=True)
    log.info("backed up %s to %s", project_path, target)
    return target


def _not_written(project_path: Path, exc: sqlite3.Error) -> AnnotatorError:
    """The typed error for a backup SQLite could not write, worded for a backup."""
    typed = storage_error(exc)
    if isinstance(typed, DiskFullError):
        return DiskFullError(
            f"the disk is full: no backup of {project_path.name} was written; "
            "free some space and try again"
        )
    kind = type(typed) if typed is not None else DiskIOError
    return kind(f"no backup of {project_path.name} was written ({exc})")


def check_backup(backup: Path) -> None:
    """Refuse a backup that is not a whole, sound SQLite file (before it replaces anything)."""
    problem = header_problem(backup)
    if problem is not None:
        raise DamagedProjectError(f"backup {backup.name} {problem}")
    try:
        conn = sqlite3.connect(f"file:{backup.resolve().as_posix()}?mode=ro", uri=True)
        try:
            row = conn.execute("PRAGMA quick_check").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise DamagedProjectError(f"backup {backup.name} cannot be read ({exc})") from exc
    if not row or row[0] != "ok":
        raise DamagedProjectError(f"backup {backup.name} is damaged ({row[0] if row else '?'})")


def restore_backup(project_path: Path, backup: Path) -> Path:
    """Put `backup` in place of the (closed) project; returns where the current file was set aside.

    The current file is kept as ``<name>.before-restore-<stamp>.annotator``, so a restore can be
    undone by hand. Order of steps: the backup is copied beside the project and synced first, then
    the current file is moved aside and the copy renamed into place (both atomic renames).
    """
    check_backup(backup)
    if sidecars(project_path):
        release_sidecars(project_path)
        if sidecars(project_path):
            raise ProjectLockedError(
                f"{project_path.name} is still open in another window or program; close it first"
            )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = project_path.with_name(f"{project_path.stem}.before-restore-{stamp}.annotator")
    incoming = project_path.with_name(project_path.name + ".restoring")
    try:
        shutil.copyfile(backup, incoming)
        with incoming.open("rb+") as fh:
            os.fsync(fh.fileno())
        if project_path.exists():
            os.replace(project_path, aside)
        os.replace(incoming, project_path)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise ProjectError(f"could not restore {backup.name}: {exc.strerror or exc}") from exc
    log.info("restored %s from %s; previous file kept as %s", project_path, backup, aside)
    return aside
