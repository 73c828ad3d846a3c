"""The only place that creates the QApplication and wires logging, the excepthook and the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QStyleFactory

from annotator.errors import AnnotatorError
from annotator.logs import configure_logging
from ui.theme import apply_theme

log = logging.getLogger(__name__)

ORGANIZATION = "annotator"
APPLICATION = "annotator"
STYLE_SHEET = Path(__file__).with_name("style.qss")


def set_identity(app: QGuiApplication) -> None:
    """Names QSettings and QStandardPaths use for this app's folders."""
    app.setOrganizationName(ORGANIZATION)
    app.setOrganizationDomain("annotator.invalid")
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("annotator")


def apply_look(app: QApplication, theme: str | None = None) -> None:
    """Fusion in the chosen theme (the coder's setting unless given), plus a small style sheet."""
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    if theme is None:
        from ui.settings import THEME, Settings

        theme = Settings().get(THEME)
    apply_theme(app, theme)
    if STYLE_SHEET.exists():
        app.setStyleSheet(STYLE_SHEET.read_text(encoding="utf-8"))


def run_app(project: str | None, coder: str | None, debug: bool) -> int:
    """Start the desktop app; returns the exit code."""
    log_file = configure_logging(debug)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    set_identity(app)
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
    code = app.exec()
    log.info("annotator closed")
    return int(code)
