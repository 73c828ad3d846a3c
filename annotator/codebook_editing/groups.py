"""Edits of code groups: add, rename, move, switch single/multiple choice."""

from __future__ import annotations

import uuid

from annotator.codebook.edit_rules import CodebookEditError
from annotator.codebook_editing.transaction import Edit
from annotator.records import CodebookEdit
from annotator.storage import codebook_edits as store
from annotator.storage.codebook_edits import Snapshot
from annotator.storage.unit_of_work import Session

# --- groups --------------------------------------------------------------------------------


def add_group(
    session: Session,
    by: str,
    name: str,
    *,
    multiple: bool = False,
    description: str = "",
    position: int | None = None,
    uid: str | None = None,
) -> CodebookEdit:
    edit = Edit(session, by)
    uid = uid or str(uuid.uuid4())
    existing = store.group_snapshot(session, uid)
    if existing is not None and existing["active"]:
        raise CodebookEditError(f"group id '{uid}' is already in the codebook", target_uid=uid)
    order = store.active_group_uids(session)
    snap: Snapshot = {
        "uid": uid,
        "name": name.strip(),
        "multiple": bool(multiple),
        "description": description.strip(),
        "position": len(order),
        "active": True,
    }
    edit.put_group(snap)
    order.insert(len(order) if position is None else max(0, min(position, len(order))), uid)
    edit.renumber_groups(order)
    return edit.finish("add_group", uid, f"added group {snap['name']}")


def rename_group(session: Session, by: str, uid: str, name: str) -> CodebookEdit:
    edit = Edit(session, by)
    snap = edit.group(uid)
    old = snap["name"]
    snap["name"] = name.strip()
    edit.put_group(snap)
    return edit.finish("rename_group", uid, f"renamed group {old} to {snap['name']}")


def set_group_multiple(session: Session, by: str, uid: str, multiple: bool) -> CodebookEdit:
    """Switch a group between single and multiple choice; to single only if no coder gave a
    sentence two of its codes (the count is in the refusal)."""
    edit = Edit(session, by)
    snap = edit.group(uid)
    if snap["multiple"] and not multiple:
        n = store.doubly_coded(session, uid)
        if n:
            raise CodebookEditError(
                f"group '{snap['name']}' cannot become single choice: {n} "
                f"sentence{'s have' if n != 1 else ' has'} two or more of its codes from one "
                "coder; remove the extra codes first",
                field="multiple",
                target_uid=uid,
            )
    snap["multiple"] = bool(multiple)
    edit.put_group(snap)
    kind = "multiple" if multiple else "single"
    return edit.finish(
        "set_group_choice", uid, f"made group {snap['name']} {kind} choice", multiple=multiple
    )


def move_group(session: Session, by: str, uid: str, position: int) -> CodebookEdit:
    edit = Edit(session, by)
    snap = edit.group(uid)
    order = store.active_group_uids(session)
    order.remove(uid)
    at = max(0, min(position, len(order)))
    order.insert(at, uid)
    edit.renumber_groups(order)
    return edit.finish("move_group", uid, f"moved group {snap['name']} to place {at + 1}")


def group_place(session: Session, uid: str) -> int:
    return store.active_group_uids(session).index(uid)
