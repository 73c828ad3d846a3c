"""A project on a PostgreSQL server: its engine, its failures as typed errors, its bulk writes.

The same schema and the same storage code as a project file (see dialect for the few
differences). What SQLite's ``BEGIN IMMEDIATE`` gives a project file -- one writer at a time,
waiting for the other rather than failing half-way -- a server project gets from a transaction
advisory lock that every write transaction takes first: writes that read, decide and then write
(a single-choice label replacing another) cannot interleave. A writer waits at most
LOCK_TIMEOUT_S for it, then fails as a busy file does (ProjectLockedError).

Passwords come from libpq (``~/.pgpass``, ``PGPASSFILE``, ``PGPASSWORD``) or the URL; no message
or log line made here holds one (SQLAlchemy masks it in the URLs it prints, libpq's messages
never carry it).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from annotator.errors import (
    AnnotatorError,
    ChangeNotSavedError,
    DiskFullError,
    NotAProjectError,
    ProjectLockedError,
    ServerLoginError,
    ServerUnavailableError,
    WriteDeniedError,
)
from annotator.server_urls import display_name, driver_url

log = logging.getLogger(__name__)

NOT_SAVED = "the last change was not saved"
LOCK_TIMEOUT_S = 10
#: The advisory lock every write transaction of a project takes (per database, so per project).
WRITE_LOCK_KEY = 0x616E6E6F  # "anno"
#: The first half of a coder's own lock (the second is a hash of their login name).
CODER_LOCK_KEY = 0x636F6472  # "codr"
#: connection info key: True when the login is a coder of a shared project (see _lock_sql)
_CODER_ONLY = "annotator_coder_only"


def _is_coder_only(dbapi_conn: psycopg.Connection[Any]) -> bool:
    """Is this login a coder (not a lead) of a shared project set up by ``server init``?

    Row-level security lets such a login write only its own rows, so its writes can never
    interleave with another coder's: it need not wait for them. Anyone else (a lead, the owner,
    a plain database without the project's roles) writes as one writer at a time."""
    from annotator.storage.server_security import group_roles

    database = dbapi_conn.info.dbname
    roles = group_roles(database)
    row = dbapi_conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %(c)s) "
        "AND pg_has_role(session_user, %(c)s, 'MEMBER') "
        "AND NOT (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %(l)s) "
        "         AND pg_has_role(session_user, %(l)s, 'MEMBER')) "
        "AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = session_user)",
        {"c": roles.coder, "l": roles.lead},
    ).fetchone()
    return bool(row and row[0])


def make_server_engine(url: str, *, read_only: bool, write_option: str) -> Engine:
    """An engine for one server project: a small pool whose connections are checked before use
    (a server restarted overnight costs a reconnect, not an error), read-only sessions when the
    project is opened read-only."""
    engine = create_engine(
        driver_url(url),
        poolclass=QueuePool,
        pool_size=4,
        pool_pre_ping=True,
        connect_args={"application_name": "annotator", "connect_timeout": 10},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: psycopg.Connection[Any], record: Any) -> None:
        dbapi_conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'")
        if read_only:
            dbapi_conn.execute("SET default_transaction_read_only = on")
        record.info[_CODER_ONLY] = _is_coder_only(dbapi_conn)
        dbapi_conn.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(write_option):
            conn.exec_driver_sql(_lock_sql(bool(conn.connection.info.get(_CODER_ONLY))))

    return engine


def _lock_sql(coder_only: bool) -> str:
    """The lock a write transaction takes first. A coder takes the project's lock shared (so
    a lead's write, which takes it whole, waits for every coder and is waited for) and their
    own lock whole (their two windows still take turns); 20 coders then write side by side
    instead of queueing behind each other's round trips."""
    if not coder_only:
        return f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})"
    return (
        f"SELECT pg_advisory_xact_lock_shared({WRITE_LOCK_KEY}), "
        f"pg_advisory_xact_lock({CODER_LOCK_KEY}, hashtext(session_user::text))"
    )


