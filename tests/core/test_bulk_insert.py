"""Bulk inserts send many rows per statement; every row arrives exactly once, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import Project
from annotator.storage import engine as storage_engine
from annotator.storage import tables as t
from annotator.storage.engine import bulk_insert
from annotator.storage.unit_of_work import read_session, write_session

PER_STATEMENT = storage_engine._PARAMS_PER_STATEMENT // 2  # annotator_meta has two columns


def _insert_and_read(
    tmp_path: Path, columns: tuple[str, str], rows: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Bulk-insert `rows` into annotator_meta, then read them back in `columns` order."""
    with Project.create(tmp_path / "p.annotator") as project:
        with write_session(project.engine) as session:
            bulk_insert(session, t.meta, columns, rows)
        with read_session(project.engine) as session:
            stored = session.execute(
                select(*(t.meta.c[name] for name in columns))
                .where(t.meta.c.key.like("bulk-%"))
                .order_by(t.meta.c.key)
            ).all()
    return [(str(a), str(b)) for a, b in stored]


@pytest.mark.parametrize(
    "n", [1, PER_STATEMENT - 1, PER_STATEMENT, PER_STATEMENT + 1, 3 * PER_STATEMENT + 7]
)
def test_every_row_is_inserted_once_whatever_the_count(tmp_path: Path, n: int) -> None:
    rows = [(f"bulk-{i:05d}", str(i)) for i in range(n)]
    assert _insert_and_read(tmp_path, ("key", "value"), rows) == rows


def test_columns_may_be_given_in_any_order(tmp_path: Path) -> None:
    rows = [(str(i), f"bulk-{i:05d}") for i in range(PER_STATEMENT + 3)]  # multi-row and single
    assert _insert_and_read(tmp_path, ("value", "key"), rows) == rows


def _cache_size(conn: object) -> int:
    driver = conn.connection.driver_connection  # type: ignore[attr-defined]
    return int(driver.execute("PRAGMA cache_size").fetchone()[0])


def test_a_bulk_connection_has_a_large_page_cache_and_returns_to_the_pool_as_it_came(
    tmp_path: Path,
) -> None:
    with Project.create(tmp_path / "p.annotator") as project:
        with project.engine.connect() as conn:
            default = _cache_size(conn)
        with storage_engine.bulk_connection(project.engine) as conn:
            assert _cache_size(conn) == -storage_engine.BULK_CACHE_KIB
            with write_session(conn) as session:
                bulk_insert(session, t.meta, ("key", "value"), [("bulk-x", "1")])
        with project.engine.connect() as conn:
            assert _cache_size(conn) == default
        with read_session(project.engine) as session:
            assert (
                session.execute(select(t.meta.c.value).where(t.meta.c.key == "bulk-x")).scalar_one()
                == "1"
            )
