"""Nexis Uni and LexisNexis exports, as lines of text -> one record per article.

Whatever the container (.docx, .rtf, .pdf, .txt), a Nexis Uni export reads, per article:
headline, outlet, date line, [copyright], labelled fields (Section:, Length:, Byline:, ...),
"Body", the paragraphs, [Graphic / Notes], [Classification with Language:, Subject:, ...,
Load-Date:], "End of Document" (which older exports leave out: then a section break, or the
next header, ends the article). The older nexis.com layout starts each article with
"N of M DOCUMENTS", then outlet, date, headline, BYLINE:/SECTION:/LENGTH:, the text, and
LOAD-DATE:/LANGUAGE:/... and the copyright at the end. Both are read as LexisNexisTools
(the R package the field uses) reads them, with two safety nets it lacks: each article is
found by its own "Body" line, so two are never merged, and the count on the cover page
("Documents (10)") is checked against the articles found.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.imports.news_dates import language_code, parse_news_date

BREAK = "\x0c"
"""A line the container puts where the document has a section or page break."""

_END = re.compile(r"^End of Document$|^Ende des Dokuments$|^Fin du document$")
_BODY = frozenset({"Body", "Text", "Corps", "Texto", "Tekst"})
_TAIL_MARKERS = frozenset({"Classification", "Klassifikation", "Classement", "Clasificación"})
_BLOCK_MARKERS = {"Graphic": "graphic", "Grafik": "graphic", "Graphique": "graphic",
                  "Notes": "notes", "Anmerkungen": "notes"}  # fmt: skip
_LABEL = re.compile(r"^([A-ZÄÖÜÉ][\w-]*(?:[ -][A-Za-zÄÖÜäöüé][\w-]*){0,2})\s?:[\s\xa0]*(.*)$")
# Labels as Nexis prints them, in English, German, French and Spanish, -> the meta key.
_KEYS = {
    "length": "length", "länge": "length", "longueur": "length", "longitud": "length",
    "byline": "byline", "author": "byline", "autor": "byline", "auteur": "byline",
    "section": "section", "rubrik": "section", "rubrique": "section", "sección": "section",
    "dateline": "dateline", "highlight": "highlight", "edition": "edition",
    "language": "language", "sprache": "language", "langue": "language", "idioma": "language",
    "load-date": "load_date", "ladedatum": "load_date", "date de chargement": "load_date",
    "publication-type": "publication_type", "subject": "subject", "organization": "organization",
    "person": "person", "geographic": "geographic", "industry": "industry",
    "company": "company", "ticker": "ticker", "journal code": "journal_code", "url": "url",
    "document-type": "document_type", "correction-date": "correction_date", "series": "series",
}  # fmt: skip
_LENGTH = re.compile(r"^(?:length|länge|longueur|longitud)\s?:[\s\xa0]*[\d.,]+", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:copyright\b|©|\(c\)\s*\d{4})", re.IGNORECASE)
_RIGHTS = re.compile(r"^all rights reserved\.?$", re.IGNORECASE)
_COVER_COUNT = re.compile(r"^(?:Documents|Dokumente|Documents trouvés)\s*\((\d+)\)$")
_OLD_START = re.compile(
    r"^(\d+) of (\d+) DOCUMENTS?$|^Dokument (\d+) von (\d+)$|^Document (\d+) de (\d+)$"
)
_OLD_FIELD = re.compile(r"^([A-Z][A-Z-]+(?: [A-Z]+)?): (.*)$")
_OLD_HEADER_FIELDS = frozenset({"BYLINE", "SECTION", "LENGTH", "DATELINE", "HIGHLIGHT",
                                "RUBRIK", "LÄNGE", "AUTOR", "LONGUEUR", "RUBRIQUE"})  # fmt: skip
_HEADER_SCAN = 16  # a header has at most this many lines between the date and "Body"


@dataclass
class NewsRecord:
    """One article of an export, before it becomes a ParsedArticle."""

    title: str = ""
    source: str = ""
    date: str = ""
    language: str = ""
    paragraphs: list[str] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    problem: str = ""  # set when the article has no text (graphic-only entries)

    def add_meta(self, key: str, value: str) -> None:
        value = " ".join(value.split())
        if not value:
            return
        self.meta[key] = f"{self.meta[key]} | {value}" if self.meta.get(key) else value


@dataclass
class NexisExport:
    records: list[NewsRecord]
    layout: str
    announced: int | None = None  # the count on the cover page, if there is one


def _clean(line: str) -> str:
    return line.replace("\xa0", " ").strip()


def looks_like_nexis(lines: Sequence[str]) -> bool:
    """Cheap test on the lines: an "End of Document", or a "Body" after a "Length:" line."""
    length_seen = -_HEADER_SCAN - 1
    for index, raw in enumerate(lines):
        line = _clean(raw)
        if _END.match(line) or _OLD_START.match(line):
            return True
        if _LENGTH.match(line):
            length_seen = index
        elif line in _BODY and index - length_seen <= _HEADER_SCAN:
            return True
    return False


def parse_nexis(lines: Sequence[str]) -> NexisExport | None:
    """The articles of a Nexis export, or None when the lines are not one."""
    cleaned = [_clean(line) for line in lines]
    if any(_OLD_START.match(line) for line in cleaned) and not any(
        line in _BODY for line in cleaned
    ):
        return _parse_old(cleaned)
    anchors = _anchors(cleaned)
    if not anchors:
        return None
    announced = _announced(cleaned[: anchors[0]])
    ends = [i for i, line in enumerate(cleaned) if _END.match(line)]
    records: list[NewsRecord] = []
    if ends:
        start = 0
        for end in [*ends, len(cleaned)]:
            inside = anchors[bisect.bisect_left(anchors, start) : bisect.bisect_left(anchors, end)]
            if inside:
                records.extend(_segment(cleaned, start, end, inside, first=start == 0))
            elif end != len(cleaned) and any(cleaned[start:end]):
                records.append(_bodiless(cleaned[start:end]))
            start = end + 1
    else:
        records.extend(_segment(cleaned, 0, len(cleaned), anchors, first=True))
    return NexisExport(records, "Nexis Uni", announced)


def _anchors(lines: Sequence[str]) -> list[int]:
    """Each article's "Body" line: one that a "Length:" line shortly precedes."""
    anchors = []
    length_seen = -_HEADER_SCAN - 1
    for index, line in enumerate(lines):
        if _LENGTH.match(line):
            length_seen = index
        elif line in _BODY and index - length_seen <= _HEADER_SCAN:
            anchors.append(index)
            length_seen = -_HEADER_SCAN - 1
    return anchors


