"""The done-per-day chart (ui/day_chart.py), painted for real offscreen: days sit at their
place on a date axis (idle days are gaps), a zero draws no bar, counts get whole-number ticks."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from pytestqt.qtbot import QtBot

from tests.ui.test_charts import mask_of, render
from ui.day_chart import DayBarChart, integer_ticks

ANNA, BEN = "#0072b2", "#e69f00"
DAY = date(2026, 3, 2)


def make_chart(qtbot: QtBot, counts: dict[str, dict[date, int]]) -> DayBarChart:
    chart = DayBarChart("done per day")
    qtbot.addWidget(chart)
    chart.resize(600, 260)
    chart.set_counts(counts, (ANNA, BEN))
    render(chart)  # paints it (bar_tips and label_step are what the painting found)
    return chart


def bar_centres(pixels: np.ndarray, color: str) -> list[float]:
    """The x centre of each run of columns in which the colour appears (one per bar), in the
    lower half of the image (the legend's colour boxes are at the top)."""
    columns = np.flatnonzero(mask_of(pixels[len(pixels) // 2 :], color).any(axis=0))
    runs = np.split(columns, np.flatnonzero(np.diff(columns) > 1) + 1)
    return [float(run.mean()) for run in runs if len(run)]


def test_idle_days_are_gaps_at_their_place_on_the_date_axis(qtbot: QtBot) -> None:
    days = [DAY, DAY + timedelta(days=1), DAY + timedelta(days=4)]
    chart = make_chart(qtbot, {"anna": {d: 1 for d in days}})
    assert chart.categories == tuple((DAY + timedelta(days=k)).isoformat() for k in range(5))
    first, second, third = bar_centres(render(chart), ANNA)
    assert (third - second) / (second - first) == pytest.approx(3, rel=0.05)


def test_a_day_with_nothing_done_draws_no_bar(qtbot: QtBot) -> None:
    chart = make_chart(qtbot, {"anna": {DAY: 2, DAY + timedelta(days=2): 1}, "ben": {DAY: 1}})
    assert chart.bar_tips() == [
        f"{DAY.isoformat()} — anna: 2",
        f"{DAY.isoformat()} — ben: 1",
        f"{(DAY + timedelta(days=2)).isoformat()} — anna: 1",
    ]
    assert len(bar_centres(render(chart), BEN)) == 1


def test_a_coder_who_finished_nothing_is_in_the_legend_with_no_bars(qtbot: QtBot) -> None:
    chart = make_chart(qtbot, {"anna": {DAY: 1}, "ben": {}})
    assert [s.name for s in chart.series] == ["anna", "ben"]
    assert chart.bar_tips() == [f"{DAY.isoformat()} — anna: 1"]


def test_small_counts_get_whole_number_ticks() -> None:
    assert integer_ticks(0, 1) == [0, 1]
    assert integer_ticks(0, 2) == [0, 1, 2]
    assert integer_ticks(0, 3) == [0, 1, 2, 3]
    for high in (7, 12, 48, 260):
        ticks = integer_ticks(0, high)
        assert all(t == int(t) for t in ticks) and ticks[-1] >= high
        assert 3 <= len(ticks) <= 7


def test_the_chart_uses_whole_number_ticks(qtbot: QtBot) -> None:
    chart = make_chart(qtbot, {"anna": {DAY: 2}})
    assert chart._tick_values(0, 2) == [0, 1, 2]


def test_dates_are_thinned_to_what_fits_a_whole_number_of_days_apart(qtbot: QtBot) -> None:
    chart = make_chart(qtbot, {"anna": {DAY: 1, DAY + timedelta(days=90): 3}})
    assert len(chart.categories) == 91
    assert chart.label_step > 1
    assert chart.label_step in (2, 7, 14, 28)


def test_no_days_shows_no_data(qtbot: QtBot) -> None:
    chart = make_chart(qtbot, {"anna": {}})
    assert chart.categories == () and chart.bar_tips() == []


def test_the_coding_time_tab_puts_a_weekend_off_in_its_place(qtbot: QtBot) -> None:
    """Done on Friday and on Monday: the chart runs over the four days, Saturday and Sunday
    empty, not Friday next to Monday."""
    from annotator.coding_time import CodingStats, DoneDay
    from ui.report_coding_time_tab import CodingTimeTab

    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    tab = CodingTimeTab()
    qtbot.addWidget(tab)
    tab.show_stats(CodingStats((), (), (DoneDay("anna", friday, 2), DoneDay("anna", monday, 1))))
    chart = tab.done_chart
    assert chart.categories == ("2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09")
    assert [s.values for s in chart.series] == [(2.0, 0.0, 0.0, 1.0)]
