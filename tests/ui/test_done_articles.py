"""An article marked done does not change silently: the first edit asks, or reopens it.

Anna has marked every article of the demo done. A code key, Delete (clear) or a click in the
codebook panel in such an article asks "Reopen it to edit?"; a double-click on a code reads it and
labels nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

import ui.done_guard
from annotator.project import Project
from annotator.records import Status
from ui.done_guard import REOPEN_QUESTION, DoneChoice
from ui.done_guard import ask_reopen as real_ask_reopen  # before the autouse fixture replaces it
from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def file_labels(path: Path, article_id: int, coder: str) -> dict[int, set[str]]:
    """What the project file holds (a fresh connection, not the window's)."""
    with Project.open(path) as p:
        return {
            sid: {code for c, code in pairs if c == coder}
            for sid, pairs in p.labels(article_id, [coder]).items()
        }


def file_status(path: Path, article_id: int, coder: str) -> Status:
    with Project.open(path) as p:
        return p.status(article_id, coder)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[DoneChoice, bool]]:
    """Answers the question pops, in order; the test asserts the list is used up."""
    queue: list[tuple[DoneChoice, bool]] = []

    def answer(_parent: object) -> tuple[DoneChoice, bool]:
        assert queue, "the done question was asked more often than expected"
        return queue.pop(0)

    monkeypatch.setattr(ui.done_guard, "ask_reopen", answer)
    return queue


@pytest.fixture
def anna(make_window: MakeWindow, demo_path: Path, qtbot: QtBot) -> MainWindow:
    window = make_window(demo_path, "anna")
    qtbot.waitUntil(lambda: window.sentence_view.hasFocus())
    aid = window.current_article_id()
    assert aid is not None and window.article_list_model.summary_of(aid).status == Status.DONE  # type: ignore[union-attr]
    return window


def first_uncoded_row(window: MainWindow) -> int:
    model = window.sentence_model
    return next(r for r in range(model.rowCount()) if not model.is_coded(r))


def test_cancel_leaves_a_done_article_as_it_was(
    anna: MainWindow, qtbot: QtBot, demo_path: Path, answers: list[tuple[DoneChoice, bool]]
) -> None:
    aid = anna.current_article_id()
    assert aid is not None
    before = file_labels(demo_path, aid, "anna")
    answers.append((DoneChoice.CANCEL, False))
    qtbot.keyClick(anna.sentence_view, "m")
    assert answers == []
    assert file_labels(demo_path, aid, "anna") == before
    assert file_status(demo_path, aid, "anna") == Status.DONE
    assert anna.undo_stack.count() == 0


def test_reopen_edits_and_puts_the_article_back_in_progress_as_one_undo_step(
    anna: MainWindow, qtbot: QtBot, demo_path: Path, answers: list[tuple[DoneChoice, bool]]
) -> None:
    aid = anna.current_article_id()
    assert aid is not None
    before = file_labels(demo_path, aid, "anna")
    anna.article_panel.select_row(first_uncoded_row(anna))
    answers.append((DoneChoice.REOPEN, False))
    qtbot.keyClick(anna.sentence_view, "m")
    assert file_labels(demo_path, aid, "anna") != before
    assert file_status(demo_path, aid, "anna") == Status.IN_PROGRESS
    assert anna.article_list_model.summary_of(aid).status == Status.IN_PROGRESS  # type: ignore[union-attr]
    qtbot.keyClick(anna.sentence_view, "m")  # reopened: no more questions
    assert answers == []
    qtbot.keyClick(anna.sentence_view, "z", Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(anna.sentence_view, "z", Qt.KeyboardModifier.ControlModifier)
    assert file_labels(demo_path, aid, "anna") == before
    assert file_status(demo_path, aid, "anna") == Status.DONE


def test_keep_done_edits_and_asks_no_more_in_that_article(
    anna: MainWindow, qtbot: QtBot, demo_path: Path, answers: list[tuple[DoneChoice, bool]]
) -> None:
    aid = anna.current_article_id()
    assert aid is not None
    anna.article_panel.select_row(first_uncoded_row(anna))
    answers.append((DoneChoice.KEEP_DONE, False))
    qtbot.keyClick(anna.sentence_view, "m")
    qtbot.keyClick(anna.sentence_view, "m")
    qtbot.keyClick(anna.sentence_view, Qt.Key.Key_Delete)
    assert answers == []
    assert file_status(demo_path, aid, "anna") == Status.DONE
    answers.append((DoneChoice.CANCEL, False))  # another done article asks again
    anna.step_article(1)
    qtbot.keyClick(anna.sentence_view, "m")
    assert answers == []


def test_a_remembered_answer_holds_for_every_done_article_this_session(
    anna: MainWindow, qtbot: QtBot, demo_path: Path, answers: list[tuple[DoneChoice, bool]]
) -> None:
    answers.append((DoneChoice.REOPEN, True))
    edited = []
    for _ in range(3):
        aid = anna.current_article_id()
        assert aid is not None
        edited.append(aid)
        anna.article_panel.select_row(first_uncoded_row(anna))
        qtbot.keyClick(anna.sentence_view, "m")
        anna.step_article(1)
    assert answers == []
    assert {file_status(demo_path, a, "anna") for a in edited} == {Status.IN_PROGRESS}


def test_clicking_a_code_in_the_panel_of_a_done_article_asks(
    anna: MainWindow, qtbot: QtBot, demo_path: Path, answers: list[tuple[DoneChoice, bool]]
) -> None:
    aid = anna.current_article_id()
    assert aid is not None
    before = file_labels(demo_path, aid, "anna")
    answers.append((DoneChoice.CANCEL, False))
    tree = anna.codebook_panel.tree
    code = anna.project.codebook.code("Denial")  # type: ignore[union-attr]
    pos = tree.visualRect(anna.codebook_panel.model.index_of(code.id)).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: answers == [])
    assert file_labels(demo_path, aid, "anna") == before


