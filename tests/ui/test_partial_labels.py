"""Labels imported from another QDA program's selection on part of a sentence look different.

A researcher who moved a project from, say, qualitative-coding must see which of the labels
came from a selection that covered only part of the sentence: the chip is marked "◐" and the
chip's and the sentence's tooltips say why. Coding the sentence again by hand makes it whole.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.codebook import default_codebook
from annotator.project import Project
from annotator.records import LabelChange
from ui.main_window import MainWindow
from ui.sentence_delegate import PARTIAL_MARK
from ui.sentence_model import PARTIAL_NOTE, SentenceModel

MakeWindow = Callable[..., MainWindow]
NS = "urn:QDA-XML:project:1.0"


def refi_project(tmp_path: Path) -> Path:
    """Two sentences: the first coded in part ("Alpha beta"), the second whole."""
    code = "11111111-1111-1111-1111-111111111111"
    sels = "".join(
        f'<PlainTextSelection guid="33333333-3333-3333-3333-33333333333{n}" startPosition="{a}" '
        f'endPosition="{b}"><Coding guid="44444444-4444-4444-4444-44444444444{n}">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        for n, (a, b) in enumerate([(0, 10), (24, 36)])
    )
    qde = (
        f'<Project xmlns="{NS}" name="t"><CodeBook><Codes><Code guid="{code}" name="Topic" '
        'isCodable="true"/></Codes></CodeBook><Sources><TextSource '
        'guid="22222222-2222-2222-2222-222222222222" name="doc" plainTextPath="doc.txt">'
        f"{sels}</TextSource></Sources></Project>"
    )
    with zipfile.ZipFile(tmp_path / "t.qdpx", "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/doc.txt", "Alpha beta gamma delta. Epsilon zeta. Eta theta.")
    path = tmp_path / "p.annotator"
    with Project.create(path, codebook=default_codebook()) as project:
        project.import_refi(tmp_path / "t.qdpx")
    return path


def chips(window: MainWindow, row: int) -> list[tuple[str, str]]:
    view = window.sentence_view
    index = view.model().index(row, 0)
    return [(c.text, c.tip) for c in view.delegate.chips(index, view.visualRect(index))]


def test_a_partial_label_has_a_marked_chip_and_says_why(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    window = make_window(refi_project(tmp_path), "imported")
    qtbot.waitUntil(lambda: window.sentence_view.model().rowCount() == 3)
    assert chips(window, 0) == [(f"{PARTIAL_MARK}Topic", f"Your code: Topic ({PARTIAL_NOTE})")]
    assert chips(window, 1) == [("Topic", "Your code: Topic")]
    tooltip = window.sentence_view.model().index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert PARTIAL_NOTE in tooltip


def test_another_coders_partial_label_is_marked_when_shown(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    window = make_window(refi_project(tmp_path), "carol")
    window.registry["show_others"].setChecked(True)
    qtbot.waitUntil(lambda: bool(chips(window, 0)))
    (text, tip), *_ = chips(window, 0)
    assert text.startswith(PARTIAL_MARK) and tip.endswith(f"({PARTIAL_NOTE})")


def test_coding_a_partial_sentence_again_by_hand_makes_it_whole(
    make_window: MakeWindow, tmp_path: Path, qtbot: QtBot
) -> None:
    window = make_window(refi_project(tmp_path), "imported")
    model = window.sentence_model
    assert isinstance(model, SentenceModel)
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    assert model.partial_keys(0) == {("", window.project.codebook.codes[-1].id)}
    sid = model.sentence(0).id
    code = window.project.codebook.codes[-1].id
    coder = window.project.coder_id("imported")
    for add in (False, True):  # written by the core, mirrored by the model, as the window does
        model.apply_changes(window.project.write_changes([LabelChange(sid, code, coder, add)]))
    assert model.partial_keys(0) == set()
    assert window.project.partial_labels(window.project.article_ids()[0]) == set()
