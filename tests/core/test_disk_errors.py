"""A full disk or a write refused by the system: one typed error, nothing half-written.

The full disk is real where the tests may mount a small tmpfs (as root in CI), and emulated
everywhere with SQLite's max_page_count, which takes the same SQLITE_FULL path through the core.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from annotator.codebook import default_codebook
from annotator.errors import ChangeNotSavedError, DiskFullError, WriteDeniedError
from annotator.imports import ParsedArticle
from annotator.project import Project


def make(path: Path, n: int = 400) -> Project:
    project = Project.create(path, codebook=default_codebook())
    project.import_articles(
        [ParsedArticle(text=" ".join(f"Drones struck depot {i}." for i in range(n)), origin="x")]
    )
    return project


def stored(path: Path) -> tuple[str, set[int]]:
    conn = sqlite3.connect(path)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        ids = {r[0] for r in conn.execute("SELECT sentence_id FROM label")}
    finally:
        conn.close()
    return check, ids


def label_until_refused(project: Project) -> tuple[list[int], int, ChangeNotSavedError]:
    """Label sentence after sentence until a write fails; (saved ids, refused id, error)."""
    saved: list[int] = []
    for sentence in project.sentences(project.article_ids()[0]):
        try:
            project.add_label(sentence.id, "Denial", "anna")
        except ChangeNotSavedError as error:
            return saved, sentence.id, error
        saved.append(sentence.id)
    pytest.fail("every write succeeded: the disk never filled up")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, mounted for the test (skips where mounting isn't allowed)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_a_clear_error_and_keeps_every_earlier_label(tiny_disk: Path) -> None:
    path = tiny_disk / "p.annotator"
    with make(path) as project:
        saved, refused, error = label_until_refused(project)
    assert isinstance(error, DiskFullError)
    assert str(error).startswith("the disk is full: the last change was not saved")
    check, ids = stored(path)
    assert check == "ok"
    assert set(saved) <= ids and refused not in ids and len(saved) > 10


def test_a_full_database_limit_takes_the_same_path(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with make(path) as project:
        project.add_label(project.sentences(project.article_ids()[0])[0].id, "Denial", "anna")

        @event.listens_for(project.engine, "connect")
        def _cap(dbapi_conn: Any, _record: Any) -> None:
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count={pages + 2}")

        project.engine.dispose()  # new connections get the cap
        saved, refused, error = label_until_refused(project)
        assert isinstance(error, DiskFullError)
        assert "\n" not in str(error)
    check, ids = stored(path)
    assert check == "ok" and set(saved) <= ids and refused not in ids


def test_after_a_full_disk_the_project_keeps_working_once_there_is_room(tmp_path: Path) -> None:
    path = tmp_path / "p.annotator"
    with make(path) as project:

        @event.listens_for(project.engine, "connect")
        def _cap(dbapi_conn: Any, _record: Any) -> None:
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count={pages + 1}")

        project.engine.dispose()
        _saved, refused, _error = label_until_refused(project)
        event.remove(project.engine, "connect", _cap)
        project.engine.dispose()
        project.add_label(refused, "Denial", "anna")  # room again: the same change now saves
    assert refused in stored(path)[1]


def test_a_disk_that_turns_read_only_mid_session_is_a_clear_error(tiny_disk: Path) -> None:
    path = tiny_disk / "p.annotator"
    with make(path, n=20) as project:
        sentences = project.sentences(project.article_ids()[0])
        project.add_label(sentences[0].id, "Denial", "anna")
        project.engine.dispose()  # the pool lets go of the file, as it does when idle
        remount = subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], capture_output=True)
        assert remount.returncode == 0, remount.stderr
        try:
            with pytest.raises(WriteDeniedError, match="the last change was not saved") as e:
                project.add_label(sentences[1].id, "Denial", "anna")
            assert "read-only disk" in str(e.value)
        finally:
            project.engine.dispose()
            subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=True)
    check, ids = stored(path)
    assert check == "ok" and ids == {sentences[0].id}


def test_a_backup_on_a_full_disk_is_one_clear_error_and_leaves_nothing(tiny_disk: Path) -> None:
    """`annotator backup` ended in a traceback (a raw sqlite3 error from the backup API)."""
    from annotator.storage.backups import backup_dir, list_backups

    path = tiny_disk / "p.annotator"
    with make(path, n=2000) as project:
        project.backup()
        free = shutil.disk_usage(tiny_disk).free
        (tiny_disk / "ballast").write_bytes(bytes(free - 64 * 1024))
        with pytest.raises(DiskFullError, match=r"no backup of p\.annotator was written") as e:
            project.backup()
        assert "\n" not in str(e.value)
    assert len(list_backups(path)) == 1  # the earlier one, untouched
    assert sorted(p.name for p in backup_dir(path).iterdir()) == [list_backups(path)[0].name]


def test_a_backup_on_a_read_only_disk_is_one_line_naming_the_file(tiny_disk: Path) -> None:
    path = tiny_disk / "p.annotator"
    with make(path, n=20):
        pass
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_disk)], check=True)
    try:
        refused = pytest.raises(WriteDeniedError, match=r"no backup of p\.annotator was written")
        with Project.open(path) as project, refused:  # it opens read-only: the disk is
            project.backup()
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tiny_disk)], check=True)
    assert not (tiny_disk / "p.annotator.backups").exists()