def _announced(cover: Sequence[str]) -> int | None:
    for line in cover:
        match = _COVER_COUNT.match(line)
        if match:
            return int(match.group(1))
    return None


def _segment(
    lines: Sequence[str], start: int, end: int, anchors: Sequence[int], first: bool
) -> list[NewsRecord]:
    """The articles between `start` and `end`; more than one anchor means an "End of
    Document" is missing, so each further article starts where its header does."""
    starts = []
    for number, anchor in enumerate(anchors):
        single_line = first or number > 0  # whatever precedes is a cover or another article
        starts.append(_header_start(lines, start, anchor, single_line))
    records = []
    for number, anchor in enumerate(anchors):
        stop = starts[number + 1] if number + 1 < len(anchors) else end
        records.append(_article(lines, starts[number], anchor, stop))
    return records


def _is_label(line: str) -> bool:
    match = _LABEL.match(line)
    return match is not None and match.group(1).casefold() in _KEYS


def _header_start(lines: Sequence[str], start: int, anchor: int, single_line: bool) -> int:
    """Where the header before `anchor` starts: walk back over fields, copyright and blanks to
    the date line, then the outlet, then the headline (one line, or all up to `start`)."""
    index = anchor - 1
    while index > start and (
        not lines[index] or lines[index] == BREAK or _is_label(lines[index])
        or _COPYRIGHT.match(lines[index]) or _RIGHTS.match(lines[index])
    ):  # fmt: skip
        index -= 1
    # index is at the date line (or the outlet when there is no date); the headline is above
    above = 1 if parse_news_date(lines[index]) else 0
    for _ in range(above + 1):
        index -= 1
        while index > start and (not lines[index] or lines[index] == BREAK):
            index -= 1
    if not single_line:
        first = start
        while first < index and (not lines[first] or lines[first] == BREAK):
            first += 1
        return max(first, start)
    return max(index, start)


def _article(lines: Sequence[str], start: int, anchor: int, stop: int) -> NewsRecord:
    record = NewsRecord()
    header = [line for line in lines[start:anchor] if line and line != BREAK]
    fields: list[str] = []
    plain: list[str] = []
    for line in header:
        if _is_label(line) and (fields or plain):
            fields.append(line)
        elif _COPYRIGHT.match(line) or (_RIGHTS.match(line) and fields + plain):
            record.add_meta("copyright", line)
        elif fields:  # a line after the fields belongs to the last one (a long byline)
            fields[-1] += " " + line
        else:
            plain.append(line)
    date_at = next((i for i, line in enumerate(plain) if parse_news_date(line)), None)
    if date_at is not None and date_at >= 1:
        record.date = parse_news_date(plain[date_at])
        record.add_meta("date_text", plain[date_at])
        record.source = plain[date_at - 1]
        record.title = " ".join(plain[: date_at - 1])
        for extra in plain[date_at + 1 :]:
            record.add_meta("edition", extra)
    elif plain:
        record.title = plain[0]
        record.source = plain[1] if len(plain) > 1 else ""
        for extra in plain[2:]:
            record.add_meta("header", extra)
    for line in fields:
        _add_field(record, line)
    _body_and_tail(record, lines, anchor + 1, stop)
    return record


