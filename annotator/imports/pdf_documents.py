"""PDF: the text layer via pypdfium2 (PDFium), paragraphs rebuilt from the layout (pdf_layout).

PDFium was chosen by measuring it against pypdf, pdfminer.six and PyMuPDF (docs/pdf-extraction.md):
it is the fastest of those whose licence suits an MIT application, and it gives text runs with
their boxes, from which pdf_layout rebuilds lines, columns and paragraphs. A news export (Nexis
Uni as PDF) gives its articles; a PDF without a text layer (a scan) is reported, never
imported empty.
"""

from __future__ import annotations

import logging
import re

import pypdfium2

from annotator.imports.base import (
    ImportProblem,
    ParsedArticle,
    UnreadableFile,
    describe_error,
    guess_title,
    normalise_field,
    normalise_text,
)
from annotator.imports.news_dates import parse_news_date
from annotator.imports.news_exports import articles_from_lines
from annotator.imports.pdf_layout import Line, Run, drop_running_heads, page_lines, paragraphs

logger = logging.getLogger(__name__)

NO_TEXT_LAYER = "no text layer (scanned PDF?): run OCR first"
ENCRYPTED = "encrypted PDF: save an unprotected copy and import that"
_WORD_EXPORT_PREFIX = "Microsoft Word - "
_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})(\d{2})")


def read_pdf_articles(data: bytes, origin: str) -> list[ParsedArticle | ImportProblem]:
    """The PDF as one article (pages' paragraphs separated by blank lines), or a news
    export's articles; pages without text are reported beside it."""
    pages, heights, empty_pages, info = _read_pages(data, origin)
    kept = drop_running_heads(pages, heights)
    found = paragraphs(kept)
    if not found:
        raise UnreadableFile(NO_TEXT_LAYER)
    result: list[ParsedArticle | ImportProblem] = []
    news = articles_from_lines(found, origin)
    if news is not None:
        result.extend(news)
    else:
        text = normalise_text("\n\n".join(found))
        title = normalise_field(info.get("Title", "")).removeprefix(_WORD_EXPORT_PREFIX)
        created = _pdf_date(info.get("CreationDate", ""))
        result.append(
            ParsedArticle(
                text=text,
                origin=origin,
                title=title or guess_title(text),
                meta={"created": created} if created else {},
            )
        )
    if empty_pages:
        result.append(
            ImportProblem(
                origin,
                f"{_pages(empty_pages)} of {len(pages)} without a text layer (scanned?): "
                "their text is missing, run OCR on the file to import it whole",
            )
        )
    return result


