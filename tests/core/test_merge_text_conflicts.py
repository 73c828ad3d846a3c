"""merge: another text under the id of a lead article is a conflict (issue 18, item 6). Nothing
of that article is merged, no label moves silently, and the report says where each label would
have landed; the rest of the file merges as before, and the CLI exits with status 1."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from annotator.cli import main
from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from annotator.project import Project

LEAD_TEXT = (
    "Troops advanced on Monday. The ministry denied it. Talks resume in Geneva. "
    "Observers were not allowed in."
)
# The coder's copy: other words, split into other sentences.
OTHER_TEXT = (
    "Troops advanced on Monday, the ministry said, and denied it. Talks resumed in Geneva on "
    "Friday. Observers, however, were not allowed in. Nobody commented."
)
KEPT_TEXT = "A convoy was seen near the border. Officials declined to comment."


def articles(*texts: str) -> list[ParsedArticle]:
    return [
        ParsedArticle(text=text, origin="x", title=f"Article {i}") for i, text in enumerate(texts)
    ]


@pytest.fixture
def lead(tmp_path: Path) -> Any:
    p = Project.create(tmp_path / "lead.annotator", codebook=default_codebook())
    p.import_articles(articles(LEAD_TEXT))
    yield p
    p.close()


def coder_file(tmp_path: Path, lead: Project, *, stale_hash: bool) -> Path:
    """anna's file: OTHER_TEXT under the lead article's id, every sentence labelled, a memo and
    a status on it; and KEPT_TEXT, an article the lead does not have, labelled too.

    stale_hash: the file also carries the lead text's hash (as a file edited outside the app
    would), which is what made the old merge match the texts and move 14 labels."""
    path = tmp_path / "anna.annotator"
    target = lead.article(lead.article_ids()[0])
    with Project.create(path, codebook=default_codebook()) as p:
        p.import_articles(articles(OTHER_TEXT, KEPT_TEXT))
        changed, kept = p.article_ids()
        for sentence in p.sentences(changed):
            p.add_label(sentence, "Denial", "anna")
        p.add_label(p.sentences(kept)[0], "Military action", "anna")
        p.set_memo("anna", changed, "memo on the changed text")
        p.set_status(changed, "anna", "done")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE article SET uid = ? WHERE id = ?", (target.uid, changed))
        if stale_hash:
            db.execute(
                "UPDATE article SET content_hash = ? WHERE id = ?", (target.content_hash, changed)
            )
    return path


@pytest.mark.parametrize("stale_hash", [True, False], ids=["stale hash", "own hash"])
def test_another_text_under_the_same_id_is_not_merged_but_reported(
    lead: Project, tmp_path: Path, stale_hash: bool
) -> None:
    report = lead.merge([coder_file(tmp_path, lead, stale_hash=stale_hash)])
    [conflict] = report.text_conflicts
    assert conflict.uid == lead.article(lead.article_ids()[0]).uid
    # Nothing of the changed article reached the lead: no label, memo or status.
    first = lead.article_ids()[0]
    assert lead.article(first).text == LEAD_TEXT
    assert lead.labels(first) == [] or all(not codes for codes in lead.labels(first).values())
    assert lead.memos(first) == []
    assert lead.status(first, "anna").label == "not started"
    assert report.labels_moved == 0
    # The article the lead did not have is merged as before.
    assert report.articles_added == 1 and report.labels_added == 1
    assert "NOT merged: another text under the lead's id" in report.summary()


def test_the_report_says_where_each_label_would_have_landed(lead: Project, tmp_path: Path) -> None:
    report = lead.merge([coder_file(tmp_path, lead, stale_hash=True)])
    [conflict] = report.text_conflicts
    # By the merge's offset rule (non-whitespace characters): the longer text runs past the
    # lead's end, which is why labels must not be moved this way.
    assert conflict.landings == [
        "anna/Denial sentence_number 1 -> lead sentence_number 1, 2",
        "anna/Denial sentence_number 2 -> lead sentence_number 3, 4",
        "anna/Denial sentence_number 3 -> no lead sentence",
        "anna/Denial sentence_number 4 -> no lead sentence",
    ]
    [line] = [c for c in report.conflicts if "another text" in c]
    assert line.startswith("anna.annotator: article 'Article 0' (")
    assert "its 4 labels would land: anna/Denial sentence_number 1 -> lead" in line
    assert "\n" not in line
    assert report.skipped == 4


def test_a_copy_that_differs_only_in_white_space_is_the_same_text(
    lead: Project, tmp_path: Path
) -> None:
    path = tmp_path / "ben.annotator"
    with Project.create(path, codebook=default_codebook()) as p:
        p.import_articles(articles(LEAD_TEXT.replace(". ", ".\n\n  ")))
        for sentence in p.sentences(p.article_ids()[0]):
            p.add_label(sentence, "Denial", "ben")
    report = lead.merge([path])
    assert report.text_conflicts == []
    assert report.labels_added == len(lead.sentences(lead.article_ids()[0]))


def test_the_cli_exits_with_status_1_and_prints_the_conflict(
    lead: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = coder_file(tmp_path, lead, stale_hash=True)
    lead.close()
    status = main(["merge", str(tmp_path / "lead.annotator"), str(other)])
    out = capsys.readouterr().out
    assert status == 1
    assert "1 article NOT merged: another text under the lead's id" in out
    assert "anna/Denial sentence_number 4 -> no lead sentence" in out


def test_a_conflict_with_many_labels_lists_the_first_and_counts_the_rest() -> None:
    from annotator.merge_texts import MAX_LANDINGS_LISTED, TextConflict

    conflict = TextConflict("anna.annotator", "u-1", "")
    for index in range(MAX_LANDINGS_LISTED + 5):
        conflict.land("anna", "Denial", index, [index])
    line = conflict.line()
    assert conflict.labels == MAX_LANDINGS_LISTED + 5
    assert len(conflict.landings) == MAX_LANDINGS_LISTED
    assert line.startswith("anna.annotator: article (u-1) has another text")
    assert line.endswith(f"sentence_number {MAX_LANDINGS_LISTED}; ... and 5 more")


def test_a_copy_of_the_lead_with_stale_stored_hashes_merges_without_conflict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Both files carry a stale stored hash for the same text: the texts are compared by the
    hash of what they hold, so the copy's labels, memo and status merge and the CLI exits 0."""
    lead_path = tmp_path / "lead.annotator"
    with Project.create(lead_path, codebook=default_codebook()) as p:
        p.import_articles(articles(LEAD_TEXT))
    copy = tmp_path / "anna.annotator"
    copy.write_bytes(lead_path.read_bytes())
    with Project.open(copy) as p:
        [article] = p.article_ids()
        for sentence in p.sentences(article):
            p.add_label(sentence, "Denial", "anna")
        p.set_memo("anna", article, "a memo")
        p.set_status(article, "anna", "done")
    for path in (lead_path, copy):
        with sqlite3.connect(path) as db:
            db.execute("UPDATE article SET content_hash = 'stale'")
    status = main(["merge", str(lead_path), str(copy)])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "another text" not in out
    with Project.open(lead_path) as p:
        [article] = p.article_ids()
        labels = p.labels(article)
        assert sum(len(codes) for codes in labels.values()) == len(p.sentences(article))
        assert [m.text for m in p.memos(article, "anna")] == ["a memo"]
        assert p.status(article, "anna").name == "DONE"


def test_a_new_text_whose_hash_the_lead_still_stores_stale_is_reported_not_a_crash(
    lead: Project, tmp_path: Path
) -> None:
    """The lead's article holds LEAD_TEXT but stores KEPT_TEXT's hash (edited outside the app):
    a coder's KEPT_TEXT under another id cannot be stored beside it, so it is a reported
    conflict with that article, and the merge goes on."""
    path = tmp_path / "ben.annotator"
    with Project.create(path, codebook=default_codebook()) as p:
        p.import_articles(articles(KEPT_TEXT))
        p.add_label(p.sentences(p.article_ids()[0])[0], "Denial", "ben")
        kept_hash = p.article(p.article_ids()[0]).content_hash
    lead_path = lead.path
    lead.close()
    with sqlite3.connect(lead_path) as db:
        db.execute("UPDATE article SET content_hash = ?", (kept_hash,))
    with Project.open(lead_path) as p:
        report = p.merge([path])
        assert len(report.text_conflicts) == 1
        assert [p.article(a).text for a in p.article_ids()] == [LEAD_TEXT]
