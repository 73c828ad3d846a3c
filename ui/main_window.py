"""The coding workspace: articles | article | codebook, with keyboard coding and global undo.

The window owns no database session: every action calls the Project (one short transaction each)
and repaints only what the returned changes touch.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from pathlib import Path

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

from annotator.project import Project
from annotator.records import plural
from ui import icons
from ui import settings as keys
from ui.actions import ActionRegistry, lazy_call
from ui.article_list_panel import ArticleListPanel
from ui.article_panel import ArticlePanel
from ui.code_keys import CodeKeys
from ui.codebook_panel import CodebookPanel
from ui.codebook_watch import CodebookWatch
from ui.done_guard import DoneGuard
from ui.import_dialog import accept_file_drag, dropped_paths
from ui.settings import Settings
from ui.window_articles import ArticleNavigation
from ui.window_codebook import CodebookActions
from ui.window_coding import CodingController
from ui.window_duplicates import DuplicateActions
from ui.window_files import FileActions
from ui.window_find import FindActions
from ui.window_gold import GoldActions
from ui.window_memos import MemoActions
from ui.window_offline import OfflineController
from ui.window_segmentation import SegmentationEdits
from ui.window_session import ProjectSession

APP_TITLE = "annotator"
MIN_POINT_SIZE = 7.0
MAX_POINT_SIZE = 32.0


class MainWindow(
    ProjectSession,
    ArticleNavigation,
    CodingController,
    MemoActions,
    FileActions,
    CodebookActions,
    SegmentationEdits,
    FindActions,
    DuplicateActions,
    OfflineController,
    GoldActions,
    QMainWindow,
):
    """The shell: it builds the panes, actions, menus and status bar and keeps the window's
    state; each room of the window is a mixin in a file of its own (ui/window_*.py)."""

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
        self.code_keys = CodeKeys(owner=self)  # bound per codebook (ui.code_keys)
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
            "edit_codebook": self.open_codebook_editor,
            "codebook_changelog": self.open_codebook_changelog,
            "publish_codebook": self.publish_codebook_dialog,
            "write_manual": self.write_manual_dialog,
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
            "team_progress": self.open_team_progress,
            "compare_gold": self.open_training,
            "gold_mark": self.mark_current_gold,
            "gold_mark_done_by": self.mark_done_by_gold,
            "gold_unmark": self.unmark_current_gold,
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

        codebook_menu = mb.addMenu("Code&book")
        codebook_menu.addAction(a["edit_codebook"])
        codebook_menu.addAction(a["load_codebook"])
        codebook_menu.addSeparator()
        for action_id in ("codebook_changelog", "publish_codebook", "write_manual"):
            codebook_menu.addAction(a[action_id])

        nav = mb.addMenu("&Go")
        for action_id in ("next_uncoded", "next_sentence", "prev_sentence"):
            nav.addAction(a[action_id])
        nav.addSeparator()
        for action_id in ("next_article", "prev_article", "mark_done"):
            nav.addAction(a[action_id])

        view = mb.addMenu("&View")
        view.addAction(a["report"])
        view.addAction(a["adjudicate"])
        view.addAction(a["team_progress"])
        view.addSeparator()
        view.addAction(a["show_others"])
        view.addSeparator()
        for action_id in ("zoom_in", "zoom_out", "zoom_reset"):
            view.addAction(a[action_id])

        gold = mb.addMenu("Gold &standard")
        gold.setObjectName("goldMenu")
        for action_id in ("gold_mark", "gold_mark_done_by", "gold_unmark"):
            gold.addAction(a[action_id])
        gold.addSeparator()
        gold.addAction(a["compare_gold"])

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
        self._build_offline_indicator()

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
    # view
    # =====================================================================================
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
    # help
    # =====================================================================================
    def show_shortcuts(self) -> None:
        acts = [*self.registry.all(), self.undo_action, self.redo_action]
        lazy_call(
            self, "ui.shortcuts_dialog", "show_shortcuts", self, acts, list(self.code_keys.keys)
        )

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
        for action in self.code_keys.actions:
            action.setEnabled(writable)
        self.mark_not_done_action.setEnabled(writable)
        for action_id in (
            "export",
            "codebook_changelog",
            "write_manual",
            "report",
            "adjudicate",
            "compare_gold",
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
        where = f"Sentence {row + 1} of {n}" if row is not None else plural(n, "sentence")
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
