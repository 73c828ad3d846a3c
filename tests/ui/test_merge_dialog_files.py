"""The merge dialog takes each file once: the same file again (under any spelling or through a
link) and the open project itself are refused with the reason shown under the list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot


def _dialog(qtbot: QtBot, lead: Any) -> Any:
    from ui.merge_dialog import open_merge

    dialog = open_merge(None, lead)
    qtbot.addWidget(dialog)
    return dialog


def _coder_file(make_project: Any) -> Path:
    coder = make_project("anna", demo=True)
    coder.close()
    return Path(coder.path)


def test_the_same_file_twice_is_listed_once_and_the_note_says_why(
    qtbot: QtBot, make_project: Any
) -> None:
    lead = make_project("lead")
    coder = _coder_file(make_project)
    dialog = _dialog(qtbot, lead)
    assert dialog.add_paths([coder]) == []
    assert not dialog.add_note.isVisibleTo(dialog)
    other_spelling = coder.parent / "." / coder.name
    refused = dialog.add_paths([coder, other_spelling])
    assert dialog.paths() == [coder]
    assert len(refused) == 2 and all("already in the list" in r for r in refused)
    assert dialog.add_note.isVisibleTo(dialog)
    assert f"{coder.name} is already in the list" in dialog.add_note.text()


def test_a_link_to_a_listed_file_is_the_same_file(
    qtbot: QtBot, make_project: Any, tmp_path: Path
) -> None:
    lead = make_project("lead")
    coder = _coder_file(make_project)
    link = tmp_path / "copy-of-anna.annotator"
    link.symlink_to(coder)
    dialog = _dialog(qtbot, lead)
    dialog.add_paths([coder, link])
    assert dialog.paths() == [coder]
    assert f"(as {coder})" in dialog.add_note.text()


def test_the_open_project_is_not_merged_into_itself(qtbot: QtBot, make_project: Any) -> None:
    lead = make_project("lead")
    dialog = _dialog(qtbot, lead)
    dialog.add_paths([Path(lead.path)])
    assert dialog.paths() == []
    assert "is the open project: it cannot be merged into itself" in dialog.add_note.text()


def test_a_file_added_after_a_refusal_clears_the_note(qtbot: QtBot, make_project: Any) -> None:
    lead = make_project("lead")
    coder = _coder_file(make_project)
    dialog = _dialog(qtbot, lead)
    dialog.add_paths([Path(lead.path)])
    dialog.add_paths([coder])
    assert dialog.paths() == [coder]
    assert not dialog.add_note.isVisibleTo(dialog)
