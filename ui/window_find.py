"""The main window's find: the bar under the article, and the dock that searches every article.

A mixin of MainWindow (it uses the window's panels and status bar).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget


class FindActions:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def open_find(self) -> None:
        if self.find_bar is None:
            try:
                from ui.find_panel import FindBar
            except ImportError:
                self.statusBar().showMessage("Find is not available yet", 3000)
                return
            bar = FindBar(self.article_panel)
            bar.search.connect(self._find_in_article)
            bar.closed.connect(self._find_closed)
            self.article_panel.bottom.addWidget(bar)
            self.find_bar = bar
        self.find_bar.show()
        self.find_bar.focus_find()  # type: ignore[attr-defined]

    def _find_in_article(self, text: str, forward: bool) -> None:
        number, total = self.article_panel.find_text(text, forward)
        if self.find_bar is not None:
            status = f"{number} of {total}" if total else ("no match" if text.strip() else "")
            self.find_bar.set_status(status)  # type: ignore[attr-defined]

    def _find_closed(self) -> None:
        if self.find_bar is not None:
            self.find_bar.hide()
        self.article_panel.clear_highlight()
        self.sentence_view.setFocus()

    def open_corpus_find(self) -> None:
        if self.corpus_dock is None:
            try:
                from ui.find_panel import CorpusFindPanel
            except ImportError:
                self.statusBar().showMessage("Find in all articles is not available yet", 3000)
                return
            panel = CorpusFindPanel(self)
            panel.jump_requested.connect(self.jump)
            dock = QDockWidget("Find in all articles", self)
            dock.setObjectName("corpusFindDock")
            dock.setWidget(panel)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.corpus_find = panel
            self.corpus_dock = dock
        if self.project is not None:
            self.corpus_find.set_project(self.project)  # type: ignore[union-attr]
        self.corpus_dock.show()
        self.corpus_dock.raise_()
        self.corpus_find.focus_find()  # type: ignore[union-attr]
