"""Rolling backups beside the project file, taken with SQLite's online backup API."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from annotator.storage.engine import backup_to

DEFAULT_KEEP = 5


def backup_dir(project_path: Path) -> Path:
    return project_path.with_name(project_path.name + ".backups")


def list_backups(project_path: Path) -> list[Path]:
    """Newest first."""
    folder = backup_dir(project_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.annotator"), reverse=True)


def take_backup(engine: Engine, project_path: Path, keep: int = DEFAULT_KEEP) -> Path:
    folder = backup_dir(project_path)
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S_%fZ")
    target = folder / f"{project_path.stem}-{stamp}.annotator"
    partial = target.with_suffix(".partial")
    backup_to(engine, partial)
    partial.replace(target)
    for old in list_backups(project_path)[keep:]:
        old.unlink(missing_ok=True)
    return target
