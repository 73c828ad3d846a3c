"""The codebook editor, driven from the keyboard: select a code, rename it, give it a key
another code has (refused beside the field), reorder with Alt+Down, undo with Ctrl+Z; delete
and merge codes with labels. Each step is checked in the stored codebook and in the main
window's codebook panel."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator import Project
from ui.codebook_editor import CodebookEditor
from ui.codebook_editor_model import CodebookEditorModel
from ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def stored_names(path: Path) -> list[str]:
    with Project.open(path, read_only=True) as p:
        return [c.name for c in p.codebook.codes]


def panel_names(window: MainWindow) -> list[str]:
    model = window.codebook_panel.model
    group = model.index(0, 0)
    return [model.index(r, 0, group).data() for r in range(model.rowCount(group))]


def open_editor(qtbot, window: MainWindow) -> CodebookEditor:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_E, CTRL | Qt.KeyboardModifier.ShiftModifier)
    editors = window.findChildren(CodebookEditor)
    assert len(editors) == 1
    editor = editors[0]
    qtbot.waitExposed(editor)
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    editor.tree.setFocus()
    qtbot.waitUntil(editor.tree.hasFocus)
    return editor


def replace_text(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(widget, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_rename_refused_key_reorder_and_undo_from_the_keyboard(
    qtbot, demo_path: Path, make_window: Callable[..., MainWindow]
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(demo_path)
    editor = open_editor(qtbot, window)
    assert editor.current_code().name == "Military action"

    qtbot.keyClick(editor.tree, Qt.Key.Key_Down)
    assert editor.current_code().name == "Diplomatic claim"
    qtbot.keyClick(editor.tree, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.form.name
    replace_text(qtbot, editor.form.name, "Diplomatic statement")
    expected = ["Military action", "Diplomatic statement", "Denial", "Analyst opinion"]
    assert stored_names(demo_path) == expected
    assert panel_names(window) == expected

    qtbot.keyClick(editor.form.name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is editor.form.key
    replace_text(qtbot, editor.form.key, "m")
    assert "key 'm' is already used by 'Military action'" in editor.form.error_text("key")
    assert editor.form.errors["key"].isVisible()
    assert window.project.code("Diplomatic statement").key == "d"
    assert editor.form.key.text() == "m"  # kept in place for the coder to correct

    editor.tree.setFocus()
    qtbot.keyClick(editor.tree, Qt.Key.Key_Down, ALT)
    moved = ["Military action", "Denial", "Diplomatic statement", "Analyst opinion"]
    assert stored_names(demo_path) == moved
    assert panel_names(window) == moved
    assert editor.current_code().name == "Diplomatic statement"  # the selection follows it
    assert window.project.article_ids()  # Alt+Down did not open the next article instead

    qtbot.keyClick(editor.tree, Qt.Key.Key_Z, CTRL)
    assert stored_names(demo_path) == expected
    qtbot.keyClick(editor.tree, Qt.Key.Key_Z, CTRL)
    original = ["Military action", "Diplomatic claim", "Denial", "Analyst opinion"]
    assert stored_names(demo_path) == original
    assert panel_names(window) == original
    assert editor.form.name.text() == "Diplomatic claim"


def test_delete_asks_with_the_label_count_and_undo_brings_the_labels_back(
    qtbot, demo_path: Path, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.codebook_editor

    asked: list[str] = []
    monkeypatch.setattr(
        ui.codebook_editor, "ask_confirm", lambda _p, _t, text: asked.append(text) or True
    )
    window = make_window(demo_path)
    editor = open_editor(qtbot, window)
    n = window.project.code_label_count("Military action")
    assert n > 0
    qtbot.keyClick(editor.tree, Qt.Key.Key_Delete)
    assert asked and f"{n} labels" in asked[0]
    assert "Military action" not in stored_names(demo_path)
    assert "Military action" not in panel_names(window)
    qtbot.keyClick(editor.tree, Qt.Key.Key_Z, CTRL)
    assert "Military action" in panel_names(window)
    assert window.project.code_label_count("Military action") == n


def test_merge_from_the_keyboard_moves_the_labels(
    qtbot, demo_path: Path, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.codebook_editor

    monkeypatch.setattr(
        ui.codebook_editor,
        "ask_choice",
        lambda _p, _t, _l, items: next(i for i in items if i.endswith("/ Denial")),
    )
    window = make_window(demo_path)
    editor = open_editor(qtbot, window)
    before = window.project.code_label_count("Denial") + window.project.code_label_count(
        "Military action"
    )
    qtbot.keyClick(editor, Qt.Key.Key_M, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert panel_names(window) == ["Diplomatic claim", "Denial", "Analyst opinion"]
    assert window.project.code_label_count("Denial") == before  # one coder per sentence: no overlap
    assert editor.current_code().name == "Denial"


def test_add_code_and_group_from_the_keyboard(
    qtbot, demo_path: Path, make_window: Callable[..., MainWindow]
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(demo_path)
    editor = open_editor(qtbot, window)
    qtbot.keyClick(editor, Qt.Key.Key_N, CTRL)
    assert QApplication.focusWidget() is editor.form.name
    replace_text(qtbot, editor.form.name, "Casualty report")
    assert panel_names(window)[-1] == "Casualty report"
    qtbot.keyClick(editor.form.name, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier)
    replace_text(qtbot, editor.form.name, "Frames")
    assert [g.name for g in window.project.codebook.groups] == ["Statement type", "Frames"]


def test_the_editor_tree_model_passes_the_model_tester(qtmodeltester, demo_path: Path) -> None:  # type: ignore[no-untyped-def]
    with Project.open(demo_path, read_only=True) as p:
        model = CodebookEditorModel()
        model.set_codebook(p.codebook)
        qtmodeltester.check(model)


def test_the_window_keys_a_code_may_not_take_are_those_the_core_refuses() -> None:
    from annotator.codebook.edit_rules import APP_KEYS
    from ui.actions import RESERVED_LETTERS

    assert RESERVED_LETTERS <= APP_KEYS


def test_ctrl_z_in_the_main_window_undoes_an_edit_after_the_editor_closed(
    qtbot, demo_path: Path, make_window: Callable[..., MainWindow]
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(demo_path)
    editor = open_editor(qtbot, window)
    qtbot.keyClick(editor.tree, Qt.Key.Key_Down, ALT)
    assert panel_names(window)[:2] == ["Diplomatic claim", "Military action"]
    editor.close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert panel_names(window)[:2] == ["Military action", "Diplomatic claim"]
    assert stored_names(demo_path)[:2] == ["Military action", "Diplomatic claim"]


def test_the_preview_follows_what_is_typed_before_it_is_saved(
    qtbot, demo_path: Path, make_window: Callable[..., MainWindow]
) -> None:  # type: ignore[no-untyped-def]
    window = make_window(demo_path)
    editor = open_editor(qtbot, window)
    qtbot.keyClick(editor.tree, Qt.Key.Key_Tab)
    qtbot.keyClick(editor.form.name, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(editor.form.name, "Armed action")  # not yet committed: no Return
    preview = editor.form.preview_model
    group = preview.index(0, 0)
    assert preview.index(0, 0, group).data() == "Armed action"
    assert "Armed action" in editor.form.preview_details.toHtml()
    assert window.project.codebook.codes[0].name == "Military action"


def test_split_from_the_keyboard_flags_the_original_s_labels_for_review(
    qtbot, demo_path: Path, make_window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import ui.codebook_editor

    monkeypatch.setattr(ui.codebook_editor, "ask_text", lambda _p, _t, _l: "Air strike")
    window = make_window(demo_path)
    editor = open_editor(qtbot, window)
    n = window.project.code_label_count("Military action")
    qtbot.keyClick(editor, Qt.Key.Key_S, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert panel_names(window)[:2] == ["Military action", "Air strike"]
    assert editor.current_code().name == "Air strike"
    assert len(window.project.label_reviews()) == n
    qtbot.keyClick(editor.tree, Qt.Key.Key_Z, CTRL)
    assert "Air strike" not in panel_names(window)
    assert window.project.label_reviews() == []
