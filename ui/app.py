"""The only place that creates the QApplication and wires logging, the excepthook and the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from annotator.errors import AnnotatorError
from annotator.logs import configure_logging

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
