"""The one read-only table model over a list of rows: counts, column headers, row access.

Report and adjudication tables differ only in how a row becomes cells; this holds the rest, and
the cells every disagreement table shows (article title, sentence number).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
#: A row of a list or table that can be selected but not edited or expanded.
LEAF_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


class RowTableModel(QAbstractTableModel):
    """Rows in a plain list; subclasses give ``HEADERS`` (or ``headers()``) and ``data``, and
    may give ``TIPS``: a header tooltip per column ("" for none)."""

    HEADERS: tuple[str, ...] = ()
    TIPS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def headers(self) -> Sequence[str]:
        return self.HEADERS

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def replace(self, row: int, value: Any) -> None:
        """Put a new value in one row and repaint that row only."""
        self._rows[row] = value
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def row_of(self, index: Index) -> Any | None:
        """The row behind a valid index of this model, else None."""
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        return self._rows[index.row()]

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        names = self.headers()
        horizontal = orientation == Qt.Orientation.Horizontal
        if not horizontal or not 0 <= section < len(names):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return names[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if section < len(self.TIPS) and self.TIPS[section]:
                return self.TIPS[section]
            if names[section] == SENTENCE_NUMBER:
                return SENTENCE_NUMBER_TIP
        return None


#: The one name of a sentence's number in every table, the same number the sentence view shows
#: ("Sentence 4") and exported files call ``sentence_number`` (docs/exchange.md).
SENTENCE_NUMBER = "Sentence no."
SENTENCE_NUMBER_TIP = (
    "The sentence's number in its article, counted from 1 as in “Sentence 4”; "
    "exported files call it sentence_number."
)


def sentence_cell(row: Any, column: int) -> str | None:
    """Column 0: the article title; 1: the sentence number (for any disagreement-like row)."""
    if column == 0:
        return str(row.article_title or f"Article {row.article_id}")
    if column == 1:
        return str(row.sentence_index + 1)
    return None
