"""Label changes: plan them against the current state, then apply them with their event rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from sqlalchemy import and_, delete, select
from sqlmodel import Session

from annotator.errors import LabelError
from annotator.records import CodeRecord, LabelChange, ProjectCodebook
from annotator.storage import tables as t
from annotator.storage.coding_state import touch_status


def current_codes(
    session: Session, sentence_ids: Sequence[int], coder: int
) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {s: set() for s in sentence_ids}
    for i in range(0, len(sentence_ids), 900):
        chunk = list(sentence_ids[i : i + 900])
        for sid, code in session.execute(
            select(t.label.c.sentence_id, t.label.c.code_id).where(
                t.label.c.coder_id == coder, t.label.c.sentence_id.in_(chunk)
            )
        ):
            out[sid].add(code)
    return out


def plan_toggle(
    session: Session,
    sentence_ids: Sequence[int],
    code: CodeRecord,
    coder: int,
    codebook: ProjectCodebook,
) -> list[LabelChange]:
    """Toggle like a key press: if every sentence has the code, remove it; else add it everywhere.

    In a single-choice group, adding a code removes the coder's other code of that group.
    """
    if not sentence_ids:
        return []
    have = current_codes(session, sentence_ids, coder)
    if all(code.id in have[s] for s in sentence_ids):
        return [LabelChange(s, code.id, coder, add=False) for s in sentence_ids]
    return plan_set(have, sentence_ids, code, coder, codebook)


def plan_add(
    session: Session,
    sentence_ids: Sequence[int],
    code: CodeRecord,
    coder: int,
    codebook: ProjectCodebook,
) -> list[LabelChange]:
    have = current_codes(session, sentence_ids, coder)
    return plan_set(have, sentence_ids, code, coder, codebook)


def plan_set(
    have: dict[int, set[int]],
    sentence_ids: Sequence[int],
    code: CodeRecord,
    coder: int,
    codebook: ProjectCodebook,
) -> list[LabelChange]:
    siblings = set()
    if not code.multiple:
        siblings = {c.id for c in codebook.codes if c.group_id == code.group_id and c.id != code.id}
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


def apply_changes(
    session: Session, changes: Iterable[LabelChange], batch: str = ""
) -> set[int]:
    """Write the changes and their events; returns the ids of the sentences affected.

    Idempotent: adding a label that exists or removing one that doesn't writes nothing.
    """
    now = datetime.now(UTC)
    touched: set[int] = set()
    events = []
    for ch in changes:
        where = and_(
            t.label.c.sentence_id == ch.sentence_id,
            t.label.c.code_id == ch.code_id,
            t.label.c.coder_id == ch.coder_id,
        )
        exists = session.execute(select(t.label.c.id).where(where)).first() is not None
        if ch.add and not exists:
            _check_sentence_and_code(session, ch)
            session.execute(
                t.label.insert().values(
                    sentence_id=ch.sentence_id, code_id=ch.code_id, coder_id=ch.coder_id,
                    created_at=now,
                )
            )
        elif not ch.add and exists:
            session.execute(delete(t.label).where(where))
        else:
            continue
        touched.add(ch.sentence_id)
        events.append(
            {
                "at": now, "coder_id": ch.coder_id, "sentence_id": ch.sentence_id,
                "code_id": ch.code_id, "action": "add" if ch.add else "remove", "batch": batch,
            }
        )
    if events:
        session.execute(t.label_event.insert(), events)
        for coder in {e["coder_id"] for e in events}:
            arts = session.execute(
                select(t.sentence.c.article_id)
                .where(t.sentence.c.id.in_([e["sentence_id"] for e in events]))
                .distinct()
            ).scalars()
            for aid in arts:
                touch_status(session, aid, int(coder))  # type: ignore[call-overload]
    return touched


def _check_sentence_and_code(session: Session, ch: LabelChange) -> None:
    if session.execute(select(t.sentence.c.id).where(t.sentence.c.id == ch.sentence_id)).first() is None:
        raise LabelError(f"no sentence with id {ch.sentence_id}")
    if session.execute(select(t.code.c.id).where(t.code.c.id == ch.code_id)).first() is None:
        raise LabelError(f"no code with id {ch.code_id}")
