"""Label changes: plan them against the current state, then apply them with their event rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import and_, delete, or_, select
from sqlmodel import Session

from annotator.errors import LabelError
from annotator.records import CodeRecord, LabelChange
from annotator.storage import clock
from annotator.storage import tables as t
from annotator.storage.coding_state import touch_status


def current_codes(
    session: Session,
    sentence_ids: Sequence[int],
    coder: int,
    code_ids: Iterable[int] | None = None,
) -> dict[int, set[int]]:
    """The coder's codes (only those among ``code_ids``, if given) on each of the sentences,
    empty sets included."""
    codes = None if code_ids is None else list(code_ids)
    lab = t.label.c
    out: dict[int, set[int]] = {int(s): set() for s in sentence_ids}
    for i in range(0, len(sentence_ids), 900):
        where = [lab.coder_id == coder, lab.sentence_id.in_(list(sentence_ids[i : i + 900]))]
        if codes is not None:
            where.append(lab.code_id.in_(codes))
        for sid, code in session.execute(select(lab.sentence_id, lab.code_id).where(*where)):
            out[int(sid)].add(int(code))
    return out


def plan_toggle(
    session: Session,
    sentence_ids: Sequence[int],
    code: CodeRecord,
    coder: int,
) -> list[LabelChange]:
    """Toggle like a key press: if every sentence has the code, remove it; else add it everywhere.

    In a single-choice group, adding a code removes the coder's other code of that group.
    """
    if not sentence_ids:
        return []
    have = current_codes(session, sentence_ids, coder)
    if all(code.id in have[s] for s in sentence_ids):
        return [LabelChange(s, code.id, coder, add=False) for s in sentence_ids]
    return plan_set(have, sentence_ids, code, coder, _siblings(session, code))


def plan_add(
    session: Session,
    sentence_ids: Sequence[int],
    code: CodeRecord,
    coder: int,
) -> list[LabelChange]:
    have = current_codes(session, sentence_ids, coder)
    return plan_set(have, sentence_ids, code, coder, _siblings(session, code))


def _siblings(session: Session, code: CodeRecord) -> set[int]:
    """The codes a single-choice code replaces: every other code of its group, hidden ones too
    (a label on a code dropped from the codebook must not survive beside the new one)."""
    if code.multiple:
        return set()
    ids = session.execute(select(t.code.c.id).where(t.code.c.group_id == code.group_id)).scalars()
    return {int(i) for i in ids} - {code.id}


def plan_set(
    have: dict[int, set[int]],
    sentence_ids: Sequence[int],
    code: CodeRecord,
    coder: int,
    siblings: set[int],
) -> list[LabelChange]:
    changes: list[LabelChange] = []
    for s in sentence_ids:
        for other in sorted(have[s] & siblings):
            changes.append(LabelChange(s, other, coder, add=False))
        if code.id not in have[s]:
            changes.append(LabelChange(s, code.id, coder, add=True))
    return changes


def plan_remove(
    session: Session, sentence_ids: Sequence[int], code_id: int, coder: int
) -> list[LabelChange]:
    have = current_codes(session, sentence_ids, coder)
    return [LabelChange(s, code_id, coder, add=False) for s in sentence_ids if code_id in have[s]]


def plan_clear(
    session: Session, sentence_ids: Sequence[int], coder: int, code_ids: set[int] | None = None
) -> list[LabelChange]:
    have = current_codes(session, sentence_ids, coder)
    return [
        LabelChange(s, c, coder, add=False)
        for s in sentence_ids
        for c in sorted(have[s])
        if code_ids is None or c in code_ids
    ]


def apply_changes(session: Session, changes: Iterable[LabelChange], batch: str = "") -> set[int]:
    """Write the changes; returns the ids of the sentences they affected (see write_changes)."""
    return {ch.sentence_id for ch in write_changes(session, changes, batch)}


def write_changes(
    session: Session, changes: Iterable[LabelChange], batch: str = ""
) -> list[LabelChange]:
    """Write the changes and their events; returns the changes that took effect, in order.

    Idempotent: adding a label that exists or removing one that doesn't writes nothing. Set-based
    (one read of the current labels, then bulk writes), so a bulk apply or a merge of thousands of
    changes costs a few queries, not a few per change.
    """
    changes = _with_displaced(session, list(changes))
    if not changes:
        return []
    initial = _existing(session, changes)
    present = set(initial)
    effective: list[LabelChange] = []
    for ch in changes:
        key = (ch.sentence_id, ch.code_id, ch.coder_id)
        if ch.add and key not in present:
            present.add(key)
        elif not ch.add and key in present:
            present.discard(key)
        else:
            continue
        effective.append(ch)
    if not effective:
        return []
    to_insert = present - initial
    to_delete = initial - present
    _check_targets(session, to_insert)
    now = clock.stamp_for(session, {ch.coder_id for ch in effective})
    for i in range(0, len(sorted_delete := sorted(to_delete)), 300):
        chunk = sorted_delete[i : i + 300]
        session.execute(
            delete(t.label).where(
                or_(
                    *(
                        and_(
                            t.label.c.sentence_id == sid,
                            t.label.c.code_id == cid,
                            t.label.c.coder_id == coder,
                        )
                        for sid, cid, coder in chunk
                    )
                )
            )
        )
    if to_insert:
        session.execute(
            t.label.insert(),
            [
                {"sentence_id": sid, "code_id": cid, "coder_id": coder, "created_at": now}
                for sid, cid, coder in sorted(to_insert)
            ],
        )
    session.execute(
        t.label_event.insert(),
        [
            {
                "at": now,
                "coder_id": ch.coder_id,
                "sentence_id": ch.sentence_id,
                "code_id": ch.code_id,
                "action": "add" if ch.add else "remove",
                "batch": batch,
            }
            for ch in effective
        ],
    )
    touched = {ch.sentence_id for ch in effective}
    pairs = {(ch.sentence_id, ch.coder_id) for ch in effective}
    article_of = articles_of(session, touched)
    for aid, coder in sorted({(article_of[sid], coder) for sid, coder in pairs}):
        touch_status(session, aid, coder, now)
    return effective


def _with_displaced(session: Session, changes: list[LabelChange]) -> list[LabelChange]:
    """The changes, with each add of a single-choice code preceded by the removal of the
    coder's other codes of its group on that sentence, as they stand inside this transaction.

    A plan is made before its write (a key press plans, the write follows): two windows that
    gave one sentence two codes of a single-choice group at once both planned "add" against a
    sentence without either, and the file kept both codes (bench/soak_scenarios.py, 10 of 10).
    Decided again here, under the write lock, the later write wins cleanly and the removal it
    makes is in the event log and in what undo reverts."""
    added = {ch.code_id for ch in changes if ch.add}
    if not added:
        return changes
    c, g = t.code.c, t.code_group.c
    groups = select(c.group_id).where(c.id.in_(sorted(added)))
    group_of: dict[int, int] = {
        int(code): int(group)
        for code, group in session.execute(
            select(c.id, c.group_id)
            .join(t.code_group, g.id == c.group_id)
            .where(c.group_id.in_(groups), g.multiple.is_(False))
        )
    }
    targets = [ch for ch in changes if ch.add and ch.code_id in group_of]
    if not targets:
        return changes
    sentence_ids = sorted({ch.sentence_id for ch in targets})
    coders = sorted({ch.coder_id for ch in targets})
    now: dict[tuple[int, int], set[int]] = {}
    for i in range(0, len(sentence_ids), 900):
        for sid, code, coder in session.execute(
            select(t.label.c.sentence_id, t.label.c.code_id, t.label.c.coder_id).where(
                t.label.c.sentence_id.in_(sentence_ids[i : i + 900]),
                t.label.c.coder_id.in_(coders),
                t.label.c.code_id.in_(sorted(group_of)),
            )
        ):
            now.setdefault((int(sid), int(coder)), set()).add(int(code))
    out: list[LabelChange] = []
    for ch in changes:
        if ch.code_id in group_of:
            held = now.setdefault((ch.sentence_id, ch.coder_id), set())
            if ch.add:
                group = group_of[ch.code_id]
                for other in sorted(x for x in held if x != ch.code_id and group_of[x] == group):
                    out.append(LabelChange(ch.sentence_id, other, ch.coder_id, add=False))
                    held.discard(other)
                held.add(ch.code_id)
            else:
                held.discard(ch.code_id)
        out.append(ch)
    return out


def _existing(session: Session, changes: list[LabelChange]) -> set[tuple[int, int, int]]:
    sentence_ids = sorted({ch.sentence_id for ch in changes})
    coders = sorted({ch.coder_id for ch in changes})
    wanted = {(ch.sentence_id, ch.code_id, ch.coder_id) for ch in changes}
    found: set[tuple[int, int, int]] = set()
    for i in range(0, len(sentence_ids), 900):
        chunk = sentence_ids[i : i + 900]
        rows = session.execute(
            select(t.label.c.sentence_id, t.label.c.code_id, t.label.c.coder_id).where(
                t.label.c.sentence_id.in_(chunk), t.label.c.coder_id.in_(coders)
            )
        )
        found.update((int(a), int(b), int(c)) for a, b, c in rows if (a, b, c) in wanted)
    return found


def articles_of(session: Session, sentence_ids: set[int]) -> dict[int, int]:
    ids = sorted(sentence_ids)
    out: dict[int, int] = {}
    for i in range(0, len(ids), 900):
        out.update(
            {
                int(sid): int(aid)
                for sid, aid in session.execute(
                    select(t.sentence.c.id, t.sentence.c.article_id).where(
                        t.sentence.c.id.in_(ids[i : i + 900])
                    )
                )
            }
        )
    return out


def _check_targets(session: Session, keys: set[tuple[int, int, int]]) -> None:
    if not keys:
        return
    sentence_ids = {k[0] for k in keys}
    found = set(articles_of(session, sentence_ids))
    missing = sentence_ids - found
    if missing:
        raise LabelError(f"no sentence with id {min(missing)}")
    code_ids = sorted({k[1] for k in keys})
    known = set(session.execute(select(t.code.c.id).where(t.code.c.id.in_(code_ids))).scalars())
    if set(code_ids) - known:
        raise LabelError(f"no code with id {min(set(code_ids) - known)}")
