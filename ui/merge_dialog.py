"""Merge coders' project files into the open (lead) project, in the background, and show the
report. The core merge is one transaction: cancelled or failed, the project is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.exchange.merge import MergeReport
from annotator.project import Project
from annotator.project_exchange import same_file_key
from ui.errors import show_error
from ui.file_dialogs import SafeFileDialog
from ui.workers import Job, start_job

_alive: set[QWidget] = set()


class MergeDialog(QDialog):
    def __init__(
        self,
        project: Project,
        on_done: Callable[[MergeReport], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.on_done = on_done
        self.job: Job | None = None
        self.merging = False  # from the start of a merge until its outcome has been shown
        self.report: MergeReport | None = None
        self.setWindowTitle(f"Merge into {project.path.name}")
        self.resize(620, 480)
        self.files = QStringListModel(self)
        view = QListView()
        view.setModel(self.files)
        view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.file_view = view
        add = QPushButton("Add files…")
        add.clicked.connect(self._choose)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_selected)
        self.merge_button = QPushButton("Merge")
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.start_merge)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        #: why a file was not added (already listed, or the open project itself)
        self.add_note = QLabel("")
        self.add_note.setObjectName("mergeAddNote")
        self.add_note.setWordWrap(True)
        self.add_note.setVisible(False)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setPlaceholderText("The merge report appears here.")
        row = QHBoxLayout()
        for button in (add, remove):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.merge_button)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Project files of other coders (their work is added, never removed):")
        )
        layout.addWidget(view, 1)
        layout.addWidget(self.add_note)
        layout.addLayout(row)
        layout.addWidget(self.output, 2)

    def paths(self) -> list[Path]:
        return [Path(p) for p in self.files.stringList()]

    def add_paths(self, paths: Sequence[Path]) -> list[str]:
        """Add files to the list, each once: a file already listed (under any name: another
        spelling, a link) and the open project itself are refused, and the note says why.
        Returns the reasons."""
        listed = {same_file_key(p): p for p in self.paths()}
        lead = same_file_key(self.project.path)
        added: list[str] = []
        refused: list[str] = []
        for path in (Path(p) for p in paths):
            key = same_file_key(path)
            if key == lead:
                refused.append(f"{path.name} is the open project: it cannot be merged into itself")
            elif key in listed:
                same = listed[key]
                refused.append(
                    f"{path.name} is already in the list"
                    + ("" if same == path else f" (as {same})")
                )
            else:
                listed[key] = path
                added.append(str(path))
        self.files.setStringList(self.files.stringList() + added)
        self.add_note.setText("Not added: " + "; ".join(refused) + "." if refused else "")
        self.add_note.setVisible(bool(refused))
        return refused

    def _choose(self) -> None:
        names, _ = SafeFileDialog.getOpenFileNames(
            self, "Project files to merge", str(self.project.path.parent), "*.annotator"
        )
        self.add_paths([Path(n) for n in names])

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.file_view.selectedIndexes()}, reverse=True)
        for row in rows:
            self.files.removeRow(row)

    def start_merge(self) -> None:
        paths = self.paths()
        if not paths:
            self.output.setPlainText("Add the project files to merge first.")
            return
        project = self.project

        def work(progress: Any, cancel: Any) -> MergeReport:
            return project.merge(paths, progress, cancel)

        self.merge_button.setEnabled(False)
        self.output.setPlainText("Merging…")
        self.merging = True
        self.job = start_job(
            self,
            "Merging",
            work,
            self._finished,
            writes=True,
            on_cancel=self._cancelled,
            on_error=self._failed,
        )

    # -- a running merge keeps the dialog: its result must reach the main window ------------
    def reject(self) -> None:
        if self.merging:
            self.output.setPlainText(
                "Merging… To stop, press Cancel on the progress bar: nothing is merged then."
            )
            return
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.merging:
            event.ignore()
            self.reject()  # says why
            return
        super().closeEvent(event)

    def _finished(self, report: MergeReport) -> None:
        self.merging = False
        self.merge_button.setEnabled(True)
        self.report = report
        lines = [report.summary(), ""]
        lines += [f"• {c}" for c in report.conflicts] or ["No conflicts."]
        self.output.setPlainText("\n".join(lines))
        if self.on_done is not None:
            self.on_done(report)

    def _cancelled(self) -> None:
        self.merging = False
        self.merge_button.setEnabled(True)
        self.output.setPlainText("Merge cancelled: the project is unchanged.")

    def _failed(self, exc: BaseException, details: str) -> None:
        self.merging = False
        self.merge_button.setEnabled(True)
        if isinstance(exc, AnnotatorError):
            self.output.setPlainText(f"Nothing was merged: {exc}")
        else:
            show_error(self, "Merge", exc, details)


def open_merge(
    parent: QWidget | None, project: Project, on_done: Callable[[MergeReport], None] | None = None
) -> MergeDialog:
    """Show the merge dialog; ``on_done(report)`` runs after a successful merge (to repaint)."""
    dialog = MergeDialog(project, on_done, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _alive.add(dialog)
    dialog.destroyed.connect(lambda *_: _alive.discard(dialog))
    dialog.show()
    return dialog
