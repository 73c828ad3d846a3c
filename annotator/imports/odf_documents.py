"""OpenDocument text (.odt, via odfpy): paragraphs and headings in order, like a .docx."""

from __future__ import annotations

import io
import logging

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
from annotator.imports.zip_safety import check_zip

logger = logging.getLogger(__name__)


def read_odt_articles(data: bytes, origin: str) -> list[ParsedArticle | ImportProblem]:
    """One document, one article (or a news export's articles, as for .docx)."""
    from odf import teletype
    from odf.namespaces import TEXTNS
    from odf.opendocument import load

    check_zip(data, ".odt")
    try:
        document = load(io.BytesIO(data))
        blocks = [teletype.extractText(element) for element in _blocks(document.text, TEXTNS)]
        title = ""
        for element in document.meta.childNodes:
            if element.qname[1] == "title":
                title = normalise_field(teletype.extractText(element))
    except Exception as error:
        # A damaged zip or XML part raises whatever the parser meets (zlib.error,
        # NotImplementedError for an unknown compression, expat and lxml errors, KeyError
        # ...); each means the same to the researcher: this file cannot be read.
        logger.info("odfpy cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"not a readable .odt file ({describe_error(error)})") from None
    news = articles_from_lines(blocks, origin)
    if news is not None:
        return news
    text = normalise_text("\n\n".join(block.strip() for block in blocks if block.strip()))
    if not text:
        raise UnreadableFile("no text in the document")
    return [ParsedArticle(text=text, origin=origin, title=title or guess_title(text))]


def _blocks(node: object, textns: str) -> list[object]:
    """text:p and text:h elements in document order (inside lists, sections and tables too),
    but not those nested in another paragraph (a note's text stays with its paragraph)."""
    found: list[object] = []
    stack = list(reversed(node.childNodes))  # type: ignore[attr-defined]
    while stack:
        element = stack.pop()
        qname = getattr(element, "qname", None)
        if qname in ((textns, "p"), (textns, "h")):
            found.append(element)
        elif qname is not None:
            stack.extend(reversed(element.childNodes))
    return found
