"""Codebook edits, each one transaction on a session: add, rename, re-key, recolour, reorder and
re-word codes; add, rename, reorder groups and switch them single/multiple choice; merge,
split and delete codes; undo any edit; restore the labels a delete removed.

Every edit snapshots the rows it changes (``before``), writes, re-reads the codebook and
refuses the edit (the transaction rolls back) when it brings in a problem the YAML loader
would refuse (``codebook.edit_rules``). Then it appends one row to codebook_event whose
before_json holds what undo needs (the rows as they were, the labels removed with their
times, the labels added, the review flags set) and whose after_json holds the rows after and
a one-line ``summary``. Undo is generic: it writes those back (itself a logged edit).

Labels move only through the one label writer (``storage.label_writes``): a merge or delete
leaves a label_event row for every label it removes or adds.
"""

from __future__ import annotations

from annotator.codebook_editing.codes import (
    CODE_FIELDS,
    add_code,
    code_place,
    delete_code,
    merge_codes,
    move_code,
    split_code,
    update_code,
)
from annotator.codebook_editing.groups import (
    add_group,
    group_place,
    move_group,
    rename_group,
    set_group_multiple,
)
from annotator.codebook_editing.undo import restore_labels, undo_edit

__all__ = [
    "CODE_FIELDS",
    "add_code",
    "add_group",
    "code_place",
    "delete_code",
    "group_place",
    "merge_codes",
    "move_code",
    "move_group",
    "rename_group",
    "restore_labels",
    "set_group_multiple",
    "split_code",
    "undo_edit",
    "update_code",
]
