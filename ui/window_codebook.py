"""The main window and its codebook: code actions and keys, loading one after a preview, and
following a codebook another program changed.

A mixin of MainWindow (it uses the window's project, panels, menus and undo stack).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from annotator.errors import AnnotatorError
from ui.actions import code_key_conflicts
from ui.codebook_panel import swatch
from ui.file_dialogs import SafeFileDialog

log = logging.getLogger(__name__)


class CodebookActions:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def _apply_codebook(self) -> None:
        assert self.project is not None
        cb = self.project.codebook
        self.codebook_panel.set_codebook(cb)
        self.article_panel.set_codebook(cb)
        self.sentence_model.set_codebook(cb)
        self._rebuild_code_actions()

    def _rebuild_code_actions(self) -> None:
        for action in self._code_actions:
            self.removeAction(action)
            action.deleteLater()
        self._code_actions = []
        self.code_menu.clear()
        if self.project is None:
            return
        codes = self.project.codebook.codes
        bound, problems = code_key_conflicts((c.key, c.name) for c in codes)
        self._code_keys = []
        for code in codes:
            action = QAction(code.name, self)
            action.setObjectName(f"code:{code.id}")
            action.setIcon(swatch(code.color or "#888888"))
            key = code.key.lower()
            if key and bound.get(key) == code.name:
                action.setShortcut(QKeySequence(key.upper()))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                self._code_keys.append((key.upper(), code.name))
            action.setToolTip(f"Toggle {code.name} on the selected sentences")
            action.triggered.connect(lambda _c=False, cid=code.id: self.toggle_code(cid))
            self.addAction(action)
            self.code_menu.addAction(action)
            self._code_actions.append(action)
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["clear"])
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["mark_done"])
        self.code_menu.addAction(self.mark_not_done_action)
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["split_sentence"])
        self.code_menu.addAction(self.registry["merge_next"])
        if problems:
            message = "; ".join(problems)
            log.warning("code keys: %s", message)
            self.statusBar().showMessage(message, 15000)
        self._update_enabled()

    def load_codebook_dialog(self) -> None:
        if self.project is None or not self._writable_or_say():
            return
        path_str, _ = SafeFileDialog.getOpenFileName(
            self,
            "Load codebook",
            str(self.project.path.parent),
            "Codebooks (*.yaml *.yml *.qdc *.qdpx);;All files (*)",
        )
        if path_str:
            self.load_codebook(Path(path_str))
        self._refocus()

    def load_codebook(self, path: Path) -> None:
        """Load a codebook file after a preview of what it changes (Load / Cancel)."""
        assert self.project is not None
        from annotator.codebook import load_codebook
        from ui import codebook_preview_dialog as preview

        try:
            codebook = load_codebook(path)
            if not preview.confirm_codebook_load(
                self, path.name, self.project.preview_codebook(codebook)
            ):
                return
            changes = self.project.load_codebook(codebook)
        except AnnotatorError as exc:
            self._error("Load codebook", exc)
            return
        self.undo_stack.clear()
        self._codebook_changed(changes.summary())

    def _codebook_changed(self, message: str) -> None:
        """The codebook is new (loaded here or by another program): the panel, code keys, filter
        and sentence view follow it, and the counts drop labels it hides."""
        self._apply_codebook()
        self.reload()
        self.statusBar().showMessage(message, 8000)
