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

import uuid
from typing import Any

from annotator.codebook.edit_rules import CodebookEditError, codebook_edit_problems, first_new
from annotator.codebook.schema import assign_colors
from annotator.records import CodebookEdit, LabelChange
from annotator.storage import codebook_edits as store
from annotator.storage import label_writes, queries
from annotator.storage.codebook_edits import Snapshot
from annotator.storage.unit_of_work import Session

#: the code fields ``update_code`` may change, and the action an edit of one of them logs
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


def _batch() -> str:
    return "codebook:" + uuid.uuid4().hex


class _Edit:
    """The rows one edit touches, as they were before it; the labels and flags it changed."""

    def __init__(self, session: Session, by: str) -> None:
        self.s = session
        self.by = by
        self.problems_before = codebook_edit_problems(queries.project_codebook(session))
        self.codes: dict[str, Snapshot | None] = {}
        self.groups: dict[str, Snapshot | None] = {}
        self.labels_added: list[list[Any]] = []  # [sentence id, code uid, coder id]
        self.labels_removed: list[list[Any]] = []  # [sentence id, code uid, coder id, at]
        self.flags_added: list[int] = []
        self.sentences: set[int] = set()

    # -- rows --------------------------------------------------------------------------
    def code(self, uid: str) -> Snapshot:
        snap = store.code_snapshot(self.s, uid)
        if snap is None:
            raise CodebookEditError(f"no code with id '{uid}'", target_uid=uid)
        self.codes.setdefault(uid, dict(snap))
        return dict(snap)

    def group(self, uid: str) -> Snapshot:
        snap = store.group_snapshot(self.s, uid)
        if snap is None:
            raise CodebookEditError(f"no code group with id '{uid}'", target_uid=uid)
        self.groups.setdefault(uid, dict(snap))
        return dict(snap)

    def put_code(self, snap: Snapshot) -> int:
        if snap["uid"] not in self.codes:
            self.codes[snap["uid"]] = store.code_snapshot(self.s, snap["uid"])
        return store.write_code(self.s, snap)

    def put_group(self, snap: Snapshot) -> int:
        if snap["uid"] not in self.groups:
            self.groups[snap["uid"]] = store.group_snapshot(self.s, snap["uid"])
        return store.write_group(self.s, snap)

    def renumber_codes(self, order: list[str]) -> None:
        for position, uid in enumerate(order):
            snap = self.code(uid)
            if snap["position"] != position:
                snap["position"] = position
                self.put_code(snap)

    def renumber_groups(self, order: list[str]) -> None:
        for position, uid in enumerate(order):
            snap = self.group(uid)
            if snap["position"] != position:
                snap["position"] = position
                self.put_group(snap)

    # -- labels ------------------------------------------------------------------------
    def write_labels(self, changes: list[LabelChange]) -> list[LabelChange]:
        """Through the one label writer; remembers what took effect (undo reverts exactly it),
        and of each label removed the time it was made and its codebook version, which a
        restore puts back."""
        uids = store.code_uids(self.s, {c.code_id for c in changes})
        facts = {
            (s, code, k): (at, version)
            for code in {c.code_id for c in changes if not c.add}
            for s, k, at, version in store.labels_of_code(self.s, code)
        }
        done = label_writes.write_changes(
            self.s, changes, _batch(), on_conflict=label_writes.OnConflict.KEEP
        )
        for ch in done:
            key = (ch.sentence_id, ch.code_id, ch.coder_id)
            if ch.add:
                self.labels_added.append([ch.sentence_id, uids[ch.code_id], ch.coder_id])
            else:
                at, version = facts[key]
                self.labels_removed.append(
                    [ch.sentence_id, uids[ch.code_id], ch.coder_id, at, version]
                )
            self.sentences.add(ch.sentence_id)
        return done

    # -- the end -----------------------------------------------------------------------
    def finish(self, action: str, target_uid: str, summary: str, **after: Any) -> CodebookEdit:
        codes_after = {u: store.code_snapshot(self.s, u) for u in self.codes}
        groups_after = {u: store.group_snapshot(self.s, u) for u in self.groups}
        if (
            codes_after == self.codes
            and groups_after == self.groups
            and not (self.labels_added or self.labels_removed or self.flags_added)
        ):
            return CodebookEdit(None, action, "nothing to change", target_uid)
        problem = first_new(
            self.problems_before,
            codebook_edit_problems(queries.project_codebook(self.s)),
            prefer=target_uid,
        )
        if problem is not None:
            uid, field, message = problem
            raise CodebookEditError(message, field=field, target_uid=uid)
        before = {
            "codes": [{"uid": u, "row": r} for u, r in self.codes.items()],
            "groups": [{"uid": u, "row": r} for u, r in self.groups.items()],
            "labels_removed": self.labels_removed,
            "labels_added": self.labels_added,
            "flags_added": self.flags_added,
        }
        after_json = {
            "summary": summary,
            "codes": [{"uid": u, "row": r} for u, r in codes_after.items()],
            "groups": [{"uid": u, "row": r} for u, r in groups_after.items()],
            **after,
        }
        event = store.log_event(
            self.s, by=self.by, action=action, target_uid=target_uid, before=before,
            after=after_json,
        )  # fmt: skip
        changed = len(self.labels_added) + len(self.labels_removed)
        return CodebookEdit(event, action, summary, target_uid, frozenset(self.sentences), changed)


def _active_code(edit: _Edit, uid: str) -> Snapshot:
    snap = edit.code(uid)
    if not snap["active"]:
        raise CodebookEditError(
            f"code '{snap['name']}' is no longer in the codebook", target_uid=uid
        )
    return snap


