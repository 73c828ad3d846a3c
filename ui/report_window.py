"""The agreement report window: the shell that wires the options panel, the report tabs, the
export actions and the background computation.

The pages live in ``ui.report_tabs``, the choice of coders and group in
``ui.report_options_panel``, writing to disk in ``ui.report_exports``.

Computed off the GUI thread (``ui.workers.start_job``); changing the coders or the code group
starts a new computation and the stale one is cancelled and its result ignored (a generation
counter), so the window stays usable on very large projects. The same job computes the coding
time of the selected coders (``Project.coding_stats``) for the Coding time tab. With a gold
standard, the Against gold tab (``ui.report_gold_tab``) computes each coder against gold.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressBar, QSplitter, QWidget

from annotator.agreement import AgreementReport, compute_report
from annotator.agreement.bootstrap import DEFAULT_DRAWS, DEFAULT_SEED
from annotator.coding_time import CodingStats
from annotator.errors import AnnotatorError
from annotator.progress import CancelToken
from annotator.project import Project
from annotator.reliability import DisagreementRow, reliability_with_disagreements
from ui import icons
from ui.actions import close_keys
from ui.report_document import has_coding_time, report_page
from ui.report_exports import (
    ask_export_path,
    unit_names,
    write_coefficients_csv,
    write_disagreements,
    write_html,
    write_pdf,
)
from ui.report_gold_tab import GoldTab
from ui.report_options_panel import ReportOptionsPanel
from ui.report_tabs import Jump, ReportTabs
from ui.workers import Job, start_job

log = logging.getLogger(__name__)

TOO_FEW_CODERS = "Choose at least two coders to compare."
NO_CODER_CHOSEN = "Choose a coder to see their coding time."


class Computed(NamedTuple):
    """What one background job hands back: the report (None with ``message`` saying why) and
    the coding time of the same coders, which needs no second coder."""

    report: AgreementReport | None
    rows: list[DisagreementRow]
    coding_time: CodingStats
    message: str


def open_report(parent: QWidget | None, project: Project, jump: Jump) -> ReportWindow:
    """Show the report window for the project (one per main window; raised if already open)."""
    if parent is not None:
        for w in parent.findChildren(ReportWindow):
            if w.project is project and not w.closed:
                w.show()
                w.raise_()
                w.activateWindow()
                return w
    window = ReportWindow(project, jump, parent)
    window.show()
    window.raise_()
    return window


class ReportWindow(QMainWindow):
    def __init__(self, project: Project, jump: Jump, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"Agreement report — {project.path.name}")
        self.project = project
        self.jump = jump
        self.closed = False
        self.report: AgreementReport | None = None
        self.disagreement_rows: list[DisagreementRow] = []
        self.coding_time: CodingStats | None = None
        self.computed_for: tuple[tuple[str, ...], str] | None = None
        #: the coders the coding time is of, and why there is no agreement report (if none)
        self.coding_for: tuple[str, ...] = ()
        self.omitted = ""
        self._generation = 0
        self._job: Job | None = None
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(250)
        self._pending.timeout.connect(self.recompute)

        self.selector_panel = ReportOptionsPanel(project)
        self.selector_panel.changed.connect(self._schedule)
        self.group_combo = self.selector_panel.group_combo
        self.coder_selector = self.selector_panel.coder_selector
        self.coder_items = self.coder_selector.items
        self.tabs = ReportTabs(jump)
        self.gold_tab: GoldTab | None = None
        if project.gold_articles():  # each coder against the gold standard (issue 14)
            self.gold_tab = GoldTab(project)
            self.tabs.addTab(self.gold_tab, "Against gold")
        self._build_actions()
        self._build_status()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.selector_panel)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 1110])
        self.setCentralWidget(splitter)
        self.resize(1320, 800)
        self._set_exports_enabled(False)
        self.recompute()

    # -- building -----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        def act(text: str, slot: Callable[[], object], tip: str, key: str = "") -> QAction:
            a = QAction(icons.icon("export"), text, self)
            a.setToolTip(tip)
            a.setStatusTip(tip)
            if key:
                a.setShortcut(QKeySequence(key))
            a.triggered.connect(slot)
            return a

        self.html_action = act(
            "Export &HTML…",
            self.ask_export_html,
            "Save the report as a self-contained web page",
            "Ctrl+Shift+H",
        )
        self.pdf_action = act(
            "Export &PDF…", self.ask_export_pdf, "Save the report as a PDF (A4)", "Ctrl+Shift+P"
        )
        self.csv_action = act(
            "Export &coefficients (CSV)…",
            self.ask_export_coefficients_csv,
            "Save the coefficients, overall and per code, as CSV",
        )
        self.dis_csv_action = act(
            "Export &disagreements (CSV)…",
            self.ask_export_disagreements_csv,
            "Save the list of disagreeing sentences as CSV",
        )
        self.recompute_action = QAction("&Recompute", self)
        self.recompute_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.recompute_action.triggered.connect(self.recompute)
        close = QAction("&Close", self)
        close.setShortcuts(close_keys())
        close.triggered.connect(self.close)
        menu = self.menuBar().addMenu("&Report")
        for a in (self.html_action, self.pdf_action, self.csv_action, self.dis_csv_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.recompute_action)
        menu.addAction(close)
        tb = self.addToolBar("Export")
        tb.setObjectName("report_toolbar")
        tb.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.html_action, self.pdf_action, self.csv_action, self.dis_csv_action):
            tb.addAction(a)

    def _build_status(self) -> None:
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(200)
        self.progress_bar.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress_bar)

    def _set_exports_enabled(self, on: bool) -> None:
        """Off while computing; on, each export that has something to write: the HTML and PDF
        page needs the agreement report or coding time (one coder is enough), the CSVs the
        report."""
        page = on and (self.report is not None or has_coding_time(self.coding_time))
        for a in (self.html_action, self.pdf_action):
            a.setEnabled(page)
        for a in (self.csv_action, self.dis_csv_action):
            a.setEnabled(on and self.report is not None)

    # -- selection ----------------------------------------------------------------------------
    def selected_coders(self) -> list[str]:
        return self.selector_panel.selected_coders()

    def set_coders(self, names: list[str]) -> None:
        """Check exactly these coders (recomputes once, shortly after)."""
        self.selector_panel.set_coders(names)

    def selected_group(self) -> str:
        return self.selector_panel.selected_group()

    def _schedule(self, *_args: object) -> None:
        self._pending.start()

    # -- computing ----------------------------------------------------------------------------
    @property
    def computing(self) -> bool:
        return self._job is not None

    def recompute(self) -> None:
        """Start computing for the current selection; a computation still running is dropped.

        One job computes the report and the coding time of the same coders; a single coder
        gets the coding time alone (it compares no one)."""
        self._pending.stop()
        coders, group = self.selected_coders(), self.selected_group()
        versions = self.selector_panel.selected_versions()
        if self.gold_tab is not None:
            self.gold_tab.compute(group)
        self._generation += 1
        generation = self._generation
        if self._job is not None:
            self._job.token.cancel()
            self._job = None
        compare = len(coders) >= 2
        if not compare:
            self._show_nothing(TOO_FEW_CODERS)
            if not coders:
                self.tabs.coding_time_tab.show_message(NO_CODER_CHOSEN)  # one coder is enough
                return
        project = self.project

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> Computed:
            progress(0, 3)
            coding = project.coding_stats(coders)
            progress(1, 3)
            cancel.check()
            if not compare:
                return Computed(None, [], coding, TOO_FEW_CODERS)
            try:
                # one snapshot: figures and rows agree
                data, rows = reliability_with_disagreements(
                    project, coders, group, cancel, codebook_versions=versions
                )
            except AnnotatorError as exc:  # nothing to compare: the coding time still shows
                return Computed(None, [], coding, str(exc))
            progress(2, 3)
            cancel.check()
            # only a group the codebook declares ordered gives ordinal data from a project
            weights = "ordinal" if data.level == "ordinal" else None
            report = compute_report(
                data, bootstrap=DEFAULT_DRAWS, seed=DEFAULT_SEED, weights=weights
            )
            progress(3, 3)
            return Computed(report, rows, coding, "")

        if compare:
            self.tabs.show_computing(coders)
            self.statusBar().showMessage("Computing…")
        else:
            self.tabs.coding_time_tab.show_message("Computing coding time…")
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(True)
        self._set_exports_enabled(False)
        job = start_job(
            self, "Computing agreement", work,
            lambda result: self._finished(generation, tuple(coders), group, result),
            on_cancel=lambda: None,
            on_error=lambda exc, details: self._failed(generation, exc, details),
            show_dialog=False,
        )  # fmt: skip
        job.signals.progress.connect(lambda d, t: self._progress(generation, d, t))
        self._job = job

    def _stale(self, generation: int) -> bool:
        return self.closed or generation != self._generation

    def _progress(self, generation: int, done: int, total: int) -> None:
        if not self._stale(generation) and total:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)

    def _failed(self, generation: int, exc: BaseException, details: str) -> None:
        if self._stale(generation):
            return
        self._job = None
        if isinstance(exc, AnnotatorError):
            self._show_nothing(str(exc))
        else:
            from ui.errors import show_error

            self._show_nothing("The report could not be computed.")
            show_error(self, "Agreement report", exc, details)

    def _show_nothing(self, message: str, coding_time: CodingStats | None = None) -> None:
        self.report = None
        self.disagreement_rows = []
        self.computed_for = None
        self.coding_time = coding_time
        self.omitted = message
        self.tabs.show_nothing(message, coding_time)
        self.progress_bar.setVisible(False)
        self.statusBar().showMessage(message, 5000)
        self._set_exports_enabled(coding_time is not None)

    def _finished(
        self, generation: int, coders: tuple[str, ...], group: str, result: Computed
    ) -> None:
        if self._stale(generation):
            return
        self._job = None
        self.coding_for = coders
        if result.report is None:
            self._show_nothing(result.message, result.coding_time)
            if len(coders) < 2:  # what the exported page says instead of agreement figures
                self.omitted = f"only {coders[0]} is chosen; agreement compares two coders or more"
            return
        self.report = result.report
        self.disagreement_rows = result.rows
        self.coding_time = result.coding_time
        self.computed_for = (coders, group)
        self.progress_bar.setVisible(False)
        self.statusBar().showMessage("Report up to date", 3000)
        self.tabs.show_report(
            result.report, result.rows, self.selector_panel.code_colors(), result.coding_time
        )
        self._set_exports_enabled(True)

    # -- exports ------------------------------------------------------------------------------
    def report_title(self) -> str:
        if self.report is None:
            coders = ", ".join(self.coding_for)
            return f"Coding time — {coders} ({self.project.path.stem})"
        coders = ", ".join(self.computed_for[0]) if self.computed_for else ""
        group = self.computed_for[1] if self.computed_for else ""
        return f"Agreement: {group} — {coders} ({self.project.path.stem})"

    def report_page(self) -> str:
        """The HTML page the HTML and PDF exports write: agreement and coding time, or the
        coding time alone with the agreement sections said to be left out."""
        if self.report is None and not has_coding_time(self.coding_time):
            raise AnnotatorError("there is nothing to export yet: choose coders who have coded")
        names = unit_names(self.disagreement_rows)
        return report_page(self.report_title(), self.report, names, self.coding_time, self.omitted)

    def _require_report(self) -> AgreementReport:
        if self.report is None:
            raise AnnotatorError("the report is not computed yet")
        return self.report

    def export_html(self, path: Path) -> None:
        write_html(self.report_page(), path)

    def export_pdf(self, path: Path) -> None:
        write_pdf(self.report_page(), self.report_title(), path)

    def export_coefficients_csv(self, path: Path) -> None:
        write_coefficients_csv(self._require_report(), path)

    def export_disagreements_csv(self, path: Path) -> None:
        """The listed disagreements, ids as in the label exports (docs/exchange.md)."""
        write_disagreements(self._require_report(), self.disagreement_rows, path)

    def ask_save_path(self, caption: str, suffix: str, filter_: str) -> Path | None:
        """A path to write to, after asking before overwriting an existing file."""
        return ask_export_path(self, self.project.path, caption, suffix, filter_)

    def _export(self, caption: str, suffix: str, filter_: str, fn: Callable[[Path], None]) -> None:
        path = self.ask_save_path(caption, suffix, filter_)
        if path is None:
            return
        try:
            fn(path)
        except OSError as exc:
            QMessageBox.warning(self, caption, f"Could not write {path.name}: {exc.strerror}")
            return
        except AnnotatorError as exc:
            QMessageBox.warning(self, caption, str(exc))
            return
        self.statusBar().showMessage(f"Saved {path}", 5000)

    def ask_export_html(self) -> None:
        self._export("Export report as HTML", ".html", "Web page (*.html)", self.export_html)

    def ask_export_pdf(self) -> None:
        self._export("Export report as PDF", ".pdf", "PDF (*.pdf)", self.export_pdf)

    def ask_export_coefficients_csv(self) -> None:
        self._export(
            "Export coefficients as CSV", ".csv", "CSV (*.csv)", self.export_coefficients_csv
        )

    def ask_export_disagreements_csv(self) -> None:
        self._export(
            "Export disagreements as CSV", ".csv", "CSV (*.csv)", self.export_disagreements_csv
        )

    # -- closing ------------------------------------------------------------------------------
    def closeEvent(self, event: Any) -> None:
        self.closed = True
        self._pending.stop()
        if self._job is not None:
            self._job.token.cancel()
            self._job = None
        super().closeEvent(event)