def _read_pages(
    data: bytes, origin: str
) -> tuple[list[list[Line]], list[float], list[int], dict[str, str]]:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if "password" in str(error).lower():
            raise UnreadableFile(ENCRYPTED) from None
        logger.info("pdfium cannot open %s", origin, exc_info=True)
        raise UnreadableFile(f"not a readable PDF ({describe_error(error)})") from None
    try:
        info = {k: str(v) for k, v in document.get_metadata_dict(skip_empty=True).items()}
        pages: list[list[Line]] = []
        heights: list[float] = []
        empty: list[int] = []
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            try:
                lines = page_lines(_page_runs(textpage), page.get_width())
                heights.append(page.get_height())
            finally:
                textpage.close()
                page.close()
            pages.append(lines)
            if not lines:
                empty.append(number + 1)
    except pypdfium2.PdfiumError as error:
        logger.info("pdfium cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"not a readable PDF ({describe_error(error)})") from None
    finally:
        document.close()
    if len(empty) == len(pages):
        raise UnreadableFile(NO_TEXT_LAYER)
    return pages, heights, empty, info


Box = tuple[float, float, float, float]  # left, bottom, right, top


def _page_runs(textpage: pypdfium2.PdfTextPage) -> list[Run]:
    """PDFium's lines with their boxes. PDFium orders the characters, finds the words (it adds
    the spaces a PDF leaves out) and the lines; a "line" that holds two (Qt's PDFs, where each
    glyph is placed alone) is split, and one with a wide gap inside (two columns written line
    by line across the page, a table) is cut at the gap."""
    runs: list[Run] = []
    text = textpage.get_text_range()
    start = 0
    for line in text.split("\r\n"):
        if line.strip():
            runs.extend(_line_runs(textpage, start, line))
        start += len(line) + 2
    return runs


_MANY_BOXES = 16
"""A line of more boxes than this has a box per glyph (Qt places each glyph alone): its extent
comes from its first and last characters, not from a call per glyph."""


def _line_runs(textpage: pypdfium2.PdfTextPage, start: int, line: str) -> list[Run]:
    first = _visible(textpage, start, line, 0)
    if first is None:
        return []
    # The loose box (the font's ascent and descent) gives every line of a size the same
    # height, so the steps between lines measure the line pitch, not the letters.
    left, bottom, _, top = textpage.get_charbox(start + first, loose=True)
    count = textpage.count_rects(start, len(line))
    if count > _MANY_BOXES:
        last = _last_visible(textpage, start, line)
        _, last_bottom, right, last_top = textpage.get_charbox(start + last, loose=True)
        two_lines = abs((last_bottom + last_top) - (bottom + top)) > top - bottom
        boxes: list[Box] = [(left, bottom, right, top)]
    elif count == 1:  # the usual line: one box, nothing to split or cut
        box_left, _, box_right, _ = textpage.get_rect(0)  # of the count_rects just made
        return [Run(box_left, bottom, box_right, top, line)]
    else:
        boxes = [textpage.get_rect(i) for i in range(count)]
        two_lines = max(box[1] for box in boxes) >= min(box[3] for box in boxes)
    if two_lines:
        cut = _next_line_at(textpage, start, line, (bottom + top) / 2, top - bottom)
        if cut is not None:
            return _line_runs(textpage, start, line[:cut]) + _line_runs(
                textpage, start + cut, line[cut:]
            )
    boxes.sort(key=lambda box: box[0])
    parts: list[list[Box]] = [[boxes[0]]]
    for box in boxes[1:]:
        if box[0] - parts[-1][-1][2] > 2.5 * (top - bottom):
            parts.append([box])
        else:
            parts[-1].append(box)
    cuts = []
    offset = 0
    for part in parts[1:]:  # where each part's text starts: its first character's box
        while offset < len(line) and textpage.get_charbox(start + offset)[0] < part[0][0] - 0.5:
            offset += 1
        cuts.append(offset)
    pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    return [
        Run(min(b[0] for b in part), bottom, max(b[2] for b in part), top, piece)
        for part, piece in zip(parts, pieces, strict=True)
        if piece.strip()
    ]


def _last_visible(textpage: pypdfium2.PdfTextPage, start: int, line: str) -> int:
    offset = len(line) - 1
    while offset > 0:
        left, bottom, right, top = textpage.get_charbox(start + offset)
        if line[offset].strip() and (right > left or top > bottom):
            return offset
        offset -= 1
    return 0


def _visible(textpage: pypdfium2.PdfTextPage, start: int, line: str, offset: int) -> int | None:
    """The first character at or after `offset` that has a box (PDFium's added spaces have
    none)."""
    while offset < len(line):
        left, bottom, right, top = textpage.get_charbox(start + offset)
        if line[offset].strip() and (right > left or top > bottom):
            return offset
        offset += 1
    return None


def _next_line_at(
    textpage: pypdfium2.PdfTextPage, start: int, line: str, middle: float, height: float
) -> int | None:
    """Where the text moves to another line: a binary search over the characters (a few
    calls, not one per character), assuming the first line's characters come first."""

    def elsewhere(offset: int) -> bool:
        found = _visible(textpage, start, line, offset)
        if found is None:
            return True
        _, bottom, _, top = textpage.get_charbox(start + found, loose=True)
        return bool(abs((bottom + top) / 2 - middle) > 0.5 * height)

    last = len(line) - 1
    while last > 0 and not line[last].strip():
        last -= 1
    if last <= 0 or not elsewhere(last):
        return None
    low, high = 0, last  # elsewhere(low) is False, elsewhere(high) is True
    while high - low > 1:
        mid = (low + high) // 2
        if elsewhere(mid):
            high = mid
        else:
            low = mid
    return high


def read_pdf(data: bytes, origin: str) -> ParsedArticle:
    """The first article of read_pdf_articles (for callers that want one)."""
    for item in read_pdf_articles(data, origin):
        if isinstance(item, ParsedArticle):
            return item
    raise UnreadableFile(NO_TEXT_LAYER)


def _pdf_date(value: str) -> str:
    match = _PDF_DATE.match(value)
    return parse_news_date("-".join(match.groups())) if match else ""


def _pages(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    return "pages " + ", ".join(str(n) for n in numbers)