def _new_code_snapshot(
    edit: _Edit, group_uid: str, uid: str | None, fields: dict[str, Any]
) -> Snapshot:
    uid = uid or str(uuid.uuid4())
    existing = store.code_snapshot(edit.s, uid)
    if existing is not None and existing["active"]:
        raise CodebookEditError(f"code id '{uid}' is already in the codebook", target_uid=uid)
    if fields.get("color") is None:
        used = [c.color for c in queries.project_codebook(edit.s).codes]
        fields["color"] = assign_colors(used, 1)[0]
    snap: Snapshot = {
        "uid": uid,
        "group_uid": group_uid,
        "name": "",
        "key": "",
        "color": "",
        "definition": "",
        "include": "",
        "exclude": "",
        "examples": [],
        "position": 0,
        "active": True,
    }
    snap.update(_clean(fields))
    return snap


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Values as the YAML loader would store them (trimmed, keys and colours in lower case)."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "examples":
            out[name] = [s for s in (str(e).strip() for e in value) if s]
        elif name in ("key", "color"):
            out[name] = str(value).strip().lower()
        else:
            out[name] = str(value).strip()
    return out


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
    edit = _Edit(session, by)
    group = edit.group(group_uid)
    snap = _new_code_snapshot(edit, group_uid, uid, {"name": name, **fields})
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
    edit = _Edit(session, by)
    snap = _active_code(edit, uid)
    old = dict(snap)
    snap.update(_clean(fields))
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
    edit = _Edit(session, by)
    snap = _active_code(edit, uid)
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
    edit = _Edit(session, by)
    keep, away = _merge(edit, keep_uid, away_uid)
    return edit.finish(
        "merge_codes",
        keep_uid,
        f"merged code {away['name']} into {keep['name']}",
        merged_uid=away_uid,
        labels_moved=len(edit.labels_added),
        labels_removed=len(edit.labels_removed),
    )


def _merge(edit: _Edit, keep_uid: str, away_uid: str) -> tuple[Snapshot, Snapshot]:
    if keep_uid == away_uid:
        raise CodebookEditError("a code cannot be merged into itself", field="merge")
    keep = _active_code(edit, keep_uid)
    away = _active_code(edit, away_uid)
    rows = store.labels_of_code(edit.s, away["id"])
    have = {(s, k) for s, k, _at, _v in store.labels_of_code(edit.s, keep["id"])}
    changes: list[LabelChange] = []
    for s, k, _at, _v in rows:
        changes.append(LabelChange(s, away["id"], k, add=False))
        if (s, k) not in have:
            changes.append(LabelChange(s, keep["id"], k, add=True))
    edit.write_labels(changes)
    _deactivate(edit, away)
    return keep, away


def _deactivate(edit: _Edit, snap: Snapshot) -> None:
    snap["active"] = False
    edit.put_code(snap)
    edit.renumber_codes(store.active_code_uids(edit.s, snap["group_uid"]))


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
    edit = _Edit(session, by)
    original = _active_code(edit, uid)
    snap = _new_code_snapshot(edit, original["group_uid"], new_uid, {"name": new_name, **fields})
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
    edit = _Edit(session, by)
    snap = _active_code(edit, uid)
    n = store.label_count(session, snap["id"])
    if merge_into is not None:
        keep, _away = _merge(edit, merge_into, uid)
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
        _deactivate(edit, snap)
        summary = f"deleted code {snap['name']}" + (
            f" and its {n} label{'s' if n != 1 else ''}" if n else ""
        )
    return edit.finish("delete_code", uid, summary, labels=n, merged_into=merge_into or "")


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
    edit = _Edit(session, by)
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
    edit = _Edit(session, by)
    snap = edit.group(uid)
    old = snap["name"]
    snap["name"] = name.strip()
    edit.put_group(snap)
    return edit.finish("rename_group", uid, f"renamed group {old} to {snap['name']}")


def set_group_multiple(session: Session, by: str, uid: str, multiple: bool) -> CodebookEdit:
    """Switch a group between single and multiple choice; to single only if no coder gave a
    sentence two of its codes (the count is in the refusal)."""
    edit = _Edit(session, by)
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
    edit = _Edit(session, by)
    snap = edit.group(uid)
    order = store.active_group_uids(session)
    order.remove(uid)
    at = max(0, min(position, len(order)))
    order.insert(at, uid)
    edit.renumber_groups(order)
    return edit.finish("move_group", uid, f"moved group {snap['name']} to place {at + 1}")


def group_place(session: Session, uid: str) -> int:
    return store.active_group_uids(session).index(uid)


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
    edit = _Edit(session, by)
    before, after = ev.before, ev.after
    added = before.get("labels_added", [])
    if added:
        ids = _uids_to_ids(session, {a[1] for a in added})
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


def _give_back(edit: _Edit, removed: list[list[Any]]) -> None:
    if not removed:
        return
    ids = _uids_to_ids(edit.s, {r[1] for r in removed})
    rows = [(s, ids[u], k, store.stored_time(at)) for s, u, k, at, _v in removed]
    outcome = label_writes.add_labels(edit.s, rows, _batch())
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
    edit = _Edit(session, by)
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


def _uids_to_ids(session: Session, uids: set[str]) -> dict[str, int]:
    out = {}
    for uid in uids:
        snap = store.code_snapshot(session, uid)
        if snap is None:
            raise CodebookEditError(f"no code with id '{uid}'")
        out[uid] = int(snap["id"])
    return out
