"""News-database exports: one file, many articles, recognised by what the file holds.

The readers of .docx, .rtf, .pdf, .txt and .html hand their lines (paragraphs) here first; when
they read as a Nexis or Factiva export, each article becomes its own ParsedArticle with the
export's fields as metadata, and the file is never imported as one long article. The layouts
themselves are in nexis_layout and factiva_layout; this module names and checks the results.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from lxml import etree

from annotator.imports.base import ImportProblem, ParsedArticle, normalise_field, normalise_text
from annotator.imports.decoding import decode_text
from annotator.imports.factiva_layout import (
    looks_like_factiva,
    looks_like_factiva_html,
    parse_factiva_html,
    parse_factiva_lines,
)
from annotator.imports.nexis_layout import NewsRecord, looks_like_nexis, parse_nexis
from annotator.imports.web_pages import MAX_HTML_BYTES, read_html

Articles = list[ParsedArticle | ImportProblem]

#: Bytes that any Nexis or Factiva export holds somewhere; a file without them is not one and
#: is not split into lines to find out (most .txt files).
MARKERS = (b"End of Document", b"\nBody", b"DOCUMENTS", b"\nHD", b"\tHD", b"Dokument ")


# As web_pages reads them: the charset a page declares, and an XML declaration lxml refuses.
DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def may_be_export(data: bytes) -> bool:
    return data[:64].lstrip()[:2] == b"HD" or any(marker in data for marker in MARKERS)


def articles_from_lines(lines: Sequence[str], origin: str) -> Articles | None:
    """The articles of an export whose paragraphs are `lines`; None when it is no export."""
    if looks_like_nexis(lines):
        export = parse_nexis(lines)
        if export is not None and export.records:
            found = _articles(export.records, origin, export.layout)
            if export.announced is not None and export.announced != len(export.records):
                found.append(
                    ImportProblem(
                        origin,
                        f"the export's cover page lists {export.announced} documents but "
                        f"{len(export.records)} were found in it: compare it with Nexis",
                    )
                )
            return found
    if looks_like_factiva(lines):
        records = parse_factiva_lines(lines)
        if records:
            return _articles(records, origin, "Factiva")
    return None


def articles_from_html(data: bytes, markup: str, origin: str) -> Articles | None:
    """A Factiva HTML export's articles; None for any other web page."""
    if not looks_like_factiva_html(data):
        return None
    records = parse_factiva_html(markup)
    return _articles(records, origin, "Factiva") if records else None


def _articles(records: Sequence[NewsRecord], origin: str, layout: str) -> Articles:
    name = os.path.basename(origin)
    found: Articles = []
    for number, record in enumerate(records, start=1):
        where = f"{origin} article {number}"
        if record.problem:
            title = f" ({record.title})" if record.title else ""
            found.append(ImportProblem(where, f"{record.problem}{title}"))
            continue
        meta = dict(record.meta)
        meta.update(file=name, export=layout, export_position=f"{number} of {len(records)}")
        found.append(
            ParsedArticle(
                text=normalise_text("\n\n".join(record.paragraphs)),
                origin=where,
                title=normalise_field(record.title),
                source=normalise_field(record.source),
                date=record.date,
                language=record.language,
                meta=meta,
            )
        )
    return found


def read_html_articles(data: bytes, origin: str) -> Articles:
    """A Factiva HTML export's articles, or the page's one article (web_pages.read_html)."""
    if looks_like_factiva_html(data) and len(data) <= MAX_HTML_BYTES:
        declared = DECLARED_CHARSET.search(data[:4096])
        markup = decode_text(data, declared.group(1).decode("ascii") if declared else None).text
        try:
            found = articles_from_html(data, XML_DECLARATION.sub("", markup), origin)
        except (etree.LxmlError, ValueError):
            found = None
        if found is not None:
            return found
    return [read_html(data, origin)]
