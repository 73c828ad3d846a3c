"""Importing from the window: choosing paths, the background import, cancelling, the report."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
)
from pytestqt.qtbot import QtBot

from annotator import Project
from annotator.records import ImportReport
from ui.import_dialog import ImportDialog, ImportReportDialog, run_import

PLACES = ["Kyiv", "Kharkiv", "Odesa", "Kherson", "Brussels", "Geneva"]
EVENTS = ["drone attack", "ceasefire proposal", "aid package", "prisoner exchange"]


def news(rng: random.Random, n_sentences: int, tag: str) -> str:
    """Wire-style text, unique per tag so no two files are duplicates."""
    out = [f"Report {tag}."]
    for i in range(n_sentences):
        out.append(
            f"Officials in {rng.choice(PLACES)} said the {rng.choice(EVENTS)} on day {i} "
            f"involved {rng.randint(2, 900)} people."
        )
    return " ".join(out)


@pytest.fixture
def window(qtbot: QtBot) -> QMainWindow:
    win = QMainWindow()
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Project:
    return make_project("imports")


def write_texts(folder: Path, n: int, sentences: int = 5, seed: int = 1) -> list[Path]:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"article{i:04d}.txt"
        path.write_text(news(rng, sentences, f"{seed}-{i}"), encoding="utf-8")
        paths.append(path)
    return paths


# -- the dialog -----------------------------------------------------------------------------


def test_import_button_waits_for_a_path(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    ok = dialog.button_box.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    dialog.add_paths([tmp_path / "a.txt", tmp_path / "a.txt", tmp_path])
    assert ok.isEnabled()
    assert dialog.paths() == [tmp_path / "a.txt", tmp_path]


def test_blank_column_fields_mean_auto_detect(qtbot: QtBot) -> None:
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.option_edits["text_column"], " body ")
    qtbot.keyClicks(dialog.option_edits["date_column"], "published")
    options = dialog.options()
    assert options.text_column == "body"
    assert options.date_column == "published"
    assert options.title_column is None and options.source_column is None
    assert options.url_column is None


def test_dropped_files_are_added(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    files = write_texts(tmp_path, 2)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
    event = QDropEvent(
        QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    dialog.dropEvent(event)
    assert dialog.paths() == files


def test_remove_takes_the_selected_paths_out(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportDialog(paths=[tmp_path / "a.txt", tmp_path / "b.txt"])
    qtbot.addWidget(dialog)
    dialog.path_view.setCurrentIndex(dialog.path_view.model().index(0, 0))
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.paths() == [tmp_path / "b.txt"]


# -- running an import ----------------------------------------------------------------------


def test_import_of_given_paths_adds_articles_and_reports_in_the_status_bar(
    qtbot: QtBot, window: QMainWindow, project: Project, tmp_path: Path
) -> None:
    files = write_texts(tmp_path / "in", 3)
    reports: list[ImportReport] = []
    run_import(window, project, files, reports.append)
    qtbot.waitUntil(lambda: bool(reports), timeout=10_000)
    report = reports[0]
    assert report.imported == 3
    assert sorted(report.article_ids) == project.article_ids()
    assert report.sentences == sum(len(project.sentences(a)) for a in report.article_ids)
    assert "3 articles imported" in window.statusBar().currentMessage()
    assert window.findChild(ImportReportDialog) is None  # plain success: no dialog


def test_duplicates_and_bad_files_are_shown_in_a_report(
    qtbot: QtBot, qtmodeltester: object, window: QMainWindow, project: Project, tmp_path: Path
) -> None:
    files = write_texts(tmp_path / "in", 2)
    project.import_paths(files[:1])
    copy = tmp_path / "in" / "copy.txt"
    copy.write_bytes(files[0].read_bytes())
    unsupported = tmp_path / "in" / "notes.doc"  # Word 97: not read, "save it as .docx"
    unsupported.write_bytes(b"\xd0\xcf\x11\xe0 not read")
    reports: list[ImportReport] = []
    run_import(window, project, [*files, copy, unsupported], reports.append)
    qtbot.waitUntil(lambda: bool(reports), timeout=10_000)
    dialog = window.findChild(ImportReportDialog)
    assert isinstance(dialog, ImportReportDialog)
    (new_id,) = reports[0].article_ids
    n = len(project.sentences(new_id))
    assert dialog.summary_label.text() == f"1 article imported ({n} sentences)."
    assert dialog.duplicates_view is not None
    assert len(dialog.duplicates_view.toPlainText().splitlines()) == 2
    model = dialog.problems_model
    assert model.rowCount() == len(reports[0].problems) >= 1
    assert "notes.doc" in model.index(0, 0).data()
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    dialog.close()


def test_report_lists_how_many_articles_each_export_held(qtbot: QtBot, tmp_path: Path) -> None:
    report = ImportReport(imported=12, sentences=40)
    report.articles_per_file = {"nexis.docx": 10, "corpus.csv": 2}
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.per_file_view is not None
    assert dialog.per_file_view.toPlainText() == "nexis.docx: 10 articles\ncorpus.csv: 2 articles"


def test_chosen_paths_and_table_columns_are_used(
    qtbot: QtBot, window: QMainWindow, project: Project, tmp_path: Path
) -> None:
    table = tmp_path / "articles.csv"
    rng = random.Random(3)
    with table.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["headline", "body"])
        for i in range(4):
            writer.writerow([f"Headline {i}", news(rng, 3, f"row{i}")])
    reports: list[ImportReport] = []
    run_import(window, project, None, reports.append)
    dialog = window.findChild(ImportDialog)
    assert isinstance(dialog, ImportDialog)
    dialog.add_paths([table])
    qtbot.keyClicks(dialog.option_edits["text_column"], "body")
    qtbot.keyClicks(dialog.option_edits["title_column"], "headline")
    qtbot.mouseClick(
        dialog.button_box.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: bool(reports), timeout=10_000)
    assert reports[0].imported == 4
    titles = sorted(a.title for a in project.article_summaries())
    assert titles == [f"Headline {i}" for i in range(4)]


def test_cancelling_the_chooser_imports_nothing(
    qtbot: QtBot, window: QMainWindow, project: Project, tmp_path: Path
) -> None:
    reports: list[ImportReport] = []
    run_import(window, project, None, reports.append)
    dialog = window.findChild(ImportDialog)
    assert isinstance(dialog, ImportDialog)
    dialog.add_paths(write_texts(tmp_path / "in", 1))
    dialog.button_box.button(QDialogButtonBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: window.findChild(ImportDialog) is None)
    assert window.findChild(QProgressDialog) is None
    assert reports == [] and project.article_ids() == []


def test_cancelled_import_leaves_the_project_unchanged_and_says_so(
    qtbot: QtBot, window: QMainWindow, project: Project, tmp_path: Path
) -> None:
    before = write_texts(tmp_path / "before", 2, seed=7)
    project.import_paths(before)
    ids_before = project.article_ids()
    # ~6 MB: more than one committed batch, so the core must remove what it already wrote.
    files = write_texts(tmp_path / "big", 300, sentences=220)
    reports: list[ImportReport] = []
    run_import(window, project, files, reports.append)
    progress = window.findChild(QProgressDialog)
    assert isinstance(progress, QProgressDialog)
    qtbot.waitUntil(lambda: len(project.article_ids()) > len(ids_before), timeout=30_000)
    cancel = next(b for b in progress.findChildren(QPushButton) if b.text() == "Cancel")
    cancel.click()

    def told() -> bool:
        return any(b.windowTitle() == "Import cancelled" for b in window.findChildren(QMessageBox))

    qtbot.waitUntil(told, timeout=30_000)
    assert reports == []
    assert project.article_ids() == ids_before
    assert "nothing was changed" in window.statusBar().currentMessage()


def test_read_only_project_is_refused_before_asking_for_files(
    qtbot: QtBot, window: QMainWindow, project: Project, tmp_path: Path
) -> None:
    path = project.path
    project.close()
    with Project.open(path, read_only=True) as read_only:
        run_import(window, read_only, None, lambda _r: None)
        assert window.findChild(ImportDialog) is None
        boxes = window.findChildren(QMessageBox)
        assert any("read-only" in b.text() for b in boxes)
        for b in boxes:
            b.close()


def test_a_chosen_table_is_previewed_with_the_role_of_each_column(
    qtbot: QtBot, tmp_path: Path
) -> None:
    table = tmp_path / "articles.csv"
    table.write_text("headline,body,outlet\nTroops cross,Troops crossed.,Wire\n", encoding="utf-8")
    dialog = ImportDialog(None)
    qtbot.addWidget(dialog)
    dialog.add_paths([table])
    model = dialog.preview_panel.model
    qtbot.waitUntil(lambda: model.columnCount() == 3)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert headers == ["headline — title", "body — text", "outlet — source"]
    assert model.index(0, 1).data() == "Troops crossed."
    qtbot.keyClicks(dialog.option_edits["text_column"], "headline")
    qtbot.waitUntil(
        lambda: model.headerData(0, Qt.Orientation.Horizontal) == "headline — text, title"
    )
    qtbot.keyClicks(dialog.option_edits["title_column"], "nosuch")
    qtbot.waitUntil(lambda: "nosuch" in dialog.preview_panel.status.text())
