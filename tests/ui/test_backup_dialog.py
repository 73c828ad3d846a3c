"""File > Restore backup: lists the backups newest first and restores the chosen one safely."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

import ui.backup_dialog as backup_dialog
from annotator.project import Project
from annotator.storage.backups import list_backups
from ui.backup_dialog import RestoreBackupDialog, open_restore_backup


@pytest.fixture
def project_with_backups(make_project: Callable[..., Project]) -> Path:
    """Three backups with 1, 2 and 3 labels; the project itself has 4."""
    project = make_project("p", demo=True)
    path = project.path
    aid = project.article_ids()[0]
    sentences = project.sentences(aid)
    for n in range(3):
        project.add_label(sentences[n].id, "Denial", "carla")
        project.backup()
    project.add_label(sentences[3].id, "Denial", "carla")
    project.close()
    return path


def carla_labels(path: Path) -> int:
    with Project.open(path, read_only=True) as p:
        frame = p.labels_frame()
    return int((frame["coder"] == "carla").sum())


def test_backups_are_listed_newest_first_with_date_and_size(
    qtbot: QtBot, project_with_backups: Path
) -> None:
    dialog = RestoreBackupDialog(None, project_with_backups)
    qtbot.addWidget(dialog)
    rows = [dialog.model.index(r, 0) for r in range(dialog.model.rowCount())]
    assert [Path(i.data(backup_dialog.PATH_ROLE)) for i in rows] == list_backups(
        project_with_backups
    )
    assert all(" KB)" in i.data() or " MB)" in i.data() for i in rows)
    assert dialog.chosen() == list_backups(project_with_backups)[0]


def test_restoring_replaces_the_project_and_keeps_the_current_file_aside(
    qtbot: QtBot, project_with_backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    oldest = list_backups(project_with_backups)[-1]

    def choose_oldest(self: RestoreBackupDialog) -> int:
        qtbot.addWidget(self)
        self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1, 0))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(RestoreBackupDialog, "exec", choose_oldest)
    closed: list[bool] = []
    reopen = open_restore_backup(None, project_with_backups, lambda: closed.append(True))
    assert reopen == project_with_backups and closed == [True]
    assert carla_labels(project_with_backups) == 1  # the oldest backup's state
    aside = list(project_with_backups.parent.glob("p.before-restore-*.annotator"))
    assert len(aside) == 1 and carla_labels(aside[0]) == 4
    assert oldest.exists()  # restoring never consumes the backup


def test_cancelling_changes_nothing(
    qtbot: QtBot, project_with_backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = project_with_backups.read_bytes()
    monkeypatch.setattr(RestoreBackupDialog, "exec", lambda self: QDialog.DialogCode.Rejected.value)
    assert open_restore_backup(None, project_with_backups) is None
    assert project_with_backups.read_bytes() == before
    assert not list(project_with_backups.parent.glob("*before-restore*"))


def test_a_project_without_backups_says_so(
    qtbot: QtBot, make_project: Callable[..., Project]
) -> None:
    project = make_project("fresh")
    dialog = RestoreBackupDialog(None, project.path)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0 and "no backups yet" in dialog.explanation.text()
    assert dialog.chosen() is None
