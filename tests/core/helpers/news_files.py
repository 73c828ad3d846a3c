"""News-database exports written for the tests, in each container: Nexis Uni as .docx, .rtf and
.pdf, Factiva as field-coded .rtf and as .html. The articles are made up (text written for the
tests); the layouts follow real exports (LexisNexisTools' sample.DOCX, Factiva's field codes)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docx
from fpdf import FPDF


@dataclass(frozen=True)
class Story:
    headline: str
    outlet: str
    date_line: str
    iso_date: str
    byline: str
    section: str
    words: int
    language: str  # as printed: "ENGLISH"
    paragraphs: tuple[str, ...]
    copyright: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


STORIES = (
    Story(
        "Ceasefire talks resume in Geneva",
        "The Daily Ledger (London)",
        "March 3, 2025 Monday 9:20 AM GMT",
        "2025-03-03",
        "Anna Berg",
        "WORLD; Version:2",
        412,
        "ENGLISH",
        (
            "Delegations met again on Monday after a pause of three weeks.",
            "Officials said the negotiations would focus on prisoner exchanges. "
            "A second round is planned for April.",
            "Neither side commented on the reports of new shelling.",
        ),
        "Copyright 2025 The Daily Ledger Ltd. All Rights Reserved",
    ),
    Story(
        "Grain corridor: exports rise for a third month",
        "Harbour Times",
        "4 March 2025",
        "2025-03-04",
        "Tom Reyes and Lina Obi",
        "BUSINESS",
        238,
        "ENGLISH",
        (
            "Shipments of wheat and maize rose by a tenth in February.",
            "Traders said insurance costs were still the main obstacle: they have doubled.",
        ),
    ),
    Story(
        "Body of evidence grows, prosecutors say",
        "Evening Courier",
        "March 5, 2025 Wednesday",
        "2025-03-05",
        "Mira Chen",
        "NATIONAL; Pg. A4",
        125,
        "ENGLISH",
        (
            "Body",  # a paragraph that is only the word is still text, not a new article
            "Investigators have collected more than 2,000 statements.",
        ),
        "Copyright 2025 Evening Courier",
    ),
)


def nexis_lines(stories: tuple[Story, ...] = STORIES, cover: bool = True) -> list[str]:
    """A Nexis Uni export, paragraph by paragraph, as its .docx holds it."""
    lines: list[str] = []
    if cover:
        lines += ["", "Date and Time: Thursday, March 6, 2025 10:00:00 AM CET",
                  "Job Number: 123456", f"Documents ({len(stories)})"]  # fmt: skip
        lines += [f"{n}. {s.headline}" for n, s in enumerate(stories, start=1)]
        lines += ["Client/Matter: -None-", "Search Terms: ceasefire", "", "", ""]
    for story in stories:
        lines += [story.headline, story.outlet, story.date_line, ""]
        if story.copyright:
            lines += [story.copyright, ""]
        lines += [
            f"Section:\xa0{story.section}",
            f"Length:\xa0{story.words} words",
            f"Byline:\xa0{story.byline}",
            "Body",
            "",
        ]
        for paragraph in story.paragraphs:
            lines += [paragraph, ""]
        lines += [
            "Graphic",
            "",
            "PHOTO: A photo caption that is not part of the text.",
            "Classification",
            "",
            f"Language:\xa0{story.language}",
            "Publication-Type:\xa0Newspaper",
            "Subject:\xa0PEACE PROCESS (90%); TRADE (70%)",
            f"Load-Date:\xa0{story.date_line.split(' 9:')[0]}",
            "",
            "End of Document",
            "",
        ]
    return lines


def write_nexis_docx(path: Path, stories: tuple[Story, ...] = STORIES) -> Path:
    document = docx.Document()
    for line in nexis_lines(stories):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def rtf_escape(text: str) -> str:
    """Text as RTF: the specials escaped, anything beyond ASCII as \\uN? (a signed 16-bit N)."""
    out = []
    for char in text:
        if char in "\\{}":
            out.append("\\" + char)
        elif ord(char) < 128:
            out.append(char)
        else:
            for unit in char.encode("utf-16-le").hex(" ", 2).split():
                value = int.from_bytes(bytes.fromhex(unit), "little")
                out.append(f"\\u{value - 65536 if value > 32767 else value}?")
    return "".join(out)


def rtf_document(paragraphs: list[str]) -> bytes:
    body = "".join("\\pard " + rtf_escape(p) + "\\par\n" for p in paragraphs)
    header = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\n"
    return (header + body + "}").encode("ascii")


def write_nexis_rtf(path: Path, stories: tuple[Story, ...] = STORIES) -> Path:
    path.write_bytes(rtf_document(nexis_lines(stories)))
    return path


def write_nexis_pdf(path: Path, stories: tuple[Story, ...] = STORIES) -> Path:
    """Nexis Uni's PDF: each article from a new page, wrapped paragraphs, a page footer."""
    pdf = _FooterPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(20, 20, 20)
    pages: list[int] = []
    for story in stories:
        pdf.add_page()
        pages.append(pdf.page)
        for line in nexis_lines((story,), cover=False):
            line = line.replace("\xa0", " ")
            if not line:
                pdf.ln(4)
                continue
            pdf.set_font("helvetica", "B" if line == story.headline else "", 11)
            pdf.multi_cell(0, 5.5, line)
            pdf.ln(2)  # paragraph spacing
    pdf.output(str(path))
    return path


