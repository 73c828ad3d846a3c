"""The export dialog's preview shows what the chosen format's file will hold: its own columns
(each header readable in full), the workbook's sheets, the JSON lines, and for a REFI-QDA
project, which is no table, a sentence saying what it holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

XLSX, JSONL, QDPX = 2, 3, 4  # rows of the format box (ui.export_dialog.FORMATS)


def _dialog(qtbot: QtBot, project: Any) -> Any:
    from ui.export_dialog import open_export

    dialog = open_export(None, project)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview_model.rowCount() > 0)
    return dialog


def _choose_format(qtbot: QtBot, dialog: Any, index: int, note: str) -> None:
    dialog.format_box.setCurrentIndex(index)
    qtbot.waitUntil(lambda: note in dialog.preview_note.text(), timeout=10_000)


def _export(qtbot: QtBot, dialog: Any, target: Path) -> None:
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=20_000)


def _shown(dialog: Any) -> pd.DataFrame:
    model = dialog.preview_model
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    rows = [
        [model.index(r, c).data(Qt.ItemDataRole.ToolTipRole) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]
    return pd.DataFrame(rows, columns=columns)


def test_the_xlsx_preview_shows_each_sheet_the_workbook_holds(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    _choose_format(qtbot, dialog, XLSX, "Excel workbook")
    assert dialog.sheet_box.isVisibleTo(dialog)
    target = tmp_path / "out.xlsx"
    _export(qtbot, dialog, target)
    workbook = pd.read_excel(target, sheet_name=None, dtype=str)
    assert [dialog.sheet_box.itemText(i) for i in range(dialog.sheet_box.count())] == list(workbook)
    for sheet, frame in workbook.items():
        dialog.sheet_box.setCurrentText(sheet)
        qtbot.waitUntil(lambda s=sheet: f"shown: {s}" in dialog.preview_note.text())
        assert list(_shown(dialog).columns) == list(frame.columns), sheet


def test_the_sentences_sheet_is_not_the_long_csv(qtbot: QtBot, make_project: Any) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    long_columns = list(_shown(dialog).columns)
    _choose_format(qtbot, dialog, XLSX, "Excel workbook")
    dialog.sheet_box.setCurrentText("sentences")
    qtbot.waitUntil(lambda: "shown: sentences" in dialog.preview_note.text())
    qtbot.waitUntil(lambda: list(_shown(dialog).columns) != long_columns)
    assert "anna" in " ".join(_shown(dialog).columns)  # a column per coder


def test_the_jsonl_preview_shows_the_lines_the_file_holds(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    _choose_format(qtbot, dialog, JSONL, "JSON Lines")
    shown = _shown(dialog)
    target = tmp_path / "out.jsonl"
    _export(qtbot, dialog, target)
    lines = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    assert list(shown.columns) == list(lines[0])
    assert len(shown) == min(50, len(lines))
    for row, line in zip(shown.itertuples(index=False), lines, strict=False):
        assert row.text == line["text"]
        assert json.loads(row.labels) == line["labels"]


def test_the_qdpx_preview_says_what_the_project_will_hold_instead_of_a_table(
    qtbot: QtBot, make_project: Any
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    _choose_format(qtbot, dialog, QDPX, "REFI-QDA")
    note = dialog.preview_note.text()
    assert not dialog.preview.isVisibleTo(dialog)
    assert not dialog.sheet_box.isVisibleTo(dialog)
    info = project.info()
    assert f"{len(project.coders())} users" in note
    assert f"{info['articles']} text sources" in note
    assert f"{info['labels']} labels" in note


def test_every_preview_header_is_shown_in_full(qtbot: QtBot, make_project: Any) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    header = dialog.preview.horizontalHeader()
    names = [
        dialog.preview_model.headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())
    ]
    assert "sentence_number" in names
    for col, name in enumerate(names):
        assert dialog.preview.columnWidth(col) >= header.sectionSizeHint(col), name
