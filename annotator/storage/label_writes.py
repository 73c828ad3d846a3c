"""The one label writer: plan changes against the current state, then write them with their
event rows and status updates.

Two paths apply the same rules (``_resolve``, ``_touch_statuses``): the small path
(``write_changes``: a coder's key press, bulk apply, adjudication) and the bulk path
(``add_labels``: a merge, a label import, a REFI-QDA import, up to millions of labels).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlmodel import Session

from annotator.errors import LabelError
from annotator.records import CodeRecord, LabelChange, Status
from annotator.storage import clock
from annotator.storage import tables as t
from annotator.storage.codebook_versions import current_version
from annotator.storage.engine import bulk_insert


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
    return toggle_plan(have, sentence_ids, code, coder, _siblings(session, code))


def toggle_plan(
    have: dict[int, set[int]],
    sentence_ids: Sequence[int],
    code: CodeRecord,
    coder: int,
    siblings: set[int],
) -> list[LabelChange]:
    """The rule of a key press, from the coder's codes on each sentence (``have``): if every
    sentence has the code, remove it; else add it, replacing ``siblings`` (the rest of a
    single-choice group). Pure, so a window can plan offline from what it shows."""
    if all(code.id in have[s] for s in sentence_ids):
        return [LabelChange(s, code.id, coder, add=False) for s in sentence_ids]
    return plan_set(have, sentence_ids, code, coder, siblings)


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


# --- the rules both paths apply ---------------------------------------------------------------


class OnConflict(Enum):
    """What adding a code does when the coder already has another code of its single-choice
    group on that sentence. Either way a sentence never holds two codes of such a group.

    REPLACE: the new code replaces the old one (its removal is in the event log and in what undo
    reverts). A coder's own decision -- a key press, a bulk apply, an adjudication -- is the
    latest word. KEEP: the code already there stays and the new one is refused, with a reason.
    Labels that come from another file (a merge, a label import, a REFI-QDA import) never
    overwrite the project's: the project is the lead, and a refused label is reported."""

    REPLACE = "replace"
    KEEP = "keep"


#: Why an incoming label was refused under OnConflict.KEEP (reports show it per row).
CONFLICT_REASON = "contradicts a code already given in a single-choice group"

Key = tuple[int, int, int]  # (sentence id, code id, coder id)


@dataclass
class _Resolution:
    """What a run of label operations does to the current labels, decided once for both paths."""

    initial: set[Key]
    held: dict[tuple[int, int], set[int]]  # (sentence, coder) -> codes, after the operations
    events: list[tuple[Key, bool, int]] = field(default_factory=list)  # key, add?, op index
    added_by: dict[Key, int] = field(default_factory=dict)  # key -> index of the op that added it
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)

    def final(self) -> set[Key]:
        return {(s, c, k) for (s, k), codes in self.held.items() for c in codes}


def _single_choice_groups(session: Session) -> dict[int, int]:
    """code id -> group id for every code (hidden ones too) of a single-choice group: a label
    on a code dropped from the codebook must not survive beside a new one of its group."""
    c, g = t.code.c, t.code_group.c
    return {
        int(code): int(group)
        for code, group in session.execute(
            select(c.id, c.group_id)
            .join(t.code_group, g.id == c.group_id)
            .where(g.multiple.is_(False))
        )
    }


def _resolve(
    session: Session,
    ops: Sequence[tuple[int, int, int, bool]],
    on_conflict: OnConflict,
    *,
    fresh: bool = False,
) -> _Resolution:
    """Decide each operation (sentence, code, coder, add?) against the labels as they stand
    inside this transaction, in order. Idempotent: adding a label that is there (counted in
    ``already``) or removing one that is not changes nothing.

    Decided under the write lock, not when a change was planned: two windows that gave one
    sentence two codes of a single-choice group at once both planned "add" against a sentence
    without either, and the file kept both codes (bench/soak_scenarios.py, 10 of 10).
    ``fresh``: the sentences were just created, so nothing needs reading."""
    initial = set() if fresh else _existing(session, ops)
    held: dict[tuple[int, int], set[int]] = {}
    for s, c, k in initial:
        held.setdefault((s, k), set()).add(c)
    out = _Resolution(initial=initial, held=held)
    group_of = _single_choice_groups(session) if any(op[3] for op in ops) else {}
    for n, (s, c, k, add) in enumerate(ops):
        codes = held.setdefault((s, k), set())
        if not add:
            if c in codes:
                codes.discard(c)
                out.added_by.pop((s, c, k), None)
                out.events.append(((s, c, k), False, n))
            continue
        if c in codes:
            out.already += 1
            continue
        group = group_of.get(c)
        if group is not None:
            others = sorted(x for x in codes if group_of.get(x) == group)
            if others and on_conflict is OnConflict.KEEP:
                out.refused.append((n, CONFLICT_REASON))
                continue
            for other in others:
                codes.discard(other)
                out.added_by.pop((s, other, k), None)
                out.events.append(((s, other, k), False, n))
        codes.add(c)
        out.added_by[(s, c, k)] = n
        out.events.append(((s, c, k), True, n))
    return out


