"""The training view and the gold standard in the app: gold stays blind while a coder codes a
gold article, the differences show once they mark it done, keyboard navigation, the Gold
standard menu and the report's Against gold tab. Real project files, real windows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.codebook import default_codebook
from annotator.project import Project
from annotator.records import Status
from tests.core.helpers.gold_study import CASE, D, M, N, build_gold_study
from ui.main_window import MainWindow
from ui.report_window import ReportWindow
from ui.sentence_model import OTHER_CODES_ROLE
from ui.training_models import DIFFERS_ROLE, GoldSentenceModel
from ui.training_window import TrainingWindow, open_training

MakeWindow = Callable[..., MainWindow]
DEFINITIONS = {
    c.name: c.definition.split()[0:6] for g in default_codebook().groups for c in g.codes
}


def study_path(tmp_path: Path, anna_done: bool) -> Path:
    path = tmp_path / "gold.annotator"
    p = build_gold_study(path, anna_done=anna_done)
    a1, _ = p.article_ids()
    p.add_label(p.sentences(a1)[0], D, "ben")  # a coder who is not gold, for contrast
    p.close()
    return path


def others_shown(window: MainWindow) -> set[str]:
    """Full names of the coders whose labels the sentence view shows on the article."""
    model = window.sentence_model
    names = model.index(0, 0).data(Qt.ItemDataRole.UserRole + 9)  # CODER_NAMES_ROLE
    return {
        names.get(short, short)
        for r in range(model.rowCount())
        for short, _code in model.index(r, 0).data(OTHER_CODES_ROLE)
    }


def training_of(window: MainWindow) -> TrainingWindow:
    found = [w for w in window.findChildren(TrainingWindow) if not w.closed]
    assert len(found) == 1
    return found[0]


def rows_differing(model: GoldSentenceModel) -> list[int]:
    return [r for r in range(model.rowCount()) if model.index(r, 0).data(DIFFERS_ROLE)]


# -- blind ---------------------------------------------------------------------------------------


def test_gold_labels_stay_hidden_until_the_coder_marks_the_article_done(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    path = study_path(tmp_path, anna_done=False)
    window = make_window(path, "anna")
    window.set_show_others(True)  # even with other coders' labels shown
    with Project.open(path, read_only=True) as p:
        a1, _ = p.article_ids()
    window.show_article(a1)
    assert others_shown(window) == {"ben"}  # the expert's gold labels are not loaded
    window.mark_done()
    qtbot.waitUntil(lambda: bool(window.findChildren(TrainingWindow)))
    window.show_article(a1)
    assert others_shown(window) == {"ben", "expert"}


def test_the_training_view_shows_nothing_of_gold_before_an_article_is_done(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    window = make_window(study_path(tmp_path, anna_done=False), "anna")
    window.registry["compare_gold"].trigger()
    training = training_of(window)
    qtbot.waitUntil(lambda: training.loaded)
    assert training.sentence_model.rowCount() == 0
    assert training.score_model.rowCount() == 4
    assert "has not finished a gold article yet" in training.summary.text()
    assert "2 gold articles not finished yet" in training.summary.text()


# -- after done ----------------------------------------------------------------------------------


def test_marking_a_gold_article_done_shows_where_the_coder_differs(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    path = study_path(tmp_path, anna_done=False)
    window = make_window(path, "anna")
    with Project.open(path, read_only=True) as p:
        a1, _ = p.article_ids()
    window.show_article(a1)
    window.mark_done()
    qtbot.waitUntil(lambda: bool(window.findChildren(TrainingWindow)))
    training = training_of(window)
    qtbot.waitUntil(lambda: training.loaded)
    model = training.sentence_model
    assert model.rowCount() == 5  # article 1 only: article 2 is not done
    assert rows_differing(model) == [2]  # sentence 3: gold Military action, anna Denial
    assert model.index(2, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert [model.index(2, c).data() for c in (3, 4)] == [N, M]
    current = training.current_sentence()
    assert current is not None and current.index == 2  # it opens at the first difference
    detail = training.detail.toPlainText()
    assert "The army lost a tank." in detail
    for code in (N, M):  # both codes' definitions, to read why
        assert " ".join(DEFINITIONS[code]) in " ".join(detail.split())
    assert "1 gold article not finished yet" in training.summary.text()


def test_the_summary_gives_alpha_kappa_and_per_code_precision_recall(
    tmp_path: Path, qtbot: QtBot
) -> None:
    """The hand-checked figures of tests/core/test_gold.py: alpha 74/131, kappa 6/11."""
    with Project.open(study_path(tmp_path, anna_done=True)) as p:
        training = TrainingWindow(p, "anna", lambda a, s: None)
        qtbot.addWidget(training)
        qtbot.waitUntil(lambda: training.loaded)
        text = training.summary.text()
        assert f"α <b>{74 / 131:.3f}</b>" in text and f"κ <b>{6 / 11:.3f}</b>" in text
        assert "10 sentences of 2 articles" in text and "<b>3</b> differ" in text
        scores = training.score_model
        rows = {scores.index(r, 0).data(): r for r in range(scores.rowCount())}
        denial = [scores.index(rows[N], c).data() for c in range(6)]
        assert denial == [N, "0.500", "0.667", "0.571", "3", "4"]
        training.close()


def test_keyboard_steps_between_differences_and_opens_the_sentence(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    path = study_path(tmp_path, anna_done=True)
    window = make_window(path, "anna")
    project = window.project
    assert project is not None
    training = open_training(window, project, "anna", window._jump_for(project))
    qtbot.waitUntil(lambda: training.loaded)
    training.activateWindow()
    qtbot.waitUntil(training.isActiveWindow)
    view = training.view
    differing = [i for i, (g, a) in enumerate(CASE) if g != a]  # rows 2, 5, 8

    def row() -> int:
        return view.currentIndex().row()

    assert row() == differing[0]
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert row() == differing[1]
    qtbot.keyClick(view, Qt.Key.Key_N)
    assert row() == differing[2]
    qtbot.keyClick(view, Qt.Key.Key_N)  # none further: stays
    assert row() == differing[2]
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert row() == differing[1]
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert row() == differing[1] + 1
    assert "agrees with gold" in training.detail.toPlainText()
    target = training.current_sentence()
    assert target is not None
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert window.current_article_id() == target.article_id
    assert window.article_panel.current_sentence_id() == target.sentence_id


def test_only_differences_lists_the_differing_sentences(tmp_path: Path, qtbot: QtBot) -> None:
    with Project.open(study_path(tmp_path, anna_done=True)) as p:
        training = TrainingWindow(p, "anna", lambda a, s: None)
        qtbot.addWidget(training)
        qtbot.waitUntil(lambda: training.loaded)
        training.only_differences.setChecked(True)
        assert training.proxy.rowCount() == 3
        shown = [training.proxy.index(r, 2).data() for r in range(3)]
        assert shown[0] == "The army lost a tank."
        training.close()


def test_the_training_models_pass_the_model_tester(
    tmp_path: Path, qtbot: QtBot, qtmodeltester: object
) -> None:
    with Project.open(study_path(tmp_path, anna_done=True)) as p:
        training = TrainingWindow(p, "anna", lambda a, s: None)
        qtbot.addWidget(training)
        qtbot.waitUntil(lambda: training.loaded)
        for model in (training.sentence_model, training.score_model, training.proxy):
            qtmodeltester.check(model)  # type: ignore[attr-defined]
        training.close()


# -- the lead's Gold standard menu ---------------------------------------------------------------


def test_the_gold_menu_marks_the_article_with_the_chosen_gold_coder(
    make_window: MakeWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = study_path(tmp_path, anna_done=True)
    with Project.open(path) as p:
        a1, a2 = p.article_ids()
        p.unmark_gold([a1, a2])
    offered: list[list[str]] = []

    def choose(_parent: object, _title: str, _text: str, coders: list[str]) -> str:
        offered.append(coders)
        return "anna"

    monkeypatch.setattr("ui.window_gold.ask_gold_coder", choose)
    window = make_window(path, "lead")
    window.show_article(a2)
    window.registry["gold_mark"].trigger()
    assert offered == [["adjudicated", "anna"]]  # who finished it, adjudicated first
    assert "Marked 1 article as gold (anna)" in window.statusBar().currentMessage()
    window.registry["gold_unmark"].trigger()
    monkeypatch.setattr("ui.window_gold.ask_gold_coder", lambda *_a: "expert")
    window.registry["gold_mark_done_by"].trigger()
    with Project.open(path, read_only=True) as p:
        assert [(g.article_id, g.gold_coder, g.marked_by) for g in p.gold_articles()] == [
            (a1, "expert", "lead")
        ]
    menu_titles = [a.text() for a in window.menuBar().actions()]
    assert "Gold &standard" in menu_titles


def test_marking_gold_an_article_nobody_finished_says_why(
    make_window: MakeWindow, tmp_path: Path
) -> None:
    path = study_path(tmp_path, anna_done=False)
    with Project.open(path) as p:
        a1, _ = p.article_ids()
        p.unmark_gold([a1])
        p.set_status(a1, "expert", Status.IN_PROGRESS)
    window = make_window(path, "lead")
    window.show_article(a1)
    window.registry["gold_mark"].trigger()
    assert "No coder has marked this article done" in window.statusBar().currentMessage()


# -- the report ----------------------------------------------------------------------------------


def test_the_report_has_an_against_gold_tab_per_coder(tmp_path: Path, qtbot: QtBot) -> None:
    path = study_path(tmp_path, anna_done=True)
    with Project.open(path) as p:
        report = ReportWindow(p, lambda a, s: None)
        qtbot.addWidget(report)
        tabs = [report.tabs.tabText(i) for i in range(report.tabs.count())]
        assert tabs[-1] == "Against gold"
        tab = report.gold_tab
        assert tab is not None
        qtbot.waitUntil(lambda: tab.loaded)
        cells = [tab.coder_model.index(0, c).data() for c in range(6)]
        assert cells == ["anna", f"{74 / 131:.3f}", f"{6 / 11:.3f}", "10", "2", "3"]
        assert tab.code_model.rowCount() == 4  # anna's per-code scores, selected at once
        qtbot.waitUntil(lambda: not report.computing)
        report.close()


def test_the_report_has_no_gold_tab_without_a_gold_standard(
    make_project: Callable[..., Project], qtbot: QtBot
) -> None:
    p = make_project("demo", demo=True)
    report = ReportWindow(p, lambda a, s: None)
    qtbot.addWidget(report)
    assert report.gold_tab is None
    assert "Against gold" not in [report.tabs.tabText(i) for i in range(report.tabs.count())]
    qtbot.waitUntil(lambda: not report.computing)
    report.close()


def test_switching_coder_closes_the_training_view(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view shows gold on anna's finished articles, which ben may still code blind."""
    window = make_window(study_path(tmp_path, anna_done=True), "anna")
    window.registry["compare_gold"].trigger()
    training = training_of(window)
    qtbot.waitUntil(lambda: training.loaded)
    monkeypatch.setattr(window, "_ask_coder", lambda _known, _current: "ben")
    window.switch_coder()
    assert training.closed
    assert window.coder == "ben"
