"""The export writes the file name the researcher typed: a format's suffix chooses that format
(as Save dialogs do), an ending that is no format's is kept and warned about in place before
anything is written, and a name with no ending gets the format's."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from pytestqt.qtbot import QtBot


def _dialog(qtbot: QtBot, project: Any) -> Any:
    from ui.export_dialog import open_export

    dialog = open_export(None, project)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview_model.rowCount() > 0)
    return dialog


def _export(qtbot: QtBot, dialog: Any) -> None:
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=20_000)


def test_an_unknown_ending_is_kept_and_warned_about_before_writing(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    target = tmp_path / "notes.txt"
    dialog.path_edit.setText(str(target))
    assert dialog.path_note.isVisibleTo(dialog)
    assert "notes.txt" in dialog.path_note.text() and "CSV" in dialog.path_note.text()
    assert not list(tmp_path.glob("notes*"))  # said before anything is written
    _export(qtbot, dialog)
    assert [p.name for p in tmp_path.glob("notes*")] == ["notes.txt"]
    frame = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert list(frame.columns[:2]) == ["article_id", "article_title"]
    assert dialog.path_edit.text() == str(target)


def test_a_typed_format_suffix_chooses_that_format(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    target = tmp_path / "lines.jsonl"
    dialog.path_edit.setText(str(target))
    assert dialog.suffix() == ".jsonl"
    assert not dialog.path_note.isVisibleTo(dialog)
    _export(qtbot, dialog)
    first = json.loads(target.read_text(encoding="utf-8").splitlines()[0])
    assert "labels" in first


def test_a_csv_name_keeps_the_wide_layout_chosen(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    dialog.format_box.setCurrentIndex(1)  # wide CSV
    dialog.path_edit.setText(str(tmp_path / "mine.csv"))
    assert dialog.format_box.currentIndex() == 1


def test_changing_the_format_keeps_a_name_with_an_unknown_ending(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    dialog.path_edit.setText(str(tmp_path / "notes.txt"))
    dialog.format_box.setCurrentIndex(2)  # Excel
    assert dialog.path_edit.text() == str(tmp_path / "notes.txt")
    assert "Excel" in dialog.path_note.text()
    dialog.path_edit.setText(str(tmp_path / "out.csv"))
    dialog.format_box.setCurrentIndex(2)
    assert dialog.path_edit.text() == str(tmp_path / "out.xlsx")


def test_a_name_without_an_ending_gets_the_formats(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    dialog.path_edit.setText(str(tmp_path / "results"))
    assert "results.csv" in dialog.path_note.text()
    _export(qtbot, dialog)
    assert (tmp_path / "results.csv").is_file()
