"""Finding text: a find bar for the open article and a corpus-wide search panel.

The find bar only asks (signals); the window moves through the article. The corpus search runs
``Project.find`` off the GUI thread so typing never waits on the database.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.project import Project
from ui.table_model import SENTENCE_NUMBER, RowTableModel
from ui.workers import start_job

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex
#: (article id, title, sentence id, sentence index, sentence text), as Project.find returns them
FindHit = tuple[int, str, int, int, str]

SNIPPET_CHARS = 160
FIND_LIMIT = 500
TYPING_DELAY_MS = 300
MIN_CHARS = 2


class _FindEdit(QLineEdit):
    """A line edit that tells Enter from Shift+Enter and reports Esc."""

    enter = Signal(bool)  # forward
    escape = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.enter.emit(not event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            event.accept()
        elif event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            event.accept()
        else:
            super().keyPressEvent(event)


class FindBar(QWidget):
    """Find in the open article: Enter finds the next match, Shift+Enter the previous one."""

    search = Signal(str, bool)  # text, forward
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _FindEdit()
        self.edit.setPlaceholderText("Find in article")
        self.edit.setClearButtonEnabled(True)
        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.previous_button.setToolTip("Previous match (Shift+Enter)")
        self.previous_button.setAutoRaise(True)
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.next_button.setToolTip("Next match (Enter)")
        self.next_button.setAutoRaise(True)
        self.status_label = QLabel()
        self.status_label.setMinimumWidth(90)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Close (Esc)")
        self.close_button.setAutoRaise(True)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.status_label)
        layout.addWidget(self.close_button)

        self.edit.enter.connect(self._ask)
        self.edit.escape.connect(self.close_bar)
        self.edit.textChanged.connect(lambda _t: self.set_status(""))
        self.next_button.clicked.connect(lambda: self._ask(True))
        self.previous_button.clicked.connect(lambda: self._ask(False))
        self.close_button.clicked.connect(self.close_bar)

    def text(self) -> str:
        return self.edit.text()

    def focus_find(self) -> None:
        """Show the bar with its text selected, ready to type over."""
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def set_status(self, text: str) -> None:
        self.status_label.setText(text)

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        else:
            super().keyPressEvent(event)

    def _ask(self, forward: bool) -> None:
        if self.edit.text():
            self.search.emit(self.edit.text(), forward)


def snippet(text: str, needle: str, width: int = SNIPPET_CHARS) -> str:
    """The part of a long sentence around the first match, so the match is visible in the column."""
    if len(text) <= width:
        return text
    at = text.casefold().find(needle.casefold()) if needle else -1
    if at < 0:
        return text[: width - 1] + "…"
    start = max(0, min(at - width // 3, len(text) - width))
    end = start + width
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


class FindResultsModel(RowTableModel):
    """Rows of Project.find: article title, sentence number, sentence text around the match."""

    HEADERS = ("Article", SENTENCE_NUMBER, "Sentence")
    ARTICLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SENTENCE_ID_ROLE = Qt.ItemDataRole.UserRole + 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_results(self, needle: str, hits: Sequence[FindHit]) -> None:
        self._needle = needle
        self.set_rows(hits)

    def hit(self, row: int) -> FindHit:
        hit: FindHit = self.row_at(row)
        return hit

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        found = self.row_of(index)
        if found is None:
            return None
        aid, title, sid, number, text = found
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return title or f"Article {aid}"
            if col == 1:
                return str(number + 1)
            return snippet(" ".join(text.split()), self._needle)
        if role == Qt.ItemDataRole.ToolTipRole:
            return title if col == 0 else text
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ARTICLE_ID_ROLE:
            return aid
        if role == self.SENTENCE_ID_ROLE:
            return sid
        return None


class CorpusFindPanel(QWidget):
    """Search every article; activating a result asks the window to jump to that sentence."""

    jump_requested = Signal(int, int)  # article id, sentence id
    results_ready = Signal(int)  # number of results shown (for tests and the status bar)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self._generation = 0  # answers to older searches are dropped
        self._searched = ""

        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Search all articles")
        self.edit.setClearButtonEnabled(True)
        self.status_label = QLabel()
        self.model = FindResultsModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(0, 180)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.edit)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)

        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self.search_now)
        self.edit.textEdited.connect(lambda _t: self._typing.start())
        self.edit.returnPressed.connect(self._enter)
        self.view.activated.connect(self._activate)
        self.setEnabled(False)

    def set_project(self, project: Project | None) -> None:
        self._project = project
        self._generation += 1
        self._searched = ""
        self.model.set_results("", [])
        self.status_label.setText("")
        self.setEnabled(project is not None)

    def focus_find(self) -> None:
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def search(self, text: str) -> None:
        """Search for text now (what typing does after a short pause)."""
        self.edit.setText(text)
        self.search_now()

    def search_now(self) -> None:
        self._typing.stop()
        needle = self.edit.text().strip()
        project = self._project
        self._generation += 1
        generation = self._generation
        if project is None or len(needle) < MIN_CHARS:
            self._searched = ""
            self.model.set_results("", [])
            self.status_label.setText(
                "" if not needle or project is None else f"type at least {MIN_CHARS} characters"
            )
            return
        self._searched = needle
        self.status_label.setText("Searching…")

        def done(hits: list[FindHit]) -> None:
            if generation != self._generation:
                return
            self.model.set_results(needle, hits)
            n = len(hits)
            if n == 0:
                self.status_label.setText("no results")
            elif n >= FIND_LIMIT:
                self.status_label.setText(f"first {n:,} results")
            else:
                self.status_label.setText(f"{n:,} result{'' if n == 1 else 's'}")
            if n:
                self.view.resizeColumnToContents(1)
            self.results_ready.emit(n)

        def failed(exc: BaseException, _details: str) -> None:
            if generation == self._generation:
                log.warning("search failed: %s", exc)
                self.status_label.setText(f"search failed: {exc}")

        start_job(
            self,
            "Searching",
            lambda _progress, _cancel: project.find(needle, FIND_LIMIT),
            done,
            on_error=failed,
            show_dialog=False,
        )

    def _enter(self) -> None:
        # A second Enter on an unchanged search goes to the results, a fresh one searches.
        if self.edit.text().strip() == self._searched and self.model.rowCount() > 0:
            self.view.setFocus()
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0, 0))
        else:
            self.search_now()

    def _activate(self, index: QModelIndex) -> None:
        if index.isValid():
            aid, _title, sid, _number, _text = self.model.hit(index.row())
            self.jump_requested.emit(aid, sid)
