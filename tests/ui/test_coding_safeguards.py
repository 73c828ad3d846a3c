"""Safeguards of the coding workspace: blind coding, marking done, the focus after dialogs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.project import Project
from annotator.records import Status
from ui.adjudication_window import AdjudicationWindow
from ui.main_window import MainWindow
from ui.memo_dialog import MemoDialog
from ui.report_window import ReportWindow

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def window(make_window: MakeWindow, demo_path: Path, qtbot: QtBot) -> MainWindow:
    w = make_window(demo_path, "carol")
    qtbot.waitUntil(lambda: w.sentence_view.hasFocus())
    return w


@pytest.fixture
def refuse(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The blind-coding question answered Cancel; one entry per question asked."""
    asked: list[bool] = []

    def answer(_parent: object) -> bool:
        asked.append(False)
        return False

    monkeypatch.setattr("ui.window_session.ask_unblind", answer)
    return asked


def children_of(window: MainWindow, kind: type) -> list[object]:
    return [c for c in window.findChildren(kind) if not getattr(c, "closed", False)]


def ids_in_list(window: MainWindow) -> list[int]:
    return window.article_list_model.article_ids()


def set_done(path: Path, coder: str, article_ids: list[int]) -> None:
    with Project.open(path) as p:
        for aid in article_ids:
            p.set_status(aid, coder, Status.DONE)


def file_status(path: Path, article_id: int, coder: str = "carol") -> Status:
    with Project.open(path, read_only=True) as p:
        return p.status(article_id, coder)


# -- blind coding ------------------------------------------------------------------------------


def test_cancelling_the_question_keeps_other_coders_hidden(
    window: MainWindow, refuse: list[bool]
) -> None:
    window.registry["show_others"].trigger()
    assert refuse == [False]
    assert not window.registry["show_others"].isChecked()
    assert not window.sentence_model.show_others
    assert window.blind_label.text() == "Blind coding"


@pytest.mark.parametrize(
    ("action", "kind"), [("report", ReportWindow), ("adjudicate", AdjudicationWindow)]
)
def test_cancelling_the_question_opens_no_window_with_others_labels(
    window: MainWindow, refuse: list[bool], action: str, kind: type
) -> None:
    window.registry[action].trigger()
    assert refuse == [False]
    assert children_of(window, kind) == []


def test_the_question_is_asked_once_per_project(
    window: MainWindow, unblind_answer: list[bool], qtbot: QtBot
) -> None:
    window.registry["show_others"].trigger()
    window.registry["report"].trigger()
    window.registry["adjudicate"].trigger()
    assert unblind_answer == [True]
    assert window.sentence_model.show_others
    assert children_of(window, ReportWindow) and children_of(window, AdjudicationWindow)


def test_a_new_session_starts_blind_even_if_others_were_shown_last_time(
    make_window: MakeWindow, window: MainWindow, demo_path: Path, unblind_answer: list[bool]
) -> None:
    window.registry["show_others"].trigger()
    window.close()
    again = make_window(demo_path, "carol")
    assert not again.sentence_model.show_others
    assert not again.registry["show_others"].isChecked()


# -- marking done ------------------------------------------------------------------------------


