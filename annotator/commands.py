"""Undoable label commands: planned once against the current state, then applied or reverted.

Each apply and revert is one committed transaction. The UI wraps these in one generic QUndoCommand;
scripts can use them directly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Protocol

from annotator.records import LabelChange


class ChangeSink(Protocol):
    def apply_changes(self, changes: tuple[LabelChange, ...], batch: str = "") -> set[int]: ...


@dataclass(frozen=True)
class LabelCommand:
    text: str
    changes: tuple[LabelChange, ...]
    batch: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def empty(self) -> bool:
        return not self.changes

    def apply(self, sink: ChangeSink) -> set[int]:
        return sink.apply_changes(self.changes, batch=self.batch)

    def revert(self, sink: ChangeSink) -> set[int]:
        inverse = tuple(ch.inverse() for ch in reversed(self.changes))
        return sink.apply_changes(inverse, batch=self.batch + ":undo")

    @property
    def sentence_ids(self) -> set[int]:
        return {ch.sentence_id for ch in self.changes}
