"""A shared project's server refuses a codebook edit from someone who is not the lead (grants
or row-level security: SQLSTATE 42501); the core turns that into one clear message."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from annotator.errors import CodebookPermissionError
from annotator.storage.codebook_edits import permission_errors

PG_URL = os.environ.get("ANNOTATOR_TEST_PG_URL", "")


@pytest.mark.skipif(not PG_URL, reason="needs ANNOTATOR_TEST_PG_URL (a PostgreSQL superuser)")
def test_a_write_the_server_refuses_for_lack_of_privilege_names_the_lead() -> None:
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    table, role = f"code_{uuid.uuid4().hex[:8]}", f"coder_{uuid.uuid4().hex[:8]}"
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {table} (name text)"))
            conn.execute(text(f"CREATE ROLE {role}"))
        with (
            pytest.raises(CodebookPermissionError, match="only the project's lead"),
            permission_errors(),
            engine.begin() as conn,
        ):
            conn.execute(text(f"SET ROLE {role}"))
            conn.execute(text(f"INSERT INTO {table} VALUES ('Denial')"))
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
            conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        engine.dispose()


def test_other_database_errors_pass_through_unchanged() -> None:
    from sqlalchemy.exc import OperationalError

    error = OperationalError("INSERT", {}, Exception("disk I/O error"))
    with pytest.raises(OperationalError), permission_errors():
        raise error
