"""The main window's memos: a coder's note on a sentence or on the whole article.

A mixin of MainWindow (it uses the window's project, panels and status bar).
"""

from __future__ import annotations

import importlib


class MemoActions:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def _edit_memo_dialog(self, title: str, text: str) -> str | None:
        try:
            module = importlib.import_module("ui.memo_dialog")
        except ImportError:
            self.statusBar().showMessage("Memos are not available yet", 3000)
            return None
        try:
            result: str | None = module.edit_memo(self, title, text)
        finally:
            self._refocus()
        return result

    def edit_sentence_memo(self) -> None:
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None
        sid = self.article_panel.current_sentence_id()
        if sid is None:
            return
        row = self.sentence_model.row_of(sid)
        number = self.sentence_model.sentence(row).index + 1 if row is not None else "?"
        text = self._edit_memo_dialog(f"Memo on sentence {number}", self._memo_texts.get(sid, ""))
        if text is None:
            return
        self.project.set_memo(self.coder, self._article_id, text, sentence=sid)  # type: ignore[arg-type]
        self._adopt_own_coder()
        if text.strip():
            self._memo_texts[sid] = text
        else:
            self._memo_texts.pop(sid, None)
        self.sentence_model.set_memo(sid, bool(text.strip()))

    def edit_article_memo(self) -> None:
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None and self._article_id is not None
        text = self._edit_memo_dialog("Memo on this article", self._memo_texts.get(None, ""))
        if text is None:
            return
        self.project.set_memo(self.coder, self._article_id, text)
        self._adopt_own_coder()
        if text.strip():
            self._memo_texts[None] = text
        else:
            self._memo_texts.pop(None, None)
        self._update_article_memo_hint()

    def _update_article_memo_hint(self) -> None:
        memo = self._memo_texts.get(None)
        label = self.article_panel.meta_label
        label.setToolTip(f"Article memo:\n{memo}" if memo else "")
        text = label.text()
        marker = "  ·  memo"
        if memo and not text.endswith(marker):
            label.setText(text + marker)
        elif not memo and text.endswith(marker):
            label.setText(text[: -len(marker)])
