"""Backups of a project file, for scripts and the UI: which backups there are and restoring one.

The file work lives in ``annotator.storage.backups`` (SQLite's online backup API, the check of a
backup before it replaces anything); this is its public face, so callers outside the core never
import ``annotator.storage``. A project takes its own backups (``Project.backup``).
"""

from __future__ import annotations

from annotator.storage.backups import (
    BackupEntry,
    backup_dir,
    describe_backups,
    list_backups,
    restore_backup,
)

__all__ = ["BackupEntry", "backup_dir", "describe_backups", "list_backups", "restore_backup"]