def server_error(orig: BaseException) -> AnnotatorError | None:
    """The typed error for a failed psycopg call, or None if it isn't one a researcher can act
    on (a constraint broken is a bug and is raised as it is). Keyed on the SQLSTATE code."""
    if not isinstance(orig, psycopg.Error):
        return None
    state = orig.sqlstate or ""
    if state == "42501":
        return WriteDeniedError(
            f"the server refused the change (permission denied for this role): {NOT_SAVED}"
        )
    if state == "25006":
        return WriteDeniedError(f"the project is read-only on the server: {NOT_SAVED}")
    if state in ("40001", "40P01", "55P03"):
        return ProjectLockedError(
            "the project is busy: another coder's change holds it "
            f"(waited {LOCK_TIMEOUT_S} s): {NOT_SAVED}; try again"
        )
    if state == "53100":
        return DiskFullError(f"the server's disk is full: {NOT_SAVED}")
    if state == "25P02":
        return ChangeNotSavedError("an earlier step of this change failed; nothing was saved")
    if state.startswith("28"):
        return ServerLoginError(_login_message(str(orig)))
    if state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return _unavailable()
    if isinstance(orig, psycopg.OperationalError) and not state:
        message = str(orig)
        if "password" in message or "authentication" in message:
            return ServerLoginError(_login_message(message))
        return _unavailable()
    return None


def _unavailable() -> ServerUnavailableError:
    return ServerUnavailableError(
        f"the server cannot be reached (connection refused or lost): {NOT_SAVED}; "
        "check the network or ask whoever runs the server, then try again"
    )


def _login_message(detail: str) -> str:
    first = detail.strip().splitlines()[-1] if detail.strip() else "login refused"
    return (
        f"the server refused the login ({first}): put the password in ~/.pgpass "
        "(or PGPASSFILE / PGPASSWORD), never in the project's address"
    )


@contextlib.contextmanager
def opening_errors(url: str) -> Iterator[None]:
    """A failure while a server project opens, as one typed error naming the project."""
    name = display_name(url)
    try:
        yield
    except (DBAPIError, psycopg.Error) as exc:
        orig = exc.orig if isinstance(exc, DBAPIError) else exc
        typed = server_error(orig) if orig is not None else None
        if isinstance(typed, ServerUnavailableError):
            raise ServerUnavailableError(
                f"the server of {name} cannot be reached ({_first_line(orig)}); "
                "check the address and that the server runs"
            ) from exc
        if isinstance(typed, ServerLoginError):
            raise ServerLoginError(f"{name}: {typed}") from exc
        if typed is not None:
            raise typed from exc
        raise NotAProjectError(f"{name} cannot be opened ({_first_line(orig)})") from exc


def _first_line(exc: BaseException | None) -> str:
    text = str(exc or "").strip()
    return text.splitlines()[0] if text else "no answer"


def has_tables(engine: Engine) -> bool:
    """Whether the database holds any table already (a new project needs an empty one)."""
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def copy_rows(
    conn: Connection, table: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Rows (in ``columns`` order, database form) into ``table`` with one COPY: PostgreSQL's
    fastest way in, within the connection's transaction. A bad row fails the whole COPY and,
    as every error on PostgreSQL does, ends the transaction: all or nothing, as on SQLite."""
    driver: Any = conn.connection.driver_connection
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    )
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except psycopg.Error as exc:
        # As SQLAlchemy would raise it, so the storage layer names it (permission, disk, ...).
        raise DBAPIError.instance(statement.as_string(driver), None, exc, psycopg.Error) from exc


def pair_run_rows(
    runs: Iterable[tuple[int, int, Sequence[tuple[int, int]]]],
) -> Iterator[tuple[int, int, int, int, int]]:
    """The rows of bulk_insert_pair_runs: ``(first_key + j, parent, j, *pairs[j])``."""
    for key, parent, pairs in runs:
        for j, (a, b) in enumerate(pairs):
            yield key + j, parent, j, a, b
