"""The main window's navigation: which article is shown, stepping and jumping between articles
and sentences, and giving the focus back to the sentence list so code keys work at once.

A mixin of MainWindow (it uses the window's project, panels and models).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt


class ArticleNavigation:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def current_article_id(self) -> int | None:
        return self._article_id

    def show_article(self, article_id: int, sentence_id: int | None = None) -> None:
        """Show one article; the current sentence is sentence_id, else the first."""
        p = self.project
        if p is None:
            return
        if self._article_id is not None and self._article_id != article_id:
            self._save_position()
        article = p.article(article_id)
        sentences = p.sentences(article_id)
        labels = self._without_hidden_gold(article_id, p.label_ids(article_id))  # blind gold
        memos = p.memos(article_id, self.coder) if self.coder else []
        self._memo_texts = {m.sentence_id: m.text for m in memos}
        self._article_id = article_id
        self.sentence_model.load(
            article,
            sentences,
            labels,
            [sid for sid in self._memo_texts if sid is not None],
            self.coder_id,
            p.codebook,
            self._coder_names,
            partial=p.partial_labels(article_id),
        )
        summary = self.article_list_model.summary_of(article_id)
        self.article_panel.set_header(article, summary.status if summary else None)
        self._update_article_memo_hint()
        self.article_list_panel.select_article(article_id)
        self.codebook_panel.set_counts(self.sentence_model.code_counts())
        shown = sentence_id is not None and self.article_panel.select_sentence(sentence_id)
        if not shown and self.article_panel.proxy.rowCount():
            self.article_panel.select_row(0)
        self._update_position_label()
        self._save_position()

    def _show_empty(self) -> None:
        self._article_id = None
        if self.project is not None:
            self.sentence_model.load(None, [], {}, [], self.coder_id, self.project.codebook, {})
        self.article_panel.set_header(None)
        self.codebook_panel.set_counts({})
        self._update_position_label()

    def _article_chosen(self, article_id: int) -> None:
        if article_id != self._article_id:
            self.show_article(article_id)

    def step_article(self, step: int) -> bool:
        target = self.article_list_panel.neighbour(self._article_id, step)
        if target is None:
            self.statusBar().showMessage("No more articles in the list", 3000)
            return False
        self.show_article(target)
        self.sentence_view.setFocus()
        return True

    def jump(self, article_id: int, sentence_id: int) -> None:
        """Open an article at one sentence (from find, the report or adjudication)."""
        if article_id != self._article_id:
            self.show_article(article_id, sentence_id)
        else:
            self.article_panel.select_sentence(sentence_id)
        self._refocus()

    def _refocus(self) -> None:
        """After a dialog or another window: this window active and the sentence list focused,
        so the code keys work at once without a click."""
        if not shiboken6.isValid(self) or not self.isVisible():
            return
        self.raise_()
        self.activateWindow()
        self.sentence_view.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def next_uncoded(self) -> None:
        if not self.article_panel.next_uncoded():
            self.statusBar().showMessage("Every sentence of this article is coded", 3000)

    def _sentence_changed(self, _sid: int) -> None:
        self._update_position_label()
