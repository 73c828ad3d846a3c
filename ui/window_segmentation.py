"""The main window's corrections of the segmentation: split a sentence, merge it with the next.

In an article marked done they ask first, as a label edit does: its sentences are the units
agreement counts, and an uncoded one there means "no code" (see ui.done_guard).

A mixin of MainWindow (it uses the window's project, panels and undo stack): one room of the
window in a file of its own.
"""

from __future__ import annotations

from annotator.errors import AnnotatorError
from annotator.records import Status
from ui.done_guard import DoneChoice


class SegmentationEdits:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def split_sentence(self) -> None:
        """Split the current sentence where the coder puts the cursor (only without labels)."""
        if not self._can_label():
            return
        assert self.project is not None
        current = self._current_sentence_row()
        if current is None:
            return
        choice = self._done_choice()
        if choice is DoneChoice.CANCEL:
            return
        sid, row = current
        sentence = self.sentence_model.sentence(row)
        from ui.split_dialog import choose_split

        try:
            offset = choose_split(self, sentence.text)
        finally:
            self._refocus()
        if offset is None:
            return
        try:
            self.project.split_sentence(sid, sentence.start + offset)
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"Not split: {exc}", 8000)
            return
        self._segmentation_changed(sid, "Sentence split in two", choice)

    def merge_with_next(self) -> None:
        """Join the current sentence and the one after it (neither may carry labels)."""
        if not self._can_label():
            return
        assert self.project is not None
        current = self._current_sentence_row()
        if current is None or current[1] + 1 >= self.sentence_model.rowCount():
            self.statusBar().showMessage("There is no next sentence to merge with", 4000)
            return
        choice = self._done_choice()
        if choice is DoneChoice.CANCEL:
            return
        sid, row = current
        following = self.sentence_model.sentence(row + 1)
        try:
            self.project.merge_sentences(sid, following.id)
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"Not merged: {exc}", 8000)
            return
        self._segmentation_changed(sid, "Sentences merged", choice)

    def _current_sentence_row(self) -> tuple[int, int] | None:
        """(sentence id, row) of the current sentence, None when there is none."""
        sid = self.article_panel.current_sentence_id()
        row = None if sid is None else self.sentence_model.row_of(sid)
        return None if sid is None or row is None else (sid, row)

    def _segmentation_changed(self, sentence_id: int, message: str, choice: DoneChoice) -> None:
        # Undo entries name sentences by id; one may be gone now, so the history starts afresh.
        self.undo_stack.clear()
        if choice is DoneChoice.REOPEN and self._article_id is not None:
            # its units changed: a done article is reopened (asked in split/merge above)
            self.set_article_status(self._article_id, Status.IN_PROGRESS)
        self.reload()
        self.article_panel.select_sentence(sentence_id)
        self.statusBar().showMessage(f"{message} (the undo history was cleared)", 6000)
