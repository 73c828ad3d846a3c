"""The part of ``Project`` that writes a coder's work: labels, article status, memos.

Kept apart from project.py (opening, codebook, articles); ``Project`` inherits it. Every write is
one transaction through ``storage.label_writes`` or ``storage.coding_state``, durable on return.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.commands import LabelCommand, StatusCommand
from annotator.errors import LabelError
from annotator.project_base import ProjectBase
from annotator.project_refs import ArticleRef, CodeRef, SentenceRef, article_id, sentence_id
from annotator.records import LabelChange, Memo, Status
from annotator.storage import coding_state, label_writes, queries
from annotator.storage.unit_of_work import read_session, write_session

if TYPE_CHECKING:
    import pandas as pd


class ProjectCoding(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    # -- labels ---------------------------------------------------------------------------
    def add_label(self, sentence: SentenceRef, code: CodeRef, coder: str) -> set[int]:
        """Give the sentence this code (in a single-choice group, replacing the coder's other)."""
        self._writable()
        rec = self.code(code)
        cid = self.coder_id(coder)
        with write_session(self.engine) as s:
            changes = label_writes.plan_add(s, [sentence_id(sentence)], rec, cid)
            return label_writes.apply_changes(s, changes)

    def remove_label(self, sentence: SentenceRef, code: CodeRef, coder: str) -> set[int]:
        self._writable()
        rec = self.code(code)
        cid = self.coder_id(coder)
        with write_session(self.engine) as s:
            changes = label_writes.plan_remove(s, [sentence_id(sentence)], rec.id, cid)
            return label_writes.apply_changes(s, changes)

    def toggle_command(
        self, sentences: Sequence[SentenceRef], code: CodeRef, coder: str
    ) -> LabelCommand:
        """Plan a key press on the selected sentences, as an undoable command (not yet applied)."""
        rec = self.code(code)
        cid = self.coder_id(coder)
        ids = [sentence_id(x) for x in sentences]
        with read_session(self.engine) as s:
            changes = label_writes.plan_toggle(s, ids, rec, cid)
        verb = "Remove" if changes and not any(c.add for c in changes) else "Apply"
        n = len(ids)
        return LabelCommand(
            f"{verb} {rec.name} ({n} sentence{'s' if n != 1 else ''})", tuple(changes)
        )

    def clear_command(self, sentences: Sequence[SentenceRef], coder: str) -> LabelCommand:
        ids = [sentence_id(x) for x in sentences]
        n = len(ids)
        with read_session(self.engine) as s:
            cid = queries.coder_id(s, coder)  # a coder with no row has nothing to clear
            changes = [] if cid is None else label_writes.plan_clear(s, ids, cid)
        return LabelCommand(f"Clear codes ({n} sentence{'s' if n != 1 else ''})", tuple(changes))

    def write_changes(self, changes: Sequence[LabelChange], batch: str = "") -> list[LabelChange]:
        """Write label changes as one transaction; returns those that took effect (a label that
        was already there, or already gone, is skipped)."""
        self._writable()
        with write_session(self.engine) as s:
            return label_writes.write_changes(s, changes, batch)

    def apply_changes(self, changes: Sequence[LabelChange], batch: str = "") -> set[int]:
        """Write label changes as one transaction; returns the ids of the sentences affected."""
        return {ch.sentence_id for ch in self.write_changes(changes, batch)}

    def labels(
        self, article: ArticleRef, coders: Sequence[str] | None = None
    ) -> dict[int, list[tuple[str, str]]]:
        """sentence id -> [(coder, code name)] for one article."""
        with read_session(self.engine) as s:
            names = queries.coder_names(s)
            ids = None if coders is None else [i for i, n in names.items() if n in coders]
            raw = queries.labels_of_article(s, article_id(article), ids)
            code_names = queries.all_codes_by_id(s)
        return {sid: [(names[c], code_names[k][0]) for c, k in pairs] for sid, pairs in raw.items()}

    def label_ids(
        self, article: ArticleRef, coder_ids: Sequence[int] | None = None
    ) -> dict[int, list[tuple[int, int]]]:
        """sentence id -> [(coder id, code id)]: the fast form the UI paints from."""
        with read_session(self.engine) as s:
            return queries.labels_of_article(s, article_id(article), coder_ids)

    def labels_frame(self) -> pd.DataFrame:
        """One row per label, with article, sentence, coder, group and code."""
        from annotator.storage.frames import labels_frame

        with read_session(self.engine) as s:
            return labels_frame(s)

    # -- status and memos ---------------------------------------------------------------
    def set_status(self, article: ArticleRef, coder: str, status: Status | str | int) -> None:
        self._writable()
        st = Status[status.upper().replace(" ", "_")] if isinstance(status, str) else Status(status)
        cid = self.coder_id(coder)
        with write_session(self.engine) as s:
            coding_state.set_status(s, article_id(article), cid, st)

    def replace_status(self, article: ArticleRef, coder: str, status: Status) -> Status:
        """Set this coder's status of an article and return the one it replaced, in one
        transaction (what a StatusCommand undoes to)."""
        self._writable()
        cid = self.coder_id(coder)
        aid = article_id(article)
        with write_session(self.engine) as s:
            before = queries.article_status(s, aid, cid)
            coding_state.set_status(s, aid, cid, Status(status))
        return Status(before)

    def status_command(
        self, article: ArticleRef, coder: str, status: Status, text: str = ""
    ) -> StatusCommand:
        """An undoable status change (not yet applied); text names it in the Edit menu."""
        st = Status(status)
        return StatusCommand(text or f"Mark article {st.label}", article_id(article), coder, st)

    def status(self, article: ArticleRef, coder: str) -> Status:
        with read_session(self.engine) as s:
            cid = queries.coder_id(s, coder)
            if cid is None:
                return Status.NOT_STARTED
            return queries.article_status(s, article_id(article), cid)

    def set_memo(
        self, coder: str, article: ArticleRef, text: str, sentence: SentenceRef | None = None
    ) -> None:
        """Write or replace a memo (empty text deletes it) on an article or one of its sentences."""
        self._writable()
        aid = article_id(article)
        sid = None if sentence is None else sentence_id(sentence)
        if sid is not None and self.sentence(sid).article_id != aid:
            raise LabelError("that sentence is not in that article")
        if not text.strip():
            with read_session(self.engine) as s:
                if queries.coder_id(s, coder) is None:
                    return  # no memo to delete, and no coder row to create for nothing
        cid = self.coder_id(coder)
        with write_session(self.engine) as s:
            coding_state.set_memo(s, cid, aid, sid, text)

    def memos(self, article: ArticleRef, coder: str | None = None) -> list[Memo]:
        with read_session(self.engine) as s:
            cid = queries.coder_id(s, coder) if coder else None
            if coder and cid is None:
                return []
            return queries.memos(s, article_id(article), cid)
