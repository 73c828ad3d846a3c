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
                runs = []
                for index in range(textpage.count_rects()):
                    left, bottom, right, top = textpage.get_rect(index)
                    text = textpage.get_text_bounded(left, bottom, right, top)
                    runs.append(Run(left, bottom, right, top, text))
                lines = page_lines(runs, page.get_width())
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
