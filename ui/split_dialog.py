"""Split sentence: the coder puts the cursor where the segmenter missed a sentence boundary."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class SplitDialog(QDialog):
    def __init__(self, parent: QWidget | None, text: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Split sentence")
        self.resize(560, 220)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Click (or move with the arrow keys) to where the new sentence starts, then OK.")
        )
        self.editor = QPlainTextEdit(text, self)
        self.editor.setReadOnly(True)
        # Read-only, yet the cursor moves with the arrow keys, as the label above says.
        self.editor.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        cursor = self.editor.textCursor()
        cursor.setPosition(len(text) // 2)
        self.editor.setTextCursor(cursor)
        layout.addWidget(self.editor)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.editor.setFocus()

    def offset(self) -> int:
        """Characters from the start of the sentence to the cursor."""
        return self.editor.textCursor().position()


def choose_split(parent: QWidget | None, text: str) -> int | None:
    """The offset inside ``text`` where the second sentence starts, or None if cancelled."""
    dialog = SplitDialog(parent, text)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.offset()
