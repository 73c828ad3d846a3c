"""The report's Coding time tab: the core's coding-time figures for the report's coders, computed
in the report's background job, the done-per-day chart, and a clear message when nothing was
coded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.project import Project
from tests.core.test_coding_time import timed  # noqa: F401  (the core's fixture, reused)
from tests.ui.test_report_window import Jumps, add_copy_coder, open_window
from ui.coding_time_models import CoderTimeModel
from ui.report_coding_time_tab import NO_CODING, NOTHING_TIMED
from ui.report_models import VALUE_ROLE
from ui.report_window import ReportWindow, open_report

MakeProject = Callable[..., Project]


@pytest.fixture
def demo(make_project: MakeProject) -> Project:
    return make_project("demo", demo=True)


def coder_column(model: CoderTimeModel, header: str) -> list[object]:
    col = CoderTimeModel.HEADERS.index(header)
    return [model.index(r, col).data(VALUE_ROLE) for r in range(model.rowCount())]


def assert_shows(window: ReportWindow, project: Project, coders: list[str]) -> None:
    expected = project.coding_stats(coders)
    tab = window.tabs.coding_time_tab
    assert tab.showing_figures
    model = tab.coder_model
    assert coder_column(model, "Coder") == [c.coder for c in expected.coders]
    assert coder_column(model, "Sessions") == [c.sessions for c in expected.coders]
    assert coder_column(model, "Labels added") == [c.labels for c in expected.coders]
    assert coder_column(model, "Corrections") == [c.corrections for c in expected.coders]
    assert coder_column(model, "Coding time") == [c.coding_hours for c in expected.coders]
    assert coder_column(model, "Labels/hour") == [c.labels_per_hour for c in expected.coders]
    assert coder_column(model, "Median s") == [c.seconds.median for c in expected.coders]
    assert coder_column(model, "IQR s") == [c.seconds.iqr for c in expected.coders]
    assert tab.code_model.rowCount() == len(expected.codes)
    assert [tab.code_model.index(r, 2).data() for r in range(tab.code_model.rowCount())] == [
        c.code for c in expected.codes
    ]


def test_the_tab_shows_the_projects_figures_for_the_selected_coders(
    qtbot: object, demo: Project
) -> None:
    window = open_window(qtbot, demo)
    tabs = window.tabs
    assert tabs.tabText(tabs.indexOf(tabs.coding_time_tab)) == "Coding time"
    assert window.coding_time is not None
    assert_shows(window, demo, ["anna", "ben"])
    assert "5 min" in tabs.coding_time_tab.note_label.text()
    # the demo's coders worked key press by key press: their medians are measured and shown
    model = tabs.coding_time_tab.coder_model
    col = CoderTimeModel.HEADERS.index("Median s")
    median = demo.coding_stats(["anna", "ben"]).coders[0].seconds.median
    assert median is not None
    assert model.index(0, col).data() not in ("—", "", None)
    assert float(model.index(0, col).data()) == pytest.approx(median, abs=0.05)
    assert NOTHING_TIMED not in tabs.coding_time_tab.note_label.text()
    hours = demo.coding_stats(["anna", "ben"]).coders[0].coding_hours
    shown = model.index(0, CoderTimeModel.HEADERS.index("Coding time")).data()
    assert shown == f"{round(hours * 60)} min"  # a quarter of an hour is not "0.25"
    window.close()


def test_deselecting_a_coder_recomputes_the_coding_time(qtbot: object, demo: Project) -> None:
    add_copy_coder(demo, "anna", "carol")
    window = open_window(qtbot, demo)
    assert_shows(window, demo, ["anna", "ben", "carol"])
    window.set_coders(["anna", "carol"])
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: window.computed_for == (("anna", "carol"), window.selected_group()),
        timeout=20_000,
    )
    assert_shows(window, demo, ["anna", "carol"])
    model = window.tabs.coding_time_tab.coder_model
    assert coder_column(model, "Coder") == ["anna", "carol"]
    window.close()


def test_one_coder_still_gets_the_coding_time(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    window.set_coders(["ben"])
    tab = window.tabs.coding_time_tab
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: not window.computing and tab.coder_model.rowCount() == 1, timeout=20_000
    )
    assert window.report is None and "two coders" in window.tabs.summary_label.text()
    assert_shows(window, demo, ["ben"])
    window.close()


def test_with_no_coder_chosen_the_tab_asks_for_one_not_two(qtbot: object, demo: Project) -> None:
    from ui.report_window import NO_CODER_CHOSEN

    window = open_window(qtbot, demo)
    window.set_coders([])
    tab = window.tabs.coding_time_tab
    qtbot.waitUntil(lambda: not tab.showing_figures, timeout=5000)  # type: ignore[attr-defined]
    assert tab.message_label.text() == NO_CODER_CHOSEN
    assert "two coders" in window.tabs.summary_label.text()
    window.close()


def test_the_chart_has_one_series_per_coder_of_done_articles_per_day(
    qtbot: object, demo: Project
) -> None:
    window = open_window(qtbot, demo)
    chart = window.tabs.coding_time_tab.done_chart
    done = demo.coding_stats(["anna", "ben"]).done_per_day
    first, last = min(d.day for d in done), max(d.day for d in done)
    days = [(first + timedelta(days=k)).isoformat() for k in range((last - first).days + 1)]
    assert days and list(chart.categories) == days  # every day, idle ones too, in place
    assert [s.name for s in chart.series] == ["anna", "ben"]
    for s in chart.series:
        want = {d.day.isoformat(): d.done for d in done if d.coder == s.name}
        assert s.values == tuple(float(want.get(day, 0)) for day in days)
    window.tabs.setCurrentWidget(window.tabs.coding_time_tab)
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    chart.repaint()
    tips = chart.bar_tips()
    for d in done:
        assert f"{d.day.isoformat()} — {d.coder}: {d.done}" in tips
    window.close()


def test_a_project_with_no_coding_says_so(qtbot: object, make_project: MakeProject) -> None:
    project = make_project("empty")
    project.coder_id("anna")
    project.coder_id("ben")
    window = open_report(None, project, Jumps())
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.set_coders(["anna", "ben"])  # none is checked by default: none has done anything
    qtbot.waitUntil(lambda: window.coding_time is not None, timeout=20_000)  # type: ignore[attr-defined]
    tab = window.tabs.coding_time_tab
    assert not tab.showing_figures
    assert tab.message_label.text() == NO_CODING
    assert tab.coder_model.rowCount() == 0 and not tab.done_chart.series
    window.close()


def test_the_coding_time_models_pass_the_model_tester(
    qtbot: object, qtmodeltester: object, demo: Project
) -> None:
    window = open_window(qtbot, demo)
    tab = window.tabs.coding_time_tab
    for model in (tab.coder_model, tab.code_model):
        qtmodeltester.check(model)  # type: ignore[attr-defined]
    window.close()


def test_timed_presses_show_the_cores_seconds_and_the_days_they_were_done(
    qtbot: object, request: pytest.FixtureRequest
) -> None:
    """The core's hand-worked event log (tests/core/test_coding_time.py): anna's and ben's
    presses have known durations, anna finished articles on two days and ben none, and the
    two share no article done by both (no agreement figures, the coding time still shows)."""
    path: Path = request.getfixturevalue("timed")
    with Project.open(path) as project:
        window = open_report(None, project, Jumps())
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.set_coders(["anna", "ben"])
        qtbot.waitUntil(  # type: ignore[attr-defined]
            lambda: window.coding_time is not None and not window.computing, timeout=20_000
        )
        assert_shows(window, project, ["anna", "ben"])
        model = window.tabs.coding_time_tab.coder_model
        assert coder_column(model, "Median s") == [20.0, 300.0]
        assert model.index(0, CoderTimeModel.HEADERS.index("Median s")).data() == "20.0"
        assert NOTHING_TIMED not in window.tabs.coding_time_tab.note_label.text()
        chart = window.tabs.coding_time_tab.done_chart
        assert list(chart.categories) == ["2026-03-02", "2026-03-03"]
        assert [(s.name, s.values) for s in chart.series] == [
            ("anna", (2.0, 1.0)),
            ("ben", (0.0, 0.0)),
        ]
        window.close()


def test_a_coder_with_no_timed_press_shows_a_dash_not_zero(qtbot: object, tmp_path: Path) -> None:
    """One key press per coder: there is no gap to measure, so no seconds per sentence."""
    from annotator.codebook import default_codebook
    from annotator.imports import ParsedArticle
    from annotator.records import Status

    with Project.create(tmp_path / "one.annotator", codebook=default_codebook()) as project:
        text = "Troops advanced. The ministry denied it."
        aid = project.import_articles([ParsedArticle(text=text, origin="t")]).article_ids[0]
        sentences = project.sentences(aid)
        for coder in ("anna", "ben"):
            project.toggle_command(sentences, project.codebook.codes[0].id, coder).apply(project)
            project.set_status(aid, coder, Status.DONE)
        window = open_window(qtbot, project)
        tab = window.tabs.coding_time_tab
        col = CoderTimeModel.HEADERS.index("Median s")
        assert [tab.coder_model.index(r, col).data() for r in range(2)] == ["—", "—"]
        assert NOTHING_TIMED in tab.note_label.text()
        window.close()


@pytest.mark.parametrize(
    ("hours", "text"),
    [(40 / 3600, "40 s"), (0.2, "12 min"), (85 / 60, "1 h 25 min"), (0.0, "0 s")],
)
def test_coding_time_reads_as_hours_minutes_or_seconds(hours: float, text: str) -> None:
    from ui.coding_time_models import _duration_text

    assert _duration_text(hours) == text