def _add_field(record: NewsRecord, line: str) -> None:
    match = _LABEL.match(line)
    if not match:
        record.add_meta("trailer", line)
        return
    key = _KEYS.get(match.group(1).casefold(), match.group(1).casefold().replace(" ", "_"))
    value = match.group(2)
    if key == "language":
        record.language = record.language or language_code(value)
    record.add_meta(key, value)


def _body_and_tail(record: NewsRecord, lines: Sequence[str], first: int, stop: int) -> None:
    tail_from = stop
    for index in range(stop - 1, first - 1, -1):
        if lines[index] in _TAIL_MARKERS:
            tail_from = index
            break
    body_end = tail_from
    for index in range(tail_from - 1, first - 1, -1):
        if lines[index] in _BLOCK_MARKERS:
            body_end = index
            break
    # Trailing fields and copyright notices without a Classification block (older exports).
    while body_end > first and (
        not lines[body_end - 1] or lines[body_end - 1] == BREAK
        or _is_label(lines[body_end - 1]) or _COPYRIGHT.match(lines[body_end - 1])
        or _RIGHTS.match(lines[body_end - 1])
    ):  # fmt: skip
        body_end -= 1
    record.paragraphs = [line for line in lines[first:body_end] if line and line != BREAK]
    block = ""
    for line in lines[body_end:stop]:
        if not line or line == BREAK or line in _TAIL_MARKERS:
            continue
        if line in _BLOCK_MARKERS:
            block = _BLOCK_MARKERS[line]
        elif _is_label(line) or (not block and _LABEL.match(line)):
            _add_field(record, line)
            block = ""
        elif _COPYRIGHT.match(line) or _RIGHTS.match(line):
            record.add_meta("copyright", line)
        else:
            record.add_meta(block or "trailer", line)
    if not record.paragraphs:
        record.problem = "no text: the export gives this entry no Body (a graphic only?)"


def _bodiless(segment: Sequence[str]) -> NewsRecord:
    """An entry between two "End of Document" lines that has no "Body"."""
    record = NewsRecord()
    plain = [line for line in segment if line and line != BREAK]
    record.title = plain[0] if plain else ""
    record.problem = "no text: the export gives this entry no Body (a graphic only?)"
    return record


# -- the older nexis.com layout ("1 of 10 DOCUMENTS") ------------------------------------------


def _parse_old(lines: Sequence[str]) -> NexisExport | None:
    starts = [i for i, line in enumerate(lines) if _OLD_START.match(line)]
    if not starts:
        return None
    match = _OLD_START.match(lines[starts[0]])
    assert match is not None
    announced = int(next(g for g in match.groups()[1::2] if g))
    records = [
        _old_article(lines[begin + 1 : end])
        for begin, end in zip(starts, [*starts[1:], len(lines)], strict=True)
    ]
    return NexisExport(records, "LexisNexis", announced)


def _old_article(lines: Sequence[str]) -> NewsRecord:
    record = NewsRecord()
    fields_at = [i for i, line in enumerate(lines) if _old_field(line)]
    header_end = 0
    for i in fields_at:  # the header's fields come in a run before the text
        if _old_field(lines[i]) in _OLD_HEADER_FIELDS:
            header_end = i + 1
        elif header_end:
            break
    plain = [line for line in lines[:header_end] if line and not _old_field(line)]
    date_at = next((i for i, line in enumerate(plain[:4]) if parse_news_date(line)), None)
    if date_at is not None:
        record.source = " ".join(plain[:date_at])
        record.date = parse_news_date(plain[date_at])
        record.add_meta("date_text", plain[date_at])
        record.title = " ".join(plain[date_at + 1 :])
    elif plain:
        record.source, record.title = plain[0], " ".join(plain[1:])
    for line in lines[:header_end]:
        if _old_field(line):
            _add_old_field(record, line)
    body_end = len(lines)
    tail = [i for i in fields_at if i >= header_end]
    if tail:
        body_end = tail[0]
    else:
        while body_end > header_end and (
            not lines[body_end - 1] or _COPYRIGHT.match(lines[body_end - 1])
            or _RIGHTS.match(lines[body_end - 1])
        ):  # fmt: skip
            body_end -= 1
    record.paragraphs = _blocks(lines[header_end:body_end])
    for line in lines[body_end:]:
        if not line:
            continue
        if _old_field(line):
            _add_old_field(record, line)
        elif _COPYRIGHT.match(line) or _RIGHTS.match(line) or record.meta.get("copyright"):
            record.add_meta("copyright", line)
        else:
            record.add_meta("trailer", line)
    if not record.paragraphs:
        record.problem = "no text in this entry of the export"
    return record


def _old_field(line: str) -> str:
    match = _OLD_FIELD.match(line)
    return match.group(1) if match else ""


def _add_old_field(record: NewsRecord, line: str) -> None:
    label, _, value = line.partition(": ")
    _add_field(record, f"{label.title()}: {value}")


def _blocks(lines: Sequence[str]) -> list[str]:
    """Paragraphs of hard-wrapped text: lines joined, blank lines between paragraphs."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs
