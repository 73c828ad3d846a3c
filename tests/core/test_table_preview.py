"""The import dialog's table preview: first rows, and the column the import takes for each role."""

from __future__ import annotations

import json
import time
from pathlib import Path

import openpyxl

from annotator.imports import TableOptions
from annotator.imports.table_preview import CELL_CHARS, PREVIEW_ROWS, preview_table


def _csv(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_usual_column_names_get_their_roles(tmp_path: Path) -> None:
    path = _csv(tmp_path, "headline,body,outlet,when\nA,Troops moved.,Wire,2025-01-02\n")
    preview = preview_table(path, TableOptions())
    assert preview.problem is None
    assert preview.columns == ["headline", "body", "outlet", "when"]
    assert preview.rows == [["A", "Troops moved.", "Wire", "2025-01-02"]]
    assert preview.roles["body"] == "text"
    assert preview.roles["headline"] == "title"
    assert preview.roles["outlet"] == "source"


def test_a_named_column_wins_and_a_missing_one_is_the_imports_own_refusal(
    tmp_path: Path,
) -> None:
    path = _csv(tmp_path, "headline,body\nA,Troops moved.\n")
    named = preview_table(path, TableOptions(text_column="headline"))
    assert named.roles["headline"] == "text, title"
    missing = preview_table(path, TableOptions(text_column="story"))
    assert missing.problem is not None and "story" in missing.problem
    assert missing.columns == ["headline", "body"]  # still shown, to pick the right name


def test_a_table_without_a_text_column_says_so(tmp_path: Path) -> None:
    preview = preview_table(_csv(tmp_path, "a;b\n1;2\n"), TableOptions())
    assert preview.columns == ["a", "b"]  # the semicolon was taken as the delimiter
    assert preview.problem is not None and "no text column" in preview.problem


def test_only_the_first_rows_and_the_start_of_each_cell_are_shown(tmp_path: Path) -> None:
    rows = "".join(f'T{i},"{"word " * 2_000}"\n' for i in range(2_000))  # about 20 MB
    path = _csv(tmp_path, "title,text\n" + rows)
    started = time.perf_counter()
    preview = preview_table(path, TableOptions())
    elapsed = time.perf_counter() - started
    assert len(preview.rows) == PREVIEW_ROWS
    assert all(len(cell) <= CELL_CHARS for row in preview.rows for cell in row)
    assert elapsed < 5  # reads a bounded prefix, not the 20 MB (generous for a loaded machine)


def test_a_binary_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\x01\x02PK" * 100)
    assert preview_table(path, TableOptions()).problem


def test_json_lines_and_xlsx_are_previewed_too(tmp_path: Path) -> None:
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps({"content": f"Text {i}.", "publisher": "Wire"}) for i in range(3)),
        encoding="utf-8",
    )
    preview = preview_table(jsonl, TableOptions())
    assert preview.roles == {"content": "text", "publisher": "source"}
    assert len(preview.rows) == 3
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["title", "text"])
    sheet.append(["A", "Troops moved."])
    xlsx = tmp_path / "a.xlsx"
    book.save(xlsx)
    preview = preview_table(xlsx, TableOptions())
    assert preview.rows == [["A", "Troops moved."]] and preview.roles["text"] == "text"
