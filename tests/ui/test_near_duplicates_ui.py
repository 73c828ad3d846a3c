"""Near-duplicates in the article list: marked, filtered and grouped, and decided from the menu."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.imports import ParsedArticle
from annotator.project import Project
from ui.article_list_model import (
    ARTICLE_ID_ROLE,
    ArticleFilterProxy,
    ArticleListModel,
    Column,
)
from ui.article_list_panel import NEAR_DUPLICATES
from ui.main_window import MainWindow

STORY = (
    "Negotiators from both governments met in Geneva on Tuesday for a third round of talks on a "
    "ceasefire along the eastern front, officials said. The delegations spent six hours "
    "discussing the exchange of prisoners and the opening of humanitarian corridors. A "
    "spokesman said progress had been made but that no agreement had been reached on the "
    "withdrawal of heavy weapons. The envoy said both sides had agreed to meet again next week."
)
OTHER = (
    "Farmers in the valley began the harvest early this year after a dry summer. Prices for "
    "grain rose at the market in the capital, and the ministry promised help for families."
)


def project_with_reprints(tmp_path: Path) -> Path:
    """Articles in id order: a story, another story, a reprint of each."""
    path = tmp_path / "p.annotator"
    folder = tmp_path / "in"
    folder.mkdir()
    texts = {
        "a-story": STORY,
        "b-other": OTHER,
        "c-reprint": "By Staff. " + STORY + " (Wire)",
        "d-reprint": OTHER + " (Wire)",
    }
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    with Project.create(path) as project:
        for name in texts:  # one import per file: ids follow the names
            project.import_paths([folder / f"{name}.txt"])
    return path


def shown_titles(proxy: ArticleFilterProxy) -> list[str]:
    return [str(proxy.index(r, Column.TITLE).data()) for r in range(proxy.rowCount())]


def test_the_near_duplicates_filter_shows_each_group_together(
    tmp_path: Path, qtmodeltester: object
) -> None:
    with Project.open(project_with_reprints(tmp_path)) as project:
        summaries = project.article_summaries(None)
    model = ArticleListModel()
    model.set_summaries(summaries)
    proxy = ArticleFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    proxy.set_near_duplicates(True)
    assert shown_titles(proxy) == ["a story", "c reprint", "b other", "d reprint"]
    qtmodeltester.check(proxy)  # type: ignore[attr-defined]
    proxy.set_near_duplicates(False)
    assert shown_titles(proxy) == ["d reprint", "c reprint", "b other", "a story"]  # sort is back


def test_a_grouped_article_has_a_marker_and_says_so_in_its_tooltip(tmp_path: Path) -> None:
    with Project.open(project_with_reprints(tmp_path)) as project:
        project.import_articles(
            [ParsedArticle(origin="alone", text="A story of its own, like no other.")]
        )
        model = ArticleListModel()
        model.set_summaries(project.article_summaries(None))
    story, alone = model.index(0, Column.TITLE), model.index(4, Column.TITLE)
    assert story.data(Qt.ItemDataRole.DecorationRole) is not None
    assert alone.data(Qt.ItemDataRole.DecorationRole) is None
    assert "near-duplicate (group 1)" in story.data(Qt.ItemDataRole.ToolTipRole)
    assert "near-duplicate" not in alone.data(Qt.ItemDataRole.ToolTipRole)


def test_keeping_one_from_the_menu_marks_the_rest_duplicate(
    make_window: Callable[..., MainWindow], tmp_path: Path, qtbot: QtBot
) -> None:
    window = make_window(project_with_reprints(tmp_path), "carol")
    panel = window.article_list_panel
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(NEAR_DUPLICATES))
    proxy = panel.proxy
    assert proxy.rowCount() == 4
    window.show_article(int(proxy.index(0, 0).data(ARTICLE_ID_ROLE)))
    window.registry["keep_one_duplicate"].trigger()
    reprint = proxy.index(1, Column.TITLE)
    font = reprint.data(Qt.ItemDataRole.FontRole)
    assert font is not None and font.strikeOut()
    assert "marked duplicate" in reprint.data(Qt.ItemDataRole.ToolTipRole)
    assert window.project is not None
    assert window.project.duplicate_article_ids() == {int(reprint.data(ARTICLE_ID_ROLE))}
    window.registry["keep_all_duplicates"].trigger()
    assert window.project.duplicate_article_ids() == set()
    assert proxy.index(1, Column.TITLE).data(Qt.ItemDataRole.FontRole) is None


def test_the_import_report_points_to_the_near_duplicates(tmp_path: Path, qtbot: QtBot) -> None:
    from ui.import_dialog import ImportReportDialog, needs_report

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(STORY, encoding="utf-8")
    (folder / "b.txt").write_text("By Staff. " + STORY, encoding="utf-8")
    with Project.create(tmp_path / "p.annotator") as project:
        report = project.import_paths([folder])
    assert needs_report(report)
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.near_duplicates_label is not None
    assert "2 articles are near-duplicates" in dialog.near_duplicates_label.text()
