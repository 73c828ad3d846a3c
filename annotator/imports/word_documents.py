"""Word .docx: paragraphs (and table rows) in document order, title from core properties.

A .docx that is a news-database export (Nexis Uni's usual format) gives one article per
article of the export (see news_exports).
"""

from __future__ import annotations

import io
import logging

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from lxml import etree

from annotator.imports.base import (
    ImportProblem,
    ParsedArticle,
    UnreadableFile,
    describe_error,
    guess_title,
    normalise_field,
    normalise_text,
)
from annotator.imports.news_exports import articles_from_lines
from annotator.imports.nexis_layout import BREAK
from annotator.imports.zip_safety import check_zip

logger = logging.getLogger(__name__)


def read_docx(data: bytes, origin: str) -> ParsedArticle:
    """One document, one article, whatever it holds (a REFI-QDA project's source is one
    text even if it is a news export); paragraphs are separated by a blank line."""
    (article,) = read_docx_articles(data, origin, split_exports=False)
    assert isinstance(article, ParsedArticle)
    return article


def read_docx_articles(
    data: bytes, origin: str, split_exports: bool = True
) -> list[ParsedArticle | ImportProblem]:
    """A news export's articles, or the document as one article."""
    check_zip(data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _blocks(document, breaks=False)
        if "End of Document" not in blocks and any(block == _BODY_LINE for block in blocks):
            # An older Nexis export ends each article with a section break instead.
            blocks = _blocks(document, breaks=True)
        properties = document.core_properties
        title = normalise_field(properties.title)
        language = normalise_field(properties.language)
        meta = {
            key: normalise_field(value)
            for key, value in (
                ("author", properties.author),
                ("subject", properties.subject),
                ("keywords", properties.keywords),
                ("created", properties.created.isoformat() if properties.created else ""),
            )
            if normalise_field(value)
        }
    except Exception as error:
        # A damaged zip or XML part raises whatever the parser meets (zlib.error,
        # NotImplementedError for an unknown compression, expat and lxml errors, KeyError
        # ...); each means the same to the researcher: this file cannot be read.
        logger.info("cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"not a valid .docx file ({describe_error(error)})") from None
    if split_exports:
        lines = [line for block in blocks for line in block.split("\n")]
        news = articles_from_lines(lines, origin)
        if news is not None:
            return news
    blocks = [block for block in blocks if block != BREAK]
    text = normalise_text("\n\n".join(block.strip() for block in blocks if block.strip()))
    if not text:
        raise UnreadableFile("no text in the document")
    return [
        ParsedArticle(
            text=text,
            origin=origin,
            title=title or guess_title(text),
            language=language,
            meta=meta,
        )
    ]


_BODY_LINE = "Body"


def _blocks(document: DocxDocument, breaks: bool) -> list[str]:
    """Paragraph and table texts in order; with `breaks`, a BREAK line after each paragraph
    that ends a section or a page (looking for those costs two thirds of the reading)."""
    blocks = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks.append(_table_text(block))
            continue
        blocks.append(_paragraph_text(block._p))
        if breaks and block._p.xpath("./w:pPr/w:sectPr|./w:r/w:br[@w:type='page']"):
            blocks.append(BREAK)
    return blocks


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_PARTS = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}br": "\n",
               f"{_W}cr": "\n", f"{_W}noBreakHyphen": "-"}  # fmt: skip


def _paragraph_text(paragraph: etree._Element) -> str:
    """What python-docx's Paragraph.text gives (runs, hyperlinks and fields' results; tabs and
    line breaks), in one pass of lxml: python-docx's was most of the time of reading an export."""
    parts = []
    for element in paragraph.iter(*_TEXT_PARTS):
        fixed = _TEXT_PARTS[element.tag]
        parts.append(element.text or "" if fixed is None else fixed)
    return "".join(parts)


def _table_text(table: Table) -> str:
    """Each row on one line, cells separated by tabs; merged cells appear once."""
    lines = []
    for row in table.rows:
        seen: set[int] = set()
        cells = []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        lines.append("\t".join(cells).rstrip())
    return "\n".join(line for line in lines if line)
