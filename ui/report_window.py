"""The agreement report window: coefficients, matrices, charts, disagreements and conventions.

Computed off the GUI thread (``ui.workers.start_job``); changing the coders or the code group
starts a new computation and the stale one is cancelled and its result ignored (a generation
counter), so the window stays usable on very large projects.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QModelIndex, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement import AgreementReport, compute_report
from annotator.agreement.bootstrap import DEFAULT_DRAWS, DEFAULT_SEED
from annotator.agreement.formatting import interpret_alpha, to_csv, to_html
from annotator.errors import AnnotatorError
from annotator.exports.disagreements_export import write_disagreements_csv
from annotator.progress import CancelToken
from annotator.project import Project
from annotator.reliability import NONE_VALUE, DisagreementRow, reliability_with_disagreements
from ui import icons
from ui.charts import BarChart, Series, Threshold
from ui.coder_selector import CoderSelector
from ui.file_dialogs import SafeFileDialog
from ui.report_models import (
    ALPHA_RELIABLE,
    ALPHA_TENTATIVE,
    JUMP_ROLE,
    VERDICT_COLORS,
    ChanceModel,
    CoefficientModel,
    DisagreementModel,
    MatrixModel,
    PairwiseModel,
    code_frequencies,
    value_text,
    verdict,
)
from ui.workers import Job, start_job

log = logging.getLogger(__name__)

Jump = Callable[[int, int], None]
NONE_COLOR = "#9e9e9e"


def close_keys() -> list[QKeySequence]:
    """Keys that close a secondary window: the platform's Close key, Ctrl+W and Esc.

    (Belongs in ui/actions.py with the other keys; kept here until that file is free.)
    """
    keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Close))
    for extra in ("Ctrl+W", "Esc"):
        seq = QKeySequence(extra)
        if seq not in keys:
            keys.append(seq)
    return keys


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
        self.computed_for: tuple[tuple[str, ...], str] | None = None
        self._generation = 0
        self._job: Job | None = None
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(250)
        self._pending.timeout.connect(self.recompute)

        self.coefficient_model = CoefficientModel(self)
        self.chance_model = ChanceModel(self)
        self.matrix_model = MatrixModel(self)
        self.pairwise_model = PairwiseModel(self)
        self.disagreement_model = DisagreementModel(self)
        self._build_selectors()
        self._build_tabs()
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
    def _build_selectors(self) -> None:
        panel = QWidget()
        lay = QVBoxLayout(panel)
        lay.addWidget(QLabel("Code group"))
        self.group_combo = QComboBox()
        for g in self.project.codebook.groups:
            kind = "several codes" if g.multiple else "ordered scale" if g.ordered else "one code"
            self.group_combo.addItem(f"{g.name} ({kind})", g.name)
        self.group_combo.currentIndexChanged.connect(self._schedule)
        lay.addWidget(self.group_combo)
        lay.addSpacing(8)
        lay.addWidget(QLabel("Coders compared"))
        self.coder_selector = CoderSelector(self.project, parent=panel)
        self.coder_items = self.coder_selector.items
        self.coder_selector.changed.connect(self._schedule)
        lay.addWidget(self.coder_selector)
        hint = QLabel(
            "Units are the sentences of articles every chosen coder has marked done; a "
            "sentence left uncoded there counts as (no code) (in an ordered scale it is missing)."
        )
        hint.setWordWrap(True)
        lay.addWidget(hint)
        lay.addStretch(1)
        self.selector_panel = panel

    def _table(self, model: Any) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.setWordWrap(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        return view

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        # coefficients: verdict, table, alpha per code
        page = QWidget()
        lay = QVBoxLayout(page)
        self.summary_label = QLabel("Computing…")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.verdict_label = QLabel()
        self.verdict_label.setWordWrap(True)
        self.verdict_label.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.summary_label)
        lay.addWidget(self.verdict_label)
        split = QSplitter(Qt.Orientation.Vertical)
        self.coefficient_view = self._table(self.coefficient_model)
        split.addWidget(self.coefficient_view)
        self.alpha_chart = BarChart("Krippendorff's α per code (present vs absent)")
        split.addWidget(self.alpha_chart)
        split.setSizes([260, 320])
        lay.addWidget(split, 1)
        self.tabs.addTab(page, "Coefficients")
        # every coefficient with its chance terms (what a methods section reports)
        page = QWidget()
        lay = QVBoxLayout(page)
        self.chance_title = QLabel()
        self.chance_title.setWordWrap(True)
        lay.addWidget(self.chance_title)
        self.chance_view = self._table(self.chance_model)
        lay.addWidget(self.chance_view, 1)
        self.tabs.addTab(page, "All coefficients")
        # matrices
        page = QWidget()
        lay = QVBoxLayout(page)
        self.matrix_title = QLabel()
        self.matrix_title.setWordWrap(True)
        self.matrix_title.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.matrix_title)
        self.matrix_view = self._table(self.matrix_model)
        self.matrix_view.verticalHeader().setVisible(True)
        lay.addWidget(self.matrix_view, 2)
        self.pairwise_title = QLabel("Pairwise Cohen's κ")
        lay.addWidget(self.pairwise_title)
        self.pairwise_view = self._table(self.pairwise_model)
        lay.addWidget(self.pairwise_view, 1)
        self.tabs.addTab(page, "Matrix")
        # frequencies
        self.frequency_chart = BarChart("Sentences given each code, per coder")
        self.tabs.addTab(self.frequency_chart, "Code frequencies")
        # disagreements
        page = QWidget()
        lay = QVBoxLayout(page)
        self.disagreement_label = QLabel()
        self.disagreement_label.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.disagreement_label)
        self.disagreement_view = self._table(self.disagreement_model)
        header = self.disagreement_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.disagreement_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.disagreement_view.activated.connect(self._jump_to)
        lay.addWidget(self.disagreement_view)
        self.tabs.addTab(page, "Disagreements")
        # conventions
        self.conventions_view = QTextBrowser()
        self.tabs.addTab(self.conventions_view, "Conventions")

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
        for a in (self.html_action, self.pdf_action, self.csv_action, self.dis_csv_action):
            a.setEnabled(on)

    # -- selection ----------------------------------------------------------------------------
    def selected_coders(self) -> list[str]:
        return self.coder_selector.selected()

    def set_coders(self, names: list[str]) -> None:
        """Check exactly these coders (recomputes once, shortly after)."""
        self.coder_selector.set_selected(names)

    def selected_group(self) -> str:
        return str(self.group_combo.currentData())

    def _schedule(self, *_args: object) -> None:
        self._pending.start()

    # -- computing ----------------------------------------------------------------------------
    @property
    def computing(self) -> bool:
        return self._job is not None

    def recompute(self) -> None:
        """Start computing for the current selection; a computation still running is dropped."""
        self._pending.stop()
        coders, group = self.selected_coders(), self.selected_group()
        self._generation += 1
        generation = self._generation
        if self._job is not None:
            self._job.token.cancel()
            self._job = None
        if len(coders) < 2:
            self._show_nothing("Choose at least two coders to compare.")
            return
        project = self.project

        def work(progress: Callable[[int, int], None], cancel: CancelToken) -> Any:
            progress(0, 3)
            # one snapshot: figures and rows agree
            data, rows = reliability_with_disagreements(project, coders, group, cancel)
            progress(1, 3)
            cancel.check()
            progress(2, 3)
            # only a group the codebook declares ordered gives ordinal data from a project
            weights = "ordinal" if data.level == "ordinal" else None
            report = compute_report(
                data, bootstrap=DEFAULT_DRAWS, seed=DEFAULT_SEED, weights=weights
            )
            progress(3, 3)
            return report, rows

        self.summary_label.setText(html.escape(f"Computing agreement for {', '.join(coders)}…"))
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(True)
        self.statusBar().showMessage("Computing…")
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

    def _show_nothing(self, message: str) -> None:
        self.report = None
        self.disagreement_rows = []
        self.computed_for = None
        self.coefficient_model.set_report(None)
        self.chance_model.set_report(None)
        self.pairwise_model.set_report(None)
        self.matrix_model.set_matrix((), _empty())
        self.disagreement_model.set_rows([], [])
        self.alpha_chart.set_data([], [])
        self.frequency_chart.set_data([], [])
        self.summary_label.setText(html.escape(message))
        self.verdict_label.clear()
        self.progress_bar.setVisible(False)
        self.statusBar().showMessage(message, 5000)
        self._set_exports_enabled(False)

    def _finished(self, generation: int, coders: tuple[str, ...], group: str, result: Any) -> None:
        if self._stale(generation):
            return
        self._job = None
        report, rows = result
        self.report = report
        self.disagreement_rows = rows
        self.computed_for = (coders, group)
        self.progress_bar.setVisible(False)
        self.statusBar().showMessage("Report up to date", 3000)
        self._show(report, rows)
        self._set_exports_enabled(True)

    # -- showing ------------------------------------------------------------------------------
    def _code_colors(self) -> dict[str, str]:
        group = next(
            (g for g in self.project.codebook.groups if g.name == self.selected_group()), None
        )
        colors = {c.name: c.color for c in group.codes} if group is not None else {}
        colors[NONE_VALUE] = NONE_COLOR
        return colors

    def _show(self, report: AgreementReport, rows: list[DisagreementRow]) -> None:
        alpha = report.coefficients["krippendorff_alpha"].value
        self.summary_label.setText(
            f"<b>{report.n_units:,}</b> sentences coded by all of "
            f"{html.escape(', '.join(map(str, report.data.coders)))} "
            f"(level: {html.escape(str(report.level))}); "
            f"<b>{report.n_disagreements:,}</b> with disagreement."
        )
        fg, bg = VERDICT_COLORS[verdict(alpha)]
        ci = report.alpha_ci95
        ci_text = "" if ci is None else f", 95% CI [{ci[0]:.3f}, {ci[1]:.3f}]"
        alpha_text = "—" if alpha is None else f"{alpha:.3f}"
        self.verdict_label.setText(
            f'<div style="background:{bg};color:{fg};padding:6px;">'
            f"<b>Krippendorff's α = {alpha_text}{ci_text}: "
            f"{html.escape(interpret_alpha(alpha))}</b><br>"
            "Krippendorff (2004): α ≥ .800 reliable; .667 ≤ α &lt; .800 tentative conclusions "
            "only; below .667 unreliable.</div>"
        )
        self.coefficient_model.set_report(report)
        self.chance_model.set_report(report)
        self.chance_title.setText(
            "Observed and expected (chance) agreement behind each coefficient; for "
            "Krippendorff's α the observed and expected disagreement (α = 1 − D_o / D_e). "
            + (
                f"Weighted coefficients: Gwet's {report.weights} weights"
                + (" (the code group is declared ordered)." if report.level == "ordinal" else ".")
                if report.weights
                else "Weighted coefficients need an ordered code group (codebook: ordered: true)."
            )
        )
        self.pairwise_model.set_report(report)
        two = report.confusion is not None
        labels = list(report.value_labels)
        if two:
            a, b = (html.escape(str(c)) for c in report.data.coders[:2])
            self.matrix_title.setText(
                f"<b>Confusion matrix</b>: rows {a}, columns {b} (sentence counts; the "
                "diagonal is agreement; the totals are how often each gave each value)."
            )
            self.matrix_model.set_matrix(labels, report.confusion, "g", totals=True)  # type: ignore[arg-type]
        else:
            self.matrix_title.setText(
                "<b>Coincidence matrix</b> (Krippendorff): pairs of values within sentences, "
                "each sentence weighted 1/(coders − 1); the diagonal is agreement."
            )
            self.matrix_model.set_matrix(labels, report.coincidence, ".3g")
        self.pairwise_title.setVisible(not two)
        self.pairwise_view.setVisible(not two)

        colors = self._code_colors()
        codes = list(report.per_code)
        self.alpha_chart.set_data(
            [value_text(c) for c in codes],
            [Series("α", tuple(report.per_code[c]["krippendorff_alpha"].value for c in codes),
                    bar_colors=tuple(colors.get(c, NONE_COLOR) for c in codes))],
            [Threshold(ALPHA_TENTATIVE, ".667", "#b26b00"),
             Threshold(ALPHA_RELIABLE, ".800", "#17692e")],
            y_range=(0.0, 1.0),
        )  # fmt: skip
        freq_codes, per_coder = code_frequencies(report)
        coders = list(per_coder)
        self.frequency_chart.set_data(
            coders,
            [Series(code, tuple(float(per_coder[c][k]) for c in coders),
                    colors.get(code, NONE_COLOR))
             for k, code in enumerate(freq_codes)],
            value_format="{:.0f}",
        )  # fmt: skip

        self.disagreement_model.set_rows(rows, [str(c) for c in report.data.coders])
        self.disagreement_label.setText(
            f"{len(rows):,} sentences where the coders differ. Double-click or press Enter to "
            "open one in the main window."
        )
        self.disagreement_view.setColumnWidth(0, 220)
        self.disagreement_view.setColumnWidth(1, 70)
        for col in range(3, self.disagreement_model.columnCount()):
            self.disagreement_view.setColumnWidth(col, 150)
        self.tabs.setTabText(3, f"Disagreements ({len(rows):,})")
        self.conventions_view.setHtml(
            "<h3>How these figures are computed</h3><ul>"
            + "".join(f"<li>{html.escape(c)}</li>" for c in report.conventions)
            + "</ul>"
        )

    def _jump_to(self, index: QModelIndex) -> None:
        target = index.data(JUMP_ROLE)
        if target is not None:
            article_id, sentence_id = target
            self.jump(int(article_id), int(sentence_id))

    # -- exports ------------------------------------------------------------------------------
    def report_title(self) -> str:
        coders = ", ".join(self.computed_for[0]) if self.computed_for else ""
        group = self.computed_for[1] if self.computed_for else ""
        return f"Agreement: {group} — {coders} ({self.project.path.stem})"

    def _require_report(self) -> AgreementReport:
        if self.report is None:
            raise AnnotatorError("the report is not computed yet")
        return self.report

    def export_html(self, path: Path) -> None:
        Path(path).write_text(
            to_html(self._require_report(), self.report_title(), self._unit_names()),
            encoding="utf-8",
        )

    def export_pdf(self, path: Path) -> None:
        page = to_html(self._require_report(), self.report_title(), self._unit_names())
        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)
        writer.setTitle(self.report_title())
        writer.setCreator("annotator")
        doc = QTextDocument()
        doc.setHtml(page)
        doc.print_(writer)

    def _unit_names(self) -> dict[int, str]:
        """The listed sentences as the app names them, not by internal id."""
        return {r.sentence_id: r.name for r in self.disagreement_rows}

    def export_coefficients_csv(self, path: Path) -> None:
        Path(path).write_text(to_csv(self._require_report()), encoding="utf-8", newline="")

    def export_disagreements_csv(self, path: Path) -> None:
        """The listed disagreements, ids as in the label exports (docs/exchange.md)."""
        report = self._require_report()
        write_disagreements_csv(
            self.disagreement_rows, [str(c) for c in report.data.coders], path, force=True
        )

    def ask_save_path(self, caption: str, suffix: str, filter_: str) -> Path | None:
        """A path to write to, after asking before overwriting an existing file."""
        default = str(self.project.path.with_name(f"{self.project.path.stem}-agreement{suffix}"))
        name, _ = SafeFileDialog.getSaveFileName(
            self, caption, default, filter_,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if not name:
            return None
        path = Path(name)
        if not path.suffix:
            path = path.with_suffix(suffix)
        if path.exists():
            answer = QMessageBox.question(
                self, "Replace file?", f"{path.name} already exists. Replace it?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return None
        return path

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


def _empty() -> Any:
    import numpy as np

    return np.zeros((0, 0))
