"""The window and codebook changes: a preview before a load, and changes made by another program.

Loading a codebook used to replace it at once; `annotator codebook import` run while the window
was open left the old names and keys in place (new keys did nothing) until a restart.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

import ui.codebook_preview_dialog as preview
from annotator.codebook import dump_codebook_yaml
from annotator.project import Project
from annotator.records import CodebookChanges
from tests.core.test_codebook_preview import edited_codebook
from ui.codebook_preview_dialog import CodebookPreviewDialog
from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def codebook_file(tmp_path: Path, **edits: object) -> Path:
    path = tmp_path / "edited.yaml"
    path.write_text(dump_codebook_yaml(edited_codebook(**edits)), "utf-8")  # type: ignore[arg-type]
    return path


def code_names(window: MainWindow) -> list[str]:
    model = window.codebook_panel.model
    group = model.index(0, 0)
    return [model.index(r, 0, group).data() for r in range(model.rowCount(group))]


class Previews:
    """Stands in for the preview dialog: answers Load unless told otherwise, and records what
    it was shown."""

    def __init__(self) -> None:
        self.answer = True
        self.seen: list[tuple[str, CodebookChanges]] = []

    def __call__(self, _parent: object, source: str, changes: CodebookChanges) -> bool:
        self.seen.append((source, changes))
        return self.answer


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> Previews:
    stand_in = Previews()
    monkeypatch.setattr(preview, "confirm_codebook_load", stand_in)
    return stand_in


def test_cancelling_the_preview_keeps_the_codebook(
    make_window: MakeWindow,
    demo_path: Path,
    tmp_path: Path,
    previews: Previews,
) -> None:
    window = make_window(demo_path, "anna")
    before = code_names(window)
    previews.answer = False
    window.load_codebook(
        codebook_file(tmp_path, drop={"Denial"}, rename={"Military action": "Armed"})
    )
    source, changes = previews.seen[0]
    assert source == "edited.yaml"
    assert changes.deactivated == ["Denial"] and changes.renamed == [("Military action", "Armed")]
    assert changes.hidden_labels["Denial"] > 0
    assert code_names(window) == before
    with Project.open(demo_path) as p:
        assert p.codebook.code("Denial") is not None


def test_loading_after_the_preview_hides_the_code_and_its_labels_from_progress(
    make_window: MakeWindow,
    demo_path: Path,
    tmp_path: Path,
    previews: Previews,
) -> None:
    window = make_window(demo_path, "anna")
    with Project.open(demo_path) as p:
        aid = window.current_article_id()
        denial_only = [
            sid
            for sid, pairs in p.labels(aid, ["anna"]).items()  # type: ignore[arg-type]
            if {code for _c, code in pairs} == {"Denial"}
        ]
    assert denial_only, "the demo's first article has sentences coded only Denial"
    coded_before = window.sentence_model.n_coded()
    window.load_codebook(codebook_file(tmp_path, drop={"Denial"}))
    assert len(previews.seen) == 1
    assert "Denial" not in code_names(window)
    assert window.sentence_model.n_coded() == coded_before - len(denial_only)
    summary = window.article_list_model.summary_of(aid)  # type: ignore[arg-type]
    assert summary is not None and summary.n_coded == coded_before - len(denial_only)


def test_the_preview_dialog_lists_added_removed_renamed_and_hidden_labels(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    changes = CodebookChanges(
        added=["Casualty report"],
        updated=["Armed action", "Diplomatic claim"],
        deactivated=["Denial"],
        renamed=[("Military action", "Armed action")],
        hidden_labels={"Denial": 12},
        renamed_labels={"Armed action": 30},
    )
    dialog = CodebookPreviewDialog(None, "edited.yaml", changes)
    qtbot.addWidget(dialog)
    text = dialog.body.toPlainText()
    assert "Added (1)" in text and "Casualty report" in text
    assert "Removed (1)" in text and "Denial — 12 labels hidden" in text
    assert "Renamed (1)" in text and "Military action → Armed action (30 labels)" in text
    QTimer.singleShot(0, dialog.load_button.click)
    assert dialog.exec() == dialog.DialogCode.Accepted


def import_codebook_elsewhere(project: Path, codebook: Path) -> None:
    """`annotator codebook import` in a process of its own, as a coder would run it."""
    subprocess.run(
        [sys.executable, "-m", "annotator", "codebook", "import", str(project), str(codebook)],
        check=True,
        capture_output=True,
    )


def test_the_window_follows_a_codebook_imported_by_another_process(
    make_window: MakeWindow, demo_path: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    window = make_window(demo_path, "carol")
    window.codebook_watch.timer.setInterval(50)
    import_codebook_elsewhere(
        demo_path, codebook_file(tmp_path, rename={"Denial": "Rejection"}, add=True)
    )
    qtbot.waitUntil(lambda: "Rejection" in code_names(window), timeout=5000)
    assert "Denial" not in code_names(window) and "Casualty report" in code_names(window)
    assert "Rejection" in [a.text() for a in window.code_menu.actions()]
    assert "Rejection" in window.article_panel.filter_combo.itemText(4)
    qtbot.waitUntil(lambda: window.sentence_view.hasFocus())
    sid = window.article_panel.current_sentence_id()
    qtbot.keyClick(window.sentence_view, "c")  # the new code's key works at once
    new = window.project.codebook.code("Casualty report")  # type: ignore[union-attr]
    assert [c.name for c in window.sentence_model.own_codes(window.sentence_model.row_of(sid))] == [  # type: ignore[arg-type]
        new.name
    ]
    assert QApplication.activeModalWidget() is None


def test_coming_back_to_the_app_checks_the_codebook_at_once(
    make_window: MakeWindow, demo_path: Path, tmp_path: Path, qtbot: QtBot
) -> None:
    window = make_window(demo_path, "carol")
    window.codebook_watch.timer.stop()  # no polling: only the activation may notice
    import_codebook_elsewhere(demo_path, codebook_file(tmp_path, rename={"Denial": "Rejection"}))
    assert "Rejection" not in code_names(window)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.applicationStateChanged.emit(Qt.ApplicationState.ApplicationActive)
    assert "Rejection" in code_names(window)
