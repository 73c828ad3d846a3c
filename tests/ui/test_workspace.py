"""The coding workspace driven from the keyboard, against real project files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.project import Project
from annotator.records import Status
from ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


def own_labels(path: Path, article_id: int, coder: str) -> dict[int, set[str]]:
    """What the project file holds (read with a fresh connection, not the window's)."""
    with Project.open(path) as p:
        return {
            sid: {code for c, code in pairs if c == coder}
            for sid, pairs in p.labels(article_id, [coder]).items()
        }


def press(
    qtbot: QtBot,
    window: MainWindow,
    key: str | Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(window.sentence_view, key, modifier)


def current_row(window: MainWindow) -> int:
    return window.sentence_view.currentIndex().row()


@pytest.fixture
def window(make_window: MakeWindow, demo_path: Path, qtbot: QtBot) -> MainWindow:
    w = make_window(demo_path, "carol")
    w.activateWindow()
    qtbot.waitUntil(lambda: w.sentence_view.hasFocus())
    return w


def test_opening_focuses_the_sentence_list_with_a_current_sentence(window: MainWindow) -> None:
    assert window.sentence_view.hasFocus()
    assert window.sentence_view.currentIndex().isValid()
    assert window.current_article_id() == window.article_list_model.summary(0).id


def test_code_key_labels_the_selected_sentence_in_the_file(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    aid = window.current_article_id()
    sid = window.article_panel.current_sentence_id()
    press(qtbot, window, "m")
    assert own_labels(demo_path, aid, "carol") == {sid: {"Military action"}}
    assert [c.name for c in window.sentence_model.own_codes(current_row(window))] == [
        "Military action"
    ]


def test_single_choice_key_replaces_the_previous_code(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    aid = window.current_article_id()
    sid = window.article_panel.current_sentence_id()
    press(qtbot, window, "m")
    press(qtbot, window, "d")
    assert own_labels(demo_path, aid, "carol") == {sid: {"Diplomatic claim"}}


def test_same_key_twice_removes_the_code(window: MainWindow, qtbot: QtBot, demo_path: Path) -> None:
    aid = window.current_article_id()
    press(qtbot, window, "m")
    press(qtbot, window, "m")
    assert own_labels(demo_path, aid, "carol") == {}


def test_shift_selection_labels_several_sentences(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    aid = window.current_article_id()
    press(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, window, "n")
    labels = own_labels(demo_path, aid, "carol")
    assert len(labels) == 3
    assert all(v == {"Denial"} for v in labels.values())
    assert window.undo_action.text() == "Undo Apply Denial (3 sentences)"


def test_j_and_k_move_between_sentences(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, "j")
    press(qtbot, window, "j")
    assert current_row(window) == 2
    press(qtbot, window, "k")
    assert current_row(window) == 1


def test_enter_jumps_to_the_next_uncoded_sentence(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, "m")  # row 0 coded
    press(qtbot, window, "j")
    press(qtbot, window, "a")  # row 1 coded
    press(qtbot, window, "k")  # back to row 0
    press(qtbot, window, Qt.Key.Key_Return)
    assert current_row(window) == 2


def test_backspace_clears_the_codes(window: MainWindow, qtbot: QtBot, demo_path: Path) -> None:
    aid = window.current_article_id()
    press(qtbot, window, "m")
    press(qtbot, window, Qt.Key.Key_Backspace)
    assert own_labels(demo_path, aid, "carol") == {}
    assert not window.sentence_model.is_coded(current_row(window))


def test_undo_and_redo_restore_screen_and_file(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    aid = window.current_article_id()
    sid = window.article_panel.current_sentence_id()
    press(qtbot, window, "m")
    press(qtbot, window, "d")
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert own_labels(demo_path, aid, "carol") == {sid: {"Military action"}}
    assert [c.name for c in window.sentence_model.own_codes(0)] == ["Military action"]
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)
    assert own_labels(demo_path, aid, "carol") == {}
    assert window.sentence_model.own_codes(0) == []
    press(
        qtbot, window, "z", Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert own_labels(demo_path, aid, "carol") == {sid: {"Military action"}}
    press(qtbot, window, "y", Qt.KeyboardModifier.ControlModifier)
    assert own_labels(demo_path, aid, "carol") == {sid: {"Diplomatic claim"}}
    assert [c.name for c in window.sentence_model.own_codes(0)] == ["Diplomatic claim"]


def test_labelling_updates_the_article_progress_and_code_counts(
    window: MainWindow, qtbot: QtBot
) -> None:
    aid = window.current_article_id()
    press(qtbot, window, "m")
    summary = window.article_list_model.summary_of(aid)
    assert summary is not None
    assert (summary.n_coded, summary.status) == (1, Status.IN_PROGRESS)
    code = window.project.codebook.code("Military action")  # type: ignore[union-attr]
    assert window.codebook_panel.model.count(code.id) == 1


def test_ctrl_d_marks_done_and_opens_the_next_article(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    first = window.current_article_id()
    press(qtbot, window, "d", Qt.KeyboardModifier.ControlModifier)
    with Project.open(demo_path) as p:
        assert p.status(first, "carol") == Status.DONE  # type: ignore[arg-type]
    assert window.current_article_id() == window.article_list_model.summary(1).id


def test_next_and_previous_article_keys(window: MainWindow, qtbot: QtBot) -> None:
    ids = window.article_list_model.article_ids()
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_article_id() == ids[1]
    press(qtbot, window, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert window.current_article_id() == ids[0]


def test_reopening_shows_labels_and_where_the_coder_left_off(
    make_window: MakeWindow, window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, "j")
    press(qtbot, window, "j")
    press(qtbot, window, "a")
    aid, sid = window.current_article_id(), window.article_panel.current_sentence_id()
    window.close()
    again = make_window(demo_path, None)  # coder comes from the settings
    assert again.coder == "carol"
    assert again.current_article_id() == aid
    assert again.article_panel.current_sentence_id() == sid
    assert [c.name for c in again.sentence_model.own_codes(2)] == ["Analyst opinion"]


def test_blind_mode_hides_other_coders_until_shown(window: MainWindow, qtbot: QtBot) -> None:
    from ui.sentence_model import OTHER_CODES_ROLE

    model = window.sentence_model
    index = model.index(1, 0)  # anna and ben coded the second sentence
    assert index.data(OTHER_CODES_ROLE) == []
    assert window.blind_label.text() == "Blind coding"
    window.registry["show_others"].trigger()
    names = {name for name, _code in index.data(OTHER_CODES_ROLE)}
    assert names == {"anna", "ben"}  # short names are shown whole, not as initials
    assert window.blind_label.text() == "Showing all coders"
    window.registry["show_others"].trigger()
    assert index.data(OTHER_CODES_ROLE) == []


def test_ctrl_m_writes_a_sentence_memo(
    window: MainWindow, qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.memo_dialog

    monkeypatch.setattr(ui.memo_dialog, "edit_memo", lambda parent, title, text: "check source")
    aid = window.current_article_id()
    sid = window.article_panel.current_sentence_id()
    press(qtbot, window, "m", Qt.KeyboardModifier.ControlModifier)
    with Project.open(demo_path) as p:
        memos = p.memos(aid, "carol")  # type: ignore[arg-type]
    assert [(m.sentence_id, m.text) for m in memos] == [(sid, "check source")]
    from ui.sentence_model import MEMO_ROLE

    assert window.sentence_model.index(0, 0).data(MEMO_ROLE) is True


def test_cancelled_memo_writes_nothing(
    window: MainWindow, qtbot: QtBot, demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.memo_dialog

    monkeypatch.setattr(ui.memo_dialog, "edit_memo", lambda parent, title, text: None)
    aid = window.current_article_id()
    press(qtbot, window, "m", Qt.KeyboardModifier.ControlModifier)
    with Project.open(demo_path) as p:
        assert p.memos(aid, "carol") == []  # type: ignore[arg-type]


def test_clicking_a_code_toggles_it_and_shows_its_definition(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    panel = window.codebook_panel
    code = window.project.codebook.code("Denial")  # type: ignore[union-attr]
    index = panel.model.index_of(code.id)
    tree = panel.tree
    tree.scrollTo(index)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(index).center()
    )
    aid = window.current_article_id()
    sid = window.article_panel.current_sentence_id()
    qtbot.waitUntil(lambda: window.sentence_model.n_coded() == 1)  # after the double-click time
    assert own_labels(demo_path, aid, "carol") == {sid: {"Denial"}}
    assert code.definition.split()[0] in panel.details.toPlainText()
    assert "Exclude" in panel.details.toPlainText()


def test_sentence_filter_shows_only_uncoded_or_one_code(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, "m")
    total = window.sentence_model.rowCount()
    panel = window.article_panel
    panel.set_filter(-1)
    assert panel.proxy.rowCount() == total - 1
    code = window.project.codebook.code("Military action")  # type: ignore[union-attr]
    panel.set_filter(code.id)
    assert panel.proxy.rowCount() == 1


def test_article_filter_and_sort(window: MainWindow, qtbot: QtBot) -> None:
    panel = window.article_list_panel
    qtbot.keyClicks(panel.filter_edit, "drone")
    titles = [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]
    assert titles and all("drone" in t.lower() for t in titles)
    panel.filter_edit.clear()
    panel.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    titles = [panel.proxy.index(r, 0).data() for r in range(panel.proxy.rowCount())]
    assert titles == sorted(titles, key=str.casefold, reverse=True)


def test_article_status_filter(window: MainWindow, qtbot: QtBot) -> None:
    press(qtbot, window, "d", Qt.KeyboardModifier.ControlModifier)
    panel = window.article_list_panel
    panel.status_combo.setCurrentIndex(panel.status_combo.findData(int(Status.DONE)))
    assert panel.proxy.rowCount() == 1


def test_zoom_is_persisted(
    make_window: MakeWindow, window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    before = window.sentence_point_size()
    press(qtbot, window, "=", Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, "=", Qt.KeyboardModifier.ControlModifier)
    assert window.sentence_view.font().pointSizeF() == before + 2
    window.close()
    again = make_window(demo_path, "carol")
    assert again.sentence_view.font().pointSizeF() == before + 2
    press(qtbot, again, "0", Qt.KeyboardModifier.ControlModifier)
    assert again.sentence_view.font().pointSizeF() == before


def test_first_start_builds_and_opens_the_demo(make_window: MakeWindow, tmp_path: Path) -> None:
    w = make_window(None)
    w.open_initial(None, "carol")
    assert w.project is not None
    assert w.project.path == tmp_path / "data" / "demo.annotator"
    assert w.article_list_model.rowCount() > 0
    assert w.sentence_model.rowCount() > 0


def test_read_only_project_refuses_labels(
    make_window: MakeWindow, demo_path: Path, qtbot: QtBot
) -> None:
    demo_path.chmod(0o444)
    try:
        w = make_window(demo_path, "anna")
        assert w.project is not None and w.project.read_only
        assert "read-only" in w.windowTitle()
        assert not w.registry["clear"].isEnabled()
        before = own_labels(demo_path, w.current_article_id(), "anna")
        w.toggle_code(w.project.codebook.codes[0].id)
        assert own_labels(demo_path, w.current_article_id(), "anna") == before
    finally:
        demo_path.chmod(0o644)


def test_first_label_marks_the_article_in_progress_in_the_header(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window.article_panel.meta_label.text().endswith("not started")
    press(qtbot, window, "m")
    assert window.article_panel.meta_label.text().endswith("in progress")


def test_opening_a_project_takes_a_backup_in_the_background(
    window: MainWindow, qtbot: QtBot, demo_path: Path
) -> None:
    assert window.project is not None
    qtbot.waitUntil(lambda: len(window.project.backups()) == 1, timeout=10_000)  # type: ignore[union-attr]


def test_restore_backup_puts_the_backup_back_and_reopens(
    make_window: MakeWindow, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ui.backup_dialog as backup_dialog
    from annotator.demo import build_demo
    from annotator.storage.backups import restore_backup

    build_demo(tmp_path / "own.annotator").close()
    window = make_window(tmp_path / "own.annotator", "carol")
    assert window.project is not None
    qtbot.waitUntil(lambda: len(window.project.backups()) == 1, timeout=10_000)  # type: ignore[union-attr]
    backup = window.project.backups()[0]
    window.sentence_view.setFocus()
    qtbot.keyClick(window.sentence_view, "m")
    article = window.current_article_id()
    assert article is not None
    assert "carol" in {c for pairs in window.project.labels(article).values() for c, _ in pairs}

    def choose_first(parent: object, path: Path, close_project: Callable[[], None]) -> Path:
        close_project()
        restore_backup(path, backup)
        return path

    monkeypatch.setattr(backup_dialog, "open_restore_backup", choose_first)
    window.registry["restore_backup"].trigger()
    assert window.project is not None
    restored = window.project.labels(article)
    assert "carol" not in {c for pairs in restored.values() for c, _ in pairs}
