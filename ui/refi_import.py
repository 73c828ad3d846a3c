"""File > Import articles with a REFI-QDA project (.qdpx, or a bare .qde) among the files.

Such a file brings more than articles: its codebook, coders and codings (annotator.exchange.refi,
one transaction per file, so a cancelled or failed file leaves the project as it was). The window
is told through on_done like any import; the report's codes_added says its codebook changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMessageBox, QWidget

from annotator.exchange.refi import RefiImportReport
from annotator.progress import CancelToken, ProgressCallback
from annotator.project import Project
from ui.workers import start_job

log = logging.getLogger(__name__)

STATUS_MS = 10_000


def start_refi_import(
    parent: QWidget,
    project: Project,
    paths: list[Path],
    on_done: Callable[[RefiImportReport], None],
) -> None:
    """Import the REFI-QDA files one after another in the background; on_done gets the report
    of the last file (each file's summary goes to the status bar or, with problems, a box)."""

    def run(progress: ProgressCallback, cancel: CancelToken) -> list[RefiImportReport]:
        return [project.import_refi(p, progress, cancel) for p in paths]

    def finished(reports: list[RefiImportReport]) -> None:
        lines = [f"{p.name}: {r.summary()}" for p, r in zip(paths, reports, strict=True)]
        problems = [
            f"{p.name}: {m}" for p, r in zip(paths, reports, strict=True) for m in r.problems
        ]
        log.info("REFI-QDA import finished: %s", "; ".join(lines))
        if isinstance(parent, QMainWindow):
            parent.statusBar().showMessage("; ".join(lines), STATUS_MS)
        if problems:
            box = QMessageBox(parent)
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("REFI-QDA import")
            box.setText("\n".join(lines))
            box.setDetailedText("\n".join(problems))
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
        if reports:
            on_done(reports[-1])

    start_job(parent, "Importing a REFI-QDA project", run, finished, writes=True)
