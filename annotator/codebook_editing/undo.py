"""Undoing a codebook edit from its before_json, and restoring the labels a delete removed."""

from __future__ import annotations

from typing import Any

from annotator.codebook.edit_rules import CodebookEditError
from annotator.codebook_editing.transaction import Edit, code_ids_of, new_batch
from annotator.records import CodebookEdit, LabelChange
from annotator.storage import codebook_edits as store
from annotator.storage import label_writes
from annotator.storage.unit_of_work import Session

# --- undo and restore ----------------------------------------------------------------------


def _event(session: Session, event_id: int) -> Any:
    found = store.events(session, event_id)
    if not found:
        raise CodebookEditError(f"no codebook edit #{event_id}")
    return found[0]


def undo_edit(session: Session, by: str, event_id: int) -> CodebookEdit:
    """Apply the inverse of edit ``event_id`` from its before_json: remove the labels it added,
    put its rows back as they were (rows it created are deactivated), give back the labels it
    removed (with their original times) and drop the review flags it set. Logged as "undo"."""
    ev = _event(session, event_id)
    edit = Edit(session, by)
    before, after = ev.before, ev.after
    added = before.get("labels_added", [])
    if added:
        ids = code_ids_of(session, {a[1] for a in added})
        edit.write_labels([LabelChange(s, ids[u], k, add=False) for s, u, k in added])
    rows_after = {r["uid"]: r["row"] for r in after.get("groups", []) + after.get("codes", [])}
    for entry in before.get("groups", []):
        edit.put_group(entry["row"] or {**rows_after[entry["uid"]], "active": False})
    for entry in before.get("codes", []):
        edit.put_code(entry["row"] or {**rows_after[entry["uid"]], "active": False})
    _give_back(edit, before.get("labels_removed", []))
    if before.get("flags_added"):
        store.clear_flags(session, before["flags_added"])
        edit.flags_added = []
    return edit.finish("undo", ev.target_uid, f"undid: {ev.summary}", undoes=event_id)


def _give_back(edit: Edit, removed: list[list[Any]]) -> None:
    if not removed:
        return
    ids = code_ids_of(edit.s, {r[1] for r in removed})
    rows = [(s, ids[u], k, store.stored_time(at)) for s, u, k, at, _v in removed]
    outcome = label_writes.add_labels(edit.s, rows, new_batch())
    store.set_label_versions(edit.s, [(s, ids[u], k, int(v)) for s, u, k, _at, v in removed])
    uid_of = {v: k for k, v in ids.items()}
    for s, c, k in outcome.new_keys:
        edit.labels_added.append([s, uid_of[c], k])
        edit.sentences.add(s)


def restore_labels(session: Session, by: str, event_id: int) -> CodebookEdit:
    """Give back the labels edit ``event_id`` (a delete or merge) removed, from its
    before_json, bringing their code back into the codebook if it was taken out; later edits
    of the code (a rename, say) are kept."""
    ev = _event(session, event_id)
    removed = ev.before.get("labels_removed", [])
    if not removed:
        raise CodebookEditError(f"codebook edit #{event_id} removed no labels")
    edit = Edit(session, by)
    for uid in sorted({r[1] for r in removed}):
        snap = edit.code(uid)
        if not snap["active"]:
            order = store.active_code_uids(session, snap["group_uid"])
            snap["active"] = True
            snap["position"] = len(order)
            edit.put_code(snap)
    _give_back(edit, removed)
    n = len(edit.labels_added)
    return edit.finish(
        "restore_labels",
        ev.target_uid,
        f"restored {n} label{'s' if n != 1 else ''} removed by: {ev.summary}",
        restores=event_id,
    )
