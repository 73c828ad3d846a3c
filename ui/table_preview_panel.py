"""The import dialog's preview of a table file: its first rows, and which column is what.

Model/view: one QTableView over a small table model; the column headers say the role the import
gives each column ("body — text"), so a researcher sees before importing that the right column
is the text, or reads why the file would be refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QVBoxLayout, QWidget

from annotator.imports import TableOptions
from annotator.imports.table_preview import TablePreview, can_preview, preview_table

ModelIndex = QModelIndex | QPersistentModelIndex


class TablePreviewModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = TablePreview([], [])

    def set_preview(self, preview: TablePreview) -> None:
        self.beginResetModel()
        self.preview = preview
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.preview.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.preview.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        row = self.preview.rows[index.row()]
        return row[index.column()] if index.column() < len(row) else ""

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 2)  # rows as a spreadsheet numbers them: the header is row 1
        name = self.preview.columns[section]
        used_as = self.preview.roles.get(name)
        return f"{name} — {used_as}" if used_as else name


class TablePreviewPanel(QWidget):
    """Shows the preview of one table file, or says why there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = TablePreviewModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.horizontalHeader().setDefaultSectionSize(140)
        self.view.setMinimumHeight(110)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.view)
        self.show_file(None, TableOptions())

    def show_file(self, path: Path | None, options: TableOptions) -> None:
        if path is None or path.is_dir() or not can_preview(path):
            self.model.set_preview(TablePreview([], []))
            self.status.setText("Select a .csv, .tsv, .jsonl or .xlsx file to preview its columns.")
            self.view.setVisible(False)
            return
        preview = preview_table(path, options)
        self.model.set_preview(preview)
        self.view.setVisible(bool(preview.columns))
        if preview.problem:
            self.status.setText(f"{path.name}: {preview.problem}")
        else:
            used = ", ".join(f"{role}: {col}" for col, role in preview.roles.items())
            self.status.setText(f"{path.name}, first rows. Columns used — {used}.")
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), 260))
