"""The coding workspace: articles | article | codebook, with keyboard coding and global undo.

The window owns no database session: every action calls the Project (one short transaction each)
and repaints only what the returned changes touch.
"""

from __future__ import annotations

import getpass
import importlib
import logging
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QWidget,
)

from annotator.commands import LabelCommand
from annotator.errors import AnnotatorError, NotFoundError
from annotator.project import Project
from annotator.records import LabelChange, Status
from ui import icons
from ui import settings as keys
from ui.actions import ActionRegistry, lazy_call
from ui.article_list_model import ARTICLE_ID_ROLE
from ui.article_list_panel import ArticleListPanel
from ui.article_panel import ArticlePanel
from ui.codebook_panel import CodebookPanel
from ui.codebook_watch import CodebookWatch
from ui.done_guard import DoneChoice, DoneGuard
from ui.file_dialogs import SafeFileDialog
from ui.import_dialog import accept_file_drag, dropped_paths, run_import
from ui.settings import Settings
from ui.undo import LabelUndoCommand, StatusUndoCommand
from ui.window_codebook import CodebookActions
from ui.window_duplicates import DuplicateActions
from ui.window_find import FindActions
from ui.window_segmentation import SegmentationEdits
from ui.workers import cancel_and_wait, start_job

log = logging.getLogger(__name__)

#: the rolling backup is taken this long after a project opens (see _take_backup_in_background)
BACKUP_DELAY_MS = 3000

APP_TITLE = "annotator"
MIN_POINT_SIZE = 7.0
MAX_POINT_SIZE = 32.0
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


