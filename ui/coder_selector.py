"""The coders compared: a checkable list shared by the report and adjudication windows.

Both windows start from ``annotator.reliability.default_coders`` so they compare the same coders,
and both say how many articles the chosen coders have all marked done (the articles their units
come from), so a coder who finished one article only cannot silently shrink the comparison.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QLabel, QListView, QVBoxLayout, QWidget

from annotator.errors import AnnotatorError
from annotator.project import Project
from annotator.reliability import ADJUDICATED, default_coders, done_by_all

log = logging.getLogger(__name__)


class CoderSelector(QWidget):
    """Checkable coder names; ``changed`` fires on every check or uncheck."""

    changed = Signal()

    def __init__(
        self, project: Project, *, with_adjudicated: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.project = project
        names = [n for n in project.coders() if with_adjudicated or n != ADJUDICATED]
        chosen = set(self._defaults())
        self.items = QStandardItemModel(self)
        for name in names:
            item = QStandardItem(name)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            self.items.appendRow(item)
        self._setting = False  # set_selected checks several coders as one change
        self.items.itemChanged.connect(self._item_changed)
        self.view = QListView()
        self.view.setObjectName("coderList")
        self.view.setModel(self.items)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = max(2, min(6, self.items.rowCount()))
        row_height = max(self.view.sizeHintForRow(0), self.view.fontMetrics().height() + 4)
        self.view.setMaximumHeight(rows * row_height + 2 * self.view.frameWidth() + 4)
        self.view.setToolTip(
            "Tick the coders to compare. At first: the coders who share the most articles "
            "marked done"
        )
        self.count_label = QLabel()
        self.count_label.setObjectName("doneByAll")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.count_label.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view)
        lay.addWidget(self.count_label)
        self._update_count()

    def _defaults(self) -> list[str]:
        try:
            return default_coders(self.project)
        except AnnotatorError as exc:  # e.g. a damaged file: start with nothing checked
            log.warning("no default coders: %s", exc)
            return []

    def selected(self) -> list[str]:
        """The checked coders, in list (name) order."""
        out = []
        for row in range(self.items.rowCount()):
            item = self.items.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.text())
        return out

    def set_selected(self, names: Sequence[str]) -> None:
        """Check exactly these coders; the count is queried and ``changed`` fires once, if any
        check changed (not once per coder: each count is a query on the GUI thread)."""
        self._setting = True
        changed = False
        try:
            for row in range(self.items.rowCount()):
                item = self.items.item(row)
                want = Qt.CheckState.Checked if item.text() in names else Qt.CheckState.Unchecked
                if item.checkState() != want:
                    item.setCheckState(want)
                    changed = True
        finally:
            self._setting = False
        if changed:
            self._update_count()
            self.changed.emit()

    def done_count(self) -> int:
        """Articles every checked coder marked done (0 with fewer than two checked)."""
        coders = self.selected()
        if len(coders) < 2:
            return 0
        return done_by_all(self.project, coders)

    def _update_count(self) -> None:
        if len(self.selected()) < 2:
            self.count_label.setText("Choose at least two coders")
            return
        n = self.done_count()
        self.count_label.setText(f"{n:,} article{'' if n == 1 else 's'} done by all of them")

    def _item_changed(self, _item: QStandardItem) -> None:
        if self._setting:
            return
        self._update_count()
        self.changed.emit()
