"""Every released schema upgrades: one fixture file per schema version, opened by this version.

tests/core/data/schemas/schema-N.annotator is the demo project as schema N stored it. Opening a
copy must back it up first, upgrade it in place, and keep every article, label and status.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator import Project
from annotator.storage.backups import list_backups
from annotator.storage.models import SCHEMA_VERSION

SCHEMAS = Path(__file__).parent / "data" / "schemas"
FIXTURES = sorted(SCHEMAS.glob("schema-*.annotator"))


def version_of(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(
            "SELECT value FROM annotator_meta WHERE key = 'schema_version'"
        ).fetchone()
    finally:
        conn.close()
    return int(row[0])


def test_there_is_a_fixture_for_every_schema_before_this_one() -> None:
    found = {version_of(p) for p in FIXTURES}
    assert found == set(range(1, SCHEMA_VERSION))


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_an_old_project_is_backed_up_then_upgraded_with_its_work(
    fixture: Path, tmp_path: Path
) -> None:
    path = tmp_path / "study.annotator"
    shutil.copy(fixture, path)
    old = version_of(path)
    with Project.open(path) as project:
        info = project.info()
        assert [g.name for g in project.codebook.groups] == ["Statement type"]
        frame = project.labels_frame()
    assert version_of(path) == SCHEMA_VERSION
    backups = list_backups(path)
    assert len(backups) == 1 and version_of(backups[0]) == old
    assert info["articles"] == 5 and info["labels"] == 71
    assert info["articles_done"] == {"anna": 5, "ben": 5}
    assert set(frame["coder"]) == {"anna", "ben"}


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_an_upgraded_project_takes_adjudication_and_group_changes(
    fixture: Path, tmp_path: Path
) -> None:
    from annotator.adjudication import adjudication_items, decide

    path = tmp_path / "study.annotator"
    shutil.copy(fixture, path)
    with Project.open(path) as project:
        item = adjudication_items(project)[0]
        decide(project, item.sentence_id, None, ["Denial"], decided_by="lead")
        assert project.agreement(coders=["anna", "ben"]).n_units == 50


def test_schema_2_gains_the_v3_tables_and_keeps_every_old_table_as_it_was(
    tmp_path: Path,
) -> None:
    """2 -> 3 only adds tables (selections, partial labels, MinHash signatures, near-duplicate
    groups): the definitions of the tables a v2 file had are unchanged."""
    path = tmp_path / "study.annotator"
    shutil.copy(SCHEMAS / "schema-2.annotator", path)

    def tables() -> dict[str, str]:
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
            return {str(n): str(s) for n, s in rows}
        finally:
            conn.close()

    before = tables()
    with Project.open(path) as project:
        aid = project.article_ids()[0]
        assert project.selections(aid) == [] and project.partial_labels(aid) == set()
    after = tables()
    # label is the one table a later schema alters (4 adds label.codebook_version)
    assert {k: after[k] for k in before if k != "label"} == {
        k: v for k, v in before.items() if k != "label"
    }
    assert set(after) - set(before) >= {
        "selection",
        "partial_label",
        "article_minhash",
        "near_duplicate",
    }


def test_schema_3_labels_are_recorded_as_made_under_codebook_version_1(tmp_path: Path) -> None:
    """3 -> 4 adds one column (label.codebook_version, 1 for every existing label) and tables
    for codebook versions and edits, review flags, the gold standard and assignments; the codebook
    as it stands is recorded as published version 1."""
    path = tmp_path / "study.annotator"
    shutil.copy(SCHEMAS / "schema-3.annotator", path)
    with Project.open(path):
        pass
    conn = sqlite3.connect(path)
    try:
        versions = conn.execute("SELECT number FROM codebook_version").fetchall()
        per_version = conn.execute(
            "SELECT codebook_version, count(*) FROM label GROUP BY codebook_version"
        ).fetchall()
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert versions == [(1,)]
    assert per_version == [(1, 71)]
    assert {"codebook_event", "label_review", "gold_article", "assignment"} <= names


def test_a_new_project_starts_at_codebook_version_1(tmp_path: Path) -> None:
    path = tmp_path / "new.annotator"
    Project.create(path).close()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT number, note FROM codebook_version").fetchall() == [
            (1, "first version")
        ]
    finally:
        conn.close()
