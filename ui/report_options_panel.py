"""The report window's left-hand panel: which code group, and which coders, are compared.

Kept apart from the window so the choice of what to compare reads as one thing; the window only
listens to ``changed`` and asks for the current choice when it recomputes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from annotator.project import Project
from annotator.reliability import NONE_VALUE
from ui.coder_selector import CoderSelector

#: the colour of "(no code)" in the charts: neutral grey, not a codebook colour
NONE_COLOR = "#9e9e9e"


class ReportOptionsPanel(QWidget):
    """Code group combo, codebook version combo, coder check list and a hint on what counts
    as a unit."""

    #: the code group or the set of coders changed (the window recomputes shortly after)
    changed = Signal()

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Code group"))
        self.group_combo = QComboBox()
        for g in project.codebook.groups:
            kind = "several codes" if g.multiple else "ordered scale" if g.ordered else "one code"
            self.group_combo.addItem(f"{g.name} ({kind})", g.name)
        self.group_combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        lay.addWidget(self.group_combo)
        lay.addSpacing(8)
        lay.addWidget(QLabel("Labels of codebook version"))
        self.version_combo = QComboBox()
        self.version_combo.addItem("every version", None)
        for v in sorted(project.codebook_versions(), key=lambda v: -v.number):
            self.version_combo.addItem(f"version {v.number} only", v.number)
        self.version_combo.currentIndexChanged.connect(lambda _index: self.changed.emit())
        lay.addWidget(self.version_combo)
        lay.addSpacing(8)
        lay.addWidget(QLabel("Coders compared"))
        self.coder_selector = CoderSelector(project, parent=self)
        self.coder_selector.changed.connect(lambda *_args: self.changed.emit())
        lay.addWidget(self.coder_selector)
        hint = QLabel(
            "Units are the sentences of articles every chosen coder has marked done; a "
            "sentence left uncoded there counts as (no code) (in an ordered scale it is missing)."
        )
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addStretch(1)

    def selected_coders(self) -> list[str]:
        return self.coder_selector.selected()

    def set_coders(self, names: list[str]) -> None:
        """Check exactly these coders."""
        self.coder_selector.set_selected(names)

    def selected_group(self) -> str:
        return str(self.group_combo.currentData())

    def selected_versions(self) -> frozenset[int] | None:
        """The codebook versions whose labels count (None: every label)."""
        number = self.version_combo.currentData()
        return None if number is None else frozenset({int(number)})

    def code_colors(self) -> dict[str, str]:
        """Each code of the chosen group in its codebook colour, so the charts match the text."""
        group = next(
            (g for g in self.project.codebook.groups if g.name == self.selected_group()), None
        )
        colors = {c.name: c.color for c in group.codes} if group is not None else {}
        colors[NONE_VALUE] = NONE_COLOR
        return colors
