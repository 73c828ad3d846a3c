"""The codebook editor: a window beside the main one (Codebook › Edit codebook…, Ctrl+Shift+E)
with the groups and codes as a tree, a form for the selected one and a preview.

Every change is a core CodebookCommand pushed on the main window's undo stack (ui.undo), so
Ctrl+Z here or in the main window undoes codebook edits and label edits in the order they were
made; after each, the main window's codebook panel, code keys and counts follow. A refused
value is shown in red beside its field, never in a modal box; only a delete (how many labels it
removes), a merge (into which code) and a split (the new code's name) ask.

Alt+Up / Alt+Down move the selected code or group, Del deletes the selected code, Ctrl+N adds a
code to the selected group, Ctrl+Shift+N adds a group. The editor is its own top-level window,
so these keys never reach the main window's (Alt+Down there opens the next article).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QTreeView,
    QWidget,
)

from annotator import Project
from annotator.codebook.edit_rules import CodebookEditError
from annotator.commands import CodebookCommand, Effect
from annotator.errors import AnnotatorError
from annotator.records import CodeRecord, GroupRecord
from ui import icons
from ui.codebook_editor_form import CodeForm
from ui.codebook_editor_model import UID_ROLE, CodebookEditorModel, EditorColumn
from ui.undo import push

#: after an edit took effect (or was undone): the main window repaints from it
OnEdited = Callable[[Effect], None]


def ask_confirm(parent: QWidget, title: str, text: str) -> bool:
    """Yes/No (the one confirmation the editor asks: a delete that removes labels)."""
    answer = QMessageBox.question(
        parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_choice(parent: QWidget, title: str, label: str, items: list[str]) -> str | None:
    chosen, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return chosen if ok and chosen else None


def ask_text(parent: QWidget, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok and text.strip() else None


def open_codebook_editor(
    parent: QWidget, project: Project, stack: QUndoStack, by: str, on_edited: OnEdited
) -> CodebookEditor:
    """Show the editor (one per main window and project; raised if already open)."""
    for w in parent.findChildren(CodebookEditor):
        if w.project is project and w.isVisible():
            w.raise_()
            w.activateWindow()
            return w
    editor = CodebookEditor(project, stack, by, on_edited, parent)
    editor.show()
    editor.raise_()
    return editor


class CodebookEditor(QMainWindow):
    def __init__(
        self,
        project: Project,
        stack: QUndoStack,
        by: str,
        on_edited: OnEdited,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("codebookEditor")
        self.setWindowTitle(f"Codebook editor — {project.path.name}")
        self.project = project
        self.stack = stack
        self.by = by
        self.on_edited = on_edited

        self.model = CodebookEditorModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("codebookEditorTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setItemsExpandable(False)
        hh = self.tree.header()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(EditorColumn.NAME, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(EditorColumn.KEY, QHeaderView.ResizeMode.ResizeToContents)
        self.form = CodeForm(self)
        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.tree)
        left.addWidget(self.form.preview)
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 2)
        left.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.form)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([380, 620])
        split.setChildrenCollapsible(False)
        self.setCentralWidget(split)

        self.actions_by_id: dict[str, QAction] = {}
        bar = QToolBar("Codebook", self)
        bar.setObjectName("codebookEditorToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        tree_only = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for action_id, text, key, glyph, slot, context in (
            ("add_code", "Add &code", "Ctrl+N", "add_code", self.add_code, None),
            ("add_group", "Add &group", "Ctrl+Shift+N", "add_group", self.add_group, None),
            ("move_up", "Move &up", "Alt+Up", "move_up", lambda: self.move(-1), tree_only),
            ("move_down", "Move &down", "Alt+Down", "move_down", lambda: self.move(1), tree_only),
            ("merge", "&Merge into…", "Ctrl+Shift+M", "merge", self.merge, None),
            ("split", "&Split…", "Ctrl+Shift+S", "split_code", self.split, None),
            ("delete", "&Delete…", "Del", "delete", self.delete, tree_only),
        ):
            action = QAction(icons.icon(glyph), text, self)
            action.setObjectName(action_id)
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({key})")
            action.triggered.connect(slot)
            if context is None:
                self.addAction(action)
            else:
                action.setShortcutContext(context)
                self.tree.addAction(action)
            bar.addAction(action)
            self.actions_by_id[action_id] = action
        bar.addSeparator()
        self.undo_action = stack.createUndoAction(self, "Undo")
        self.undo_action.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Undo))
        self.undo_action.setIcon(icons.icon("undo"))
        self.redo_action = stack.createRedoAction(self, "Redo")
        self.redo_action.setShortcuts(
            [*QKeySequence.keyBindings(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Y")]
        )
        self.redo_action.setIcon(icons.icon("redo"))
        for action in (self.undo_action, self.redo_action):
            self.addAction(action)
            bar.addAction(action)

        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.form.committed.connect(self._field_committed)
        self.resize(980, 640)
        self.refresh()
        first = self.model.index(0, 0)
        if first.isValid():
            self.tree.setCurrentIndex(
                self.model.index(0, 0, first) if self.model.rowCount(first) else first
            )
        if project.read_only:
            self.form.setEnabled(False)
            for action in self.actions_by_id.values():
                action.setEnabled(False)
            self.form.general_error.setText(
                "This project is open read-only: nothing can be changed"
            )

    # -- what is selected ----------------------------------------------------------------
    def current_uid(self) -> str | None:
        value = self.tree.currentIndex().data(UID_ROLE)
        return str(value) if value is not None else None

    def current_code(self) -> CodeRecord | None:
        return self.model.code_at(self.tree.currentIndex())

    def current_group(self) -> GroupRecord | None:
        return self.model.group_at(self.tree.currentIndex())

    def select_uid(self, uid: str | None) -> None:
        index = self.model.index_of_uid(uid) if uid else QModelIndex()
        if index.isValid():
            self.tree.setCurrentIndex(index)

    def refresh(self, keep: str | None = None) -> None:
        """Re-read the codebook from the project; the selection stays on ``keep`` (a uid) or
        on what was selected."""
        uid = keep or self.current_uid()
        self.model.set_codebook(self.project.codebook)
        self.tree.expandAll()
        self.select_uid(uid)
        self._show_current()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_current()

    def _show_current(self) -> None:
        self.form.show_item(self.current_group(), self.current_code())
        code = self.current_code()
        for action_id in ("merge", "split", "delete"):
            self.actions_by_id[action_id].setEnabled(
                code is not None and not self.project.read_only
            )

    # -- running edits -------------------------------------------------------------------
    def run(
        self,
        text: str,
        operation: str,
        *args: object,
        field: str = "",
        select: str | None = None,
        **kwargs: object,
    ) -> bool:
        """Push one edit on the undo stack; a refusal is shown beside ``field``. True if done."""
        command = CodebookCommand(text, operation, args, dict(kwargs), by=self.by)
        keep = select or self.current_uid()
        try:
            done = push(self.stack, self.project, command, lambda e: self._edited(e, keep))
        except CodebookEditError as exc:
            self.form.show_error(exc.field if exc.field in self.form.errors else field, str(exc))
            return False
        except AnnotatorError as exc:
            self.form.show_error("", str(exc))
            return False
        if done:
            self.form.clear_errors()
            if command.last is not None:
                self.statusBar().showMessage(command.last.summary, 6000)
        return done

    def _edited(self, effect: Effect, keep: str | None) -> None:
        # undo from the main window may come after this window was closed
        if shiboken6.isValid(self.tree):
            self.refresh(keep)
        self.on_edited(effect)

    def _field_committed(self, field: str, value: object) -> None:
        code, group = self.current_code(), self.current_group()
        if code is not None:
            names = {"name": "Rename", "key": "Change key of", "color": "Recolour"}
            verb = names.get(field, "Edit")
            self.run(
                f"{verb} code {code.name}", "update_code", code.uid, field=field, **{field: value}
            )
        elif group is not None and field == "name":
            self.run(f"Rename group {group.name}", "rename_group", group.uid, value, field="name")
        elif group is not None and field == "multiple":
            kind = "multiple" if value else "single"
            if not self.run(
                f"Make {group.name} {kind} choice",
                "set_group_multiple",
                group.uid,
                value,
                field="multiple",
            ):
                self.form.multiple.blockSignals(True)
                self.form.multiple.setChecked(group.multiple)
                self.form.multiple.blockSignals(False)

    # -- the actions ---------------------------------------------------------------------
    def add_code(self) -> None:
        group = self.current_group()
        if group is None:
            self.form.show_error("", "Add a group first: a code belongs to a group")
            return
        taken = {c.name.casefold() for c in group.codes}
        n = 1
        while f"New code {n}".casefold() in taken:
            n += 1
        uid = str(uuid.uuid4())
        if self.run(
            f"Add code to {group.name}", "add_code", group.uid, f"New code {n}", uid=uid, select=uid
        ):
            self.form.name.setFocus()
            self.form.name.selectAll()

    def add_group(self) -> None:
        taken = {g.name.casefold() for g in self.project.codebook.groups}
        n = 1
        while f"New group {n}".casefold() in taken:
            n += 1
        uid = str(uuid.uuid4())
        if self.run("Add group", "add_group", f"New group {n}", uid=uid, select=uid):
            self.form.name.setFocus()
            self.form.name.selectAll()

    def move(self, step: int) -> None:
        code, group = self.current_code(), self.current_group()
        if code is not None:
            self.run(f"Move code {code.name}", "move_code_by", code.uid, step)
        elif group is not None:
            self.run(f"Move group {group.name}", "move_group_by", group.uid, step)

    def merge(self) -> None:
        code = self.current_code()
        if code is None:
            return
        others = [c for c in self.project.codebook.codes if c.id != code.id]
        if not others:
            self.form.show_error("", "There is no other code to merge into")
            return
        shown = {f"{c.group} / {c.name}": c for c in others}
        n = self.project.code_label_count(code)
        chosen = ask_choice(
            self,
            "Merge code",
            f"Merge {code.name} ({_labels(n)}) into:\n(its labels become labels of that code; "
            f"{code.name} leaves the codebook; Undo gives them back)",
            list(shown),
        )
        if chosen is not None:
            keep = shown[chosen]
            self.run(
                f"Merge {code.name} into {keep.name}",
                "merge_codes",
                keep.uid,
                code.uid,
                select=keep.uid,
            )

    def split(self) -> None:
        code = self.current_code()
        if code is None:
            return
        name = ask_text(self, "Split code", f"Split {code.name}: name of the new code beside it")
        if name is not None:
            uid = str(uuid.uuid4())
            self.run(
                f"Split {code.name}",
                "split_code",
                code.uid,
                name,
                new_uid=uid,
                select=uid,
                field="name",
            )

    def delete(self) -> None:
        code = self.current_code()
        if code is None:
            return
        n = self.project.code_label_count(code)
        if n:
            text = (
                f"Delete code {code.name}? {_labels(n).capitalize()} (every coder's) will be "
                "removed with it. Undo (Ctrl+Z) gives them back; to keep them, merge the code "
                "into another one instead."
            )
        else:
            text = f"Delete code {code.name}? It has no labels."
        if ask_confirm(self, "Delete code", text):
            group = self.current_group()
            rest = [c for c in group.codes if c.id != code.id] if group else []
            self.run(
                f"Delete code {code.name}", "delete_code", code.uid, confirm=True,
                select=rest[0].uid if rest else (group.uid if group else None),
            )  # fmt: skip

    def closeEvent(self, event: QCloseEvent) -> None:
        self.form.clear_errors()
        super().closeEvent(event)


def _labels(n: int) -> str:
    return f"{n} label{'s' if n != 1 else ''}"
