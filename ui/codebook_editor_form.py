"""The codebook editor's form: the selected code's or group's fields, a reason in red beside
any field whose value was refused, and a live preview of the code as the codebook panel will
show it (the panel's own model and details text, fed the values being typed).

The form only collects and shows; ``ui.codebook_editor`` turns a finished field into an edit.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.records import CodeRecord, GroupRecord, ProjectCodebook
from ui.codebook_panel import CodebookColumn, CodebookModel, code_details_html, swatch

#: code fields with a text box of several lines (committed when the box loses focus)
TEXT_FIELDS = ("definition", "include", "exclude", "examples")
ERROR_STYLE = "color: #c0392b;"


class CodeForm(QWidget):
    """Emits ``committed(field, value)`` when a field is finished (Return, focus leaves, a colour
    picked, the choice box toggled); the value is a str, a list of str (examples) or a bool."""

    committed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._code: CodeRecord | None = None
        self._group: GroupRecord | None = None
        self._loading = False
        self.errors: dict[str, QLabel] = {}

        self.title = QLabel(self)
        self.title.setObjectName("editorFormTitle")
        self.name = QLineEdit(self)
        self.name.setObjectName("editorName")
        self.key = QLineEdit(self)
        self.key.setObjectName("editorKey")
        self.key.setMaximumWidth(60)
        self.key.setToolTip("One character; empty for no key")
        self.color = QLineEdit(self)
        self.color.setObjectName("editorColor")
        self.color.setMaximumWidth(100)
        self.color_button = QPushButton("Pick…", self)
        self.color_button.setObjectName("editorPickColor")
        self.multiple = QCheckBox("Several codes of this group per sentence (multiple choice)")
        self.multiple.setObjectName("editorMultiple")
        self.texts: dict[str, QPlainTextEdit] = {}
        for field in TEXT_FIELDS:
            box = QPlainTextEdit(self)
            box.setObjectName(f"editor_{field}")
            box.setTabChangesFocus(True)
            box.setMaximumHeight(70)
            box.installEventFilter(self)
            box.textChanged.connect(self._update_preview)
            self.texts[field] = box
        self.texts["examples"].setPlaceholderText("One example per line")

        form = QFormLayout()
        form.addRow(self.title)
        form.addRow("&Name", self._with_error("name", self.name))
        form.addRow("&Key", self._with_error("key", self.key))
        colour = QHBoxLayout()
        colour.addWidget(self.color)
        colour.addWidget(self.color_button)
        colour.addStretch(1)
        holder = QWidget(self)
        holder.setLayout(colour)
        colour.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Colour", self._with_error("color", holder))
        form.addRow("", self._with_error("multiple", self.multiple))
        for field, label in (
            ("definition", "&Definition"),
            ("include", "&Include"),
            ("exclude", "E&xclude"),
            ("examples", "Exa&mples"),
        ):
            form.addRow(label, self._with_error(field, self.texts[field]))
        self.general_error = QLabel(self)
        self.general_error.setObjectName("editorError")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        form.addRow(self.general_error)

        # the preview is a widget of its own: the editor places it (under the tree)
        self.preview = QWidget(self)
        self.preview.setObjectName("editorPreview")
        self.preview_model = CodebookModel(self)
        self.preview_tree = QTreeView(self.preview)
        self.preview_tree.setObjectName("editorPreviewTree")
        self.preview_tree.setModel(self.preview_model)
        self.preview_tree.setRootIsDecorated(False)
        self.preview_tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preview_tree.setUniformRowHeights(True)
        self.preview_tree.setColumnHidden(CodebookColumn.COUNT, True)
        header = self.preview_tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(CodebookColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CodebookColumn.KEY, QHeaderView.ResizeMode.ResizeToContents)
        self.preview_details = QTextBrowser(self.preview)
        self.preview_details.setObjectName("editorPreviewDetails")
        self.preview_details.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        preview_title = QLabel("<b>Preview</b> — as the codebook panel will show it")
        preview_title.setWordWrap(True)
        shown = QVBoxLayout(self.preview)
        shown.setContentsMargins(0, 0, 0, 0)
        shown.addWidget(preview_title)
        shown.addWidget(self.preview_tree, 1)
        shown.addWidget(self.preview_details, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)

        self.name.editingFinished.connect(lambda: self._commit("name", self.name.text()))
        self.key.editingFinished.connect(lambda: self._commit("key", self.key.text()))
        self.color.editingFinished.connect(lambda: self._commit("color", self.color.text()))
        self.color_button.clicked.connect(self._pick_color)
        self.multiple.toggled.connect(lambda on: self._commit("multiple", bool(on)))
        for line in (self.name, self.key, self.color):
            line.textEdited.connect(self._update_preview)
        self.show_item(None, None)

    def _with_error(self, field: str, widget: QWidget) -> QWidget:
        """The field with its reason for a refusal in red (empty while the value is fine):
        beside a narrow field, under a wide one."""
        box = QWidget(self)
        narrow = widget.maximumWidth() < 1000 or field == "color"
        row = QHBoxLayout(box) if narrow else QVBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2 if not narrow else 6)
        row.addWidget(widget, 0 if narrow else 1)
        error = QLabel(box)
        error.setObjectName(f"error_{field}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        row.addWidget(error, 1)
        error.hide()
        self.errors[field] = error
        return box

    # -- what is shown -------------------------------------------------------------------
    def show_item(self, group: GroupRecord | None, code: CodeRecord | None) -> None:
        """Load a code (with its group), a group alone, or nothing."""
        self._loading = True
        self._group, self._code = group, code
        self.clear_errors()
        is_code = code is not None
        for w in (self.key, self.color, self.color_button, *self.texts.values()):
            w.setEnabled(is_code)
        self.name.setEnabled(group is not None)
        self.multiple.setEnabled(group is not None and not is_code)
        self.multiple.setChecked(bool(group and group.multiple))
        if code is not None:
            self.title.setText(f"<b>Code</b> in group {group.name if group else ''}")
            self.name.setText(code.name)
            self.key.setText(code.key)
            self.color.setText(code.color)
            self.texts["definition"].setPlainText(code.definition)
            self.texts["include"].setPlainText(code.include)
            self.texts["exclude"].setPlainText(code.exclude)
            self.texts["examples"].setPlainText("\n".join(code.examples))
        else:
            self.title.setText("<b>Group</b>" if group is not None else "Nothing selected")
            self.name.setText(group.name if group is not None else "")
            for w in (self.key, self.color):
                w.clear()
            for box in self.texts.values():
                box.clear()
        self._loading = False
        self._update_preview()

    def draft(self) -> CodeRecord | None:
        """The selected code with the values in the form (not yet saved), for the preview."""
        if self._code is None:
            return None
        color = self.color.text().strip()
        return replace(
            self._code,
            name=self.name.text().strip() or self._code.name,
            key=self.key.text().strip().lower()[:1],
            color=color if QColor.isValidColorName(color) else self._code.color,
            definition=self.texts["definition"].toPlainText(),
            include=self.texts["include"].toPlainText(),
            exclude=self.texts["exclude"].toPlainText(),
            examples=tuple(self.examples()),
        )

    def examples(self) -> list[str]:
        return [s for s in self.texts["examples"].toPlainText().splitlines() if s.strip()]

    def _update_preview(self) -> None:
        if self._loading:
            return
        group, code = self._group, self.draft()
        if group is None:
            self.preview_model.set_codebook(None)
            self.preview_details.clear()
            return
        codes = tuple(code if code is not None and c.id == code.id else c for c in group.codes)
        shown = replace(group, name=self.name.text() if code is None else group.name, codes=codes)
        self.preview_model.set_codebook(ProjectCodebook("", "", "", (shown,)))
        self.preview_tree.expandAll()
        if code is not None:
            self.preview_details.setHtml(code_details_html(code, shown))
            self.color_button.setIcon(swatch(code.color, 14))
        else:
            self.preview_details.clear()

    # -- refusals ------------------------------------------------------------------------
    def show_error(self, field: str, message: str) -> None:
        label = self.errors.get(field, self.general_error)
        label.setText(message)
        label.show()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear()
            label.hide()
        self.general_error.clear()

    def error_text(self, field: str) -> str:
        return self.errors.get(field, self.general_error).text()

    # -- committing ----------------------------------------------------------------------
    def _commit(self, field: str, value: object) -> None:
        if self._loading or self._group is None:
            return
        current = self._current(field)
        if value == current or (isinstance(value, str) and value.strip() == current):
            self.errors[field].clear()
            self.errors[field].hide()
            return
        self.committed.emit(field, value)

    def _current(self, field: str) -> object:
        if self._code is not None:
            return (
                getattr(self._code, field, None)
                if field != "examples"
                else list(self._code.examples)
            )
        if self._group is not None:
            return {"name": self._group.name, "multiple": self._group.multiple}.get(field)
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            for field, box in self.texts.items():
                if box is watched:
                    value: object = box.toPlainText() if field != "examples" else self.examples()
                    self._commit(field, value)
        return super().eventFilter(watched, event)

    def _pick_color(self) -> None:
        start = QColor(self.color.text().strip() or "#888888")
        chosen = QColorDialog.getColor(start, self, "Colour of the code")
        if chosen.isValid():
            self.color.setText(chosen.name())
            self._commit("color", chosen.name())
