"""The article find bar and the corpus-wide search panel."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator import Project
from ui.find_panel import CorpusFindPanel, FindBar, FindResultsModel, snippet

# -- find bar -------------------------------------------------------------------------------


@pytest.fixture
def bar(qtbot: QtBot) -> FindBar:
    widget = FindBar()
    qtbot.addWidget(widget)
    widget.show()
    widget.focus_find()
    return widget


def test_enter_searches_forward(qtbot: QtBot, bar: FindBar) -> None:
    qtbot.keyClicks(bar.edit, "ceasefire")
    with qtbot.waitSignal(bar.search) as blocker:
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert blocker.args == ["ceasefire", True]


def test_shift_enter_searches_backward(qtbot: QtBot, bar: FindBar) -> None:
    qtbot.keyClicks(bar.edit, "drone")
    with qtbot.waitSignal(bar.search) as blocker:
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == ["drone", False]


def test_buttons_search_in_their_direction(qtbot: QtBot, bar: FindBar) -> None:
    qtbot.keyClicks(bar.edit, "Kyiv")
    with qtbot.waitSignal(bar.search) as previous:
        qtbot.mouseClick(bar.previous_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.search) as following:
        qtbot.mouseClick(bar.next_button, Qt.MouseButton.LeftButton)
    assert previous.args == ["Kyiv", False]
    assert following.args == ["Kyiv", True]


def test_empty_text_asks_for_nothing(qtbot: QtBot, bar: FindBar) -> None:
    with qtbot.assertNotEmitted(bar.search):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return)


def test_escape_closes_the_bar(qtbot: QtBot, bar: FindBar) -> None:
    with qtbot.waitSignal(bar.closed):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible()


def test_close_button_closes_the_bar(qtbot: QtBot, bar: FindBar) -> None:
    with qtbot.waitSignal(bar.closed):
        qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()


def test_status_is_shown_and_cleared_by_typing(qtbot: QtBot, bar: FindBar) -> None:
    bar.set_status("3 of 7")
    assert bar.status_label.text() == "3 of 7"
    qtbot.keyClicks(bar.edit, "x")
    assert bar.status_label.text() == ""


def test_snippet_keeps_the_match_of_a_long_sentence_visible() -> None:
    text = "word " * 100 + "NEEDLE" + " tail" * 100
    shown = snippet(text, "needle", width=60)
    assert "NEEDLE" in shown
    assert len(shown) <= 62
    assert shown.startswith("…") and shown.endswith("…")


# -- corpus search --------------------------------------------------------------------------


@pytest.fixture
def demo(make_project: Callable[..., Project]) -> Project:
    return make_project("demo", demo=True)


@pytest.fixture
def panel(qtbot: QtBot, demo: Project) -> CorpusFindPanel:
    widget = CorpusFindPanel()
    qtbot.addWidget(widget)
    widget.set_project(demo)
    widget.show()
    return widget


def word_in_corpus(project: Project) -> str:
    """A longish word from the second sentence of the first article, so it is found."""
    first = project.article_ids()[0]
    sentence = project.sentences(first)[1].text
    return max(sentence.split(), key=len).strip(".,;:\"'()")


def test_typing_and_enter_lists_the_sentences_the_core_finds(
    qtbot: QtBot, panel: CorpusFindPanel, demo: Project
) -> None:
    word = word_in_corpus(demo)
    qtbot.keyClicks(panel.edit, word)
    with qtbot.waitSignal(panel.results_ready, timeout=5000) as blocker:
        qtbot.keyClick(panel.edit, Qt.Key.Key_Return)
    expected = demo.find(word)
    assert blocker.args == [len(expected)]
    assert panel.model.rowCount() == len(expected) > 0
    found = [
        (panel.model.index(r, 0).data(FindResultsModel.ARTICLE_ID_ROLE),
         panel.model.index(r, 0).data(FindResultsModel.SENTENCE_ID_ROLE))
        for r in range(panel.model.rowCount())
    ]  # fmt: skip
    assert found == [(aid, sid) for aid, _t, sid, _i, _x in expected]
    n = len(expected)
    assert panel.status_label.text() == f"{n} result{'' if n == 1 else 's'}"


def test_typing_alone_searches_after_a_pause(
    qtbot: QtBot, panel: CorpusFindPanel, demo: Project
) -> None:
    with qtbot.waitSignal(panel.results_ready, timeout=5000):
        qtbot.keyClicks(panel.edit, word_in_corpus(demo))
    assert panel.model.rowCount() > 0


def test_a_search_without_hits_says_no_results(qtbot: QtBot, panel: CorpusFindPanel) -> None:
    with qtbot.waitSignal(panel.results_ready, timeout=5000) as blocker:
        panel.search("zqxjv-not-a-word")
    assert blocker.args == [0]
    assert panel.status_label.text() == "no results"


def test_activating_a_result_asks_to_jump_to_its_sentence(
    qtbot: QtBot, panel: CorpusFindPanel, demo: Project
) -> None:
    word = word_in_corpus(demo)
    with qtbot.waitSignal(panel.results_ready, timeout=5000):
        panel.search(word)
    aid, _title, sid, _index, _text = demo.find(word)[0]
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(0, 2))
    with qtbot.waitSignal(panel.jump_requested) as blocker:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert blocker.args == [aid, sid]


def test_double_click_on_a_result_jumps_too(
    qtbot: QtBot, panel: CorpusFindPanel, demo: Project
) -> None:
    with qtbot.waitSignal(panel.results_ready, timeout=5000):
        panel.search(word_in_corpus(demo))
    rect = panel.view.visualRect(panel.model.index(0, 2))
    viewport = panel.view.viewport()
    with qtbot.waitSignal(panel.jump_requested):
        # A real double click is press, release, double-click, release; QTest sends only the third.
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=rect.center())


def test_results_model_passes_the_model_tester(
    qtbot: QtBot, qtmodeltester: object, panel: CorpusFindPanel, demo: Project
) -> None:
    with qtbot.waitSignal(panel.results_ready, timeout=5000):
        panel.search(word_in_corpus(demo))
    qtmodeltester.check(panel.model)  # type: ignore[attr-defined]


def test_a_new_project_clears_the_results(
    qtbot: QtBot, panel: CorpusFindPanel, demo: Project, make_project: Callable[..., Project]
) -> None:
    with qtbot.waitSignal(panel.results_ready, timeout=5000):
        panel.search(word_in_corpus(demo))
    panel.set_project(make_project("empty"))
    assert panel.model.rowCount() == 0
    panel.set_project(None)
    assert not panel.isEnabled()
