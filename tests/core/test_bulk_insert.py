"""Bulk inserts send many rows per statement; every row arrives exactly once, in order."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from annotator import Project
from annotator.errors import ChangeNotSavedError
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


RUN_PIECE = storage_engine._RUN_PIECE


def _insert_runs_and_read(
    tmp_path: Path, runs: list[tuple[int, int, list[tuple[int, int]]]]
) -> list[tuple[int, int, int, int, int]]:
    """Articles 1..n, then their sentences as runs; the sentence rows read back by id."""
    with Project.create(tmp_path / "p.annotator") as project:
        with write_session(project.engine) as session:
            for _first, parent, _pairs in runs:
                session.execute(
                    t.article.insert().values(
                        id=parent,
                        uid=f"u{parent}",
                        text="x",
                        content_hash=f"h{parent}",
                        imported_at=datetime.now(UTC),
                    )
                )
            storage_engine.bulk_insert_pair_runs(
                session, t.sentence, ("id", "article_id", "index", "start", "end"), runs
            )
        with read_session(project.engine) as session:
            stored = session.execute(
                select(
                    t.sentence.c.id,
                    t.sentence.c.article_id,
                    t.sentence.c.index,
                    t.sentence.c.start,
                    t.sentence.c.end,
                ).order_by(t.sentence.c.id)
            ).all()
    return [tuple(row) for row in stored]  # type: ignore[misc]


@pytest.mark.parametrize("n", [1, RUN_PIECE - 1, RUN_PIECE, RUN_PIECE + 1, 3 * RUN_PIECE + 5])
def test_a_run_gives_one_row_per_pair_numbered_from_its_first_key(tmp_path: Path, n: int) -> None:
    pairs = [(10 * j, 10 * j + 7) for j in range(n)]
    rows = _insert_runs_and_read(tmp_path, [(100, 1, pairs)])
    assert rows == [(100 + j, 1, j, 10 * j, 10 * j + 7) for j in range(n)]


def test_runs_keep_their_own_parents_and_keys_and_an_empty_run_adds_nothing(
    tmp_path: Path,
) -> None:
    runs = [(1, 1, [(0, 3), (4, 9)]), (3, 2, []), (3, 3, [(0, 5)])]
    assert _insert_runs_and_read(tmp_path, runs) == [
        (1, 1, 0, 0, 3),
        (2, 1, 1, 4, 9),
        (3, 3, 0, 0, 5),
    ]


def test_a_bulk_connection_checks_no_foreign_keys_and_goes_back_checking_them(
    tmp_path: Path,
) -> None:
    def foreign_keys(driver: object) -> int:
        return int(driver.execute("PRAGMA foreign_keys").fetchone()[0])  # type: ignore[attr-defined]

    with Project.create(tmp_path / "p.annotator") as project:
        with storage_engine.bulk_connection(project.engine) as conn:
            driver = conn.connection.driver_connection
            assert foreign_keys(driver) == 0
        assert foreign_keys(driver) == 1  # the same connection, back in the pool


def test_a_full_disk_while_writing_sentence_runs_is_reported_as_a_full_disk(
    tmp_path: Path,
) -> None:
    from annotator.errors import DiskFullError
    from annotator.storage.article_writes import NewArticle, insert_articles

    # A small article with very many sentence rows: the disk fills while they are written.
    article = NewArticle(text="Troops moved.", spans=[(0, 13)] * 200_000, content_hash="h", uid="u")
    with Project.create(tmp_path / "p.annotator") as project:
        with storage_engine.bulk_connection(project.engine) as conn:
            driver = conn.connection.driver_connection
            pages = int(driver.execute("PRAGMA page_count").fetchone()[0])
            driver.execute(f"PRAGMA max_page_count={pages + 60}")
            with pytest.raises(DiskFullError), write_session(conn) as session:
                insert_articles(session, [article])
        assert project.info()["sentences"] == 0


def test_a_bulk_connection_left_in_a_transaction_goes_back_with_foreign_keys_checked(
    tmp_path: Path,
) -> None:
    with Project.create(tmp_path / "p.annotator") as project:
        with storage_engine.bulk_connection(project.engine) as conn:
            driver = conn.connection.driver_connection
            driver.execute("BEGIN IMMEDIATE")  # as a failed COMMIT can leave it
        try:
            checked = driver.execute("PRAGMA foreign_keys").fetchone()[0]
        except sqlite3.ProgrammingError:
            return  # discarded instead of put back: fine too
        assert not driver.in_transaction
        assert checked == 1


def _ended_by(insert: object, session: object) -> bool:
    """Whether `insert` failed on a constraint and took the open transaction with it, rather
    than undoing only its own statement (which needs a statement journal)."""
    from sqlalchemy.exc import IntegrityError

    driver = session.connection().connection.driver_connection  # type: ignore[attr-defined]
    assert driver.in_transaction
    with pytest.raises(IntegrityError):
        insert()  # type: ignore[operator]
    return not driver.in_transaction


def test_a_bulk_row_that_breaks_a_constraint_ends_the_transaction(tmp_path: Path) -> None:
    rows = [(f"bulk-{i:05d}", str(i)) for i in range(PER_STATEMENT + 3)]
    with Project.create(tmp_path / "p.annotator") as project:
        with pytest.raises(IntegrityError), write_session(project.engine) as session:
            session.execute(t.meta.insert().values(key="earlier", value="1"))
            repeated = [*rows, rows[0]]
            assert _ended_by(
                lambda: bulk_insert(session, t.meta, ("key", "value"), repeated), session
            )
            raise IntegrityError("", None, Exception())  # as the caller would go on to
        with read_session(project.engine) as session:
            keys = set(session.execute(select(t.meta.c.key)).scalars())
        assert "earlier" not in keys and not any(k.startswith("bulk-") for k in keys)


def test_a_sentence_run_that_breaks_a_constraint_ends_the_transaction(tmp_path: Path) -> None:
    columns = ("id", "article_id", "index", "start", "end")
    runs = [(1, 1, [(0, 1)]), (2, 1, [(0, 1)])]  # index 0 of article 1 twice
    with Project.create(tmp_path / "p.annotator") as project:
        with pytest.raises(ChangeNotSavedError), write_session(project.engine) as session:
            session.execute(
                t.article.insert().values(
                    id=1, uid="u1", text="x", content_hash="h1", imported_at=datetime.now(UTC)
                )
            )
            assert _ended_by(
                lambda: storage_engine.bulk_insert_pair_runs(session, t.sentence, columns, runs),
                session,
            )
            # The error was caught: the session must not commit what would follow it alone.
            session.execute(t.meta.insert().values(key="after", value="1"))
        info = project.info()
        assert (info["articles"], info["sentences"]) == (0, 0)


def test_the_duplicate_check_finds_exactly_the_stored_hashes_among_many(tmp_path: Path) -> None:
    from annotator.storage import queries
    from annotator.storage.article_writes import NewArticle, insert_articles

    stored = [f"{i:064x}" for i in range(0, 2000, 3)]
    with Project.create(tmp_path / "p.annotator") as project:
        with write_session(project.engine) as session:
            insert_articles(
                session, [NewArticle(text="x", spans=[(0, 1)], content_hash=h) for h in stored]
            )
        asked = [f"{i:064x}" for i in range(1901)]  # two whole lookups and a part of one
        with read_session(project.engine) as session:
            assert queries.content_hashes(session, asked) == {h for h in stored if h in asked}
            assert queries.content_hashes(session, []) == set()


def test_a_write_session_whose_transaction_sqlite_ended_refuses_to_commit(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.annotator") as project:
        with pytest.raises(ChangeNotSavedError), write_session(project.engine) as session:
            session.execute(t.meta.insert().values(key="before", value="1"))
            session.connection().connection.driver_connection.execute("ROLLBACK")
            session.execute(t.meta.insert().values(key="after", value="1"))
        with read_session(project.engine) as session:
            keys = set(session.execute(select(t.meta.c.key)).scalars())
        assert not {"before", "after"} & keys


def test_a_sentence_run_after_sqlite_ended_the_transaction_is_refused(tmp_path: Path) -> None:
    columns = ("id", "article_id", "index", "start", "end")
    with Project.create(tmp_path / "p.annotator") as project:
        with pytest.raises(ChangeNotSavedError), write_session(project.engine) as session:
            session.execute(t.meta.insert().values(key="before", value="1"))
            session.connection().connection.driver_connection.execute("ROLLBACK")
            storage_engine.bulk_insert_pair_runs(session, t.sentence, columns, [(1, 1, [(0, 1)])])
        assert project.info()["sentences"] == 0


def test_a_read_whose_transaction_sqlite_ended_reads_on(tmp_path: Path) -> None:
    with Project.create(tmp_path / "p.annotator") as project, read_session(project.engine) as s:
        s.execute(select(t.meta.c.key)).all()
        s.connection().connection.driver_connection.execute("ROLLBACK")
        assert s.execute(select(t.meta.c.key)).all()  # not refused as a write would be


def test_a_write_session_whose_transaction_sqlite_ended_does_not_report_success(
    tmp_path: Path,
) -> None:
    with Project.create(tmp_path / "p.annotator") as project:
        with pytest.raises(ChangeNotSavedError), write_session(project.engine) as session:
            session.execute(t.meta.insert().values(key="before", value="1"))
            session.connection().connection.driver_connection.execute("ROLLBACK")  # as on error
        with read_session(project.engine) as session:
            assert "before" not in set(session.execute(select(t.meta.c.key)).scalars())
