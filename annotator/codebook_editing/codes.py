"""Edits of codes: add, update (rename, re-key, recolour, re-word), move, merge, split, delete."""

from __future__ import annotations

from typing import Any

from annotator.codebook.edit_rules import CodebookEditError
from annotator.codebook_editing.transaction import (
    Edit,
    active_code,
    clean_fields,
    deactivate,
    new_code_snapshot,
)
from annotator.records import CodebookEdit, LabelChange
from annotator.storage import codebook_edits as store
from annotator.storage.codebook_edits import Snapshot
from annotator.storage.unit_of_work import Session

CODE_FIELDS: dict[str, str] = {
    "name": "rename_code",
    "key": "rekey_code",
    "color": "recolour_code",
    "definition": "edit_definition",
    "include": "edit_inclusion",
    "exclude": "edit_exclusion",
    "examples": "edit_examples",
}
_WORDS = {
    "definition": "definition",
    "include": "inclusion criteria",
    "exclude": "exclusion criteria",
    "examples": "examples",
}


# --- codes ---------------------------------------------------------------------------------


def add_code(
    session: Session,
    by: str,
    group_uid: str,
    name: str,
    *,
    position: int | None = None,
    uid: str | None = None,
    **fields: Any,
) -> CodebookEdit:
    edit = Edit(session, by)
    group = edit.group(group_uid)
    snap = new_code_snapshot(edit, group_uid, uid, {"name": name, **fields})
    order = store.active_code_uids(session, group_uid)
    snap["position"] = len(order)
    edit.put_code(snap)
    at = len(order) if position is None else max(0, min(position, len(order)))
    order.insert(at, snap["uid"])
    edit.renumber_codes(order)
    return edit.finish(
        "add_code", snap["uid"], f"added code {snap['name']} to group {group['name']}"
    )


def update_code(session: Session, by: str, uid: str, **fields: Any) -> CodebookEdit:
    unknown = set(fields) - set(CODE_FIELDS)
    if unknown:
        raise TypeError(f"update_code: unknown fields {sorted(unknown)}")
    edit = Edit(session, by)
    snap = active_code(edit, uid)
    old = dict(snap)
    snap.update(clean_fields(fields))
    changed = [f for f in CODE_FIELDS if f in fields and snap[f] != old[f]]
    edit.put_code(snap)
    name = old["name"]
    if len(changed) != 1:
        action = "edit_code"
        summary = f"edited code {name} ({', '.join(changed)})"
    else:
        field = changed[0]
        action = CODE_FIELDS[field]
        if field == "name":
            summary = f"renamed code {name} to {snap['name']}"
        elif field == "key":
            summary = (
                f"changed the key of code {name} from '{old['key']}' to '{snap['key']}'"
                if old["key"] and snap["key"]
                else f"gave code {name} the key '{snap['key']}'"
                if snap["key"]
                else f"took the key '{old['key']}' off code {name}"
            )
        elif field == "color":
            summary = f"recoloured code {name} from {old['color']} to {snap['color']}"
        else:
            summary = f"edited the {_WORDS[field]} of code {name}"
    return edit.finish(action, uid, summary, fields=changed)


def move_code(session: Session, by: str, uid: str, position: int) -> CodebookEdit:
    edit = Edit(session, by)
    snap = active_code(edit, uid)
    order = store.active_code_uids(session, snap["group_uid"])
    order.remove(uid)
    at = max(0, min(position, len(order)))
    order.insert(at, uid)
    edit.renumber_codes(order)
    group = edit.group(snap["group_uid"])
    return edit.finish(
        "move_code", uid, f"moved code {snap['name']} to place {at + 1} in group {group['name']}"
    )


def code_place(session: Session, uid: str) -> int:
    """The code's place (0-based) among its group's active codes."""
    snap = store.code_snapshot(session, uid)
    if snap is None:
        raise CodebookEditError(f"no code with id '{uid}'", target_uid=uid)
    return store.active_code_uids(session, snap["group_uid"]).index(uid)


