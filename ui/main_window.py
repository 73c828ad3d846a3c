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
    QKeySequence,
    QShowEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
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
from ui.actions import ActionRegistry, code_key_conflicts, lazy_call
from ui.article_list_model import ARTICLE_ID_ROLE
from ui.article_list_panel import ArticleListPanel
from ui.article_panel import ArticlePanel
from ui.codebook_panel import CodebookPanel, swatch
from ui.import_dialog import accept_file_drag, dropped_paths, run_import
from ui.settings import Settings
from ui.undo import LabelUndoCommand
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


class StatusUndoCommand(QUndoCommand):
    """Mark done (Ctrl+D) on the undo stack: undo puts the article's status back and shows it.

    Applied before it is pushed (like LabelUndoCommand), so the first redo() does nothing.
    """

    def __init__(
        self,
        window: MainWindow,
        article_id: int,
        before: Status,
        after: Status,
        text: str,
    ) -> None:
        super().__init__(text)
        self.window = window
        self.article_id = article_id
        self.before = before
        self.after = after
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.window.set_article_status(self.article_id, self.after, show=True)

    def undo(self) -> None:
        self.window.set_article_status(self.article_id, self.before, show=True)


class MainWindow(QMainWindow):
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
            "Take back “done” for this article: its uncoded sentences no longer count as none"
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
        edit.addAction(a["find"])
        edit.addAction(a["corpus_find"])

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
        self._base_point_size = QFont(self.sentence_view.font()).pointSizeF()
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
        self._set_coder(name)
        self._enforce_blind()
        self.settings.add_recent(path)
        if self.corpus_find is not None:
            self.corpus_find.set_project(project)  # type: ignore[attr-defined]
        self._apply_codebook()
        self.article_list_model.set_summaries(project.article_summaries(self.coder))
        self.article_list_panel.hide_empty_columns()
        article_id, sentence_id = self.settings.position(path)
        if article_id is None or self.article_list_model.row_of(article_id) is None:
            article_id = self.article_list_panel.neighbour(None, 1)
        if article_id is not None:
            self.show_article(article_id, sentence_id)
        else:
            self._show_empty()
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
        self.reload()
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

    def _apply_codebook(self) -> None:
        assert self.project is not None
        cb = self.project.codebook
        self.codebook_panel.set_codebook(cb)
        self.article_panel.set_codebook(cb)
        self.sentence_model.set_codebook(cb)
        self._rebuild_code_actions()

    def _rebuild_code_actions(self) -> None:
        for action in self._code_actions:
            self.removeAction(action)
            action.deleteLater()
        self._code_actions = []
        self.code_menu.clear()
        if self.project is None:
            return
        codes = self.project.codebook.codes
        bound, problems = code_key_conflicts((c.key, c.name) for c in codes)
        self._code_keys = []
        for code in codes:
            action = QAction(code.name, self)
            action.setObjectName(f"code:{code.id}")
            action.setIcon(swatch(code.color or "#888888"))
            key = code.key.lower()
            if key and bound.get(key) == code.name:
                action.setShortcut(QKeySequence(key.upper()))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                self._code_keys.append((key.upper(), code.name))
            action.setToolTip(f"Toggle {code.name} on the selected sentences")
            action.triggered.connect(lambda _c=False, cid=code.id: self.toggle_code(cid))
            self.addAction(action)
            self.code_menu.addAction(action)
            self._code_actions.append(action)
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["clear"])
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["mark_done"])
        self.code_menu.addAction(self.mark_not_done_action)
        self.code_menu.addSeparator()
        self.code_menu.addAction(self.registry["split_sentence"])
        self.code_menu.addAction(self.registry["merge_next"])
        if problems:
            message = "; ".join(problems)
            log.warning("code keys: %s", message)
            self.statusBar().showMessage(message, 15000)
        self._update_enabled()

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
        if self.project is None:
            return
        self.settings.set_position(
            self.project.path, self._article_id, self.article_panel.current_sentence_id()
        )

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
        self._push(self.project.toggle_command(sids, code_id, self.coder))

    def clear_codes(self) -> None:
        if not self._can_label():
            return
        assert self.project is not None and self.coder is not None
        sids = self.article_panel.selected_sentence_ids()
        if sids:
            self._push(self.project.clear_command(sids, self.coder))

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

        The status bar says how many sentences were left uncoded (they now count as "none"),
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
            self.undo_stack.push(
                StatusUndoCommand(self, aid, Status(before), Status.DONE, "Mark article done")
            )
        if uncoded:
            message = f"Marked done: {uncoded} of {total} sentences left uncoded count as 'none'"
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
        self.undo_stack.push(
            StatusUndoCommand(self, aid, Status.DONE, after, "Mark article not done")
        )
        self.statusBar().showMessage(
            "Marked not done: its uncoded sentences no longer count as 'none'", 5000
        )

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

    # -- correcting the segmentation ---------------------------------------------------------
    def split_sentence(self) -> None:
        """Split the current sentence where the coder puts the cursor (only without labels)."""
        if not self._can_label():
            return
        assert self.project is not None
        current = self._current_sentence_row()
        if current is None:
            return
        sid, row = current
        sentence = self.sentence_model.sentence(row)
        from ui.split_dialog import choose_split

        try:
            offset = choose_split(self, sentence.text)
        finally:
            self._refocus()
        if offset is None:
            return
        try:
            self.project.split_sentence(sid, sentence.start + offset)
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"Not split: {exc}", 8000)
            return
        self._segmentation_changed(sid, "Sentence split in two")

    def merge_with_next(self) -> None:
        """Join the current sentence and the one after it (neither may carry labels)."""
        if not self._can_label():
            return
        assert self.project is not None
        current = self._current_sentence_row()
        if current is None or current[1] + 1 >= self.sentence_model.rowCount():
            self.statusBar().showMessage("There is no next sentence to merge with", 4000)
            return
        sid, row = current
        following = self.sentence_model.sentence(row + 1)
        try:
            self.project.merge_sentences(sid, following.id)
        except AnnotatorError as exc:
            self.statusBar().showMessage(f"Not merged: {exc}", 8000)
            return
        self._segmentation_changed(sid, "Sentences merged")

    def _current_sentence_row(self) -> tuple[int, int] | None:
        """(sentence id, row) of the current sentence, None when there is none."""
        sid = self.article_panel.current_sentence_id()
        row = None if sid is None else self.sentence_model.row_of(sid)
        return None if sid is None or row is None else (sid, row)

    def _segmentation_changed(self, sentence_id: int, message: str) -> None:
        # Undo entries name sentences by id; one may be gone now, so the history starts afresh.
        self.undo_stack.clear()
        self.reload()
        self.article_panel.select_sentence(sentence_id)
        self.statusBar().showMessage(f"{message} (the undo history was cleared)", 6000)

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
    # find
    # =====================================================================================
    def open_find(self) -> None:
        if self.find_bar is None:
            try:
                from ui.find_panel import FindBar
            except ImportError:
                self.statusBar().showMessage("Find is not available yet", 3000)
                return
            bar = FindBar(self.article_panel)
            bar.search.connect(self._find_in_article)
            bar.closed.connect(self._find_closed)
            self.article_panel.bottom.addWidget(bar)
            self.find_bar = bar
        self.find_bar.show()
        self.find_bar.focus_find()  # type: ignore[attr-defined]

    def _find_in_article(self, text: str, forward: bool) -> None:
        number, total = self.article_panel.find_text(text, forward)
        if self.find_bar is not None:
            status = f"{number} of {total}" if total else ("no match" if text.strip() else "")
            self.find_bar.set_status(status)  # type: ignore[attr-defined]

    def _find_closed(self) -> None:
        if self.find_bar is not None:
            self.find_bar.hide()
        self.article_panel.clear_highlight()
        self.sentence_view.setFocus()

    def open_corpus_find(self) -> None:
        if self.corpus_dock is None:
            try:
                from ui.find_panel import CorpusFindPanel
            except ImportError:
                self.statusBar().showMessage("Find in all articles is not available yet", 3000)
                return
            panel = CorpusFindPanel(self)
            panel.jump_requested.connect(self.jump)
            dock = QDockWidget("Find in all articles", self)
            dock.setObjectName("corpusFindDock")
            dock.setWidget(panel)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self.corpus_find = panel
            self.corpus_dock = dock
        if self.project is not None:
            self.corpus_find.set_project(self.project)  # type: ignore[union-attr]
        self.corpus_dock.show()
        self.corpus_dock.raise_()
        self.corpus_find.focus_find()  # type: ignore[union-attr]

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
        key = self._blind_key()
        if key in self._unblinded:
            return True
        if not [c for c in self.project.coders() if c != self.coder]:
            return True
        if not ask_unblind(self):
            self._refocus()
            return False
        self._unblinded.add(key)
        return True

    def _blind_key(self) -> tuple[Path, str]:
        """Unblinding holds for one project and coder."""
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
        if self._blind_key() in self._unblinded:
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
        """step +1/-1 changes the sentence text size by a point; 0 resets it."""
        if step == 0:
            self._point_size = self._base_point_size
        else:
            self._point_size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, self._point_size + step))
        self._apply_point_size()
        stored = 0.0 if self._point_size == self._base_point_size else self._point_size
        self.settings.set(keys.SENTENCE_POINT_SIZE, stored)
        self.statusBar().showMessage(f"Text size {self._point_size:g} pt", 2000)

    def sentence_point_size(self) -> float:
        return self._point_size

    def _apply_point_size(self) -> None:
        font = QFont(self.sentence_view.font())
        font.setPointSizeF(self._point_size)
        self.sentence_view.setFont(font)
        self.sentence_view.delegate.clear_cache()
        self.sentence_view.doItemsLayout()

    # =====================================================================================
    # file actions
    # =====================================================================================
    def new_project_dialog(self) -> None:
        path_str, _ = QFileDialog.getSaveFileName(
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
        path_str, _ = QFileDialog.getOpenFileName(
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
        self.reload()
        self._refocus()
        summary = getattr(report, "summary", None)
        if callable(summary):
            self.statusBar().showMessage(str(summary()), 8000)

    def load_codebook_dialog(self) -> None:
        if self.project is None or not self._writable_or_say():
            return
        path_str, _ = QFileDialog.getOpenFileName(
            self,
            "Load codebook",
            str(self.project.path.parent),
            "Codebooks (*.yaml *.yml *.qdc *.qdpx);;All files (*)",
        )
        if path_str:
            self.load_codebook(Path(path_str))
        self._refocus()

    def load_codebook(self, path: Path) -> None:
        assert self.project is not None
        try:
            changes = self.project.load_codebook(path)
        except AnnotatorError as exc:
            self._error("Load codebook", exc)
            return
        self.undo_stack.clear()
        self._apply_codebook()
        self.reload()
        self.statusBar().showMessage(changes.summary(), 8000)

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
        parts = [APP_TITLE]
        if self.project is not None:
            parts.append(self.project.path.name)
            if self.coder:
                parts.append(self.coder)
        title = " — ".join(parts)
        ro = self.project is not None and self.project.read_only
        self.setWindowTitle(title + (" [read-only]" if ro else ""))
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
