"""File dialogs that never read the files they list, and renew the project's locks afterwards.

Qt's file dialog asks each file's type of the MIME database, which opens and reads any file
whose name it does not know, ``.annotator`` projects and their ``-wal``/``-shm`` files among
them. Closing those descriptors drops every POSIX lock the app holds on the project, and the
next program to open the project for writing then deletes the side files the app still writes
to (issue 19: labels shown as saved were lost). So the dialogs here name types and pick icons
from the file name alone, and, in case something else read a file while a dialog was open (a
platform's own dialog, a thumbnailer), every project open in the app gets its locks renewed
when a dialog closes (see annotator.storage.open_files).

``SafeFileDialog.getOpenFileName`` and friends take the arguments of QFileDialog's.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QFileInfo, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

from annotator.project import relock_open_projects, relock_pending


class NameOnlyIconProvider(QFileIconProvider):
    """Icons and type names from the file's name and kind, never from its content."""

    def icon(self, what: Any) -> QIcon:  # type: ignore[override]
        if isinstance(what, QFileInfo):
            kinds = QFileIconProvider.IconType
            return super().icon(kinds.Folder if what.isDir() else kinds.File)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def _use_own_dialog() -> bool:
    """Qt's own dialog (with the provider above) where a platform dialog would run inside this
    process and sniff files: Linux and the BSDs. Windows' locks are not POSIX locks, and macOS'
    panel runs in a process of its own; there the renewal after the dialog is the safety net."""
    return not (sys.platform.startswith("win") or sys.platform == "darwin")


RETRY_MS = 500


def renew_locks() -> None:
    """Relock every open project now; one busy with a job (an import) is retried until free."""
    relock_open_projects()
    if relock_pending():
        QTimer.singleShot(RETRY_MS, renew_locks)


class SafeFileDialog(QFileDialog):
    """A QFileDialog that reads no file it shows; see the module's docstring."""

    def __init__(self, parent: QWidget | None, caption: str, directory: str, filter_: str) -> None:
        super().__init__(parent, caption, directory, filter_)
        self._icons = NameOnlyIconProvider()
        if _use_own_dialog():
            self.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            self.setIconProvider(self._icons)

    def run(self) -> list[str]:
        """Show it modally; the chosen paths (none if cancelled). Locks are renewed after."""
        try:
            accepted = self.exec() == QFileDialog.DialogCode.Accepted
            return self.selectedFiles() if accepted else []
        finally:
            renew_locks()

    @staticmethod
    def _make(
        parent: QWidget | None,
        caption: str,
        directory: str,
        filter_: str,
        options: QFileDialog.Option | None,
    ) -> SafeFileDialog:
        dialog = SafeFileDialog(parent, caption, directory, filter_)
        if options is not None:
            dialog.setOptions(dialog.options() | options)
        return dialog

    @staticmethod
    def getOpenFileName(  # type: ignore[override]
        parent: QWidget | None = None,
        caption: str = "",
        dir: str = "",
        filter: str = "",
        options: QFileDialog.Option | None = None,
    ) -> tuple[str, str]:
        dialog = SafeFileDialog._make(parent, caption, dir, filter, options)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        chosen = dialog.run()
        return (chosen[0] if chosen else ""), dialog.selectedNameFilter()

    @staticmethod
    def getOpenFileNames(  # type: ignore[override]
        parent: QWidget | None = None,
        caption: str = "",
        dir: str = "",
        filter: str = "",
        options: QFileDialog.Option | None = None,
    ) -> tuple[list[str], str]:
        dialog = SafeFileDialog._make(parent, caption, dir, filter, options)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        return dialog.run(), dialog.selectedNameFilter()

    @staticmethod
    def getSaveFileName(  # type: ignore[override]
        parent: QWidget | None = None,
        caption: str = "",
        dir: str = "",
        filter: str = "",
        options: QFileDialog.Option | None = None,
    ) -> tuple[str, str]:
        dialog = SafeFileDialog._make(parent, caption, dir, filter, options)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        chosen = dialog.run()
        return (chosen[0] if chosen else ""), dialog.selectedNameFilter()

    @staticmethod
    def getExistingDirectory(  # type: ignore[override]
        parent: QWidget | None = None,
        caption: str = "",
        dir: str = "",
        options: QFileDialog.Option | None = None,
    ) -> str:
        dialog = SafeFileDialog._make(parent, caption, dir, "", options)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chosen = dialog.run()
        return chosen[0] if chosen else ""
