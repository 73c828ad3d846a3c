"""UI fixtures: isolated QSettings and data folder, and a factory for real main windows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def isolated_settings(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test gets its own QSettings file and user data folder."""
    folder = tmp_path / "settings"
    QCoreApplication.setOrganizationName("annotator-tests")
    QCoreApplication.setApplicationName("annotator-ui-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setenv("ANNOTATOR_DATA_DIR", str(tmp_path / "data"))
    yield folder


@pytest.fixture(autouse=True)
def unblind_answer(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """The blind-coding question ("Continue?") is answered Continue, so no test waits on a modal
    box; a test that checks the question sets ``ui.window_session.ask_unblind`` itself. The list
    records one entry per question asked."""
    import ui.window_session

    asked: list[bool] = []

    def answer(_parent: object) -> bool:
        asked.append(True)
        return True

    monkeypatch.setattr(ui.window_session, "ask_unblind", answer)
    return asked


@pytest.fixture(autouse=True)
def done_answer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The question before editing a done article is answered "Edit, keep done" (the demo's
    coders have marked every article done), so no test waits on a modal box; a test of the
    question sets ``ui.done_guard.ask_reopen`` itself. The list records one entry per question."""
    import ui.done_guard

    asked: list[str] = []

    def answer(_parent: object) -> tuple[ui.done_guard.DoneChoice, bool]:
        asked.append("asked")
        return ui.done_guard.DoneChoice.KEEP_DONE, False

    monkeypatch.setattr(ui.done_guard, "ask_reopen", answer)
    return asked


@pytest.fixture
def demo_path(make_project: Callable[..., object]) -> Path:
    """A real demo project file (anna and ben have coded every article)."""
    project = make_project("demo", demo=True)
    return Path(project.path)  # type: ignore[attr-defined]


@pytest.fixture
def make_window(qtbot: object) -> Iterator[Callable[..., object]]:
    """Factory: make_window(path=None, coder="carol") -> a shown MainWindow (closed afterwards)."""
    from ui.main_window import MainWindow

    windows: list[MainWindow] = []

    def factory(path: Path | None = None, coder: str | None = "carol") -> MainWindow:
        window = MainWindow()
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        if path is not None:
            window.open_project(path, coder)
        window.show()
        qtbot.waitExposed(window)  # type: ignore[attr-defined]
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # type: ignore[attr-defined]
        windows.append(window)
        return window

    yield factory
    for w in windows:
        w.close()
