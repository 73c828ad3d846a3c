"""File > Import articles offers REFI-QDA projects (.qdpx/.qde) and imports them whole: sources,
codebook, coders and codings, with the window's codebook panel and keys following."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.project import Project
from tests.conftest import shared_path
from ui import import_dialog
from ui.file_dialogs import SafeFileDialog
from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def test_the_file_chooser_offers_refi_qda_projects() -> None:
    offered = import_dialog._FILE_FILTER.split(";;")[0]
    assert "*.qdpx" in offered and "*.qde" in offered and "*.txt" in offered


def test_choosing_files_in_the_dialog_lists_a_qdpx(
    qtbot: QtBot, tmp_path: Path, monkeypatch: object
) -> None:
    qdpx = tmp_path / "study.qdpx"
    shutil.copy(shared_path("samples", "refi", "qc-demo.qdpx"), qdpx)
    seen: list[str] = []

    def choose(_parent: object, _title: str, _dir: str, filters: str) -> tuple[list[str], str]:
        seen.append(filters)
        return [str(qdpx)], ""

    monkeypatch.setattr(SafeFileDialog, "getOpenFileNames", choose)  # type: ignore[attr-defined]
    dialog = import_dialog.ImportDialog(None)
    qtbot.addWidget(dialog)
    dialog._choose_files()
    assert dialog.paths() == [qdpx]
    assert "*.qdpx" in seen[0]


def test_importing_a_qdpx_brings_its_articles_codes_and_codings_into_the_window(
    make_window: MakeWindow, make_project: Callable[..., Project], qtbot: QtBot
) -> None:
    path = make_project("refi").path
    window = make_window(path, "carol")
    codes_before = {c.name for c in window.project.codebook.codes}  # type: ignore[union-attr]
    window.import_paths([shared_path("samples", "refi", "qc-demo.qdpx")])
    qtbot.waitUntil(lambda: window.article_list_model.rowCount() == 2, timeout=20_000)
    with Project.open(path) as p:
        assert len(p.article_ids()) == 2
        codes = {c.name for c in p.codebook.codes}
        coders = p.coders()
    assert codes - codes_before, "the qdpx's codes are in the project"
    shown = {a.text() for a in window.code_menu.actions()}
    assert codes - codes_before <= shown
    assert set(coders) - {"carol"} <= set(window._coder_names.values())
