"""The main window's project session: opening and closing a project, its child windows, the
coder, where each coder left off, the backup on open, and the blind-coding rules.

Blind coding: other coders' labels stay hidden until the coder agrees to see them, once per
session, project and coder (`confirm_unblind`); opening a project or switching coder hides them
again (`_enforce_blind`).

A mixin of MainWindow (it uses the window's settings, panels, status bar and undo stack).
"""

from __future__ import annotations

import getpass
import importlib
import logging
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from annotator.errors import AnnotatorError, NotFoundError
from annotator.project import Project
from annotator.server_urls import is_server_url
from ui import icons
from ui import settings as keys
from ui.workers import cancel_and_wait, start_job

log = logging.getLogger(__name__)

#: the rolling backup is taken this long after a project opens (see _take_backup_in_background)
BACKUP_DELAY_MS = 3000

UNBLIND_QUESTION = "This shows other coders' labels, so your coding is no longer blind. Continue?"


def ask_unblind(parent: QWidget | None) -> bool:
    """Ask before anything shows other coders' labels; True to go on (Continue), False if not."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Blind coding")
    box.setText(UNBLIND_QUESTION)
    go = box.addButton("Continue", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is go


class ProjectSession:
    """Methods of MainWindow; they use its attributes (see ui.main_window)."""

    def open_initial(self, project: str | Path | None = None, coder: str | None = None) -> None:
        """What the app opens at start: the given file, else the last one, else the demo."""
        if project is not None:
            self.open_project(project if is_server_url(project) else Path(project), coder)
            return
        last = self.settings.get(keys.LAST_PROJECT)
        if last and Path(last).is_file():
            try:
                self.open_project(Path(last), coder)
                return
            except AnnotatorError as exc:
                log.warning("could not reopen %s: %s", last, exc)
        demo = keys.demo_project_path()
        if not demo.exists():
            from annotator.demo import build_demo

            demo.parent.mkdir(parents=True, exist_ok=True)
            build_demo(demo).close()
            log.info("built the demo project at %s", demo)
        self.open_project(demo, coder)

    def open_project(self, path: Path | str, coder: str | None = None) -> None:
        """Open a project (a file, or a PostgreSQL URL) and show where this coder left off
        (raises AnnotatorError)."""
        path = path if is_server_url(path) else Path(path)
        project = Project.open(path)
        try:
            name = self._resolve_coder(project, coder)
        except BaseException:
            project.close()
            raise
        self._close_project()
        self.project = project
        self.codebook_watch.set_project(project)
        self._set_coder(name)
        self._enforce_blind()
        if isinstance(path, Path):  # a server URL may carry a password: not kept in settings
            self.settings.add_recent(path)
        if self.corpus_find is not None:
            self.corpus_find.set_project(project)  # type: ignore[attr-defined]
        self._apply_codebook()
        self.article_list_model.set_summaries(project.article_summaries(self.coder))
        self.article_list_panel.hide_empty_columns()
        self._show_where_left_off()
        self._update_title()
        self._update_enabled()
        if project.read_only:
            self.statusBar().showMessage(
                f"{project.name} is open read-only: labels cannot be changed"
            )
        elif not project.is_server:  # a server project is backed up by its server
            # A few seconds later: copying a large project competes for the disk, and the
            # first seconds after opening are when the coder starts typing.
            QTimer.singleShot(BACKUP_DELAY_MS, self._take_backup_in_background)
        self.sentence_view.setFocus()

    def _close_project(self) -> None:
        """Close the child windows of the project, stop its background work, then close it.

        Cancelled writes keep what they committed (an import rolls itself back, a backup runs
        to its end); nothing writes to the file after it is closed.
        """
        if self.project is None:
            return
        self._save_position()
        self.send_journal()
        self._stop_journal()
        self.undo_stack.clear()
        self._close_children()
        cancel_and_wait(timeout_ms=10_000)
        self.codebook_watch.set_project(None)
        self.project.close()
        self.project = None
        self._article_id = None

    def _close_children(self) -> None:
        for child in self._children:
            if shiboken6.isValid(child):
                child.close()
        self._children = []

    def _keep_child(self, child: QWidget) -> None:
        self._children = [c for c in self._children if shiboken6.isValid(c) and c is not child]
        self._children.append(child)

    def _jump_for(self, project: Project) -> Callable[[int, int], None]:
        """jump() for a child window of this project: ignored once another project is open."""

        def jump(article_id: int, sentence_id: int) -> None:
            if self.project is project:
                self.jump(article_id, sentence_id)
            else:
                log.info("jump from a window of a closed project ignored")

        return jump

    def _open_child(self, title: str, opener: Callable[[], QWidget]) -> None:
        try:
            child = opener()
        except AnnotatorError as exc:
            self._error(title, exc)
            return
        self._keep_child(child)

    def _resolve_coder(self, project: Project, coder: str | None) -> str:
        name = coder or self.settings.get(keys.CODER) or None
        if not name:
            name = self._ask_coder(project.coders(), None)
        if not name:
            name = getpass.getuser() or "coder"
            self.statusBar().showMessage(f"Coding as {name} (File › Switch coder… to change)")
        return name

    def _ask_coder(self, known: list[str], current: str | None) -> str | None:
        try:
            module = importlib.import_module("ui.coder_dialog")
        except ImportError:
            log.warning("ui.coder_dialog is not available")
            return None
        result: str | None = module.choose_coder(self, known, current)
        return result

    def _set_coder(self, name: str) -> None:
        assert self.project is not None
        self.coder = name
        self.settings.set(keys.CODER, name)
        p = self.project
        try:
            # Not created here: a coder exists (in the export and report lists) from their first
            # label, status or memo on; _show_effect and the memo edits pick the id up then.
            self.coder_id = p.coder_id(name, create=False)
        except NotFoundError:
            self.coder_id = None
        self._coder_names = {}
        for other in p.coders():
            try:
                self._coder_names[p.coder_id(other, create=False)] = other
            except NotFoundError:
                continue
        self._start_journal()
        self.coder_label.setText(f"Coder: {name}")
        self.coder_label.setToolTip("File › Switch coder… to code as someone else")

    def switch_coder(self) -> None:
        if self.project is None:
            return
        name = self._ask_coder(self.project.coders(), self.coder)
        if not name or name == self.coder:
            return
        self._save_position()
        self.send_journal()
        self._stop_journal()
        self.undo_stack.clear()
        self._set_coder(name)
        self._enforce_blind()
        self._close_training()  # it shows the previous coder's finished articles against gold
        self.article_list_model.set_summaries(self.project.article_summaries(self.coder))
        self.article_list_panel.hide_empty_columns()
        self._show_where_left_off()
        self._update_title()
        self.statusBar().showMessage(f"Now coding as {name}", 4000)
        self._refocus()

    def reload(self) -> None:
        """Re-read the article list and the open article (after import, merge, codebook load)."""
        if self.project is None:
            return
        sid = self.article_panel.current_sentence_id()
        self.article_list_model.set_summaries(self.project.article_summaries(self.coder))
        self.article_list_panel.hide_empty_columns()
        aid = self._article_id
        if aid is None or self.article_list_model.row_of(aid) is None:
            aid = self.article_list_panel.neighbour(None, 1)
        if aid is not None:
            self.show_article(aid, sid)
        else:
            self._show_empty()

    def _save_position(self) -> None:
        if self.project is None or self.coder is None:
            return
        sid = self.article_panel.current_sentence_id()
        self.settings.set_position(self.project.path, self.coder, self._article_id, sid)

    def _show_where_left_off(self) -> None:
        """The article and sentence this coder was at in this project, else the first article."""
        assert self.project is not None
        article_id, sentence_id = self.settings.position(self.project.path, self.coder or "")
        if article_id is None or self.article_list_model.row_of(article_id) is None:
            article_id = self.article_list_panel.neighbour(None, 1)
        if article_id is not None:
            self.show_article(article_id, sentence_id)
        else:
            self._show_empty()

    def _take_backup_in_background(self) -> None:
        """A rolling backup on every open, off the GUI thread (the last five are kept)."""
        project = self.project
        if project is None or project.read_only or project.closed or project in self._backed_up:
            return
        self._backed_up.add(project)

        def done(saved: object) -> None:
            log.info("backup taken: %s", saved)

        def failed(exc: BaseException, details: str) -> None:
            log.warning("backup on open failed: %s", exc)
            self.statusBar().showMessage(f"Could not take a backup: {exc}", 10_000)

        start_job(
            self,
            "Backup",
            lambda _progress, _cancel: project.backup(),
            done,
            on_error=failed,
            writes=True,
            show_dialog=False,
        )

    def set_show_others(self, show: bool) -> None:
        """Show or hide the other coders' labels; showing them asks first (blind coding)."""
        if show and not self.confirm_unblind():
            self._uncheck_show_others()
            return
        self.sentence_model.set_show_others(show)
        self.settings.set(keys.SHOW_OTHER_CODERS, show)
        self._update_blind_indicator()

    def confirm_unblind(self) -> bool:
        """May other coders' labels be shown? Asked once per session, project and coder; a
        project with no other coder has nothing to reveal."""
        if self.project is None:
            return True
        key = self._session_key()
        if key in self._unblinded:
            return True
        if not [c for c in self.project.coders() if c != self.coder]:
            return True
        if not ask_unblind(self):
            self._refocus()
            return False
        self._unblinded.add(key)
        return True

    def _session_key(self) -> tuple[Path, str]:
        """(project, coder): what a session's answers hold for (unblinding, editing done work)."""
        assert self.project is not None
        return self.project.path.resolve(), self.coder or ""

    def _uncheck_show_others(self) -> None:
        action = self.registry["show_others"]
        blocked = action.blockSignals(True)
        action.setChecked(False)
        action.blockSignals(blocked)

    def _enforce_blind(self) -> None:
        """On opening a project or switching coder: other coders' labels stay hidden until the
        coder agrees again (the setting alone does not unblind a new session)."""
        if not self.sentence_model.show_others or self.project is None:
            return
        if self._session_key() in self._unblinded:
            return
        self._uncheck_show_others()
        self.sentence_model.set_show_others(False)
        self._update_blind_indicator()
        self.statusBar().showMessage(
            "Blind coding: other coders' labels are hidden (Ctrl+Shift+O shows them)", 8000
        )

    def _update_blind_indicator(self) -> None:
        show = self.sentence_model.show_others
        if show:
            self.blind_label.setText("Showing all coders")
            self.blind_label.setToolTip("Other coders' labels are shown as outlined chips")
            self.blind_label.setStyleSheet("color: #d55e00; font-weight: 600;")
        else:
            self.blind_label.setText("Blind coding")
            self.blind_label.setToolTip("You see only your own labels (View › Show other coders)")
            self.blind_label.setStyleSheet("")
        self.registry["show_others"].setIcon(icons.icon("show_others" if show else "blind"))
