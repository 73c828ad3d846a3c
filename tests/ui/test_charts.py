"""The bar chart of the agreement report (ui/charts.py), painted for real, offscreen.

What it draws is checked in two ways: the tooltips of the painted bars (``bar_tips``, what a
screen reader or a hovering user is told), and the pixels of the rendered image (bar heights,
colours, threshold lines, the legend).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QImage, QPalette
from PySide6.QtWidgets import QToolTip
from pytestqt.qtbot import QtBot

from annotator.agreement import AgreementReport, compute_report
from annotator.project import Project
from annotator.reliability import reliability_with_disagreements
from ui.charts import BarChart, Series, Threshold, _elide_lines, _tick_label, _ticks
from ui.report_models import code_frequencies, value_text

WIDTH, HEIGHT = 520, 260
RED, GREEN, BLUE = "#d00000", "#00a000", "#0000d0"


def make_chart(qtbot: QtBot, title: str = "") -> BarChart:
    chart = BarChart(title)
    qtbot.addWidget(chart)
    chart.resize(WIDTH, HEIGHT)
    return chart


def render(chart: BarChart) -> np.ndarray:
    """Paint the chart into an image and return its pixels as an (height, width, 3) RGB array."""
    image = QImage(chart.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    chart.render(image)
    h, w = image.height(), image.width()
    raw = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(h, image.bytesPerLine())
    bgra = raw[:, : w * 4].reshape(h, w, 4)
    return bgra[..., [2, 1, 0]].copy()


def mask_of(pixels: np.ndarray, color: str) -> np.ndarray:
    """Where the image has exactly this colour (bar interiors are filled without blending)."""
    c = QColor(color)
    return np.all(pixels == (c.red(), c.green(), c.blue()), axis=-1)


def tinted(pixels: np.ndarray, color: str, base: tuple[int, int, int]) -> np.ndarray:
    """Where a pixel is mostly this colour blended over the background (antialiased lines):
    on the way from background to colour, past halfway, and close to that way."""
    c = QColor(color)
    target = np.array((c.red(), c.green(), c.blue()), dtype=float)
    bg = np.array(base, dtype=float)
    way = target - bg
    offset = pixels.astype(float) - bg
    share = offset @ way / (way @ way)
    off_the_way = np.linalg.norm(offset - share[..., None] * way, axis=-1)
    return (share > 0.5) & (off_the_way < 40)


def bar_height(pixels: np.ndarray, color: str) -> int:
    """Rows in which the colour appears: a bar's height in pixels."""
    return int(mask_of(pixels, color).any(axis=1).sum())


def background(chart: BarChart) -> tuple[int, int, int]:
    c = chart.palette().color(QPalette.ColorRole.Base)
    return c.red(), c.green(), c.blue()


# -- no data ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("categories", "series"),
    [([], []), (["a", "b"], []), ([], [Series("s", (0.5,))])],
    ids=["nothing", "categories without series", "series without categories"],
)
def test_a_chart_with_nothing_to_show_says_no_data_and_draws_no_bars(
    qtbot: QtBot, categories: list[str], series: list[Series]
) -> None:
    chart = make_chart(qtbot)
    chart.set_data(categories, series)
    pixels = render(chart)
    assert chart.bar_tips() == []
    drawn = np.any(pixels != background(chart), axis=-1)
    assert drawn.any(), "the words 'No data' are painted"
    ys, xs = np.nonzero(drawn)
    # the text sits in the middle of the widget, not in a corner
    assert abs(xs.mean() - WIDTH / 2) < WIDTH / 8
    assert abs(ys.mean() - HEIGHT / 2) < HEIGHT / 8


def test_a_new_chart_holds_no_data(qtbot: QtBot) -> None:
    chart = make_chart(qtbot, "Title")
    assert chart.categories == () and chart.series == () and chart.thresholds == ()
    assert chart.y_range is None
    render(chart)
    assert chart.bar_tips() == []


