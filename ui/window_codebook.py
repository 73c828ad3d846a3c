"""The main window and its codebook: code actions and keys, loading one after a preview, and
following a codebook another program changed.

A mixin of MainWindow (it uses the window's project, panels, menus and undo stack).
"""

from __future__ import annotations

import logging
from pathlib import Path

from annotator.commands import Effect
from annotator.errors import AnnotatorError
from ui.code_keys import bind_code_keys
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
        self.code_keys.unbind()
        self.code_menu.clear()
        if self.project is None:
            return
        codes = self.project.codebook.codes
        self.code_keys = bind_code_keys(self, codes, lambda c: self.toggle_code(c.id), keyless=True)
        self.code_menu.addActions(self.code_keys.actions)
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["clear"])
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["mark_done"])
        self.code_menu.addAction(self.mark_not_done_action)
        self.code_menu.addAction(self.registry["compare_gold"])
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["split_sentence"])
        self.code_menu.addAction(self.registry["merge_next"])
        if self.code_keys.problems:
            message = "; ".join(self.code_keys.problems)
            log.warning("code keys: %s", message)
            self.statusBar().showMessage(message, 15000)
        self._update_enabled()

    def open_codebook_editor(self) -> None:
        """The codebook editor window; its edits go on this window's undo stack."""
        project = self.project
        if project is None or not self._writable_or_say():
            return
        from ui.codebook_editor import open_codebook_editor

        by = self.coder or ""
        self._open_child(
            "Codebook editor",
            lambda: open_codebook_editor(self, project, self.undo_stack, by, self._codebook_edited),
        )

    def _codebook_edited(self, effect: Effect) -> None:
        """A codebook edit took effect or was undone: the panel, keys and sentence view follow
        the codebook; a merge or delete that moved labels also refreshes the counts."""
        self._apply_codebook()
        if effect.sentence_ids:
            self.reload()

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
            changes = self.project.load_codebook(
                codebook, by=self.coder or "", note=f"loaded {path.name}"
            )
        except AnnotatorError as exc:
            self._error("Load codebook", exc)
            return
        self.undo_stack.clear()
        self._codebook_changed(changes.summary())

    # -- versions, changelog, manual ---------------------------------------------------------
    def open_codebook_changelog(self) -> None:
        if self.project is None:
            return
        from ui.codebook_changelog_dialog import open_changelog

        self.changelog_dialog = open_changelog(self, self.project)

    def publish_codebook_dialog(self) -> None:
        """Ask for the one-line note (showing the unpublished changes), then publish."""
        if self.project is None or not self._writable_or_say():
            return
        from ui.codebook_changelog_dialog import ask_publish

        published = ask_publish(self, self.project, self.coder or "")
        if published is not None:
            self.statusBar().showMessage(
                f"Published codebook version {published.number}: {published.note}", 8000
            )
        self._refocus()

    def write_manual_dialog(self) -> None:
        """Ask where to write the coders' manual (.html or .pdf), then write it off the GUI
        thread."""
        if self.project is None:
            return
        from ui.report_exports import ask_save_path
        from ui.workers import start_job

        path = ask_save_path(
            self,
            self.project.path.with_name(f"{self.project.path.stem}-manual.pdf"),
            "Write coders' manual",
            ".pdf",
            "PDF (*.pdf);;Printable web page (*.html)",
        )
        self._refocus()
        if path is None:
            return
        project = self.project
        start_job(
            self,
            "Writing the coders' manual",
            lambda _progress, _cancel: project.write_manual(path, force=True),
            lambda written: self.statusBar().showMessage(f"Wrote {written.name}", 8000),
            on_error=lambda exc, _details: self._error("Write coders' manual", exc),
        )

    def _codebook_changed(self, message: str) -> None:
        """The codebook is new (loaded here or by another program): the panel, code keys, filter
        and sentence view follow it, and the counts drop labels it hides."""
        from ui.codebook_editor import CodebookEditor

        self._apply_codebook()
        for editor in self.findChildren(CodebookEditor):
            editor.refresh()
        self.reload()
        self.statusBar().showMessage(message, 8000)
