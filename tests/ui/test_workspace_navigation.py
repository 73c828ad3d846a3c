"""Finding, jumping, undo across articles, switching coder and code-key conflicts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent
from pytestqt.qtbot import QtBot

from annotator.codebook import Codebook, default_codebook
from annotator.project import Project
from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def window(make_window: MakeWindow, demo_path: Path, qtbot: QtBot) -> MainWindow:
    w = make_window(demo_path, "carol")
    qtbot.waitUntil(w.sentence_view.hasFocus)
    return w


def current_text(window: MainWindow) -> str:
    return str(window.sentence_view.currentIndex().data())


def test_ctrl_f_opens_the_find_bar_and_selects_the_matching_sentence(
    window: MainWindow, qtbot: QtBot
) -> None:
    qtbot.keyClick(window.sentence_view, "f", Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar is not None and window.find_bar.isVisible()
    window.find_bar.search.emit("petrova", True)  # type: ignore[attr-defined]
    assert "Petrova" in current_text(window)


def test_find_wraps_around_and_counts_matches(window: MainWindow) -> None:
    first = window.article_panel.find_text("said", True)
    rows = {window.sentence_view.currentIndex().row()}
    for _ in range(first[1]):
        rows.add(window.sentence_view.currentIndex().row())
        window.article_panel.find_text("said", True)
    assert len(rows) == first[1]
    assert all("said" in str(window.article_panel.proxy.index(r, 0).data()) for r in rows)


def test_jump_opens_the_article_at_the_sentence(window: MainWindow) -> None:
    p = window.project
    assert p is not None
    target_article = p.article_ids()[2]
    target = p.sentences(target_article)[4]
    window.jump(target_article, target.id)
    assert window.current_article_id() == target_article
    assert window.article_panel.current_sentence_id() == target.id


def test_undo_after_moving_on_shows_the_article_it_changes(
    window: MainWindow, qtbot: QtBot
) -> None:
    first = window.current_article_id()
    qtbot.keyClick(window.sentence_view, "m")
    window.step_article(1)
    qtbot.keyClick(window.sentence_view, "z", Qt.KeyboardModifier.ControlModifier)
    assert window.current_article_id() == first
    assert window.sentence_model.n_coded() == 0
    summary = window.article_list_model.summary_of(first)  # type: ignore[arg-type]
    assert summary is not None and summary.n_coded == 0


def test_switch_coder_shows_that_coders_labels(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.coder_dialog

    monkeypatch.setattr(ui.coder_dialog, "choose_coder", lambda parent, known, current: "anna")
    assert window.sentence_model.n_coded() == 0
    window.registry["switch_coder"].trigger()
    assert window.coder == "anna"
    assert window.sentence_model.n_coded() > 0
    assert "anna" in window.windowTitle()


def test_first_start_asks_for_the_coder(
    make_window: MakeWindow, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.coder_dialog

    asked: list[list[str]] = []

    def choose(parent: object, known: list[str], current: str | None) -> str:
        asked.append(known)
        return "dora"

    monkeypatch.setattr(ui.coder_dialog, "choose_coder", choose)
    w = make_window(demo_path, None)
    assert asked == [["anna", "ben"]]
    assert w.coder == "dora"


def clashing_codebook() -> Codebook:
    cb = default_codebook()
    group = cb.groups[0]
    codes = list(group.codes)
    codes[0] = codes[0].model_copy(update={"key": "j"})
    groups = (group.model_copy(update={"codes": tuple(codes)}), *cb.groups[1:])
    return cb.model_copy(update={"groups": groups})


def test_code_key_that_clashes_with_a_builtin_is_reported_and_not_bound(
    make_window: MakeWindow, make_project: Callable[..., Project], qtbot: QtBot
) -> None:
    from annotator.paths import sample_articles_dir

    project = make_project("clash", codebook=clashing_codebook())
    project.import_paths(sorted(sample_articles_dir().glob("*.txt"))[:1])
    w = make_window(project.path, "carol")
    clashing = project.codebook.codes[0]
    assert f"'{clashing.name}'" in w.statusBar().currentMessage()
    qtbot.keyClick(w.sentence_view, "j")
    assert w.sentence_view.currentIndex().row() == 1  # j still moves
    assert w.sentence_model.n_coded() == 0


def drag_enter(window: MainWindow, mime: QMimeData) -> QDragEnterEvent:
    event = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    event.setAccepted(False)
    window.dragEnterEvent(event)
    return event


def test_dragging_text_onto_the_window_is_refused(window: MainWindow) -> None:
    mime = QMimeData()
    mime.setText("not a file")
    assert not drag_enter(window, mime).isAccepted()


def test_dragging_files_onto_the_window_is_accepted(window: MainWindow, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    assert drag_enter(window, mime).isAccepted()
