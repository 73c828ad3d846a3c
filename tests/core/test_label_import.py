"""import-labels: the long layout read back, matched without guessing, round trips exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotator.exchange.labels import LabelImportError
from annotator.imports import ParsedArticle
from tests.core.test_export import label_rows
from tests.core.test_export_helpers import same_articles, sample_files


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from annotator.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.annotator"
    p = build_demo(path)
    first = p.article_ids()[0]
    sentence = p.sentences(first)[0]
    p.set_memo("anna", first, 'a memo, with "quotes"\nand a line', sentence)
    p.close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Any:
    from tests.core.test_export_helpers import copy_project

    project = copy_project(demo_file, tmp_path / "demo.annotator")
    yield project
    project.close()


def test_export_import_export_gives_an_identical_file(demo: Any, tmp_path: Path) -> None:
    demo.export(tmp_path / "a.csv")
    other = same_articles(demo, tmp_path / "other.annotator")
    report = other.import_labels(tmp_path / "a.csv")
    other.export(tmp_path / "b.csv")
    assert report.problem_count == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    other.close()


def test_labels_match_by_content_hash_in_an_independently_built_project(
    demo: Any, tmp_path: Path
) -> None:
    from annotator.codebook import default_codebook
    from annotator.project import Project

    demo.export(tmp_path / "a.csv")
    other = Project.create(tmp_path / "other.annotator", codebook=default_codebook())
    other.import_paths(sample_files())
    report = other.import_labels(tmp_path / "a.csv")
    other.export(tmp_path / "b.csv")
    a = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    b = pd.read_csv(tmp_path / "b.csv", dtype=str, keep_default_na=False)
    assert report.imported == demo.info()["labels"]
    pd.testing.assert_frame_equal(a.drop(columns="article_id"), b.drop(columns="article_id"))
    other.close()


def test_neutralised_cells_come_back_as_written(make_project: Any, tmp_path: Path) -> None:
    text = "=SUM(1) is a formula. @cmd too.\n\n'Quoted start here."
    source = make_project("f")
    source.import_articles([ParsedArticle(text=text, origin="x", title="-title")])
    for s in source.sentences(source.article_ids()[0]):
        source.add_label(s, "Denial", "+coder")
    source.export(tmp_path / "f.csv")
    target = same_articles(source, tmp_path / "g.annotator")
    report = target.import_labels(tmp_path / "f.csv")
    assert report.problem_count == 0
    assert target.coders() == ["+coder"]
    assert report.imported == len(source.sentences(source.article_ids()[0]))
    target.close()


def test_rows_that_match_nothing_are_reported_by_row_number(demo: Any, tmp_path: Path) -> None:
    demo.export(tmp_path / "a.csv")
    frame = label_rows(tmp_path / "a.csv")
    frame.loc[0, ["article_id", "article_hash"]] = ["nope", "nope"]
    frame.loc[1, "sentence_start"] = "99999"
    frame.loc[2, "code"] = "No such code"
    frame.loc[3, "labelled_at"] = "yesterday"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    target = same_articles(demo, tmp_path / "t.annotator")
    report = target.import_labels(tmp_path / "bad.csv")
    reasons = dict(report.problems)
    assert sorted(reasons) == [2, 3, 4, 5]
    assert "no article" in reasons[2]
    assert "no sentence at 99999" in reasons[3]
    assert "No such code" in reasons[4]
    assert "labelled_at" in reasons[5]
    assert report.imported == len(frame) - 4
    target.close()


def test_a_sentence_text_that_differs_is_reported_not_guessed(demo: Any, tmp_path: Path) -> None:
    demo.export(tmp_path / "a.csv")
    frame = label_rows(tmp_path / "a.csv")
    frame.loc[0, "sentence_text"] = "Some other text."
    frame.to_csv(tmp_path / "edited.csv", index=False)
    target = same_articles(demo, tmp_path / "t.annotator")
    report = target.import_labels(tmp_path / "edited.csv")
    assert report.problems == [
        (2, "sentence_text differs from the project's text at those offsets")
    ]
    target.close()


def test_importing_twice_adds_nothing_the_second_time(demo: Any, tmp_path: Path) -> None:
    demo.export(tmp_path / "a.csv")
    target = same_articles(demo, tmp_path / "t.annotator")
    first = target.import_labels(tmp_path / "a.csv")
    second = target.import_labels(tmp_path / "a.csv")
    assert first.imported > 0
    assert second.imported == 0 and second.already_present == first.imported
    target.close()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cols.csv", b"article_id,coder\nx,anna\n", "missing columns"),
        ("binary.csv", bytes(range(256)) * 8, "not a"),
        ("empty.csv", b"", "not a readable CSV"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip", "xlsx"),
    ],
)
def test_a_malformed_file_changes_nothing(
    demo: Any, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    target = same_articles(demo, tmp_path / "t.annotator")
    (tmp_path / name).write_bytes(content)
    before = target.info()
    with pytest.raises(LabelImportError, match=message):
        target.import_labels(tmp_path / name)
    assert target.info()["labels"] == before["labels"] == 0
    assert target.info()["coders"] == before["coders"]
    target.close()


def test_labels_come_back_from_the_xlsx_labels_sheet(demo: Any, tmp_path: Path) -> None:
    demo.export(tmp_path / "a.xlsx")
    target = same_articles(demo, tmp_path / "t.annotator")
    report = target.import_labels(tmp_path / "a.xlsx")
    assert report.problem_count == 0
    assert report.imported == demo.info()["labels"]
    target.close()


def test_a_skipped_row_does_not_add_its_coder(demo: Any, tmp_path: Path) -> None:
    """A row refused for its coder_status or labelled_at adds nothing, not even its coder: a
    coder listed as added must have come with something."""
    demo.export(tmp_path / "a.csv")
    frame = label_rows(tmp_path / "a.csv")
    assert "coder_status" in frame.columns
    frame.loc[0, ["coder", "coder_status"]] = ["zoe", "maybe"]
    frame.loc[1, ["coder", "labelled_at"]] = ["yann", "yesterday"]
    frame.to_csv(tmp_path / "bad.csv", index=False)
    target = same_articles(demo, tmp_path / "t.annotator")
    report = target.import_labels(tmp_path / "bad.csv")
    assert sorted(dict(report.problems)) == [2, 3]
    assert "coder_status 'maybe'" in dict(report.problems)[2]
    assert "zoe" not in report.coders_added and "yann" not in report.coders_added
    assert "zoe" not in target.coders() and "yann" not in target.coders()
    target.close()
