"""A coder is in the project (and so in the export dialog's and the report's coder lists) from
their first label, status or memo on, not from merely opening the project under their name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from annotator.project import Project
from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def coders_in_file(path: Path) -> list[str]:
    """What the project file holds, read with a fresh connection (not the window's)."""
    with Project.open(path) as p:
        return p.coders()


def export_dialog_coders(qtbot: QtBot, project: Any) -> list[str]:
    from ui.export_dialog import open_export

    dialog = open_export(None, project)
    qtbot.addWidget(dialog)
    return [dialog.coder_list.item(i).text() for i in range(dialog.coder_list.count())]


def test_opening_under_a_new_name_adds_no_coder(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    w = make_window(demo_path, "carol")
    assert "carol" not in coders_in_file(demo_path)
    assert "carol" not in export_dialog_coders(qtbot, w.project)


def test_the_first_label_adds_the_coder_and_shows_as_their_own(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    w = make_window(demo_path, "carol")
    qtbot.waitUntil(lambda: w.sentence_view.hasFocus())
    qtbot.keyClick(w.sentence_view, "m")
    assert "carol" in coders_in_file(demo_path)
    assert "carol" in export_dialog_coders(qtbot, w.project)
    assert w.coder_id is not None
    assert w.coder_id == w.project.coder_id("carol", create=False)


def test_a_first_memo_adds_the_coder(
    make_window: MakeWindow, demo_path: Path, monkeypatch: Any
) -> None:
    import ui.memo_dialog

    monkeypatch.setattr(ui.memo_dialog, "edit_memo", lambda *_a: "worth a second look")
    w = make_window(demo_path, "carol")
    w.edit_article_memo()
    assert "carol" in coders_in_file(demo_path)
    assert w.coder_id is not None


def test_clearing_or_an_empty_memo_adds_no_coder(make_project: Any) -> None:
    project = make_project(demo=True)
    article = project.article_summaries("anna")[0].id
    sentences = list(project.labels(article))
    command = project.clear_command(sentences, "carol")
    assert command.empty
    project.set_memo("carol", article, "")
    assert "carol" not in project.coders()


def test_switching_to_a_new_coder_adds_none(
    make_window: MakeWindow, demo_path: Path, monkeypatch: Any
) -> None:
    w = make_window(demo_path, "anna")
    monkeypatch.setattr(w, "_ask_coder", lambda _known, _current: "dora")
    w.switch_coder()
    assert w.coder == "dora"
    assert "dora" not in coders_in_file(demo_path)
