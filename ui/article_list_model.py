"""The article list: a table model over the rows of one ``article_summaries`` query.

The summaries are the row cache (no text, so 100,000 stay small); data() never touches the database.
Filtering and sorting go through ``ArticleFilterProxy``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

from annotator.records import ArticleSummary, Status, plural
from ui import icons
from ui.table_model import LEAF_FLAGS

Index = QModelIndex | QPersistentModelIndex

ARTICLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 2  # (coded, total)
SORT_ROLE = Qt.ItemDataRole.UserRole + 3
STATUS_ROLE = Qt.ItemDataRole.UserRole + 4  # int(Status)
DUPLICATE_GROUP_ROLE = Qt.ItemDataRole.UserRole + 5  # int | None: its group of near-duplicates
#: group id << 32 | article id: sorting by it puts each group's articles together, in id order
GROUP_SORT_ROLE = Qt.ItemDataRole.UserRole + 6


class Column(IntEnum):
    TITLE = 0
    SOURCE = 1
    DATE = 2
    PROGRESS = 3
    STATUS = 4


HEADERS = {
    Column.TITLE: "Title",
    Column.SOURCE: "Source",
    Column.DATE: "Date",
    Column.PROGRESS: "Coded",
    Column.STATUS: "",
}

_STATUS_ICON = {
    Status.NOT_STARTED: "status_not_started",
    Status.IN_PROGRESS: "status_in_progress",
    Status.DONE: "status_done",
}


class ArticleListModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ArticleSummary] = []
        self._row_of: dict[int, int] = {}

    # -- loading --------------------------------------------------------------------------
    def set_summaries(self, summaries: list[ArticleSummary]) -> None:
        """Articles assigned to the coder come first (in their own order), then the others."""
        self.beginResetModel()
        self._rows = sorted(summaries, key=lambda s: not s.assigned)
        self._row_of = {s.id: i for i, s in enumerate(self._rows)}
        self.endResetModel()

    def update_summary(self, article_id: int, **changes: Any) -> None:
        """Replace fields of one row (e.g. n_coded, status) and repaint that row only."""
        row = self._row_of.get(article_id)
        if row is None:
            return
        self._rows[row] = dataclasses.replace(self._rows[row], **changes)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))

    def row_of(self, article_id: int) -> int | None:
        return self._row_of.get(article_id)

    def summary(self, row: int) -> ArticleSummary:
        return self._rows[row]

    def summary_of(self, article_id: int) -> ArticleSummary | None:
        row = self._row_of.get(article_id)
        return None if row is None else self._rows[row]

    def article_ids(self) -> list[int]:
        return [s.id for s in self._rows]

    # -- Qt model -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Status" if section == Column.STATUS else HEADERS[Column(section)]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return LEAF_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        s = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == Column.TITLE:
                return s.title or "(untitled)"
            if col == Column.SOURCE:
                return s.source
            if col == Column.DATE:
                return s.date
            if col == Column.PROGRESS:
                return f"{s.n_coded}/{s.n_sentences}"
            if col == Column.STATUS:
                return None
        elif role == SORT_ROLE:
            if col == Column.TITLE:
                return s.title.casefold()
            if col == Column.SOURCE:
                return s.source.casefold()
            if col == Column.DATE:
                return s.date
            if col == Column.PROGRESS:
                return s.n_coded / s.n_sentences if s.n_sentences else 0.0
            if col == Column.STATUS:
                return int(s.status)
        elif role == Qt.ItemDataRole.DecorationRole and col == Column.STATUS:
            return icons.icon(_STATUS_ICON[s.status])
        elif role == Qt.ItemDataRole.DecorationRole and col == Column.TITLE:
            return icons.icon("near_duplicate") if s.duplicate_group is not None else None
        elif role == Qt.ItemDataRole.FontRole and (s.duplicate_mark == "duplicate" or s.assigned):
            font = QFont()
            font.setStrikeOut(s.duplicate_mark == "duplicate")  # left out of agreement, exports
            font.setBold(bool(s.assigned))  # the coder's own work list
            return font
        elif role == Qt.ItemDataRole.ToolTipRole:
            if col == Column.STATUS:
                return s.status.label
            if col == Column.PROGRESS:
                return f"you have coded {s.n_coded:,} of {plural(s.n_sentences, 'sentence')}"
            if col in (Column.TITLE, Column.SOURCE, Column.DATE):
                # the whole title, and the source and date the list may have no room for
                where = "  ·  ".join(p for p in (s.source, s.date) if p)
                tip = f"{s.title}\n{where}" if where else s.title
                return tip + assignment_note(s) + duplicate_note(s)
        elif role == ARTICLE_ID_ROLE:
            return s.id
        elif role == PROGRESS_ROLE:
            return (s.n_coded, s.n_sentences)
        elif role == STATUS_ROLE:
            return int(s.status)
        elif role == DUPLICATE_GROUP_ROLE:
            return s.duplicate_group
        elif role == GROUP_SORT_ROLE:
            return ((s.duplicate_group if s.duplicate_group is not None else s.id) << 32) | s.id
        elif role == Qt.ItemDataRole.TextAlignmentRole and col == Column.STATUS:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def assignment_note(s: ArticleSummary) -> str:
    """The tooltip's line on the article's assignment to this coder ("" if none)."""
    return {
        1: "\nassigned to you",
        2: "\nassigned to you: reliability sample (every assigned coder codes it)",
    }.get(s.assigned, "")


def duplicate_note(s: ArticleSummary) -> str:
    """The tooltip's line on the article's group of near-duplicates ("" if in none)."""
    if s.duplicate_group is None:
        return ""
    mark = {"kept": "; kept", "duplicate": "; marked duplicate: left out of agreement and exports"}
    return f"\nnear-duplicate (group {s.duplicate_group}){mark.get(s.duplicate_mark, '')}"


class ArticleFilterProxy(QSortFilterProxyModel):
    """Filter by text (title or source), status, or near-duplicates; sort by the sort role.

    The near-duplicates filter shows only articles in a group, each group's articles together.

    With no filter set, filterAcceptsRow answers at once, so 100,000 rows stay quick.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._status: Status | None = None
        self._near_duplicates = False
        self._sort_before: tuple[int, Qt.SortOrder] | None = None
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_status(self, status: Status | None) -> None:
        self._refilter(lambda: setattr(self, "_status", status))

    def set_near_duplicates(self, only: bool) -> None:
        """Show only articles in a group of near-duplicates, grouped (or everything again)."""
        if only == self._near_duplicates:
            return
        self._refilter(lambda: setattr(self, "_near_duplicates", only))
        if only:
            self._sort_before = (self.sortColumn(), self.sortOrder())
            self.setSortRole(GROUP_SORT_ROLE)
            self.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
        else:
            self.setSortRole(SORT_ROLE)
            column, order = self._sort_before or (-1, Qt.SortOrder.AscendingOrder)
            self.sort(column, order)

    @property
    def near_duplicates(self) -> bool:
        return self._near_duplicates

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "endFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._text and self._status is None and not self._near_duplicates:
            return True
        model = self.sourceModel()
        if not isinstance(model, ArticleListModel):
            return True
        s = model.summary(source_row)
        if self._near_duplicates and s.duplicate_group is None:
            return False
        if self._status is not None and s.status != self._status:
            return False
        if self._text:
            return self._text in s.title.casefold() or self._text in s.source.casefold()
        return True
