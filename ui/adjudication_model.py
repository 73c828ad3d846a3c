"""The list of disagreements the adjudication window walks through, and its "open only" filter.

A row is one ``AdjudicationItem`` (a sentence the compared coders coded differently); the last
column shows the decision so far, so the lead sees at a glance what is still open.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from annotator.adjudication import AdjudicationItem
from ui.table_model import RIGHT, SENTENCE_NUMBER, Index, RowTableModel, sentence_cell

#: whether the row's sentence is decided already (the filter reads it without knowing the items)
RESOLVED_ROLE = Qt.ItemDataRole.UserRole + 1


class AdjudicationListModel(RowTableModel):
    """The disagreements: article, sentence number, and the decision so far."""

    HEADERS = ("Article", SENTENCE_NUMBER, "Decision")

    @property
    def items(self) -> list[AdjudicationItem]:
        return self._rows

    def set_items(self, items: Sequence[AdjudicationItem]) -> None:
        self.set_rows(items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item: AdjudicationItem | None = self.row_of(index)
        if item is None:
            return None
        col = index.column()
        if role == RESOLVED_ROLE:
            return item.resolved
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col < 2:
                return sentence_cell(item, col)
            if item.decision is None:
                return "open"
            return " + ".join(item.decision.codes) or "(no code)"
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and item.decision is None:
            return QBrush(QColor("#8a5a00"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return RIGHT
        return None


class OpenOnlyProxy(QSortFilterProxyModel):
    """Hides the decided rows when ``open_only`` is on, so only the work left is listed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.open_only = False

    def set_open_only(self, on: bool) -> None:
        self.beginFilterChange()
        self.open_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        if not self.open_only:
            return True
        model = self.sourceModel()
        return not bool(model.index(row, 0, parent).data(RESOLVED_ROLE))