def merge_codes(session: Session, by: str, keep_uid: str, away_uid: str) -> CodebookEdit:
    """The labels of ``away`` become labels of ``keep`` (a sentence and coder that had both
    keep one); ``away`` is deactivated, never deleted."""
    edit = Edit(session, by)
    keep, away, both, refused = _merge(edit, keep_uid, away_uid)
    moved = len(edit.labels_added)
    parts = [f"{moved} moved"] + [f"{both} already there"] * bool(both)
    parts += [f"{refused} dropped (the sentence has another code of a single-choice group)"] * bool(
        refused
    )
    counts = (
        f" ({_labels(len(edit.labels_removed))}: {', '.join(parts)})" if edit.labels_removed else ""
    )
    return edit.finish(
        "merge_codes",
        keep_uid,
        f"merged code {away['name']} into {keep['name']}{counts}",
        merged_uid=away_uid,
        labels_moved=moved,
        labels_already_there=both,
        labels_dropped=refused,
        labels_removed=len(edit.labels_removed),
    )


def _labels(n: int) -> str:
    return f"{n} label{'s' if n != 1 else ''}"


def _merge(edit: Edit, keep_uid: str, away_uid: str) -> tuple[Snapshot, Snapshot, int, int]:
    """Move the labels; returns the codes and how many labels were already on ``keep`` (the
    sentence and coder keep one) and how many the label writer refused to add (``keep``'s
    group is single choice and the coder gave the sentence another of its codes)."""
    if keep_uid == away_uid:
        raise CodebookEditError("a code cannot be merged into itself", field="merge")
    keep = active_code(edit, keep_uid)
    away = active_code(edit, away_uid)
    rows = store.labels_of_code(edit.s, away["id"])
    have = {(s, k) for s, k, _at, _v in store.labels_of_code(edit.s, keep["id"])}
    changes: list[LabelChange] = []
    for s, k, _at, _v in rows:
        changes.append(LabelChange(s, away["id"], k, add=False))
        if (s, k) not in have:
            changes.append(LabelChange(s, keep["id"], k, add=True))
    done = edit.write_labels(changes)
    both = sum(1 for s, k, _at, _v in rows if (s, k) in have)
    refused = sum(1 for c in changes if c.add) - sum(1 for c in done if c.add)
    deactivate(edit, away)
    return keep, away, both, refused


def split_code(
    session: Session,
    by: str,
    uid: str,
    new_name: str,
    *,
    new_uid: str | None = None,
    **fields: Any,
) -> CodebookEdit:
    """A new code beside ``uid`` in its group; the original's labels stay and are flagged for
    review ("code X was split into X and Y"), for coders to move those that now belong to Y."""
    edit = Edit(session, by)
    original = active_code(edit, uid)
    snap = new_code_snapshot(edit, original["group_uid"], new_uid, {"name": new_name, **fields})
    order = store.active_code_uids(session, original["group_uid"])
    snap["position"] = len(order)
    edit.put_code(snap)
    order.insert(order.index(uid) + 1, snap["uid"])
    edit.renumber_codes(order)
    x, y = original["name"], snap["name"]
    edit.flags_added = store.flag_labels(
        session, original["id"], f"code {x} was split into {x} and {y}"
    )
    n = len(edit.flags_added)
    return edit.finish(
        "split_code",
        uid,
        f"split code {x} into {x} and {y} ({n} label{'s' if n != 1 else ''} flagged for review)",
        new_uid=snap["uid"],
        flagged=n,
    )


def delete_code(
    session: Session,
    by: str,
    uid: str,
    *,
    merge_into: str | None = None,
    confirm: bool = False,
) -> CodebookEdit:
    """Take a code out of the codebook (deactivated, its row kept). A code with labels needs
    ``merge_into`` (its labels move there) or ``confirm`` (they are removed, recoverably)."""
    edit = Edit(session, by)
    snap = active_code(edit, uid)
    n = store.label_count(session, snap["id"])
    if merge_into is not None:
        keep, _away, _both, _refused = _merge(edit, merge_into, uid)
        summary = f"deleted code {snap['name']}, its labels merged into {keep['name']}"
    elif n and not confirm:
        raise CodebookEditError(
            f"code '{snap['name']}' has {n} label{'s' if n != 1 else ''}: merge them into "
            "another code, or confirm that they are to be removed",
            field="labels",
            target_uid=uid,
        )
    else:
        rows = store.labels_of_code(session, snap["id"])
        edit.write_labels([LabelChange(s, snap["id"], k, add=False) for s, k, _at, _v in rows])
        deactivate(edit, snap)
        summary = f"deleted code {snap['name']}" + (
            f" and its {n} label{'s' if n != 1 else ''}" if n else ""
        )
    return edit.finish("delete_code", uid, summary, labels=n, merged_into=merge_into or "")
