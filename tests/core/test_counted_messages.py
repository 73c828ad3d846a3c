"""Messages a researcher reads count in words that agree with the number: "1 status advanced",
"2 statuses advanced", never "1 statuses"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.exchange.labels import LabelImportReport
from annotator.exchange.merge import MergeReport
from annotator.exchange.refi import RefiImportReport
from annotator.records import CodebookChanges, plural
from tests.core.test_merge import _coder_file

#: a count followed by a plural noun: "1 labels", "1 statuses" (what the tests look for)
ONE_WITH_PLURAL = re.compile(r"(?<![\d,.])1 (?!status\b)[a-z-]+s\b")


@pytest.mark.parametrize(
    ("n", "word", "many", "expected"),
    [
        (1, "status", "statuses", "1 status"),
        (2, "status", "statuses", "2 statuses"),
        (0, "status", "statuses", "0 statuses"),
        (1, "label", None, "1 label"),
        (1_234, "label", None, "1,234 labels"),
    ],
)
def test_plural_agrees_with_the_number(n: int, word: str, many: str | None, expected: str) -> None:
    assert plural(n, word, many) == expected


def test_a_merge_of_one_of_each_says_so_in_the_singular() -> None:
    report = MergeReport(
        files=["anna.annotator"],
        articles_added=1,
        labels_added=1,
        labels_present=1,
        memos_added=1,
        statuses_raised=1,
        codes_added=["Denial"],
        labels_moved=1,
        skipped=1,
        conflicts=["one"],
    )
    summary = report.summary()
    assert "1 status advanced" in summary
    assert "1 article added" in summary and "1 memo added" in summary
    assert not ONE_WITH_PLURAL.search(summary), summary


def test_a_merge_of_two_of_each_keeps_the_plurals() -> None:
    summary = MergeReport(files=["a", "b"], statuses_raised=2, memos_added=2).summary()
    assert "2 statuses advanced" in summary and "2 memos added" in summary
    assert "merged 2 files" in summary


def test_one_of_each_in_the_other_reports_is_singular() -> None:
    refi = RefiImportReport(
        sources=1,
        articles_added=1,
        codings=1,
        selections=1,
        labels_added=1,
        ranges_kept=1,
        memos_added=1,
        codes_added=["x"],
        coders_added=["anna"],
        problems=["p"],
    )
    labels = LabelImportReport(rows=1, imported=1, memos_added=1, problem_count=1)
    codebook = CodebookChanges(added=["Denial"])
    for text in (refi.summary(), labels.summary(), codebook.summary()):
        assert not ONE_WITH_PLURAL.search(text), text


def test_a_real_merge_of_one_coder_file_reads_in_the_singular(tmp_path: Path) -> None:
    """One article, one label, one memo, one status: the summary the merge dialog shows."""
    from annotator.codebook import default_codebook
    from annotator.project import Project

    (tmp_path / "coders").mkdir()
    coder = _coder_file(tmp_path / "coders", "anna", "Denial", n_articles=1)
    with Project.create(tmp_path / "lead.annotator", codebook=default_codebook()) as lead:
        summary = lead.merge([coder]).summary()
    assert "merged 1 file, 1 article added, 1 label added" in summary
    assert "1 memo added, 1 status advanced" in summary
