"""The main window's file actions: new, open and recent projects, import, export, merge, restore
a backup, and the windows opened on the project (agreement report, adjudication).

Each is a dispatcher: it asks for a file or opens a dialog, and the work is done by the Project
(off the GUI thread where it is long, see ui.workers).

A mixin of MainWindow (it uses the window's project session and status bar).
"""

from __future__ import annotations

from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.project import Project
from ui import settings as keys
from ui.file_dialogs import SafeFileDialog
from ui.import_dialog import run_import


class FileActions:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def new_project_dialog(self) -> None:
        path_str, _ = SafeFileDialog.getSaveFileName(
            self,
            "New project",
            str(Path.home() / "study.annotator"),
            "annotator projects (*.annotator)",
        )
        if not path_str:
            return
        path = Path(path_str)
        if path.suffix != ".annotator":
            path = path.with_suffix(".annotator")
        try:
            from annotator.codebook import default_codebook

            Project.create(path, codebook=default_codebook()).close()
            self.open_project(path, self.coder)
        except AnnotatorError as exc:
            self._error("New project", exc)

    def open_project_dialog(self) -> None:
        start = str(self.project.path.parent) if self.project else str(Path.home())
        path_str, _ = SafeFileDialog.getOpenFileName(
            self, "Open project", start, "annotator projects (*.annotator);;All files (*)"
        )
        if path_str:
            self._open_safely(Path(path_str))

    def _open_safely(self, path: Path) -> None:
        try:
            self.open_project(path, self.coder)
        except AnnotatorError as exc:
            self._error("Open project", exc)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.get(keys.RECENT_PROJECTS)
        if not recent:
            none = self.recent_menu.addAction("No recent projects")
            none.setEnabled(False)
            return
        for entry in recent:
            action = self.recent_menu.addAction(Path(entry).name)
            action.setToolTip(entry)
            action.setStatusTip(entry)
            action.setEnabled(Path(entry).is_file())
            action.triggered.connect(lambda _c=False, e=entry: self._open_safely(Path(e)))

    def import_paths(self, paths: list[Path] | None) -> None:
        if self.project is None or not self._writable_or_say():
            return
        dialog = run_import(self, self.project, paths, self._import_done)
        if dialog is not None:
            dialog.finished.connect(lambda _result: self._refocus())

    def _import_done(self, report: object) -> None:
        if hasattr(report, "codes_added"):  # a REFI-QDA project: codes and coders came too
            self._merged(report)
        else:
            self.reload()
        self._refocus()
        summary = getattr(report, "summary", None)
        if callable(summary):
            self.statusBar().showMessage(str(summary()), 8000)

    def open_export(self) -> None:
        project = self.project
        if project is not None:
            from ui.export_dialog import open_export  # pandas: loaded when first used

            self._open_child("Export", lambda: open_export(self, project))

    def open_merge(self) -> None:
        project = self.project
        if project is not None and self._writable_or_say():
            from ui.merge_dialog import open_merge

            self._open_child("Merge", lambda: open_merge(self, project, self._merged))

    def restore_backup(self) -> None:
        """File > Restore backup: the project is closed, replaced by the backup, and reopened."""
        if self.project is None or not self._writable_or_say():
            return
        from ui.backup_dialog import open_restore_backup

        path = self.project.path
        reopened = open_restore_backup(self, path, close_project=self._close_project)
        if reopened is not None:
            self._open_safely(reopened)

    def _merged(self, _report: object = None) -> None:
        """After a merge: new codes get panel entries and keys, new coders and articles show."""
        if self.project is None:
            return
        self.undo_stack.clear()
        self._apply_codebook()
        self._set_coder(self.coder or "")
        self.reload()

    def open_report(self) -> None:
        project = self.project
        if project is not None and self.confirm_unblind():
            from ui.report_window import open_report  # numpy and the agreement code: when used

            jump = self._jump_for(project)
            self._open_child("Agreement report", lambda: open_report(self, project, jump))

    def open_team_progress(self) -> None:
        """The lead's live view of each coder's progress (what the server lets them read)."""
        project = self.project
        if project is not None:
            from ui.team_progress import open_team_progress

            self._open_child("Team progress", lambda: open_team_progress(self, project))

    def open_adjudication(self) -> None:
        project = self.project
        if project is not None and self.confirm_unblind():
            from ui.adjudication_window import open_adjudication

            jump = self._jump_for(project)
            self._open_child("Adjudication", lambda: open_adjudication(self, project, jump))
