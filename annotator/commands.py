"""Undoable label commands: planned once against the current state, then applied or reverted.

Each apply and revert is one committed transaction. A command remembers which of its planned
changes actually took effect (another window or the CLI may have made some of them already), and
revert undoes only those: undo never removes a label it did not add. The UI wraps these in one
generic QUndoCommand; scripts can use them directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from annotator.records import LabelChange


class ChangeSink(Protocol):
    def write_changes(
        self, changes: Sequence[LabelChange], batch: str = ""
    ) -> list[LabelChange]: ...


@dataclass
class LabelCommand:
    text: str
    changes: tuple[LabelChange, ...]
    batch: str = field(default_factory=lambda: uuid.uuid4().hex)
    _done: tuple[LabelChange, ...] = field(default=(), repr=False)

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def sentence_ids(self) -> set[int]:
        return {ch.sentence_id for ch in self.changes}

    @property
    def inverse_changes(self) -> tuple[LabelChange, ...]:
        """What revert will write: the inverse of the changes the last apply really made."""
        return tuple(ch.inverse() for ch in reversed(self._done))

    def apply(self, sink: ChangeSink) -> set[int]:
        self._done = tuple(sink.write_changes(self.changes, batch=self.batch))
        return {ch.sentence_id for ch in self._done}

    def revert(self, sink: ChangeSink) -> set[int]:
        inverse = self.inverse_changes
        sink.write_changes(inverse, batch=self.batch + ":undo")
        self._done = ()
        return {ch.sentence_id for ch in inverse}
