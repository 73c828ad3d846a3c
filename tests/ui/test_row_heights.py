"""Row heights are right on the first paint: no sentence is drawn in a row too short for it.

The delegate cached each row's text height by sentence id alone. Sentence ids start at 1 in every
project, so after File > New project and an import (the demo was open before), or after opening
another project, rows took the heights of the *previous* project's sentences with the same ids:
three-line sentences in two-line rows, until a zoom emptied the cache. Merging two sentences kept
the first one's id and its old, shorter height the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from annotator.imports import ParsedArticle
from annotator.project import Project
from ui.main_window import MainWindow
from ui.sentence_delegate import _WRAP, PAD_V, PARAGRAPH_GAP
from ui.sentence_model import LAYOUT_ROLE

MakeWindow = Callable[..., MainWindow]

LONG = (
    "The regional governor said on Tuesday that the convoy carrying medical supplies, food and "
    "winter clothing for the displaced families had been stopped at the checkpoint for a third "
    "day running, although the ministry insisted that every document had been in order. "
)


def long_article(n: int = 40) -> ParsedArticle:
    """Many sentences that wrap onto three or more lines in a normal window."""
    text = "".join(f"Report {i}: {LONG}" for i in range(n)).strip()
    return ParsedArticle(text=text, origin="long.txt", title="Long sentences")


def short_article(n: int = 40) -> ParsedArticle:
    """As many one-line sentences (the same sentence ids in a project of their own)."""
    text = " ".join(f"Short line {i}." for i in range(n))
    return ParsedArticle(text=text, origin="short.txt", title="Short sentences")


def project_with(make_project: Callable[..., Project], name: str, article: ParsedArticle) -> Path:
    project = make_project(name)
    project.import_articles([article])
    path = project.path
    project.close()
    return path


def too_short_rows(window: MainWindow) -> list[tuple[int, int, int]]:
    """(row, height drawn, height its text needs at the width it is drawn) for every laid-out
    row whose rect cannot hold its wrapped text."""
    view = window.sentence_view
    delegate = view.delegate
    fm = QFontMetrics(view.font())
    bad = []
    for row in range(view.model().rowCount()):
        index = view.model().index(row, 0)
        rect = view.visualRect(index)
        if not rect.isValid():
            continue
        _sid, text, paragraph = index.data(LAYOUT_ROLE)
        text_w = delegate._text_width(rect.width())  # where paint() wraps this row
        need = fm.boundingRect(QRect(0, 0, text_w, 1_000_000), _WRAP, text).height()
        need += 2 * PAD_V + (PARAGRAPH_GAP if paragraph else 0)
        if rect.height() < need:
            bad.append((row, rect.height(), need))
    return bad


def settled(window: MainWindow, qtbot: QtBot) -> None:
    """Let the delayed and batched layouts run to their end."""
    view = window.sentence_view
    last = view.model().index(view.model().rowCount() - 1, 0)
    qtbot.waitUntil(lambda: view.visualRect(last).isValid(), timeout=5000)
    qtbot.wait(250)  # any re-layout a resize asked for (Qt waits 100 ms before one)


def test_rows_fit_their_text_after_another_project_was_open(
    make_project: Callable[..., Project], make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = make_window(project_with(make_project, "short", short_article()), "anna")
    settled(window, qtbot)
    window.open_project(project_with(make_project, "long", long_article()), "anna")
    settled(window, qtbot)
    assert too_short_rows(window) == []


def test_rows_fit_their_text_after_a_new_project_and_an_import(
    make_project: Callable[..., Project], make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = make_window(project_with(make_project, "short", short_article()), "anna")
    settled(window, qtbot)
    window.open_project(make_project("new").path, "anna")
    assert window.project is not None
    window.project.import_articles([long_article()])
    window.reload()  # what the import dialog does when it is done
    settled(window, qtbot)
    assert too_short_rows(window) == []


def test_a_merged_sentence_gets_the_height_of_its_longer_text(
    make_project: Callable[..., Project], make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = make_window(project_with(make_project, "long", long_article()), "anna")
    settled(window, qtbot)
    window.article_panel.select_row(0)
    window.merge_with_next()
    settled(window, qtbot)
    assert too_short_rows(window) == []


def test_rows_fit_their_text_on_the_first_view_after_opening(
    make_project: Callable[..., Project], make_window: MakeWindow, qtbot: QtBot
) -> None:
    path = project_with(make_project, "long", long_article())
    window = make_window(path, "anna")  # opened before the window is shown, as at launch
    settled(window, qtbot)
    assert window.sentence_model.rowCount() >= 40
    assert too_short_rows(window) == []


def test_rows_fit_their_text_after_an_import_into_a_shown_window(
    make_project: Callable[..., Project], make_window: MakeWindow, qtbot: QtBot
) -> None:
    path = make_project("empty").path
    window = make_window(path, "anna")
    assert window.project is not None
    window.project.import_articles([long_article()])
    window.reload()  # what the import dialog's "done" does
    settled(window, qtbot)
    assert window.sentence_model.rowCount() >= 40
    assert too_short_rows(window) == []


def test_rows_follow_a_narrower_window(
    make_project: Callable[..., Project], make_window: MakeWindow, qtbot: QtBot
) -> None:
    window = make_window(project_with(make_project, "narrow", long_article()), "anna")
    settled(window, qtbot)
    window.resize(window.width() - 300, window.height())
    settled(window, qtbot)
    assert too_short_rows(window) == []
