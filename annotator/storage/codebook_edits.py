"""SQL of codebook edits: rows of codes and groups as plain snapshots (what undo writes back),
positions, the label facts an edit needs, review flags and the codebook's edit log.

Labels are never written here: merges and deletes go through the one label writer
(``label_writes``), so label_event records every label an edit removes or moves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from annotator.errors import CodebookPermissionError
from annotator.records import CodebookEventRecord, LabelReviewRecord
from annotator.storage import tables as t

Snapshot = dict[str, Any]

_CODE_FIELDS = ("name", "key", "color", "definition", "include", "exclude", "position", "active")
_GROUP_FIELDS = ("name", "multiple", "description", "position", "active")


# --- snapshots of rows ---------------------------------------------------------------------


def code_snapshot(session: Session, uid: str) -> Snapshot | None:
    """Everything undo needs to put a code back as it was (None: no such code)."""
    c, g = t.code.c, t.code_group.c
    row = session.execute(
        select(c.id, g.uid, c.examples_json, *(c[f] for f in _CODE_FIELDS))
        .join(t.code_group, g.id == c.group_id)
        .where(c.uid == uid)
    ).first()
    if row is None:
        return None
    snap: Snapshot = {"uid": uid, "id": int(row[0]), "group_uid": str(row[1])}
    snap["examples"] = list(json.loads(row[2] or "[]"))
    for name, value in zip(_CODE_FIELDS, row[3:], strict=True):
        snap[name] = bool(value) if name == "active" else value
    return snap


def group_snapshot(session: Session, uid: str) -> Snapshot | None:
    g = t.code_group.c
    row = session.execute(select(g.id, *(g[f] for f in _GROUP_FIELDS)).where(g.uid == uid)).first()
    if row is None:
        return None
    snap: Snapshot = {"uid": uid, "id": int(row[0])}
    for name, value in zip(_GROUP_FIELDS, row[1:], strict=True):
        snap[name] = bool(value) if name in ("multiple", "active") else value
    return snap


def _group_id(session: Session, group_uid: str) -> int:
    return int(
        session.execute(
            select(t.code_group.c.id).where(t.code_group.c.uid == group_uid)
        ).scalar_one()
    )


def write_code(session: Session, snap: Snapshot) -> int:
    """Insert or update the code ``snap`` describes (matched by uid); returns its id."""
    values = {f: snap[f] for f in _CODE_FIELDS}
    values["examples_json"] = json.dumps(list(snap.get("examples", [])))
    values["group_id"] = _group_id(session, snap["group_uid"])
    found = session.execute(select(t.code.c.id).where(t.code.c.uid == snap["uid"])).scalar()
    if found is None:
        return t.inserted_id(session.execute(t.code.insert().values(uid=snap["uid"], **values)))
    session.execute(update(t.code).where(t.code.c.id == found).values(**values))
    return int(found)


def write_group(session: Session, snap: Snapshot) -> int:
    values = {f: snap[f] for f in _GROUP_FIELDS}
    found = session.execute(
        select(t.code_group.c.id).where(t.code_group.c.uid == snap["uid"])
    ).scalar()
    if found is None:
        cb = session.execute(select(t.codebook.c.id).order_by(t.codebook.c.id)).scalar()
        if cb is None:
            cb = t.inserted_id(
                session.execute(
                    t.codebook.insert().values(uid=snap["uid"] + ":codebook", name="Codebook")
                )
            )
        return t.inserted_id(
            session.execute(t.code_group.insert().values(uid=snap["uid"], codebook_id=cb, **values))
        )
    session.execute(update(t.code_group).where(t.code_group.c.id == found).values(**values))
    return int(found)


def active_code_uids(session: Session, group_uid: str) -> list[str]:
    """The group's active codes in their order."""
    c = t.code.c
    return list(
        session.execute(
            select(c.uid)
            .where(c.group_id == _group_id(session, group_uid), c.active.is_(True))
            .order_by(c.position, c.id)
        ).scalars()
    )


def active_group_uids(session: Session) -> list[str]:
    g = t.code_group.c
    return list(
        session.execute(
            select(g.uid).where(g.active.is_(True)).order_by(g.position, g.id)
        ).scalars()
    )


def code_uids(session: Session, code_ids: set[int]) -> dict[int, str]:
    """code id -> uid, hidden codes too."""
    rows = session.execute(
        select(t.code.c.id, t.code.c.uid).where(t.code.c.id.in_(sorted(code_ids)))
    )
    return {int(i): str(u) for i, u in rows}


def code_uid_taken(session: Session, uid: str) -> bool:
    return session.execute(select(t.code.c.id).where(t.code.c.uid == uid)).first() is not None


def group_uid_taken(session: Session, uid: str) -> bool:
    g = t.code_group.c
    return session.execute(select(g.id).where(g.uid == uid)).first() is not None


# --- labels an edit concerns ---------------------------------------------------------------


def label_count(session: Session, code_id: int) -> int:
    """Labels on the code, every coder."""
    return int(
        session.execute(
            select(func.count()).select_from(t.label).where(t.label.c.code_id == code_id)
        ).scalar()
        or 0
    )


def labels_of_code(session: Session, code_id: int) -> list[tuple[int, int, str, int]]:
    """(sentence id, coder id, labelled at as ISO text, codebook version) of every label on
    the code."""
    lab = t.label.c
    rows = session.execute(
        select(lab.sentence_id, lab.coder_id, lab.created_at, lab.codebook_version)
        .where(lab.code_id == code_id)
        .order_by(lab.sentence_id, lab.coder_id)
    )
    return [(int(s), int(k), _iso(at), int(v)) for s, k, at, v in rows]


