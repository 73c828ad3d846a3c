"""Saved web pages: trafilatura finds the article among the navigation, ads and comments."""

from __future__ import annotations

import logging
import re

import htmldate
import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import Document

from annotator.imports.base import (
    ParsedArticle,
    UnreadableFile,
    describe_error,
    normalise_field,
    normalise_text,
)
from annotator.imports.decoding import decode_text

logger = logging.getLogger(__name__)

MAX_HTML_BYTES = 20 * 1024 * 1024
"""Extraction time grows with the page; a saved article page is well under this."""

NO_TEXT = "no article text found in the web page"
_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def read_html(data: bytes, origin: str) -> ParsedArticle:
    """Main text, title, date and site name from trafilatura; plain text if it finds no article."""
    if len(data) > MAX_HTML_BYTES:
        raise UnreadableFile(
            f"web page is {len(data) // (1024 * 1024)} MiB, over the "
            f"{MAX_HTML_BYTES // (1024 * 1024)} MiB limit for HTML"
        )
    declared = _DECLARED_CHARSET.search(data[:4096])
    markup = decode_text(data, declared.group(1).decode("ascii") if declared else None).text
    # lxml refuses str input that still carries an encoding declaration; it has been decoded.
    markup = _XML_DECLARATION.sub("", markup)
    if not markup.strip():
        raise UnreadableFile("empty file")
    page_title, language = _page_title_and_language(markup, origin)
    try:
        result = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, include_tables=True
        )
        extracted = result if isinstance(result, Document) else None
        text = extracted.text if extracted is not None and extracted.text else ""
        if not text.strip():
            text = trafilatura.html2txt(markup)
    except Exception as error:
        # trafilatura and its helpers (lxml, htmldate, justext) may raise anything on hostile
        # markup; for the researcher each of those means the same: this page cannot be read.
        logger.info("cannot extract %s", origin, exc_info=True)
        raise UnreadableFile(f"cannot read the web page ({describe_error(error)})") from None
    text = normalise_text(text)
    if not text:
        raise UnreadableFile(NO_TEXT)
    if extracted is None:
        return ParsedArticle(text=text, origin=origin, title=page_title, language=language)
    meta = {
        key: normalise_field(value)
        for key, value in (
            ("author", extracted.author),
            ("description", extracted.description),
            ("hostname", extracted.hostname),
        )
        if normalise_field(value)
    }
    return ParsedArticle(
        text=text,
        origin=origin,
        title=normalise_field(extracted.title) or page_title,
        source=normalise_field(extracted.sitename),
        date=_stated_date(normalise_field(extracted.date), markup),
        url=normalise_field(extracted.url),
        language=language or normalise_field(extracted.language),
        meta=meta,
    )


def _stated_date(date: str, markup: str) -> str:
    """The date, unless it is a guess from a bare year on the page.

    When a page states no date, htmldate's last resorts give 1 January of a year it saw
    anywhere: "(c) 2025 Daily Planet" in the footer became 2025-01-01 (issue 19), a date no
    researcher should code by. So a 1 January is kept only when the page states it: in its
    metadata (htmldate finds it without its text search) or as a whole date in the markup.
    """
    if not date.endswith("-01-01"):
        return date
    try:
        structured = htmldate.find_date(markup, extensive_search=False, original_date=True)
    except Exception:  # htmldate on hostile markup, as in read_html: no date then
        logger.debug("htmldate failed on a second look", exc_info=True)
        structured = None
    if structured == date or re.search(_JANUARY_FIRST.format(year=date[:4]), markup, re.I):
        return date
    logger.debug("dropped the date %s: only a year on the page (a copyright line?)", date)
    return ""


# 1 January of {year} written out: 2025-01-01, 01/01/2025, 1.1.2025, 1 January 2025, Jan. 1, 2025.
_JANUARY_FIRST = (
    r"(?<!\d)(?:{year}[-/.]0?1[-/.]0?1|0?1[-/.]0?1[-/.]{year})(?!\d)"
    r"|\b1(?:st)?\.?\s+jan(?:uary|\.)?,?\s+{year}\b"
    r"|\bjan(?:uary|\.)?\s+1(?:st)?,?\s+{year}\b"
)


def _page_title_and_language(markup: str, origin: str) -> tuple[str, str]:
    """`<title>` and `<html lang>`, which trafilatura may drop or not report."""
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.LxmlError, ValueError):
        logger.debug("lxml cannot parse %s", origin, exc_info=True)
        return "", ""
    title = root.findtext(".//title") or ""
    language = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    return normalise_field(title), normalise_field(language)
