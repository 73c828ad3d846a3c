"""Published codebook versions and the edits between them (tables codebook_version and
codebook_event).

The current version is the highest published number; every label records the number current
when it was made. An edit (a codebook_event row, written by the codebook editor) carries the
version it was made on top of, so the edits whose version is the current one are the
unpublished draft. Publishing writes a new row whose ``changes_json`` lists those edits'
one-line summaries (``after_json["summary"]``, the editor's half of the contract).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from annotator.records import CodebookVersionRecord
from annotator.storage import clock
from annotator.storage import tables as t


def current_version(session: Session) -> int:
    """The highest published number (1 before anything is recorded: labels default to 1)."""
    found = session.execute(select(func.max(t.codebook_version.c.number))).scalar()
    return int(found) if found is not None else 1


def versions(session: Session) -> list[CodebookVersionRecord]:
    """Every published version, oldest first."""
    v = t.codebook_version.c
    rows = session.execute(
        select(v.number, v.note, v.published_at, v.published_by, v.changes_json).order_by(v.number)
    ).all()
    return [
        CodebookVersionRecord(
            number=int(number),
            note=str(note),
            published_at=clock.stored(at),
            published_by=str(by),
            changes=tuple(_changes(raw)),
        )
        for number, note, at, by, raw in rows
    ]


def _changes(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(x) for x in value] if isinstance(value, list) else []


def event_summary(after_json: str | None, action: str) -> str:
    """The one-line description of an edit: ``after_json["summary"]``, else its action."""
    try:
        after: Any = json.loads(after_json or "{}")
    except ValueError:
        after = {}
    summary = after.get("summary") if isinstance(after, dict) else None
    return str(summary).strip() if summary else str(action)


def unpublished_changes(session: Session) -> list[str]:
    """Summaries of the edits made on top of the current version, in the order made."""
    e = t.codebook_event.c
    rows = session.execute(
        select(e.after_json, e.action)
        .where(e.version >= current_version(session))
        .order_by(e.at, e.id)
    ).all()
    return [event_summary(after, action) for after, action in rows]


def publish(
    session: Session, note: str, by: str, changes: list[str], at: datetime
) -> CodebookVersionRecord:
    """Record the next version with its note and changes; returns it."""
    number = current_version(session) + 1
    session.execute(
        t.codebook_version.insert().values(
            number=number,
            note=note,
            published_at=at,
            published_by=by,
            changes_json=json.dumps(changes, ensure_ascii=False),
        )
    )
    return CodebookVersionRecord(number, note, at, by, tuple(changes))


def label_versions(session: Session) -> dict[int, int]:
    """codebook version -> how many labels were made under it (every coder)."""
    lab = t.label.c
    rows = session.execute(
        select(lab.codebook_version, func.count()).group_by(lab.codebook_version)
    )
    return {int(v): int(n) for v, n in rows}


def version_history(session: Session) -> list[tuple[int, str, str]]:
    """(number, published_at as ISO text, note) of every version: what two projects compare to know
    whether their codebooks share history (a merge keeps the labels' versions only then)."""
    v = t.codebook_version.c
    rows = session.execute(select(v.number, v.published_at, v.note).order_by(v.number)).all()
    out = []
    for number, at, note in rows:
        when = clock.stored(at)
        out.append((int(number), when.isoformat() if when else "", str(note)))
    return out


def shared_versions(
    ours: list[tuple[int, str, str]], theirs: list[tuple[int, str, str]]
) -> set[int]:
    """The version numbers both files recorded identically (same number, time and note): the
    history two copies of one project share."""
    return {v[0] for v in set(ours) & set(theirs)}
