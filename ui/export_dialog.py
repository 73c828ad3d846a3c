"""Export labels: choose a format and what to include, preview the first rows, write in the
background with a progress bar and Cancel.

The core (``annotator.exports``) writes atomically and never overwrites without being told to;
this dialog asks before overwriting and then passes ``force=True``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.exports import ExportOptions, export_labels
from annotator.exports.preview import XLSX_SHEETS, ExportPreview, preview_export
from annotator.project import Project
from ui.errors import show_error
from ui.file_dialogs import SafeFileDialog
from ui.workers import Job, start_job

log = logging.getLogger(__name__)

PREVIEW_ROWS = 50
#: a preview column is as wide as its header, and as its cells up to this (long texts are cut)
MAX_COLUMN_WIDTH = 320
#: (label, suffix, layout)
FORMATS: tuple[tuple[str, str, str], ...] = (
    ("CSV: one row per label, plus memo and status rows (long)", ".csv", "long"),
    ("CSV: one row per sentence, a column per coder (wide)", ".csv", "wide"),
    ("Excel workbook (.xlsx)", ".xlsx", "long"),
    ("JSON Lines, one sentence a line (.jsonl)", ".jsonl", "long"),
    ("REFI-QDA project for other QDA programs (.qdpx)", ".qdpx", "long"),
)
#: each format row's suffix, in the order of FORMATS (a typed suffix picks its first row)
SUFFIXES: tuple[str, ...] = tuple(suffix for _label, suffix, _layout in FORMATS)
FORMAT_NAMES = {".csv": "CSV", ".xlsx": "Excel", ".jsonl": "JSON Lines", ".qdpx": "REFI-QDA"}

_alive: set[QWidget] = set()
ModelIndex = QModelIndex | QPersistentModelIndex


class FrameModel(QAbstractTableModel):
    """A read-only table over a small pandas DataFrame (the preview)."""

    def __init__(self, frame: pd.DataFrame | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._frame = frame if frame is not None else pd.DataFrame()

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        self._frame = frame
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._frame)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._frame.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        value = self._frame.iat[index.row(), index.column()]
        text = "" if value is None else str(value)
        return text if role == Qt.ItemDataRole.ToolTipRole else text.replace("\n", " ⏎ ")

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self._frame.columns):
                return str(self._frame.columns[section])
            return None
        return str(section + 1)


class ExportDialog(QDialog):
    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Export labels")
        self.resize(820, 600)
        self.job: Job | None = None
        self.preview_job: Job | None = None
        self.last_result: int | None = None
        #: asked before an existing file is replaced; tests replace it
        self.ask_overwrite: Callable[[Path], bool] = self._ask_overwrite

        self.format_box = QComboBox()
        for label, _suffix, _layout in FORMATS:
            self.format_box.addItem(label)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("file to write")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)
        #: said before writing when the file name's ending is no export format's, or missing
        self.path_note = QLabel("")
        self.path_note.setObjectName("pathNote")
        self.path_note.setWordWrap(True)
        self.path_note.setVisible(False)

        self.coder_list = QListWidget()
        self.coder_list.setMaximumHeight(90)
        for name in project.coders():
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.coder_list.addItem(item)
        self.group_box = QComboBox()
        self.group_box.addItem("All groups")
        for group in project.codebook.groups:
            self.group_box.addItem(group.name)
        self.version_box = QComboBox()
        self.version_box.addItem("Labels of every codebook version", None)
        for v in sorted(project.codebook_versions(), key=lambda v: -v.number):
            self.version_box.addItem(
                f"Only labels made under version {v.number}: {v.note}", v.number
            )
        self.done_only = QCheckBox("Only articles the coder has marked done")
        self.bom = QCheckBox("Start with a byte-order mark (Excel opens UTF-8 correctly)")

        form = QFormLayout()
        form.addRow("Format", self.format_box)
        form.addRow("File", path_row)
        form.addRow("", self.path_note)
        form.addRow("Coders", self.coder_list)
        form.addRow("Code group", self.group_box)
        form.addRow("Codebook version", self.version_box)
        form.addRow("", self.done_only)
        form.addRow("", self.bom)

        self.preview_title = QLabel(f"Preview (first {PREVIEW_ROWS} rows)")
        self.sheet_box = QComboBox()  # which workbook sheet the preview shows (.xlsx only)
        self.sheet_box.addItems(XLSX_SHEETS)
        self.sheet_box.setToolTip("The workbook sheet shown in the preview")
        preview_row = QHBoxLayout()
        preview_row.addWidget(self.preview_title)
        preview_row.addWidget(self.sheet_box)
        preview_row.addStretch(1)
        #: what the file holds besides the rows shown, or (.qdpx) all it holds
        self.preview_note = QLabel("")
        self.preview_note.setWordWrap(True)
        self.preview_model = FrameModel(parent=self)
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.preview.setWordWrap(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(preview_row)
        layout.addWidget(self.preview_note)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(self._path_edited)
        self.group_box.currentIndexChanged.connect(self.refresh_preview)
        self.version_box.currentIndexChanged.connect(self.refresh_preview)
        self.sheet_box.currentIndexChanged.connect(self.refresh_preview)
        self.done_only.toggled.connect(self.refresh_preview)
        self.coder_list.itemChanged.connect(self.refresh_preview)
        self._format_changed()

    # -- options ---------------------------------------------------------------------------
    def suffix(self) -> str:
        return FORMATS[self.format_box.currentIndex()][1]

    def options(self) -> ExportOptions:
        _label, suffix, layout = FORMATS[self.format_box.currentIndex()]
        checked = [
            self.coder_list.item(i).text()
            for i in range(self.coder_list.count())
            if self.coder_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        coders = None if len(checked) == self.coder_list.count() else tuple(checked)
        group = None if self.group_box.currentIndex() == 0 else self.group_box.currentText()
        version = self.version_box.currentData()
        return ExportOptions(
            layout="wide" if layout == "wide" else "long",
            coders=coders,
            group=group,
            done_only=self.done_only.isChecked(),
            bom=self.bom.isChecked() and suffix == ".csv",
            codebook_versions=None if version is None else frozenset({int(version)}),
        )

    def _format_changed(self) -> None:
        """A format chosen: a file name ending in another format's suffix takes this one's; a
        name the researcher ended otherwise (notes.txt) is kept, and the note says so."""
        suffix = self.suffix()
        self.bom.setEnabled(suffix == ".csv")
        self.sheet_box.setVisible(suffix == ".xlsx")
        text = self.path_edit.text().strip()
        if not text:
            self.path_edit.setText(
                str(self.project.path.with_name(self.project.path.stem + suffix))
            )
        elif Path(text).suffix.lower() in SUFFIXES and Path(text).suffix.lower() != suffix:
            self.path_edit.setText(str(Path(text).with_suffix(suffix)))
        self._update_path_note()
        self.refresh_preview()

    def _path_edited(self, text: str) -> None:
        """A file name typed with a format's suffix (out.xlsx) chooses that format, as Save
        dialogs do; a CSV name keeps the chosen CSV layout."""
        typed = Path(text.strip()).suffix.lower() if text.strip() else ""
        if typed in SUFFIXES and typed != self.suffix():
            self.format_box.setCurrentIndex(SUFFIXES.index(typed))
        self._update_path_note()

    def target_path(self) -> Path | None:
        """The file the export writes: the name as typed, the format's suffix added only when
        the name has none (as Save dialogs do)."""
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text)
        return path if path.suffix else path.with_name(path.name + self.suffix())

    def _update_path_note(self) -> None:
        path = self.target_path()
        typed = Path(self.path_edit.text().strip()).suffix
        label = FORMAT_NAMES[self.suffix()]
        if path is None or typed.lower() in SUFFIXES:
            note = ""
        elif not typed:
            note = f"Will be written as {path.name} ({label})."
        else:
            note = (
                f"⚠ {typed} is not an export format's ending: {path.name} will be written "
                f"under the name you typed, in {label} format (usual ending "
                f"{self.suffix()})."
            )
        self.path_note.setText(note)
        self.path_note.setVisible(bool(note))

    def _browse(self) -> None:
        suffix = self.suffix()
        name, _ = SafeFileDialog.getSaveFileName(
            self,
            "Export to",
            self.path_edit.text(),
            f"*{suffix}",
            options=QFileDialog.Option.DontConfirmOverwrite,  # we ask ourselves, once
        )
        if name:
            self.path_edit.setText(name)  # its suffix chooses the format (_path_edited)

    # -- preview ---------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        if self.preview_job is not None:  # superseded: a late old preview must not win
            self.preview_job.token.cancel()
        options, suffix, sheet = self.options(), self.suffix(), self.sheet_box.currentText()
        engine = self.project.engine

        def work(progress: Any, cancel: Any) -> ExportPreview:
            return preview_export(engine, suffix, options, PREVIEW_ROWS, sheet)

        def show(preview: ExportPreview) -> None:
            if self.preview_job is job:  # only the newest preview is shown
                self._show_preview(preview)

        def failed(exc: BaseException, details: str) -> None:
            if self.preview_job is job:
                self._preview_failed(exc, details)

        job = start_job(self, "Preview", work, show, show_dialog=False, on_error=failed)
        self.preview_job = job

    def _show_preview(self, preview: ExportPreview) -> None:
        """The format's own rows (a .qdpx is no table: its sentence stands alone)."""
        self.preview_note.setText(preview.note)
        table = preview.frame is not None
        self.preview.setVisible(table)
        self.preview_title.setText(
            f"Preview (first {PREVIEW_ROWS} rows)" if table else "What the file will hold"
        )
        self.preview_model.set_frame(preview.frame if table else pd.DataFrame())
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Every header readable in full; a column of long texts no wider than
        MAX_COLUMN_WIDTH (the tooltip has the whole cell)."""
        header = self.preview.horizontalHeader()
        self.preview.resizeColumnsToContents()
        for col in range(self.preview_model.columnCount()):
            fitted = min(self.preview.columnWidth(col), MAX_COLUMN_WIDTH)
            self.preview.setColumnWidth(col, max(fitted, header.sectionSizeHint(col)))

    def _preview_failed(self, exc: BaseException, details: str) -> None:
        self.preview_model.set_frame(pd.DataFrame())
        self.preview_note.setText("")
        if isinstance(exc, AnnotatorError):
            self.status.setText(str(exc))
        else:
            show_error(self, "Preview", exc, details)

    # -- export ----------------------------------------------------------------------------
    def _ask_overwrite(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"{path.name} already exists. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def start_export(self) -> None:
        path = self.target_path()
        if path is None:
            self.status.setText("Choose a file to export to.")
            return
        file_format = self.suffix()
        force = False
        if path.exists():
            if not self.ask_overwrite(path):
                self.status.setText(f"{path.name} was left as it was.")
                return
            force = True
        options = self.options()
        project = self.project

        def work(progress: Any, cancel: Any) -> int:
            return export_labels(
                project.engine,
                path,
                layout=options.layout,
                coders=options.coders,
                group=options.group,
                done_only=options.done_only,
                bom=options.bom,
                codebook_version=options.codebook_versions,
                force=force,
                file_format=file_format,
                progress=progress,
                cancel=cancel,
            ).rows

        self.export_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.status.setText(f"Writing {path.name}…")
        self.job = start_job(
            self,
            "Export",
            work,
            lambda n: self._finished(path, n),
            show_dialog=False,
            on_cancel=self._cancelled,
            on_error=self._failed,
        )
        self.job.signals.progress.connect(self._progress)

    def cancel_export(self) -> None:
        if self.job is not None:
            self.job.token.cancel()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            scale = max(1, total // 1_000_000 + 1)
            self.progress.setRange(0, total // scale)
            self.progress.setValue(min(done, total) // scale)

    def _reset(self) -> None:
        self.export_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.job = None

    def _finished(self, path: Path, n: int) -> None:
        self._reset()
        self.progress.setValue(1)
        self.last_result = n
        what = "codings" if self.suffix() == ".qdpx" else "rows"
        self.status.setText(f"Wrote {path} ({n:,} {what}).")

    def _cancelled(self) -> None:
        self._reset()
        self.status.setText("Export cancelled; no file was written.")

    def _failed(self, exc: BaseException, details: str) -> None:
        self._reset()
        if isinstance(exc, AnnotatorError):
            self.status.setText(str(exc))
        else:
            show_error(self, "Export", exc, details)


def open_export(parent: QWidget | None, project: Project) -> ExportDialog:
    """Show the export dialog (non-modal) for an open project."""
    dialog = ExportDialog(project, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _alive.add(dialog)
    dialog.destroyed.connect(lambda *_: _alive.discard(dialog))
    dialog.show()
    return dialog
