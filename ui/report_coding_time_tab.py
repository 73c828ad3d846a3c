"""The report's Coding time page: how long the selected coders take, how much they correct,
and the articles each finished per day (issue 14).

It shows a ``CodingStats`` the report window computed in its background job for the coders
chosen in the report; it never computes. The definitions are ``annotator.coding_time``'s.
"""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.coding_time import SESSION_PAUSE_S, CodingStats
from ui.coding_time_models import CoderTimeModel, CodeTimeModel
from ui.day_chart import DayBarChart
from ui.report_table_view import report_table

#: shown instead of the tables when the selected coders have no label events
NO_CODING = "No coding recorded yet for the selected coders."

#: added to the note while none of the coders' presses has a measured duration
NOTHING_TIMED = (
    "No time measured yet: each coder's labels came in one press per session "
    "(e.g. imported, or applied in bulk), so only counts are shown."
)

#: one colour per coder in the chart (Okabe–Ito, distinguishable with colour blindness)
CODER_COLORS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442")


def measured_note(pause_s: float = SESSION_PAUSE_S) -> str:
    """One line on what the figures measure (the full definitions: docs/coding-time.md)."""
    minutes = pause_s / 60
    pause = f"{minutes:g} min" if pause_s >= 60 else f"{pause_s:g} s"
    return (
        f"A pause over {pause} ends a session; a press is timed from the coder's previous "
        "press, so the first press of a session is not measured; only an article's latest "
        "status time is stored, so it counts on the day it was last marked done. Labels a "
        "merge or an import brought in count without their history: read a coder's time on "
        "the coder's own file."
    )


class CodingTimeTab(QWidget):
    """A note, the per-coder and per-code tables and the done-per-day chart, or a message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.coder_model = CoderTimeModel(self)
        self.code_model = CodeTimeModel(self)
        self.stats: CodingStats | None = None
        lay = QVBoxLayout(self)
        self.note_label = QLabel(measured_note())
        self.note_label.setWordWrap(True)
        lay.addWidget(self.note_label)
        self.stack = QStackedWidget()
        self.message_label = QLabel("Computing…")
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setWordWrap(True)
        self.stack.addWidget(self.message_label)
        split = QSplitter(Qt.Orientation.Vertical)
        self.coder_view = report_table(self.coder_model)
        split.addWidget(self.coder_view)
        self.code_view = report_table(self.code_model)
        split.addWidget(self.code_view)
        self.done_chart = DayBarChart("Articles marked done per day (UTC), per coder")
        split.addWidget(self.done_chart)
        split.setSizes([90, 220, 290])
        self.stack.addWidget(split)
        self.figures = split
        lay.addWidget(self.stack, 1)

    @property
    def showing_figures(self) -> bool:
        return self.stack.currentWidget() is self.figures

    def show_message(self, message: str) -> None:
        """Empty the tables and the chart and say why instead."""
        self.stats = None
        self.note_label.setText(measured_note())
        self.coder_model.set_rows([])
        self.code_model.set_rows([])
        self.done_chart.set_data([], [])
        self.message_label.setText(html.escape(message))
        self.stack.setCurrentWidget(self.message_label)

    def show_stats(self, stats: CodingStats) -> None:
        """Fill the page; with no label events at all it says so instead."""
        timed = any(c.seconds.n for c in stats.coders)
        self.note_label.setText(
            measured_note(stats.pause_s) + ("" if timed else " " + NOTHING_TIMED)
        )
        if not stats.coders and not stats.done_per_day:
            self.show_message(NO_CODING)
            return
        self.stats = stats
        self.coder_model.set_rows(stats.coders)
        self.code_model.set_rows(stats.codes)
        self.done_chart.set_counts(done_counts(stats), CODER_COLORS)
        self.stack.setCurrentWidget(self.figures)


def done_counts(stats: CodingStats) -> dict[str, dict[date, int]]:
    """Per coder (in name order), the articles done on each UTC day they finished any.

    Every coder in the figures is there, a coder who finished nothing with no days: the chart
    still names them in its legend."""
    coders = sorted({c.coder for c in stats.coders} | {d.coder for d in stats.done_per_day})
    counts: dict[str, dict[date, int]] = {coder: {} for coder in coders}
    for d in stats.done_per_day:
        counts[d.coder][d.day] = d.done
    return counts
