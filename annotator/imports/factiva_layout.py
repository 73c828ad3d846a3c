"""Factiva exports -> one record per article: field-coded lines (.rtf, .txt) and .html pages.

Factiva's "Full Article/Report plus Indexing" prints each article as two-letter field codes
in a fixed order, each followed by its content: SE section, HD headline, BY byline, WC word
count, PD publication date, ET time, SN source name, SC source code, ED edition, PG page,
LA language, CY copyright, LP lead paragraphs, TD text, then indexing (CO, IN, NS, RE, IPC,
PUB) and AN, the accession number ("Document GRDN000020190305ef350001x") that closes it.
Its HTML export holds the same as table rows, or (the "Article" format) as a div per article.

A code starts a field only where the order allows it, and only as a line of its own or before
a tab or wide gap, so "IN the end" in a paragraph is text; everything after the last AN
(Factiva's search summary) is no article.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import lxml.html
from lxml import etree

from annotator.imports.news_dates import language_code, parse_news_date
from annotator.imports.nexis_layout import NewsRecord

# fmt: off
CODES = ("CLM", "SE", "HD", "BY", "CR", "WC", "PD", "ET", "SN", "SC", "ED", "PG", "VOL", "LA",
         "CY", "LP", "TD", "CT", "RF", "CO", "IN", "NS", "RE", "IPC", "IPD", "PUB", "AN")
# fmt: on
_ORDER = {code: index for index, code in enumerate(CODES)}
_STARTS = frozenset({"CLM", "SE", "HD"})
_FIELD = re.compile(
    r"^[ \t]*(" + "|".join(CODES) + r")(?:(?:\t|[ \xa0]{2,})[ \t\xa0]*(.*)|[ \t]*)$"
)
_META = {"SE": "section", "BY": "byline", "CR": "credit", "WC": "length", "ET": "time",
         "SC": "source_code", "ED": "edition", "PG": "page", "VOL": "volume", "LA": "language",
         "CY": "copyright", "CT": "contact", "RF": "reference", "CO": "companies",
         "IN": "industries", "NS": "subjects", "RE": "regions", "IPC": "ipc",
         "IPD": "descriptors", "PUB": "publisher", "AN": "accession_number", "CLM": "column",
         "PD": "date_text"}  # fmt: skip


def looks_like_factiva(lines: Sequence[str]) -> bool:
    seen = set()
    for line in lines:
        match = _FIELD.match(line)
        if match:
            seen.add(match.group(1))
            if {"HD", "AN"} <= seen or {"HD", "PD", "SN"} <= seen:
                return True
    return False


def parse_factiva_lines(lines: Sequence[str]) -> list[NewsRecord]:
    """The articles of field-coded Factiva text (from .rtf or .txt)."""
    articles: list[list[tuple[str, list[str]]]] = []
    current: list[tuple[str, list[str]]] | None = None
    closed = True  # before the first article, and after an AN
    for line in lines:
        match = _FIELD.match(line)
        code = match.group(1) if match else None
        if code is not None and current is not None and not closed:
            last = current[-1][0]
            if code in _STARTS and any(c == "HD" for c, _ in current):
                code_starts_article = True
            elif _ORDER[code] > _ORDER[last]:
                code_starts_article = False
            else:
                code = None  # out of order: text that happens to look like a code
                code_starts_article = False
        else:
            code_starts_article = code in _STARTS
        if code is None:
            if current is not None and not closed:
                current[-1][1].append(line.strip())
            continue
        assert match is not None
        if code_starts_article or current is None or closed:
            if code not in _STARTS:
                continue  # indexing without a headline: no article
            current = []
            articles.append(current)
            closed = False
        current.append((code, [(match.group(2) or "").strip()]))
        if code == "AN":
            closed = True
    return [_record([(code, parts) for code, parts in fields]) for fields in articles]


def _record(fields: Sequence[tuple[str, Sequence[str]]]) -> NewsRecord:
    record = NewsRecord()
    for code, parts in fields:
        if code in ("LP", "TD"):
            record.paragraphs.extend(part for part in parts if part)
            continue
        value = " ".join(" ".join(parts).split())
        if code == "HD":
            record.title = value
        elif code == "SN":
            record.source = value
        else:
            if code == "PD":
                record.date = parse_news_date(value)
            elif code == "LA":
                record.language = language_code(value)
            elif code == "AN":
                value = value.removeprefix("Document ").strip()
            record.add_meta(_META.get(code, code.lower()), value)
    if not record.paragraphs:
        record.problem = "no text: the export gives this article no LP or TD field"
    return record


# -- HTML ----------------------------------------------------------------------------------------


def looks_like_factiva_html(data: bytes) -> bool:
    """Factiva's page: its article divs with their headline block and paragraph class, or its
    tables of field codes (a news site's page may use one class name, not all of them)."""
    head = data[: 4 * 1024 * 1024]
    article_format = b"articleParagraph" in head and b'id="hd"' in head and b"Headline" in head
    coded = b">HD<" in head and (b">AN<" in head or b">SN<" in head)
    return article_format or coded


def parse_factiva_html(markup: str) -> list[NewsRecord]:
    root = lxml.html.document_fromstring(markup)
    rows = list(_coded_rows(root))
    if any(code == "HD" for code, _ in rows):
        articles: list[list[tuple[str, list[str]]]] = []
        for code, parts in rows:
            if code in _STARTS and (not articles or any(c == "HD" for c, _ in articles[-1])):
                articles.append([])
            if articles:
                articles[-1].append((code, parts))
        return [_record(fields) for fields in articles]
    return [_div_record(div) for div in root.xpath("//div[starts-with(@class, 'article ')]")]


def _coded_rows(root: etree._Element) -> Iterator[tuple[str, list[str]]]:
    for row in root.iter("tr"):
        cells = [cell for cell in row if cell.tag in ("td", "th")]
        if len(cells) < 2:
            continue
        code = cells[0].text_content().strip()
        if code in _ORDER:
            yield code, _paragraphs(cells[1])


def _paragraphs(element: etree._Element) -> list[str]:
    paras = element.xpath(".//p")
    if paras:
        return [" ".join(p.text_content().split()) for p in paras if p.text_content().strip()]
    return [" ".join(element.text_content().split())]


_WORD_COUNT = re.compile(r"^[\d.,]+\s+\w+$")
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\))", re.IGNORECASE)


