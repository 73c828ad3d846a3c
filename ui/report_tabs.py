"""The report window's pages: coefficients, all coefficients, matrices, code frequencies,
disagreements, conventions and coding time (built in ``ui.report_coding_time_tab``).

The tabs own the table models and charts and know how to show one computed report (or none);
they never compute. The window decides when to compute and hands the result here.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement import AgreementReport
from annotator.agreement.formatting import interpret_alpha
from annotator.coding_time import CodingStats
from annotator.records import plural
from annotator.reliability import DisagreementRow
from ui.charts import BarChart, Series, Threshold
from ui.report_coding_time_tab import CodingTimeTab
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
from ui.report_options_panel import NONE_COLOR
from ui.report_table_view import report_table

Jump = Callable[[int, int], None]


class ReportTabs(QTabWidget):
    """The pages of the agreement report, filled from one ``AgreementReport``, and the coding
    time of the same coders (``CodingStats``)."""

    def __init__(self, jump: Jump, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.jump = jump
        self.coefficient_model = CoefficientModel(self)
        self.chance_model = ChanceModel(self)
        self.matrix_model = MatrixModel(self)
        self.pairwise_model = PairwiseModel(self)
        self.disagreement_model = DisagreementModel(self)
        self._build_coefficients()
        self._build_chance()
        self._build_matrix()
        self.frequency_chart = BarChart("Sentences given each code, per coder")
        self.addTab(self.frequency_chart, "Code frequencies")
        self._build_disagreements()
        self.conventions_view = QTextBrowser()
        self.addTab(self.conventions_view, "Conventions")
        self.coding_time_tab = CodingTimeTab()
        self.addTab(self.coding_time_tab, "Coding time")

    # -- building -----------------------------------------------------------------------------
    def _build_coefficients(self) -> None:
        """Verdict, table, alpha per code."""
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
        self.coefficient_view = report_table(self.coefficient_model)
        split.addWidget(self.coefficient_view)
        self.alpha_chart = BarChart("Krippendorff's α per code (present vs absent)")
        split.addWidget(self.alpha_chart)
        split.setSizes([260, 320])
        lay.addWidget(split, 1)
        self.addTab(page, "Coefficients")

    def _build_chance(self) -> None:
        """Every coefficient with its chance terms (what a methods section reports)."""
        page = QWidget()
        lay = QVBoxLayout(page)
        self.chance_title = QLabel()
        self.chance_title.setWordWrap(True)
        lay.addWidget(self.chance_title)
        self.chance_view = report_table(self.chance_model)
        lay.addWidget(self.chance_view, 1)
        self.addTab(page, "All coefficients")

    def _build_matrix(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.matrix_title = QLabel()
        self.matrix_title.setWordWrap(True)
        self.matrix_title.setTextFormat(Qt.TextFormat.RichText)
        lay.addWidget(self.matrix_title)
        self.matrix_view = report_table(self.matrix_model)
        self.matrix_view.verticalHeader().setVisible(True)
        lay.addWidget(self.matrix_view, 2)
        self.pairwise_title = QLabel("Pairwise Cohen's κ")
        lay.addWidget(self.pairwise_title)
        self.pairwise_view = report_table(self.pairwise_model)
        lay.addWidget(self.pairwise_view, 1)
        self.addTab(page, "Matrix")

    def _build_disagreements(self) -> None:
        page = QWidget()
        lay = QVBoxLayout(page)
        self.disagreement_label = QLabel()
        self.disagreement_label.setTextFormat(Qt.TextFormat.PlainText)
        lay.addWidget(self.disagreement_label)
        self.disagreement_view = report_table(self.disagreement_model)
        header = self.disagreement_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.disagreement_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.disagreement_view.activated.connect(self._jump_to)
        lay.addWidget(self.disagreement_view)
        self.disagreement_page = page  # its title carries the count
        self.addTab(page, "Disagreements")

    # -- showing ------------------------------------------------------------------------------
    def show_computing(self, coders: list[str]) -> None:
        self.summary_label.setText(html.escape(f"Computing agreement for {', '.join(coders)}…"))
        self.coding_time_tab.show_message(f"Computing coding time for {', '.join(coders)}…")

    def show_nothing(self, message: str, coding_time: CodingStats | None = None) -> None:
        """Empty every page and say why (too few coders, nothing to compare, a failure); the
        coding time, if given, is still shown (it needs no second coder)."""
        self.coefficient_model.set_report(None)
        self.chance_model.set_report(None)
        self.pairwise_model.set_report(None)
        self.matrix_model.set_matrix((), np.zeros((0, 0)))
        self.disagreement_model.set_rows([], [])
        self.alpha_chart.set_data([], [])
        self.frequency_chart.set_data([], [])
        self.summary_label.setText(html.escape(message))
        self.verdict_label.clear()
        if coding_time is None:
            self.coding_time_tab.show_message(message)
        else:
            self.coding_time_tab.show_stats(coding_time)

    def show_report(
        self,
        report: AgreementReport,
        rows: list[DisagreementRow],
        colors: dict[str, str],
        coding_time: CodingStats,
    ) -> None:
        """Fill every page from one report and the coding time of its coders; ``colors`` maps
        each code to its codebook colour."""
        self.coding_time_tab.show_stats(coding_time)
        self._show_coefficients(report)
        self._show_matrix(report)
        self._show_charts(report, colors)
        self._show_disagreements(report, rows)
        self.conventions_view.setHtml(
            "<h3>How these figures are computed</h3><ul>"
            + "".join(f"<li>{html.escape(c)}</li>" for c in report.conventions)
            + "</ul>"
        )

    def _show_coefficients(self, report: AgreementReport) -> None:
        alpha = report.coefficients["krippendorff_alpha"].value
        self.summary_label.setText(
            f"<b>{report.n_units:,}</b> sentences coded by all of "
            f"{html.escape(', '.join(map(str, report.data.coders)))} "
            f"(level: {html.escape(str(report.level))}); "
            f"<b>{report.n_disagreements:,}</b> with disagreement"
            + (f"; {html.escape(report.versions_note)}" if report.versions_note else "")
            + "."
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

    def _show_matrix(self, report: AgreementReport) -> None:
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

    def _show_charts(self, report: AgreementReport, colors: dict[str, str]) -> None:
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

    def _show_disagreements(self, report: AgreementReport, rows: list[DisagreementRow]) -> None:
        self.disagreement_model.set_rows(rows, [str(c) for c in report.data.coders])
        self.disagreement_label.setText(
            f"{plural(len(rows), 'sentence')} where the coders differ. Double-click or press "
            "Enter to open one in the main window."
        )
        self.disagreement_view.setColumnWidth(0, 220)
        self.disagreement_view.setColumnWidth(1, 70)
        for col in range(3, self.disagreement_model.columnCount()):
            self.disagreement_view.setColumnWidth(col, 150)
        self.setTabText(self.indexOf(self.disagreement_page), f"Disagreements ({len(rows):,})")

    def _jump_to(self, index: QModelIndex) -> None:
        target = index.data(JUMP_ROLE)
        if target is not None:
            article_id, sentence_id = target
            self.jump(int(article_id), int(sentence_id))
