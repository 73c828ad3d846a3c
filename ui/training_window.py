"""The training view: a coder in training compares their finished gold articles with the gold
standard, sentence by sentence (issue 14).

At the top, the coder's agreement with gold (Krippendorff's alpha, Cohen's kappa, per-code
precision and recall); below, every sentence of the gold articles they have marked done, their
code beside gold's, differing sentences highlighted; and for the current sentence, both codes'
definitions and criteria from the codebook, which is where "why" is read. ``n``/``p`` step to the
next/previous difference, the arrow keys move row by row, Enter opens the sentence in the
article.

Blind: only articles the coder has marked done are listed (``Project.compare_with_gold``); a gold
article still being coded shows nothing of gold here, and the main window hides the gold
coder's labels on it (``Project.gold_hidden_coder``). Computed off the GUI thread.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.gold import GoldComparison, GoldSentence
from annotator.progress import CancelToken
from annotator.project import Project
from annotator.records import CodeRecord
from ui import icons
from ui.actions import close_keys
from ui.report_table_view import report_table
from ui.training_models import (
    DIFFERS_ROLE,
    CodeScoreModel,
    DifferencesFilter,
    GoldSentenceModel,
    codes_text,
    number,
)
from ui.workers import start_job

log = logging.getLogger(__name__)

Jump = Callable[[int, int], None]

#: the sentence table's columns (GoldSentenceModel.HEADERS)
ARTICLE_COLUMN, TEXT_COLUMN = 0, 2


def open_training(
    parent: QWidget | None, project: Project, coder: str, jump: Jump, article_id: int | None = None
) -> TrainingWindow:
    """Show the training view for ``coder`` (one per main window: raised, and refreshed, if
    open); ``article_id``: start at that article's first difference."""
    if parent is not None:
        for w in parent.findChildren(TrainingWindow):
            if w.project is project and not w.closed:
                w.coder = coder
                w.start_at = article_id
                w.refresh()
                w.show()
                w.raise_()
                w.activateWindow()
                return w
    window = TrainingWindow(project, coder, jump, parent, article_id)
    window.show()
    window.raise_()
    return window


