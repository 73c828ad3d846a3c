"""The pieces of news-export reading: dates and languages as databases print them, Factiva's
"Article" HTML, and field codes that appear in an article's own text."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from annotator.imports import ParsedArticle, read_path
from annotator.imports.factiva_layout import parse_factiva_lines
from annotator.imports.news_dates import language_code, parse_news_date
from annotator.imports.word_documents import _paragraph_text


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("July 1, 2019 Monday 9:20 AM GMT", "2019-07-01"),
        ("November 5, 2002 Tuesday Final Edition", "2002-11-05"),
        ("Jan. 8, 1993", "1993-01-08"),
        ("9 Januar 1993", "1993-01-09"),
        ("5. Juli 2019 Freitag", "2019-07-05"),
        ("1er avril 2017", "2017-04-01"),
        ("3 de marzo de 2019", "2019-03-03"),
        ("2025-03-04T10:00:00Z", "2025-03-04"),
        ("03/04/2019", ""),  # March or April: left as printed
        ("February 30, 2019", ""),  # no such day
        ("Guardian.com", ""),
    ],
)
def test_dates_as_printed_become_iso(printed: str, iso: str) -> None:
    assert parse_news_date(printed) == iso


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ENGLISH", "en"),
        ("Englisch", "en"),
        ("Deutsch", "de"),
        ("Français", "fr"),
        ("en-GB", "en"),
        ("Klingon", ""),
    ],
)
def test_language_names_become_codes(name: str, code: str) -> None:
    assert language_code(name) == code


def test_field_code_inside_a_paragraph_is_text() -> None:
    lines = [
        "HD\tTalks resume",
        "PD\t3 March 2025",
        "TD\tFirst paragraph.",
        "IN the end, both sides agreed.",
        "BY\tnot a byline here",
        "AN\tDocument X1",
    ]
    (record,) = parse_factiva_lines(lines)
    assert record.paragraphs == [
        "First paragraph.",
        "IN the end, both sides agreed.",
        "BY\tnot a byline here",
    ]
    assert "byline" not in record.meta and record.meta["accession_number"] == "X1"


def test_factiva_article_format_html(tmp_path: Path) -> None:
    article = """<div class="article enArticle"><p></p><div>Foreign Desk; 1</div>
    <div id="hd"><span class="enHeadline">Talks resume in Geneva</span></div>
    <div class="author">By Anna Berg</div><div>412 words</div><div>3 March 2025</div>
    <div>The Daily Ledger</div><div>LEDG</div><div>English</div>
    <div>Copyright 2025 The Daily Ledger Ltd.</div><p></p>
    <p class="articleParagraph enarticleParagraph">Delegations met again on Monday.</p>
    <p class="articleParagraph enarticleParagraph">A second round is planned.</p></div>"""
    path = tmp_path / "factiva.htm"
    path.write_text(f"<html><body>{article}{article.replace('Geneva', 'Vienna')}</body></html>")
    found = [item for item in read_path(path) if isinstance(item, ParsedArticle)]
    assert [a.title for a in found] == ["Talks resume in Geneva", "Talks resume in Vienna"]
    first = found[0]
    assert first.text == "Delegations met again on Monday.\n\nA second round is planned."
    assert (first.source, first.date, first.language) == ("The Daily Ledger", "2025-03-03", "en")
    assert first.meta["byline"] == "By Anna Berg"
    assert first.meta["section"] == "Foreign Desk; 1"
    assert first.meta["length"] == "412 words"
    assert first.meta["source_code"] == "LEDG"
    assert first.meta["copyright"] == "Copyright 2025 The Daily Ledger Ltd."


def test_docx_paragraph_text_is_python_docx_text(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Before a tab")
    paragraph.add_run().add_tab()
    paragraph.add_run("after it, then a break")
    paragraph.add_run().add_break()
    paragraph.add_run("and the next line.")
    document.add_paragraph("")
    document.save(str(tmp_path / "a.docx"))
    for block in docx.Document(str(tmp_path / "a.docx")).paragraphs:
        assert _paragraph_text(block._p) == block.text
