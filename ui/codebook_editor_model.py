"""The codebook editor's tree: groups, then their codes (name with its colour, key), over the
project's frozen ProjectCodebook. Rows are addressed by uid, so an edit that reorders or adds
rows keeps the selection on the item that was edited."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QIcon

from annotator.records import ProjectCodebook
from ui.codebook_panel import swatch
from ui.group_tree_model import GroupTreeModel

Index = QModelIndex | QPersistentModelIndex

UID_ROLE = Qt.ItemDataRole.UserRole + 2


class EditorColumn(IntEnum):
    NAME = 0
    KEY = 1


class CodebookEditorModel(GroupTreeModel):
    """Two levels: groups (bold, "single"/"multiple" in the key column) and their codes."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}

    def set_codebook(self, codebook: ProjectCodebook) -> None:
        self.beginResetModel()
        self._groups = codebook.groups
        self.endResetModel()

    # -- lookups ------------------------------------------------------------------------
    def index_of_uid(self, uid: str) -> QModelIndex:
        for g, group in enumerate(self._groups):
            if group.uid == uid:
                return self.index(g, 0)
            for r, code in enumerate(group.codes):
                if code.uid == uid:
                    return self.index(r, 0, self.index(g, 0))
        return QModelIndex()

    # -- the model ----------------------------------------------------------------------
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(EditorColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return ("Group / code", "Key")[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        code = self.code_at(index)
        col = index.column()
        if code is None:
            group = self.group_at(index)
            if group is None:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                if col == EditorColumn.NAME:
                    return group.name
                return "multiple" if group.multiple else "single"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(col == EditorColumn.NAME)
                return font
            if role == UID_ROLE:
                return group.uid
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return code.name if col == EditorColumn.NAME else code.key.upper()
        if role == Qt.ItemDataRole.DecorationRole and col == EditorColumn.NAME:
            if code.color not in self._icons:
                self._icons[code.color] = swatch(code.color)
            return self._icons[code.color]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == EditorColumn.KEY:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == UID_ROLE:
            return code.uid
        return None
