"""The only place that creates the QApplication and wires logging, the excepthook and the window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QStyleFactory, QWidget

from annotator.errors import AnnotatorError
from annotator.logs import configure_logging
from annotator.paths import icons_dir
from ui.theme import apply_theme

log = logging.getLogger(__name__)

ORGANIZATION = "annotator"
APPLICATION = "annotator"
#: the freedesktop/AppStream id: the name of the .desktop entry, metainfo, MIME package and icon
#: in packaging/linux/ (reverse of the organisation domain; tests/core/test_packaging_files.py).
APP_ID = "invalid.annotator.Annotator"


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


def apply_look(app: QApplication, theme: str | None = None) -> None:
    """Fusion in the chosen theme (the coder's setting unless given); the palette does the rest."""
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    if theme is None:
        from ui.settings import THEME, Settings

        theme = Settings().get(THEME)
    apply_theme(app, theme)


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
