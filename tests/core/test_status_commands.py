"""Article status as an undoable core command: apply and revert are committed transactions."""

from __future__ import annotations

import pytest

from annotator import Project
from annotator.commands import Effect
from annotator.errors import ReadOnlyProjectError
from annotator.imports import ParsedArticle
from annotator.records import Status
from tests.core.helpers.backends import reopen

#: Every test that makes its project with make_project runs on a file and on a server.
BOTH_BACKENDS = True

TEXT = "Artillery fire struck Kovar on Tuesday. The army denied firing."


def _article(project: Project) -> int:
    report = project.import_articles([ParsedArticle(text=TEXT, origin="test", title="Kovar")])
    return report.article_ids[0]


def test_marking_done_is_written_at_once_and_named_for_the_edit_menu(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    cmd = p.status_command(aid, "anna", Status.DONE, "Mark article done")
    assert cmd.text == "Mark article done"
    assert p.status(aid, "anna") == Status.NOT_STARTED  # planned, not applied
    effect = cmd.apply(p)
    assert effect == Effect(statuses=((aid, "anna", Status.DONE),))
    assert effect.changed
    assert p.status(aid, "anna") == Status.DONE


def test_revert_puts_back_the_status_the_apply_replaced(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    p.set_status(aid, "anna", Status.IN_PROGRESS)
    cmd = p.status_command(aid, "anna", Status.DONE)
    cmd.apply(p)
    assert cmd.before == Status.IN_PROGRESS
    effect = cmd.revert(p)
    assert effect.statuses == ((aid, "anna", Status.IN_PROGRESS),)
    assert p.status(aid, "anna") == Status.IN_PROGRESS


def test_redo_after_undo_applies_again(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    cmd = p.status_command(aid, "anna", Status.DONE)
    cmd.apply(p)
    cmd.revert(p)
    cmd.apply(p)
    assert p.status(aid, "anna") == Status.DONE


def test_undo_restores_what_another_window_set_before_the_apply(make_project) -> None:  # type: ignore[no-untyped-def]
    made = make_project()
    with reopen(made) as left, reopen(made) as right:
        aid = _article(left)
        cmd = left.status_command(aid, "anna", Status.DONE)
        right.set_status(aid, "anna", Status.IN_PROGRESS)  # after planning, before applying
        cmd.apply(left)
        cmd.revert(left)
        assert right.status(aid, "anna") == Status.IN_PROGRESS


def test_setting_the_status_an_article_has_changes_nothing_undoable(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    p.set_status(aid, "anna", Status.DONE)
    effect = p.status_command(aid, "anna", Status.DONE).apply(p)
    assert not effect.changed
    assert p.status(aid, "anna") == Status.DONE


def test_one_coders_status_leaves_the_others_alone(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    p.set_status(aid, "ben", Status.DONE)
    cmd = p.status_command(aid, "anna", Status.DONE)
    cmd.apply(p)
    cmd.revert(p)
    assert p.status(aid, "ben") == Status.DONE
    assert p.status(aid, "anna") == Status.NOT_STARTED


def test_a_status_command_is_reverted_only_after_it_was_applied(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    cmd = p.status_command(_article(p), "anna", Status.DONE)
    with pytest.raises(RuntimeError, match="only after it was applied"):
        cmd.revert(p)


def test_a_read_only_project_refuses_the_status_command(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    p.close()
    with reopen(p, read_only=True) as ro:
        with pytest.raises(ReadOnlyProjectError):
            ro.status_command(aid, "anna", Status.DONE).apply(ro)
        assert ro.status(aid, "anna") == Status.NOT_STARTED


def test_a_label_command_reports_the_changes_to_paint_and_the_sentences_it_changed(
    make_project,
) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    ids = [s.id for s in p.sentences(aid)]
    p.add_label(ids[0], "Denial", "anna")
    cmd = p.toggle_command(ids, "Denial", "anna")  # adds it to the second only
    effect = cmd.apply(p)
    assert effect.labels == cmd.changes
    assert effect.sentence_ids == {ids[1]}
    undone = cmd.revert(p)
    assert undone.sentence_ids == {ids[1]}
    assert p.labels(aid) == {ids[0]: [("anna", "Denial")]}
