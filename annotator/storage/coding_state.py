"""Coders, per-coder article status and memos."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, delete, select, type_coerce, update
from sqlmodel import Session

from annotator.errors import AnnotatorError
from annotator.names import check_name
from annotator.records import Status
from annotator.storage import clock
from annotator.storage import tables as t
from annotator.storage.dialect import StoredTime


def ensure_coder(session: Session, name: str) -> int:
    name = name.strip()
    if not name:
        raise AnnotatorError("a coder needs a name")
    found = session.execute(select(t.coder.c.id).where(t.coder.c.name == name)).scalar()
    if found is not None:  # a name an older version stored unchecked is still found
        return int(found)
    check_name("coder", name)
    result = session.execute(t.coder.insert().values(name=name, created_at=datetime.now(UTC)))
    return t.inserted_id(result)


def set_status(
    session: Session, article_id: int, coder: int, status: Status, at: datetime | None = None
) -> None:
    """Set the coder's status of the article; its time (the article's "last modified" for that
    coder) is `at`, or now but never before the coder's last change (see storage.clock)."""
    where = and_(t.article_status.c.article_id == article_id, t.article_status.c.coder_id == coder)
    row = session.execute(
        select(
            t.article_status.c.status, type_coerce(t.article_status.c.updated_at, StoredTime())
        ).where(where)
    ).first()
    now = at or clock.stamp_for(session, [coder], clock.stored(row[1]) if row else None)
    if row is None:
        session.execute(
            t.article_status.insert().values(
                article_id=article_id, coder_id=coder, status=int(status), updated_at=now
            )
        )
    else:
        session.execute(
            update(t.article_status).where(where).values(status=int(status), updated_at=now)
        )


def touch_status(session: Session, article_id: int, coder: int, at: datetime | None = None) -> None:
    """A coder who labels an article they had not started has it in progress (since `at`)."""
    where = and_(t.article_status.c.article_id == article_id, t.article_status.c.coder_id == coder)
    current = session.execute(select(t.article_status.c.status).where(where)).scalar()
    if current is None or current == Status.NOT_STARTED:
        set_status(session, article_id, coder, Status.IN_PROGRESS, at)


def set_memo(
    session: Session, coder: int, article_id: int, sentence_id: int | None, text: str
) -> None:
    """Write, replace or (with empty text) delete the coder's memo on an article or sentence."""
    target = and_(
        t.memo.c.coder_id == coder,
        t.memo.c.article_id == article_id,
        t.memo.c.sentence_id.is_(None)
        if sentence_id is None
        else t.memo.c.sentence_id == sentence_id,
    )
    session.execute(delete(t.memo).where(target))
    if text.strip():
        session.execute(
            t.memo.insert().values(
                coder_id=coder,
                article_id=article_id,
                sentence_id=sentence_id,
                text=text,
                updated_at=clock.stamp_for(session, [coder]),
            )
        )
