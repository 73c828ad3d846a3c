"""The few places where SQLite and PostgreSQL need different SQL, each one function.

Everything else in storage is written once in SQLAlchemy Core and runs on both. What differs:
insert-or-ignore / upsert (each dialect has its own ``insert``), the keys of a JSON object
column, case-insensitive matching (SQLite's ``lower()`` folds ASCII only, so the SQLite engine
registers a Python ``casefold``; PostgreSQL's ``lower()`` is Unicode-aware), a boolean default
in DDL, and id sequences (PostgreSQL's must be moved on after rows written with their own ids).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Dialect,
    String,
    Table,
    func,
    select,
    text,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import Session

from annotator.storage import tables as t

CASEFOLD_SQL_FUNCTION = "annotator_casefold"
"""The SQL function the SQLite engine registers (Python's str.casefold)."""

STORED_TIME = "%Y-%m-%d %H:%M:%S.%f"
"""How SQLAlchemy stores a DateTime in SQLite (naive UTC text)."""


class StoredTime(TypeDecorator[str]):
    """A time column read or written as *stored text* (``2024-05-06 07:08:09.000010``): what
    SQLite holds, passed through untouched (no parse per row); on PostgreSQL a timestamp,
    written from that text and read back as it. Use with ``type_coerce(column, StoredTime())``
    and ``bindparam(..., type_=StoredTime())``."""

    impl = String
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime())
        return dialect.type_descriptor(String())

    def bind_processor(self, dialect: Dialect) -> None:
        return None  # text on both: PostgreSQL casts it to the timestamp

    def result_processor(self, dialect: Dialect, coltype: object) -> Callable[[Any], Any] | None:
        if dialect.name != "postgresql":
            return None  # SQLite's text is the stored time already

        def as_text(value: Any) -> Any:
            return value.strftime(STORED_TIME) if isinstance(value, datetime) else value

        return as_text


def name_of(bind: Any) -> str:
    """'sqlite' or 'postgresql' for a session, connection or engine."""
    if isinstance(bind, Session):
        bind = bind.get_bind()
    return str(bind.dialect.name)


def is_server(bind: Any) -> bool:
    return name_of(bind) == "postgresql"


def insert(bind: Any, table: Table) -> Any:
    """The dialect's own INSERT, which has ``on_conflict_do_nothing`` / ``on_conflict_do_update``
    (the same API on both): insert-or-ignore and upsert."""
    return postgresql_insert(table) if is_server(bind) else sqlite_insert(table)


def folded_contains(bind: Any, column: Any, needle: str) -> ColumnElement[bool]:
    """``column`` contains ``needle`` in any case: a pre-filter, the caller checks each hit with
    str.casefold (PostgreSQL's lower() maps 'ÄRGER' to 'ärger' but 'ß' not to 'ss')."""
    if is_server(bind):
        return func.lower(column).contains(needle.lower())
    folded: ColumnElement[str] = getattr(func, CASEFOLD_SQL_FUNCTION)(column)
    return folded.contains(needle.casefold())


def true_default(bind: Any) -> str:
    """How a DDL ``DEFAULT`` spells true (SQLite stores booleans as 1, PostgreSQL wants TRUE)."""
    return "TRUE" if is_server(bind) else "1"


def metadata_keys(session: Session) -> set[str]:
    """The keys of every article's ``meta_json`` that is a JSON object (others are skipped)."""
    if not is_server(session):
        each = func.json_each(t.article.c.meta_json).table_valued("key")
        stmt = (
            select(each.c.key)
            .select_from(t.article)
            .join(each, func.json_type(t.article.c.meta_json) == "object")
            .where(func.json_valid(t.article.c.meta_json))
            .distinct()
        )
        return {str(k) for k in session.execute(stmt).scalars() if k is not None}
    # PostgreSQL 15 has no json_valid: ask the server, and if one row is not JSON (the cast fails
    # and would end the transaction, hence the savepoint) read the objects here instead.
    meta = t.article.c.meta_json
    keys = func.json_object_keys(type_coerce(meta, String).cast(_json()))
    objects = meta.like("{%")
    try:
        with session.begin_nested():
            found = session.execute(select(keys).where(objects).distinct()).scalars().all()
        return {str(k) for k in found}
    except DBAPIError:
        out: set[str] = set()
        for raw in session.execute(select(meta).where(objects)).scalars():
            try:
                value = json.loads(raw)
            except ValueError:
                continue
            if isinstance(value, dict):
                out.update(str(k) for k in value)
        return out


def _json() -> Any:
    from sqlalchemy.dialects.postgresql import JSON

    return JSON()


def keep_ids_in_step(session: Session, *tables: Table) -> None:
    """After rows were written with ids chosen here (max + 1, under the write lock), move each
    table's PostgreSQL id sequence past them, so the next row the server numbers is new."""
    if not is_server(session):
        return
    for table in tables:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f'GREATEST((SELECT max(id) FROM "{table.name}"), 1))'
            )
        )
