"""The time written into the event log, label times and "last modified": never going backwards.

The wall clock can jump back (a clock set back an hour by hand or by a time server, a laptop
whose battery ran flat, a second machine with a wrong clock sharing the project). A label given
after such a jump was stamped before the labels that preceded it, so the event log sorted by
time, an export's ``labelled_at`` and an article's status time put it first
(bench/soak_scenarios.py, with libfaketime).

So a time written for a coder is the wall clock, or -- if the coder's latest event already bears
a later time -- one microsecond after that: times stay in the order the changes were made, and
are at most as far off as the clock was. (The event log's id is the sequence itself; the times
follow it.) Times copied from elsewhere (a merge, a label import) are kept as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, type_coerce
from sqlmodel import Session

from annotator.storage import tables as t
from annotator.storage.dialect import StoredTime

TICK = timedelta(microseconds=1)


def _parse(stored: str | None) -> datetime | None:
    if not stored:
        return None
    try:
        value = datetime.fromisoformat(stored)
    except ValueError:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def latest_event(session: Session, coders: Iterable[int]) -> datetime | None:
    """The latest time in the event log of these coders (one index seek each)."""
    e = t.label_event.c
    found = [
        _parse(
            session.execute(
                select(type_coerce(func.max(e.at), StoredTime())).where(e.coder_id == coder)
            ).scalar()
        )
        for coder in sorted(set(coders))
    ]
    return max((f for f in found if f is not None), default=None)


def not_before(*floors: datetime | None) -> datetime:
    """Now, or one tick after the latest of `floors` if the wall clock is behind it."""
    now = datetime.now(UTC)
    latest = max((f for f in floors if f is not None), default=None)
    return now if latest is None or now > latest else latest + TICK


def stamp_for(session: Session, coders: Iterable[int], *floors: datetime | None) -> datetime:
    """The time to write for a change by these coders (see the module's docstring)."""
    return not_before(latest_event(session, coders), *floors)


def stored(value: str | datetime | None) -> datetime | None:
    """A time read back from a row (as SQLite stored it, or as the ORM returned it)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return _parse(value)
