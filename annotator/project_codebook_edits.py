"""The part of ``Project`` that edits the codebook in place (the codebook editor's API).

Each call is one transaction (``annotator.codebook_editing``) that also appends a row to
codebook_event; each returns a ``CodebookEdit`` whose ``event_id`` undo takes. A read-only
project refuses with ReadOnlyProjectError; a shared project's server refusing a coder who is
not the lead becomes CodebookPermissionError. Codes are named like everywhere in the API (a
CodeRecord, id, uid, name or "Group / Code"); groups by GroupRecord, uid or name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from annotator import codebook_editing as editing
from annotator.codebook.edit_rules import CodebookEditError
from annotator.project_base import ProjectBase
from annotator.project_refs import CodeRef
from annotator.records import CodebookEdit, CodebookEventRecord, GroupRecord, LabelReviewRecord
from annotator.storage import codebook_edits as store
from annotator.storage.unit_of_work import read_session, write_session

GroupRef = GroupRecord | str


class ProjectCodebookEdits(ProjectBase):
    """Mixed into Project (its services: ``annotator.project_base``)."""

    def _edit(self, operation: Callable[..., CodebookEdit], *args: Any, **kw: Any) -> CodebookEdit:
        self._writable()
        try:
            with store.permission_errors(), write_session(self.engine) as s:
                return operation(s, *args, **kw)
        finally:
            self._forget_caches()

    def _code_uid(self, ref: CodeRef) -> str:
        return self.code(ref).uid

    def _group_uid(self, ref: GroupRef) -> str:
        if isinstance(ref, GroupRecord):
            return ref.uid
        for group in self.codebook.groups:
            if ref in (group.uid, group.name):
                return group.uid
        for group in self.codebook.groups:
            if group.name.casefold() == ref.casefold():
                return group.uid
        raise CodebookEditError(f"no code group {ref!r} in the codebook")

    # -- codes ----------------------------------------------------------------------------
    def add_code(
        self,
        group: GroupRef,
        name: str,
        *,
        key: str = "",
        color: str | None = None,
        definition: str = "",
        include: str = "",
        exclude: str = "",
        examples: Sequence[str] = (),
        position: int | None = None,
        uid: str | None = None,
        by: str = "",
    ) -> CodebookEdit:
        """A new code in the group (at ``position``, default last); a colour not yet used is
        chosen when none is given. ``uid``: the id to give it (redo passes the same again)."""
        return self._edit(
            editing.add_code, by, self._group_uid(group), name, position=position, uid=uid,
            key=key, color=color, definition=definition, include=include, exclude=exclude,
            examples=list(examples),
        )  # fmt: skip

    def update_code(self, code: CodeRef, *, by: str = "", **fields: Any) -> CodebookEdit:
        """Change any of name, key, color, definition, include, exclude, examples at once."""
        return self._edit(editing.update_code, by, self._code_uid(code), **fields)

    def rename_code(self, code: CodeRef, name: str, *, by: str = "") -> CodebookEdit:
        return self.update_code(code, name=name, by=by)

    def set_code_key(self, code: CodeRef, key: str, *, by: str = "") -> CodebookEdit:
        """ "" takes the key off the code."""
        return self.update_code(code, key=key, by=by)

    def set_code_color(self, code: CodeRef, color: str, *, by: str = "") -> CodebookEdit:
        return self.update_code(code, color=color, by=by)

    def move_code(self, code: CodeRef, position: int, *, by: str = "") -> CodebookEdit:
        """To place ``position`` (0-based) among its group's codes."""
        return self._edit(editing.move_code, by, self._code_uid(code), position)

    def move_code_by(self, code: CodeRef, step: int, *, by: str = "") -> CodebookEdit:
        """Up (-1) or down (+1) in its group; at either end nothing changes (no event)."""
        uid = self._code_uid(code)
        with read_session(self.engine) as s:
            place = editing.code_place(s, uid)
        return self.move_code(uid, max(0, place + step), by=by)

    def merge_codes(self, keep: CodeRef, away: CodeRef, *, by: str = "") -> CodebookEdit:
        """``away``'s labels become ``keep``'s (one per sentence and coder); ``away`` is
        deactivated. Undo (``undo_codebook_edit``) gives the labels back."""
        return self._edit(editing.merge_codes, by, self._code_uid(keep), self._code_uid(away))

    def split_code(
        self,
        code: CodeRef,
        new_name: str,
        *,
        key: str = "",
        color: str | None = None,
        new_uid: str | None = None,
        by: str = "",
    ) -> CodebookEdit:
        """A new code next to ``code``; ``code``'s labels stay, flagged for review."""
        return self._edit(
            editing.split_code, by, self._code_uid(code), new_name, new_uid=new_uid, key=key,
            color=color,
        )  # fmt: skip

    def delete_code(
        self,
        code: CodeRef,
        *,
        merge_into: CodeRef | None = None,
        confirm: bool = False,
        by: str = "",
    ) -> CodebookEdit:
        """Take the code out of the codebook. With labels it needs ``merge_into`` or
        ``confirm=True``; removed labels can be given back (``restore_labels``)."""
        into = None if merge_into is None else self._code_uid(merge_into)
        return self._edit(
            editing.delete_code, by, self._code_uid(code), merge_into=into, confirm=confirm
        )

    def code_label_count(self, code: CodeRef) -> int:
        """Labels on the code, every coder (what a delete would remove)."""
        rec = self.code(code)
        with read_session(self.engine) as s:
            return store.label_count(s, rec.id)

    # -- groups ---------------------------------------------------------------------------
    def add_group(
        self,
        name: str,
        *,
        multiple: bool = False,
        description: str = "",
        position: int | None = None,
        uid: str | None = None,
        by: str = "",
    ) -> CodebookEdit:
        return self._edit(
            editing.add_group, by, name, multiple=multiple, description=description,
            position=position, uid=uid,
        )  # fmt: skip

    def rename_group(self, group: GroupRef, name: str, *, by: str = "") -> CodebookEdit:
        return self._edit(editing.rename_group, by, self._group_uid(group), name)

    def set_group_multiple(self, group: GroupRef, multiple: bool, *, by: str = "") -> CodebookEdit:
        """Multiple to single choice is refused while a coder has two of its codes on one
        sentence (the refusal says how many sentences)."""
        return self._edit(editing.set_group_multiple, by, self._group_uid(group), multiple)

    def move_group(self, group: GroupRef, position: int, *, by: str = "") -> CodebookEdit:
        return self._edit(editing.move_group, by, self._group_uid(group), position)

    def move_group_by(self, group: GroupRef, step: int, *, by: str = "") -> CodebookEdit:
        uid = self._group_uid(group)
        with read_session(self.engine) as s:
            place = editing.group_place(s, uid)
        return self.move_group(uid, max(0, place + step), by=by)

    # -- undo, history, review ------------------------------------------------------------
    def undo_codebook_edit(self, event_id: int, *, by: str = "") -> CodebookEdit:
        """Apply the inverse of a codebook edit (itself logged, as "undo")."""
        return self._edit(editing.undo_edit, by, event_id)

    def restore_labels(self, event_id: int, *, by: str = "") -> CodebookEdit:
        """Give back the labels a delete or merge removed (from its event's before_json)."""
        return self._edit(editing.restore_labels, by, event_id)

    def codebook_events(self) -> list[CodebookEventRecord]:
        """The codebook's edit log, oldest first."""
        with read_session(self.engine) as s:
            return store.events(s)

    def label_reviews(self) -> list[LabelReviewRecord]:
        """Labels flagged for review (after a split), with the reason."""
        with read_session(self.engine) as s:
            return store.review_flags(s)

    def clear_label_reviews(self, label_ids: Sequence[int] | None = None) -> int:
        """Drop review flags (all when ``label_ids`` is None); returns how many."""
        self._writable()
        with write_session(self.engine) as s:
            return store.clear_flags(s, label_ids)
