"""The one undo adapter: any core command (labels, article status) on the window's QUndoStack.

The path is one way: a key press builds a core command, `push` puts it on the stack, the stack's
redo() applies it (one committed transaction) and the window repaints from the Effect it
returns; undo() reverts it and the window repaints the same way.

A failed write must never leave a phantom entry on the stack: redo() catches the error, marks
the command obsolete (QUndoStack then deletes it instead of adding it) and `push` raises the
error in the caller's slot. An apply that changed nothing (the status an article already had) is
dropped from the stack the same way, so Ctrl+Z never "undoes" nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.commands import Command, Effect

#: on_effect(what is now in effect): repaint it
EffectListener = Callable[[Effect], None]


class PushOutcome:
    """What the first redo() did, kept outside the QUndoCommand (Qt deletes a dropped one)."""

    def __init__(self) -> None:
        self.error: Exception | None = None
        self.dropped = False


class CoreUndoCommand(QUndoCommand):
    def __init__(
        self,
        target: object,
        command: Command,
        on_effect: EffectListener,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(command.text, parent)
        self.target = target
        self.command = command
        self.on_effect = on_effect
        self.outcome = PushOutcome()
        self._first = True

    def redo(self) -> None:
        first, self._first = self._first, False
        try:
            effect = self.command.apply(self.target)
        except Exception as exc:
            if not first:
                raise
            self.outcome.error = exc
            self.setObsolete(True)
            return
        if first and not effect.changed:
            self.outcome.dropped = True
            self.setObsolete(True)
        self.on_effect(effect)

    def undo(self) -> None:
        self.on_effect(self.command.revert(self.target))


def push(stack: QUndoStack, target: object, command: Command, on_effect: EffectListener) -> bool:
    """Apply a core command through the stack; True if it is now an undo entry.

    Raises what the apply raised (nothing is on the stack then)."""
    undo_command = CoreUndoCommand(target, command, on_effect)
    outcome = undo_command.outcome
    stack.push(undo_command)
    if outcome.error is not None:
        raise outcome.error
    return not outcome.dropped
