"""Adjudication: the lead researcher settles disagreements one by one, from the keyboard.

Keys: 1..9 take that coder's codes; the codebook's code keys toggle the final codes and Enter saves
them (Enter with nothing ticked saves nothing: only 0 decides "no code"); Ctrl+Down / Ctrl+Up go
to the next / previous open disagreement; Ctrl+W or Esc closes the window. The coders compared
are chosen in the window (at first the ones sharing the most done articles). The
decisions are written by ``annotator.adjudication`` (labels of the coder "adjudicated" plus a
decision record), one short transaction each.

This module is the window shell: toolbar, keys, loading and deciding. The list of disagreements
is ``ui.adjudication_list_panel`` (over ``ui.adjudication_model``), the disagreement shown and the
final-code boxes ``ui.adjudication_panel``.
"""

from __future__ import annotations

import dataclasses
import html
import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
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
from annotator.records import SentenceRecord
from annotator.reliability import StoredGroup
from ui import icons
from ui.actions import close_keys
from ui.adjudication_list_panel import DisagreementListPanel
from ui.adjudication_panel import DecisionPanel
from ui.code_keys import CodeKeys, bind_code_keys
from ui.workers import start_job

log = logging.getLogger(__name__)

Jump = Callable[[int, int], None]
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
        self.open_only.toggled.connect(lambda on: self.disagreements.set_open_only(on))
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

        self.disagreements = DisagreementListPanel(self.project)
        self.disagreements.current_changed.connect(self._show)
        self.disagreements.coder_selector.changed.connect(self._coders_changed)

        self.panel = DecisionPanel(NONE_KEY)
        self.panel.open_requested.connect(self._open_in_article)
        self.panel.save_requested.connect(self.save_checked)
        self.panel.none_requested.connect(lambda: self.decide_codes([]))
        self.panel.coder_picked.connect(self.pick_coder)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.disagreements)
        splitter.addWidget(self.panel)
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

    # -- loading ------------------------------------------------------------------------------
    def selected_coders(self) -> list[str]:
        return self.disagreements.coder_selector.selected()

    def set_coders(self, names: Sequence[str]) -> None:
        """Check exactly these coders (the list reloads once, shortly after)."""
        self.disagreements.coder_selector.set_selected(names)

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
                self.panel.where_label.setText(html.escape(str(exc)))
                self.disagreements.model.set_items([])
                self._update_progress()
                self.loaded = True
            else:
                from ui.errors import show_error

                show_error(self, "Adjudication", exc, details)

        self.panel.where_label.setText("Loading disagreements…")
        start_job(self, "Loading disagreements", work, done, on_error=failed)

    def _loaded(self, items: list[AdjudicationItem], empty: str = "") -> None:
        self.disagreements.model.set_items(items)
        self._build_coder_rows()
        self._update_progress()
        self.accept_action.setEnabled(len(self.coders) >= 2 and not self.project.read_only)
        self.loaded = True
        if not items:
            self._show(None)
            self.panel.where_label.setText(
                html.escape(
                    empty
                    or "No disagreements: every sentence of the articles all these coders marked "
                    "done is coded alike. Use “Accept all agreements” to build the final dataset."
                )
            )
            return
        first_open = next((r for r, i in enumerate(items) if not i.resolved), 0)
        self.disagreements.select_source_row(first_open)

    def _build_code_boxes(self) -> None:
        """The panel's boxes for the group's codes, and the codebook's code keys ticking them."""
        self.code_keys.unbind()
        group = self.group
        self.panel.set_codes(group)
        keyed = [c for c in group.codes if c.id not in group.removed]  # its key may be reused
        self.code_keys = bind_code_keys(self, keyed, self.panel.toggle_code, reserved=OWN_KEYS)
        for problem in self.code_keys.problems:
            log.warning("code keys: %s", problem)

    def _build_coder_rows(self) -> None:
        """A row per compared coder in the panel, and its number key (1..9) on the window."""
        for a in self._coder_actions:
            self.removeAction(a)
        self._coder_actions = []
        coders = self.coders[:MAX_CODER_KEYS]
        self.panel.set_coders(coders)
        for n, coder in enumerate(coders, start=1):
            a = QAction(self)
            a.setShortcut(QKeySequence(str(n)))
            a.triggered.connect(lambda _=False, c=coder: self.pick_coder(c))
            self.addAction(a)
            self._coder_actions.append(a)

    # -- showing ------------------------------------------------------------------------------
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

    def _show(self, item: AdjudicationItem | None) -> None:
        enabled = item is not None and not self.project.read_only
        for a in (
            self.save_action,
            self.none_action,
            *self._coder_actions,
            *self.code_keys.actions,
        ):
            a.setEnabled(enabled)
        if item is None:
            self.panel.show_item(None)
            return
        before, after = self._context(item)
        self.panel.show_item(item, before, after)

    def _update_progress(self) -> None:
        resolved, total = self.disagreements.counts()
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(resolved)
        self.progress_label.setText(f"{resolved} resolved · {total - resolved} open")

    # -- deciding -----------------------------------------------------------------------------
    def save_checked(self) -> None:
        """Enter: store the ticked codes. Nothing ticked stores nothing (a stray Enter after a
        number key must not decide the next sentence as "no code"): only 0 decides none."""
        codes = self.panel.checked_codes()
        if not codes:
            if self.disagreements.current_item() is not None:
                self.statusBar().showMessage(NOTHING_TICKED, 5000)
            return
        self.decide_codes(codes)

    def pick_coder(self, coder: str) -> None:
        item = self.disagreements.current_item()
        if item is not None:
            self.decide_codes(list(item.codes.get(coder, ())), note=f"took {coder}'s codes")

    def decide_codes(self, codes: Sequence[str], note: str = "") -> None:
        """Store the decision for the sentence shown, then move to the next open one."""
        row = self.disagreements.current_row()
        if row is None:
            return
        item = self.disagreements.model.items[row]
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
        nxt = self.disagreements.next_open(row, 1)
        self.disagreements.model.replace(row, new)
        self._update_progress()
        self.statusBar().showMessage(
            f"Sentence {item.sentence_index + 1}: {' + '.join(decided) or 'no code'}", 3000
        )
        if nxt is not None:
            self.disagreements.select_source_row(nxt)
        else:
            listed = self.disagreements
            idx = listed.proxy.mapFromSource(listed.model.index(row, 0))
            if idx.isValid():
                listed.list_view.setCurrentIndex(idx)
                self._show(new)
            else:
                self._show(None)
            resolved, total = self.disagreements.counts()
            if resolved == total:
                self.statusBar().showMessage("Every disagreement is resolved", 5000)

    def step_open(self, step: int) -> None:
        row = self.disagreements.current_row()
        n = len(self.disagreements.model.items)
        start = -1 if row is None and step > 0 else (n if row is None else row)
        target = self.disagreements.next_open(start, step)
        if target is None:
            self.statusBar().showMessage("No more open disagreements that way", 3000)
            return
        self.disagreements.select_source_row(target)

    def _open_in_article(self) -> None:
        item = self.disagreements.current_item()
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