def _div_record(div: etree._Element) -> NewsRecord:
    """Factiva's "Article" HTML: a headline span, an author div, then plain divs for section,
    word count, date, source, source code, [edition, page], language, copyright; text in
    p.articleParagraph."""
    record = NewsRecord()
    headline = div.xpath(".//span[contains(@class, 'Headline')]")
    record.title = " ".join(headline[0].text_content().split()) if headline else ""
    author = div.xpath(".//div[@class='author']")
    if author:
        record.add_meta("byline", author[0].text_content())
    plain = [" ".join(d.text_content().split()) for d in div.xpath("./div[not(@*)]")]
    count_at = next((i for i, text in enumerate(plain) if _WORD_COUNT.match(text)), None)
    if count_at is not None:
        for text in plain[:count_at]:
            record.add_meta("section" if "section" not in record.meta else "credit", text)
        record.add_meta("length", plain[count_at])
        rest = plain[count_at + 1 :]
        if rest and parse_news_date(rest[0]):
            record.date = parse_news_date(rest[0])
            record.add_meta("date_text", rest.pop(0))
        if rest and re.fullmatch(r"\d{1,2}:\d{2}", rest[0]):
            record.add_meta("time", rest.pop(0))
        if rest:
            record.source = rest.pop(0)
        if rest:
            record.add_meta("source_code", rest.pop(0))
        for text in rest:
            if _COPYRIGHT.match(text):
                record.add_meta("copyright", text)
            elif language_code(text):
                record.language = language_code(text)
                record.add_meta("language", text)
            else:
                record.add_meta("edition", text)
    record.paragraphs = [
        " ".join(p.text_content().split())
        for p in div.xpath(".//p[contains(@class, 'articleParagraph')]")
        if p.text_content().strip()
    ]
    if not record.paragraphs:
        record.problem = "no text in this article of the Factiva page"
    return record
