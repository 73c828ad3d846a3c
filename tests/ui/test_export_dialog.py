"""Export and merge dialogs: real projects, background jobs, waits on signals not sleeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from PySide6.QtCore import Qt


def _dialog(qtbot: Any, project: Any) -> Any:
    from ui.export_dialog import open_export

    dialog = open_export(None, project)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.preview_model.rowCount() > 0)
    return dialog


def test_export_dialog_writes_the_chosen_format(
    qtbot: Any, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    dialog.format_box.setCurrentIndex(1)  # wide CSV
    target = tmp_path / "out.csv"
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=10_000)
    frame = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert len(frame) == project.info()["sentences"] == dialog.last_result


def test_the_export_dialog_can_keep_only_the_labels_of_one_codebook_version(
    qtbot: Any, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    project.publish_codebook("second round", force=True)  # the demo's labels are all version 1
    dialog = _dialog(qtbot, project)
    assert [dialog.version_box.itemData(i) for i in range(dialog.version_box.count())] == [
        None,
        2,
        1,
    ]
    target = tmp_path / "v2.csv"
    dialog.version_box.setCurrentIndex(1)  # version 2: no labels yet
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=10_000)
    frame = pd.read_csv(target, dtype=str, keep_default_na=False)
    assert (frame["record"] == "label").sum() == 0
    dialog.version_box.setCurrentIndex(2)
    dialog.path_edit.setText(str(tmp_path / "v1.csv"))
    dialog.last_result = None
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=10_000)
    frame = pd.read_csv(tmp_path / "v1.csv", dtype=str, keep_default_na=False)
    labels = frame[frame["record"] == "label"]
    assert len(labels) == project.info()["labels"]
    assert set(labels["codebook_version"]) == {"1"}


def test_preview_shows_at_most_fifty_rows_of_the_export(
    qtbot: Any, qtmodeltester: Any, make_project: Any
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    model = dialog.preview_model
    qtmodeltester.check(model)
    assert model.rowCount() == min(50, project.info()["labels"])
    assert model.headerData(0, Qt.Orientation.Horizontal) == "article_id"


def test_the_preview_follows_the_last_of_several_quick_option_changes(
    qtbot: Any, make_project: Any
) -> None:
    """Each change starts a preview; whichever ends last, the one shown is the newest asked."""
    from annotator.exports.csv_export import preview_frame
    from ui.workers import running_jobs

    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    ben = next(
        dialog.coder_list.item(i)
        for i in range(dialog.coder_list.count())
        if dialog.coder_list.item(i).text() == "ben"
    )
    for state in (Qt.CheckState.Unchecked, Qt.CheckState.Checked, Qt.CheckState.Unchecked):
        ben.setCheckState(state)
    qtbot.waitUntil(lambda: not running_jobs(), timeout=10_000)
    qtbot.wait(50)
    expected = preview_frame(project.engine, dialog.options(), 50)
    model = dialog.preview_model
    coder_col = list(expected.columns).index("coder")
    shown = {model.index(r, coder_col).data() for r in range(model.rowCount())}
    assert shown == {"anna"}  # a preview with ben in it would be a stale one
    assert model.rowCount() == len(expected)


def test_closing_the_dialog_while_its_preview_runs_is_harmless(
    qtbot: Any, make_project: Any
) -> None:
    """The CI failure of stop 22: a preview finished after its dialog was deleted."""
    import shiboken6

    from ui.export_dialog import open_export
    from ui.workers import running_jobs

    project = make_project(demo=True)
    dialog = open_export(None, project)  # not handed to qtbot: the test deletes it itself
    qtbot.waitUntil(lambda: dialog.preview_model.rowCount() > 0)
    dialog.done_only.setChecked(True)
    shiboken6.delete(dialog)
    qtbot.waitUntil(lambda: not running_jobs(), timeout=10_000)
    qtbot.wait(50)


def test_an_existing_file_is_kept_when_overwriting_is_declined(
    qtbot: Any, make_project: Any, tmp_path: Path
) -> None:
    project = make_project(demo=True)
    dialog = _dialog(qtbot, project)
    target = tmp_path / "keep.csv"
    target.write_text("mine", encoding="utf-8")
    asked: list[Path] = []
    dialog.ask_overwrite = lambda p: asked.append(p) or False
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    assert asked == [target]
    assert target.read_text(encoding="utf-8") == "mine"
    dialog.ask_overwrite = lambda p: True
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=10_000)
    assert target.read_text(encoding="utf-8").startswith("article_id,")


def _start_merge(qtbot: Any, make_project: Any, tmp_path: Path) -> tuple[Any, Any, list[Any]]:
    """A demo coder's file merged into an empty lead through the dialog: (lead, dialog, reports)."""
    from annotator.codebook import default_codebook
    from annotator.project import Project
    from ui.merge_dialog import open_merge

    coder = make_project(demo=True)
    coder.close()
    lead = Project.create(tmp_path / "lead.annotator", codebook=default_codebook())
    reports: list[Any] = []
    dialog = open_merge(None, lead, reports.append)
    qtbot.addWidget(dialog)
    dialog.add_paths([coder.path])
    dialog.start_merge()
    return lead, dialog, reports


def test_merge_dialog_merges_in_the_background_and_shows_the_report(
    qtbot: Any, make_project: Any, tmp_path: Path
) -> None:
    lead, dialog, reports = _start_merge(qtbot, make_project, tmp_path)
    qtbot.waitUntil(lambda: bool(reports), timeout=20_000)
    assert reports[0].labels_added == lead.info()["labels"] > 0
    assert "labels added" in dialog.output.toPlainText()
    lead.close()


def test_the_merge_dialog_stays_open_until_its_merge_has_reported(
    qtbot: Any, make_project: Any, tmp_path: Path
) -> None:
    """Esc or the window's close button during a merge would drop its report (the main window
    would not repaint what was merged): the dialog says how to stop instead, and stays."""
    lead, dialog, reports = _start_merge(qtbot, make_project, tmp_path)
    dialog.reject()  # Esc
    assert not dialog.close()  # the title bar's close button
    assert dialog.isVisible()
    assert "press Cancel" in dialog.output.toPlainText()
    qtbot.waitUntil(lambda: bool(reports), timeout=20_000)
    assert reports[0].labels_added == lead.info()["labels"] > 0
    assert not dialog.merging  # once the merge has reported, it may close
    lead.close()