def _delete_labels(session: Session, keys: Iterable[Key]) -> None:
    ordered = sorted(keys)
    for i in range(0, len(ordered), 300):
        session.execute(
            delete(t.label).where(
                or_(
                    *(
                        and_(
                            t.label.c.sentence_id == sid,
                            t.label.c.code_id == cid,
                            t.label.c.coder_id == coder,
                        )
                        for sid, cid, coder in ordered[i : i + 300]
                    )
                )
            )
        )


def _touch_statuses(session: Session, keys: Iterable[Key], at: datetime) -> None:
    """A coder whose labels on an article changed and who had not started it (no status, or
    "not started") has it in progress since ``at``; a status further on stays.

    Set-based: per coder, the distinct articles of the sentences (not a row per sentence: a
    merge batch touches 15,000 sentences of 500 articles), then their statuses."""
    sentences_of: dict[int, set[int]] = {}
    for sid, _code, coder in keys:
        sentences_of.setdefault(coder, set()).add(sid)
    pairs: set[tuple[int, int]] = set()
    sc = t.sentence.c
    for coder, sids in sentences_of.items():
        ordered = sorted(sids)
        for i in range(0, len(ordered), 900):
            found = session.execute(
                select(sc.article_id).distinct().where(sc.id.in_(ordered[i : i + 900]))
            ).scalars()
            pairs.update((int(aid), coder) for aid in found)
    if not pairs:
        return
    st = t.article_status.c
    current: dict[tuple[int, int], int] = {}
    articles = sorted({a for a, _c in pairs})
    for i in range(0, len(articles), 900):
        for aid, coder, status in session.execute(
            select(st.article_id, st.coder_id, st.status).where(
                st.article_id.in_(articles[i : i + 900])
            )
        ):
            current[(int(aid), int(coder))] = int(status)
    new = [p for p in sorted(pairs) if p not in current]
    started = [p for p in sorted(pairs) if current.get(p) == Status.NOT_STARTED]
    status = int(Status.IN_PROGRESS)
    if new:
        session.execute(
            t.article_status.insert(),
            [{"article_id": a, "coder_id": c, "status": status, "updated_at": at} for a, c in new],
        )
    if started:
        session.execute(
            update(t.article_status)
            .where(st.article_id == bindparam("a"), st.coder_id == bindparam("c"))
            .values(status=status, updated_at=at),
            [{"a": a, "c": c} for a, c in started],
        )


# --- the small path: a coder's own changes ----------------------------------------------------


