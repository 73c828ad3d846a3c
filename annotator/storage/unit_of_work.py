"""Short sessions: one per user action or background job, committed or rolled back as a whole.

This is also the one place where SQLite's failures become typed errors (disk full, no
permission, locked, I/O error, damaged file): every caller gets a message one can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from annotator.storage.engine import Bind, storage_error, writer

#: ``Engine`` and ``Session`` are re-exported as the handles the rest of the core passes around
#: (a workflow takes an engine, a query function a session) without importing SQLAlchemy itself.
__all__ = ["Connection", "Engine", "Session", "read_session", "trial_session", "write_session"]

log = logging.getLogger(__name__)


@contextmanager
def read_session(engine: Engine | Connection) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        except DBAPIError as exc:
            typed = storage_error(exc)
            if typed is None:
                raise
            raise typed from exc


@contextmanager
def write_session(bind: Bind) -> Iterator[Session]:
    """Commit on success, roll back on any exception: the change happens whole or not at all.

    `bind` is usually the project's engine; a long bulk job passes its own connection.
    """
    with Session(writer(bind), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except DBAPIError as exc:
            _rollback(session)
            typed = storage_error(exc)
            if typed is None:
                raise
            log.warning("write failed and was rolled back: %s", exc.orig)
            raise typed from exc
        except BaseException:
            _rollback(session)
            raise


@contextmanager
def trial_session(bind: Bind) -> Iterator[Session]:
    """A write transaction that is always rolled back: what a change would do, for a preview.

    It runs the very code the change runs, so the preview cannot drift from the real thing.
    """
    with read_session(writer(bind)) as session:  # its errors typed as a read's are
        try:
            yield session
        finally:
            _rollback(session)


def _rollback(session: Session) -> None:
    # After an I/O error SQLite may already have rolled back; a second failure must not hide
    # the first one, which is the one the researcher needs to see.
    try:
        session.rollback()
    except DBAPIError as exc:
        log.warning("rollback after a failed write also failed: %s", exc.orig)
