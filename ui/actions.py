"""The one action registry: id -> text, default keys, icon, tip. Menus and toolbars look up by id.

Code keys are not here: they come from the codebook, and ``ui.code_keys`` binds them for every
window each time a codebook is loaded.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox, QWidget

from ui import icons

log = logging.getLogger(__name__)

SK = QKeySequence.StandardKey
KeySpec = QKeySequence.StandardKey | str


@dataclass(frozen=True)
class ActionSpec:
    id: str
    text: str
    keys: tuple[KeySpec, ...] = ()
    icon: str | None = None
    tip: str = ""
    checkable: bool = False
    #: Window: anywhere in the main window; Widget: only where the action is added (sentence view)
    context: Qt.ShortcutContext = Qt.ShortcutContext.WindowShortcut
    #: labelling actions are disabled on read-only projects
    writes: bool = False


SPECS: tuple[ActionSpec, ...] = (
    # File
    ActionSpec("new_project", "&New project…", (SK.New,), "new", "Create an empty project file"),
    ActionSpec("open_project", "&Open…", (SK.Open,), "open", "Open a project file"),
    ActionSpec(
        "import",
        "&Import articles…",
        ("Ctrl+I",),
        "import",
        "Import text, Word, PDF, web pages or tables (you can also drop files here)",
        writes=True,
    ),
    ActionSpec(
        "load_codebook",
        "Load &codebook…",
        (),
        "codebook",
        "Load or update the codebook from a YAML or REFI-QDA file",
        writes=True,
    ),
    ActionSpec(
        "edit_codebook",
        "&Edit codebook…",
        ("Ctrl+Shift+E",),
        "edit_codebook",
        "Add, rename, reorder, merge, split and delete codes and groups (every edit can be undone)",
        writes=True,
    ),
    ActionSpec(
        "codebook_changelog",
        "Codebook &changelog…",
        (),
        "changelog",
        "The published codebook versions and what each changed",
    ),
    ActionSpec(
        "publish_codebook",
        "&Publish codebook version…",
        (),
        "publish",
        "Publish the codebook's changes as a new version, with a one-line note",
        writes=True,
    ),
    ActionSpec(
        "write_manual",
        "Write coders' &manual…",
        (),
        "manual",
        "The codebook as a printable manual (HTML or PDF): codes, criteria, examples, changelog",
    ),
    ActionSpec("export", "&Export…", ("Ctrl+E",), "export", "Export labels and reports"),
    ActionSpec(
        "merge",
        "&Merge coder projects…",
        (),
        "merge",
        "Bring other coders' project files into this one",
        writes=True,
    ),
    ActionSpec(
        "restore_backup",
        "Restore from &backup…",
        (),
        "restore",
        "Put back one of the backups taken automatically when the project was opened",
        writes=True,
    ),
    ActionSpec("switch_coder", "S&witch coder…", (), "coder", "Code as another person"),
    ActionSpec("quit", "&Quit", (SK.Quit, "Ctrl+Q"), "quit", "Close annotator"),
    # Edit / coding
    ActionSpec(
        "keep_one_duplicate",
        "Keep this article, mark its near-&duplicates duplicate",
        (),
        "near_duplicate",
        "Of this article's group of near-duplicates keep only this one: the others are left "
        "out of agreement and exports",
        writes=True,
    ),
    ActionSpec(
        "keep_all_duplicates",
        "Keep all of its near-duplicates",
        (),
        "keep_duplicates",
        "Keep every article of this article's group of near-duplicates",
        writes=True,
    ),
    ActionSpec(
        "clear",
        "&Clear codes",
        ("Backspace", "Delete"),
        "clear",
        "Remove your codes from the selected sentences",
        writes=True,
    ),
    ActionSpec(
        "next_uncoded",
        "Next &uncoded sentence",
        ("Return", "Enter"),
        "next_uncoded",
        "Jump to the next sentence you have not coded",
        context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
    ),
    ActionSpec(
        "next_sentence",
        "Next sentence",
        ("J",),
        None,
        "Move down one sentence",
        context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
    ),
    ActionSpec(
        "prev_sentence",
        "Previous sentence",
        ("K",),
        None,
        "Move up one sentence",
        context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
    ),
    ActionSpec(
        "mark_done",
        "Mark article &done",
        ("Ctrl+D",),
        "done",
        "Mark this article done and open the next one",
        writes=True,
    ),
    ActionSpec(
        "next_article",
        "Ne&xt article",
        ("Ctrl+PgDown", "Alt+Down"),
        "next_article",
        "Open the next article in the list",
    ),
    ActionSpec(
        "prev_article",
        "Pre&vious article",
        ("Ctrl+PgUp", "Alt+Up"),
        "prev_article",
        "Open the previous article in the list",
    ),
    ActionSpec(
        "split_sentence",
        "&Split sentence…",
        (),
        "split",
        "Split the current sentence in two where the segmenter missed a boundary (no labels on it)",
        writes=True,
    ),
    ActionSpec(
        "merge_next",
        "Merge with &next sentence",
        (),
        "merge_sentences",
        "Join the current sentence and the next one (neither may have labels)",
        writes=True,
    ),
    ActionSpec(
        "sentence_memo",
        "Sentence &memo…",
        ("Ctrl+M",),
        "memo",
        "Write a memo on the current sentence",
        writes=True,
    ),
    ActionSpec(
        "article_memo",
        "&Article memo…",
        ("Ctrl+Shift+M",),
        "article_memo",
        "Write a memo on this article",
        writes=True,
    ),
    ActionSpec("find", "&Find in article…", (SK.Find,), "find", "Find text in this article"),
    ActionSpec(
        "corpus_find",
        "Find in &all articles…",
        ("Ctrl+Shift+F",),
        "corpus_find",
        "Search every article of the project",
    ),
    # View
    ActionSpec(
        "show_others",
        "Show &other coders' labels",
        ("Ctrl+Shift+O",),
        "show_others",
        "Blind coding is on while this is off: you see only your own labels",
        checkable=True,
    ),
    ActionSpec(
        "report",
        "Agreement &report",
        ("Ctrl+R",),
        "report",
        "Inter-coder agreement for this project",
    ),
    ActionSpec(
        "adjudicate", "&Adjudication", (), "adjudicate", "Resolve disagreements between coders"
    ),
    ActionSpec(
        "team_progress",
        "&Team progress",
        ("Ctrl+Shift+T",),
        "team",
        "Each coder's assigned, in-progress and done articles and pace, updated live",
    ),
    # Gold standard (training and calibration)
    ActionSpec(
        "compare_gold",
        "Compare with &gold standard",
        ("Ctrl+Shift+G",),
        "training",
        "Your finished gold articles against the gold standard, sentence by sentence",
    ),
    ActionSpec(
        "gold_mark",
        "&Mark this article as gold…",
        (),
        "gold",
        "Make this article part of the gold standard, with a finished coder's labels as truth",
        writes=True,
    ),
    ActionSpec(
        "gold_mark_done_by",
        "Mark all articles &done by a coder as gold…",
        (),
        "gold",
        "Every article one coder (e.g. adjudicated) marked done becomes gold, with their labels",
        writes=True,
    ),
    ActionSpec(
        "gold_unmark",
        "&Remove this article from gold",
        (),
        "gold_remove",
        "Take this article out of the gold standard (no label changes)",
        writes=True,
    ),
    ActionSpec("zoom_in", "Zoom &in", (SK.ZoomIn, "Ctrl+="), "zoom_in", "Larger text"),
    ActionSpec("zoom_out", "Zoom &out", (SK.ZoomOut,), "zoom_out", "Smaller text"),
    ActionSpec("zoom_reset", "&Reset zoom", ("Ctrl+0",), "zoom_reset", "Default text size"),
    ActionSpec(
        "preferences",
        "&Preferences…",
        (SK.Preferences,),
        "preferences",
        "Theme (light, dark or the system's) and text size",
    ),
    # Help
    ActionSpec(
        "shortcuts",
        "&Keyboard shortcuts",
        ("F1",),
        "shortcuts",
        "All keys, including the code keys",
    ),
    ActionSpec("about", "&About annotator", (), "about", ""),
)

#: single-letter keys the workspace itself uses; a code may not take them
RESERVED_LETTERS = frozenset(
    str(k).lower() for s in SPECS for k in s.keys if isinstance(k, str) and len(k) == 1
)


def _key_sequences(keys: Iterable[KeySpec]) -> list[QKeySequence]:
    out: list[QKeySequence] = []
    for k in keys:
        seqs = QKeySequence.keyBindings(k) if isinstance(k, SK) else [QKeySequence(k)]
        for seq in seqs:
            if not seq.isEmpty() and seq not in out:
                out.append(seq)
    return out


class ActionRegistry:
    """Builds one QAction per spec, owned by the window, looked up by id."""

    def __init__(self, parent: QObject) -> None:
        self.parent = parent
        self.specs = {s.id: s for s in SPECS}
        self._actions: dict[str, QAction] = {}
        for spec in SPECS:
            self._actions[spec.id] = self._build(spec)

    def _build(self, spec: ActionSpec) -> QAction:
        action = QAction(spec.text, self.parent)
        action.setObjectName(spec.id)
        action.setShortcuts(_key_sequences(spec.keys))
        action.setShortcutContext(spec.context)
        if spec.icon:
            action.setIcon(icons.icon(spec.icon))
        if spec.checkable:
            action.setCheckable(True)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        tip = spec.text.replace("&", "").rstrip("…")
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(spec.tip)
        return action

    def __getitem__(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def connect(self, action_id: str, slot: Callable[..., Any]) -> QAction:
        action = self._actions[action_id]
        if action.isCheckable():
            action.toggled.connect(slot)
        else:
            action.triggered.connect(lambda _checked=False: slot())
        return action

    def all(self) -> list[QAction]:
        return list(self._actions.values())

    def writing(self) -> list[QAction]:
        return [self._actions[s.id] for s in SPECS if s.writes]


def lazy_call(parent: QWidget | None, module: str, function: str, *args: Any) -> bool:
    """Call ui.<module>.<function>(*args), or say the feature is not available yet."""
    try:
        fn = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError) as exc:
        log.warning("%s.%s unavailable: %s", module, function, exc)
        QMessageBox.information(
            parent,
            "Not available yet",
            f"This feature ({module}.{function}) is not available in this version yet.",
        )
        return False
    fn(*args)
    return True


def close_keys() -> list[QKeySequence]:
    """Keys that close a secondary window (report, adjudication): the platform's Close key,
    Ctrl+W and Esc, so every secondary window closes the same way."""
    keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Close))
    for extra in ("Ctrl+W", "Esc"):
        seq = QKeySequence(extra)
        if seq not in keys:
            keys.append(seq)
    return keys
