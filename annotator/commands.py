"""Undoable commands: labels and article status, planned against the current state, then applied
or reverted.

Each apply and revert is one committed transaction and returns an `Effect`: what is now in effect,
so a view repaints only that (the core never calls into widgets). A label command remembers which
of its planned changes actually took effect (another window or the CLI may have made some of them
already), and revert undoes only those: undo never removes a label it did not add. A status
command remembers the status it replaced. The UI wraps any of them in its one generic QUndoCommand
adapter (ui.undo); scripts can use them directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from annotator.records import CodebookEdit, LabelChange, Status


@dataclass(frozen=True)
class Effect:
    """What an apply or revert left in effect.

    labels: the label changes now in effect, in the order a view should paint them;
    sentence_ids: the sentences whose labels really changed;
    statuses: (article id, coder, status now) for every article status the command wrote;
    codebook: the codebook changed (a view re-reads it; sentence_ids then names the sentences
    whose labels a merge or delete changed).
    """

    labels: tuple[LabelChange, ...] = ()
    sentence_ids: frozenset[int] = frozenset()
    statuses: tuple[tuple[int, str, Status], ...] = ()
    codebook: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.sentence_ids or self.statuses or self.codebook)


class ChangeSink(Protocol):
    def write_changes(
        self, changes: Sequence[LabelChange], batch: str = ""
    ) -> list[LabelChange]: ...


class StatusSink(Protocol):
    def replace_status(self, article: int, coder: str, status: Status) -> Status: ...


class Command(Protocol):
    """What the UI's undo adapter can hold: a name for the Edit menu, apply and revert."""

    @property
    def text(self) -> str: ...

    def apply(self, target: Any, /) -> Effect: ...

    def revert(self, target: Any, /) -> Effect: ...


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

    def apply(self, sink: ChangeSink) -> Effect:
        """Write the planned changes; the effect paints all of them (the ones another writer
        made first hold too) and names the sentences this apply really changed."""
        self._done = tuple(sink.write_changes(self.changes, batch=self.batch))
        return Effect(self.changes, frozenset(ch.sentence_id for ch in self._done))

    def revert(self, sink: ChangeSink) -> Effect:
        inverse = self.inverse_changes
        sink.write_changes(inverse, batch=self.batch + ":undo")
        self._done = ()
        return Effect(inverse, frozenset(ch.sentence_id for ch in inverse))


@dataclass
class StatusCommand:
    """A coder marks an article done, not done, or reopens it.

    apply writes `status` and remembers the status it replaced (read in the same transaction, so
    a change made meanwhile by another window is what undo puts back); revert writes that back.
    Writing the status an article already has is allowed (it refreshes the article's "last
    modified" time) and reports `changed` False, so the UI keeps no undo entry for it.
    """

    text: str
    article_id: int
    coder: str
    status: Status
    _before: Status | None = field(default=None, repr=False)

    @property
    def before(self) -> Status | None:
        """The status the last apply replaced (None before the first apply)."""
        return self._before

    def apply(self, sink: StatusSink) -> Effect:
        self._before = sink.replace_status(self.article_id, self.coder, self.status)
        if self._before == self.status:
            return Effect()
        return Effect(statuses=((self.article_id, self.coder, self.status),))

    def revert(self, sink: StatusSink) -> Effect:
        if self._before is None:
            raise RuntimeError("a status command is reverted only after it was applied")
        before, self._before = self._before, None
        sink.replace_status(self.article_id, self.coder, before)
        return Effect(statuses=((self.article_id, self.coder, before),))


class CodebookSink(Protocol):
    """What a codebook command needs: Project (its codebook edits, see project_codebook_edits)."""

    def undo_codebook_edit(self, event_id: int, *, by: str = "") -> CodebookEdit: ...


@dataclass
class CodebookCommand:
    """One codebook edit as an undoable command: ``operation`` names a Project method
    (``rename_code``, ``merge_codes``, ...) called with ``args``/``kwargs``; revert applies the
    inverse edit through the core (``undo_codebook_edit``, itself logged). Ids of what the edit
    creates are fixed in ``kwargs`` (``uid=``, ``new_uid=``) so a redo recreates the same code and
    later commands still find it."""

    text: str
    operation: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    by: str = ""
    last: CodebookEdit | None = field(default=None, repr=False)

    def apply(self, sink: Any) -> Effect:
        edit: CodebookEdit = getattr(sink, self.operation)(*self.args, by=self.by, **self.kwargs)
        self.last = edit
        if edit.event_id is None:
            return Effect()
        return Effect(sentence_ids=edit.sentence_ids, codebook=True)

    def revert(self, sink: CodebookSink) -> Effect:
        if self.last is None or self.last.event_id is None:
            raise RuntimeError("a codebook command is reverted only after it was applied")
        undo = sink.undo_codebook_edit(self.last.event_id, by=self.by)
        self.last = None
        return Effect(sentence_ids=undo.sentence_ids, codebook=True)
