"""Bar charts painted with QPainter (PySide6-Essentials has no QtCharts).

One widget: categories along x, one or more series as grouped bars, optional horizontal threshold
lines and a legend. Undefined values (None) are marked "n/a" instead of drawn as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    color: str = "#0072b2"
    #: one colour per bar (overrides ``color``), e.g. each code's codebook colour
    bar_colors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Threshold:
    value: float
    label: str
    color: str


class BarChart(QWidget):
    """Grouped vertical bars with a y axis, threshold lines and a legend (for several series)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.categories: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.thresholds: tuple[Threshold, ...] = ()
        self.y_range: tuple[float, float] | None = None
        self.value_format = "{:.3f}"
        self._bars: list[tuple[QRectF, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(180)

    def set_data(
        self,
        categories: Sequence[str],
        series: Sequence[Series],
        thresholds: Sequence[Threshold] = (),
        y_range: tuple[float, float] | None = None,
        value_format: str = "{:.3f}",
    ) -> None:
        self.categories = tuple(categories)
        self.series = tuple(series)
        self.thresholds = tuple(thresholds)
        self.y_range = y_range
        self.value_format = value_format
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 260)

    # -- painting -----------------------------------------------------------------------------
    def _range(self) -> tuple[float, float]:
        values = [v for s in self.series for v in s.values if v is not None]
        values += [t.value for t in self.thresholds]
        low = min([0.0, *values])
        high = max([0.0, *values]) or 1.0
        if self.y_range is not None:
            low, high = min(low, self.y_range[0]), max(high, self.y_range[1])
        return low, high

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        mid = pal.color(QPalette.ColorRole.Mid)
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        fm = QFontMetrics(self.font())
        line = fm.height()
        self._bars = []

        top = 6.0
        if self.title:
            f = p.font()
            f.setBold(True)
            p.setFont(f)
            p.setPen(text)
            title_rect = QRectF(0, top, self.width(), line)
            p.drawText(title_rect, Qt.AlignmentFlag.AlignHCenter, self.title)
            p.setFont(self.font())
            top += line + 4
        legend = len(self.series) > 1
        if legend:
            top = self._paint_legend(p, fm, top, text) + 4
        if not self.categories or not self.series:
            p.setPen(mid)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No data")
            return

        low, high = self._range()
        ticks = self._tick_values(low, high)
        low, high = min(low, ticks[0]), max(high, ticks[-1])
        tick_w = max(fm.horizontalAdvance(_tick_label(v)) for v in ticks)
        left = tick_w + 12.0
        right = (
            self.width()
            - 10.0
            - max((fm.horizontalAdvance(t.label) + 6 for t in self.thresholds), default=0)
        )
        label_h = line * 2 + 6
        bottom = self.height() - label_h
        plot = QRectF(left, top + line / 2, max(right - left, 10), max(bottom - top - line, 10))

        def y_of(v: float) -> float:
            return plot.bottom() - (v - low) / (high - low) * plot.height()

        p.setPen(QPen(mid, 1, Qt.PenStyle.DotLine))
        for v in ticks:
            y = y_of(v)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(text)
        for v in ticks:
            y = y_of(v)
            p.drawText(
                QRectF(0, y - line / 2, tick_w + 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                _tick_label(v),
            )

        n_cat, n_ser = len(self.categories), len(self.series)
        slot = plot.width() / n_cat
        bar_w = min(slot * 0.8 / n_ser, 48.0)
        zero = y_of(0.0)
        for i, cat in enumerate(self.categories):
            x0 = plot.left() + i * slot + (slot - bar_w * n_ser) / 2
            for j, s in enumerate(self.series):
                value: float | None = s.values[i] if i < len(s.values) else None
                x = x0 + j * bar_w
                tip = f"{cat}" + (f" — {s.name}" if n_ser > 1 else "") + ": "
                if value is None:
                    p.setPen(mid)
                    p.drawText(
                        QRectF(x, zero - line, bar_w, line), Qt.AlignmentFlag.AlignCenter, "n/a"
                    )
                    self._bars.append((QRectF(x, zero - line, bar_w, line), tip + "undefined"))
                    continue
                if not self._shows_bar(value):
                    continue
                color = QColor(s.bar_colors[i] if i < len(s.bar_colors) else s.color)
                y = y_of(value)
                rect = QRectF(x + 1, min(y, zero), max(bar_w - 2, 1), abs(zero - y))
                p.fillRect(rect, color)
                p.setPen(QPen(color.darker(130), 1))
                p.drawRect(rect)
                shown = self.value_format.format(value)
                self._bars.append((rect.adjusted(0, -2, 0, 2), tip + shown))
            self._paint_label(
                p, fm, i, QRectF(plot.left() + i * slot, plot.bottom() + 4, slot, label_h - 4)
            )

        p.setPen(QPen(text, 1))
        p.drawLine(QPointF(plot.left(), zero), QPointF(plot.right(), zero))
        for t in self.thresholds:
            y = y_of(t.value)
            p.setPen(QPen(QColor(t.color), 1.5, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor(t.color))
            p.drawText(
                QRectF(plot.right() + 4, y - line / 2, self.width(), line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                t.label,
            )

    # -- what a kind of chart changes -----------------------------------------------------------
    def _tick_values(self, low: float, high: float) -> list[float]:
        return _ticks(low, high)

    def _shows_bar(self, value: float) -> bool:
        """A value's bar is painted (a zero is a zero-height bar: 0 and n/a differ)."""
        return True

    def _paint_label(self, p: QPainter, fm: QFontMetrics, i: int, slot: QRectF) -> None:
        """Category i's name under its slot: two lines at most, elided."""
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        p.drawText(
            slot.adjusted(2, 0, -2, 0),
            Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap,
            _elide_lines(fm, self.categories[i], int(slot.width() - 4)),
        )

    def _paint_legend(self, p: QPainter, fm: QFontMetrics, top: float, text: QColor) -> float:
        x, y = 10.0, top
        box = fm.height() * 0.7
        for s in self.series:
            w = box + 6 + fm.horizontalAdvance(s.name) + 16
            if x + w > self.width() - 10 and x > 10:
                x, y = 10.0, y + fm.height() + 2
            p.fillRect(QRectF(x, y + (fm.height() - box) / 2, box, box), QColor(s.color))
            p.setPen(text)
            p.drawText(
                QRectF(x + box + 6, y, w, fm.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                s.name,
            )
            x += w
        return y + fm.height()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            for rect, tip in self._bars:
                if rect.contains(QPointF(e.pos())):
                    QToolTip.showText(e.globalPos(), tip, self)
                    return True
            QToolTip.hideText()
            e.ignore()
            return True
        return super().event(e)

    def bar_tips(self) -> list[str]:
        """What each painted bar says (its tooltip): lets tests and screen readers check it."""
        return [tip for _rect, tip in self._bars]


def _ticks(low: float, high: float) -> list[float]:
    span = high - low or 1.0
    raw = span / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(low / step) * step
    out = []
    v = start
    while v < high + step * 0.999:
        out.append(round(v, 10))
        v += step
    return out


def _tick_label(v: float) -> str:
    return f"{v:g}" if abs(v) >= 1 or v == 0 else f"{v:.2f}".rstrip("0").rstrip(".")


def _elide_lines(fm: QFontMetrics, text: str, width: int) -> str:
    """At most two lines: wrap on words, elide what is left."""
    words = text.split()
    first = ""
    while words and fm.horizontalAdvance((first + " " + words[0]).strip()) <= width:
        first = (first + " " + words.pop(0)).strip()
    if not first and words:
        return fm.elidedText(text, Qt.TextElideMode.ElideRight, width)
    rest = " ".join(words)
    if not rest:
        return first
    return first + "\n" + fm.elidedText(rest, Qt.TextElideMode.ElideRight, width)