class _FooterPDF(FPDF):
    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", "", 8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


FACTIVA_CODES = ("HD", "BY", "WC", "PD", "SN", "SC", "LA", "CY", "LP", "TD", "AN")


def factiva_fields(story: Story, number: int) -> list[tuple[str, list[str]]]:
    return [
        ("HD", [story.headline]),
        ("BY", [f"By {story.byline}"]),
        ("WC", [f"{story.words} words"]),
        ("PD", [_day_first(story)]),
        ("ET", ["09:20"]),
        ("SN", [story.outlet]),
        ("SC", [f"SRC{number}"]),
        ("LA", ["English"]),
        ("CY", [story.copyright or f"(c) 2025 {story.outlet}"]),
        ("LP", [story.paragraphs[0]]),
        ("TD", list(story.paragraphs[1:])),
        ("NS", ["gpol : Domestic Politics"]),
        ("AN", [f"Document LEDG0000202503{number:02d}el330000{number}"]),
    ]


def _day_first(story: Story) -> str:
    year, month, day = story.iso_date.split("-")
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]  # fmt: skip
    return f"{int(day)} {months[int(month) - 1]} {year}"


def write_factiva_rtf(path: Path, stories: tuple[Story, ...] = STORIES) -> Path:
    """Field code, a tab, the content; further paragraphs of a field on lines of their own."""
    paragraphs = ["Page 1 of 3 \u00a9 2025 Factiva, Inc. All rights reserved.", ""]
    for number, story in enumerate(stories, start=1):
        for code, parts in factiva_fields(story, number):
            paragraphs.append(f"{code}\t{parts[0] if parts else ''}")
            paragraphs.extend(f"\t{part}" for part in parts[1:])
            paragraphs.append("")
        paragraphs += ["", ""]
    paragraphs += ["Search Summary", "Text\tceasefire", "Date\tIn the last week"]
    body = "".join(
        "\\pard " + rtf_escape(p).replace("\t", "\\tab ") + "\\par\n" for p in paragraphs
    )
    path.write_bytes(("{\\rtf1\\ansi\\ansicpg1252\\deff0\n" + body + "}").encode("ascii"))
    return path


def write_factiva_html(path: Path, stories: tuple[Story, ...] = STORIES) -> Path:
    """Factiva's HTML export with indexing: a table of field codes per article."""
    parts = ['<html><head><meta charset="utf-8"><title>Factiva</title></head><body>']
    for number, story in enumerate(stories, start=1):
        parts.append('<div class="article enArticle"><table border="0">')
        for code, content in factiva_fields(story, number):
            if code in ("LP", "TD"):
                cell = "".join(f'<p class="articleParagraph">{p}</p>' for p in content)
            else:
                cell = " ".join(content)
            parts.append(f'<tr><td class="index"><b>{code}</b></td><td>{cell}</td></tr>')
        parts.append("</table></div>")
    parts.append("<p>Search Summary</p></body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
