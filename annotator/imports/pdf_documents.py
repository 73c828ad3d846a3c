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


def _page_runs(textpage: pypdfium2.PdfTextPage) -> list[Run]:
    """PDFium's lines with their boxes. PDFium orders the characters, finds the words (it adds
    the spaces a PDF leaves out) and the lines; a line with a wide gap inside (two columns
    written line by line across the page, a table) is cut at the gap."""
    runs: list[Run] = []
    text = textpage.get_text_range()
    start = 0
    for line in text.split("\r\n"):
        count = len(line)
        if line.strip():
            boxes = [textpage.get_rect(i) for i in range(textpage.count_rects(start, count))]
            runs.extend(_cut_at_gaps(textpage, start, line, boxes))
        start += count + 2
    return runs


def _cut_at_gaps(
    textpage: pypdfium2.PdfTextPage,
    start: int,
    line: str,
    boxes: list[tuple[float, float, float, float]],
) -> list[Run]:
    if max(box[1] for box in boxes) >= min(box[3] for box in boxes):
        return _runs_by_character(textpage, start, line)  # PDFium's "line" spans two lines
    boxes.sort(key=lambda box: box[0])
    height = max(box[3] - box[1] for box in boxes)
    parts: list[list[tuple[float, float, float, float]]] = [[boxes[0]]]
    for box in boxes[1:]:
        if box[0] - parts[-1][-1][2] > 2.5 * height:
            parts.append([box])
        else:
            parts[-1].append(box)
    if len(parts) == 1:
        return [_run(boxes, line)]
    # Find where each part's text starts: the first character at or right of its box.
    cuts = []
    offset = 0
    for part in parts[1:]:
        while offset < len(line) and textpage.get_charbox(start + offset)[0] < part[0][0] - 0.5:
            offset += 1
        cuts.append(offset)
    pieces = [line[a:b] for a, b in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    return [_run(part, piece) for part, piece in zip(parts, pieces, strict=True) if piece.strip()]


def _runs_by_character(textpage: pypdfium2.PdfTextPage, start: int, line: str) -> list[Run]:
    """The slow way, for the few lines that need it: each character's box, a new run where
    the characters move to another line or leave a wide gap."""
    runs: list[Run] = []
    chars: list[str] = []
    box: list[float] = []
    for offset, char in enumerate(line):
        left, bottom, right, top = textpage.get_charbox(start + offset)
        if right - left <= 0 and top - bottom <= 0:  # a space PDFium added: no box
            chars.append(char)
            continue
        middle = (bottom + top) / 2
        if box and (
            not box[1] - 0.25 * (box[3] - box[1]) <= middle <= box[3] + 0.25 * (box[3] - box[1])
            or left - box[2] > 2.5 * (box[3] - box[1])
        ):
            runs.append(Run(box[0], box[1], box[2], box[3], "".join(chars)))
            chars, box = [], []
        chars.append(char)
        if box:
            box = [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]
        else:
            box = [left, bottom, right, top]
    if box:
        runs.append(Run(box[0], box[1], box[2], box[3], "".join(chars)))
    return [run for run in runs if run.text.strip()]


def _run(boxes: list[tuple[float, float, float, float]], text: str) -> Run:
    return Run(
        min(box[0] for box in boxes),
        min(box[1] for box in boxes),
        max(box[2] for box in boxes),
        max(box[3] for box in boxes),
        text,
    )


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
