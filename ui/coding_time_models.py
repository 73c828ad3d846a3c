"""Table models of the report's Coding time tab: one row per coder, one per coder and code.

Thin read-only adapters over ``CodingStats`` (``Project.coding_stats``); the figures and their
definitions are the core's (``annotator.coding_time``), the models only format them.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from annotator.coding_time import CoderStats, CodeStats, Spread
from ui.report_models import VALUE_ROLE
from ui.table_model import RIGHT, Index, RowTableModel

#: what an undefined figure shows (no time measured yet)
MISSING = "—"


def _fmt(value: float | None, spec: str) -> str:
    return MISSING if value is None else format(value, spec)


def _duration_text(hours: float) -> str:
    """Hours as a person reads them: "1 h 25 min", "12 min", "40 s" (0.00 h hid short work)."""
    seconds = round(hours * 3600)
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def _spread_text(s: Spread) -> str:
    """The interquartile range, as the quartiles it spans."""
    if s.q1 is None or s.q3 is None or s.iqr is None:
        return MISSING
    return f"{s.iqr:.1f} (Q1 {s.q1:.1f}, Q3 {s.q3:.1f})"  # bare brackets read as a CI


def _rate_and_timing(
    per_hour: float | None, s: Spread, corrections: int
) -> tuple[tuple[str, object], ...]:
    """The columns both tables end with: labels/hour, median, spread, timed, corrections."""
    return (
        (_fmt(per_hour, ".1f"), per_hour),
        (_fmt(s.median, ".1f"), s.median),
        (_spread_text(s), s.iqr),
        (f"{s.n:,}", s.n),
        (f"{corrections:,}", corrections),
    )


class _StatsModel(RowTableModel):
    """Cells from one ``(display text, raw value)`` pair per column (the raw value under
    ``VALUE_ROLE``, for sorting and tests); the first ``TEXT_COLUMNS`` are names, the rest
    numbers, right-aligned."""

    TEXT_COLUMNS = 1

    def cells(self, row: Any) -> tuple[tuple[str, object], ...]:
        raise NotImplementedError

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_of(index)
        col = index.column()
        if row is None or not 0 <= col < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cells(row)[col][0]
        if role == VALUE_ROLE:
            return self.cells(row)[col][1]
        if role == Qt.ItemDataRole.TextAlignmentRole and col >= self.TEXT_COLUMNS:
            return RIGHT
        return None


_SECONDS_TIP = (
    "Median seconds per sentence: from the coder's previous key press to the next, within a "
    "session (the first press of a session is not timed)"
)
_SPREAD_TIP = "Spread: the interquartile range of those seconds (q3 − q1), with q1–q3"
_CORRECTIONS_TIP = "Presses that removed one of the coder's own labels, once per sentence"


class CoderTimeModel(_StatsModel):
    """One row per coder (``CoderStats``)."""

    HEADERS = (
        "Coder", "Sessions", "Coding time", "Labels added", "Labels/hour",
        "Median s", "IQR s", "Timed", "Corrections",
    )  # fmt: skip
    TIPS = (
        "", "Runs of presses with no pause over the session pause",
        "Sum of the sessions, first to last press",
        "Codes added (every add counts, also one later replaced or removed)",
        "Codes added over the coding hours", _SECONDS_TIP, _SPREAD_TIP,
        "Presses with a measured duration", _CORRECTIONS_TIP,
    )  # fmt: skip

    def cells(self, row: CoderStats) -> tuple[tuple[str, object], ...]:
        s = row.seconds
        return (
            (row.coder, row.coder),
            (f"{row.sessions:,}", row.sessions),
            (_duration_text(row.coding_hours), row.coding_hours),
            (f"{row.labels:,}", row.labels),
            *_rate_and_timing(row.labels_per_hour, s, row.corrections),
        )


class CodeTimeModel(_StatsModel):
    """One row per coder and code (``CodeStats``)."""

    TEXT_COLUMNS = 3
    HEADERS = (
        "Coder", "Group", "Code", "Sessions", "Labels added", "Labels/hour",
        "Median s", "IQR s", "Timed", "Corrections",
    )  # fmt: skip
    TIPS = (
        "", "", "", "Sessions in which the coder added or removed this code",
        "This code added", "This code's adds over the coder's coding hours",
        _SECONDS_TIP + "; a press counts for the codes it added, else those it removed",
        _SPREAD_TIP, "Presses with a measured duration", "Removals of this code",
    )  # fmt: skip

    def cells(self, row: CodeStats) -> tuple[tuple[str, object], ...]:
        s = row.seconds
        return (
            (row.coder, row.coder),
            (row.group, row.group),
            (row.code, row.code),
            (f"{row.sessions:,}", row.sessions),
            (f"{row.labels:,}", row.labels),
            *_rate_and_timing(row.labels_per_hour, s, row.corrections),
        )
