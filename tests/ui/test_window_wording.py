"""Small things a new user met: the title, the shortcut sheet, the confusion matrix's totals and
one word for "no code"."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from pytestqt.qtbot import QtBot

from annotator.project import Project
from tests.ui.test_report_window import open_window
from ui.main_window import MainWindow
from ui.report_models import NO_CODE, TOTAL, VALUE_ROLE, MatrixModel
from ui.shortcuts_dialog import shortcut_text

MakeWindow = Callable[..., MainWindow]


def test_the_title_names_the_app_once_and_last(make_window: MakeWindow, demo_path: Path) -> None:
    window = make_window(demo_path, "anna")
    name = QGuiApplication.applicationDisplayName()
    # ending with the display name, window systems add no second one (formatWindowTitle)
    assert window.windowTitle().split(" — ") == ["demo.annotator", "anna", name]


def test_the_shortcut_sheet_leaves_out_keys_few_keyboards_have(qtbot: QtBot) -> None:
    undo = QAction("Undo")
    undo.setShortcuts([QKeySequence("Ctrl+Z"), QKeySequence("F14"), QKeySequence("Alt+Backspace")])
    assert shortcut_text(undo) == "Ctrl+Z, Alt+Backspace"
    f5 = QAction("Reload")
    f5.setShortcut(QKeySequence("F5"))
    assert shortcut_text(f5) == "F5"


def test_the_window_shows_the_undo_key_of_this_platform(
    make_window: MakeWindow, demo_path: Path
) -> None:
    window = make_window(demo_path, "anna")
    first = QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)[0]
    shown = shortcut_text(window.undo_action)
    assert shown.split(", ")[0] == first.toString(QKeySequence.SequenceFormat.NativeText)
    assert "F14" not in shown


def test_the_confusion_matrix_has_totals_and_says_no_code(
    qtbot: QtBot, make_project: Callable[..., Project]
) -> None:
    demo = make_project("demo", demo=True)
    window = open_window(qtbot, demo)
    model = window.tabs.matrix_model
    n = model.rowCount()
    labels = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(n)]
    assert labels[-1] == TOTAL
    assert "none" not in labels and NO_CODE in labels
    cell = [[model.index(r, c).data(VALUE_ROLE) for c in range(n)] for r in range(n)]
    m = np.array(cell)
    assert np.allclose(m[:-1, -1], m[:-1, :-1].sum(axis=1))
    assert np.allclose(m[-1, :-1], m[:-1, :-1].sum(axis=0))
    assert m[-1, -1] == window.report.n_units  # type: ignore[union-attr]
    scopes = [window.tabs.coefficient_model.index(r, 0).data() for r in range(1, 6)]
    assert "none" not in scopes and NO_CODE in scopes  # the coefficient rows say it the same way
    window.close()


def test_a_matrix_without_totals_stays_square_over_its_labels(qtbot: QtBot) -> None:
    model = MatrixModel()
    model.set_matrix(["a", "none"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert model.rowCount() == model.columnCount() == 2
    assert model.headers() == ["a", NO_CODE]


def test_zoom_scales_every_pane_of_the_window(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = make_window(demo_path, "anna")
    qtbot.waitUntil(lambda: window.sentence_view.hasFocus())
    widgets = {
        "sentences": window.sentence_view,
        "articles": window.article_view,
        "codebook": window.codebook_panel.tree,
        "definition": window.codebook_panel.details,
        "status": window.position_label,
        "title": window.article_panel.title_label,
    }
    before = {k: w.font().pointSizeF() for k, w in widgets.items()}
    for _ in range(2):
        qtbot.keyClick(window.sentence_view, "=", Qt.KeyboardModifier.ControlModifier)
    after = {k: w.font().pointSizeF() for k, w in widgets.items()}
    for name in widgets:
        if name == "title":  # a third larger than the rest, at every size
            assert after[name] > before[name]
        else:
            assert after[name] == before[name] + 2, name
    qtbot.keyClick(window.sentence_view, "0", Qt.KeyboardModifier.ControlModifier)
    assert {k: w.font().pointSizeF() for k, w in widgets.items()} == before