def press_ctrl_d(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClick(window.sentence_view, "d", Qt.KeyboardModifier.ControlModifier)


def test_ctrl_d_opens_the_next_article_not_done(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    with Project.open(demo_path) as p:
        ids = p.article_ids()
    w = make_window(demo_path, "carol")
    order = ids_in_list(w)
    set_done(demo_path, "carol", [order[1]])
    w.reload()
    w.show_article(order[0])
    press_ctrl_d(qtbot, w)
    assert w.current_article_id() == order[2]
    assert sorted(order) == sorted(ids)


def test_ctrl_d_wraps_around_to_the_first_article_not_done(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    w = make_window(demo_path, "carol")
    order = ids_in_list(w)
    set_done(demo_path, "carol", order[1:-1])
    w.reload()
    w.show_article(order[-1])
    press_ctrl_d(qtbot, w)
    assert w.current_article_id() == order[0]


def test_ctrl_d_on_the_last_article_not_done_says_all_are_done(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    w = make_window(demo_path, "carol")
    order = ids_in_list(w)
    set_done(demo_path, "carol", order[1:])
    w.reload()
    w.show_article(order[0])
    press_ctrl_d(qtbot, w)
    assert w.current_article_id() == order[0]
    assert "All articles are done" in w.statusBar().currentMessage()


def test_ctrl_d_says_how_many_sentences_were_left_uncoded(window: MainWindow, qtbot: QtBot) -> None:
    total = window.sentence_model.rowCount()
    qtbot.keyClick(window.sentence_view, "m")
    press_ctrl_d(qtbot, window)
    assert (
        window.statusBar()
        .currentMessage()
        .startswith(
            f"Marked done: {total - 1} of {total} sentences are uncoded and count as (no code)"
        )
    )


def test_undo_takes_back_ctrl_d_and_shows_that_article_again(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    first = window.current_article_id()
    assert first is not None
    press_ctrl_d(qtbot, window)
    assert file_status(demo_path, first) == Status.DONE
    qtbot.keyClick(window.sentence_view, "z", Qt.KeyboardModifier.ControlModifier)
    assert file_status(demo_path, first) == Status.NOT_STARTED
    assert window.current_article_id() == first
    summary = window.article_list_model.summary_of(first)
    assert summary is not None and summary.status == Status.NOT_STARTED


def test_mark_as_not_done_in_the_code_menu_reverts_the_status(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    first = window.current_article_id()
    assert first is not None
    qtbot.keyClick(window.sentence_view, "m")
    press_ctrl_d(qtbot, window)
    window.show_article(first)
    action = next(a for a in window.code_menu.actions() if a.text() == "Mark as &not done")
    action.trigger()
    assert file_status(demo_path, first) == Status.IN_PROGRESS
    summary = window.article_list_model.summary_of(first)
    assert summary is not None and summary.status == Status.IN_PROGRESS


# -- focus after dialogs -----------------------------------------------------------------------


def save_memo_when_shown(qtbot: QtBot, text: str) -> None:
    """Type into the memo dialog once it is up and save it with Ctrl+Enter."""

    def attempt() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MemoDialog):
            QTimer.singleShot(20, attempt)
            return
        dialog.editor.setPlainText(text)
        qtbot.keyClick(dialog.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    QTimer.singleShot(0, attempt)


@pytest.mark.parametrize("modifiers", ["Ctrl", "Ctrl+Shift"])
def test_code_keys_work_right_after_saving_a_memo(
    window: MainWindow, qtbot: QtBot, demo_path: Path, modifiers: str
) -> None:
    mods = Qt.KeyboardModifier.ControlModifier
    if "Shift" in modifiers:
        mods |= Qt.KeyboardModifier.ShiftModifier
    save_memo_when_shown(qtbot, "check the source")
    qtbot.keyClick(window.sentence_view, "m", mods)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.sentence_view)
    aid, sid = window.current_article_id(), window.article_panel.current_sentence_id()
    qtbot.keyClick(QApplication.focusWidget(), "m")
    with Project.open(demo_path, read_only=True) as p:
        labels = p.labels(aid, ["carol"])  # type: ignore[arg-type]
    assert {code for _c, code in labels.get(sid, [])} == {"Military action"}  # type: ignore[arg-type]


def test_a_jump_from_the_report_gives_the_keys_back_to_the_sentence_list(
    window: MainWindow, qtbot: QtBot
) -> None:
    window.registry["report"].trigger()
    report = children_of(window, ReportWindow)[0]
    assert isinstance(report, ReportWindow)
    qtbot.waitExposed(report)
    report.activateWindow()
    qtbot.waitUntil(report.isActiveWindow)
    target = window.article_list_model.article_ids()[2]
    sid = window.project.sentences(target)[1].id  # type: ignore[union-attr]
    report.jump(target, sid)
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.sentence_view)
    assert window.article_panel.current_sentence_id() == sid
