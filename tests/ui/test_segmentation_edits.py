"""Correcting the segmenter from the window: split a sentence, merge two, never over labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator import Project
from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from ui.main_window import MainWindow

TEXT = "Troops advanced on Monday, officials said. The ministry denied it."


@pytest.fixture
def window(make_window: Callable[..., MainWindow], tmp_path: Path) -> MainWindow:
    path = tmp_path / "fresh.annotator"
    with Project.create(path, codebook=default_codebook()) as p:
        p.import_articles([ParsedArticle(text=TEXT, origin="a.txt", title="Monday")])
    return make_window(path, "carol")


def texts(window: MainWindow) -> list[str]:
    model = window.sentence_model
    return [model.sentence(r).text for r in range(model.rowCount())]


def test_split_puts_a_boundary_where_the_coder_chose(
    window: MainWindow, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.split_dialog

    first = window.sentence_model.sentence(0)
    monkeypatch.setattr(ui.split_dialog, "choose_split", lambda _p, text: text.index("officials"))
    window.article_panel.select_sentence(first.id)
    window.registry["split_sentence"].trigger()
    assert texts(window) == [
        "Troops advanced on Monday,",
        "officials said.",
        "The ministry denied it.",
    ]
    assert window.project is not None
    assert [s.text for s in window.project.sentences(first.article_id)] == texts(window)


def test_merge_with_next_joins_two_sentences(window: MainWindow) -> None:
    first = window.sentence_model.sentence(0)
    window.article_panel.select_sentence(first.id)
    window.registry["merge_next"].trigger()
    assert texts(window) == [TEXT]


def test_a_labelled_sentence_is_not_merged_and_the_status_bar_says_why(
    window: MainWindow, qtbot: QtBot
) -> None:
    first = window.sentence_model.sentence(0)
    window.article_panel.select_sentence(first.id)
    window.sentence_view.setFocus()
    qtbot.keyClick(window.sentence_view, "m")
    window.registry["merge_next"].trigger()
    assert len(texts(window)) == 2
    assert "have labels" in window.statusBar().currentMessage()


def test_the_split_point_moves_with_the_arrow_keys_as_the_dialog_says(qtbot: QtBot) -> None:
    from ui.split_dialog import SplitDialog

    dialog = SplitDialog(None, "Troops moved. Officials denied it.")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    start = dialog.offset()
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Right)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Right)
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Left)
    assert dialog.offset() == start + 1
