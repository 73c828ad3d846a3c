"""The only place that creates the QApplication and wires logging, the excepthook and the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from annotator.errors import AnnotatorError
from annotator.logs import configure_logging
from annotator.paths import icons_dir

log = logging.getLogger(__name__)

ORGANIZATION = "annotator"
APPLICATION = "annotator"
#: the freedesktop/AppStream id: the name of the .desktop entry, metainfo, MIME package and icon
#: in packaging/linux/ (reverse of the organisation domain; tests/core/test_packaging_files.py).
APP_ID = "invalid.annotator.Annotator"
STYLE_SHEET = Path(__file__).with_name("style.qss")


def set_identity(app: QGuiApplication) -> None:
    """Names QSettings and QStandardPaths use for this app's folders."""
    app.setOrganizationName(ORGANIZATION)
    app.setOrganizationDomain("annotator.invalid")
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("annotator")
    # Wayland compositors match the window to the installed .desktop entry (and its icon) by this.
    app.setDesktopFileName(APP_ID)


def app_icon() -> QIcon:
    """The application icon, every PNG size of resources/icons (the SVG is their source)."""
    icon = QIcon()
    for png in sorted(icons_dir().glob("annotator-*.png")):
        icon.addFile(str(png))
    return icon


def apply_look(app: QApplication) -> None:
    """Fusion with the system's light or dark scheme, plus a small style sheet."""
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    scheme = QGuiApplication.styleHints().colorScheme()
    app.setPalette(
        dark_palette() if scheme == Qt.ColorScheme.Dark else app.style().standardPalette()
    )
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))


def dark_palette() -> QPalette:
    from PySide6.QtGui import QColor

    p = QPalette()
    role = QPalette.ColorRole
    for r, c in (
        (role.Window, "#2b2b2b"),
        (role.WindowText, "#e6e6e6"),
        (role.Base, "#1f1f1f"),
        (role.AlternateBase, "#262626"),
        (role.Text, "#e6e6e6"),
        (role.Button, "#323232"),
        (role.ButtonText, "#e6e6e6"),
        (role.Highlight, "#3d7cc9"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#323232"),
        (role.ToolTipText, "#e6e6e6"),
        (role.PlaceholderText, "#9a9a9a"),
        (role.Link, "#6fb1ff"),
        (role.Mid, "#5a5a5a"),
    ):
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor("#808080"))
    return p


READY_LINE = "annotator: window ready"


def quit_once_usable(window: QWidget, app: QApplication) -> None:
    """Once the window is on screen and has painted, print READY_LINE and close it.

    For a smoke test of a built app and for start-up timing (`annotator open --quit-when-ready`):
    the line marks the moment a researcher could start coding, measured from outside."""

    def check() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(10, check)
            return
        window.repaint()  # the first paint is part of being usable
        if sys.stdout is not None:  # None in a windowed build (annotatorw.exe)
            print(READY_LINE, flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(0, check)


def run_app(
    project: str | None, coder: str | None, debug: bool, quit_when_ready: bool = False
) -> int:
    """Start the desktop app; returns the exit code."""
    log_file = configure_logging(debug)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    set_identity(app)
    app.setWindowIcon(app_icon())
    apply_look(app)
    from ui.errors import install_excepthook
    from ui.main_window import MainWindow

    install_excepthook()
    log.info("annotator starting (log: %s)", log_file)
    window = MainWindow()
    try:
        window.open_initial(project, coder)
    except AnnotatorError as exc:
        from ui.errors import show_error

        log.warning("could not open %s: %s", project, exc)
        window.show()
        show_error(window, "Open project", exc)
    window.show()
    if quit_when_ready:
        quit_once_usable(window, app)
    code = app.exec()
    log.info("annotator closed")
    return int(code)
