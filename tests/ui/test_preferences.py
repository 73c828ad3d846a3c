"""Edit > Preferences: a dark theme (or light, or the system's) and the text size, kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ui import settings as keys
from ui.app import apply_look
from ui.main_window import MainWindow
from ui.preferences_dialog import PreferencesDialog
from ui.settings import Settings

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def palette_kept(qapp: QApplication) -> Iterator[None]:
    """The test may change the app's palette; the next test gets the old one back."""
    before = QPalette(qapp.palette())
    yield
    qapp.setPalette(before)


def window_color() -> str:
    return QApplication.palette().color(QPalette.ColorRole.Window).name()


def answer_dialog(theme: str, size: float | None = None) -> None:
    """When the dialog shows: choose the theme (and size), then OK."""

    def go() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, PreferencesDialog)
        dialog.theme_combo.setCurrentIndex(dialog.theme_combo.findData(theme))
        if size is not None:
            dialog.size_spin.setValue(size)
        dialog.accept()

    QTimer.singleShot(0, go)


def test_choosing_dark_turns_the_app_dark_at_once_and_is_kept(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot, palette_kept: None
) -> None:
    window = make_window(demo_path, "anna")
    assert window_color() != "#2b2b2b"
    answer_dialog("dark")
    window.registry["preferences"].trigger()
    assert window_color() == "#2b2b2b"
    view = window.sentence_view
    qtbot.waitUntil(lambda: view.palette().color(QPalette.ColorRole.Base).name() == "#1f1f1f")
    assert Settings().get(keys.THEME) == "dark"
    answer_dialog("light")
    window.registry["preferences"].trigger()
    assert window_color() != "#2b2b2b"


def test_the_next_start_uses_the_chosen_theme(qapp: QApplication, palette_kept: None) -> None:
    Settings().set(keys.THEME, "dark")
    apply_look(qapp)
    assert window_color() == "#2b2b2b"


def test_the_text_size_in_preferences_is_the_zoom(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot, palette_kept: None
) -> None:
    window = make_window(demo_path, "anna")
    size = window.sentence_point_size() + 3
    answer_dialog("system", size)
    window.open_preferences()
    assert window.sentence_view.font().pointSizeF() == size
    assert window.article_view.font().pointSizeF() == size
    assert Settings().get(keys.SENTENCE_POINT_SIZE) == size
