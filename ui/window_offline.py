"""The main window on a server project whose server goes away: the coder keeps coding.

Every label and status command goes through a ``JournaledTarget`` (annotator.offline_journal):
written to the server while it answers, kept in a journal on this computer (fsynced before the
window shows the change) while it does not. The status bar says so at once, in the warning
colour, with the number of changes kept; a timer tries to send them every few seconds and says
when all are on the server. A journal left by an app that was killed is sent when the project
is next opened under that coder.

A mixin of MainWindow (it uses the window's project, coder, models and status bar).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from annotator.commands import LabelCommand
from annotator.errors import ProjectLockedError
from annotator.offline_journal import (
    Journal,
    JournaledTarget,
    journal_path,
    toggle_command_offline,
)
from annotator.records import Status
from ui.workers import start_job

log = logging.getLogger(__name__)

#: How often the window tries to send journaled changes while the server is away.
RETRY_MS = 3_000


class OfflineController:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def _build_offline_indicator(self) -> None:
        self._journaled: JournaledTarget | None = None
        self._sending = False
        self.offline_label = QLabel(self)
        self.offline_label.setObjectName("offlineIndicator")
        self.offline_label.setStyleSheet("color: #d55e00; font-weight: 600;")
        self.offline_label.hide()
        self.statusBar().addPermanentWidget(self.offline_label)
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(RETRY_MS)
        self._retry_timer.timeout.connect(self.send_journal)

    def _start_journal(self) -> None:
        """For a server project and coder: route coding through the journal, and send what a
        previous session left in it."""
        self._stop_journal()
        p = self.project
        if p is None or self.coder is None or not getattr(p, "is_server", False) or p.read_only:
            return
        journal = Journal(journal_path(p.name, self.coder))
        self._journaled = JournaledTarget(
            p, journal, self._known_status, on_change=self._show_offline_state
        )
        if self._journaled.pending:
            log.info("%d changes from an earlier session wait to be sent", len(journal))
            self._show_offline_state()
            QTimer.singleShot(0, self.send_journal)

    def _stop_journal(self) -> None:
        self._retry_timer.stop()
        self._journaled = None
        self.offline_label.hide()

    def _coding_target(self) -> object:
        """Where label and status commands are applied: the journal on a server project."""
        return self._journaled if self._journaled is not None else self.project

    @property
    def working_offline(self) -> bool:
        return self._journaled is not None and self._journaled.offline

    def _known_status(self, article_id: int, coder: str) -> Status:
        summary = self.article_list_model.summary_of(article_id)
        return summary.status if summary is not None else Status.NOT_STARTED

    def _toggle_offline(self, sentence_ids: list[int], code_id: int) -> LabelCommand | None:
        """A key press planned from the labels the window shows (the server cannot be asked)."""
        p = self.project
        if p is None or self.coder_id is None:
            self.statusBar().showMessage(
                "The server cannot be reached: your first label needs it; try again", 5000
            )
            return None
        code = p.code(code_id)
        have = {}
        for sid in sentence_ids:
            row = self.sentence_model.row_of(sid)
            own = self.sentence_model.own_codes(row) if row is not None else []
            have[sid] = {c.id for c in own}
        return toggle_command_offline(p.codebook, have, code, self.coder_id)

    def send_journal(self) -> None:
        """Try to send the journaled changes, off the GUI thread (a server that does not answer
        can take its connect timeout); the retry timer calls this."""
        target = self._journaled
        if target is None or not target.pending:
            self._retry_timer.stop()
            return
        if self._sending:
            return
        self._sending = True

        def sent(_n: object) -> None:
            self._sending = False
            self._show_offline_state()
            if not target.pending:
                self.statusBar().showMessage("Back online: every change is on the server", 8000)

        def failed(exc: BaseException, _details: str) -> None:
            self._sending = False
            self._show_offline_state()
            if isinstance(exc, ProjectLockedError):  # another writer held it: try again
                return
            log.error("the server refused journaled changes: %s", exc)
            self.statusBar().showMessage(f"The server refused changes kept offline: {exc}")
            self._retry_timer.stop()

        start_job(
            self,
            "Sending changes kept offline",
            lambda _progress, _cancel: target.send(),
            sent,
            on_error=failed,
            writes=True,
            show_dialog=False,
        )

    def _show_offline_state(self) -> None:
        target = self._journaled
        n = target.pending if target is not None else 0
        if n:
            self.offline_label.setText(
                f"Server unreachable: {n} change{'s' if n != 1 else ''} kept on this computer"
            )
            self.offline_label.setToolTip(
                "Your work is saved in a journal on this computer and is sent to the server as "
                "soon as it answers again. You can keep coding, and close the app safely."
            )
            self.offline_label.show()
            if not self._retry_timer.isActive():
                self._retry_timer.start()
        else:
            self.offline_label.hide()
            self._retry_timer.stop()
