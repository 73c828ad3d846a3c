"""File > Restore backup: pick one of the project's rolling backups and put it in place.

The current file is never lost: it is moved aside as ``<name>.before-restore-<stamp>.annotator``
(see annotator.backups.restore_backup, which does the file work and can be tested
without Qt). The caller reopens the returned path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from annotator.backups import BackupEntry, describe_backups, restore_backup
from annotator.errors import AnnotatorError

log = logging.getLogger(__name__)

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


def describe(entry: BackupEntry) -> str:
    """'2025-01-14 09:31  (1.2 MB)' in local time: what a researcher recognises."""
    when = entry.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    size = entry.size / 1024
    shown = f"{size:,.0f} KB" if size < 1024 else f"{size / 1024:,.1f} MB"
    return f"{when}   ({shown})"


class RestoreBackupDialog(QDialog):
    """The project's backups, newest first; OK is enabled once one is chosen."""

    def __init__(self, parent: QWidget | None, project_path: Path) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore backup")
        self.project_path = project_path
        self.entries = describe_backups(project_path)
        self.model = QStandardItemModel(self)
        for entry in self.entries:
            item = QStandardItem(describe(entry))
            item.setData(str(entry.path), PATH_ROLE)
            item.setToolTip(str(entry.path))
            item.setEditable(False)
            self.model.appendRow(item)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.doubleClicked.connect(self.accept)
        text = (
            f"Backups of {project_path.name}, newest first. Restoring replaces the project with "
            "the backup; the current file is kept beside it as "
            f"{project_path.stem}.before-restore-….annotator."
            if self.entries
            else f"{project_path.name} has no backups yet. One is taken each time it is opened."
        )
        self.explanation = QLabel(text)
        self.explanation.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Restore")
        ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        selection = self.view.selectionModel()
        selection.selectionChanged.connect(
            lambda *_: ok.setEnabled(bool(self.view.selectedIndexes()))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addWidget(self.view)
        layout.addWidget(self.buttons)
        if self.entries:
            self.view.setCurrentIndex(self.model.index(0, 0))

    def chosen(self) -> Path | None:
        indexes = self.view.selectedIndexes()
        return Path(indexes[0].data(PATH_ROLE)) if indexes else None


def open_restore_backup(
    parent: QWidget | None,
    project_path: Path,
    close_project: Callable[[], None] | None = None,
) -> Path | None:
    """Ask which backup to restore, restore it; the path to reopen, or None if nothing changed.

    `close_project` is called just before the file is replaced (the open project must let go of
    it); without it, the caller must have closed the project before calling.
    """
    dialog = RestoreBackupDialog(parent, project_path)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    backup = dialog.chosen()
    if backup is None:
        return None
    if close_project is not None:
        close_project()
    try:
        aside = restore_backup(project_path, backup)
    except AnnotatorError as exc:
        log.warning("restore of %s failed: %s", backup, exc)
        QMessageBox.warning(parent, "Restore backup", str(exc))
        return project_path if close_project is not None else None
    log.info("restored %s; the previous file is %s", backup, aside)
    return project_path
