"""Notice a codebook changed by another program (``annotator codebook import`` while the window is
open): without this the window kept the old names and keys, and new keys did nothing, silently.

A QTimer asks the project every POLL_MS, and again whenever the app becomes active (the coder
switching back from a terminal is the usual moment); the check reads the codebook's few rows.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from annotator.errors import AnnotatorError
from annotator.project import Project

log = logging.getLogger(__name__)

POLL_MS = 2000


class CodebookWatch(QObject):
    """Emits changed() once per outside change of the watched project's codebook."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._project: Project | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.check)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state_changed)

    def set_project(self, project: Project | None) -> None:
        self._project = project
        if project is None or project.closed:
            self.timer.stop()
        else:
            self.timer.start()

    def check(self) -> bool:
        """Ask now; True (and changed() emitted) if the codebook is not what was read before."""
        project = self._project
        if project is None or project.closed:
            return False
        try:
            changed = project.codebook_changed()
        except AnnotatorError as exc:  # a busy or vanished file: try again on the next tick
            log.info("codebook check skipped: %s", exc)
            return False
        if changed:
            log.info("the codebook of %s was changed by another program", project.path.name)
            self.changed.emit()
        return changed

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()
