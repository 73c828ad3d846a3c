"""A bar chart over calendar days: counts per day, each day at its place on a date axis.

The done-per-day chart of the report's Coding time tab: every day from the first to the last
is a slot, so idle days show as the gap they were instead of being squeezed out; a day with
nothing done draws no bar (no zero-height stub); the y axis counts in whole numbers; the dates
under the axis are thinned to what fits, at a whole number of days apart.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from ui.charts import BarChart, Series

#: steps between dated ticks, in days: every day, two, a week, two weeks, four weeks, ...
DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 364)


def calendar_days(first: date, last: date) -> list[date]:
    """Every day from first to last, both included."""
    return [first + timedelta(days=k) for k in range((last - first).days + 1)]


def integer_ticks(low: float, high: float) -> list[float]:
    """Ticks for counts: about five, whole numbers 1, 2 or 5 times a power of ten apart (two
    articles done never reads 0.5, 1, 1.5)."""
    raw = max(high - low, 1.0) / 5
    step, magnitude = 1, 1
    while step < raw:
        step = next((m * magnitude for m in (2, 5, 10) if m * magnitude >= raw), 10 * magnitude)
        magnitude *= 10
    start = math.floor(low / step) * step
    out: list[float] = []
    v = start
    while v < high + step * 0.999:
        out.append(float(v))
        v += step
    return out


class DayBarChart(BarChart):
    """Grouped bars of counts per calendar day (one series per coder)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.days: tuple[date, ...] = ()
        #: a dated label under every this many days (chosen at paint time, for tests to read)
        self.label_step = 1

    def set_counts(
        self, counts: Mapping[str, Mapping[date, int]], colors: Sequence[str] = ()
    ) -> None:
        """counts: series name -> {day: count}; the axis runs from the first to the last day
        with a count in any series (every series is drawn, one with none as no bars)."""
        dated = [d for per_day in counts.values() for d in per_day]
        self.days = tuple(calendar_days(min(dated), max(dated))) if dated else ()
        series = [
            Series(
                name,
                tuple(float(per_day.get(d, 0)) for d in self.days),
                colors[k % len(colors)] if colors else "#0072b2",
            )
            for k, (name, per_day) in enumerate(counts.items())
        ]
        self.set_data(
            [d.isoformat() for d in self.days], series if self.days else [], value_format="{:.0f}"
        )

    def _tick_values(self, low: float, high: float) -> list[float]:
        return integer_ticks(low, high)

    def _shows_bar(self, value: float) -> bool:
        return value != 0

    def _paint_label(self, p: QPainter, fm: QFontMetrics, i: int, slot: QRectF) -> None:
        """The date under every label_step-th day, centred on its day, so labels never meet."""
        width = fm.horizontalAdvance("0000-00-00") + 8
        self.label_step = next((k for k in DAY_STEPS if k * slot.width() >= width), DAY_STEPS[-1])
        if i % self.label_step:
            return
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        centre = slot.center().x()
        p.drawText(
            QRectF(centre - width / 2, slot.top(), width, slot.height()),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self.categories[i],
        )