class MainWindow(CodebookActions, SegmentationEdits, FindActions, DuplicateActions, QMainWindow):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings if settings is not None else Settings()
        self.project: Project | None = None
        self.coder: str | None = None
        self.coder_id: int | None = None
        self._coder_names: dict[int, str] = {}
        self._article_id: int | None = None
        self._memo_texts: dict[int | None, str] = {}  # sentence id (None: article) -> memo
        self._code_actions: list[QAction] = []
        self._code_keys: list[tuple[str, str]] = []
        self.find_bar: QWidget | None = None
        self.corpus_find: QWidget | None = None
        self.corpus_dock: QDockWidget | None = None
        self._children: list[QWidget] = []  # windows and dialogs holding the open project
        self._unblinded: set[tuple[Path, str]] = set()  # (project, coder) that agreed this session

        self.undo_stack = QUndoStack(self)
        self.done_guard = DoneGuard()
        self.codebook_watch = CodebookWatch(self)
        self.codebook_watch.changed.connect(
            lambda: self._codebook_changed(
                "The codebook was changed in another program: codes and keys updated"
            )
        )
        self._backed_up: weakref.WeakSet[Project] = weakref.WeakSet()
        self.registry = ActionRegistry(self)

        self.article_list_panel = ArticleListPanel(self)
        self.article_view = self.article_list_panel.view
        self.article_list_model = self.article_list_panel.model
        self.article_panel = ArticlePanel(self)
        self.sentence_view = self.article_panel.view
        self.sentence_model = self.article_panel.model
        self.codebook_panel = CodebookPanel(self)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("workspaceSplitter")
        for w in (self.article_list_panel, self.article_panel, self.codebook_panel):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setStretchFactor(2, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([340, 720, 320])
        self.setCentralWidget(self.splitter)

        self._build_undo_actions()
        self.mark_not_done_action = QAction("Mark as &not done", self)
        self.mark_not_done_action.setObjectName("mark_not_done")
        self.mark_not_done_action.setStatusTip(
            "Take back “done” for this article: its uncoded sentences no longer count as (no code)"
        )
        self.mark_not_done_action.triggered.connect(self.mark_not_done)
        self._connect_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()

        self.article_list_panel.article_chosen.connect(self._article_chosen)
        self.article_panel.current_sentence_changed.connect(self._sentence_changed)
        self.codebook_panel.code_toggled.connect(self.toggle_code)
        self.setAcceptDrops(True)
        self.resize(1380, 860)
        self._restore_ui_state()
        self._update_title()
        self._update_enabled()

    # =====================================================================================
    # building
    # =====================================================================================
    def _build_undo_actions(self) -> None:
        undo = self.undo_stack.createUndoAction(self, "Undo")
        undo.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        undo.setIcon(icons.icon("undo"))
        undo.setObjectName("undo")
        redo = self.undo_stack.createRedoAction(self, "Redo")
        seqs = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
        for extra in ("Ctrl+Shift+Z", "Ctrl+Y"):
            seq = QKeySequence(extra)
            if seq not in seqs:
                seqs.append(seq)
        redo.setShortcuts(seqs)
        redo.setIcon(icons.icon("redo"))
        redo.setObjectName("redo")
        self.undo_action = undo
        self.redo_action = redo
        self.addAction(undo)
        self.addAction(redo)

    def _connect_actions(self) -> None:
        a = self.registry
        slots: dict[str, Callable[..., object]] = {
            "new_project": self.new_project_dialog,
            "open_project": self.open_project_dialog,
            "import": lambda: self.import_paths(None),
            "load_codebook": self.load_codebook_dialog,
            "export": self.open_export,
            "merge": self.open_merge,
            "restore_backup": self.restore_backup,
            "switch_coder": self.switch_coder,
            "quit": self.close,
            "clear": self.clear_codes,
            "next_uncoded": self.next_uncoded,
            "next_sentence": lambda: self.article_panel.step_sentence(1),
            "prev_sentence": lambda: self.article_panel.step_sentence(-1),
            "mark_done": self.mark_done,
            "keep_one_duplicate": lambda: self.resolve_near_duplicates(keep_all=False),
            "keep_all_duplicates": lambda: self.resolve_near_duplicates(keep_all=True),
            "next_article": lambda: self.step_article(1),
            "prev_article": lambda: self.step_article(-1),
            "sentence_memo": self.edit_sentence_memo,
            "split_sentence": self.split_sentence,
            "merge_next": self.merge_with_next,
            "article_memo": self.edit_article_memo,
            "find": self.open_find,
            "corpus_find": self.open_corpus_find,
            "show_others": self.set_show_others,
            "report": self.open_report,
            "adjudicate": self.open_adjudication,
            "zoom_in": lambda: self.zoom(1),
            "zoom_out": lambda: self.zoom(-1),
            "zoom_reset": lambda: self.zoom(0),
            "preferences": self.open_preferences,
            "shortcuts": self.show_shortcuts,
            "about": self.show_about,
        }
        for action_id, slot in slots.items():
            action = a.connect(action_id, slot)
            if action.shortcutContext() == Qt.ShortcutContext.WindowShortcut:
                self.addAction(action)
            else:
                self.sentence_view.addAction(action)

    def _build_menus(self) -> None:
        a = self.registry
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(a["new_project"])
        file_menu.addAction(a["open_project"])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        for action_id in ("import", "load_codebook", "export", "merge", "restore_backup"):
            file_menu.addAction(a[action_id])
        file_menu.addSeparator()
        file_menu.addAction(a["switch_coder"])
        file_menu.addSeparator()
        file_menu.addAction(a["quit"])

        edit = mb.addMenu("&Edit")
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        for action_id in ("clear", "sentence_memo", "article_memo"):
            edit.addAction(a[action_id])
        edit.addSeparator()
        edit.addAction(a["keep_one_duplicate"])
        edit.addAction(a["keep_all_duplicates"])
        edit.addSeparator()
        edit.addAction(a["find"])
        edit.addAction(a["corpus_find"])
        edit.addSeparator()
        edit.addAction(a["preferences"])
        a["preferences"].setMenuRole(QAction.MenuRole.PreferencesRole)

        self.code_menu = mb.addMenu("&Code")

        nav = mb.addMenu("&Go")
        for action_id in ("next_uncoded", "next_sentence", "prev_sentence"):
            nav.addAction(a[action_id])
        nav.addSeparator()
        for action_id in ("next_article", "prev_article", "mark_done"):
            nav.addAction(a[action_id])

        view = mb.addMenu("&View")
        view.addAction(a["report"])
        view.addAction(a["adjudicate"])
        view.addSeparator()
        view.addAction(a["show_others"])
        view.addSeparator()
        for action_id in ("zoom_in", "zoom_out", "zoom_reset"):
            view.addAction(a[action_id])

        help_menu = mb.addMenu("&Help")
        help_menu.addAction(a["shortcuts"])
        help_menu.addAction(a["about"])

    def _build_toolbar(self) -> None:
        tb = QToolBar("Main", self)
        tb.setObjectName("mainToolBar")
        tb.setMovable(False)
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        a = self.registry
        for action_id in ("open_project", "import"):
            tb.addAction(a[action_id])
        tb.addSeparator()
        tb.addAction(self.undo_action)
        tb.addAction(self.redo_action)
        tb.addSeparator()
        for action_id in ("prev_article", "next_article", "next_uncoded", "mark_done"):
            tb.addAction(a[action_id])
        tb.addSeparator()
        for action_id in ("sentence_memo", "find", "corpus_find"):
            tb.addAction(a[action_id])
        tb.addSeparator()
        tb.addAction(a["show_others"])
        tb.addAction(a["report"])
        self.toolbar = tb
        self.addToolBar(tb)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.position_label = QLabel(self)
        self.blind_label = QLabel(self)
        self.blind_label.setObjectName("blindIndicator")
        self.coder_label = QLabel(self)
        self.read_only_label = QLabel("read-only", self)
        self.read_only_label.setObjectName("readOnlyIndicator")
        self.read_only_label.setStyleSheet("color: #d55e00; font-weight: 600;")
        self.read_only_label.hide()
        for w in (self.position_label, self.blind_label, self.coder_label, self.read_only_label):
            sb.addPermanentWidget(w)
        self._update_blind_indicator()

    def _restore_ui_state(self) -> None:
        s = self.settings
        geometry = s.get(keys.GEOMETRY)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = s.get(keys.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        split = s.get(keys.SPLITTER)
        if not split.isEmpty():
            self.splitter.restoreState(split)
        self._base_point_size = QFont(self.font()).pointSizeF()
        size = s.get(keys.SENTENCE_POINT_SIZE)
        self._point_size = size if size > 0 else self._base_point_size
        self._apply_point_size()
        show = s.get(keys.SHOW_OTHER_CODERS)
        self.registry["show_others"].setChecked(show)
        self.sentence_model.set_show_others(show)
        self._update_blind_indicator()

    def save_ui_state(self) -> None:
        s = self.settings
        s.set(keys.GEOMETRY, self.saveGeometry())
        s.set(keys.WINDOW_STATE, self.saveState())
        s.set(keys.SPLITTER, self.splitter.saveState())
        self._save_position()
        s.sync()

    # =====================================================================================
    # projects and coders
    # =====================================================================================
    def open_initial(self, project: str | Path | None = None, coder: str | None = None) -> None:
        """What the app opens at start: the given file, else the last one, else the demo."""
        if project is not None:
            self.open_project(Path(project), coder)
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

    def open_project(self, path: Path, coder: str | None = None) -> None:
        """Open a project file and show where this coder left off (raises AnnotatorError)."""
        path = Path(path)
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
            self.statusBar().showMessage(f"{path.name} is open read-only: labels cannot be changed")
        else:
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
            self.coder_id = p.coder_id(name, create=not p.read_only)
        except NotFoundError:
            self.coder_id = None
        self._coder_names = {}
        for other in p.coders():
            try:
                self._coder_names[p.coder_id(other, create=False)] = other
            except NotFoundError:
                continue
        self.coder_label.setText(f"Coder: {name}")
        self.coder_label.setToolTip("File › Switch coder… to code as someone else")

    def switch_coder(self) -> None:
        if self.project is None:
            return
        name = self._ask_coder(self.project.coders(), self.coder)
        if not name or name == self.coder:
            return
        self._save_position()
        self.undo_stack.clear()
        self._set_coder(name)
        self._enforce_blind()
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

    # =====================================================================================
    # articles and sentences
    # =====================================================================================
    def current_article_id(self) -> int | None:
        return self._article_id

    def show_article(self, article_id: int, sentence_id: int | None = None) -> None:
        """Show one article; the current sentence is sentence_id, else the first."""
        p = self.project
        if p is None:
            return
        if self._article_id is not None and self._article_id != article_id:
            self._save_position()
        article = p.article(article_id)
        sentences = p.sentences(article_id)
        labels = p.label_ids(article_id)
        memos = p.memos(article_id, self.coder) if self.coder else []
        self._memo_texts = {m.sentence_id: m.text for m in memos}
        self._article_id = article_id
        self.sentence_model.load(
            article,
            sentences,
            labels,
            [sid for sid in self._memo_texts if sid is not None],
            self.coder_id,
            p.codebook,
            self._coder_names,
            partial=p.partial_labels(article_id),
        )
        summary = self.article_list_model.summary_of(article_id)
        self.article_panel.set_header(article, summary.status if summary else None)
        self._update_article_memo_hint()
        self.article_list_panel.select_article(article_id)
        self.codebook_panel.set_counts(self.sentence_model.code_counts())
        shown = sentence_id is not None and self.article_panel.select_sentence(sentence_id)
        if not shown and self.article_panel.proxy.rowCount():
            self.article_panel.select_row(0)
        self._update_position_label()
        self._save_position()

    def _show_empty(self) -> None:
        self._article_id = None
        if self.project is not None:
            self.sentence_model.load(None, [], {}, [], self.coder_id, self.project.codebook, {})
        self.article_panel.set_header(None)
        self.codebook_panel.set_counts({})
        self._update_position_label()

    def _article_chosen(self, article_id: int) -> None:
        if article_id != self._article_id:
            self.show_article(article_id)

    def step_article(self, step: int) -> bool:
        target = self.article_list_panel.neighbour(self._article_id, step)
        if target is None:
            self.statusBar().showMessage("No more articles in the list", 3000)
            return False
        self.show_article(target)
        self.sentence_view.setFocus()
        return True

    def jump(self, article_id: int, sentence_id: int) -> None:
        """Open an article at one sentence (from find, the report or adjudication)."""
        if article_id != self._article_id:
            self.show_article(article_id, sentence_id)
        else:
            self.article_panel.select_sentence(sentence_id)
        self._refocus()

    def _refocus(self) -> None:
        """After a dialog or another window: this window active and the sentence list focused,
        so the code keys work at once without a click."""
        if not shiboken6.isValid(self) or not self.isVisible():
            return
        self.raise_()
        self.activateWindow()
        self.sentence_view.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def next_uncoded(self) -> None:
        if not self.article_panel.next_uncoded():
            self.statusBar().showMessage("Every sentence of this article is coded", 3000)

    def _sentence_changed(self, _sid: int) -> None:
        self._update_position_label()

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

    # =====================================================================================
    # labelling
    # =====================================================================================
    def _can_label(self) -> bool:
        if self.project is None or self.coder is None or self._article_id is None:
            return False
        if self.project.read_only:
            self.statusBar().showMessage("This project is open read-only", 3000)
            return False
        return True

    def toggle_code(self, code_id: int) -> None:
        """The code key / click: toggle the code on the selected sentences (undoable)."""
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None
        sids = self.article_panel.selected_sentence_ids()
        if not sids:
            self.statusBar().showMessage("Select a sentence first", 3000)
            return
        self._push_edit(self.project.toggle_command(sids, code_id, self.coder))

    def clear_codes(self) -> None:
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None
        sids = self.article_panel.selected_sentence_ids()
        if sids:
            self._push_edit(self.project.clear_command(sids, self.coder))

    def _push_edit(self, command: LabelCommand) -> None:
        """A coder's label edit; in an article marked done it asks first (see ui.done_guard)."""
        aid = self._article_id
        choice = DoneChoice.KEEP_DONE if command.empty else self._done_choice()
        if choice is DoneChoice.KEEP_DONE or aid is None:
            self._push(command)
        elif choice is DoneChoice.REOPEN:
            self.undo_stack.beginMacro(command.text)
            try:  # reopened and edited as one step: Ctrl+Z takes back both
                self.set_article_status(aid, Status.IN_PROGRESS)
                self._push_status(aid, Status.DONE, Status.IN_PROGRESS, "Reopen article")
                self._push(command)
            finally:
                self.undo_stack.endMacro()

    def _done_choice(self) -> DoneChoice:
        """May the article shown be edited? KEEP_DONE if it is not done; else the coder's answer
        to "Reopen it to edit?" (asked once per article, or once per session if remembered)."""
        aid = self._article_id
        if aid is None or self._status_of(aid) != Status.DONE:
            return DoneChoice.KEEP_DONE
        choice = self.done_guard.choose(self, self._session_key(), aid)
        self._refocus()
        return choice

    def _push(self, command: LabelCommand) -> None:
        if command.empty or self.project is None:
            return
        command.apply(self.project)  # committed before anything is painted
        if self.coder_id is None and self.coder is not None:
            self.coder_id = self.project.coder_id(self.coder)
            self.sentence_model.set_own_coder(self.coder_id)
        self.undo_stack.push(
            LabelUndoCommand(self.project, command, self._labels_changed, applied=True)
        )

    def _labels_changed(self, changes: Sequence[LabelChange], _affected: set[int]) -> None:
        """After apply/undo/redo: repaint the touched rows, counts and this article's progress."""
        p = self.project
        if p is None:
            return
        outside = [
            ch.sentence_id for ch in changes if self.sentence_model.row_of(ch.sentence_id) is None
        ]
        if outside:
            # undo/redo of a change made in another article: show it there
            article_id = p.sentence(outside[0]).article_id
            self.show_article(article_id, outside[0])
            self._refresh_summary()
            return
        self.sentence_model.apply_changes(changes)
        self._refresh_summary()

    def _refresh_summary(self) -> None:
        aid = self._article_id
        if aid is None:
            return
        n_coded = self.sentence_model.n_coded()
        self.codebook_panel.set_counts(self.sentence_model.code_counts())
        summary = self.article_list_model.summary_of(aid)
        if summary is not None:
            status = summary.status
            if status == Status.NOT_STARTED and n_coded:
                status = Status.IN_PROGRESS
            if (summary.n_coded, summary.status) != (n_coded, status):
                self.article_list_model.update_summary(aid, n_coded=n_coded, status=status)
            if status != summary.status:
                self.article_panel.set_header(self.sentence_model.article, status)
                self._update_article_memo_hint()
        self._update_position_label()

    def mark_done(self) -> None:
        """Ctrl+D: this article is done (undoable); open the next article not done yet.

        The status bar says how many sentences were left uncoded (they now count as (no code)),
        so an accidental Ctrl+D is noticed; Ctrl+Z or Code › Mark as not done takes it back.
        """
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None and self._article_id is not None
        aid = self._article_id
        before = self._status_of(aid)
        total = self.sentence_model.rowCount()
        uncoded = total - self.sentence_model.n_coded()
        target = self._next_not_done(aid)  # before the list may re-filter
        self.set_article_status(aid, Status.DONE)
        if before != Status.DONE:
            self._push_status(aid, Status(before), Status.DONE, "Mark article done")
        if uncoded:
            message = (
                f"Marked done: {uncoded} of {total} sentences are uncoded and count as (no code)"
            )
        else:
            message = f"Marked done: all {total} sentences coded"
        message += " (Ctrl+Z takes it back)"
        if target is None:
            message += ". All articles are done"
        else:
            self.show_article(target)
        self.statusBar().showMessage(message, 10_000)
        self.sentence_view.setFocus()

    def mark_not_done(self) -> None:
        """Code › Mark as not done: take back "done" for the article shown (undoable)."""
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None and self._article_id is not None
        aid = self._article_id
        before = self._status_of(aid)
        if before != Status.DONE:
            self.statusBar().showMessage("This article is not marked done", 3000)
            return
        after = Status.IN_PROGRESS if self.sentence_model.n_coded() else Status.NOT_STARTED
        self.set_article_status(aid, after)
        self._push_status(aid, Status.DONE, after, "Mark article not done")
        self.statusBar().showMessage(
            "Marked not done: its uncoded sentences no longer count as (no code)", 5000
        )

    def _push_status(self, article_id: int, before: Status, after: Status, text: str) -> None:
        """Put a status change already made on the undo stack (undo shows that article)."""

        def set_status(aid: int, status: Status) -> None:
            self.set_article_status(aid, status, show=True)

        self.undo_stack.push(StatusUndoCommand(set_status, article_id, before, after, text))

    def _status_of(self, article_id: int) -> Status:
        """This coder's status of an article: from the list's summary, else from the project."""
        assert self.project is not None and self.coder is not None
        summary = self.article_list_model.summary_of(article_id)
        if summary is not None:
            return summary.status
        return self.project.status(article_id, self.coder)

    def set_article_status(self, article_id: int, status: Status, show: bool = False) -> None:
        """Store this coder's status of an article and show it (show: open that article)."""
        if self.project is None or self.coder is None:
            return
        self.project.set_status(article_id, self.coder, status)
        self.article_list_model.update_summary(article_id, status=status)
        if show and article_id != self._article_id:
            self.show_article(article_id)
        elif article_id == self._article_id:
            self.article_panel.set_header(self.sentence_model.article, status)
            self._update_article_memo_hint()

    def _next_not_done(self, article_id: int) -> int | None:
        """The next article in the list as shown that this coder has not marked done, wrapping
        around; None if every other article is done."""
        proxy, model = self.article_list_panel.proxy, self.article_list_model
        n = proxy.rowCount()
        start = -1
        src = model.row_of(article_id)
        if src is not None:
            idx = proxy.mapFromSource(model.index(src, 0))
            start = idx.row() if idx.isValid() else -1
        for k in range(1, n + 1):
            candidate = proxy.index((start + k) % n, 0).data(ARTICLE_ID_ROLE)
            if candidate is None or int(candidate) == article_id:
                continue
            summary = model.summary_of(int(candidate))
            if summary is not None and summary.status != Status.DONE:
                return int(candidate)
        return None

    # =====================================================================================
    # memos
    # =====================================================================================
    def _edit_memo_dialog(self, title: str, text: str) -> str | None:
        try:
            module = importlib.import_module("ui.memo_dialog")
        except ImportError:
            self.statusBar().showMessage("Memos are not available yet", 3000)
            return None
        try:
            result: str | None = module.edit_memo(self, title, text)
        finally:
            self._refocus()
        return result

    def edit_sentence_memo(self) -> None:
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None
        sid = self.article_panel.current_sentence_id()
        if sid is None:
            return
        row = self.sentence_model.row_of(sid)
        number = self.sentence_model.sentence(row).index + 1 if row is not None else "?"
        text = self._edit_memo_dialog(f"Memo on sentence {number}", self._memo_texts.get(sid, ""))
        if text is None:
            return
        self.project.set_memo(self.coder, self._article_id, text, sentence=sid)  # type: ignore[arg-type]
        if text.strip():
            self._memo_texts[sid] = text
        else:
            self._memo_texts.pop(sid, None)
        self.sentence_model.set_memo(sid, bool(text.strip()))

    def edit_article_memo(self) -> None:
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None and self._article_id is not None
        text = self._edit_memo_dialog("Memo on this article", self._memo_texts.get(None, ""))
        if text is None:
            return
        self.project.set_memo(self.coder, self._article_id, text)
        if text.strip():
            self._memo_texts[None] = text
        else:
            self._memo_texts.pop(None, None)
        self._update_article_memo_hint()

    def _update_article_memo_hint(self) -> None:
        memo = self._memo_texts.get(None)
        label = self.article_panel.meta_label
        label.setToolTip(f"Article memo:\n{memo}" if memo else "")
        text = label.text()
        marker = "  ·  memo"
        if memo and not text.endswith(marker):
            label.setText(text + marker)
        elif not memo and text.endswith(marker):
            label.setText(text[: -len(marker)])

    # =====================================================================================
    # view
    # =====================================================================================
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

    def zoom(self, step: int) -> None:
        """step +1/-1 changes the text size of the whole window by a point; 0 resets it."""
        self.set_point_size(self._base_point_size if step == 0 else self._point_size + step)
        self.statusBar().showMessage(f"Text size {self._point_size:g} pt", 2000)

    def set_point_size(self, size: float) -> None:
        """The window's text size (zoom, Preferences), kept for the next session."""
        self._point_size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, size))
        self._apply_point_size()
        stored = 0.0 if self._point_size == self._base_point_size else self._point_size
        self.settings.set(keys.SENTENCE_POINT_SIZE, stored)

    def open_preferences(self) -> None:
        from ui.preferences_dialog import edit_preferences

        edit_preferences(self)
        self._refocus()

    def sentence_point_size(self) -> float:
        return self._point_size

    def _apply_point_size(self) -> None:
        font = QFont(self.font())  # the window's: every pane, the menus bar and status bar follow
        font.setPointSizeF(self._point_size)
        self.setFont(font)
        self.sentence_view.delegate.clear_cache()
        self.sentence_view.doItemsLayout()

    # =====================================================================================
    # file actions
    # =====================================================================================
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

    def open_adjudication(self) -> None:
        project = self.project
        if project is not None and self.confirm_unblind():
            from ui.adjudication_window import open_adjudication

            jump = self._jump_for(project)
            self._open_child("Adjudication", lambda: open_adjudication(self, project, jump))

    def show_shortcuts(self) -> None:
        acts = [*self.registry.all(), self.undo_action, self.redo_action]
        lazy_call(self, "ui.shortcuts_dialog", "show_shortcuts", self, acts, list(self._code_keys))

    def show_about(self) -> None:
        from annotator import __version__ as ver

        QMessageBox.about(
            self,
            "About annotator",
            f"<h3>annotator {ver}</h3><p>Sentence-level coding of news articles against a "
            "codebook, with inter-coder agreement.</p><p>Your labels are saved in the project "
            "file the moment you give them.</p>",
        )

    # =====================================================================================
    # state, title, drops, close
    # =====================================================================================
    def _writable_or_say(self) -> bool:
        if self.project is not None and self.project.read_only:
            self.statusBar().showMessage("This project is open read-only", 3000)
            return False
        return True

    def _error(self, title: str, exc: BaseException) -> None:
        from ui.errors import show_error

        show_error(self, title, exc)

    def _update_title(self) -> None:
        """ "study.annotator [read-only] — anna — annotator": the app's name last, once.

        Window systems append the application's display name to a title that does not already
        end with it (Qt's QPlatformWindow::formatWindowTitle), which repeated the name when it
        also came first.
        """
        parts = []
        ro = self.project is not None and self.project.read_only
        if self.project is not None:
            parts.append(self.project.path.name + (" [read-only]" if ro else ""))
            if self.coder:
                parts.append(self.coder)
        parts.append(QGuiApplication.applicationDisplayName() or APP_TITLE)
        self.setWindowTitle(" — ".join(parts))
        self.read_only_label.setVisible(ro)

    def _update_enabled(self) -> None:
        has = self.project is not None
        writable = has and not (self.project is not None and self.project.read_only)
        for action in self.registry.writing():
            action.setEnabled(writable)
        for action in self._code_actions:
            action.setEnabled(writable)
        self.mark_not_done_action.setEnabled(writable)
        for action_id in (
            "export",
            "report",
            "adjudicate",
            "find",
            "corpus_find",
            "switch_coder",
            "next_article",
            "prev_article",
        ):
            self.registry[action_id].setEnabled(has)
        self.undo_action.setVisible(True)

    def _update_position_label(self) -> None:
        n = self.sentence_model.rowCount()
        if self._article_id is None or n == 0:
            self.position_label.setText("")
            return
        sid = self.article_panel.current_sentence_id()
        row = self.sentence_model.row_of(sid) if sid is not None else None
        where = f"Sentence {row + 1} of {n}" if row is not None else f"{n} sentences"
        self.position_label.setText(f"{where}  ·  {self.sentence_model.n_coded()} coded")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accept_file_drag(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            self.import_paths(paths)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            icons.clear_cache()
        super().changeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.sentence_view.setFocus)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_ui_state()
        self._close_project()
        event.accept()
