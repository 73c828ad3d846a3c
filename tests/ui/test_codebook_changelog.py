"""The codebook changelog and publishing a version, driven by keys as a user would: real
project files, real widgets (pytest-qt)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from annotator import Project
from annotator.storage import tables as t
from annotator.storage.models import utcnow
from annotator.storage.unit_of_work import write_session
from ui.codebook_changelog_dialog import (
    CodebookChangelogDialog,
    PublishCodebookDialog,
    VersionTableModel,
)

MakeProject = Callable[..., Project]


def edit(project: Project, summary: str) -> None:
    """A codebook_event row as the codebook editor writes it (after_json["summary"])."""
    with write_session(project.engine) as s:
        s.execute(
            t.codebook_event.insert().values(
                at=utcnow(),
                by="lead",
                action="rename",
                after_json=json.dumps({"summary": summary}),
                version=project.codebook_version,
            )
        )


@pytest.fixture
def project(make_project: MakeProject) -> Project:
    p = make_project("p")
    edit(p, "renamed code Denial to Rejection")
    p.publish_codebook("Denial is now Rejection", by="lead")
    edit(p, "added code Threat")
    return p


def test_the_changelog_lists_versions_newest_first_and_shows_what_one_changed(
    qtbot: QtBot, project: Project, qtmodeltester: object
) -> None:
    dialog = CodebookChangelogDialog(project)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    qtmodeltester.check(dialog.model)  # type: ignore[attr-defined]
    m = dialog.model
    rows = [[m.index(r, c).data() for c in (0, 2, 3)] for r in range(m.rowCount())]
    assert rows == [["2", "lead", "Denial is now Rejection"], ["1", "", "first version"]]
    assert dialog.changes_model.stringList() == ["renamed code Denial to Rejection"]
    assert "1 change not published yet" in dialog.pending.text()
    assert "version <b>2</b>" in dialog.heading.text()
    assert dialog.table.hasFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    assert dialog.selected_version() is not None
    assert dialog.selected_version().number == 1  # type: ignore[union-attr]
    assert dialog.changes_model.stringList() == ["the codebook as first recorded"]
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_publishing_needs_a_note_shows_the_changes_and_publishes_with_enter(
    qtbot: QtBot, project: Project
) -> None:
    dialog = PublishCodebookDialog(project, "carol")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.changes_view.model().index(0, 0).data() == "added code Threat"
    assert dialog.note.hasFocus()
    assert not dialog.publish_button.isEnabled()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)  # an empty note: refused, and said why
    assert project.codebook_version == 2 and "note" in dialog.message.text()
    qtbot.keyClicks(dialog.note, "Threat added")
    assert dialog.publish_button.isEnabled()
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.published is not None and dialog.published.number == 3
    latest = project.codebook_versions()[-1]
    assert (latest.note, latest.published_by, latest.changes) == (
        "Threat added",
        "carol",
        ("added code Threat",),
    )


def test_with_nothing_changed_publishing_asks_to_tick_publish_anyway(
    qtbot: QtBot, make_project: MakeProject
) -> None:
    p = make_project("q")
    dialog = PublishCodebookDialog(p, "carol")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.note, "same codes, new round")
    assert dialog.force.isVisible() and not dialog.publish_button.isEnabled()
    dialog.force.setChecked(True)
    dialog.publish()
    assert p.codebook_version == 2


def test_the_codebook_menu_offers_changelog_publish_and_manual(
    make_window: Callable[..., object], demo_path: Path
) -> None:
    window = make_window(demo_path)
    menus = {m.title(): m for m in window.menuBar().findChildren(QMenu)}  # type: ignore[attr-defined]
    texts = [a.text() for a in menus["Code&book"].actions() if a.text()]
    assert texts == [
        "&Edit codebook…",
        "Load &codebook…",
        "Codebook &changelog…",
        "&Publish codebook version…",
        "Write coders' &manual…",
    ]
    window.registry["codebook_changelog"].trigger()  # type: ignore[attr-defined]
    dialog = window.changelog_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, CodebookChangelogDialog) and dialog.isVisible()
    assert isinstance(dialog.model, VersionTableModel) and dialog.model.rowCount() >= 1
    dialog.close()


def test_the_agreement_report_says_which_versions_its_labels_span(
    qtbot: QtBot, make_project: MakeProject
) -> None:
    from ui.report_window import open_report

    demo = make_project("demo", demo=True)
    window = open_report(None, demo, lambda _a, _s: None)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.report is not None, timeout=20_000)
    assert "labels made under codebook version 1." in window.tabs.summary_label.text()


def test_the_report_can_count_only_the_labels_of_one_codebook_version(
    qtbot: QtBot, make_project: MakeProject
) -> None:
    from ui.report_window import open_report

    demo = make_project("demo", demo=True)
    demo.publish_codebook("second round", force=True)
    article = demo.article_ids()[0]
    sentence = demo.sentences(article)[0].id
    demo.add_label(sentence, demo.codebook.groups[0].codes[0].name, "anna")  # under version 2
    window = open_report(None, demo, lambda _a, _s: None)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.report is not None, timeout=20_000)
    assert window.report.codebook_versions == (1, 2)  # type: ignore[union-attr]
    assert "codebook versions 1-2" in window.tabs.summary_label.text()
    combo = window.selector_panel.version_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "every version",
        "version 2 only",
        "version 1 only",
    ]
    window.report = None
    combo.setCurrentIndex(2)
    qtbot.waitUntil(lambda: window.report is not None, timeout=20_000)
    assert window.report.codebook_versions == (1,)  # type: ignore[union-attr]
    assert "codebook version 1." in window.tabs.summary_label.text()
