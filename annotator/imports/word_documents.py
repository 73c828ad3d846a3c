"""Word .docx: paragraphs (and table rows) in document order, title from core properties."""

from __future__ import annotations

import io
import logging
import zipfile

import docx
from docx.opc.exceptions import OpcError
from docx.table import Table
from lxml import etree

from annotator.imports.base import (
    ParsedArticle,
    UnreadableFile,
    describe_error,
    guess_title,
    normalise_field,
    normalise_text,
)
from annotator.imports.zip_safety import check_zip

logger = logging.getLogger(__name__)


def read_docx(data: bytes, origin: str) -> ParsedArticle:
    """One document, one article; paragraphs are separated by a blank line."""
    check_zip(data, ".docx")
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [
            _table_text(block) if isinstance(block, Table) else block.text
            for block in document.iter_inner_content()
        ]
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
    except (
        zipfile.BadZipFile,
        OpcError,
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        etree.LxmlError,
    ) as error:
        # python-docx reports a damaged package through whichever of these its parser hits.
        logger.info("cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"not a valid .docx file ({describe_error(error)})") from None
    text = normalise_text("\n\n".join(block.strip() for block in blocks if block.strip()))
    if not text:
        raise UnreadableFile("no text in the document")
    return ParsedArticle(
        text=text,
        origin=origin,
        title=title or guess_title(text),
        language=language,
        meta=meta,
    )


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
