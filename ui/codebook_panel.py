"""The right pane: codebook tree (groups > codes: swatch, key, count here) and code details."""

from __future__ import annotations

import html
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.records import CodeRecord, GroupRecord, ProjectCodebook
from ui.group_tree_model import GROUP_ID, GroupTreeModel
from ui.table_model import LEAF_FLAGS

Index = QModelIndex | QPersistentModelIndex

CODE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CodebookColumn(IntEnum):
    NAME = 0
    KEY = 1
    COUNT = 2


def swatch(color: str, size: int = 12) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor(color).darker(130))
    p.setBrush(QColor(color))
    p.drawRoundedRect(1, 1, size - 2, size - 2, 3, 3)
    p.end()
    return QIcon(pix)


class CodebookModel(GroupTreeModel):
    """Two levels: groups, then their codes. Counts are for the open article and coder."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._counts: dict[int, int] = {}
        self._icons: dict[str, QIcon] = {}
        self._where: dict[int, tuple[int, int]] = {}  # code id -> (group row, code row)

    def set_codebook(self, codebook: ProjectCodebook | None) -> None:
        self.beginResetModel()
        self._groups = codebook.groups if codebook is not None else ()
        self._where = {
            c.id: (g, r) for g, grp in enumerate(self._groups) for r, c in enumerate(grp.codes)
        }
        self._icons = {}
        self.endResetModel()

    def set_counts(self, counts: dict[int, int]) -> None:
        changed = {
            k for k in set(counts) | set(self._counts) if counts.get(k) != self._counts.get(k)
        }
        self._counts = dict(counts)
        for code_id in changed:
            idx = self.index_of(code_id, CodebookColumn.COUNT)
            if idx.isValid():
                self.dataChanged.emit(idx, idx)

    def count(self, code_id: int) -> int:
        return self._counts.get(code_id, 0)

    def index_of(self, code_id: int, column: int = 0) -> QModelIndex:
        where = self._where.get(code_id)
        if where is None:
            return QModelIndex()
        g, r = where
        return self.createIndex(r, column, g + 1)

    # -- Qt model -------------------------------------------------------------------------
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(CodebookColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return {0: "Code", 1: "Key", 2: "Here"}.get(section)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == GROUP_ID:
            return Qt.ItemFlag.ItemIsEnabled
        return LEAF_FLAGS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        col = index.column()
        if index.internalId() == GROUP_ID:
            group = self._groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole and col == CodebookColumn.NAME:
                return group.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return "one code per sentence" if not group.multiple else "several codes allowed"
            if role == Qt.ItemDataRole.FontRole and col == CodebookColumn.NAME:
                f = QFont()
                f.setWeight(QFont.Weight.DemiBold)
                return f
            return None
        code = self._groups[index.internalId() - 1].codes[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == CodebookColumn.NAME:
                return code.name
            if col == CodebookColumn.KEY:
                return code.key.upper()
            if col == CodebookColumn.COUNT:
                return str(self._counts.get(code.id, 0))
        elif role == Qt.ItemDataRole.DecorationRole and col == CodebookColumn.NAME:
            color = code.color or "#888888"
            found = self._icons.get(color)
            if found is None:
                found = self._icons[color] = swatch(color)
            return found
        elif role == Qt.ItemDataRole.ToolTipRole:
            if col == CodebookColumn.COUNT:
                return "sentences you gave this code in this article"
            key = f" (key {code.key.upper()})" if code.key else ""
            return (
                f"Click to toggle {code.name}{key} on the selected sentences; "
                "double-click to read it without coding"
            )
        elif role == Qt.ItemDataRole.TextAlignmentRole and col != CodebookColumn.NAME:
            return int(Qt.AlignmentFlag.AlignCenter)
        elif role == CODE_ID_ROLE:
            return code.id
        return None


def code_details_html(code: CodeRecord, group: GroupRecord | None) -> str:
    """The text shown under the tree: what the code means and where its edges are."""
    e = html.escape
    parts = [f"<h3 style='margin:0'>{e(code.name)}</h3>"]
    meta = []
    if code.key:
        meta.append(f"key <b>{e(code.key.upper())}</b>")
    if group is not None:
        choice = "several codes allowed" if group.multiple else "one code per sentence"
        meta.append(f"{e(group.name)} ({choice})")
    if meta:
        parts.append(f"<p style='color:gray'>{' · '.join(meta)}</p>")
    for title, body in (
        ("Definition", code.definition),
        ("Include", code.include),
        ("Exclude", code.exclude),
    ):
        if body.strip():
            parts.append(f"<p><b>{title}.</b> {e(body.strip())}</p>")
    if code.examples:
        items = "".join(f"<li>{e(x.strip())}</li>" for x in code.examples)
        parts.append(f"<p><b>Examples</b></p><ul>{items}</ul>")
    return "".join(parts)


class CodeTree(QTreeView):
    """Enter or Space on a code toggles it (the same as a click)."""

    toggle_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            code_id = self.currentIndex().data(CODE_ID_ROLE)
            if code_id is not None:
                self.toggle_requested.emit(int(code_id))
                return
        super().keyPressEvent(event)


class CodebookPanel(QWidget):
    """Emits code_toggled(code id) when a code is clicked or activated.

    A click toggles only once the double-click interval has passed without a second click: a
    double-click is how a coder opens a code to read it, and must not label anything.
    """

    code_toggled = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CodebookModel(self)
        self.tree = CodeTree(self)
        self.tree.setObjectName("codebookTree")
        self.tree.setModel(self.model)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setIconSize(QSize(12, 12))
        hh = self.tree.header()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(CodebookColumn.NAME, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(CodebookColumn.KEY, QHeaderView.ResizeMode.Fixed)
        hh.setSectionResizeMode(CodebookColumn.COUNT, QHeaderView.ResizeMode.Fixed)
        hh.resizeSection(CodebookColumn.KEY, 40)
        hh.resizeSection(CodebookColumn.COUNT, 48)
        self._pending_code: int | None = None
        self._click_timer = QTimer(self)
        self._click_timer.setSingleShot(True)
        self._click_timer.setInterval(QGuiApplication.styleHints().mouseDoubleClickInterval())
        self._click_timer.timeout.connect(self._click_settled)
        self.tree.clicked.connect(self._clicked)
        self.tree.doubleClicked.connect(self._double_clicked)
        self.tree.toggle_requested.connect(self.code_toggled)
        self.tree.selectionModel().currentChanged.connect(self._show_current)

        self.details = QTextBrowser(self)
        self.details.setObjectName("codeDetails")
        self.details.setOpenExternalLinks(True)
        self.details.setPlaceholderText("Select a code to read its definition.")

        self.title = QLabel(self)
        self.title.setObjectName("codebookTitle")
        self.title.setWordWrap(True)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.tree)
        split.addWidget(self.details)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        split.setSizes([200, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)

    def set_codebook(self, codebook: ProjectCodebook | None) -> None:
        self.model.set_codebook(codebook)
        self.tree.expandAll()
        self.details.clear()
        if codebook is not None and codebook.codes:
            self.show_code(codebook.codes[0].id)
        if codebook is None or not codebook.groups:
            self.title.setText("<b>No codebook</b> — File › Load codebook…")
        else:
            version = f" {codebook.version}" if codebook.version else ""
            self.title.setText(f"<b>{html.escape(codebook.name)}</b>{html.escape(version)}")

    def set_counts(self, counts: dict[int, int]) -> None:
        self.model.set_counts(counts)

    def show_code(self, code_id: int) -> None:
        idx = self.model.index_of(code_id)
        if idx.isValid():
            self.tree.setCurrentIndex(idx)

    def _clicked(self, index: QModelIndex) -> None:
        code = self.model.code_at(index)
        self._pending_code = code.id if code is not None else None
        if code is not None:
            self._click_timer.start()

    def _double_clicked(self, index: QModelIndex) -> None:
        self._click_timer.stop()
        self._pending_code = None
        code = self.model.code_at(index)
        if code is not None:
            self.show_code(code.id)

    def _click_settled(self) -> None:
        code_id, self._pending_code = self._pending_code, None
        if code_id is not None:
            self.code_toggled.emit(code_id)

    def _show_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        code = self.model.code_at(current)
        if code is None:
            return
        self.details.setHtml(code_details_html(code, self.model.group_at(current)))