class TrainingWindow(QMainWindow):
    def __init__(
        self,
        project: Project,
        coder: str,
        jump: Jump,
        parent: QWidget | None = None,
        article_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setObjectName("trainingWindow")
        self.project = project
        self.coder = coder
        self.jump = jump
        self.start_at = article_id
        self.closed = False
        self.comparison: GoldComparison | None = None
        self.loaded = False
        self._generation = 0
        self._codes: dict[str, CodeRecord] = {}
        self._build()
        self.resize(1180, 780)
        self.refresh()

    # -- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        tb = self.addToolBar("Training")
        tb.setObjectName("training_toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.group_label = QLabel(" Code group ")
        self.group_combo = QComboBox()
        for g in self.project.codebook.groups:
            self.group_combo.addItem(g.name, g.name)
        self.group_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.group_label_action = tb.addWidget(self.group_label)
        self.group_combo_action = tb.addWidget(self.group_combo)
        several = self.group_combo.count() > 1
        self.group_label_action.setVisible(several)
        self.group_combo_action.setVisible(several)
        self.only_differences = QCheckBox("&Only differences")
        self.only_differences.setToolTip("List only the sentences where you differ from gold")
        self.only_differences.toggled.connect(self._filter_differences)
        tb.addWidget(self.only_differences)
        tb.addSeparator()
        self.prev_action = self._action(
            "Previous difference", "prev_article", ("P",), lambda: self.step_difference(-1)
        )
        self.next_action = self._action(
            "Next difference", "next_article", ("N",), lambda: self.step_difference(1)
        )
        self.open_action = self._action(
            "Open in article", "open", ("Return", "Enter"), self.open_in_article,
            "Show this sentence in the main window",
        )  # fmt: skip
        for a in (self.prev_action, self.next_action, self.open_action):
            tb.addAction(a)
        self.refresh_action = QAction("Refresh", self)
        self.refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.refresh_action.triggered.connect(self.refresh)
        self.close_action = QAction("Close", self)
        self.close_action.setShortcuts(close_keys())
        self.close_action.triggered.connect(self.close)
        self.addActions([self.refresh_action, self.close_action])

        self.summary = QLabel()
        self.summary.setObjectName("goldSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.score_model = CodeScoreModel(self)
        self.score_view = report_table(self.score_model)
        self.score_view.setObjectName("goldScores")
        self.score_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.sentence_model = GoldSentenceModel(self)
        self.proxy = DifferencesFilter(self)
        self.proxy.setSourceModel(self.sentence_model)
        self.view = QTableView()
        self.view.setObjectName("goldSentences")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ARTICLE_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(ARTICLE_COLUMN, 220)  # long titles must not squeeze the sentence
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)

        self.detail = QTextBrowser()
        self.detail.setObjectName("goldDetail")
        self.detail.setOpenLinks(False)
        self.detail.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        top = QWidget()
        lay = QVBoxLayout(top)
        lay.setContentsMargins(8, 8, 8, 0)
        lay.addWidget(self.summary)
        lay.addWidget(self.score_view)
        self.score_view.setMaximumHeight(self.score_view.verticalHeader().defaultSectionSize() * 6)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 1)
        split.setSizes([170, 380, 230])
        self.setCentralWidget(split)

    def _action(
        self, text: str, icon: str, keys: tuple[str, ...], slot: Callable[[], object], tip: str = ""
    ) -> QAction:
        a = QAction(icons.icon(icon), text, self)
        a.setShortcuts([QKeySequence(k) for k in keys])
        a.setToolTip(f"{tip or text} ({', '.join(keys)})")
        a.triggered.connect(slot)
        return a

    # -- loading ------------------------------------------------------------------------------
    def group(self) -> str | None:
        data = self.group_combo.currentData()
        return None if data is None else str(data)

    def refresh(self) -> None:
        """Compare the coder with gold again, off the GUI thread (a stale result is dropped)."""
        self._generation += 1
        generation = self._generation
        project, coder, group = self.project, self.coder, self.group()
        self.setWindowTitle(f"Training: {coder} against the gold standard — {project.path.name}")
        self.loaded = False

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> Any:
            comparison = project.compare_with_gold(coder, group)
            waiting = sum(1 for g in project.gold_articles() if g.gold_coder != coder)
            return comparison, waiting - comparison.n_articles

        def done(result: tuple[GoldComparison, int]) -> None:
            if not self.closed and generation == self._generation:
                self._loaded(*result)

        def failed(exc: BaseException, details: str) -> None:
            if self.closed or generation != self._generation:
                return
            if isinstance(exc, AnnotatorError):
                self._show_message(str(exc))
            else:
                from ui.errors import show_error

                show_error(self, "Training", exc, details)

        self.summary.setText("Comparing with the gold standard…")
        start_job(self, "Comparing with gold", work, done, on_error=failed, show_dialog=False)

    def _show_message(self, message: str) -> None:
        self.comparison = None
        self.sentence_model.set_rows([])
        self.score_model.set_rows([])
        self.detail.clear()
        self.summary.setText(html.escape(message[:1].upper() + message[1:]))
        self.loaded = True

    def _loaded(self, comparison: GoldComparison, not_finished: int) -> None:
        self.comparison = comparison
        self._codes = {
            c.name: c for g in self.project.codebook.groups if g.name == comparison.group
            for c in g.codes
        }  # fmt: skip
        self.summary.setText(summary_html(comparison, not_finished))
        self.score_model.set_rows(comparison.per_code)
        self.sentence_model.set_rows(comparison.sentences)
        self.loaded = True
        start, self.start_at = self.start_at, None
        rows = [
            r for r, s in enumerate(comparison.sentences) if start is None or s.article_id == start
        ]
        differing = [r for r in rows if comparison.sentences[r].differs]
        target = (differing or rows or [None])[0]
        if target is not None:
            self.select_source_row(target)
        else:
            self.detail.clear()
        self.view.setFocus()

    # -- navigation ---------------------------------------------------------------------------
    def current_sentence(self) -> GoldSentence | None:
        index = self.proxy.mapToSource(self.view.currentIndex())
        if not index.isValid():
            return None
        return self.sentence_model.sentence(index.row())

    def select_source_row(self, row: int) -> bool:
        index = self.proxy.mapFromSource(self.sentence_model.index(row, 0))
        if not index.isValid():
            return False
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def step_difference(self, step: int) -> None:
        """n / p: the next / previous sentence that differs from gold, in the list as shown."""
        n = self.proxy.rowCount()
        row = self.view.currentIndex().row()
        start = row if row >= 0 else (-1 if step > 0 else n)
        r = start + step
        while 0 <= r < n:
            if self.proxy.index(r, 0).data(DIFFERS_ROLE):
                self.select_source_row(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                return
            r += step
        self.statusBar().showMessage("No more differences that way", 3000)

    def open_in_article(self) -> None:
        s = self.current_sentence()
        if s is not None:
            self.jump(s.article_id, s.sentence_id)

    def _filter_differences(self, only: bool) -> None:
        current = self.current_sentence()
        self.proxy.set_only_differences(only)
        if current is not None and current.sentence_id in self._row_ids():
            self.select_source_row(self._row_ids()[current.sentence_id])
        elif self.proxy.rowCount():
            self.select_source_row(self.proxy.mapToSource(self.proxy.index(0, 0)).row())

    def _row_ids(self) -> dict[int, int]:
        shown = {}
        for r in range(self.proxy.rowCount()):
            src = self.proxy.mapToSource(self.proxy.index(r, 0)).row()
            shown[self.sentence_model.sentence(src).sentence_id] = src
        return shown

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        s = self.current_sentence() if current.isValid() else None
        self.detail.setHtml(detail_html(s, self._codes) if s is not None else "")

    def closeEvent(self, event: Any) -> None:
        self.closed = True
        super().closeEvent(event)


# -- text ----------------------------------------------------------------------------------------


def summary_html(c: GoldComparison, not_finished: int) -> str:
    """The head of the view: the coder's agreement with gold and how much it rests on."""
    if not c.n_sentences:
        text = (
            f"<b>{html.escape(c.coder)}</b> has not finished a gold article yet. Code the gold "
            "articles (blind: gold's codes stay hidden) and mark each done (Ctrl+D) to compare."
        )
    else:
        text = (
            f"<b>{html.escape(c.coder)}</b> against the gold standard, "
            f"{html.escape(c.group)}: Krippendorff's α <b>{number(c.alpha.value)}</b>, "
            f"Cohen's κ <b>{number(c.kappa.value)}</b> on {c.n_sentences} sentences of "
            f"{c.n_articles} article{'s' if c.n_articles != 1 else ''}; "
            f"<b>{c.n_differences}</b> differ from gold (highlighted)."
        )
    if not_finished > 0:
        text += (
            f" {not_finished} gold article{'s' if not_finished != 1 else ''} not finished yet: "
            "they stay blind until you mark them done."
        )
    return text


def _code_block(who: str, codes: tuple[str, ...], known: dict[str, CodeRecord]) -> str:
    parts = [f"<h4>{html.escape(who)}: {html.escape(codes_text(codes))}</h4>"]
    for name in codes:
        code = known.get(name)
        if code is None:
            parts.append(f"<p><i>{html.escape(name)} is no longer in the codebook.</i></p>")
            continue
        parts.append(f"<p><b>{html.escape(code.name)}</b>: {html.escape(code.definition)}</p>")
        if code.include:
            parts.append(f"<p><i>Include</i>: {html.escape(code.include)}</p>")
        if code.exclude:
            parts.append(f"<p><i>Exclude</i>: {html.escape(code.exclude)}</p>")
    if not codes:
        parts.append("<p>No code of this group: the sentence counts as “none”.</p>")
    return "".join(parts)


def detail_html(s: GoldSentence, known: dict[str, CodeRecord]) -> str:
    """The current sentence, then the coder's code(s) and gold's, each with its definition."""
    verdict = "differs from gold" if s.differs else "agrees with gold"
    head = (
        f"<p><small>{html.escape(s.article_title)} — sentence {s.index + 1} "
        f"({verdict})</small></p><p style='font-size:large'>{html.escape(s.text)}</p>"
    )
    yours = _code_block("Your code", s.coded, known)
    gold = _code_block(f"Gold ({s.gold_coder})", s.gold, known)
    return (
        f"{head}<table width='100%' cellspacing='8'><tr><td width='50%' valign='top'>{yours}</td>"
        f"<td width='50%' valign='top'>{gold}</td></tr></table>"
    )