def write_changes(
    session: Session,
    changes: Iterable[LabelChange],
    batch: str = "",
    on_conflict: OnConflict = OnConflict.REPLACE,
) -> list[LabelChange]:
    """Write the changes and their events; returns the changes that took effect, in order
    (with each single-choice code an add displaced, removed just before that add).

    Set-based (one read of the current labels, then bulk writes), so a bulk apply or an
    adjudication of thousands of changes costs a few queries, not a few per change. The rules
    (single choice, status, event log) are those of add_labels, the bulk path.
    """
    changes = list(changes)
    if not changes:
        return []
    ops = [(ch.sentence_id, ch.code_id, ch.coder_id, ch.add) for ch in changes]
    res = _resolve(session, ops, on_conflict)
    if not res.events:
        return []
    effective = [LabelChange(s, c, k, add=add) for (s, c, k), add, _n in res.events]
    final = res.final()
    to_insert = final - res.initial
    _check_targets(session, to_insert)
    now = clock.stamp_for(session, {ch.coder_id for ch in effective})
    _delete_labels(session, res.initial - final)
    if to_insert:
        version = current_version(session)
        session.execute(
            t.label.insert(),
            [
                {
                    "sentence_id": sid,
                    "code_id": cid,
                    "coder_id": coder,
                    "created_at": now,
                    "codebook_version": version,
                }
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
    _touch_statuses(session, (key for key, _add, _n in res.events), now)
    return effective


# --- the bulk path: labels from another file ---------------------------------------------------


@dataclass(frozen=True)
class BulkOutcome:
    """What add_labels did: ``refused`` holds (index of the row, why) for each row not added."""

    added: int
    already: int
    refused: list[tuple[int, str]]
    new_keys: list[Key]  # (sentence, code, coder) of the labels written, in row order


def add_labels(
    session: Session,
    rows: Sequence[tuple[int, int, int, str]],
    batch: str,
    *,
    on_conflict: OnConflict = OnConflict.KEEP,
    fresh: bool = False,
    versions: Sequence[int | None] | None = None,
) -> BulkOutcome:
    """Add labels in bulk: rows of (sentence id, code id, coder id, stored time) -> what was done.

    The same rules as write_changes (it shares _resolve and _touch_statuses): idempotent, a
    single-choice group never holds two codes (by default the label already there is kept, see
    OnConflict), one event row per change, and the coder's status of a touched article goes from
    not started to in progress. Each label and its "add" event keep the row's time (a merge and
    a label import carry the labelled-at time across). Written through SQLAlchemy Core as
    multi-row inserts (storage.engine.bulk_insert): a million labels cost seconds, not minutes.
    ``fresh``: the sentences were just created, so they have no labels yet. ``versions``
    (aligned with ``rows``): the codebook version each label was made under, kept from the file
    it comes from; None (or a None entry) means the project's current version.
    """
    if not rows:
        return BulkOutcome(0, 0, [], [])
    res = _resolve(session, [(s, c, k, True) for s, c, k, _at in rows], on_conflict, fresh=fresh)
    if not res.events:
        return BulkOutcome(0, res.already, res.refused, [])
    removed = {
        key
        for key, add, _n in res.events
        if not add and key in res.initial and key[1] not in res.held[(key[0], key[2])]
    }
    if removed:
        _delete_labels(session, removed)
    new_keys = [key for key in res.added_by if key not in res.initial]
    current = current_version(session)

    def version_of(n: int) -> int:
        given = versions[n] if versions is not None else None
        return current if given is None else int(given)

    bulk_insert(
        session,
        t.label,
        ("sentence_id", "code_id", "coder_id", "created_at", "codebook_version"),
        [(*key, rows[res.added_by[key]][3], version_of(res.added_by[key])) for key in new_keys],
    )
    bulk_insert(
        session,
        t.label_event,
        ("at", "coder_id", "sentence_id", "code_id", "action", "batch"),
        [
            (rows[n][3], k, s, c, "add" if add else "remove", batch)
            for (s, c, k), add, n in res.events
        ],
    )
    coders = {key[2] for key, _add, _n in res.events}
    _touch_statuses(
        session, (key for key, _add, _n in res.events), clock.stamp_for(session, coders)
    )
    added = sum(1 for _key, add, _n in res.events if add)
    return BulkOutcome(added, res.already, res.refused, new_keys)


def _existing(session: Session, ops: Sequence[tuple[int, int, int, bool]]) -> set[Key]:
    """The labels the operations' coders have on the operations' sentences."""
    sentence_ids = sorted({op[0] for op in ops})
    coders = sorted({op[2] for op in ops})
    found: set[Key] = set()
    for i in range(0, len(sentence_ids), 900):
        chunk = sentence_ids[i : i + 900]
        rows = session.execute(
            select(t.label.c.sentence_id, t.label.c.code_id, t.label.c.coder_id).where(
                t.label.c.sentence_id.in_(chunk), t.label.c.coder_id.in_(coders)
            )
        )
        found.update((int(a), int(b), int(c)) for a, b, c in rows)
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
