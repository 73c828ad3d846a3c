"""Write or change a memo: a note on an article or a sentence, kept per coder in the project."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class MemoDialog(QDialog):
    """A plain text box; Ctrl+Enter saves, an empty memo is deleted."""

    def __init__(self, parent: QWidget | None, title: str, text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(460, 300)
        self.editor = QPlainTextEdit(text)
        self.editor.setTabChangesFocus(True)
        self.editor.setPlaceholderText("Write a note…")
        self.hint = QLabel("Ctrl+Enter saves. Leave the memo empty and save to delete it.")
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # greyed: a hint, not content
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.editor.installEventFilter(self)  # Ctrl+Enter, before the editor takes it as a newline
        self.editor.textChanged.connect(self._update_ok)
        self._had_text = bool(text.strip())
        self._update_ok()
        self.editor.setFocus()
        cursor = self.editor.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.editor.setTextCursor(cursor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.editor
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.editor.toPlainText().strip()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Delete memo" if self._had_text and not self.text() else "Save")


def edit_memo(parent: QWidget | None, title: str, text: str) -> str | None:
    """The new memo text, "" to delete the memo, or None if the user cancelled."""
    dialog = MemoDialog(parent, title, text)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.text()
    finally:
        dialog.deleteLater()
