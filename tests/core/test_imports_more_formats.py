"""RTF, spreadsheets (.xlsx, .ods) and OpenDocument text (.odt), written here for each test."""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import H, P

from annotator.imports import ImportProblem, ParsedArticle, TableOptions, read_path
from tests.core.helpers.news_files import rtf_document


def read_all(
    path: Path, options: TableOptions | None = None
) -> list[ParsedArticle | ImportProblem]:
    return list(read_path(path, options or TableOptions()))


def test_rtf_unicode_escapes_and_characters_beyond_the_bmp(tmp_path: Path) -> None:
    path = tmp_path / "a.rtf"
    text = "Zelenskyy met Macron in Kyiv \u2014 \u201cfriendly\u201d talks \U0001f91d."
    path.write_bytes(rtf_document(["Київ: переговори", text]))
    (article,) = read_all(path)
    assert isinstance(article, ParsedArticle)
    assert article.text == "Київ: переговори\n" + text


def test_rtf_code_page_is_followed(tmp_path: Path) -> None:
    # \ansicpg1251: the bytes \'cc\'e8\'f0 are Cyrillic "Мир", not Latin "Ìèð"
    path = tmp_path / "cyr.rtf"
    path.write_bytes(b"{\\rtf1\\ansi\\ansicpg1251{\\fonttbl{\\f0\\fcharset204 Arial;}}\\f0 "
                     b"\\'cc\\'e8\\'f0 \\'e8 \\'e2\\'ee\\'e9\\'ed\\'e0.\\par}")  # fmt: skip
    (article,) = read_all(path)
    assert isinstance(article, ParsedArticle)
    assert article.text == "Мир и война."


def test_truncated_rtf_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.rtf"
    path.write_bytes(rtf_document(["A paragraph.", "Another one."])[:-12])
    (problem,) = read_all(path)
    assert isinstance(problem, ImportProblem)
    assert problem.message.startswith("damaged RTF file: 1 group never closed")
    assert "\n" not in problem.message


def test_file_named_rtf_that_is_not_rtf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.rtf"
    path.write_text("just text", encoding="utf-8")
    (problem,) = read_all(path)
    assert isinstance(problem, ImportProblem)
    assert problem.message.startswith("not an RTF file")


def test_xlsx_gives_one_article_per_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Title", "Text", "Date", "Words"])
    sheet.append(
        ["Front holds", "Troops held the line.\nTalks resumed.", datetime.date(2025, 1, 6), 7]
    )
    sheet.append([None, None, None, None])
    sheet.append(["Aid arrives", "Convoys reached Kharkiv.", datetime.datetime(2025, 1, 7), 3])
    book.create_sheet("notes").append(["a note"])
    path = tmp_path / "corpus.xlsx"
    book.save(path)
    found = read_all(path)
    problem, first, second = found
    assert isinstance(problem, ImportProblem)
    assert problem.message == "only the first sheet 'Sheet' was read, not 'notes'"
    assert isinstance(first, ParsedArticle) and isinstance(second, ParsedArticle)
    assert (first.title, first.text, first.date) == (
        "Front holds", "Troops held the line.\nTalks resumed.", "2025-01-06")  # fmt: skip
    assert first.meta == {"Words": "7"}
    assert (second.origin, second.date) == (f"{path} row 4", "2025-01-07")


def test_xlsx_named_text_column_is_used(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["headline", "story"])
    book.active.append(["H", "The story."])
    path = tmp_path / "c.xlsx"
    book.save(path)
    (article,) = read_all(path, TableOptions(text_column="story"))
    assert isinstance(article, ParsedArticle)
    assert (article.title, article.text) == ("H", "The story.")


def _ods_row(*values: str) -> TableRow:
    row = TableRow()
    for value in values:
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=value))
        row.addElement(cell)
    return row


def test_ods_gives_one_article_per_row(tmp_path: Path) -> None:
    document = OpenDocumentSpreadsheet()
    table = Table(name="articles")
    table.addElement(_ods_row("title", "text", "source"))
    table.addElement(_ods_row("Front holds", "Troops held the line.", "Wire"))
    empty = TableRow(numberrowsrepeated=1000)
    empty.addElement(TableCell(numbercolumnsrepeated=3))
    table.addElement(empty)
    table.addElement(_ods_row("Aid arrives", "Convoys reached Kharkiv.", "Daily"))
    number = TableCell(valuetype="float", value="12")
    row = _ods_row("Count", "Twelve were hurt.")
    row.addElement(number)
    table.addElement(row)
    document.spreadsheet.addElement(table)
    path = tmp_path / "corpus.ods"
    document.save(str(path))
    found = read_all(path)
    assert all(isinstance(item, ParsedArticle) for item in found)
    assert [(a.title, a.text, a.source) for a in found if isinstance(a, ParsedArticle)] == [
        ("Front holds", "Troops held the line.", "Wire"),
        ("Aid arrives", "Convoys reached Kharkiv.", "Daily"),
        ("Count", "Twelve were hurt.", "12"),
    ]
    assert found[1].origin == f"{path} row 1003"


def test_odt_paragraphs_and_title(tmp_path: Path) -> None:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Front line holds"))
    document.text.addElement(P(text="Troops held the line near Pokrovsk."))
    document.text.addElement(P(text="Talks resumed in Geneva."))
    path = tmp_path / "a.odt"
    document.save(str(path))
    (article,) = read_all(path)
    assert isinstance(article, ParsedArticle)
    assert article.text == (
        "Front line holds\n\nTroops held the line near Pokrovsk.\n\nTalks resumed in Geneva."
    )
    assert article.title == "Front line holds"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=6))
def test_rtf_fast_reading_gives_what_striprtf_gives(paragraphs: list[str]) -> None:
    """The import reads plain text in runs (rtf_documents._rtf_to_text); striprtf's own
    character-by-character reading must give the same text."""
    from striprtf.striprtf import rtf_to_text

    from annotator.imports.rtf_documents import _rtf_to_text

    source = rtf_document(paragraphs).decode("ascii")
    assert _rtf_to_text(source) == rtf_to_text(source, errors="replace")
