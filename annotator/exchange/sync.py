"""pull: a complete SQLite copy of a project (on a server, or another file).

Every table is copied with its ids: the archive a paper's replication package holds. The copy is
written beside its target and renamed into place only when whole, so an interrupted pull leaves
no half file under the target's name. (push is a merge of the file into the server project:
``Project.open(url).merge([file])``, idempotent, reporting conflicts as merge does.)
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from annotator.errors import ProjectError
from annotator.progress import CancelToken, ProgressCallback, no_progress
from annotator.storage.snapshot import copy_project
from annotator.storage.unit_of_work import Engine

SUFFIX = ".annotator"


class OpenedProject(Protocol):
    """What a copy needs of a project: Project, opened."""

    @property
    def path(self) -> Path: ...

    @property
    def engine(self) -> Engine: ...

    def close(self) -> None: ...


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PullReport:
    path: Path  # the file written (with the .annotator suffix added if it was missing)
    rows: dict[str, int]  # rows copied per table


def pull(
    source: Engine,
    target: str | Path,
    create: Callable[[Path], OpenedProject],
    *,
    force: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelToken | None = None,
) -> PullReport:
    """Write the whole project on the `source` engine into a new SQLite file `target`, made
    by `create` (Project.create: the schema and its first rows), then filled table by table."""
    target = Path(target)
    if target.suffix != SUFFIX:
        target = target.with_name(target.name + SUFFIX)
    if target.exists() and not force:
        raise ProjectError(f"{target} already exists: choose another name, or pass --force")
    if not target.parent.is_dir():
        raise ProjectError(f"folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.pulling")
    _remove_file(partial)
    try:
        copy = create(partial)
        try:
            copied = copy_project(source, copy.engine, progress, cancel)
        finally:
            copy.close()
        os.replace(partial, target)
    finally:
        _remove_file(partial)
    log.info("copied a project into %s: %s", target, copied)
    return PullReport(target, copied)


def _remove_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()
