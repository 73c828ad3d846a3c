"""The adjudication window's right-hand side: one disagreement shown, and the final codes ticked.

It shows the sentence between its neighbours, each compared coder's codes, one box per code of
the group and the codebook definitions of the codes involved. It only shows and ticks; storing a
decision, the keys and moving on are the window's (``ui.adjudication_window``), which it asks
through its signals. No widget here takes focus, so every key reaches the window's actions.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.adjudication import AdjudicationItem, Decision
from annotator.records import CodeRecord
from annotator.reliability import StoredGroup

REMOVED = "(removed from codebook)"


class DecisionPanel(QWidget):
    """The disagreement shown and the boxes of the final codes (filled by the window)."""

    #: "Open in article" pressed
    open_requested = Signal()
    #: "Save final codes" pressed
    save_requested = Signal()
    #: "No code" pressed
    none_requested = Signal()
    #: a coder's "Take … codes" button pressed (the coder's name)
    coder_picked = Signal(str)

    def __init__(self, none_key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code_boxes: dict[int, QCheckBox] = {}
        self.coder_labels: dict[str, QLabel] = {}
        self._group: StoredGroup | None = None
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.where_label = QLabel()
        self.where_label.setTextFormat(Qt.TextFormat.RichText)
        self.where_label.setWordWrap(True)
        top.addWidget(self.where_label, 1)
        self.open_button = QPushButton("Open in article")
        self.open_button.setToolTip("Show this sentence in the main window")
        self.open_button.clicked.connect(lambda: self.open_requested.emit())
        self.open_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        top.addWidget(self.open_button)
        lay.addLayout(top)
        self.context_view = QTextBrowser()
        self.context_view.setMaximumHeight(150)
        self.context_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay.addWidget(self.context_view)
        self.coder_box = QGroupBox("Coders (press the number to take that coder's codes)")
        self.coder_grid = QGridLayout(self.coder_box)
        lay.addWidget(self.coder_box)
        self.final_box = QGroupBox("Final codes")
        final = QVBoxLayout(self.final_box)
        self.code_row = QHBoxLayout()
        final.addLayout(self.code_row)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save final codes (Enter)")
        self.save_button.clicked.connect(lambda: self.save_requested.emit())
        self.none_button = QPushButton(f"No code ({none_key})")
        self.none_button.clicked.connect(lambda: self.none_requested.emit())
        for b in (self.save_button, self.none_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.decision_label = QLabel()
        self.decision_label.setTextFormat(Qt.TextFormat.PlainText)
        buttons.addWidget(self.decision_label)
        final.addLayout(buttons)
        lay.addWidget(self.final_box)
        self.definitions = QTextBrowser()
        self.definitions.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay.addWidget(QLabel("<b>Codebook definitions of the codes involved</b>"))
        lay.addWidget(self.definitions, 1)

    # -- filling ------------------------------------------------------------------------------
    def set_codes(self, group: StoredGroup) -> None:
        """One box per code of the group, the removed ones too (coders may still have them)."""
        _clear(self.code_row)
        self.code_boxes = {}
        self._group = group
        self.final_box.setTitle(
            f"Final codes — {group.name} ({'several codes' if group.multiple else 'one code'})"
        )
        for code in group.codes:
            removed = code.id in group.removed
            text = code.name + (f"  [{code.key}]" if code.key and not removed else "")
            box = QCheckBox(text + (f"  {REMOVED}" if removed else ""))
            if removed:
                box.setToolTip(
                    "Dropped from the codebook; coders still have it, so it can be decided"
                )
            box.setStyleSheet(
                f"QCheckBox {{ border-left: 6px solid {code.color}; padding-left: 4px; }}"
            )
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.clicked.connect(lambda _checked, c=code: self._exclusive(c))
            self.code_row.addWidget(box)
            self.code_boxes[code.id] = box
        self.code_row.addStretch(1)

    def set_coders(self, coders: Sequence[str]) -> None:
        """One row per coder: the button numbered like its key, and that coder's codes."""
        _clear(self.coder_grid)
        self.coder_labels = {}
        for n, coder in enumerate(coders, start=1):
            button = QPushButton(f"{n}  Take {coder}'s codes")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, c=coder: self.coder_picked.emit(c))
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.RichText)
            self.coder_grid.addWidget(button, n - 1, 0)
            self.coder_grid.addWidget(label, n - 1, 1)
            self.coder_grid.setColumnStretch(1, 1)
            self.coder_labels[coder] = label

    # -- ticking ------------------------------------------------------------------------------
    def toggle_code(self, code: CodeRecord) -> None:
        box = self.code_boxes.get(code.id)
        if box is not None and box.isEnabled():
            box.setChecked(not box.isChecked())
            self._exclusive(code)

    def _exclusive(self, code: CodeRecord) -> None:
        """Single-choice groups: checking one code unchecks the others (radio-like)."""
        if code.multiple or not self.code_boxes[code.id].isChecked():
            return
        for cid, box in self.code_boxes.items():
            if cid != code.id:
                box.setChecked(False)

    def checked_codes(self) -> list[str]:
        """The names of the ticked codes, in codebook order."""
        codes = self._group.codes if self._group is not None else []
        return [c.name for c in codes if self.code_boxes[c.id].isChecked()]

    # -- showing ------------------------------------------------------------------------------
    def show_item(self, item: AdjudicationItem | None, before: str = "", after: str = "") -> None:
        """Show this disagreement between the sentences around it, or nothing (None)."""
        for w in (self.coder_box, self.final_box, self.open_button):
            w.setEnabled(item is not None)
        if item is None:
            self.where_label.clear()
            self.context_view.clear()
            self.definitions.clear()
            self.decision_label.clear()
            return
        group = self._group
        assert group is not None, "set_codes comes before the first item"
        self.where_label.setText(
            f"<b>{html.escape(item.article_title)}</b> — sentence {item.sentence_index + 1}"
        )
        self.context_view.setHtml(
            f'<p style="color:#777">{html.escape(before)}</p>'
            f'<p style="background:#fff6d5"><b>{html.escape(item.sentence_text)}</b></p>'
            f'<p style="color:#777">{html.escape(after)}</p>'
        )
        for coder, label in self.coder_labels.items():
            label.setText(_chips(group, item.codes.get(coder, ())))
        chosen = set(item.decision.codes) if item.decision else set()
        for code in group.codes:
            self.code_boxes[code.id].setChecked(code.name in chosen)
        self.decision_label.setText(_decision_text(item.decision))
        involved = {n for codes in item.codes.values() for n in codes} | chosen
        self.definitions.setHtml(
            "".join(
                _definition_html(c, c.id in group.removed)
                for c in group.codes
                if c.name in involved
            )
            or "<i>No code involved.</i>"
        )


