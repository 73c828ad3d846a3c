"""The main window and the windows it opens: merges repaint, closing stops work and children."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.adjudication import accept_agreements
from annotator.codebook import Code, default_codebook
from annotator.project import Project
from ui.adjudication_window import AdjudicationWindow
from ui.main_window import MainWindow
from ui.merge_dialog import MergeDialog
from ui.report_window import ReportWindow
from ui.workers import running_jobs

MakeWindow = Callable[..., MainWindow]


def coder_project(tmp_path: Path) -> Path:
    """Another coder's file: a new article and a new code "Sanctions" used on it."""
    book = default_codebook()
    group = book.groups[0]
    sanctions = Code(id="sanctions", name="Sanctions", key="x", color="#123456")
    book = book.model_copy(
        update={"groups": (group.model_copy(update={"codes": (*group.codes, sanctions)}),)}
    )
    text = tmp_path / "embargo.txt"
    text.write_text("Embargo widened\n\nThe union widened its oil embargo on Friday.", "utf-8")
    path = tmp_path / "dora.annotator"
    with Project.create(path, codebook=book) as other:
        other.import_paths([text])
        article = other.article_ids()[0]
        other.add_label(other.sentences(article)[0].id, "Sanctions", "dora")
    return path


def test_a_merge_shows_the_new_article_and_gives_the_new_code_a_key(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot, tmp_path: Path
) -> None:
    other = coder_project(tmp_path)
    window = make_window(demo_path)
    before = window.article_list_model.rowCount()
    window.open_merge()
    dialog = next(c for c in window._children if isinstance(c, MergeDialog))
    dialog.add_paths([other])
    dialog.start_merge()
    qtbot.waitUntil(lambda: window.article_list_model.rowCount() == before + 1, timeout=20_000)
    keys = {a.text(): a.shortcut().toString() for a in window.code_keys.actions}
    assert keys.get("Sanctions") == "X"


def test_closing_the_project_closes_its_windows_and_waits_for_its_writes(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = make_window(demo_path)
    window.open_report()
    window.open_adjudication()
    adjudication = next(c for c in window._children if isinstance(c, AdjudicationWindow))
    report = next(c for c in window._children if isinstance(c, ReportWindow))
    qtbot.waitUntil(lambda: adjudication.loaded, timeout=20_000)
    adjudication.accept_agreements()
    window._close_project()
    assert running_jobs() == []
    assert adjudication.closed and report.closed
    with Project.open(demo_path) as reopened:
        agreements = reopened.reliability_data().n_units - len(reopened.disagreements())
        kept = accept_agreements(reopened, decided_by="check")
    assert kept in (0, agreements)  # one chunk here: written whole or not at all


def test_a_window_of_a_closed_project_cannot_jump(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot, make_project: Callable[..., Project]
) -> None:
    window = make_window(demo_path)
    window.open_report()
    report = next(c for c in window._children if isinstance(c, ReportWindow))
    stale_jump = report.jump
    second = make_project("second", demo=True)
    second_path = second.path
    second.close()
    window.open_project(second_path, "carol")
    shown = window.current_article_id()
    target = window.project.article_ids()[-1] if window.project else None
    assert target is not None and target != shown
    stale_jump(target, 1)
    assert window.current_article_id() == shown
