"""Schema versions: create and stamp new files, back up then upgrade old ones, refuse newer ones."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, select, text
from sqlalchemy.exc import DatabaseError
from sqlmodel import SQLModel

from annotator._version import read_version
from annotator.errors import NotAProjectError, SchemaTooNewError
from annotator.storage import dialect
from annotator.storage import tables as t
from annotator.storage.engine import writer
from annotator.storage.models import SCHEMA_VERSION

log = logging.getLogger(__name__)


def _v1_to_v2(conn: Connection) -> None:
    """Groups gain an active flag (as codes have); the adjudication table appears."""
    from annotator.storage.models import Adjudication

    columns = {c["name"] for c in inspect(conn).get_columns("code_group")}
    if "active" not in columns:
        conn.execute(
            text(
                "ALTER TABLE code_group ADD COLUMN active BOOLEAN NOT NULL "
                f"DEFAULT {dialect.true_default(conn)}"
            )
        )
    Adjudication.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def _v2_to_v3(conn: Connection) -> None:
    """New tables only (no existing table is altered): selections and partial labels from
    REFI-QDA imports, MinHash signatures and near-duplicate groups of articles."""
    for table in (t.selection, t.partial_label, t.article_minhash, t.near_duplicate):
        table.create(conn, checkfirst=True)


def _v3_to_v4(conn: Connection) -> None:
    """Labels record the codebook version they were made under (existing ones: version 1, the
    codebook as it stands, recorded as published); new tables for codebook versions and edits,
    labels flagged for review, the gold standard and assignments."""
    columns = {c["name"] for c in inspect(conn).get_columns("label")}
    if "codebook_version" not in columns:
        conn.execute(
            text("ALTER TABLE label ADD COLUMN codebook_version INTEGER NOT NULL DEFAULT 1")
        )
    for table in (
        t.codebook_version,
        t.codebook_event,
        t.label_review,
        t.gold_article,
        t.assignment,
    ):
        table.create(conn, checkfirst=True)
    _stamp_first_version(conn, "the codebook as it was before versions were recorded")


def _stamp_first_version(conn: Connection, note: str) -> None:
    if conn.execute(select(t.codebook_version.c.number)).first() is None:
        conn.execute(
            t.codebook_version.insert().values(
                number=1, note=note, published_at=datetime.now(UTC), changes_json="[]"
            )
        )


#: version n -> the function that upgrades a connection from n to n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def create_schema(engine: Engine) -> None:
    with writer(engine).begin() as conn:
        SQLModel.metadata.create_all(conn)
        now = datetime.now(UTC).isoformat()
        for key, value in (
            ("schema_version", str(SCHEMA_VERSION)),
            ("created_by", f"annotator {read_version()}"),
            ("created_at", now),
        ):
            conn.execute(t.meta.insert().values(key=key, value=value))
        _stamp_first_version(conn, "first version")


def drop_schema(engine: Engine) -> None:
    """Take back what create_schema wrote (a server project whose creation failed half-way:
    a file is simply deleted)."""
    with writer(engine).begin() as conn:
        SQLModel.metadata.drop_all(conn)


def read_schema_version(engine: Engine, path: Path) -> int:
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("annotator_meta"):
                kind = "a SQLite file" if conn.dialect.name == "sqlite" else "a database"
                raise NotAProjectError(f"{path.name} is {kind} but not an annotator project")
            raw = conn.execute(
                select(t.meta.c.value).where(t.meta.c.key == "schema_version")
            ).scalar_one_or_none()
    except DatabaseError as exc:
        if engine.dialect.name != "sqlite":
            raise  # a server's failure (unreachable, login refused) is named by the caller
        raise NotAProjectError(
            f"{path.name} is damaged and cannot be opened ({exc.orig}); restore a backup"
        ) from exc
    if raw is None or not str(raw).isdigit():
        raise NotAProjectError(f"{path.name} has no schema version: not an annotator project")
    return int(raw)


def require_current_schema(engine: Engine, path: Path) -> None:
    """Refuse a file a read-only open cannot use: one at another schema version (it would need
    an upgrade, which is a write)."""
    found = read_schema_version(engine, path)
    if found != SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path.name} has schema {found}; this annotator needs {SCHEMA_VERSION} "
            "and cannot upgrade a read-only file"
        )


def upgrade(engine: Engine, path: Path, backup: Callable[[], Path | None]) -> int:
    """Bring the file to SCHEMA_VERSION; returns the version found. Backs up before any change
    (a server project's backup returns None: its server keeps the backups)."""
    found = read_schema_version(engine, path)
    if found > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path.name} was written by a newer annotator (schema {found}, this version reads "
            f"up to {SCHEMA_VERSION}): update annotator to open it"
        )
    if found < SCHEMA_VERSION:
        saved = backup()
        if saved is not None:
            log.info("backed up %s to %s before upgrading schema %d", path, saved, found)
        with writer(engine).begin() as conn:
            for version in range(found, SCHEMA_VERSION):
                MIGRATIONS[version](conn)
            conn.execute(
                t.meta.update()
                .where(t.meta.c.key == "schema_version")
                .values(value=str(SCHEMA_VERSION))
            )
    return found