def test_emptying_a_chart_removes_the_bars_it_drew_before(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a"], [Series("s", (0.5,), RED)])
    assert bar_height(render(chart), RED) > 0
    chart.set_data([], [])
    pixels = render(chart)
    assert chart.bar_tips() == []
    assert bar_height(pixels, RED) == 0


# -- bars -------------------------------------------------------------------------------------


def test_each_category_gets_a_bar_whose_tooltip_gives_its_value(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["Denial", "Attack", "Neutral"], [Series("α", (0.25, 0.5, 1.0))])
    render(chart)
    assert chart.bar_tips() == ["Denial: 0.250", "Attack: 0.500", "Neutral: 1.000"]


def test_bar_heights_are_proportional_to_the_values(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a", "b", "c"], [Series("s", (0.2, 0.4, 0.8), bar_colors=(RED, GREEN, BLUE))])
    pixels = render(chart)
    small, middle, large = (bar_height(pixels, c) for c in (RED, GREEN, BLUE))
    assert small > 5
    assert middle / small == pytest.approx(2.0, rel=0.15)
    assert large / small == pytest.approx(4.0, rel=0.15)


def test_the_largest_value_uses_most_of_the_chart_height(qtbot: QtBot) -> None:
    """Only the title and the two lines of category labels are kept free of the plot."""
    chart = make_chart(qtbot)
    chart.set_data(["a"], [Series("s", (1.0,), RED)], y_range=(0.0, 1.0))
    line = QFontMetrics(chart.font()).height()
    assert bar_height(render(chart), RED) >= HEIGHT - 4 * line - 20


def test_bars_run_left_to_right_in_category_order(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a", "b", "c"], [Series("s", (0.5, 0.5, 0.5), bar_colors=(RED, GREEN, BLUE))])
    pixels = render(chart)
    centres = [np.nonzero(mask_of(pixels, c).any(axis=0))[0].mean() for c in (RED, GREEN, BLUE)]
    assert centres == sorted(centres)
    # all three stand on the same zero line
    bottoms = [np.nonzero(mask_of(pixels, c).any(axis=1))[0].max() for c in (RED, GREEN, BLUE)]
    assert max(bottoms) - min(bottoms) <= 1


def test_a_negative_value_hangs_below_the_zero_line(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["up", "down"], [Series("s", (0.5, -0.5), bar_colors=(GREEN, RED))])
    pixels = render(chart)
    up_rows = np.nonzero(mask_of(pixels, GREEN).any(axis=1))[0]
    down_rows = np.nonzero(mask_of(pixels, RED).any(axis=1))[0]
    assert up_rows.max() < down_rows.min(), "the negative bar starts where the positive one ends"
    assert len(down_rows) == pytest.approx(len(up_rows), abs=2)
    assert chart.bar_tips() == ["up: 0.500", "down: -0.500"]


def test_an_undefined_value_is_marked_not_drawn_as_zero(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a", "b"], [Series("α", (None, 0.7), bar_colors=(RED, GREEN))])
    pixels = render(chart)
    assert chart.bar_tips() == ["a: undefined", "b: 0.700"]
    assert bar_height(pixels, RED) == 0, "no bar in the colour of the undefined value"
    assert bar_height(pixels, GREEN) > 0


def test_a_series_shorter_than_the_categories_leaves_the_rest_undefined(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a", "b", "c"], [Series("s", (0.3,))])
    render(chart)
    assert chart.bar_tips() == ["a: 0.300", "b: undefined", "c: undefined"]


def test_the_value_format_decides_how_values_are_told(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["anna", "ben"], [Series("Denial", (12.0, 7.0))], value_format="{:.0f}")
    render(chart)
    assert chart.bar_tips() == ["anna: 12", "ben: 7"]


def test_bars_take_the_series_colour_unless_each_bar_has_its_own(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a", "b"], [Series("s", (0.5, 0.5), color=BLUE)])
    assert bar_height(render(chart), BLUE) > 0
    chart.set_data(["a", "b"], [Series("s", (0.5, 0.5), color=BLUE, bar_colors=(RED, GREEN))])
    pixels = render(chart)
    assert bar_height(pixels, BLUE) == 0
    assert bar_height(pixels, RED) > 0 and bar_height(pixels, GREEN) > 0


# -- several series ---------------------------------------------------------------------------


def test_several_series_are_grouped_per_category_and_named_in_the_tooltip(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(
        ["anna", "ben"],
        [Series("Denial", (3.0, 4.0), RED), Series("Attack", (5.0, 1.0), BLUE)],
        value_format="{:.0f}",
    )
    pixels = render(chart)
    assert len(chart.series) == 2
    assert chart.bar_tips() == [
        "anna — Denial: 3",
        "anna — Attack: 5",
        "ben — Denial: 4",
        "ben — Attack: 1",
    ]
    # a red and a blue bar in the left half (anna) and in the right half (ben)
    for half in (pixels[:, : WIDTH // 2], pixels[:, WIDTH // 2 :]):
        assert mask_of(half, RED).any() and mask_of(half, BLUE).any()


def test_several_series_get_a_legend_one_series_does_not(qtbot: QtBot) -> None:
    """The legend shows a swatch in each series' colour above the plot; with one series the
    title says what the bars are and no swatch is drawn."""
    chart = make_chart(qtbot)
    chart.set_data(["a"], [Series("one", (None,), RED)])
    assert not mask_of(render(chart), RED).any()
    chart.set_data(["a"], [Series("one", (None,), RED), Series("two", (None,), BLUE)])
    pixels = render(chart)
    line = QFontMetrics(chart.font()).height()
    legend_band = pixels[: 6 + 2 * line]
    assert mask_of(legend_band, RED).any() and mask_of(legend_band, BLUE).any()


# -- axis and thresholds ----------------------------------------------------------------------


def test_a_threshold_is_a_line_across_the_plot_at_its_value(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(
        ["a"],
        [Series("s", (0.8,), GREEN)],
        [Threshold(0.8, ".800", RED)],
        y_range=(0.0, 1.0),
    )
    pixels = render(chart)
    red_rows = np.nonzero(tinted(pixels, RED, background(chart)).sum(axis=1) > WIDTH // 4)[0]
    assert len(red_rows) > 0, "a long red line is drawn"
    green_rows = np.nonzero(mask_of(pixels, GREEN).any(axis=1))[0]
    # the bar of value .8 reaches the .8 line
    assert abs(int(green_rows.min()) - int(red_rows.mean())) <= 3


def test_the_y_range_widens_the_axis_so_bars_of_different_charts_compare(qtbot: QtBot) -> None:
    """With y_range (0, 1) a value of .5 fills half the plot, whatever the largest value is."""
    alone = make_chart(qtbot)
    alone.set_data(["a"], [Series("s", (0.5,), RED)])
    fixed = make_chart(qtbot)
    fixed.set_data(["a"], [Series("s", (0.5,), RED)], y_range=(0.0, 1.0))
    full, half = bar_height(render(alone), RED), bar_height(render(fixed), RED)
    assert half / full == pytest.approx(0.5, rel=0.1)


def test_the_y_range_never_hides_a_value_outside_it(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a", "b"], [Series("s", (-0.5, 0.5), bar_colors=(RED, GREEN))], (), (0.0, 1.0))
    pixels = render(chart)
    assert bar_height(pixels, RED) > 0, "the negative bar is on the chart"
    assert bar_height(pixels, RED) == pytest.approx(bar_height(pixels, GREEN), abs=2)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0.0, 12.0, [0.0, 2.5, 5.0, 7.5, 10.0, 12.5]),
        (0.0, 40.0, [0.0, 10.0, 20.0, 30.0, 40.0]),
        (-0.5, 1.0, [-0.5, 0.0, 0.5, 1.0]),
        (0.0, 0.5, [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]),
    ],
)
def test_ticks_cover_the_range_in_round_steps(
    low: float, high: float, expected: list[float]
) -> None:
    ticks = _ticks(low, high)
    assert ticks == pytest.approx(expected)
    assert ticks[0] <= low and ticks[-1] >= high


@pytest.mark.parametrize(
    ("value", "label"), [(0.0, "0"), (0.2, "0.2"), (0.25, "0.25"), (1.0, "1"), (12.5, "12.5")]
)
def test_tick_labels_drop_trailing_zeros(value: float, label: str) -> None:
    assert _tick_label(value) == label


# -- labels and tooltips ----------------------------------------------------------------------


def test_a_long_category_name_takes_at_most_two_lines_and_is_elided(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    fm = QFontMetrics(chart.font())
    name = "A very long code name that cannot possibly fit below one narrow bar"
    width = fm.horizontalAdvance("A very long code")
    shown = _elide_lines(fm, name, width)
    lines = shown.split("\n")
    assert len(lines) == 2
    assert all(fm.horizontalAdvance(line) <= width for line in lines)
    assert lines[1].endswith("…")
    assert _elide_lines(fm, "Denial", width) == "Denial"


def test_hovering_a_bar_shows_its_tooltip(qtbot: QtBot) -> None:
    chart = make_chart(qtbot)
    chart.set_data(["a"], [Series("s", (1.0,), RED)])
    chart.show()
    qtbot.waitExposed(chart)
    pixels = render(chart)
    ys, xs = np.nonzero(mask_of(pixels, RED))
    inside = QPoint(int(xs.mean()), int(ys.mean()))
    event = QHelpEvent(QEvent.Type.ToolTip, inside, chart.mapToGlobal(inside))
    assert chart.event(event)
    assert QToolTip.text() == "a: 1.000"
    outside = QPoint(2, 2)  # the top-left corner, away from the bar
    chart.event(QHelpEvent(QEvent.Type.ToolTip, outside, chart.mapToGlobal(outside)))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=3000)


# -- with a real agreement report -------------------------------------------------------------


@pytest.fixture
def demo_report(make_project: Callable[..., Project]) -> AgreementReport:
    """The demo project's agreement between anna and ben on its first code group."""
    project = make_project("demo", demo=True)
    group = project.codebook.groups[0].name
    data, _rows = reliability_with_disagreements(project, ["anna", "ben"], group)
    return compute_report(data, bootstrap=0)


def test_the_alpha_per_code_of_a_real_report_is_drawn_bar_by_bar(
    qtbot: QtBot, demo_report: AgreementReport
) -> None:
    codes = list(demo_report.per_code)
    alphas = tuple(demo_report.per_code[c]["krippendorff_alpha"].value for c in codes)
    assert codes and any(a is not None for a in alphas)
    chart = make_chart(qtbot, "Krippendorff's α per code")
    chart.set_data(
        [value_text(c) for c in codes],
        [Series("α", alphas)],
        [Threshold(0.667, ".667", "#b26b00"), Threshold(0.8, ".800", "#17692e")],
        y_range=(0.0, 1.0),
    )
    pixels = render(chart)
    expected = [
        f"{value_text(c)}: " + ("undefined" if a is None else f"{a:.3f}")
        for c, a in zip(codes, alphas, strict=True)
    ]
    assert chart.bar_tips() == expected
    assert bar_height(pixels, "#0072b2") > 0, "the bars are in the default series colour"
    reliable_line = tinted(pixels, "#17692e", background(chart)).sum(axis=1)
    assert reliable_line.max() > WIDTH // 4, "the .800 line is drawn across the plot"


def test_the_code_frequencies_of_a_real_report_are_drawn_per_coder(
    qtbot: QtBot, demo_report: AgreementReport
) -> None:
    codes, per_coder = code_frequencies(demo_report)
    coders = list(per_coder)
    assert coders == ["anna", "ben"] and codes
    chart = make_chart(qtbot, "Sentences given each code, per coder")
    chart.set_data(
        coders,
        [
            Series(code, tuple(float(per_coder[c][k]) for c in coders))
            for k, code in enumerate(codes)
        ],
        value_format="{:.0f}",
    )
    pixels = render(chart)
    assert len(chart.bar_tips()) == len(coders) * len(codes)
    for coder in coders:
        for k, code in enumerate(codes):
            assert f"{coder} — {code}: {per_coder[coder][k]}" in chart.bar_tips()
    assert np.any(pixels != background(chart), axis=-1).mean() > 0.01, "the chart is not blank"
