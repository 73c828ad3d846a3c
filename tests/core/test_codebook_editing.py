"""Editing the codebook in place: every edit is one transaction, refused with a reason when it
breaks a rule the YAML loader applies, logged in codebook_event with a summary, and undoable;
merging, splitting and deleting codes with labels keep the labels accounted for."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator import Project
from annotator.codebook import Code, Codebook, CodeGroup
from annotator.codebook.edit_rules import APP_KEYS, CodebookEditError
from annotator.errors import ReadOnlyProjectError
from annotator.imports import ParsedArticle

CODEBOOK = Codebook(
    name="Test",
    groups=(
        CodeGroup(
            id="g-stmt",
            name="Statement",
            codes=(
                Code(id="c-denial", name="Denial", key="n", color="#e69f00"),
                Code(id="c-claim", name="Claim", key="c", color="#56b4e9"),
                Code(id="c-opinion", name="Opinion", key="o", color="#009e73"),
            ),
        ),
        CodeGroup(
            id="g-frame",
            name="Frames",
            multiple=True,
            codes=(
                Code(id="c-conflict", name="Conflict", key="f", color="#0072b2"),
                Code(id="c-economy", name="Economy", key="e", color="#d55e00"),
            ),
        ),
    ),
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "p.annotator", codebook=CODEBOOK)
    p.import_articles(
        [
            ParsedArticle(
                text="Troops advanced. The ministry denied it. Prices rose. Talks failed.",
                origin="t",
            )
        ],
        near_duplicates=False,
    )
    yield p
    p.close()


def sentences(p: Project) -> list[int]:
    return [s.id for s in p.sentences(p.article_ids()[0])]


def label_rows(p: Project) -> list[tuple[int, str, str]]:
    con = sqlite3.connect(p.path)
    try:
        return sorted(
            con.execute(
                "SELECT l.sentence_id, c.uid, k.name FROM label l JOIN code c ON c.id = l.code_id"
                " JOIN coder k ON k.id = l.coder_id"
            ).fetchall()
        )
    finally:
        con.close()


def events(p: Project) -> list[tuple[str, str, dict, dict, int]]:
    con = sqlite3.connect(p.path)
    try:
        return [
            (a, t, json.loads(b), json.loads(f), v)
            for a, t, b, f, v in con.execute(
                "SELECT action, target_uid, before_json, after_json, version FROM codebook_event"
                " ORDER BY id"
            )
        ]
    finally:
        con.close()


def names(p: Project, group: str) -> list[str]:
    return [c.name for g in p.codebook.groups if g.name == group for c in g.codes]


# --- simple edits ----------------------------------------------------------------------------


def test_add_code_appends_it_with_an_unused_colour_and_logs_the_edit(project: Project) -> None:
    edit = project.add_code("Frames", "Security", key="s", by="lead")
    assert names(project, "Frames") == ["Conflict", "Economy", "Security"]
    code = project.code("Security")
    assert code.key == "s" and code.color not in {c.color for c in CODEBOOK.codes}
    ((action, target, _before, after, version),) = events(project)
    assert (action, target, version) == ("add_code", code.uid, 1)
    assert after["summary"] == "added code Security to group Frames" == edit.summary


def test_rename_rekey_recolour_and_texts_each_log_one_event(project: Project) -> None:
    project.rename_code("Denial", "Rejection")
    project.set_code_key("Rejection", "r")
    project.set_code_color("Rejection", "#CC79A7")
    project.update_code("Rejection", definition=" Says it did not happen. ")
    project.update_code("Rejection", examples=["They deny.", "", " No. "])
    code = project.code("Rejection")
    assert (code.key, code.color, code.definition) == ("r", "#cc79a7", "Says it did not happen.")
    assert code.examples == ("They deny.", "No.")
    assert [e[0] for e in events(project)] == [
        "rename_code", "rekey_code", "recolour_code", "edit_definition", "edit_examples"
    ]  # fmt: skip
    assert events(project)[0][3]["summary"] == "renamed code Denial to Rejection"


def test_an_edit_that_changes_nothing_logs_nothing(project: Project) -> None:
    assert project.rename_code("Denial", "Denial").event_id is None
    assert project.move_code_by("Denial", -1).event_id is None
    assert events(project) == []


def test_reorder_moves_a_code_within_its_group(project: Project) -> None:
    project.move_code_by("Denial", 1)
    assert names(project, "Statement") == ["Claim", "Denial", "Opinion"]
    project.move_code("Opinion", 0)
    assert names(project, "Statement") == ["Opinion", "Claim", "Denial"]


def test_groups_can_be_added_renamed_and_reordered(project: Project) -> None:
    project.add_group("Actors", multiple=True)
    project.rename_group("Actors", "Speakers")
    project.move_group_by("Speakers", -1)
    assert [g.name for g in project.codebook.groups] == ["Statement", "Speakers", "Frames"]
    assert project.codebook.groups[1].multiple


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (lambda p: p.set_code_key("Denial", "c"), "key", "key 'c' is already used by 'Claim'"),
        (lambda p: p.set_code_key("Denial", "j"), "key", "one of the app's own keys"),
        (lambda p: p.set_code_key("Denial", "ab"), "key", "must be one character"),
        (lambda p: p.rename_code("Denial", "  "), "name", "must not be empty"),
        (lambda p: p.rename_code("Denial", "claim"), "name", "already has a code of that name"),
        (lambda p: p.set_code_color("Denial", "red"), "color", "is not a colour"),
        (lambda p: p.add_code("Frames", "Economy"), "name", "already has a code of that name"),
        (lambda p: p.rename_group("Frames", "Statement"), "name", "another group has that name"),
    ],
)
def test_edits_the_yaml_loader_would_refuse_are_refused_with_the_reason(
    project: Project, edit: object, field: str, reason: str
) -> None:
    before = project.codebook
    with pytest.raises(CodebookEditError, match=reason) as caught:
        edit(project)  # type: ignore[operator]
    assert caught.value.field == field
    assert project.codebook == before
    assert events(project) == []


def test_the_app_keys_the_core_reserves_are_the_window_s_own() -> None:
    assert {"j", "k"} <= APP_KEYS


def test_a_problem_the_file_already_had_does_not_block_other_edits(tmp_path: Path) -> None:
    p = Project.create(tmp_path / "old.annotator", codebook=CODEBOOK)
    con = sqlite3.connect(p.path)
    con.execute("UPDATE code SET key = 'j' WHERE uid = 'c-claim'")  # loaded before the rule
    con.commit()
    con.close()
    p._forget_caches()
    p.rename_code("Denial", "Rejection")
    assert p.code("Rejection")
    p.close()


def test_a_read_only_project_refuses_edits(project: Project) -> None:
    path = project.path
    project.close()
    with Project.open(path, read_only=True) as ro, pytest.raises(ReadOnlyProjectError):
        ro.rename_code("Denial", "Rejection")


# --- single and multiple choice --------------------------------------------------------------


def test_multiple_to_single_is_refused_while_a_sentence_has_two_codes_of_the_group(
    project: Project,
) -> None:
    s1, s2, *_ = sentences(project)
    for s in (s1, s2):
        project.add_label(s, "Conflict", "anna")
        project.add_label(s, "Economy", "anna")
    project.add_label(s1, "Conflict", "ben")
    with pytest.raises(CodebookEditError, match="2 sentences have two or more") as caught:
        project.set_group_multiple("Frames", False)
    assert caught.value.field == "multiple"
    project.remove_label(s1, "Economy", "anna")
    project.remove_label(s2, "Economy", "anna")
    project.set_group_multiple("Frames", False)
    assert not project.codebook.groups[1].multiple
    assert events(project)[-1][3]["summary"] == "made group Frames single choice"


# --- merge -----------------------------------------------------------------------------------


def test_merge_moves_labels_keeps_one_per_sentence_and_coder_and_undo_gives_them_back(
    project: Project,
) -> None:
    s1, s2, s3, _s4 = sentences(project)
    project.add_label(s1, "Conflict", "anna")
    project.add_label(s1, "Economy", "anna")  # both: keeps one
    project.add_label(s2, "Economy", "anna")  # moves
    project.add_label(s3, "Economy", "ben")  # moves
    before = label_rows(project)
    edit = project.merge_codes("Conflict", "Economy", by="lead")
    assert label_rows(project) == [
        (s1, "c-conflict", "anna"), (s2, "c-conflict", "anna"), (s3, "c-conflict", "ben")
    ]  # fmt: skip
    assert names(project, "Frames") == ["Conflict"]  # deactivated, not deleted
    con = sqlite3.connect(project.path)
    assert con.execute("SELECT active FROM code WHERE uid = 'c-economy'").fetchone() == (0,)
    removes = con.execute(
        "SELECT COUNT(*) FROM label_event e JOIN code c ON c.id = e.code_id"
        " WHERE c.uid = 'c-economy' AND e.action = 'remove'"
    ).fetchone()
    con.close()
    assert removes == (3,)
    action, target, ev_before, after, _v = events(project)[-1]
    assert (action, target) == ("merge_codes", "c-conflict")
    assert after["summary"] == (
        "merged code Economy into Conflict (3 labels: 2 moved, 1 already there)"
    )
    assert len(ev_before["labels_removed"]) == 3 and len(ev_before["labels_added"]) == 2
    assert edit.sentence_ids == {s1, s2, s3}

    undo = project.undo_codebook_edit(edit.event_id)
    assert label_rows(project) == before
    assert names(project, "Frames") == ["Conflict", "Economy"]
    assert events(project)[-1][0] == "undo"

    project.undo_codebook_edit(undo.event_id)  # an undo is an edit like any other
    assert names(project, "Frames") == ["Conflict"]
    assert len(label_rows(project)) == 3


# --- split -----------------------------------------------------------------------------------


def test_split_adds_a_code_beside_the_original_and_flags_its_labels_for_review(
    project: Project,
) -> None:
    s1, s2, *_ = sentences(project)
    project.add_label(s1, "Denial", "anna")
    project.add_label(s2, "Denial", "ben")
    project.add_label(s2, "Claim", "anna")
    before = label_rows(project)
    edit = project.split_code("Denial", "Partial denial", key="p")
    assert names(project, "Statement") == ["Denial", "Partial denial", "Claim", "Opinion"]
    assert label_rows(project) == before
    flags = project.label_reviews()
    assert [(f.sentence_id, f.code, f.coder) for f in flags] == [
        (s1, "Denial", "anna"), (s2, "Denial", "ben")
    ]  # fmt: skip
    assert {f.reason for f in flags} == {"code Denial was split into Denial and Partial denial"}
    assert events(project)[-1][3]["flagged"] == 2

    assert project.clear_label_reviews([flags[0].label_id]) == 1
    assert len(project.label_reviews()) == 1
    project.undo_codebook_edit(edit.event_id)
    assert names(project, "Statement") == ["Denial", "Claim", "Opinion"]
    assert project.label_reviews() == []


# --- delete ----------------------------------------------------------------------------------


def test_deleting_a_code_with_labels_needs_merge_into_or_confirmation(project: Project) -> None:
    s1, s2, *_ = sentences(project)
    project.add_label(s1, "Opinion", "anna")
    project.add_label(s2, "Opinion", "ben")
    with pytest.raises(CodebookEditError, match="code 'Opinion' has 2 labels") as caught:
        project.delete_code("Opinion")
    assert caught.value.field == "labels"
    assert project.code_label_count("Opinion") == 2
    assert "Opinion" in names(project, "Statement")


def test_delete_without_labels_just_deactivates(project: Project) -> None:
    project.delete_code("Opinion")
    assert names(project, "Statement") == ["Denial", "Claim"]
    assert events(project)[-1][3]["summary"] == "deleted code Opinion"


def test_confirmed_delete_removes_labels_through_the_label_writer_and_they_can_be_restored(
    project: Project,
) -> None:
    s1, s2, *_ = sentences(project)
    project.add_label(s1, "Opinion", "anna")
    project.add_label(s2, "Opinion", "ben")
    project.add_label(s2, "Conflict", "ben")
    con = sqlite3.connect(project.path)
    con.execute("UPDATE label SET codebook_version = 2 WHERE sentence_id = ?", (s2,))
    con.commit()
    times = con.execute(
        "SELECT created_at, codebook_version FROM label l JOIN code c ON c.id = l.code_id"
        " WHERE c.uid = 'c-opinion' ORDER BY l.sentence_id"
    ).fetchall()
    con.close()
    edit = project.delete_code("Opinion", confirm=True, by="lead")
    assert label_rows(project) == [(s2, "c-conflict", "ben")]
    assert edit.summary == "deleted code Opinion and its 2 labels"
    con = sqlite3.connect(project.path)
    removes = con.execute("SELECT COUNT(*) FROM label_event WHERE action = 'remove'").fetchone()
    con.close()
    assert removes == (2,)
    assert len(events(project)[-1][2]["labels_removed"]) == 2

    restored = project.restore_labels(edit.event_id)
    assert restored.labels_changed == 2
    assert "Opinion" in names(project, "Statement")
    con = sqlite3.connect(project.path)
    again = con.execute(
        "SELECT created_at, codebook_version FROM label l JOIN code c ON c.id = l.code_id"
        " WHERE c.uid = 'c-opinion' ORDER BY l.sentence_id"
    ).fetchall()
    con.close()
    # the labels come back with the time they were made and the version they were made under
    assert again == times and [v for _at, v in again] == [1, 2]


def test_delete_merging_into_another_code_moves_the_labels(project: Project) -> None:
    s1, *_ = sentences(project)
    project.add_label(s1, "Opinion", "anna")
    edit = project.delete_code("Opinion", merge_into="Claim")
    assert label_rows(project) == [(s1, "c-claim", "anna")]
    assert edit.summary == "deleted code Opinion, its labels merged into Claim"
    project.undo_codebook_edit(edit.event_id)
    assert label_rows(project) == [(s1, "c-opinion", "anna")]


def test_undo_of_an_add_takes_the_code_out_and_redo_with_the_same_uid_brings_it_back(
    project: Project,
) -> None:
    edit = project.add_code("Frames", "Security", uid="c-security")
    project.undo_codebook_edit(edit.event_id)
    assert names(project, "Frames") == ["Conflict", "Economy"]
    project.add_code("Frames", "Security", uid="c-security")
    assert project.code("Security").uid == "c-security"


def test_every_event_carries_a_summary_and_the_current_version(project: Project) -> None:
    con = sqlite3.connect(project.path)
    con.execute("INSERT INTO codebook_version (number, note, published_at, published_by,"
                " changes_json) VALUES (2, 'v2', '2026-01-01', 'lead', '[]')")  # fmt: skip
    con.commit()
    con.close()
    project.rename_code("Denial", "Rejection")
    project.add_group("Actors")
    assert [(e[4], bool(e[3]["summary"])) for e in events(project)] == [(2, True), (2, True)]
    assert [e.summary for e in project.codebook_events()] == [
        "renamed code Denial to Rejection", "added group Actors"
    ]  # fmt: skip


def test_a_codebook_command_applies_reverts_and_reapplies(project: Project) -> None:
    from annotator.commands import CodebookCommand

    add = CodebookCommand("Add code", "add_code", ("Frames", "Security"), {"uid": "c-sec"})
    rename = CodebookCommand("Rename", "rename_code", ("c-sec", "Safety"))
    assert add.apply(project).codebook and rename.apply(project).changed
    rename.revert(project)
    add.revert(project)
    assert names(project, "Frames") == ["Conflict", "Economy"]
    add.apply(project)
    rename.apply(project)  # redo finds the code the redone add brought back
    assert names(project, "Frames") == ["Conflict", "Economy", "Safety"]
    assert not CodebookCommand("Rename", "rename_code", ("Safety", "Safety")).apply(project).changed


def test_merging_into_a_single_choice_code_drops_a_label_that_would_make_two_and_says_so(
    project: Project,
) -> None:
    s1, s2, *_ = sentences(project)
    project.add_label(s1, "Economy", "anna")
    project.add_label(s1, "Claim", "anna")  # anna's single choice of the Statement group
    project.add_label(s2, "Economy", "anna")
    edit = project.merge_codes("Denial", "Economy")
    assert label_rows(project) == [(s1, "c-claim", "anna"), (s2, "c-denial", "anna")]
    assert "1 dropped" in edit.summary and "1 moved" in edit.summary
    project.undo_codebook_edit(edit.event_id)
    assert label_rows(project) == [
        (s1, "c-claim", "anna"), (s1, "c-economy", "anna"), (s2, "c-economy", "anna")
    ]  # fmt: skip
