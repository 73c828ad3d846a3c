"""The report's HTML and PDF exports hold what the window shows: the agreement sections and
the Coding time tab's tables. With one coder chosen (coding time needs one, agreement two)
they are still there to use, and the page has the coding time with the agreement sections
said to be left out."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.imports import read_path
from annotator.project import Project
from tests.ui.test_report_window import open_window
from ui.report_window import ReportWindow


@pytest.fixture
def demo(make_project: object) -> Project:
    return make_project("demo", demo=True)  # type: ignore[operator]


def one_coder_window(qtbot: QtBot, project: Project, coder: str) -> ReportWindow:
    window = open_window(qtbot, project)
    window.set_coders([coder])
    qtbot.waitUntil(lambda: window.coding_for == (coder,) and not window.computing, timeout=20_000)
    return window


def shown_cells(window: ReportWindow) -> list[str]:
    """Every cell of the Coding time tab's two tables, as the tab shows them."""
    tab = window.tabs.coding_time_tab
    return [
        model.index(r, c).data()
        for model in (tab.coder_model, tab.code_model)
        for r in range(model.rowCount())
        for c in range(model.columnCount())
    ]


def test_the_html_export_has_the_coding_time_tables(
    qtbot: QtBot, demo: Project, tmp_path: Path
) -> None:
    window = open_window(qtbot, demo)
    qtbot.waitUntil(lambda: window.coding_time is not None)
    window.export_html(tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>Coefficients</h2>" in page and "<h2>Coding time</h2>" in page
    assert "<th>Labels/hour</th>" in page and "<th>Corrections</th>" in page
    for cell in shown_cells(window):
        assert f">{html.escape(cell)}</td>" in page
    for d in window.coding_time.done_per_day:  # type: ignore[union-attr]
        assert f"<td>{d.day.isoformat()}</td>" in page


def test_with_one_coder_the_html_and_pdf_exports_are_there_to_use(
    qtbot: QtBot, demo: Project
) -> None:
    window = one_coder_window(qtbot, demo, "anna")
    assert window.report is None
    assert window.html_action.isEnabled() and window.pdf_action.isEnabled()
    assert not window.csv_action.isEnabled()  # the coefficients need two coders
    assert not window.dis_csv_action.isEnabled()


def test_a_one_coder_page_has_the_coding_time_and_says_agreement_is_left_out(
    qtbot: QtBot, demo: Project, tmp_path: Path
) -> None:
    window = one_coder_window(qtbot, demo, "anna")
    window.export_html(tmp_path / "anna.html")
    page = (tmp_path / "anna.html").read_text(encoding="utf-8")
    assert "The agreement sections are left out: only anna is chosen" in page
    assert "<h2>Coefficients</h2>" not in page
    assert "<h2>Coding time</h2>" in page and "<td>anna</td>" in page
    for cell in shown_cells(window):
        assert f">{html.escape(cell)}</td>" in page


def test_a_one_coder_pdf_reads_back_with_its_coding_time(
    qtbot: QtBot, demo: Project, tmp_path: Path
) -> None:
    window = one_coder_window(qtbot, demo, "anna")
    out = tmp_path / "anna.pdf"
    window.export_pdf(out)
    (article,) = list(read_path(out))
    text = " ".join(article.text.split())
    assert "Per coder and code" in text and "Articles marked done per day" in text
    assert "agreement sections are left out" in text


def test_with_no_coding_to_show_there_is_nothing_to_export(qtbot: QtBot, demo: Project) -> None:
    window = open_window(qtbot, demo)
    window.set_coders([])
    qtbot.waitUntil(lambda: not window.html_action.isEnabled(), timeout=5000)
    assert not window.pdf_action.isEnabled()
