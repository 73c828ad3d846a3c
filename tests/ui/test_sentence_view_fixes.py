"""The sentence view as a coder meets it: filtered coding, line width, chips, find highlight."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.sentence_delegate import CHIP_MIN
from ui.sentence_model import SENTENCE_ID_ROLE

MakeWindow = Callable[..., MainWindow]


def open_window(make_window: MakeWindow, path: Path, coder: str, qtbot: QtBot) -> MainWindow:
    window = make_window(path, coder)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.sentence_view.hasFocus())
    return window


def shown_ids(window: MainWindow) -> list[int]:
    proxy = window.article_panel.proxy
    return [int(proxy.index(r, 0).data(SENTENCE_ID_ROLE)) for r in range(proxy.rowCount())]


# -- 1. coding under a filter keeps going down the page ------------------------------------


def test_coding_under_uncoded_filter_moves_on_to_the_next_uncoded_sentence(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "carol", qtbot)
    panel = window.article_panel
    panel.set_filter(-1)  # Uncoded
    before = shown_ids(window)
    panel.select_row(3)
    with qtbot.waitSignal(panel.current_sentence_changed) as changed:
        qtbot.keyClick(window.sentence_view, "m")
    assert shown_ids(window) == before[:3] + before[4:]
    assert panel.current_sentence_id() == before[4]
    assert changed.args == [before[4]]
    assert [i.row() for i in window.sentence_view.selectionModel().selectedRows()] == [3]
    qtbot.keyClick(window.sentence_view, "m")
    assert panel.current_sentence_id() == before[5]


def test_coding_the_last_uncoded_sentence_keeps_the_new_last_one(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "carol", qtbot)
    panel = window.article_panel
    panel.set_filter(-1)
    before = shown_ids(window)
    panel.select_row(len(before) - 1)
    qtbot.keyClick(window.sentence_view, "m")
    assert panel.current_sentence_id() == before[-2]


def test_removing_a_code_under_its_filter_moves_on_to_the_next_sentence_with_it(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "anna", qtbot)
    panel = window.article_panel
    code = window.project.codebook.code("Military action")  # type: ignore[union-attr]
    panel.set_filter(code.id)
    before = shown_ids(window)
    assert len(before) >= 3
    panel.select_row(1)
    qtbot.keyClick(window.sentence_view, "m")  # anna's Military action comes off
    assert shown_ids(window) == [before[0], *before[2:]]
    assert panel.current_sentence_id() == before[2]


def test_choosing_a_filter_that_hides_the_current_sentence_goes_on_below_it(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "anna", qtbot)
    panel = window.article_panel
    model = window.sentence_model
    coded = [r for r in range(model.rowCount()) if model.is_coded(r)]
    uncoded = [r for r in range(model.rowCount()) if not model.is_coded(r)]
    start = next(r for r in coded if any(u > r for u in uncoded))
    panel.select_row(start)
    panel.set_filter(-1)
    expected = model.sentence(min(u for u in uncoded if u > start)).id
    assert panel.current_sentence_id() == expected


# -- 2. the text takes the width; chips get a column that fits them -------------------------


def chip_texts(window: MainWindow) -> list[str]:
    view = window.sentence_view
    model = view.model()
    out: list[str] = []
    for r in range(model.rowCount()):
        index = model.index(r, 0)
        out += [c.text for c in view.delegate.chips(index, view.visualRect(index))]
    return out


def test_text_width_follows_the_pane_width(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "anna", qtbot)
    view = window.sentence_view
    window.resize(1100, 800)
    qtbot.waitUntil(lambda: view.viewport().width() < 600)
    narrow_view, narrow_text = view.viewport().width(), view.delegate.text_width()
    window.resize(1800, 1000)
    qtbot.waitUntil(lambda: view.viewport().width() > narrow_view + 300)
    wide_view, wide_text = view.viewport().width(), view.delegate.text_width()
    # the chip column fits anna's chips, so every extra pixel of pane goes to the text
    assert wide_text - narrow_text == wide_view - narrow_view
    assert wide_text > 0.7 * wide_view


def test_other_coders_chips_are_readable_and_the_column_grows_to_fit_them(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "anna", qtbot)
    view = window.sentence_view
    window.resize(1400, 900)
    blind_column = view.delegate.chip_column(view.viewport().width())
    window.registry["show_others"].setChecked(True)
    column = view.delegate.chip_column(view.viewport().width())
    assert column > blind_column
    texts = chip_texts(window)
    assert "ben · Military action" in texts
    assert not [t for t in texts if "…" in t]


def test_chips_wrap_inside_the_column_instead_of_being_cut(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "anna", qtbot)
    view = window.sentence_view
    window.registry["show_others"].setChecked(True)
    window.resize(900, 700)  # the column hits its maximum: chips must take two lines
    qtbot.waitUntil(lambda: view.viewport().width() < 520)
    index = view.model().index(1, 0)  # anna and ben both coded the second sentence
    qtbot.waitUntil(lambda: view.delegate.chip_lines(index) == 2)
    chips = view.delegate.chips(index, view.visualRect(index))
    assert all("…" not in c.text for c in chips)
    assert max(c.rect.bottom() for c in chips) <= view.visualRect(index).bottom()


def test_a_chip_tooltip_names_the_coder_and_code_in_full(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "anna", qtbot)
    window.registry["show_others"].setChecked(True)
    view = window.sentence_view
    index = view.model().index(1, 0)
    chip = next(
        c for c in view.delegate.chips(index, view.visualRect(index)) if c.text.startswith("ben")
    )
    pos = chip.rect.center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == f"ben: {chip.code.name}"
    QToolTip.hideText()


class LayoutCounter:
    """Counts the delegate's sizeHint calls: the view asks for every row when it re-lays out."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from ui.sentence_delegate import SentenceDelegate

        self.calls = 0
        original = SentenceDelegate.sizeHint

        def counting(delegate: SentenceDelegate, option: object, index: object) -> object:
            self.calls += 1
            return original(delegate, option, index)  # type: ignore[arg-type]

        monkeypatch.setattr(SentenceDelegate, "sizeHint", counting)


