"""Memo, coder and shortcut dialogs, driven as a user would: type, press keys, click buttons."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from ui.coder_dialog import CoderDialog, choose_coder
from ui.memo_dialog import MemoDialog, edit_memo
from ui.shortcuts_dialog import ShortcutsDialog, show_shortcuts


def when_modal(kind: type[QDialog], act: Callable[[QDialog], None]) -> None:
    """Run act on the next modal dialog of this kind once its exec() loop is running."""

    def step() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            try:
                act(dialog)
            except BaseException:
                dialog.reject()  # never leave the test hanging in exec(); pytest-qt reports it
                raise
        else:
            QTimer.singleShot(10, step)

    QTimer.singleShot(0, step)


def click(dialog: QDialog, which: QDialogButtonBox.StandardButton) -> None:
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    box.button(which).click()


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


# -- memo -----------------------------------------------------------------------------------


def test_memo_returns_the_typed_text_on_ok(qtbot: QtBot, parent: QWidget) -> None:
    def act(d: QDialog) -> None:
        assert isinstance(d, MemoDialog)
        qtbot.keyClicks(d.editor, "  check the source  ")
        click(d, QDialogButtonBox.StandardButton.Ok)

    when_modal(MemoDialog, act)
    assert edit_memo(parent, "Memo on sentence 3", "") == "check the source"


def test_memo_ctrl_enter_saves(qtbot: QtBot, parent: QWidget) -> None:
    def act(d: QDialog) -> None:
        assert isinstance(d, MemoDialog)
        qtbot.keyClicks(d.editor, " and more")
        qtbot.keyClick(d.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    when_modal(MemoDialog, act)
    assert edit_memo(parent, "Memo", "First note") == "First note and more"


def test_memo_cancel_returns_none_even_after_typing(qtbot: QtBot, parent: QWidget) -> None:
    def act(d: QDialog) -> None:
        assert isinstance(d, MemoDialog)
        qtbot.keyClicks(d.editor, "typed then abandoned")
        click(d, QDialogButtonBox.StandardButton.Cancel)

    when_modal(MemoDialog, act)
    assert edit_memo(parent, "Memo", "kept") is None


def test_emptying_a_memo_returns_empty_text_and_says_it_deletes(
    qtbot: QtBot, parent: QWidget
) -> None:
    seen: dict[str, str] = {}

    def act(d: QDialog) -> None:
        assert isinstance(d, MemoDialog)
        d.editor.selectAll()
        qtbot.keyClick(d.editor, Qt.Key.Key_Delete)
        box = d.findChild(QDialogButtonBox)
        assert box is not None
        seen["ok"] = box.button(QDialogButtonBox.StandardButton.Ok).text()
        seen["hint"] = d.hint.text()
        click(d, QDialogButtonBox.StandardButton.Ok)

    when_modal(MemoDialog, act)
    assert edit_memo(parent, "Memo", "old note") == ""
    assert "delete" in seen["ok"].lower()
    assert "delete" in seen["hint"].lower()


# -- coder ----------------------------------------------------------------------------------


def test_coder_dialog_offers_known_coders_and_preselects_current(
    qtbot: QtBot, parent: QWidget
) -> None:
    dialog = CoderDialog(parent, ["ben", "anna"], "ben")
    qtbot.addWidget(dialog)
    items = [dialog.combo.itemText(i) for i in range(dialog.combo.count())]
    assert items == ["anna", "ben"]
    assert dialog.name() == "ben"


def test_choose_coder_returns_a_new_name_with_spaces_folded(qtbot: QtBot, parent: QWidget) -> None:
    def act(d: QDialog) -> None:
        assert isinstance(d, CoderDialog)
        d.combo.clearEditText()
        qtbot.keyClicks(d.combo, "  Chiara   R ")
        qtbot.keyClick(d.combo, Qt.Key.Key_Return)

    when_modal(CoderDialog, act)
    assert choose_coder(parent, ["anna", "ben"], "anna") == "Chiara R"


def test_choose_coder_can_pick_a_known_coder(qtbot: QtBot, parent: QWidget) -> None:
    def act(d: QDialog) -> None:
        assert isinstance(d, CoderDialog)
        d.combo.setCurrentIndex(d.combo.findText("ben"))
        click(d, QDialogButtonBox.StandardButton.Ok)

    when_modal(CoderDialog, act)
    assert choose_coder(parent, ["anna", "ben"], None) == "ben"


def test_coder_dialog_refuses_an_empty_name(qtbot: QtBot, parent: QWidget) -> None:
    dialog = CoderDialog(parent, ["anna"], None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.combo, "   ")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.accept()  # what Enter in the combo would do
    assert dialog.isVisible()
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_coder_dialog_explains_blind_coding(qtbot: QtBot, parent: QWidget) -> None:
    dialog = CoderDialog(parent, [], None)
    qtbot.addWidget(dialog)
    assert "only your own labels" in dialog.explanation.text()


def test_choose_coder_cancel_returns_none(qtbot: QtBot, parent: QWidget) -> None:
    when_modal(CoderDialog, lambda d: click(d, QDialogButtonBox.StandardButton.Cancel))
    assert choose_coder(parent, ["anna"], "anna") is None


# -- shortcuts ------------------------------------------------------------------------------


def make_actions(parent: QWidget) -> list[QAction]:
    def action(text: str, *keys: str | QKeySequence.StandardKey, name: str = "") -> QAction:
        a = QAction(text, parent)
        a.setObjectName(name)
        a.setShortcuts([QKeySequence(k) for k in keys])
        return a

    return [
        action("&Open project…", QKeySequence.StandardKey.Open, name="file.open"),
        action("&Next sentence", "Down", "J", name="nav.next_sentence"),
        action("Split sentence", "Ctrl+Shift+S"),
        action("Show &others' labels", "Ctrl+Shift+O", name="view.others"),
        action("About annotator"),  # no shortcut: not on the sheet
    ]


def test_shortcut_sheet_groups_actions_and_strips_mnemonics(qtbot: QtBot, parent: QWidget) -> None:
    dialog = ShortcutsDialog(parent, make_actions(parent), [("Claim", "c"), ("Denial", "d")])
    qtbot.addWidget(dialog)
    rows = dialog.rows()
    groups = [g for g, _w, _k in rows]
    assert groups == sorted(groups, key=["Codes", "Navigation", "Editing", "File", "View"].index)
    by_action = {what: (group, keys) for group, what, keys in rows}
    assert by_action["Claim"] == ("Codes", "C")
    assert by_action["Open project"][0] == "File"
    assert by_action["Next sentence"] == ("Navigation", "Down, J")
    assert by_action["Split sentence"][0] == "Editing"  # from its text
    assert by_action["Show others' labels"][0] == "View"
    assert "About annotator" not in by_action
    assert not any("&" in what for what in by_action)


def test_shortcut_sheet_model_is_consistent(
    qtbot: QtBot, qtmodeltester: object, parent: QWidget
) -> None:
    dialog = ShortcutsDialog(parent, make_actions(parent), [("Claim", "c")])
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]


def test_show_shortcuts_is_non_modal_and_reuses_the_open_sheet(
    qtbot: QtBot, parent: QWidget
) -> None:
    parent.show()
    actions = make_actions(parent)
    show_shortcuts(parent, actions, [("Claim", "c")])
    first = parent.findChild(ShortcutsDialog)
    assert isinstance(first, ShortcutsDialog)
    assert first.isVisible() and not first.isModal()
    show_shortcuts(parent, actions, [("C", "Claim"), ("D", "Denial")])  # (key, name) works too
    sheets = parent.findChildren(ShortcutsDialog)
    assert sheets == [first]
    assert ("Codes", "Denial", "D") in first.rows()
    first.close()
