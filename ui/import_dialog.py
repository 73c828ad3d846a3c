"""Import articles: choose files and folders, run the import off the GUI thread, show what happened.

The core does the work (``Project.import_paths``) and guarantees that a cancelled import leaves the
project as it was; this module only gathers the choices, shows progress and reports the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import ReadOnlyProjectError
from annotator.imports import SUPPORTED_SUFFIXES, TableOptions
from annotator.imports.table_preview import can_preview
from annotator.project import Project
from annotator.records import ImportReport
from ui.errors import show_error
from ui.file_dialogs import SafeFileDialog
from ui.table_model import RowTableModel
from ui.table_preview_panel import TablePreviewPanel
from ui.workers import start_job

log = logging.getLogger(__name__)

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson")
STATUS_MS = 8000
#: REFI-QDA projects from other QDA programs: their sources, codebook, coders and codings
REFI_SUFFIXES = (".qdpx", ".qde")
_FILE_FILTER = (
    "Articles and REFI-QDA projects ("
    + " ".join(f"*{s}" for s in sorted({*SUPPORTED_SUFFIXES, *REFI_SUFFIXES}))
    + ");;REFI-QDA projects (*.qdpx *.qde);;All files (*)"
)

# Dialogs shown without a parent must be kept alive until they close.
_alive: set[QWidget] = set()

ModelIndex = QModelIndex | QPersistentModelIndex


class ImportDialog(QDialog):
    """Files and folders to import, and which table columns hold what (blank = detect)."""

    OPTION_FIELDS = (
        ("text_column", "Text column"),
        ("title_column", "Title column"),
        ("date_column", "Date column"),
        ("source_column", "Source column"),
        ("url_column", "URL column"),
        ("id_column", "ID column"),
    )

    def __init__(self, parent: QWidget | None = None, paths: Sequence[Path] = ()) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import articles")
        self.setAcceptDrops(True)
        self.resize(720, 640)

        intro = QLabel(
            "Choose files or folders (folders are searched with their subfolders), or drop them "
            "here. Supported: " + ", ".join(sorted(SUPPORTED_SUFFIXES)) + "."
        )
        intro.setWordWrap(True)

        self._model = QStringListModel(self)
        self.path_view = QListView()
        self.path_view.setModel(self._model)
        self.path_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.path_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.path_view.setAcceptDrops(False)  # the dialog takes the drop

        self.add_files_button = QPushButton("Add files…")
        self.add_folder_button = QPushButton("Add folder…")
        self.remove_button = QPushButton("Remove")
        self.add_files_button.clicked.connect(self._choose_files)
        self.add_folder_button.clicked.connect(self._choose_folder)
        self.remove_button.clicked.connect(self._remove_selected)
        buttons_row = QHBoxLayout()
        for b in (self.add_files_button, self.add_folder_button, self.remove_button):
            buttons_row.addWidget(b)
        buttons_row.addStretch(1)

        # The preview follows the selected (else the first) table file and the column fields.
        self.preview_panel = TablePreviewPanel()
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(250)
        self._preview_timer.timeout.connect(self._update_preview)

        table_box = QGroupBox("Table files (.csv, .tsv, .jsonl, .xlsx)")
        form = QFormLayout(table_box)
        hint = QLabel("Leave a field blank to detect the column by its usual names.")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.option_edits: dict[str, QLineEdit] = {}
        for name, label in self.OPTION_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText("auto-detect")
            edit.setClearButtonEnabled(True)
            edit.textChanged.connect(self._preview_timer.start)
            self.option_edits[name] = edit
            form.addRow(label + ":", edit)

        self.button_box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.button_box.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Import")
        self.button_box.accepted.connect(self.accept)
        self.button_box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons_row)
        layout.addWidget(self.path_view, 1)
        layout.addWidget(table_box)
        preview_box = QGroupBox("Preview")
        QVBoxLayout(preview_box).addWidget(self.preview_panel)
        layout.addWidget(preview_box, 1)
        layout.addWidget(self.button_box)

        self._model.rowsInserted.connect(self._update_buttons)
        self._model.rowsRemoved.connect(self._update_buttons)
        self._model.modelReset.connect(self._update_buttons)
        self.path_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.path_view.selectionModel().selectionChanged.connect(self._preview_timer.start)
        self._model.modelReset.connect(self._preview_timer.start)
        self.add_paths(paths)
        self._update_buttons()

    # -- the choices --------------------------------------------------------------------
    def paths(self) -> list[Path]:
        return [Path(p) for p in self._model.stringList()]

    def add_paths(self, paths: Sequence[Path | str]) -> None:
        """Add paths not chosen yet, keeping the order in which they were chosen."""
        current = self._model.stringList()
        for p in paths:
            text = str(Path(p))
            if text not in current:
                current.append(text)
        self._model.setStringList(current)

    def options(self) -> TableOptions:
        def value(name: str) -> str | None:
            return self.option_edits[name].text().strip() or None

        return TableOptions(
            text_column=value("text_column"),
            title_column=value("title_column"),
            date_column=value("date_column"),
            source_column=value("source_column"),
            url_column=value("url_column"),
            id_column=value("id_column"),
        )

    # -- slots ------------------------------------------------------------------------
    def _choose_files(self) -> None:
        files, _ = SafeFileDialog.getOpenFileNames(self, "Add files", "", _FILE_FILTER)
        self.add_paths([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = SafeFileDialog.getExistingDirectory(self, "Add folder")
        if folder:
            self.add_paths([Path(folder)])

    def _remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.path_view.selectionModel().selectedIndexes()})
        for row in reversed(rows):
            self._model.removeRows(row, 1)

    def previewed_path(self) -> Path | None:
        """The selected path if it is a table file, else the first table file chosen."""
        selected = [self.paths()[i.row()] for i in self.path_view.selectionModel().selectedRows()]
        for path in [*selected, *self.paths()]:
            if can_preview(path) and path.is_file():
                return path
        return None

    def _update_preview(self) -> None:
        self.preview_panel.show_file(self.previewed_path(), self.options())

    def _update_buttons(self, *_args: object) -> None:
        self.button_box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self._model.rowCount() > 0
        )
        self.remove_button.setEnabled(self.path_view.selectionModel().hasSelection())

    # -- drops ------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_file_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        local = dropped_paths(event)
        if local:
            self.add_paths(local)


class ProblemsModel(RowTableModel):
    """(file, message) rows of an import report."""

    HEADERS = ("File", "Problem")

    def __init__(self, problems: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_rows(problems)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        if row is not None and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        return None


def accept_file_drag(event: QDragEnterEvent) -> None:
    """Accept a drag that carries local files (the import dialog and the main window)."""
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    if any(u.isLocalFile() for u in urls):
        event.acceptProposedAction()
    else:
        event.ignore()


def dropped_paths(event: QDropEvent) -> list[Path]:
    """The local files of a drop, which is accepted when there are any."""
    paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
    if paths:
        event.acceptProposedAction()
    return paths


def needs_report(report: ImportReport) -> bool:
    """A plain success goes to the status bar; anything else deserves a dialog."""
    return (
        report.imported == 0
        or bool(report.skipped_duplicates)
        or bool(report.problems)
        or bool(report.near_duplicates)
    )


class ImportReportDialog(QDialog):
    """What an import did: articles and sentences added, duplicates skipped, files that failed."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.resize(640, 420)
        layout = QVBoxLayout(self)

        self.summary_label = QLabel(_headline(report))
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.per_file_view: QPlainTextEdit | None = None
        if report.articles_per_file:  # news exports and tables: how many each file held
            n = len(report.articles_per_file)
            layout.addWidget(QLabel(f"{n} file{_s(n)} held several articles:"))
            self.per_file_view = QPlainTextEdit(
                "\n".join(
                    f"{origin}: {held:,} articles"
                    for origin, held in report.articles_per_file.items()
                )
            )
            self.per_file_view.setReadOnly(True)
            self.per_file_view.setMaximumHeight(90)
            layout.addWidget(self.per_file_view)

        self.duplicates_view: QPlainTextEdit | None = None
        if report.skipped_duplicates:
            n = len(report.skipped_duplicates)
            layout.addWidget(
                QLabel(f"Skipped {n} duplicate{_s(n)} (the same text is already in the project):")
            )
            self.duplicates_view = QPlainTextEdit("\n".join(report.skipped_duplicates))
            self.duplicates_view.setReadOnly(True)
            self.duplicates_view.setMaximumHeight(110)
            layout.addWidget(self.duplicates_view)

        self.near_duplicates_label: QLabel | None = None
        if report.near_duplicates:
            groups = report.near_duplicates
            n = sum(len(g.members) for g in groups)
            self.near_duplicates_label = QLabel(
                f"{n} articles are near-duplicates (reprints or corrected versions) in "
                f"{len(groups)} group{_s(len(groups))}: choose “Near-duplicates” in the article "
                "list to see them together, then Edit › Keep this article or Keep all."
            )
            self.near_duplicates_label.setWordWrap(True)
            layout.addWidget(self.near_duplicates_label)

        self.problems_model = ProblemsModel(report.problems, self)
        self.problems_view: QTableView | None = None
        if report.problems:
            n = len(report.problems)
            layout.addWidget(QLabel(f"{n} problem{_s(n)} (these files or rows were not imported):"))
            view = QTableView()
            view.setModel(self.problems_model)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            # messages are read, not skimmed: wrap them in full (the tooltip repeats them)
            view.setWordWrap(True)
            view.setTextElideMode(Qt.TextElideMode.ElideNone)
            view.verticalHeader().hide()
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header = view.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            view.setColumnWidth(0, 200)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.problems_view = view
            layout.addWidget(view, 1)
        else:
            layout.addStretch(1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _headline(report: ImportReport) -> str:
    if report.imported == 0:
        return "No articles were imported."
    n, m = report.imported, report.sentences
    return f"{n:,} article{_s(n)} imported ({m:,} sentence{_s(m)})."


def _status(parent: QWidget | None, message: str) -> None:
    if isinstance(parent, QMainWindow):
        parent.statusBar().showMessage(message, STATUS_MS)


def _show(dialog: QWidget) -> None:
    if dialog.parent() is None:
        _alive.add(dialog)
        dialog.destroyed.connect(lambda *_: _alive.discard(dialog))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()


def run_import(
    parent: QWidget,
    project: Project,
    paths: list[Path] | None,
    on_done: Callable[[ImportReport], None],
) -> ImportDialog | None:
    """Ask for paths if none are given, then import them in the background with progress.

    on_done(report) is called when the import finishes (not when it is cancelled or fails:
    then nothing changed). Returns the dialog that asks for paths, if one was opened.
    """
    if project.read_only:
        show_error(
            parent,
            "Import articles",
            ReadOnlyProjectError(f"{project.path.name} is open read-only: nothing can be imported"),
        )
        return None
    if paths is None:
        dialog = ImportDialog(parent)

        def chosen(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.paths():
                _start(parent, project, dialog.paths(), dialog.options(), on_done)
            dialog.deleteLater()

        dialog.finished.connect(chosen)
        if parent is None:
            _alive.add(dialog)
            dialog.destroyed.connect(lambda *_: _alive.discard(dialog))
        dialog.open()
        return dialog
    _start(parent, project, list(paths), TableOptions(), on_done)
    return None


def _start(
    parent: QWidget,
    project: Project,
    paths: list[Path],
    options: TableOptions,
    on_done: Callable[[ImportReport], None],
) -> None:
    refi = [p for p in paths if p.suffix.lower() in REFI_SUFFIXES]
    if refi:  # codes, coders and codings come too: annotator.exchange.refi, as on the command line
        from ui.refi_import import start_refi_import

        start_refi_import(parent, project, refi, on_done)
        paths = [p for p in paths if p not in refi]
        if not paths:
            return
    log.info("importing %d paths into %s", len(paths), project.path)
    _status(parent, "Importing…")

    def finished(report: ImportReport) -> None:
        log.info("import finished: %s", report.summary())
        if needs_report(report):
            _status(parent, report.summary().capitalize())
            _show(ImportReportDialog(report, parent))
        else:
            _status(parent, _headline(report))
        on_done(report)

    def cancelled() -> None:
        _status(parent, "Import cancelled: nothing was changed")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Import cancelled",
            "The import was cancelled. Nothing was changed: articles it had already added were "
            "removed again.",
            QMessageBox.StandardButton.Ok,
            parent,
        )
        _show(box)

    start_job(
        parent,
        "Importing articles",
        lambda progress, cancel: project.import_paths(paths, options, progress, cancel),
        finished,
        on_cancel=cancelled,
        writes=True,
    )
