"""The adjudication window: keys decide, progress follows, decisions land in the project file."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt

from annotator.adjudication import adjudication_items
from annotator.project import Project
from annotator.storage.reliability_queries import ADJUDICATED
from ui.adjudication_window import AdjudicationWindow, open_adjudication

MakeProject = Callable[..., Project]


@pytest.fixture
def demo(make_project: MakeProject) -> Project:
    return make_project("demo", demo=True)


def open_window(
    qtbot: object, project: Project, jumps: list[tuple[int, int]] | None = None
) -> AdjudicationWindow:
    calls = jumps if jumps is not None else []
    window = open_adjudication(None, project, lambda a, s: calls.append((a, s)))
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)  # qtbot closes it
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.loaded, timeout=20_000)  # type: ignore[attr-defined]
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # type: ignore[attr-defined]
    return window


def stored_codes(project: Project, sentence_id: int) -> list[str]:
    """The adjudicated coder's codes as another program opening the file sees them."""
    with Project.open(project.path, read_only=True) as other:
        labels = other.labels(other.sentence(sentence_id).article_id, coders=[ADJUDICATED])
    return sorted(code for _c, code in labels.get(sentence_id, []))


def test_number_key_takes_that_coders_codes(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    item = window.disagreements.current_item()
    assert item is not None
    second = window.coders[1]
    qtbot.keyClick(window, Qt.Key.Key_2)  # type: ignore[attr-defined]
    assert stored_codes(demo, item.sentence_id) == sorted(item.codes[second])


def test_deciding_moves_to_the_next_open_disagreement(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    first = window.disagreements.current_item()
    qtbot.keyClick(window, Qt.Key.Key_1)  # type: ignore[attr-defined]
    now = window.disagreements.current_item()
    assert first is not None and now is not None
    assert now.sentence_id != first.sentence_id and not now.resolved


def test_progress_counts_follow_decisions(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    total = len(adjudication_items(demo))
    assert window.progress_bar.value() == 0
    qtbot.keyClick(window, Qt.Key.Key_1)  # type: ignore[attr-defined]
    qtbot.keyClick(window, Qt.Key.Key_0)  # type: ignore[attr-defined]
    assert window.progress_bar.value() == 2
    assert window.progress_bar.maximum() == total
    assert window.progress_label.text() == f"2 resolved · {total - 2} open"


def test_zero_decides_no_code_and_is_remembered(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    item = window.disagreements.current_item()
    assert item is not None
    qtbot.keyClick(window, Qt.Key.Key_0)  # type: ignore[attr-defined]
    assert stored_codes(demo, item.sentence_id) == []
    again = next(i for i in adjudication_items(demo) if i.sentence_id == item.sentence_id)
    assert again.resolved


def test_code_key_then_enter_sets_the_final_code(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    item = window.disagreements.current_item()
    assert item is not None
    code = next(c for c in window.group.codes if c.key)
    qtbot.keyClick(window, code.key)  # type: ignore[attr-defined]
    qtbot.keyClick(window, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert stored_codes(demo, item.sentence_id) == [code.name]


def test_single_choice_code_keys_behave_like_radio_buttons(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    first, second = [c for c in window.group.codes if c.key][:2]
    qtbot.keyClick(window, first.key)  # type: ignore[attr-defined]
    qtbot.keyClick(window, second.key)  # type: ignore[attr-defined]
    assert window.panel.checked_codes() == [second.name]


def test_open_only_hides_decided_disagreements(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    qtbot.keyClick(window, Qt.Key.Key_1)  # type: ignore[attr-defined]
    window.open_only.setChecked(True)
    resolved, total = window.disagreements.counts()
    assert window.disagreements.proxy.rowCount() == total - resolved


def test_open_in_article_jumps_with_the_ids(qtbot: object, demo: Project) -> None:
    jumps: list[tuple[int, int]] = []
    window = open_window(qtbot, demo, jumps)
    item = window.disagreements.current_item()
    assert item is not None
    window.panel.open_button.click()
    assert jumps == [(item.article_id, item.sentence_id)]


def test_accept_all_agreements_fills_the_adjudicated_coder(qtbot: object, demo: Project) -> None:
    window = open_window(qtbot, demo)
    window.accept_agreements()
    qtbot.waitUntil(lambda: hasattr(window, "last_accepted"), timeout=20_000)  # type: ignore[attr-defined]
    expected = demo.reliability_data().n_units - len(demo.disagreements())
    assert window.last_accepted == expected


def test_list_models_pass_the_model_tester(
    qtbot: object, qtmodeltester: object, demo: Project
) -> None:
    window = open_window(qtbot, demo)
    qtbot.keyClick(window, Qt.Key.Key_1)  # type: ignore[attr-defined]
    qtmodeltester.check(window.disagreements.model)  # type: ignore[attr-defined]
    window.open_only.setChecked(True)
    qtmodeltester.check(window.disagreements.proxy)  # type: ignore[attr-defined]


def test_a_code_removed_from_the_codebook_is_shown_marked_and_can_be_decided(
    qtbot: object, demo: Project
) -> None:
    from annotator.exports.codebook_export import lead_codebook

    item = next(i for i in adjudication_items(demo) if "Denial" in i.codes["ben"])
    book = lead_codebook(demo.codebook)
    assert book is not None
    group = book.groups[0]
    kept = tuple(c for c in group.codes if c.name != "Denial")
    demo.load_codebook(
        book.model_copy(update={"groups": (group.model_copy(update={"codes": kept}),)})
    )
    window = open_window(qtbot, demo)
    denial = next(c for c in window.group.codes if c.name == "Denial")
    assert "(removed from codebook)" in window.panel.code_boxes[denial.id].text()
    row = next(
        r
        for r, i in enumerate(window.disagreements.model.items)
        if i.sentence_id == item.sentence_id
    )
    window.disagreements.select_source_row(row)
    window.panel.code_boxes[denial.id].setChecked(True)
    window.save_checked()
    assert stored_codes(demo, item.sentence_id) == ["Denial"]


# -- what a tester met ------------------------------------------------------------------------


def add_third_coder(project: Project, name: str = "carla") -> int:
    """A third coder who coded and marked done the first article only; returns its id."""
    from annotator.records import Status

    article = project.article_ids()[0]
    first = project.sentences(article)[0]
    project.add_label(first.id, project.codebook.codes[0].name, name)
    project.set_status(article, name, Status.DONE)
    return article


def test_enter_with_nothing_ticked_after_a_number_key_saves_nothing(
    qtbot: object, demo: Project
) -> None:
    window = open_window(qtbot, demo)
    qtbot.keyClick(window, Qt.Key.Key_1)  # type: ignore[attr-defined]
    following = window.disagreements.current_item()
    assert following is not None and not following.resolved
    qtbot.keyClick(window, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    again = next(i for i in adjudication_items(demo) if i.sentence_id == following.sentence_id)
    assert not again.resolved
    assert window.statusBar().currentMessage() == "Tick the final codes, or press 0 for no code"
    current = window.disagreements.current_item()
    assert current is not None and current.sentence_id == following.sentence_id


def test_a_coder_who_finished_one_article_does_not_hide_the_other_disagreements(
    qtbot: object, demo: Project
) -> None:
    add_third_coder(demo)
    window = open_window(qtbot, demo)
    assert window.selected_coders() == ["anna", "ben"]
    expected = [i.sentence_id for i in adjudication_items(demo, ["anna", "ben"])]
    assert [i.sentence_id for i in window.disagreements.model.items] == expected
    n = len(demo.article_ids())
    assert (
        window.disagreements.coder_selector.count_label.text()
        == f"{n} articles done by all of them"
    )


def test_choosing_the_coders_recomputes_the_disagreements(qtbot: object, demo: Project) -> None:
    article = add_third_coder(demo)
    window = open_window(qtbot, demo)
    window.set_coders(["anna", "ben", "carla"])
    qtbot.waitUntil(lambda: window.loaded and window.coders == ["anna", "ben", "carla"])  # type: ignore[attr-defined]
    assert {i.article_id for i in window.disagreements.model.items} <= {article}
    assert window.disagreements.coder_selector.count_label.text() == "1 article done by all of them"
    assert set(window.panel.coder_labels) == {"anna", "ben", "carla"}


def test_the_adjudicated_coder_is_not_offered_for_comparison(qtbot: object, demo: Project) -> None:
    demo.coder_id(ADJUDICATED)
    window = open_window(qtbot, demo)
    items = window.disagreements.coder_selector.items
    names = [items.item(r).text() for r in range(items.rowCount())]
    assert ADJUDICATED not in names and names == ["anna", "ben"]


@pytest.mark.parametrize("key", ["Escape", "Ctrl+W"])
def test_escape_and_ctrl_w_close_the_window(qtbot: object, demo: Project, key: str) -> None:
    from PySide6.QtGui import QKeySequence

    window = open_window(qtbot, demo)
    seq = QKeySequence(key)[0]
    qtbot.keyClick(window, seq.key(), seq.keyboardModifiers())  # type: ignore[attr-defined]
    assert window.closed and not window.isVisible()