def settle(window: MainWindow, qtbot: QtBot) -> None:
    view = window.sentence_view
    for _ in range(3):
        QApplication.processEvents()
    qtbot.waitUntil(lambda: view.visualRect(view.model().index(0, 0)).isValid())


def test_a_label_change_relays_out_only_when_the_chip_column_changes(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = LayoutCounter(monkeypatch)
    window = open_window(make_window, demo_path, "carol", qtbot)
    view = window.sentence_view
    settle(window, qtbot)
    assert counter.calls > 0
    window.article_panel.select_row(2)
    settle(window, qtbot)
    counter.calls = 0
    qtbot.keyClick(view, "n")  # a narrow chip in the minimum column: repaint only
    settle(window, qtbot)

    assert counter.calls < view.model().rowCount()  # a relayout asks every row, twice

    window.registry["show_others"].setChecked(True)
    settle(window, qtbot)
    assert counter.calls >= view.model().rowCount()
    column = view.delegate.chip_column(view.viewport().width())
    widest = max(
        range(view.model().rowCount()),
        key=lambda r: view.delegate.natural_width(
            int(view.model().index(r, 0).data(SENTENCE_ID_ROLE))
        ),
    )
    window.article_panel.select_row(widest)
    settle(window, qtbot)
    counter.calls = 0
    qtbot.keyClick(view, "d")  # carol's chip widens the widest row: the column grows once
    settle(window, qtbot)
    assert view.delegate.chip_column(view.viewport().width()) > column
    assert counter.calls >= view.model().rowCount()


# -- 3. find highlights the matched words -----------------------------------------------------


def highlighted_pixels(window: MainWindow, row: int) -> int:
    from PySide6.QtGui import QColor

    from ui.sentence_delegate import HIGHLIGHT

    view = window.sentence_view
    image = view.viewport().grab(view.visualRect(view.model().index(row, 0))).toImage()
    target = QColor(HIGHLIGHT).rgb()
    return sum(
        1
        for y in range(image.height())
        for x in range(0, image.width(), 2)
        if image.pixel(x, y) == target
    )


def test_find_bar_highlights_the_matched_word_until_closed(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "carol", qtbot)
    model = window.sentence_model
    hit = next(r for r in range(model.rowCount()) if " said " in model.sentence(r).text)
    miss = next(r for r in range(model.rowCount()) if "said" not in model.sentence(r).text)
    window.open_find()
    bar = window.find_bar
    assert bar is not None
    qtbot.keyClicks(bar.edit, "SAID")
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert highlighted_pixels(window, hit) > 20
    assert highlighted_pixels(window, miss) == 0
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert highlighted_pixels(window, hit) == 0


# -- 4, 5. menus and the shortcut sheet -------------------------------------------------------


def test_shortcut_sheet_names_undo_and_redo_plainly_after_a_label(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    from ui.shortcuts_dialog import ShortcutsDialog

    window = open_window(make_window, demo_path, "carol", qtbot)
    qtbot.keyClick(window.sentence_view, "m")
    assert window.undo_action.text() != "Undo"  # the menu names what would be undone
    dialog = ShortcutsDialog(window, window.findChildren(type(window.undo_action)), [])
    qtbot.addWidget(dialog)
    names = [what for _group, what, _keys in dialog.rows()]
    assert "Undo" in names and "Redo" in names
    assert not [n for n in names if n.startswith(("Undo ", "Redo "))]


def test_file_menu_mnemonics_are_unique(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "carol", qtbot)
    file_menu = next(
        a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "File"
    )
    letters = [
        a.text()[a.text().index("&") + 1].casefold()
        for a in file_menu.actions()
        if "&" in a.text().replace("&&", "")
    ]
    assert len(letters) == len(set(letters)), letters
    assert window.registry["restore_backup"].text() == "Restore from &backup…"


# -- 6. the article list gives the title the room ---------------------------------------------


def test_article_titles_keep_the_room_when_dates_and_sources_appear(qtbot: QtBot) -> None:
    from annotator.records import ArticleSummary, Status
    from ui.article_list_model import Column
    from ui.article_list_panel import ArticleListPanel

    panel = ArticleListPanel()
    qtbot.addWidget(panel)
    panel.resize(340, 500)
    panel.show()
    qtbot.waitExposed(panel)
    title = "Shelling hits border town as talks stall"
    panel.model.set_summaries(
        [
            ArticleSummary(
                i, f"u{i}", f"{title} {i}", "Wire", "2025-03-04", 9, 3, Status.IN_PROGRESS
            )
            for i in range(1, 6)
        ]
    )
    panel.hide_empty_columns()
    view = panel.view
    assert not view.isColumnHidden(Column.DATE)  # the date fits beside a readable title
    qtbot.waitUntil(lambda: view.columnWidth(Column.TITLE) >= 0.45 * view.viewport().width())
    assert view.columnWidth(Column.DATE) >= view.fontMetrics().horizontalAdvance("2025-03-04")
    panel.resize(700, 500)
    qtbot.waitUntil(lambda: not view.isColumnHidden(Column.SOURCE))  # room for the source too
    assert view.columnWidth(Column.TITLE) >= 0.45 * view.viewport().width()
    tip = panel.proxy.index(0, Column.TITLE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == f"{title} 1\nWire  ·  2025-03-04"


# -- 7. import: messages in full, and the id column ----------------------------------------


def test_import_report_shows_long_messages_in_full(qtbot: QtBot) -> None:
    from annotator.records import ImportReport
    from ui.import_dialog import ImportReportDialog

    message = (
        "unsupported file type '.bin' (supported: .csv .docx .htm .html .jsonl .md .pdf .rtf "
        ".tsv .txt .xml); convert the file to one of these, or leave it out of the folder you "
        "import, and try again"
    )
    report = ImportReport(
        imported=0, sentences=0, skipped_duplicates=[], problems=[("a.bin", message)]
    )
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.problems_view
    assert view is not None
    index = dialog.problems_model.index(0, 1)
    rect = view.visualRect(index)
    needed = view.fontMetrics().horizontalAdvance(message)
    lines = -(-needed // max(1, rect.width() - 8))
    assert lines >= 2
    assert rect.height() >= lines * view.fontMetrics().height()
    assert index.data(Qt.ItemDataRole.ToolTipRole) == message


def test_import_dialog_passes_the_id_column(qtbot: QtBot) -> None:
    from ui.import_dialog import ImportDialog

    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.option_edits["id_column"], "story_id")
    assert dialog.options().id_column == "story_id"


def test_re_measuring_chips_that_did_not_change_reports_no_change_of_the_column(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    window = open_window(make_window, demo_path, "anna", qtbot)
    window.resize(1200, 700)
    qtbot.wait(50)
    delegate = window.article_panel.view.delegate
    window.sentence_model.set_show_others(True)  # ben's chips too: a column wider than its least
    rows = window.sentence_model.labelled_rows()
    delegate.measure_chips(None)
    assert max(delegate.natural_width(window.sentence_model.sentence(r).id) for r in rows) > (
        CHIP_MIN
    )
    for row in rows:
        assert delegate.measure_chips([row]) is False
