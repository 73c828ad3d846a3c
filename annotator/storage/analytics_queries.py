"""Reads behind the coding-time analytics (``annotator.coding_time``): the event log, done times.

Core selects only, one ordered pass over ``label_event`` (the index ``(coder_id, at)`` serves the
order), each row a small named tuple: a million events come back in about 5 s, half of the time
``annotator stats`` takes on them (the rest is pandas).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import Session

from annotator.coding_time import DoneRow, EventRow
from annotator.errors import NotFoundError
from annotator.records import Status
from annotator.storage import tables as t
from annotator.storage.dialect import StoredTime
from annotator.storage.reliability_queries import ADJUDICATED

_e, _coder, _code, _group, _status = (
    t.label_event.c,
    t.coder.c,
    t.code.c,
    t.code_group.c,
    t.article_status.c,
)


def coder_ids(session: Session, names: Sequence[str] | None) -> dict[str, int]:
    """name -> id of the named coders; an unknown name is an error. None: every person who
    coded, not the "adjudicated" coder (its labels are the lead's decisions, bulk-accepted
    agreements among them, not coding work); name it to see its figures."""
    known = {
        str(name): int(cid)
        for cid, name in session.execute(select(_coder.id, _coder.name).order_by(_coder.name))
    }
    if names is None:
        return {name: cid for name, cid in known.items() if name != ADJUDICATED}
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(repr(n) for n in known) or "none"
        raise NotFoundError(f"no coder named {unknown[0]!r} (coders: {listed})")
    return {n: known[n] for n in dict.fromkeys(names)}


def _event_select(ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            _coder.name,
            type_coerce(
                _e.at, StoredTime()
            ),  # parsed below with fromisoformat: several times faster
            _e.sentence_id,
            _e.code_id,
            func.coalesce(_code.name, ""),
            func.coalesce(_group.name, ""),
            _e.action,
            _e.batch,
        )
        .join(t.coder, _coder.id == _e.coder_id)
        # the event log keeps code ids of codes since deleted with their group: outer joins
        .outerjoin(t.code, _code.id == _e.code_id)
        .outerjoin(t.code_group, _group.id == _code.group_id)
        .where(_e.coder_id.in_(list(ids)))
        .order_by(_e.coder_id, _e.at, _e.id)
    )


def label_events(session: Session, ids: Sequence[int]) -> Iterator[EventRow]:
    """The coders' events, ordered by coder, time and id (the order analytics needs)."""
    if not ids:
        return
    result = session.connection().execution_options(yield_per=50_000).execute(_event_select(ids))
    parse = datetime.fromisoformat
    for coder, at, sentence_id, code_id, code, group, action, batch in result:
        # the time is stored as naive UTC text (storage.models.UTCDateTime); fromisoformat reads
        # it faster than the column type's own parser
        when = parse(at).replace(tzinfo=UTC)
        yield EventRow(coder, when, sentence_id, code_id, code, group, action, batch)


def done_statuses(session: Session, ids: Sequence[int]) -> list[DoneRow]:
    """The coders' articles now marked done, with the (latest) time of their status."""
    if not ids:
        return []
    stmt = (
        select(_coder.name, _status.article_id, _status.updated_at)
        .join(t.coder, _coder.id == _status.coder_id)
        .where(_status.coder_id.in_(list(ids)), _status.status == int(Status.DONE))
        .order_by(_coder.name, _status.updated_at, _status.article_id)
    )
    return [
        DoneRow(str(name), int(article), at) for name, article, at in session.execute(stmt).all()
    ]


__all__ = ["coder_ids", "done_statuses", "label_events"]