def _clear(layout: QHBoxLayout | QGridLayout) -> None:
    """Take every item out of the layout, deleting its widgets (the boxes of the last group)."""
    while layout.count():
        taken = layout.takeAt(0)
        w = taken.widget() if taken is not None else None
        if w is not None:
            w.deleteLater()


def _chips(group: StoredGroup, names: Sequence[str]) -> str:
    if not names:
        return "<i>(no code)</i>"
    colors = {c.name: c.color for c in group.codes}
    return " ".join(
        f'<span style="background:{html.escape(colors.get(n, "#888"))};color:white;">&nbsp;'
        f"{html.escape(n)}&nbsp;</span>"
        for n in names
    )


def _decision_text(decision: Decision | None) -> str:
    if decision is None:
        return "Not decided yet"
    codes = " + ".join(decision.codes) or "no code"
    when = decision.decided_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return f"Decided: {codes} (by {decision.decided_by}, {when})"


def _definition_html(code: CodeRecord, removed: bool = False) -> str:
    parts = [
        f'<p><span style="background:{html.escape(code.color)};color:white;">&nbsp;'
        f"{html.escape(code.name)}"
        f"&nbsp;</span>"
        + (f" <i>{REMOVED}</i>" if removed else "")
        + (f" <small>key {html.escape(code.key)}</small>" if code.key and not removed else "")
        + "<br>"
        + html.escape(code.definition or "(no definition)")
    ]
    if code.include:
        parts.append(f"<br><b>Include:</b> {html.escape(code.include)}")
    if code.exclude:
        parts.append(f"<br><b>Exclude:</b> {html.escape(code.exclude)}")
    if code.examples:
        parts.append(f"<br><b>Example:</b> <i>{html.escape(code.examples[0])}</i>")
    parts.append("</p>")
    return "".join(parts)
