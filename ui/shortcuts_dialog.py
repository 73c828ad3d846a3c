"""The keyboard sheet: every shortcut of the window, generated from its actions and the codebook.

Generated rather than written by hand, so it is never out of date with the keys that really work.
An action's group is taken, in order, from its ``shortcut_group`` property, the first part of its
object name ("file.open" -> File), or words in its text.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

GROUPS = ("Codes", "Navigation", "Editing", "File", "View")

_PREFIXES = {
    "code": "Codes", "codes": "Codes",
    "nav": "Navigation", "navigation": "Navigation", "go": "Navigation",
    "edit": "Editing", "editing": "Editing",
    "file": "File", "project": "File",
    "view": "View", "window": "View", "help": "View",
}  # fmt: skip

_WORDS = (
    ("View", ("show ", "zoom", "report", "adjudicat", "shortcuts", "about", "panel", "toolbar")),
    ("File", ("open", "new project", "save", "import", "export", "quit", "exit", "close",
              "backup", "recent", "codebook", "projects", "coder")),
    ("Editing", ("undo", "redo", "copy", "cut", "paste", "split", "merge", "clear", "memo",
                 "select", "delete", "mark", "done", "status")),
    ("Navigation", ("next", "previous", "prev", "first", "last", "go to", "jump", "find",
                    "search", "back", "forward")),
)  # fmt: skip


#: actions whose text changes with what they would do ("Undo Apply Military action"): the sheet
#: names them by what they are, recognised by object name or a ``shortcut_name`` property
_STABLE_NAMES = {"undo": "Undo", "redo": "Redo", "edit.undo": "Undo", "edit.redo": "Redo"}


def plain_text(action: QAction) -> str:
    """The action's text without mnemonics (&) or a trailing ellipsis."""
    fixed = action.property("shortcut_name")
    if isinstance(fixed, str) and fixed:
        return fixed
    stable = _STABLE_NAMES.get(action.objectName().casefold())
    if stable is not None:
        return stable
    text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.rstrip(".…").strip()


def group_of(action: QAction) -> str:
    explicit = action.property("shortcut_group")
    if isinstance(explicit, str) and explicit in GROUPS:
        return explicit
    prefix = action.objectName().split(".", 1)[0].casefold()
    if "." in action.objectName() and prefix in _PREFIXES:
        return _PREFIXES[prefix]
    text = plain_text(action).casefold()
    for group, words in _WORDS:
        if any(w in text for w in words):
            return group
    return "View"


def _media_key(seq: QKeySequence) -> bool:
    """A dedicated key (Find, Zoom In, Open) that StandardKey adds; few keyboards have one.

    F13 and above count too: X11 binds Undo to F14 (the Undo key of old Sun keyboards), and a
    sheet that says "F14" for Undo sends the coder looking for a key they don't have.
    """
    if seq.count() != 1:
        return False
    combo = seq[0]  # type: ignore[index]  # QKeySequence has operator[]; the stubs lack it
    if combo.keyboardModifiers() != Qt.KeyboardModifier.NoModifier:
        return False
    key = combo.key().value
    return bool(key >= Qt.Key.Key_Back.value or Qt.Key.Key_F13.value <= key <= Qt.Key.Key_F35.value)


def shortcut_text(action: QAction) -> str:
    keys = [
        k.toString(QKeySequence.SequenceFormat.NativeText)
        for k in action.shortcuts()
        if not _media_key(k)
    ]
    return ", ".join(k for k in keys if k)


def shortcut_rows(
    actions: Sequence[QAction], code_keys: Sequence[tuple[str, str]]
) -> dict[str, list[tuple[str, str]]]:
    """group -> [(what, keys)] in GROUPS order; actions without a shortcut are left out.

    code_keys may be (name, key) or (key, name) pairs: the single character is the key.
    """
    rows: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    for first, second in code_keys:
        name, key = (second, first) if len(first) == 1 and len(second) != 1 else (first, second)
        if key:
            rows["Codes"].append((name, key.upper() if len(key) == 1 else key))
    seen: set[tuple[str, str]] = set()
    for action in actions:
        keys = shortcut_text(action)
        what = plain_text(action)
        if not keys or not what or (what, keys) in seen:
            continue
        seen.add((what, keys))
        rows[group_of(action)].append((what, keys))
    return {g: r for g, r in rows.items() if r}


_orphan: QWidget | None = None


class ShortcutsDialog(QDialog):
    """A two-column sheet grouped by purpose; non-modal so it can stay open while coding."""

    def __init__(
        self,
        parent: QWidget | None,
        actions: Sequence[QAction],
        code_keys: Sequence[tuple[str, str]],
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(480, 560)
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Action", "Shortcut"])
        self.view = QTreeView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.view.header().setStretchLastSection(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.set_contents(actions, code_keys)

    def set_contents(
        self, actions: Sequence[QAction], code_keys: Sequence[tuple[str, str]]
    ) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for group, rows in shortcut_rows(actions, code_keys).items():
            head = QStandardItem(group)
            font = head.font()
            font.setBold(True)
            head.setFont(font)
            head.setEditable(False)
            filler = QStandardItem("")
            filler.setEditable(False)
            for what, keys in rows:
                key_item = QStandardItem(keys)
                key_item.setTextAlignment(
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                )
                key_font = key_item.font()
                key_font.setFamily("monospace")
                key_item.setFont(key_font)
                what_item = QStandardItem(what)
                for item in (what_item, key_item):
                    item.setEditable(False)
                head.appendRow([what_item, key_item])
            self.model.appendRow([head, filler])
            self.view.setFirstColumnSpanned(self.model.rowCount() - 1, QModelIndex(), True)
        self.view.expandAll()

    def rows(self) -> list[tuple[str, str, str]]:
        """(group, action, keys) as shown, top to bottom."""
        out = []
        for r in range(self.model.rowCount()):
            head = self.model.item(r, 0)
            for c in range(head.rowCount()):
                out.append((head.text(), head.child(c, 0).text(), head.child(c, 1).text()))
        return out


def show_shortcuts(
    parent: QWidget | None, actions: list[QAction], code_keys: list[tuple[str, str]]
) -> None:
    """Show the sheet (reusing one already open for this parent, refreshed)."""
    existing = parent.findChild(ShortcutsDialog) if parent is not None else None
    if isinstance(existing, ShortcutsDialog):
        existing.set_contents(actions, code_keys)
        dialog = existing
    else:
        dialog = ShortcutsDialog(parent, actions, code_keys)
        if parent is None:
            global _orphan
            _orphan = dialog  # nothing else keeps a parentless dialog alive
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
