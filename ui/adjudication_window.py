"""Adjudication: the lead researcher settles disagreements one by one, from the keyboard.

Keys: 1..9 take that coder's codes; the codebook's code keys toggle the final codes and Enter saves
them (Enter with nothing ticked saves nothing: only 0 decides "no code"); Ctrl+Down / Ctrl+Up go
to the next / previous open disagreement; Ctrl+W or Esc closes the window. The coders compared
are chosen in the window (at first the ones sharing the most done articles). The
decisions are written by ``annotator.adjudication`` (labels of the coder "adjudicated" plus a
decision record), one short transaction each.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.adjudication import (
    AdjudicationItem,
    Decision,
    accept_agreements,
    adjudication_items,
    decide,
    resolve_group,
)
from annotator.errors import AnnotatorError
from annotator.progress import CancelToken
from annotator.project import Project
from annotator.records import CodeRecord, SentenceRecord
from annotator.reliability import StoredGroup
from ui import icons
from ui.actions import close_keys
from ui.code_keys import CodeKeys, bind_code_keys
from ui.coder_selector import CoderSelector
from ui.table_model import RIGHT, SENTENCE_NUMBER, Index, RowTableModel, sentence_cell
from ui.workers import start_job

log = logging.getLogger(__name__)

Jump = Callable[[int, int], None]
REMOVED = "(removed from codebook)"
RESOLVED_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_CODER_KEYS = 9
NONE_KEY = "0"
#: keys of this window a code key may not take: the coder digits, no code, next/previous open
OWN_KEYS = frozenset("0123456789[]")
NOTHING_TICKED = "Tick the final codes, or press 0 for no code"


def open_adjudication(parent: QWidget | None, project: Project, jump: Jump) -> AdjudicationWindow:
    """Show the adjudication window (one per main window; raised if already open)."""
    if parent is not None:
        for w in parent.findChildren(AdjudicationWindow):
            if w.project is project and not w.closed:
                w.show()
                w.raise_()
                w.activateWindow()
                return w
    lead = str(getattr(parent, "coder", "") or "lead")
    window = AdjudicationWindow(project, jump, lead, parent)
    window.show()
    window.raise_()
    return window


class AdjudicationListModel(RowTableModel):
    """The disagreements: article, sentence number, and the decision so far."""

    HEADERS = ("Article", SENTENCE_NUMBER, "Decision")

    @property
    def items(self) -> list[AdjudicationItem]:
        return self._rows

    def set_items(self, items: Sequence[AdjudicationItem]) -> None:
        self.set_rows(items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        item: AdjudicationItem | None = self.row_of(index)
        if item is None:
            return None
        col = index.column()
        if role == RESOLVED_ROLE:
            return item.resolved
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col < 2:
                return sentence_cell(item, col)
            if item.decision is None:
                return "open"
            return " + ".join(item.decision.codes) or "(no code)"
        if role == Qt.ItemDataRole.ForegroundRole and col == 2 and item.decision is None:
            return QBrush(QColor("#8a5a00"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return RIGHT
        return None


class OpenOnlyProxy(QSortFilterProxyModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.open_only = False

    def set_open_only(self, on: bool) -> None:
        self.beginFilterChange()
        self.open_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        if not self.open_only:
            return True
        model = self.sourceModel()
        return not bool(model.index(row, 0, parent).data(RESOLVED_ROLE))


class AdjudicationWindow(QMainWindow):
    def __init__(
        self, project: Project, jump: Jump, lead: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Adjudication — {project.path.name}")
        self.project = project
        self.jump = jump
        self.lead = lead
        self.closed = False
        self.loaded = False
        self._generation = 0
        self._sentences: dict[int, list[SentenceRecord]] = {}
        self.coders: list[str] = []
        self._group: StoredGroup | None = None
        self.model = AdjudicationListModel(self)
        self.proxy = OpenOnlyProxy(self)
        self.proxy.setSourceModel(self.model)
        self.code_boxes: dict[int, QCheckBox] = {}
        self.coder_labels: dict[str, QLabel] = {}
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(250)
        self._pending.timeout.connect(self.reload)
        self._build()
        self.resize(1240, 780)
        self.reload()

    # -- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        tb = self.addToolBar("Adjudication")
        tb.setObjectName("adjudication_toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tb.addWidget(QLabel(" Code group "))
        self.group_combo = QComboBox()
        for g in self.project.codebook.groups:
            self.group_combo.addItem(g.name, g.name)
        self.group_combo.currentIndexChanged.connect(self.reload)
        tb.addWidget(self.group_combo)
        self.open_only = QCheckBox("Open only")
        self.open_only.setToolTip("Show only the disagreements not decided yet")
        self.open_only.toggled.connect(self._filter_changed)
        tb.addWidget(self.open_only)
        tb.addSeparator()
        self.prev_action = self._action(
            "Previous open", "prev_article", ("Ctrl+Up", "["), lambda: self.step_open(-1)
        )
        self.next_action = self._action(
            "Next open", "next_article", ("Ctrl+Down", "]"), lambda: self.step_open(1)
        )
        tb.addAction(self.prev_action)
        tb.addAction(self.next_action)
        tb.addSeparator()
        self.accept_action = self._action(
            "Accept all agreements", "done", (), self.ask_accept_agreements,
            "Copy every sentence on which all coders agree into the adjudicated coder",
        )  # fmt: skip
        tb.addAction(self.accept_action)
        self.none_action = self._action(
            "Decide: no code", "clear", (NONE_KEY,), lambda: self.decide_codes([])
        )
        self.save_action = self._action(
            "Save final codes", "done", ("Return", "Enter"), self.save_checked
        )
        self.close_action = QAction("Close", self)
        self.close_action.setShortcuts(close_keys())
        self.close_action.triggered.connect(self.close)
        self.addActions([self.none_action, self.save_action, self.close_action])

        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setFormat("%v of %m resolved")
        self.progress_label = QLabel()
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress_bar)

        self.list_view = QTableView()
        self.list_view.setModel(self.proxy)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.verticalHeader().setVisible(False)
        self.list_view.verticalHeader().setDefaultSectionSize(
            self.list_view.fontMetrics().height() + 8
        )
        header = self.list_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list_view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        left = QWidget()
        left_lay = QVBoxLayout(left)
        left_lay.setContentsMargins(6, 6, 0, 0)
        left_lay.addWidget(QLabel("<b>Coders compared</b>"))
        self.coder_selector = CoderSelector(self.project, with_adjudicated=False, parent=left)
        self.coder_selector.changed.connect(self._coders_changed)
        self.coder_selector.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys decide, always
        left_lay.addWidget(self.coder_selector)
        left_lay.addWidget(self.list_view, 1)

        detail = QWidget()
        lay = QVBoxLayout(detail)
        top = QHBoxLayout()
        self.where_label = QLabel()
        self.where_label.setTextFormat(Qt.TextFormat.RichText)
        self.where_label.setWordWrap(True)
        top.addWidget(self.where_label, 1)
        self.open_button = QPushButton("Open in article")
        self.open_button.setToolTip("Show this sentence in the main window")
        self.open_button.clicked.connect(self._open_in_article)
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
        self.save_button.clicked.connect(self.save_checked)
        self.none_button = QPushButton(f"No code ({NONE_KEY})")
        self.none_button.clicked.connect(lambda: self.decide_codes([]))
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

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 860])
        self.setCentralWidget(splitter)
        self._coder_actions: list[QAction] = []
        self.code_keys = CodeKeys(owner=self)

    def _action(
        self,
        text: str,
        icon: str,
        keys: Sequence[str],
        slot: Callable[[], object],
        tip: str = "",
    ) -> QAction:
        a = QAction(icons.icon(icon), text, self)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setToolTip(f"{tip or text} ({', '.join(keys)})" if keys else (tip or text))
        a.triggered.connect(slot)
        return a

    # -- state --------------------------------------------------------------------------------
    @property
    def group(self) -> StoredGroup:
        """The group chosen, read from the file with every code still in use (also removed
        ones), refreshed on each reload."""
        if self._group is None:
            self._group = resolve_group(self.project, str(self.group_combo.currentData()))
        return self._group

    def current_row(self) -> int | None:
        """The source row of the disagreement shown, or None."""
        idx = self.list_view.currentIndex()
        if not idx.isValid():
            return None
        return self.proxy.mapToSource(idx).row()

    def current_item(self) -> AdjudicationItem | None:
        row = self.current_row()
        return None if row is None else self.model.items[row]

    def counts(self) -> tuple[int, int]:
        """(resolved, total) in the list shown."""
        items = self.model.items
        return sum(1 for i in items if i.resolved), len(items)

    # -- loading ------------------------------------------------------------------------------
    def selected_coders(self) -> list[str]:
        return self.coder_selector.selected()

    def set_coders(self, names: Sequence[str]) -> None:
        """Check exactly these coders (the list reloads once, shortly after)."""
        self.coder_selector.set_selected(names)

    def _coders_changed(self) -> None:
        self.loaded = False
        self._pending.start()

    def reload(self) -> None:
        self._pending.stop()
        self._generation += 1
        generation = self._generation
        project, group = self.project, str(self.group_combo.currentData())
        coders = self.selected_coders()
        self.loaded = False
        self._group = None
        self._build_code_boxes()
        if len(coders) < 2:
            self.coders = coders
            self._loaded([], "Choose at least two coders to compare.")
            return

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> Any:
            return adjudication_items(project, coders, group)

        def done(items: list[AdjudicationItem]) -> None:
            if self.closed or generation != self._generation:
                return
            self.coders = coders
            self._loaded(items)

        def failed(exc: BaseException, details: str) -> None:
            if self.closed or generation != self._generation:
                return
            if isinstance(exc, AnnotatorError):
                self.where_label.setText(html.escape(str(exc)))
                self.model.set_items([])
                self._update_progress()
                self.loaded = True
            else:
                from ui.errors import show_error

                show_error(self, "Adjudication", exc, details)

        self.where_label.setText("Loading disagreements…")
        start_job(self, "Loading disagreements", work, done, on_error=failed)

    def _loaded(self, items: list[AdjudicationItem], empty: str = "") -> None:
        self.model.set_items(items)
        self._build_coder_rows()
        self._update_progress()
        self.accept_action.setEnabled(len(self.coders) >= 2 and not self.project.read_only)
        self.loaded = True
        if not items:
            self._show(None)
            self.where_label.setText(
                html.escape(
                    empty
                    or "No disagreements: every sentence of the articles all these coders marked "
                    "done is coded alike. Use “Accept all agreements” to build the final dataset."
                )
            )
            return
        first_open = next((r for r, i in enumerate(items) if not i.resolved), 0)
        self.select_source_row(first_open)

    def _build_code_boxes(self) -> None:
        while self.code_row.count():
            taken = self.code_row.takeAt(0)
            w = taken.widget() if taken is not None else None
            if w is not None:
                w.deleteLater()
        self.code_keys.unbind()
        self.code_boxes = {}
        group = self.group
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
        keyed = [c for c in group.codes if c.id not in group.removed]  # its key may be reused
        self.code_keys = bind_code_keys(self, keyed, self.toggle_code, reserved=OWN_KEYS)
        for problem in self.code_keys.problems:
            log.warning("code keys: %s", problem)

    def _build_coder_rows(self) -> None:
        while self.coder_grid.count():
            taken = self.coder_grid.takeAt(0)
            w = taken.widget() if taken is not None else None
            if w is not None:
                w.deleteLater()
        for a in self._coder_actions:
            self.removeAction(a)
        self._coder_actions = []
        self.coder_labels = {}
        for n, coder in enumerate(self.coders[:MAX_CODER_KEYS], start=1):
            button = QPushButton(f"{n}  Take {coder}'s codes")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, c=coder: self.pick_coder(c))
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.RichText)
            self.coder_grid.addWidget(button, n - 1, 0)
            self.coder_grid.addWidget(label, n - 1, 1)
            self.coder_grid.setColumnStretch(1, 1)
            self.coder_labels[coder] = label
            a = QAction(self)
            a.setShortcut(QKeySequence(str(n)))
            a.triggered.connect(lambda _=False, c=coder: self.pick_coder(c))
            self.addAction(a)
            self._coder_actions.append(a)

    # -- showing ------------------------------------------------------------------------------
    def select_source_row(self, row: int) -> None:
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if idx.isValid():
            self.list_view.setCurrentIndex(idx)
            self.list_view.scrollTo(idx)
        else:
            self._show(self.model.items[row] if 0 <= row < len(self.model.items) else None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(self.current_item() if current.isValid() else None)

    def _context(self, item: AdjudicationItem) -> tuple[str, str]:
        sentences = self._sentences.get(item.article_id)
        if sentences is None:
            sentences = self.project.sentences(item.article_id)
            self._sentences = {item.article_id: sentences}  # one article cached is enough
        pos = next((i for i, s in enumerate(sentences) if s.id == item.sentence_id), None)
        if pos is None:
            return "", ""
        before = sentences[pos - 1].text if pos > 0 else ""
        after = sentences[pos + 1].text if pos + 1 < len(sentences) else ""
        return before, after

    def _chips(self, names: Sequence[str]) -> str:
        if not names:
            return "<i>(no code)</i>"
        colors = {c.name: c.color for c in self.group.codes}
        return " ".join(
            f'<span style="background:{html.escape(colors.get(n, "#888"))};color:white;">&nbsp;'
            f"{html.escape(n)}&nbsp;</span>"
            for n in names
        )

    def _show(self, item: AdjudicationItem | None) -> None:
        enabled = item is not None and not self.project.read_only
        for w in (self.coder_box, self.final_box, self.open_button):
            w.setEnabled(item is not None)
        for a in (
            self.save_action,
            self.none_action,
            *self._coder_actions,
            *self.code_keys.actions,
        ):
            a.setEnabled(enabled)
        if item is None:
            self.where_label.clear()
            self.context_view.clear()
            self.definitions.clear()
            self.decision_label.clear()
            return
        self.where_label.setText(
            f"<b>{html.escape(item.article_title)}</b> — sentence {item.sentence_index + 1}"
        )
        before, after = self._context(item)
        self.context_view.setHtml(
            f'<p style="color:#777">{html.escape(before)}</p>'
            f'<p style="background:#fff6d5"><b>{html.escape(item.sentence_text)}</b></p>'
            f'<p style="color:#777">{html.escape(after)}</p>'
        )
        for coder, label in self.coder_labels.items():
            label.setText(self._chips(item.codes.get(coder, ())))
        chosen = set(item.decision.codes) if item.decision else set()
        for code in self.group.codes:
            self.code_boxes[code.id].setChecked(code.name in chosen)
        self.decision_label.setText(_decision_text(item.decision))
        involved = {n for codes in item.codes.values() for n in codes} | chosen
        group = self.group
        self.definitions.setHtml(
            "".join(
                _definition_html(c, c.id in group.removed)
                for c in group.codes
                if c.name in involved
            )
            or "<i>No code involved.</i>"
        )

    def _update_progress(self) -> None:
        resolved, total = self.counts()
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(resolved)
        self.progress_label.setText(f"{resolved} resolved · {total - resolved} open")

    def _filter_changed(self, on: bool) -> None:
        row = self.current_row()
        self.proxy.set_open_only(on)
        if row is not None:
            self.select_source_row(row)

    # -- deciding -----------------------------------------------------------------------------
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
        return [c.name for c in self.group.codes if self.code_boxes[c.id].isChecked()]

    def save_checked(self) -> None:
        """Enter: store the ticked codes. Nothing ticked stores nothing (a stray Enter after a
        number key must not decide the next sentence as "no code"): only 0 decides none."""
        codes = self.checked_codes()
        if not codes:
            if self.current_item() is not None:
                self.statusBar().showMessage(NOTHING_TICKED, 5000)
            return
        self.decide_codes(codes)

    def pick_coder(self, coder: str) -> None:
        item = self.current_item()
        if item is not None:
            self.decide_codes(list(item.codes.get(coder, ())), note=f"took {coder}'s codes")

    def decide_codes(self, codes: Sequence[str], note: str = "") -> None:
        """Store the decision for the sentence shown, then move to the next open one."""
        row = self.current_row()
        if row is None:
            return
        item = self.model.items[row]
        try:
            decide(self.project, item.sentence_id, self.group.name, codes, self.lead, note)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Decision not saved", str(exc))
            return
        from datetime import UTC, datetime

        order = {c.name: i for i, c in enumerate(self.group.codes)}
        decided = tuple(sorted(codes, key=lambda n: order.get(n, 0)))
        new = dataclasses.replace(
            item, decision=Decision(decided, self.lead, datetime.now(UTC), note)
        )
        nxt = self._next_open(row, 1)
        self.model.replace(row, new)
        self._update_progress()
        self.statusBar().showMessage(
            f"Sentence {item.sentence_index + 1}: {' + '.join(decided) or 'no code'}", 3000
        )
        if nxt is not None:
            self.select_source_row(nxt)
        else:
            idx = self.proxy.mapFromSource(self.model.index(row, 0))
            if idx.isValid():
                self.list_view.setCurrentIndex(idx)
                self._show(new)
            else:
                self._show(None)
            resolved, total = self.counts()
            if resolved == total:
                self.statusBar().showMessage("Every disagreement is resolved", 5000)

    def _next_open(self, row: int, step: int) -> int | None:
        items = self.model.items
        n = len(items)
        for k in range(1, n + 1):
            r = row + step * k
            if not 0 <= r < n:
                return None
            if not items[r].resolved:
                return r
        return None

    def step_open(self, step: int) -> None:
        row = self.current_row()
        start = -1 if row is None and step > 0 else (len(self.model.items) if row is None else row)
        target = self._next_open(start, step)
        if target is None:
            self.statusBar().showMessage("No more open disagreements that way", 3000)
            return
        self.select_source_row(target)

    def _open_in_article(self) -> None:
        item = self.current_item()
        if item is not None:
            self.jump(item.article_id, item.sentence_id)

    # -- accepting agreements -----------------------------------------------------------------
    def ask_accept_agreements(self) -> None:
        group = self.group.name
        answer = QMessageBox.question(
            self, "Accept all agreements",
            f"Copy every sentence of “{group}” on which {', '.join(self.selected_coders())} "
            "all agree into the coder "
            "“adjudicated”? Sentences already decided are left as they are.",
        )  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.accept_agreements()

    def accept_agreements(self) -> None:
        project, group, lead = self.project, self.group.name, self.lead

        coders = self.selected_coders()

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> int:
            return accept_agreements(project, coders, group, lead, progress, cancel)

        def done(n: int) -> None:
            if not self.closed:
                self.statusBar().showMessage(f"Accepted {n:,} agreeing sentences", 5000)
                self.last_accepted = n

        start_job(self, "Accepting agreements", work, done, writes=True)

    def closeEvent(self, event: Any) -> None:
        self.closed = True
        self._pending.stop()
        super().closeEvent(event)


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
