"""The codebook's changelog (published versions: number, date, by, note; what a selected one
changed) and publishing the next version (a one-line note, after seeing the unpublished edits).

Both dialogs read and write through the project's public API (codebook_versions,
unpublished_changes, publish_codebook). Keyboard: the version table has the focus, arrows
choose a version, Escape closes; in the publish dialog the note has the focus and Enter
publishes once the note is not empty.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QStringListModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.project import Project
from annotator.records import CodebookVersionRecord

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Version", "Published", "By", "Note", "Labels")


class VersionTableModel(QAbstractTableModel):
    """Published versions, newest first, with how many labels were made under each."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.versions: list[CodebookVersionRecord] = []
        self.labels: dict[int, int] = {}

    def set_versions(self, versions: list[CodebookVersionRecord], labels: dict[int, int]) -> None:
        self.beginResetModel()
        self.versions = sorted(versions, key=lambda v: -v.number)
        self.labels = dict(labels)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.versions)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.versions):
            return None
        v = self.versions[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            col = index.column()
            if col == 0:
                return str(v.number)
            if col == 1:
                return f"{v.published_at:%Y-%m-%d %H:%M}" if v.published_at else ""
            if col == 2:
                return v.published_by
            if col == 3:
                return v.note
            return f"{self.labels.get(v.number, 0):,}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return v.note
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def version_at(self, row: int) -> CodebookVersionRecord | None:
        return self.versions[row] if 0 <= row < len(self.versions) else None


def change_lines(version: CodebookVersionRecord | None, first: bool = False) -> list[str]:
    if version is None:
        return []
    if version.changes:
        return list(version.changes)
    return ["the codebook as first recorded"] if first else ["no changes recorded"]


class CodebookChangelogDialog(QDialog):
    """Versions on top; what the selected one changed below."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle("Codebook changelog")
        self.resize(720, 460)
        self.heading = QLabel()
        self.model = VersionTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("versions")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setTabKeyNavigation(False)
        self.changes_label = QLabel("What changed:")
        self.changes_model = QStringListModel(self)
        self.changes = QListView()
        self.changes.setObjectName("changes")
        self.changes.setModel(self.changes_model)
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.setWordWrap(True)
        self.changes_label.setBuddy(self.changes)
        self.pending = QLabel()
        self.pending.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QWidget()
        lower = QVBoxLayout(bottom)
        lower.setContentsMargins(0, 0, 0, 0)
        lower.addWidget(self.changes_label)
        lower.addWidget(self.changes)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        layout.addWidget(self.pending)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur))
        self.refresh()
        self.table.setFocus()

    def refresh(self) -> None:
        versions = self.project.codebook_versions()
        self.model.set_versions(versions, self.project.label_version_counts())
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        current = self.project.codebook_version
        self.heading.setText(
            f"<b>{len(versions)}</b> published version{'s' if len(versions) != 1 else ''}; "
            f"labels are being made under version <b>{current}</b>."
        )
        pending = self.project.unpublished_changes()
        self.pending.setText(
            f"{len(pending)} change{'s' if len(pending) != 1 else ''} not published yet "
            "(Codebook > Publish codebook version…)."
            if pending
            else "No unpublished changes."
        )
        if self.model.rowCount():
            self.table.selectRow(0)
            self._show(self.model.index(0, 0))

    def selected_version(self) -> CodebookVersionRecord | None:
        return self.model.version_at(self.table.currentIndex().row())

    def _show(self, index: QModelIndex) -> None:
        version = self.model.version_at(index.row())
        first = version is not None and version.number == min(v.number for v in self.model.versions)
        if version is not None:
            self.changes_label.setText(f"What version {version.number} changed:")
        self.changes_model.setStringList(change_lines(version, first))


def open_changelog(parent: QWidget | None, project: Project) -> CodebookChangelogDialog:
    dialog = CodebookChangelogDialog(project, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


class PublishCodebookDialog(QDialog):
    """The one-line note, the unpublished changes it will publish, Publish / Cancel."""

    def __init__(self, project: Project, by: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.by = by
        self.published: CodebookVersionRecord | None = None
        current = project.codebook_version
        self.setWindowTitle("Publish codebook version")
        self.resize(560, 380)
        intro = QLabel(
            f"Publish version <b>{current + 1}</b> of the codebook. Labels made from now on "
            f"record version {current + 1}; agreement and exports can tell them apart."
        )
        intro.setWordWrap(True)
        note_label = QLabel("One-line &note (what changed, for coders):")
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText("e.g. Denial split into Denial and Rejection")
        note_label.setBuddy(self.note)
        self.changes = project.unpublished_changes()
        changes_label = QLabel(
            f"&Changes since version {current}:"
            if self.changes
            else f"No changes since version {current}."
        )
        self.changes_view = QListView()
        self.changes_view.setObjectName("unpublished")
        self.changes_view.setModel(QStringListModel(self.changes, self))
        self.changes_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        changes_label.setBuddy(self.changes_view)
        self.force = QCheckBox("Publish &anyway (nothing changed)")
        self.force.setVisible(not self.changes)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.publish_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.publish_button.setText("&Publish")
        self.buttons.accepted.connect(self.publish)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(note_label)
        layout.addWidget(self.note)
        layout.addWidget(changes_label)
        layout.addWidget(self.changes_view, 1)
        layout.addWidget(self.force)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.note.textChanged.connect(self._update)
        self.force.toggled.connect(self._update)
        self.note.returnPressed.connect(self.publish)
        self._update()
        self.note.setFocus()

    def _update(self) -> None:
        ok = bool(self.note.text().strip()) and (bool(self.changes) or self.force.isChecked())
        self.publish_button.setEnabled(ok)

    def publish(self) -> None:
        if not self.publish_button.isEnabled():
            self.message.setText(
                "Write a one-line note first."
                if not self.note.text().strip()
                else "Nothing changed: tick “Publish anyway” to publish all the same."
            )
            return
        try:
            self.published = self.project.publish_codebook(
                self.note.text(), by=self.by, force=self.force.isChecked()
            )
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return
        self.accept()


def ask_publish(parent: QWidget | None, project: Project, by: str) -> CodebookVersionRecord | None:
    """Run the publish dialog; the version published, or None if cancelled."""
    dialog = PublishCodebookDialog(project, by, parent)
    dialog.exec()
    return dialog.published
