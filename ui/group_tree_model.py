"""The two-level tree both codebook views show: groups, then their codes.

Group rows carry internal id 0; a code row carries its group's row + 1, so ``parent`` needs no
lookup. Subclasses give the columns (``columnCount``) and the data.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex

from annotator.records import CodeRecord, GroupRecord

Index = QModelIndex | QPersistentModelIndex

GROUP_ID = 0  # internalId of group rows; code rows carry their group's row + 1


class GroupTreeModel(QAbstractItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups: tuple[GroupRecord, ...] = ()

    def group_at(self, index: Index) -> GroupRecord | None:
        """The group of a group row, or of a code row's group."""
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == GROUP_ID else index.internalId() - 1
        return self._groups[row] if 0 <= row < len(self._groups) else None

    def code_at(self, index: Index) -> CodeRecord | None:
        if not index.isValid() or index.internalId() == GROUP_ID:
            return None
        group = self.group_at(index)
        if group is None or not 0 <= index.row() < len(group.codes):
            return None
        return group.codes[index.row()]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, GROUP_ID)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == GROUP_ID:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, GROUP_ID)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == GROUP_ID and parent.column() == 0:
            return len(self._groups[parent.row()].codes)
        return 0
