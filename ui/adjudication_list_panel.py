"""The adjudication window's left-hand side: the coders compared and the list of disagreements.

It owns the list (model, "open only" filter, table view) and answers where the lead is in it:
the row shown, the next open row either way, how many are resolved. Deciding and loading are the
window's (``ui.adjudication_window``). No widget here takes focus, so every key reaches the
window's actions.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.adjudication import AdjudicationItem
from annotator.project import Project
from ui.adjudication_model import AdjudicationListModel, OpenOnlyProxy
from ui.coder_selector import CoderSelector


class DisagreementListPanel(QWidget):
    """The coder checklist above the disagreements of the coders checked."""

    #: the disagreement to show changed (an ``AdjudicationItem``, or None for nothing)
    current_changed = Signal(object)

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = AdjudicationListModel(self)
        self.proxy = OpenOnlyProxy(self)
        self.proxy.setSourceModel(self.model)
        self.list_view = QTableView()
        self.list_view.setModel(self.proxy)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.verticalHeader().setVisible(False)
        self.list_view.verticalHeader().setDefaultSectionSize(
            self.list_view.fontMetrics().height() + 8
        )
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list_view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 0, 0)
        lay.addWidget(QLabel("<b>Coders compared</b>"))
        self.coder_selector = CoderSelector(project, with_adjudicated=False, parent=self)
        self.coder_selector.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys decide, always
        lay.addWidget(self.coder_selector)
        lay.addWidget(self.list_view, 1)

    # -- where the lead is --------------------------------------------------------------------
    def current_row(self) -> int | None:
        """The source row of the disagreement shown, or None."""
        idx = self.list_view.currentIndex()
        if not idx.isValid():
            return None
        return self.proxy.mapToSource(idx).row()

    def current_item(self) -> AdjudicationItem | None:
        row = self.current_row()
        return None if row is None else self.model.items[row]

    def counts(self) -> tuple[int, int]:
        """(resolved, total) in the list shown."""
        items = self.model.items
        return sum(1 for i in items if i.resolved), len(items)

    def next_open(self, row: int, step: int) -> int | None:
        """The nearest open row after (step 1) or before (step -1) this one, or None."""
        items = self.model.items
        n = len(items)
        for k in range(1, n + 1):
            r = row + step * k
            if not 0 <= r < n:
                return None
            if not items[r].resolved:
                return r
        return None

    # -- moving -------------------------------------------------------------------------------
    def select_source_row(self, row: int) -> None:
        """Make this row current; one the filter hides is still shown (``current_changed``)."""
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if idx.isValid():
            self.list_view.setCurrentIndex(idx)
            self.list_view.scrollTo(idx)
        else:
            items = self.model.items
            self.current_changed.emit(items[row] if 0 <= row < len(items) else None)

    def set_open_only(self, on: bool) -> None:
        """Hide or show the decided rows, keeping the one shown current if it stays listed."""
        row = self.current_row()
        self.proxy.set_open_only(on)
        if row is not None:
            self.select_source_row(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_changed.emit(self.current_item() if current.isValid() else None)
