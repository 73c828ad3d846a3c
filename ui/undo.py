"""The window's undo commands: a core LabelCommand, or a coder's article status, on its QUndoStack.

redo() applies the core command (one committed transaction), undo() reverts it; after each the
window is told which LabelChanges now hold so it repaints only those rows.

The window applies the command *before* pushing it (applied=True), so a failed write raises in the
slot and never leaves a phantom entry on the stack; the stack's first redo() then only repaints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QUndoCommand

from annotator.commands import ChangeSink, LabelCommand
from annotator.records import LabelChange, Status

#: on_changed(changes now in effect, affected sentence ids)
ChangeListener = Callable[[Sequence[LabelChange], set[int]], None]
#: set_status(article id, status): store this coder's status of an article and show that article
StatusSetter = Callable[[int, Status], None]


class LabelUndoCommand(QUndoCommand):
    def __init__(
        self,
        project: ChangeSink,
        command: LabelCommand,
        on_changed: ChangeListener,
        *,
        applied: bool = False,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(command.text, parent)
        self.project = project
        self.command = command
        self.on_changed = on_changed
        self._applied = applied

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            self.on_changed(self.command.changes, self.command.sentence_ids)
            return
        affected = self.command.apply(self.project)
        self.on_changed(self.command.changes, affected)

    def undo(self) -> None:
        inverse = self.command.inverse_changes  # only what the apply really changed
        affected = self.command.revert(self.project)
        self.on_changed(inverse, affected)


class StatusUndoCommand(QUndoCommand):
    """Mark done, not done or reopen: undo puts the article's status back and shows it.

    Applied before it is pushed (like LabelUndoCommand), so the first redo() does nothing.
    """

    def __init__(
        self,
        set_status: StatusSetter,
        article_id: int,
        before: Status,
        after: Status,
        text: str,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(text, parent)
        self.set_status = set_status
        self.article_id = article_id
        self.before = before
        self.after = after
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.set_status(self.article_id, self.after)

    def undo(self) -> None:
        self.set_status(self.article_id, self.before)
