"""PDFs with real layout: what a reader sees on the page, not how the PDF happens to store it.

Each test lays out a page with fpdf2 the way newspapers, journals and office programs do, and
checks the text that comes out: wrapped lines make one paragraph, hyphenated words are whole,
running heads and page numbers are gone, columns are read one after the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from annotator.imports import ImportProblem, ParsedArticle, read_path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
Placed = tuple[float, float, str]  # x, y (mm from the top left), text


def write_pdf(path: Path, pages: list[list[Placed]], size: float = 11, font: str = "") -> Path:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    if font:
        pdf.add_font("body", "", font)
    for placed in pages:
        pdf.add_page()
        pdf.set_font("body" if font else "helvetica", "", size)
        for x, y, text in placed:
            pdf.text(x, y, text)
    pdf.output(str(path))
    return path


def column(x: float, y: float, lines: list[str], pitch: float = 5.5) -> list[Placed]:
    return [(x, y + n * pitch, line) for n, line in enumerate(lines)]


def wrapped(x: float, y: float, width: float, paragraphs: list[str]) -> list[Placed]:
    """Paragraphs wrapped to `width` mm as a typesetter does (by glyph widths, helvetica 11),
    with half a line between paragraphs."""
    measure = FPDF()
    measure.add_page()
    measure.set_font("helvetica", "", 11)
    placed: list[Placed] = []
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split():
            if line and measure.get_string_width(f"{line} {word}") > width:
                placed.append((x, y, line))
                y, line = y + 5.5, word
            else:
                line = f"{line} {word}".strip()
        placed.append((x, y, line))
        y += 8.5
    return placed


def text_of(path: Path) -> str:
    found = [item for item in read_path(path) if isinstance(item, ParsedArticle)]
    assert len(found) == 1
    return found[0].text


WRAPPED = [
    "The negotiations continued late into the night as delegates",
    "from both sides argued over the wording of the final text,",
    "officials said on Tuesday. A second round is planned for",
    "April in Geneva.",
]
PARAGRAPH = (
    "The negotiations continued late into the night as delegates from both sides argued over "
    "the wording of the final text, officials said on Tuesday. A second round is planned for "
    "April in Geneva."
)


def test_hard_line_breaks_inside_a_paragraph_do_not_split_it(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "a.pdf", [column(20, 30, WRAPPED)])
    assert text_of(path) == PARAGRAPH


def test_paragraphs_are_told_by_the_space_between_them(tmp_path: Path) -> None:
    second = ["Neither side commented on reports of new shelling near", "the port."]
    page = column(20, 30, WRAPPED) + column(20, 30 + 5 * 5.5 + 3, second)
    path = write_pdf(tmp_path / "a.pdf", [page])
    assert text_of(path) == PARAGRAPH + "\n\n" + " ".join(second)


def test_word_hyphenated_at_line_end_is_joined(tmp_path: Path) -> None:
    lines = [
        "The delegates resumed the nego-",
        "tiations on Monday after a pause of three weeks in which the",
        "ceasefire held along most of the front line, officials said.",
    ]
    path = write_pdf(tmp_path / "a.pdf", [column(20, 30, lines)])
    text = text_of(path)
    assert "negotiations on Monday" in text and "nego-" not in text


def test_running_heads_footers_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    pages = []
    body = [f"Paragraph {n} tells what happened in the region on day {n}." for n in range(3)]
    for number in range(1, 4):
        pages.append(
            [
                (20, 12, "The Daily Ledger  -  Weekly edition"),
                (180, 12, f"{number}"),
                *column(20, 30, [body[number - 1]]),
                (100, 285, f"Page {number} of 3"),
                (20, 290, "www.ledger.example"),
            ]
        )
    path = write_pdf(tmp_path / "a.pdf", pages)
    assert text_of(path) == "\n\n".join(body)


def test_page_number_alone_is_no_sentence(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "a.pdf", [[*column(20, 30, WRAPPED), (105, 287, "1")]])
    assert text_of(path) == PARAGRAPH


def test_two_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    left = [
        "Troops held the line near the river for a third day, the army said on Sunday. "
        "Shelling eased in the afternoon, when the first convoys arrived.",
        "Aid groups said the roads were open again.",
    ]
    right = [
        "In the capital, talks on the exchange of prisoners went on into the evening. "
        "A statement is expected on Monday, a spokesman said."
    ]
    headline = [(20, 20, "Front line holds as talks go on in the capital")]
    page = headline + wrapped(20, 35, 80, left) + wrapped(110, 35, 80, right)
    path = write_pdf(tmp_path / "a.pdf", [page])
    assert text_of(path) == (
        "Front line holds as talks go on in the capital\n\n"
        "Troops held the line near the river for a third day, the army said on Sunday. "
        "Shelling eased in the afternoon, when the first convoys arrived.\n\n"
        "Aid groups said the roads were open again.\n\n"
        "In the capital, talks on the exchange of prisoners went on into the evening. "
        "A statement is expected on Monday, a spokesman said."
    )


def test_a_paragraph_cut_by_a_page_break_is_joined(tmp_path: Path) -> None:
    pages = [column(20, 270, WRAPPED[:2]), column(20, 30, WRAPPED[2:])]
    path = write_pdf(tmp_path / "a.pdf", pages)
    assert text_of(path) == PARAGRAPH


@pytest.mark.skipif(not DEJAVU.exists(), reason="needs the DejaVu font to write ligatures")
def test_ligatures_and_odd_spaces_are_normalised(tmp_path: Path) -> None:
    line = "The \ufb01rst of\ufb01cial \ufb02ights left at\u20099:00\u2002today."
    path = write_pdf(tmp_path / "a.pdf", [[(20, 30, line)]], font=str(DEJAVU))
    assert text_of(path) == "The first official flights left at 9:00 today."


def test_scanned_pdf_without_text_is_reported(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(90, 90, 90)
    pdf.rect(20, 20, 170, 250, style="F")  # what a scanner leaves: marks, no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    (problem,) = list(read_path(path))
    assert isinstance(problem, ImportProblem)
    assert problem.message == "no text layer (scanned PDF?): run OCR first"


def test_pages_without_text_are_reported_beside_the_text(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "a.pdf", [column(20, 30, WRAPPED), [], column(20, 30, ["End."])])
    article, problem = list(read_path(path))
    assert isinstance(article, ParsedArticle) and isinstance(problem, ImportProblem)
    assert article.text == PARAGRAPH + "\n\nEnd."
    assert problem.message.startswith("page 2 of 3 without a text layer (scanned?)")


def test_indented_justified_block_stays_one_paragraph(tmp_path: Path) -> None:
    """An abstract or a quotation set narrower than the column: its lines end at its own
    margin, short of the column's, and still go on."""
    body = "Troops held the line near the river for a third day, the army said on Sunday. " * 3
    block = (
        "We are trying to extend the boundary of what can be coded by hand. Existing systems "
        "require a lot of time and human effort to tune for a new scenario, officials said. "
        "IE systems in advance are what the researchers propose instead of that."
    )
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    pdf.set_xy(20, 20)
    pdf.multi_cell(170, 5.5, body.strip(), align="J")
    pdf.set_xy(45, pdf.get_y() + 4)
    pdf.multi_cell(120, 5.5, block, align="J")
    pdf.set_xy(20, pdf.get_y() + 4)
    pdf.multi_cell(170, 5.5, body.strip(), align="J")
    path = tmp_path / "a.pdf"
    pdf.output(str(path))
    assert text_of(path) == "\n\n".join([body.strip(), block, body.strip()])
