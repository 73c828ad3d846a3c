"""Test-only: give the events and statuses the real writers just wrote chosen times.

The label writer stamps each change with the wall clock (annotator.storage.clock), so a test of
coding-time figures writes every key press through the real writer and then sets the time of
the events that press wrote: the event log is then exactly what a coder working at those times
would have left, with durations known by hand.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from annotator import Project
from annotator.storage import tables as t


def last_event_id(project: Project) -> int:
    with project.engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(t.label_event.c.id), 0))).scalar())


def stamp_events_after(project: Project, after_id: int, at: datetime) -> int:
    """Set the time of every event with an id above ``after_id``; returns how many."""
    e = t.label_event
    with project.engine.begin() as conn:
        done = conn.execute(update(e).where(e.c.id > after_id).values(at=at))
    return int(done.rowcount)


def stamp_status(project: Project, article_id: int, coder: str, at: datetime) -> None:
    """Set the time of a coder's status of an article."""
    st = t.article_status
    cid = project.coder_id(coder, create=False)
    with project.engine.begin() as conn:
        conn.execute(
            update(st)
            .where(st.c.article_id == article_id, st.c.coder_id == cid)
            .values(updated_at=at)
        )
