"""Before a codebook replaces the project's one: what it adds, removes and renames, and which
labels that hides, with Load / Cancel.

Nothing is lost by a load (a removed code's labels stay in the file, hidden, and come back with the
code), but hidden labels drop out of progress and agreement, so the coder should see it coming.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.records import CodebookChanges


def _labels(n: int) -> str:
    return f"{n} label{'s' if n != 1 else ''}"


def preview_html(changes: CodebookChanges) -> str:
    """The changes as short lists; a load that changes no code says so."""
    e = html.escape
    parts: list[str] = []
    if changes.added:
        items = "".join(f"<li>{e(n)}</li>" for n in changes.added)
        parts.append(f"<p><b>Added ({len(changes.added)})</b></p><ul>{items}</ul>")
    if changes.deactivated:
        items = "".join(
            f"<li>{e(n)} — {_labels(changes.hidden_labels.get(n, 0))} hidden</li>"
            for n in changes.deactivated
        )
        parts.append(
            f"<p><b>Removed ({len(changes.deactivated)})</b>: their labels stay in the file, "
            f"hidden and not counted, and come back if the code does</p><ul>{items}</ul>"
        )
    if changes.renamed:
        items = "".join(
            f"<li>{e(old)} → {e(new)} ({_labels(changes.renamed_labels.get(new, 0))})</li>"
            for old, new in changes.renamed
        )
        parts.append(f"<p><b>Renamed ({len(changes.renamed)})</b></p><ul>{items}</ul>")
    kept = len(changes.updated) - len(changes.renamed)
    if kept:
        parts.append(
            f"<p>{kept} code{'s' if kept != 1 else ''} kept (definitions, keys and "
            "colours as in the new file)</p>"
        )
    if not (changes.added or changes.deactivated or changes.renamed):
        parts.insert(0, "<p>No code is added, removed or renamed.</p>")
    return "".join(parts)


class CodebookPreviewDialog(QDialog):
    def __init__(self, parent: QWidget | None, source: str, changes: CodebookChanges) -> None:
        super().__init__(parent)
        self.setObjectName("codebookPreview")
        self.setWindowTitle("Load codebook")
        self.changes = changes
        heading = QLabel(f"Load <b>{html.escape(source)}</b> as this project's codebook?", self)
        self.body = QTextBrowser(self)
        self.body.setObjectName("codebookPreviewBody")
        self.body.setHtml(preview_html(changes))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.load_button = buttons.addButton("Load", QDialogButtonBox.ButtonRole.AcceptRole)
        self.load_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.body, 1)
        layout.addWidget(buttons)
        self.resize(460, 360)


def confirm_codebook_load(parent: QWidget | None, source: str, changes: CodebookChanges) -> bool:
    """Show the preview; True if the coder chose Load."""
    dialog = CodebookPreviewDialog(parent, source, changes)
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
