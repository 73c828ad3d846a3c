"""Setting up and running a shared project on a PostgreSQL server: the engine for an address,
the server's refusals as typed errors, init of an empty database, login roles for coders, the
blind flag and the lead's view of who has done what.

Plain SQLAlchemy engines on psycopg 3 (no pooling: each call is one short administrative
conversation). Passwords never reach the server as text: libpq turns them into a SCRAM verifier
on this machine (``PQencryptPasswordConn``), which is what the server stores anyway.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, select
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

from annotator.codebook import Codebook
from annotator.server_errors import (
    DatabaseNotEmptyError,
    NoSuchDatabaseError,
    ServerError,
    ServerLoginError,
    ServerPermissionError,
    ServerUnreachableError,
)
from annotator.storage import server_security as sec
from annotator.storage import tables as t
from annotator.storage.codebook_store import save_codebook
from annotator.storage.migrations import create_schema

log = logging.getLogger(__name__)

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")


@dataclass(frozen=True)
class ServerAddress:
    """An address as the user wrote it, and its parts for messages (never the password)."""

    url: URL

    @property
    def database(self) -> str:
        return self.url.database or ""

    @property
    def user(self) -> str:
        return self.url.username or ""

    @property
    def where(self) -> str:
        host = self.url.host or str(self.url.query.get("host", "")) or "localhost"
        port = self.url.port or self.url.query.get("port") or 5432
        return f"{host}:{port}"


def parse_address(value: str) -> ServerAddress:
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ServerError(f"{value!r} is not a server address ({exc})") from exc
    if url.drivername not in SCHEMES:
        raise ServerError(f"not a PostgreSQL address (postgresql://user@host/db): {value!r}")
    if not url.database:
        raise ServerError("the address names no database: postgresql://user@host:port/DATABASE")
    return ServerAddress(url.set(drivername="postgresql+psycopg"))


def server_engine(address: ServerAddress) -> Engine:
    return create_engine(address.url, poolclass=NullPool)


@contextlib.contextmanager
def server_errors(address: ServerAddress) -> Iterator[None]:
    """The server's refusals as one-line typed errors: unreachable, wrong password, no such
    database, permission denied (privileges and row-level policies alike)."""
    try:
        yield
    except DBAPIError as exc:
        raise translated(exc, address) from exc


def translated(exc: DBAPIError, address: ServerAddress) -> ServerError:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or ""
    text = str(orig).strip()
    primary = getattr(getattr(orig, "diag", None), "message_primary", None) or text
    first = primary.splitlines()[0] if primary else type(orig).__name__
    who, where, db = address.user or "(default user)", address.where, address.database
    if state == "42501" or "permission denied" in text or "row-level security" in text:
        return ServerPermissionError(f"permission denied: {first}")
    if state == "28P01" or "password authentication failed" in text:
        return ServerLoginError(
            f"the server at {where} refused the login of {who}: wrong password (or no such user)"
        )
    if "no password supplied" in text:
        return ServerLoginError(
            f"the server at {where} asks {who} for a password: put it in the address "
            "(postgresql://user:password@host/db), PGPASSWORD or ~/.pgpass"
        )
    if state == "3D000" or (f'database "{db}" does not exist' in text):
        return NoSuchDatabaseError(
            f"there is no database {db!r} at {where}: create it first (createdb {db})"
        )
    if "role" in text and "does not exist" in text:
        return ServerLoginError(f"the server at {where} has no user {who}")
    if isinstance(exc, OperationalError):
        reason = (text.splitlines() or [first])[0].rsplit("failed: ", 1)[-1]
        return ServerUnreachableError(f"cannot reach the server at {where}: {reason.strip()}")
    return ServerError(f"the server at {where} refused: {first}")


def _q(conn: Connection, name: str) -> str:
    return sec.quote_ident(conn, name)


def _current_user(conn: Connection) -> str:
    return str(conn.exec_driver_sql("SELECT current_user").scalar_one())


#: The databases every server has; a project must never be set up in one of them.
SYSTEM_DATABASES = ("postgres", "template0", "template1")


def reserved_database_problem(database: str) -> str | None:
    if database in SYSTEM_DATABASES:
        return (
            f"{database!r} is one of the server's own databases; make a database for the "
            f"project (createdb myproject) and give its address"
        )
    return None


def _check_empty(conn: Connection, database: str) -> None:
    problem = reserved_database_problem(database)
    if problem is not None:
        raise DatabaseNotEmptyError(problem)
    names = sorted(inspect(conn).get_table_names())
    others = conn.exec_driver_sql(
        "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', "
        "'information_schema', 'public')"
    ).scalar_one()
    if t.meta.name in names:
        raise DatabaseNotEmptyError(f"database {database!r} already holds an annotator project")
    if names or others:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise DatabaseNotEmptyError(
            f"database {database!r} is not empty (it holds tables: {shown or 'in other schemas'});"
            " a project needs a database of its own: createdb a new one"
        )


def _check_can_create_roles(conn: Connection, user: str) -> None:
    row = conn.exec_driver_sql(
        "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
    ).scalar_one()
    if not row:
        raise ServerPermissionError(
            f"permission denied: {user} cannot create roles; run init as a role with CREATEROLE "
            "(or a superuser) that owns the database"
        )


def init_project(address: ServerAddress, codebook: Codebook | None) -> tuple[str, sec.GroupRoles]:
    """Create the schema in an empty database, make the connecting role its lead (a member of
    the lead group and a coder row) and install grants and policies. Returns (lead, roles).

    Roles are made first (a role without CREATEROLE fails before any table exists); if anything
    after the schema fails, the tables are dropped again so the database stays empty."""
    roles = sec.group_roles(address.database)
    engine = server_engine(address)
    try:
        with server_errors(address):
            with engine.begin() as conn:
                _check_empty(conn, address.database)
                lead = _current_user(conn)
                _check_can_create_roles(conn, lead)
                sec.create_group_roles(conn, roles)
                conn.exec_driver_sql(f"GRANT {_q(conn, roles.lead)} TO {_q(conn, lead)}")
            create_schema(engine)
            try:
                with engine.begin() as conn:
                    conn.execute(t.meta.insert().values(key=sec.BLIND_KEY, value="on"))
                    conn.execute(t.coder.insert().values(name=lead, created_at=datetime.now(UTC)))
                    if codebook is not None:
                        with Session(bind=conn) as session:
                            save_codebook(session, codebook)
                            session.flush()
                    sec.install(conn, address.database, roles)
            except BaseException:
                with engine.begin() as conn:
                    SQLModel.metadata.drop_all(conn)
                raise
    finally:
        engine.dispose()
    log.info(
        "initialised project database %s at %s, lead %s", address.database, address.where, lead
    )
    return lead, roles


@contextlib.contextmanager
def admin(address: ServerAddress) -> Iterator[Connection]:
    """One transaction on the project database, its refusals translated."""
    engine = server_engine(address)
    try:
        with server_errors(address), engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _is_superuser(conn: Connection, name: str) -> bool:
    return bool(
        conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = %(n)s", {"n": name}
        ).scalar_one_or_none()
    )


def _verifier(conn: Connection, name: str, password: str) -> str:
    """The SCRAM verifier of the password, computed here by libpq: the server never sees it."""
    driver: Any = conn.connection.driver_connection
    raw = driver.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")
    return bytes(raw).decode("ascii")


def add_login(address: ServerAddress, name: str, password: str, lead: bool) -> bool:
    """A LOGIN role for the coder in the project's coder (or lead) group, and their coder row.
    Returns True if the role is new. A role that exists (the same person in another project on
    this server) is reused and gets this password; a superuser is refused."""
    roles = sec.group_roles(address.database)
    group, other = (roles.lead, roles.coder) if lead else (roles.coder, roles.lead)
    with admin(address) as conn:
        existed = sec.role_exists(conn, name)
        if existed and _is_superuser(conn, name):
            raise ServerPermissionError(
                f"{name} is a superuser role; coders need a role of their own"
            )
        verifier = sec.quote_literal(_verifier(conn, name, password))
        verb = "ALTER" if existed else "CREATE"
        conn.exec_driver_sql(f"{verb} ROLE {_q(conn, name)} LOGIN PASSWORD {verifier}")
        conn.exec_driver_sql(f"GRANT {_q(conn, group)} TO {_q(conn, name)}")
        if _member_of(conn, name, other):
            conn.exec_driver_sql(f"REVOKE {_q(conn, other)} FROM {_q(conn, name)}")
        if conn.execute(select(t.coder.c.id).where(t.coder.c.name == name)).first() is None:
            conn.execute(t.coder.insert().values(name=name, created_at=datetime.now(UTC)))
    log.info(
        "coder %s %s in %s as %s", name, "updated" if existed else "added", address.database, group
    )
    return not existed


def _member_of(conn: Connection, member: str, group: str) -> bool:
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %(u)s AND g.rolname = %(g)s",
            {"u": member, "g": group},
        ).first()
        is not None
    )


def remove_login(address: ServerAddress, name: str) -> bool:
    """Take the role out of this project's groups (so it can no longer connect to the project
    database); if it belongs to no other project on the server its login is revoked too
    (returns True then). The coder row and every label stay."""
    roles = sec.group_roles(address.database)
    with admin(address) as conn:
        if not sec.role_exists(conn, name):
            raise ServerError(f"there is no user {name!r} on the server at {address.where}")
        if name == _current_user(conn):
            raise ServerError("you cannot remove yourself; another lead can")
        for group in (roles.lead, roles.coder):
            if _member_of(conn, name, group):
                conn.exec_driver_sql(f"REVOKE {_q(conn, group)} FROM {_q(conn, name)}")
        elsewhere = conn.exec_driver_sql(
            "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %(u)s "
            "AND g.rolname LIKE 'annot\\_%%'",
            {"u": name},
        ).first()
        if elsewhere is None and not _is_superuser(conn, name):
            conn.exec_driver_sql(f"ALTER ROLE {_q(conn, name)} NOLOGIN")
            return True
    return False


def coder_roles(conn: Connection, database: str) -> dict[str, str]:
    """Login role name -> "lead" or "coder", for the members of this project's groups."""
    roles = sec.group_roles(database)
    rows = conn.exec_driver_sql(
        "SELECT u.rolname, g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname IN (%(lead)s, %(coder)s)",
        {"lead": roles.lead, "coder": roles.coder},
    ).all()
    found: dict[str, str] = {}
    for user, group in rows:
        if group == roles.lead or user not in found:
            found[user] = "lead" if group == roles.lead else "coder"
    return found


def set_blind(conn: Connection, on: bool) -> None:
    conn.execute(t.meta.delete().where(t.meta.c.key == sec.BLIND_KEY))
    conn.execute(t.meta.insert().values(key=sec.BLIND_KEY, value="on" if on else "off"))


def is_blind(conn: Connection) -> bool:
    value = conn.execute(
        select(t.meta.c.value).where(t.meta.c.key == sec.BLIND_KEY)
    ).scalar_one_or_none()
    return value != "off"
