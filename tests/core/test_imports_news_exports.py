"""News-database exports: one file, many articles, each with the export's fields as metadata.

Each layout is written for the test in each container it comes in (Nexis Uni: .docx, .rtf,
.pdf; Factiva: .rtf, .html) and must give every article whole, with every field and the
exact text, and none of the boilerplate in the text.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import docx
import pytest

from annotator.imports import ImportProblem, ParsedArticle, read_path
from tests.core.helpers.news_files import (
    STORIES,
    Story,
    nexis_lines,
    rtf_document,
    write_factiva_html,
    write_factiva_rtf,
    write_nexis_docx,
    write_nexis_pdf,
    write_nexis_rtf,
)

NEXIS_WRITERS: dict[str, Callable[[Path], Path]] = {
    "docx": lambda folder: write_nexis_docx(folder / "export.docx"),
    "rtf": lambda folder: write_nexis_rtf(folder / "export.rtf"),
    "pdf": lambda folder: write_nexis_pdf(folder / "export.pdf"),
}
FACTIVA_WRITERS: dict[str, Callable[[Path], Path]] = {
    "rtf": lambda folder: write_factiva_rtf(folder / "factiva.rtf"),
    "html": lambda folder: write_factiva_html(folder / "factiva.html"),
}


def articles(path: Path) -> list[ParsedArticle]:
    found = list(read_path(path))
    problems = [item for item in found if isinstance(item, ImportProblem)]
    assert not problems, problems
    return [item for item in found if isinstance(item, ParsedArticle)]


@pytest.mark.parametrize("kind", sorted(NEXIS_WRITERS))
def test_nexis_export_gives_each_article_with_its_fields(tmp_path: Path, kind: str) -> None:
    path = NEXIS_WRITERS[kind](tmp_path)
    found = articles(path)
    assert len(found) == len(STORIES)
    for number, (article, story) in enumerate(zip(found, STORIES, strict=True), start=1):
        assert article.text == story.text
        assert article.title == story.headline
        assert article.source == story.outlet
        assert article.date == story.iso_date
        assert article.language == "en"
        meta = article.meta
        assert meta["byline"] == story.byline
        assert meta["section"] == story.section
        assert meta["length"] == f"{story.words} words"
        assert meta["date_text"] == story.date_line
        assert meta.get("copyright", "") == story.copyright
        assert meta["graphic"] == "PHOTO: A photo caption that is not part of the text."
        assert meta["load_date"] == story.date_line.split(" 9:")[0]
        assert meta["subject"] == "PEACE PROCESS (90%); TRADE (70%)"
        assert meta["language"] == "ENGLISH"
        assert meta["export"] == "Nexis Uni"
        assert meta["export_position"] == f"{number} of {len(STORIES)}"
        assert meta["file"] == path.name
        assert article.origin == f"{path} article {number}"


@pytest.mark.parametrize("kind", sorted(NEXIS_WRITERS))
def test_boilerplate_stays_out_of_nexis_text(tmp_path: Path, kind: str) -> None:
    for article in articles(NEXIS_WRITERS[kind](tmp_path)):
        for boilerplate in ("Copyright", "Load-Date", "Classification", "Graphic", "PHOTO",
                            "End of Document", "Length", "Page 1", "Documents ("):  # fmt: skip
            assert boilerplate not in article.text


@pytest.mark.parametrize("kind", sorted(FACTIVA_WRITERS))
def test_factiva_export_gives_each_article_with_its_fields(tmp_path: Path, kind: str) -> None:
    path = FACTIVA_WRITERS[kind](tmp_path)
    found = articles(path)
    assert len(found) == len(STORIES)  # the search summary after the last is no article
    for number, (article, story) in enumerate(zip(found, STORIES, strict=True), start=1):
        assert article.text == story.text  # LP then TD, paragraph by paragraph
        assert article.title == story.headline
        assert article.source == story.outlet
        assert article.date == story.iso_date
        assert article.language == "en"
        meta = article.meta
        assert meta["byline"] == f"By {story.byline}"
        assert meta["length"] == f"{story.words} words"
        assert meta["time"] == "09:20"
        assert meta["source_code"] == f"SRC{number}"
        assert meta["copyright"] == (story.copyright or f"(c) 2025 {story.outlet}")
        assert meta["subjects"] == "gpol : Domestic Politics"
        assert meta["accession_number"] == f"LEDG0000202503{number:02d}el330000{number}"
        assert meta["export"] == "Factiva"
        assert "Factiva, Inc." not in article.text and "Search Summary" not in article.text


def test_format_is_told_by_content_not_name(tmp_path: Path) -> None:
    """A Nexis export saved as RTF but named .txt is still RTF text to us? No: the name picks
    the container; the content picks the layout. Field-coded Factiva text in a .txt splits."""
    lines = []
    for story in STORIES:
        lines += [f"HD\t{story.headline}", f"PD\t{story.date_line}", f"SN\t{story.outlet}"]
        lines += [f"TD\t{story.paragraphs[0]}", *(f"\t{p}" for p in story.paragraphs[1:])]
        lines += ["AN\tDocument X", ""]
    path = tmp_path / "download.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = articles(path)
    assert [a.title for a in found] == [s.headline for s in STORIES]
    assert [a.text for a in found] == [s.text for s in STORIES]


def test_prose_that_mentions_the_markers_is_one_article(tmp_path: Path) -> None:
    path = tmp_path / "essay.docx"
    document = docx.Document()
    for paragraph in ("Body", "The Body of the report was long.", "End of Document ends it."):
        document.add_paragraph(paragraph)
    document.save(str(path))
    assert len(articles(path)) == 1


def test_missing_end_of_document_never_merges_two_articles(tmp_path: Path) -> None:
    lines = [line for line in nexis_lines() if line != "End of Document"]
    path = tmp_path / "old.rtf"
    path.write_bytes(rtf_document(lines))
    found = articles(path)
    assert [a.title for a in found] == [s.headline for s in STORIES]
    assert [a.text for a in found] == [s.text for s in STORIES]


def test_cover_count_that_disagrees_is_reported(tmp_path: Path) -> None:
    lines = nexis_lines()
    lines[lines.index(f"Documents ({len(STORIES)})")] = "Documents (4)"
    path = tmp_path / "short.rtf"
    path.write_bytes(rtf_document(lines))
    found = list(read_path(path))
    problems = [item for item in found if isinstance(item, ImportProblem)]
    assert len(found) - len(problems) == len(STORIES)
    assert [p.message for p in problems] == [
        "the export's cover page lists 4 documents but 3 were found in it: compare it with Nexis"
    ]


def test_entry_without_body_is_reported_not_imported_empty(tmp_path: Path) -> None:
    graphic_only = ["A map of the region", "Harbour Times", "March 4, 2025", "",
                    "Length:\xa01 words", "", "End of Document"]  # fmt: skip
    lines = nexis_lines(STORIES[:1], cover=False) + graphic_only
    path = tmp_path / "graphic.rtf"
    path.write_bytes(rtf_document(lines))
    found = list(read_path(path))
    assert isinstance(found[0], ParsedArticle)
    assert isinstance(found[1], ImportProblem)
    assert found[1].origin.endswith("article 2") and "no Body" in found[1].message


def test_old_lexisnexis_layout_is_split_too(tmp_path: Path) -> None:
    story: Story = STORIES[0]
    lines = []
    for number in (1, 2):
        lines += [f"                 {number} of 2 DOCUMENTS", "", f"  {story.outlet}", "",
                  f"  {story.date_line}", "", story.headline, "", f"BYLINE: {story.byline}",
                  "", f"LENGTH: {story.words} words", ""]  # fmt: skip
        for paragraph in story.paragraphs:  # hard-wrapped, as the .txt export is
            words = paragraph.split()
            lines += [" ".join(words[:5]), " ".join(words[5:]), ""]
        lines += ["LOAD-DATE: March 4, 2025", "", "LANGUAGE: ENGLISH", "", "  " + story.copyright]
    path = tmp_path / "nexis.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = articles(path)
    assert len(found) == 2
    assert found[1].text == story.text
    assert (found[1].title, found[1].source, found[1].date) == (
        story.headline, story.outlet, story.iso_date)  # fmt: skip
    assert found[1].meta["copyright"] == story.copyright
    assert found[1].meta["byline"] == story.byline


def test_import_reports_how_many_articles_each_export_held(tmp_path: Path) -> None:
    from annotator import Project

    folder = tmp_path / "downloads"
    folder.mkdir()
    write_nexis_docx(folder / "nexis.docx")
    write_factiva_html(folder / "factiva.html", STORIES[:2])
    (folder / "note.txt").write_text("One ordinary article.\n", encoding="utf-8")
    with Project.create(tmp_path / "p.annotator") as project:
        report = project.import_paths([folder])
    # Factiva's two are the same texts as Nexis's first two: exact duplicates, skipped
    assert (report.imported, len(report.skipped_duplicates)) == (len(STORIES) + 1, 2)
    assert report.articles_per_file == {
        str(folder / "factiva.html"): 2,
        str(folder / "nexis.docx"): len(STORIES),
    }


def test_docx_read_as_one_document_is_not_split(tmp_path: Path) -> None:
    """A REFI-QDA source is one text, even when it is a Nexis export (refi_project)."""
    from annotator.imports.word_documents import read_docx

    path = write_nexis_docx(tmp_path / "source.docx")
    article = read_docx(path.read_bytes(), "source")
    assert all(story.headline in article.text for story in STORIES)
    assert "End of Document" in article.text


def test_rtf_export_saved_as_txt_is_read_as_rtf(tmp_path: Path) -> None:
    path = tmp_path / "download.txt"
    path.write_bytes(write_nexis_rtf(tmp_path / "export.rtf").read_bytes())
    assert [a.title for a in articles(path)] == [s.headline for s in STORIES]


def test_pdf_saved_as_txt_is_read_as_pdf(tmp_path: Path) -> None:
    path = tmp_path / "download.txt"
    path.write_bytes(write_nexis_pdf(tmp_path / "export.pdf").read_bytes())
    assert [a.text for a in articles(path)] == [s.text for s in STORIES]
