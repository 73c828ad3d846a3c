"""The project file: create, reopen, labels, undoable commands, status, memos, event log."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import Project
from annotator.errors import (
    AnnotatorError,
    LabelError,
    NotAProjectError,
    NotFoundError,
    ProjectError,
    ReadOnlyProjectError,
    SchemaTooNewError,
)
from annotator.imports import ParsedArticle
from annotator.records import Status
from annotator.storage import tables as t
from annotator.storage.engine import integrity_check
from annotator.storage.unit_of_work import read_session, write_session
from tests.core.helpers.backends import where

#: Every test that makes a project runs on a project file and on a PostgreSQL server.
BOTH_BACKENDS = True

TEXT = (
    "Artillery fire struck Kovar on Tuesday, officials said. The army denied firing.\n\n"
    "Talks will resume in Geneva, the minister said."
)


def _article(project: Project, text: str = TEXT) -> int:
    report = project.import_articles([ParsedArticle(text=text, origin="test", title="Kovar")])
    return report.article_ids[0]


def test_create_refuses_to_overwrite_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.annotator"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path)
    assert path.read_text() == "precious"


def test_a_label_survives_closing_and_reopening(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    first = p.sentences(aid)[0]
    p.add_label(first, "Military action", "anna")
    path = where(p)
    p.close()
    with Project.open(path) as again:
        assert again.labels(aid) == {first.id: [("anna", "Military action")]}


def test_sentence_spans_reproduce_the_article_text(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    text = p.article(aid).text
    sentences = p.sentences(aid)
    assert [s.text for s in sentences] == [text[s.start : s.end] for s in sentences]
    assert len(sentences) == 3


def test_single_choice_group_replaces_the_previous_code(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    s = p.sentences(_article(p))[0]
    p.add_label(s, "Military action", "anna")
    p.add_label(s, "Denial", "anna")
    assert p.labels(s.article_id)[s.id] == [("anna", "Denial")]


def test_labels_are_kept_per_coder(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    s = p.sentences(_article(p))[0]
    p.add_label(s, "Military action", "anna")
    p.add_label(s, "Denial", "ben")
    assert sorted(p.labels(s.article_id)[s.id]) == [("anna", "Military action"), ("ben", "Denial")]


def test_remove_label_removes_only_that_coders_label(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    s = p.sentences(_article(p))[0]
    p.add_label(s, "Denial", "anna")
    p.add_label(s, "Denial", "ben")
    p.remove_label(s, "Denial", "anna")
    assert p.labels(s.article_id)[s.id] == [("ben", "Denial")]


def test_unknown_code_is_a_clear_error(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    s = p.sentences(_article(p))[0]
    with pytest.raises(NotFoundError, match="no code 'Propaganda'"):
        p.add_label(s, "Propaganda", "anna")


def test_toggle_command_adds_then_its_revert_restores(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    ids = [s.id for s in p.sentences(aid)]
    p.add_label(ids[0], "Denial", "anna")
    cmd = p.toggle_command(ids[:2], "Military action", "anna")
    assert cmd.apply(p).sentence_ids == set(ids[:2])
    assert p.labels(aid) == {
        ids[0]: [("anna", "Military action")],
        ids[1]: [("anna", "Military action")],
    }
    cmd.revert(p)
    assert p.labels(aid) == {ids[0]: [("anna", "Denial")]}


def test_toggle_on_sentences_that_all_have_the_code_removes_it(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    ids = [s.id for s in p.sentences(aid)][:2]
    p.toggle_command(ids, "Denial", "anna").apply(p)
    cmd = p.toggle_command(ids, "Denial", "anna")
    assert cmd.text.startswith("Remove Denial")
    cmd.apply(p)
    assert p.labels(aid) == {}


def test_clear_command_removes_the_coders_codes(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    s = p.sentences(aid)[0]
    p.add_label(s, "Denial", "anna")
    p.add_label(s, "Denial", "ben")
    p.clear_command([s], "anna").apply(p)
    assert p.labels(aid) == {s.id: [("ben", "Denial")]}


def test_every_label_change_is_logged_as_an_event(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    s = p.sentences(_article(p))[0]
    p.add_label(s, "Military action", "anna")
    p.add_label(s, "Denial", "anna")
    with read_session(p.engine) as session:
        actions = session.execute(
            select(t.label_event.c.action, t.code.c.name)
            .join(t.code, t.code.c.id == t.label_event.c.code_id)
            .order_by(t.label_event.c.id)
        ).all()
    assert [tuple(a) for a in actions] == [
        ("add", "Military action"),
        ("remove", "Military action"),
        ("add", "Denial"),
    ]


def test_labelling_marks_the_article_in_progress(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    assert p.status(aid, "anna") is Status.NOT_STARTED
    p.add_label(p.sentences(aid)[0], "Denial", "anna")
    assert p.status(aid, "anna") is Status.IN_PROGRESS
    p.set_status(aid, "anna", "done")
    assert p.status(aid, "anna") is Status.DONE


def test_memo_is_written_replaced_and_deleted(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    s = p.sentences(aid)[1]
    p.set_memo("anna", aid, "check source", sentence=s)
    p.set_memo("anna", aid, "source confirmed", sentence=s)
    p.set_memo("anna", aid, "whole article is a rewrite")
    memos = {(m.sentence_id, m.text) for m in p.memos(aid)}
    assert memos == {(s.id, "source confirmed"), (None, "whole article is a rewrite")}
    p.set_memo("anna", aid, "", sentence=s)
    assert [m.sentence_id for m in p.memos(aid)] == [None]


def test_reimporting_the_same_article_is_skipped_and_reported(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    _article(p)
    again = p.import_articles(
        [ParsedArticle(text=TEXT.replace("\n\n", "\n\n  "), origin="copy.txt")]
    )
    assert again.imported == 0
    assert len(again.skipped_duplicates) == 1
    assert len(p.articles()) == 1


def test_split_then_merge_restores_the_sentence(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    first = p.sentences(aid)[0]
    cut = p.article(aid).text.index(", officials") + 1
    p.split_sentence(first, cut)
    after = p.sentences(aid)
    assert [s.index for s in after] == [0, 1, 2, 3]
    assert after[0].text == "Artillery fire struck Kovar on Tuesday,"
    assert after[1].text == "officials said."
    p.merge_sentences(after[0], after[1])
    assert next(s.text for s in p.sentences(aid)) == first.text
    assert p.articles()[0].id == aid and p.article_summaries()[0].n_sentences == 3


def test_merging_sentences_keeps_every_coders_memo_on_the_second(make_project) -> None:  # type: ignore[no-untyped-def]
    """Per coder: a memo on the second sentence is appended to the one on the first (after a
    blank line), or moves onto the first; no memo is lost."""
    p = make_project()
    aid = _article(p)
    first, second, third = p.sentences(aid)
    p.set_memo("anna", aid, "anna on the first", sentence=first)
    p.set_memo("anna", aid, "anna on the second", sentence=second)
    p.set_memo("ben", aid, "ben on the second", sentence=second)
    p.set_memo("ben", aid, "ben on the third", sentence=third)
    p.merge_sentences(first, second)
    on = {(m.sentence_id, c): m.text for c in ("anna", "ben") for m in p.memos(aid, c)}
    assert on == {
        (first.id, "anna"): "anna on the first\n\nanna on the second",
        (first.id, "ben"): "ben on the second",
        (third.id, "ben"): "ben on the third",
    }


def test_a_labelled_sentence_cannot_be_split(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    first = p.sentences(aid)[0]
    p.add_label(first, "Denial", "anna")
    with pytest.raises(LabelError, match="has labels"):
        p.split_sentence(first, first.start + 5)


def test_labels_frame_has_one_row_per_label(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    s0, s1, _ = p.sentences(aid)
    p.add_label(s0, "Military action", "anna")
    p.add_label(s1, "Denial", "ben")
    frame = p.labels_frame()
    assert {"article_id", "article_title", "sentence_index", "coder", "group", "code"} <= set(
        frame.columns
    )
    assert frame[["sentence_index", "coder", "code", "group"]].values.tolist() == [
        [0, "anna", "Military action", "Statement type"],
        [1, "ben", "Denial", "Statement type"],
    ]
    assert frame["sentence_text"].tolist() == [s0.text, s1.text]


def test_opening_a_file_that_is_not_sqlite_is_refused_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.annotator"
    path.write_bytes(b"just some notes\n")
    with pytest.raises(NotAProjectError, match="not a SQLite file"):
        Project.open(path)
    assert path.read_bytes() == b"just some notes\n"


def test_opening_a_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("create table x(a)")
    con.commit()
    con.close()
    with pytest.raises(NotAProjectError, match="not an annotator project"):
        Project.open(path)


def test_a_file_from_a_newer_schema_is_refused(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    path = where(p)
    with write_session(p.engine) as s:
        s.execute(t.meta.update().where(t.meta.c.key == "schema_version").values(value="999"))
    p.close()
    with pytest.raises(SchemaTooNewError, match="newer annotator"):
        Project.open(path)


def test_read_only_project_refuses_writes(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    path = where(p)
    p.close()
    with Project.open(path, read_only=True) as ro:
        assert ro.read_only
        with pytest.raises(ReadOnlyProjectError):
            ro.add_label(ro.sentences(aid)[0], "Denial", "anna")


@pytest.mark.sqlite_only
def test_backup_is_a_consistent_copy(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    p.add_label(p.sentences(aid)[0], "Denial", "anna")
    saved = p.backup()
    with Project.open(saved, read_only=True) as copy:
        assert integrity_check(copy.engine) == "ok"
        assert list(copy.labels(aid).values()) == [[("anna", "Denial")]]
    assert p.backups() == [saved]


def test_a_server_project_is_backed_up_by_its_server(pg_url: str) -> None:
    with Project.create(pg_url) as p:
        assert p.is_server and p.backups() == []
        with pytest.raises(AnnotatorError, match="backed up by its server"):
            p.backup()


def test_demo_project_has_two_coders_who_mostly_agree(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project("demo", demo=True)
    info = p.info()
    assert info["articles"] == 5
    assert info["coder_names"] == ["anna", "ben"]
    assert info["articles_done"] == {"anna": 5, "ben": 5}
    frame = p.labels_frame()
    wide = frame.pivot_table(index="sentence_id", columns="coder", values="code", aggfunc="first")
    both = wide.dropna()
    agree = (both["anna"] == both["ben"]).mean()
    assert 0.8 <= agree < 1.0
    assert set(frame["code"]) == {c.name for c in p.codebook.codes}


def test_dropping_a_code_from_the_codebook_keeps_its_labels_and_the_replacement_removes_them(
    make_project,  # type: ignore[no-untyped-def]
) -> None:
    from annotator.codebook import default_codebook

    p = make_project()
    aid = _article(p)
    s = p.sentences(aid)[0]
    p.add_label(s, "Denial", "anna")
    full = default_codebook()
    group = full.groups[0]
    without_denial = full.model_copy(
        update={
            "groups": (
                group.model_copy(
                    update={"codes": tuple(c for c in group.codes if c.name != "Denial")}
                ),
            )
        }
    )
    changes = p.load_codebook(without_denial)
    assert changes.deactivated == ["Denial"]
    assert p.labels(aid) == {s.id: [("anna", "Denial")]}  # kept, hidden
    p.add_label(s, "Military action", "anna")  # single choice: the hidden code goes too
    assert p.labels(aid) == {s.id: [("anna", "Military action")]}


def test_a_group_dropped_from_the_codebook_is_hidden(make_project) -> None:  # type: ignore[no-untyped-def]
    from annotator.codebook import Code, Codebook, CodeGroup, default_codebook

    p = make_project()
    extra = CodeGroup(
        id="tone", name="Tone", codes=(Code(id="neg", name="Negative", key="x", color="#000000"),)
    )
    full = default_codebook()
    p.load_codebook(full.model_copy(update={"groups": (extra, *full.groups)}))
    assert [g.name for g in p.codebook.groups] == ["Tone", "Statement type"]
    p.load_codebook(full)
    assert [g.name for g in p.codebook.groups] == ["Statement type"]
    assert isinstance(full, Codebook)


def test_undo_never_removes_a_label_the_command_did_not_add(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    aid = _article(p)
    s0, s1, _ = p.sentences(aid)
    cmd = p.toggle_command([s0, s1], "Denial", "anna")  # planned while neither had it
    p.add_label(s1, "Denial", "anna")  # another window adds one of them meanwhile
    cmd.apply(p)
    cmd.revert(p)
    assert p.labels(aid) == {s1.id: [("anna", "Denial")]}


def test_a_code_name_two_groups_share_must_be_qualified(make_project) -> None:  # type: ignore[no-untyped-def]
    from annotator.codebook import Code, CodeGroup, default_codebook
    from annotator.errors import AmbiguousCodeError

    p = make_project()
    full = default_codebook()
    other = CodeGroup(
        id="g2", name="Second look", multiple=True,
        codes=(Code(id="den2", name="Denial", key="z", color="#000000"),),
    )  # fmt: skip
    p.load_codebook(full.model_copy(update={"groups": (*full.groups, other)}))
    with pytest.raises(AmbiguousCodeError, match="Statement type / Denial"):
        p.code("Denial")
    assert p.code("Second look / Denial").group == "Second look"


def test_find_matches_across_case_beyond_ascii(make_project) -> None:  # type: ignore[no-untyped-def]
    p = make_project()
    p.import_articles([ParsedArticle(text="Der ÄRGER wuchs. Nichts geschah.", origin="de")])
    hits = p.find("ärger")
    assert [h[4] for h in hits] == ["Der ÄRGER wuchs."]


def test_a_closed_project_refuses_every_call(make_project) -> None:  # type: ignore[no-untyped-def]
    from annotator.errors import ProjectClosedError

    p = make_project()
    aid = _article(p)
    p.close()
    with pytest.raises(ProjectClosedError):
        p.add_label(p.sentences(aid)[0], "Denial", "anna")


def test_articles_are_segmented_in_their_own_language(make_project) -> None:  # type: ignore[no-untyped-def]
    from annotator.importer import _language

    assert _language("en-GB") == "en"
    assert _language("uk") == "uk"
    assert _language("") == "en"
    assert _language("not a tag!") == "en"
