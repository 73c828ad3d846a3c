"""One codebook edit's transaction: the rows it touches as they were (what undo writes back),
the labels it moves through the one label writer, the check against the YAML loader's rules on
the codebook after it, and its row in codebook_event."""

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


def new_batch() -> str:
    """The label_event batch of one edit's label changes (they read as one change there)."""
    return "codebook:" + uuid.uuid4().hex


class Edit:
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
            self.s, changes, new_batch(), on_conflict=label_writes.OnConflict.KEEP
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


def active_code(edit: Edit, uid: str) -> Snapshot:
    snap = edit.code(uid)
    if not snap["active"]:
        raise CodebookEditError(
            f"code '{snap['name']}' is no longer in the codebook", target_uid=uid
        )
    return snap


def new_code_snapshot(
    edit: Edit, group_uid: str, uid: str | None, fields: dict[str, Any]
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
    snap.update(clean_fields(fields))
    return snap


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
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


def deactivate(edit: Edit, snap: Snapshot) -> None:
    snap["active"] = False
    edit.put_code(snap)
    edit.renumber_codes(store.active_code_uids(edit.s, snap["group_uid"]))


def code_ids_of(session: Session, uids: set[str]) -> dict[str, int]:
    """uid -> id of codes named in an event's JSON (hidden codes too)."""
    out = {}
    for uid in uids:
        snap = store.code_snapshot(session, uid)
        if snap is None:
            raise CodebookEditError(f"no code with id '{uid}'")
        out[uid] = int(snap["id"])
    return out
