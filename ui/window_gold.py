"""The main window's gold standard: a lead marks articles as gold (Gold menu), a coder in
training opens the training view (Code › Compare with gold standard, Ctrl+Shift+G), and gold
stays blind: on a gold article the coder has not marked done, the gold coder's labels are never
loaded into the sentence view, whether or not other coders' labels are shown.

A mixin of MainWindow (it uses the window's project, coder, registry and status bar).
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QInputDialog, QWidget

from annotator.errors import AnnotatorError, NotFoundError
from annotator.records import Status

log = logging.getLogger(__name__)

ADJUDICATED = "adjudicated"


def ask_gold_coder(parent: QWidget | None, title: str, text: str, coders: list[str]) -> str | None:
    """Which coder's labels are the truth (a modal choice; None: cancelled)."""
    name, ok = QInputDialog.getItem(parent, title, text, coders, 0, False)
    return str(name) if ok and name else None


class GoldActions:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    # -- blind coding ---------------------------------------------------------------------------
    def _without_hidden_gold(
        self, article_id: int, labels: dict[int, list[tuple[int, int]]]
    ) -> dict[int, list[tuple[int, int]]]:
        """The article's labels minus the gold coder's while this coder has not finished it."""
        assert self.project is not None
        hidden = self.project.gold_hidden_coder(article_id, self.coder)
        if hidden is None:
            return labels
        try:
            hid = self.project.coder_id(hidden, create=False)
        except NotFoundError:
            return labels
        return {sid: [p for p in pairs if p[0] != hid] for sid, pairs in labels.items()}

    # -- the training view ----------------------------------------------------------------------
    def open_training(self, article_id: int | None = None) -> None:
        """Code › Compare with gold standard: this coder against gold, sentence by sentence."""
        project, coder = self.project, self.coder
        if project is None or not coder:
            return
        from ui.training_window import open_training

        jump = self._jump_for(project)
        self._open_child(
            "Compare with gold standard",
            lambda: open_training(self, project, coder, jump, article_id),
        )

    def _close_training(self) -> None:
        """On switching coder: the training view shows gold on the previous coder's finished
        articles, which the new coder may still be coding blind."""
        from ui.training_window import TrainingWindow

        for w in self.findChildren(TrainingWindow):
            if not w.closed:
                w.close()

    def _gold_article_done(self, article_id: int) -> None:
        """After Ctrl+D on a gold article the coder is training on: show how it compares."""
        if self.project is None or not self.coder:
            return
        gold = {g.article_id: g.gold_coder for g in self.project.gold_articles()}
        if gold.get(article_id) not in (None, self.coder):
            self.open_training(article_id)

    # -- marking --------------------------------------------------------------------------------
    def mark_current_gold(self) -> None:
        """Gold › Mark this article as gold: with the labels of a coder who finished it."""
        p, aid = self.project, self._article_id
        if p is None or aid is None or not self._writable_or_say():
            return
        finished = [c for c in p.coders() if p.status(aid, c) == Status.DONE]
        if not finished:
            self.statusBar().showMessage(
                "No coder has marked this article done: gold needs a finished coding "
                "(adjudicate it, or have the expert finish it)",
                8000,
            )
            return
        finished.sort(key=lambda c: (c != ADJUDICATED, c))
        gold_coder = ask_gold_coder(
            self, "Mark as gold", "Whose labels are the truth for this article?", finished
        )
        if gold_coder is not None:
            self.mark_gold([aid], gold_coder)

    def mark_done_by_gold(self) -> None:
        """Gold › Mark all articles done by…: every article one coder finished, with theirs."""
        p = self.project
        if p is None or not self._writable_or_say():
            return
        coders = sorted(p.coders(), key=lambda c: (c != ADJUDICATED, c))
        coders = [c for c in coders if p.articles_done_by(c)]
        if not coders:
            self.statusBar().showMessage("No coder has marked an article done yet", 5000)
            return
        gold_coder = ask_gold_coder(
            self,
            "Mark as gold",
            "Mark every article this coder marked done as gold, with their labels as truth:",
            coders,
        )
        if gold_coder is not None:
            self.mark_gold(p.articles_done_by(gold_coder), gold_coder)

    def mark_gold(self, article_ids: list[int], gold_coder: str) -> None:
        """Store the mark and say what the gold standard now holds."""
        assert self.project is not None
        try:
            marked = self.project.mark_gold(article_ids, gold_coder, by=self.coder or "")
        except AnnotatorError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            return
        total = len(self.project.gold_articles())
        self.statusBar().showMessage(
            f"Marked {len(marked)} article{'s' if len(marked) != 1 else ''} as gold "
            f"({gold_coder}); the gold standard has {total}",
            8000,
        )
        self._refresh_gold_article()

    def unmark_current_gold(self) -> None:
        """Gold › Remove this article from gold (its labels stay)."""
        p, aid = self.project, self._article_id
        if p is None or aid is None or not self._writable_or_say():
            return
        if p.unmark_gold([aid]):
            self.statusBar().showMessage("Removed this article from the gold standard", 5000)
            self._refresh_gold_article()
        else:
            self.statusBar().showMessage("This article is not in the gold standard", 3000)

    def _refresh_gold_article(self) -> None:
        """Reload the article shown: whether gold is hidden on it may have changed."""
        if self._article_id is not None:
            self.show_article(self._article_id, self.article_panel.current_sentence_id())
