"""Rolling backups: taken on open with SQLite's online backup API, newest N kept, always whole
projects; a schema upgrade only ever runs after a backup of the old file exists."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from annotator.codebook import default_codebook
from annotator.errors import DamagedProjectError
from annotator.imports import ParsedArticle
from annotator.project import Project
from annotator.storage import migrations, models
from annotator.storage.backups import describe_backups, list_backups, restore_backup


def make(path: Path) -> Path:
    with Project.create(path, codebook=default_codebook()) as project:
        project.import_articles(
            [ParsedArticle(text="Troops advanced. The ministry denied it.", origin="x")]
        )
        sid = project.sentences(project.article_ids()[0])[0].id
        project.add_label(sid, "Denial", "anna")
    return path


def schema_version(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM annotator_meta WHERE key='schema_version'").fetchone()
    finally:
        conn.close()
    return int(row[0])


def test_opening_with_backup_keeps_only_the_newest_five(tmp_path: Path) -> None:
    path = make(tmp_path / "p.annotator")
    taken = []
    for _ in range(8):
        with Project.open(path, backup=True) as project:
            taken.append(project.backups()[0])
    assert list_backups(path) == sorted(taken[-5:], reverse=True)


def test_the_number_of_backups_kept_is_configurable(tmp_path: Path) -> None:
    path = make(tmp_path / "p.annotator")
    for _ in range(4):
        Project.open(path, backup=True, keep_backups=2).close()
    assert len(list_backups(path)) == 2


def test_every_backup_is_a_whole_project_with_the_labels(tmp_path: Path) -> None:
    path = make(tmp_path / "p.annotator")
    with Project.open(path, backup=True) as project:
        saved = project.backups()[0]
    conn = sqlite3.connect(f"file:{saved}?mode=ro", uri=True)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Project.open(saved, read_only=True) as copy:
        assert copy.info()["labels"] == 1
    assert not Path(str(saved) + "-wal").exists()  # self-contained: safe to copy or mail alone


def test_opening_without_backup_takes_none(tmp_path: Path) -> None:
    path = make(tmp_path / "p.annotator")
    Project.open(path).close()
    assert list_backups(path) == []


def test_a_schema_upgrade_runs_only_after_a_backup_of_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path / "old.annotator")
    old = models.SCHEMA_VERSION
    seen_at_upgrade: list[list[Path]] = []

    def add_column(conn: Connection) -> None:
        seen_at_upgrade.append(list_backups(path))
        conn.execute(text("ALTER TABLE article ADD COLUMN note TEXT DEFAULT ''"))

    new = old + 1
    for module in ("annotator.storage.models", "annotator.storage.migrations"):
        monkeypatch.setattr(f"{module}.SCHEMA_VERSION", new)
    monkeypatch.setitem(migrations.MIGRATIONS, old, add_column)

    with Project.open(path) as project:
        assert project.info()["articles"] == 1
    assert len(seen_at_upgrade) == 1 and len(seen_at_upgrade[0]) == 1
    backup = seen_at_upgrade[0][0]
    assert schema_version(backup) == old
    assert schema_version(path) == new


def test_a_failed_migration_leaves_the_file_at_its_old_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make(tmp_path / "old.annotator")
    old = models.SCHEMA_VERSION

    def broken(conn: Connection) -> None:
        conn.execute(text("ALTER TABLE article ADD COLUMN note TEXT"))
        raise RuntimeError("migration bug")

    for module in ("annotator.storage.models", "annotator.storage.migrations"):
        monkeypatch.setattr(f"{module}.SCHEMA_VERSION", old + 1)
    monkeypatch.setitem(migrations.MIGRATIONS, old, broken)
    with pytest.raises(RuntimeError):
        Project.open(path)
    assert schema_version(path) == old
    conn = sqlite3.connect(path)
    assert "note" not in [r[1] for r in conn.execute("PRAGMA table_info(article)")]
    conn.close()


def test_restore_puts_the_backup_in_place_and_keeps_the_current_file_aside(
    tmp_path: Path,
) -> None:
    path = make(tmp_path / "p.annotator")
    with Project.open(path, backup=True) as project:
        aid = project.article_ids()[0]
        project.add_label(project.sentences(aid)[1].id, "Denial", "anna")
        assert project.info()["labels"] == 2
    entry = describe_backups(path)[0]
    assert entry.size > 0
    aside = restore_backup(path, entry.path)
    assert aside.name.startswith("p.before-restore-") and aside.suffix == ".annotator"
    with Project.open(path) as restored, Project.open(aside, read_only=True) as before:
        assert restored.info()["labels"] == 1
        assert before.info()["labels"] == 2


def test_a_damaged_backup_is_refused_before_anything_is_replaced(tmp_path: Path) -> None:
    path = make(tmp_path / "p.annotator")
    bad = tmp_path / "bad.annotator"
    data = path.read_bytes()
    bad.write_bytes(data[: len(data) // 2])
    before = path.read_bytes()
    with pytest.raises(DamagedProjectError):
        restore_backup(path, bad)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "before-restore" in p.name] == []
