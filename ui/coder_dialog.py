"""Choose who is coding: every label is stored under a coder's name, which agreement compares."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

EXPLANATION = (
    "Your labels are saved under this name. Coding is blind: you see only your own labels "
    "unless you choose to show others'. Use the same name every time you code this project, "
    "so that agreement compares the right people."
)


class CoderDialog(QDialog):
    """An editable list of the project's coders; OK stays disabled until a name is given."""

    def __init__(self, parent: QWidget | None, known: Sequence[str], current: str | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose coder")
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(sorted(set(known), key=str.casefold))
        self.combo.setEditText(current or "")
        line_edit = self.combo.lineEdit()
        assert line_edit is not None  # the combo is editable
        line_edit.setPlaceholderText("your name or initials")
        self.explanation = QLabel(EXPLANATION)
        self.explanation.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Coder:", self.combo)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.combo.editTextChanged.connect(self._update_ok)
        self._update_ok()
        line_edit.selectAll()
        self.combo.setFocus()

    def name(self) -> str:
        """The chosen name with spaces folded, so "Ana " and "Ana" are one coder."""
        return " ".join(self.combo.currentText().split())

    def accept(self) -> None:
        if self.name():  # refuse an empty name even if OK is triggered by a key
            super().accept()

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.name()))


def choose_coder(parent: QWidget | None, known: list[str], current: str | None) -> str | None:
    """The coder's name, or None if the user cancelled."""
    dialog = CoderDialog(parent, known, current)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.name()
    finally:
        dialog.deleteLater()
