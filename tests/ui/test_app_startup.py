"""What the app sets up before its window: its identity (settings folders, the desktop entry),
its icon, its look, and the ready line a smoke test waits for; a project that cannot be opened
still gives a window."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from annotator.paths import icons_dir
from ui.app import (
    APP_ID,
    READY_LINE,
    app_icon,
    apply_look,
    quit_once_usable,
    set_identity,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def look_kept(qapp: QApplication) -> Iterator[None]:
    """apply_look changes the app's style, palette and style sheet; later tests get them back."""
    palette, sheet, style = QPalette(qapp.palette()), qapp.styleSheet(), qapp.style().name()
    desktop = QGuiApplication.desktopFileName()
    yield
    qapp.setPalette(palette)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    QGuiApplication.setDesktopFileName(desktop)


def test_the_identity_names_the_settings_folders_and_the_desktop_entry(
    qapp: QApplication, look_kept: None
) -> None:
    set_identity(qapp)
    assert QCoreApplication.organizationName() == "annotator"
    assert QCoreApplication.applicationName() == "annotator"
    assert QGuiApplication.desktopFileName() == APP_ID
    entry = REPO / "packaging" / "linux" / f"{APP_ID}.desktop"
    assert entry.exists(), "the desktop entry Wayland matches the window to"


def test_the_icon_offers_every_size_drawn(qapp: QApplication) -> None:
    pngs = sorted(icons_dir().glob("annotator-*.png"))
    assert pngs, "resources/icons holds the PNG sizes of the icon"
    drawn = {Image.open(p).size[0] for p in pngs}
    offered = {size.width() for size in app_icon().availableSizes()}
    assert offered == drawn
    assert not app_icon().pixmap(64, 64).toImage().isNull()


def test_the_look_is_fusion_in_the_chosen_theme(qapp: QApplication, look_kept: None) -> None:
    apply_look(qapp, "dark")
    assert qapp.style().name().lower() == "fusion"
    assert qapp.palette().color(QPalette.ColorRole.Window).name() == "#2b2b2b"
    apply_look(qapp, "light")
    assert qapp.palette().color(QPalette.ColorRole.Window).name() != "#2b2b2b"


class _QuitRecorder:
    """Stands in for QApplication.quit, which would end the test session's event loop."""

    def __init__(self) -> None:
        self.quits = 0

    def quit(self) -> None:
        self.quits += 1


def test_once_the_window_has_painted_the_ready_line_is_printed_and_the_app_quits(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    app = _QuitRecorder()
    quit_once_usable(window, app)  # type: ignore[arg-type]
    qtbot.wait(30)
    assert app.quits == 0  # not on screen yet: it waits
    window.show()
    qtbot.waitUntil(lambda: app.quits == 1, timeout=5000)
    assert capsys.readouterr().out == READY_LINE + "\n"
    assert not window.isVisible()


def test_a_file_that_is_not_a_project_still_opens_the_window(tmp_path: Path) -> None:
    """The error is shown over the window (not instead of it) and the app keeps running."""
    bad = tmp_path / "notes.annotator"
    bad.write_text("these are my notes, not a project", encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "QT_QPA_PLATFORM": "offscreen",
    }
    script = "import sys; from ui.launcher import main; raise SystemExit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", script, "open", str(bad), "--coder", "zoe", "--quit-when-ready"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == [READY_LINE]
    assert bad.read_text(encoding="utf-8") == "these are my notes, not a project"  # untouched
