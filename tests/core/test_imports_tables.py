"""CSV, TSV and JSON Lines corpora: one article per row, a bad row does not stop the rest."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from annotator.imports import ImportProblem, ParsedArticle, TableOptions, read_path


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def articles(path: Path, options: TableOptions | None = None) -> list[ParsedArticle]:
    return [
        item
        for item in read_path(path, options or TableOptions())
        if isinstance(item, ParsedArticle)
    ]


def test_csv_rows_become_articles_with_detected_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "corpus.csv",
        [
            ["id", "Headline", "date", "source", "body", "section"],
            ["7", "Talks resume", "2025-01-06", "Wire", "Delegations met.", "World"],
        ],
    )
    [article] = articles(path)
    assert (article.title, article.date, article.source, article.text) == (
        "Talks resume",
        "2025-01-06",
        "Wire",
        "Delegations met.",
    )
    assert article.meta == {"id": "7", "section": "World"}
    assert article.origin == f"{path} row 2"


def test_csv_quoted_newlines_and_commas_stay_in_one_field(tmp_path: Path) -> None:
    body = 'First paragraph, with commas.\r\n\r\nSecond "quoted" paragraph.'
    path = write_csv(tmp_path / "c.csv", [["title", "text"], ["A, B", body], ["C", "Short."]])
    found = articles(path)
    assert [a.title for a in found] == ["A, B", "C"]
    assert found[0].text == 'First paragraph, with commas.\n\nSecond "quoted" paragraph.'


def test_csv_semicolon_delimiter_is_detected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["title", "text"], ["T", "One, two."]], delimiter=";")
    assert [(a.title, a.text) for a in articles(path)] == [("T", "One, two.")]


def test_tsv_uses_tabs(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.tsv", [["title", "text"], ["T", "One; two, three."]], "\t")
    assert [a.text for a in articles(path)] == ["One; two, three."]


def test_csv_with_a_10_mb_field_is_read(tmp_path: Path) -> None:
    body = "Word " * 2_000_000 + "end."
    path = write_csv(tmp_path / "c.csv", [["text"], [body]])
    [article] = articles(path)
    assert article.text == body


def test_csv_without_text_column_names_the_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["id", "headline", "content"], ["1", "T", "x"]])
    [problem] = list(read_path(path, TableOptions(text_column="body")))
    assert isinstance(problem, ImportProblem)
    assert problem.message == "no text column 'body' (columns: id, headline, content)"


def test_csv_with_no_recognisable_text_column_is_one_problem(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["id", "words"], ["1", "x"], ["2", "y"]])
    [problem] = list(read_path(path))
    assert isinstance(problem, ImportProblem)
    assert "columns: id, words" in problem.message


def test_csv_with_only_a_header_is_one_problem(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["title", "text"]])
    assert [(p.origin, p.message) for p in read_path(path)] == [
        (str(path), "no rows below the header")
    ]


def test_csv_named_text_column_is_used(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["text", "words"], ["not this", "this"]])
    assert [a.text for a in articles(path, TableOptions(text_column="words"))] == ["this"]


def test_csv_empty_text_cell_is_a_problem_for_that_row_only(tmp_path: Path) -> None:
    rows = [["title", "text"], ["a", "one"], ["b", "  "], ["c", "three"]]
    results = list(read_path(write_csv(tmp_path / "c.csv", rows)))
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["ParsedArticle", "ImportProblem", "ParsedArticle"]
    assert results[1].origin == f"{tmp_path / 'c.csv'} row 3"


def test_csv_meta_columns_limit_what_is_kept(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [["text", "a", "b"], ["x", "1", "2"]])
    [article] = articles(path, TableOptions(meta_columns=("b",)))
    assert article.meta == {"b": "2"}


def test_csv_in_cp1252_decodes(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes("title,text\nCaf\u00e9,\u201cQuoted\u201d na\u00efve text\n".encode("cp1252"))
    assert [a.text for a in articles(path)] == ["\u201cQuoted\u201d na\u00efve text"]


def test_jsonl_lines_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [
        {"text": "One.", "title": "T1", "url": "https://e.org/1", "tags": ["war", "kyiv"]},
        {"text": "Two.", "headline": "T2", "words": 2},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    found = articles(path)
    assert [(a.text, a.title) for a in found] == [("One.", "T1"), ("Two.", "T2")]
    assert found[0].url == "https://e.org/1"
    assert found[0].meta == {"tags": '["war", "kyiv"]'}
    assert found[1].meta == {"words": "2"}


def test_jsonl_bad_line_is_a_problem_and_other_lines_go_on(tmp_path: Path) -> None:
    path = tmp_path / "c.ndjson"
    path.write_text('{"text": "One."}\n{"text": "Tw\n\n{"text": "Three."}\n', encoding="utf-8")
    results = list(read_path(path))
    assert [r.text for r in results if isinstance(r, ParsedArticle)] == ["One.", "Three."]
    [problem] = [r for r in results if isinstance(r, ImportProblem)]
    assert problem.origin == f"{path} line 2"
    assert problem.message.startswith("invalid JSON")


def test_jsonl_without_text_key_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"id": 1, "words": "x"}\n{"id": 2, "words": "y"}\n', encoding="utf-8")
    [problem] = list(read_path(path))
    assert isinstance(problem, ImportProblem)
    assert "columns: id, words" in problem.message


def test_jsonl_deeply_nested_line_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("[" * 100_000 + "\n" + '{"text": "ok"}\n', encoding="utf-8")
    results = list(read_path(path))
    assert [type(r).__name__ for r in results] == ["ImportProblem", "ParsedArticle"]
