"""What an import guesses about an article, as a new user met it (issue 19, section 4): no date
made up from a copyright footer, the outlet column as the source, a headline as the title."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.imports import ParsedArticle, read_path
from annotator.project import Project

BODY = (
    "<p>Troops advanced on Monday near the border, officials said. The ministry denied the "
    "report and called it propaganda.</p><p>Negotiators met again in Geneva, where observers "
    "were not allowed in. A spokesman declined to comment on the talks.</p><p>Analysts said "
    "the fighting would continue whatever the outcome of the meeting.</p>"
)


def page(head: str = "", byline: str = "", footer: str = "") -> bytes:
    return (
        f'<html lang="en"><head><title>Talks resume</title>{head}</head><body>'
        f"<article><h1>Talks resume</h1>{byline}{BODY}</article>"
        f"<footer>{footer}</footer></body></html>"
    ).encode()


def read_one(path: Path) -> ParsedArticle:
    [article] = list(read_path(path))
    assert isinstance(article, ParsedArticle), article
    return article


@pytest.mark.parametrize(
    "footer",
    [
        "<p>&copy; 2025 Daily Planet Media. All rights reserved.</p>",
        "<p>Copyright 2025 Daily Planet</p>",
        "<p>(c) 2019-2025 Daily Planet</p>",
    ],
)
def test_a_page_without_a_date_gets_none_from_its_copyright_footer(
    tmp_path: Path, footer: str
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(page(footer=footer))
    assert read_one(path).date == ""


@pytest.mark.parametrize(
    ("head", "byline"),
    [
        ('<meta property="article:published_time" content="2025-01-01T09:00:00Z">', ""),
        ("", '<p class="byline">By Lois Lane, January 1, 2025</p>'),
    ],
    ids=["metadata", "byline"],
)
def test_a_page_that_states_1_january_keeps_it(tmp_path: Path, head: str, byline: str) -> None:
    path = tmp_path / "new_year.html"
    path.write_bytes(page(head, byline, footer="<p>&copy; 2025 Daily Planet</p>"))
    assert read_one(path).date == "2025-01-01"


def test_a_page_with_a_date_keeps_it_whatever_its_footer_says(tmp_path: Path) -> None:
    path = tmp_path / "dated.html"
    head = '<meta property="article:published_time" content="2024-03-12T09:00:00Z">'
    path.write_bytes(page(head, footer="<p>&copy; 2025 Daily Planet</p>"))
    assert read_one(path).date == "2024-03-12"


@pytest.mark.parametrize("column", ["outlet", "Outlet", "publisher", "newspaper", "publication"])
def test_a_table_column_naming_the_outlet_is_the_source(tmp_path: Path, column: str) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text(f"title,text,{column}\nTalks,The talks resumed.,Daily Planet\n")
    article = read_one(path)
    assert article.source == "Daily Planet"
    assert column not in article.meta


def test_a_json_lines_outlet_key_is_the_source(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps({"text": "The talks resumed.", "outlet": "Daily Planet"}) + "\n")
    assert read_one(path).source == "Daily Planet"


def test_markdown_front_matter_outlet_is_the_source(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("---\noutlet: Daily Planet\n---\n# Talks resume\n\nThe talks resumed.\n")
    assert read_one(path).source == "Daily Planet"


HEADLINE_CASES = {
    "headline, blank line, body": ("Drones hit Kyiv overnight\n\nThe attack began at 2 am.", True),
    "headline, then the body": ("Drones hit Kyiv overnight\nThe attack began at 2 am.", True),
    "a question": ("Is a ceasefire near?\n\nDiplomats met on Monday.", True),
    "first line ends like a sentence": ("Drones hit Kyiv.\n\nThe attack began at 2 am.", False),
    "a paragraph wrapped at a fixed width": (
        "Drones hit the capital overnight as air defences\nengaged targets over the city.",
        False,
    ),
    "a long first line is the first paragraph": (
        "Ukraine has ramped up its military operations against Russia as both countries "
        "engage in fierce battles along various fronts, officials in Kyiv said on Monday "
        "evening\n\nRussia countered on January 6.",
        False,
    ),
    "a date line": ("06/01/2025\n\nThe attack began at 2 am.", False),
    "one line only": ("Drones hit Kyiv overnight", False),
}


@pytest.mark.parametrize("case", sorted(HEADLINE_CASES))
def test_a_text_file_takes_its_first_line_as_title_only_when_it_is_a_headline(
    make_project, tmp_path: Path, case: str
) -> None:  # type: ignore[no-untyped-def]
    text, is_headline = HEADLINE_CASES[case]
    path = tmp_path / "war_report-2.txt"
    path.write_text(text)
    project: Project = make_project()
    project.import_paths([path])
    [article] = project.articles()
    assert article.title == (text.split("\n")[0] if is_headline else "war report 2")
