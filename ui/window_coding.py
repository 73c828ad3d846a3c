"""The main window's coding: code keys and clicks on the selected sentences, clearing, and the
coder's article status (done, not done, reopened), all undoable.

The path is one way: an action builds a core command (annotator.commands), `ui.undo.push` puts
it on the window's undo stack, the stack's redo() applies it, and `_show_effect` repaints only
what the returned Effect names. Undo and redo come back through `_show_effect` too, so a change
undone in another article shows that article.

A mixin of MainWindow (it uses the window's project, panels, models and undo stack).
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.commands import Command, Effect, LabelCommand
from annotator.errors import NotFoundError, ServerUnavailableError
from annotator.records import LabelChange, Status, plural
from ui.article_list_model import ARTICLE_ID_ROLE
from ui.done_guard import DoneChoice
from ui.undo import push


class CodingController:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def _can_label(self) -> bool:
        if self.project is None or self.coder is None or self._article_id is None:
            return False
        if self.project.read_only:
            self.statusBar().showMessage("This project is open read-only", 3000)
            return False
        return True

    # -- labels ---------------------------------------------------------------------------
    def toggle_code(self, code_id: int) -> None:
        """The code key / click: toggle the code on the selected sentences (undoable)."""
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None
        sids = self.article_panel.selected_sentence_ids()
        if not sids:
            self.statusBar().showMessage("Select a sentence first", 3000)
            return
        if self.working_offline:
            command = self._toggle_offline(sids, code_id)
        else:
            try:
                command = self.project.toggle_command(sids, code_id, self.coder)
            except ServerUnavailableError:
                command = self._toggle_offline(sids, code_id)
        if command is not None:
            self._push_edit(command)

    def clear_codes(self) -> None:
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None
        sids = self.article_panel.selected_sentence_ids()
        if sids:
            self._push_edit(self.project.clear_command(sids, self.coder))

    def _push_edit(self, command: LabelCommand) -> None:
        """A coder's label edit; in an article marked done it asks first (see ui.done_guard)."""
        aid = self._article_id
        choice = DoneChoice.KEEP_DONE if command.empty else self._done_choice()
        if choice is DoneChoice.KEEP_DONE or aid is None:
            self._push(command)
        elif choice is DoneChoice.REOPEN:
            assert self.project is not None and self.coder is not None
            reopen = self.project.status_command(
                aid, self.coder, Status.IN_PROGRESS, "Reopen article"
            )
            self.undo_stack.beginMacro(command.text)
            try:  # reopened and edited as one step: Ctrl+Z takes back both
                self._push(reopen)
                self._push(command)
            finally:
                self.undo_stack.endMacro()

    def _done_choice(self) -> DoneChoice:
        """May the article shown be edited? KEEP_DONE if it is not done; else the coder's answer
        to "Reopen it to edit?" (asked once per article, or once per session if remembered)."""
        aid = self._article_id
        if aid is None or self._status_of(aid) != Status.DONE:
            return DoneChoice.KEEP_DONE
        choice = self.done_guard.choose(self, self._session_key(), aid)
        self._refocus()
        return choice

    def _push(self, command: Command) -> bool:
        """Apply a core command through the undo stack (committed before anything is painted);
        True if it is now an undo entry. A failed write raises here and leaves no entry."""
        if self.project is None or (isinstance(command, LabelCommand) and command.empty):
            return False
        return push(self.undo_stack, self._coding_target(), command, self._show_effect)

    def _show_effect(self, effect: Effect) -> None:
        """After apply/undo/redo of any core command: repaint what it names, nothing else."""
        p = self.project
        if p is None:
            return
        if effect.changed:
            self._adopt_own_coder()
        for article_id, coder, status in effect.statuses:
            if coder == self.coder:
                self._status_changed(article_id, status, show=True)
        if effect.labels:
            self._labels_changed(effect.labels)

    def _adopt_own_coder(self) -> None:
        """After a write: the coder's first label, status or memo created their row, so the
        window learns its id now (opening a project creates no coder)."""
        p = self.project
        if p is None or self.coder_id is not None or self.coder is None:
            return
        try:
            self.coder_id = p.coder_id(self.coder, create=False)
        except NotFoundError:
            return
        self.sentence_model.set_own_coder(self.coder_id)

    def _labels_changed(self, changes: Sequence[LabelChange]) -> None:
        """Repaint the touched rows, counts and this article's progress."""
        p = self.project
        if p is None:
            return
        outside = [
            ch.sentence_id for ch in changes if self.sentence_model.row_of(ch.sentence_id) is None
        ]
        if outside:
            # undo/redo of a change made in another article: show it there
            article_id = p.sentence(outside[0]).article_id
            self.show_article(article_id, outside[0])
            self._refresh_summary()
            return
        self.sentence_model.apply_changes(changes)
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        aid = self._article_id
        if aid is None:
            return
        n_coded = self.sentence_model.n_coded()
        self.codebook_panel.set_counts(self.sentence_model.code_counts())
        summary = self.article_list_model.summary_of(aid)
        if summary is not None:
            status = summary.status
            if status == Status.NOT_STARTED and n_coded:
                status = Status.IN_PROGRESS
            if (summary.n_coded, summary.status) != (n_coded, status):
                self.article_list_model.update_summary(aid, n_coded=n_coded, status=status)
            if status != summary.status:
                self.article_panel.set_header(self.sentence_model.article, status)
                self._update_article_memo_hint()
        self._update_position_label()

    # -- article status -------------------------------------------------------------------
    def mark_done(self) -> None:
        """Ctrl+D: this article is done (undoable); open the next article not done yet.

        The status bar says how many sentences were left uncoded (they now count as (no code)),
        so an accidental Ctrl+D is noticed; Ctrl+Z or Code › Mark as not done takes it back.
        Marking an article done again refreshes its time and adds no undo entry.
        """
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None and self._article_id is not None
        aid = self._article_id
        total = self.sentence_model.rowCount()
        uncoded = total - self.sentence_model.n_coded()
        target = self._next_not_done(aid)  # before the list may re-filter
        self._push(self.project.status_command(aid, self.coder, Status.DONE, "Mark article done"))
        if uncoded:
            verb = "is" if uncoded == 1 else "are"
            message = (
                f"Marked done: {uncoded:,} of {plural(total, 'sentence')} {verb} uncoded and "
                "count as (no code)"
            )
        else:
            message = f"Marked done: {'all ' if total > 1 else ''}{plural(total, 'sentence')} coded"
        message += " (Ctrl+Z takes it back)"
        if target is None:
            message += ". All articles are done"
        else:
            self.show_article(target)
        self.statusBar().showMessage(message, 10_000)
        self.sentence_view.setFocus()
        self._gold_article_done(aid)  # training: how the finished gold article compares

    def mark_not_done(self) -> None:
        """Code › Mark as not done: take back "done" for the article shown (undoable)."""
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None and self._article_id is not None
        aid = self._article_id
        if self._status_of(aid) != Status.DONE:
            self.statusBar().showMessage("This article is not marked done", 3000)
            return
        after = Status.IN_PROGRESS if self.sentence_model.n_coded() else Status.NOT_STARTED
        self._push(self.project.status_command(aid, self.coder, after, "Mark article not done"))
        self.statusBar().showMessage(
            "Marked not done: its uncoded sentences no longer count as (no code)", 5000
        )

    def _status_of(self, article_id: int) -> Status:
        """This coder's status of an article: from the list's summary, else from the project."""
        assert self.project is not None and self.coder is not None
        summary = self.article_list_model.summary_of(article_id)
        if summary is not None:
            return summary.status
        return self.project.status(article_id, self.coder)

    def set_article_status(self, article_id: int, status: Status) -> None:
        """Store this coder's status of an article, not undoably (a segmentation edit clears the
        undo history anyway), and show it."""
        if self.project is None or self.coder is None:
            return
        self.project.set_status(article_id, self.coder, status)
        self._status_changed(article_id, status, show=False)

    def _status_changed(self, article_id: int, status: Status, show: bool) -> None:
        """Paint an article's new status (show: open that article if another one is shown)."""
        self.article_list_model.update_summary(article_id, status=status)
        if show and article_id != self._article_id:
            self.show_article(article_id)
        elif article_id == self._article_id:
            self.article_panel.set_header(self.sentence_model.article, status)
            self._update_article_memo_hint()

    def _next_not_done(self, article_id: int) -> int | None:
        """The next article in the list as shown that this coder has not marked done, wrapping
        around; None if every other article is done."""
        proxy, model = self.article_list_panel.proxy, self.article_list_model
        n = proxy.rowCount()
        start = -1
        src = model.row_of(article_id)
        if src is not None:
            idx = proxy.mapFromSource(model.index(src, 0))
            start = idx.row() if idx.isValid() else -1
        for k in range(1, n + 1):
            candidate = proxy.index((start + k) % n, 0).data(ARTICLE_ID_ROLE)
            if candidate is None or int(candidate) == article_id:
                continue
            summary = model.summary_of(int(candidate))
            if summary is not None and summary.status != Status.DONE:
                return int(candidate)
        return None