def test_double_clicking_a_code_reads_it_and_labels_nothing(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = make_window(demo_path, "carol")  # carol has done nothing: no question either way
    aid = window.current_article_id()
    assert aid is not None
    panel, tree = window.codebook_panel, window.codebook_panel.tree
    code = window.project.codebook.code("Denial")  # type: ignore[union-attr]
    pos = tree.visualRect(panel.model.index_of(code.id)).center()
    # a real double-click: press, release (clicked), press as a double-click, release
    qtbot.mousePress(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseRelease(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.wait(panel._click_timer.interval() + 200)
    assert code.definition.split()[0] in panel.details.toPlainText()
    assert window.sentence_model.n_coded() == 0
    assert file_labels(demo_path, aid, "carol") == {}
    assert window.undo_stack.count() == 0


def test_the_question_offers_reopen_keep_or_cancel_and_a_remembered_choice(
    anna: MainWindow, qtbot: QtBot
) -> None:
    seen: list[tuple[str, list[str]]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append((box.text(), [b.text() for b in box.buttons()]))
        box.checkBox().setChecked(True)
        next(b for b in box.buttons() if b.text() == "Edit, keep done").click()

    QTimer.singleShot(0, answer)
    assert real_ask_reopen(anna) == (DoneChoice.KEEP_DONE, True)
    text, buttons = seen[0]
    assert text == REOPEN_QUESTION == "This article is marked done. Reopen it to edit?"
    assert {"Reopen and edit", "Edit, keep done", "Cancel"} <= set(buttons)


@pytest.fixture
def done_by_carol(make_project: Callable[..., Project], sample_texts: list[str]) -> Path:
    """Two unlabelled articles that carol has marked done."""
    from annotator.imports import ParsedArticle

    p = make_project("segments")
    p.import_articles(
        [ParsedArticle(text=t, origin=f"{i}.txt") for i, t in enumerate(sample_texts)]
    )
    for aid in p.article_ids():
        p.set_status(aid, "carol", "done")
    return Path(p.path)


def n_sentences(path: Path, article_id: int) -> int:
    with Project.open(path) as p:
        return len(p.sentences(article_id))


def test_merging_sentences_of_a_done_article_asks_and_cancel_keeps_them(
    make_window: MakeWindow, done_by_carol: Path, answers: list[tuple[DoneChoice, bool]]
) -> None:
    window = make_window(done_by_carol, "carol")
    aid = window.current_article_id()
    assert aid is not None
    before = n_sentences(done_by_carol, aid)
    window.article_panel.select_row(0)
    answers.append((DoneChoice.CANCEL, False))
    window.merge_with_next()
    assert answers == []
    assert n_sentences(done_by_carol, aid) == before


def test_merging_after_reopen_merges_and_puts_the_article_in_progress(
    make_window: MakeWindow, done_by_carol: Path, answers: list[tuple[DoneChoice, bool]]
) -> None:
    window = make_window(done_by_carol, "carol")
    aid = window.current_article_id()
    assert aid is not None
    before = n_sentences(done_by_carol, aid)
    window.article_panel.select_row(0)
    answers.append((DoneChoice.REOPEN, False))
    window.merge_with_next()
    assert answers == []
    assert n_sentences(done_by_carol, aid) == before - 1
    assert file_status(done_by_carol, aid, "carol") == Status.IN_PROGRESS