def set_label_versions(session: Session, keys: Sequence[tuple[int, int, int, int]]) -> None:
    """Give restored labels (sentence, code, coder, version) back the codebook version they
    were made under (the bulk label path writes the default)."""
    lab = t.label.c
    for s, c, k, version in keys:
        session.execute(
            update(t.label)
            .where(lab.sentence_id == s, lab.code_id == c, lab.coder_id == k)
            .values(codebook_version=version)
        )


def _iso(value: Any) -> str:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    return str(value)


def stored_time(iso: str) -> str:
    """An ISO time from ``labels_of_code`` as the database stores it (naive UTC text, what
    ``label_writes.add_labels`` takes), so a restored label keeps the time it was made."""
    value = datetime.fromisoformat(iso)
    utc = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return utc.strftime("%Y-%m-%d %H:%M:%S.%f")


def doubly_coded(session: Session, group_uid: str) -> int:
    """How many (sentence, coder) pairs hold two or more codes of the group (hidden codes too):
    what stops the group becoming single choice."""
    lab, c = t.label.c, t.code.c
    pairs = (
        select(lab.sentence_id, lab.coder_id)
        .join(t.code, c.id == lab.code_id)
        .where(c.group_id == _group_id(session, group_uid))
        .group_by(lab.sentence_id, lab.coder_id)
        .having(func.count() > 1)
        .subquery()
    )
    return int(session.execute(select(func.count()).select_from(pairs)).scalar() or 0)


# --- review flags --------------------------------------------------------------------------


def flag_labels(session: Session, code_id: int, reason: str) -> list[int]:
    """Flag every label of the code not flagged already; returns the label ids flagged."""
    lab, rv = t.label.c, t.label_review.c
    ids = [
        int(i)
        for i in session.execute(
            select(lab.id)
            .where(lab.code_id == code_id, lab.id.not_in(select(rv.label_id)))
            .order_by(lab.id)
        ).scalars()
    ]
    if ids:
        now = datetime.now(UTC)
        session.execute(
            t.label_review.insert(),
            [{"label_id": i, "reason": reason, "flagged_at": now} for i in ids],
        )
    return ids


def clear_flags(session: Session, label_ids: Sequence[int] | None = None) -> int:
    """Drop review flags (all of them when ``label_ids`` is None); returns how many."""
    stmt = delete(t.label_review)
    if label_ids is not None:
        ids = list(label_ids)
        total = 0
        for i in range(0, len(ids), 900):
            chunk = stmt.where(t.label_review.c.label_id.in_(ids[i : i + 900]))
            total += _rowcount(session.execute(chunk))
        return total
    return _rowcount(session.execute(stmt))


def _rowcount(result: Any) -> int:
    return int(cast(CursorResult[Any], result).rowcount or 0)


def review_flags(session: Session) -> list[LabelReviewRecord]:
    rv, lab, c, k, s = t.label_review.c, t.label.c, t.code.c, t.coder.c, t.sentence.c
    rows = session.execute(
        select(rv.label_id, lab.sentence_id, s.article_id, c.uid, c.name, k.name, rv.reason)
        .join(t.label, lab.id == rv.label_id)
        .join(t.code, c.id == lab.code_id)
        .join(t.coder, k.id == lab.coder_id)
        .join(t.sentence, s.id == lab.sentence_id)
        .order_by(s.article_id, lab.sentence_id, rv.label_id)
    )
    return [
        LabelReviewRecord(int(a), int(b), int(c_), str(d), str(e), str(f), str(g))
        for a, b, c_, d, e, f, g in rows
    ]


# --- the edit log --------------------------------------------------------------------------


def current_version(session: Session) -> int:
    """The highest published codebook version (1 if none is recorded)."""
    found = session.execute(select(func.max(t.codebook_version.c.number))).scalar()
    return int(found) if found is not None else 1


def log_event(
    session: Session,
    *,
    by: str,
    action: str,
    target_uid: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> int:
    """Append one row to codebook_event; ``after`` carries the one-line ``summary``."""
    assert "summary" in after, "after_json always carries a summary (the versions contract)"
    return t.inserted_id(
        session.execute(
            t.codebook_event.insert().values(
                at=datetime.now(UTC),
                by=by,
                action=action,
                target_uid=target_uid,
                before_json=json.dumps(before, ensure_ascii=False),
                after_json=json.dumps(after, ensure_ascii=False),
                version=current_version(session),
            )
        )
    )


def events(session: Session, event_id: int | None = None) -> list[CodebookEventRecord]:
    e = t.codebook_event.c
    stmt = select(
        e.id, e.at, e.by, e.action, e.target_uid, e.version, e.before_json, e.after_json
    ).order_by(e.id)
    if event_id is not None:
        stmt = stmt.where(e.id == event_id)
    out = []
    for i, at, by, action, target, version, before, after in session.execute(stmt):
        after_d = json.loads(after or "{}")
        out.append(
            CodebookEventRecord(
                int(i),
                _iso(at),
                str(by),
                str(action),
                str(target),
                str(after_d.get("summary", "")),
                int(version),
                json.loads(before or "{}"),
                after_d,
            )
        )
    return out


# --- errors --------------------------------------------------------------------------------


@contextmanager
def permission_errors() -> Iterator[None]:
    """A database that refuses the write for lack of privilege (PostgreSQL's row-level security
    or grants on a shared project: SQLSTATE 42501) becomes one clear message."""
    try:
        yield
    except DBAPIError as exc:
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code == "42501" or "permission denied" in str(exc.orig).lower():
            raise CodebookPermissionError(
                "only the project's lead may change the codebook of a shared project: "
                "the server refused the edit, nothing was changed"
            ) from exc
        raise
