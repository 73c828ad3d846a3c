"""Corpus tables: JSON Lines here, and the column rules CSV/TSV share (delimited.py); one article
per row, and a bad row does not stop the rest."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from annotator.imports.base import (
    MAX_ARTICLE_CHARS,
    ImportProblem,
    ParsedArticle,
    TableOptions,
    UnreadableFile,
    describe_error,
    normalise_field,
    normalise_text,
)
from annotator.imports.decoding import decode_text

# Looked up case-insensitively, in this order, when TableOptions leaves a column as None.
TEXT_COLUMNS = ("text", "body", "content", "article")
TITLE_COLUMNS = ("title", "headline")
DATE_COLUMNS = ("date", "published", "publication_date", "published_at", "pubdate")
# News data sets name the outlet in many ways (LexisNexis "publication", GDELT "outlet", ...).
SOURCE_COLUMNS = ("source", "outlet", "publication", "publisher", "newspaper", "sitename")
URL_COLUMNS = ("url", "link")
ID_COLUMNS = ("id",)

_MAX_LISTED_COLUMNS = 30

MAX_COLUMNS = 1_000
"""A corpus table has tens of columns (text, title, date, source, a few more); each column is
stored with every article, so a header (or a JSON object) wider than this is a mistake or an
attack, and is refused before its columns are looked at (time grew with their number)."""

MAX_ROW_CHARS = MAX_ARTICLE_CHARS + MAX_ARTICLE_CHARS // 4
"""The longest row (or JSON line) of a table: the longest article, with room for its line ends
and its other fields."""


def too_wide(columns: int, what: str = "the header row", unit: str = "columns") -> str:
    return (
        f"{what} has {columns:,} {unit}, over the limit of {MAX_COLUMNS:,} for a table of "
        "articles (is this a table with one article per row?)"
    )


def too_long(what: str) -> str:
    return (
        f"{what} is longer than {MAX_ROW_CHARS:,} characters, the limit for one article and its "
        "fields"
    )


@dataclass(frozen=True)
class _Columns:
    """Which column feeds which article field; None when the table has no such column."""

    text: str
    title: str | None
    date: str | None
    source: str | None
    url: str | None
    id: str | None
    meta: tuple[str, ...]


def read_jsonl(
    data: bytes, origin: str, options: TableOptions
) -> Iterator[ParsedArticle | ImportProblem]:
    """One JSON object per line; the first object decides which key holds the text."""
    text = decode_text(data).text
    if not text or text.isspace():
        raise UnreadableFile("empty file")
    yield from _jsonl_records(text.split("\n"), origin, options, first_line=1, text_key=None)


@dataclass(frozen=True)
class JsonlPart:
    """A run of whole lines of a JSON Lines file that can be read on its own (by a worker
    process): it carries its first line's number and the text key the file's first object set.

    The lines are one string, as in the file: the process that cuts the file only finds line
    ends, and the worker splits its own part (splitting a 50 MB file into lines, and sending
    them one by one, kept the workers waiting for a third of a second)."""

    origin: str
    text: str  # whole lines joined by "\n", without the line end after the last
    first_line: int
    text_key: str | None


def split_jsonl(
    data: bytes, origin: str, options: TableOptions, chars: int | Callable[[int], int]
) -> list[JsonlPart]:
    """The file in parts of about `chars` characters (or of `chars(characters left)`); read one
    after another with read_jsonl_part they give exactly what read_jsonl gives. Raises
    UnreadableFile when the file is bad as a whole, or when its first object has no text key."""
    size = chars if callable(chars) else lambda _left: chars
    text = decode_text(data).text
    if not text or text.isspace():
        raise UnreadableFile("empty file")
    text_key = _first_text_key(_lines(text), options)
    parts: list[JsonlPart] = []
    start, line = 0, 1
    while start < len(text):
        end = text.find("\n", start + max(size(len(text) - start), 1) - 1)
        if end == -1:
            end = len(text)
        parts.append(JsonlPart(origin, text[start:end], line, text_key))
        line += text.count("\n", start, end) + 1
        start = end + 1
    return parts


def read_jsonl_part(
    part: JsonlPart, options: TableOptions
) -> Iterator[ParsedArticle | ImportProblem]:
    lines = part.text.split("\n")
    return _jsonl_records(lines, part.origin, options, part.first_line, part.text_key)


def _lines(text: str) -> Iterator[str]:
    """text.split("\n") as it goes: finding the first object needs only the first lines."""
    start = 0
    while (end := text.find("\n", start)) != -1:
        yield text[start:end]
        start = end + 1
    yield text[start:]


def _first_text_key(lines: Iterable[str], options: TableOptions) -> str | None:
    for line in lines:
        try:
            record = json.loads(line) if line.strip() else None
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict) and len(record) <= MAX_COLUMNS:
            names = [str(key) for key in record]
            return resolve_columns(names, options, strict=False).text
    return None


def _jsonl_records(
    lines: Sequence[str],
    origin: str,
    options: TableOptions,
    first_line: int,
    text_key: str | None,
) -> Iterator[ParsedArticle | ImportProblem]:
    resolved: dict[tuple[str, ...], _Columns] = {}
    for line_number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        line_origin = f"{origin} line {line_number}"
        if len(line) > MAX_ROW_CHARS:  # refused before json builds its strings
            yield ImportProblem(line_origin, too_long("this line"))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            yield ImportProblem(line_origin, f"invalid JSON: {error.msg} at column {error.colno}")
            continue
        except (ValueError, RecursionError) as error:
            yield ImportProblem(line_origin, f"invalid JSON ({describe_error(error)})")
            continue
        if not isinstance(record, dict):
            yield ImportProblem(line_origin, f"not a JSON object but a {type(record).__name__}")
            continue
        if len(record) > MAX_COLUMNS:
            yield ImportProblem(line_origin, too_wide(len(record), "this object", "keys"))
            continue
        values = {str(key): _json_value(value) for key, value in record.items()}
        names = list(values)
        if text_key is None:
            # A wrong key name is one mistake for the whole file, not one per line.
            text_key = resolve_columns(names, options, strict=False).text
        elif text_key not in values:
            yield ImportProblem(line_origin, f"no {text_key!r} key (keys: {listed(names)})")
            continue
        # Lines nearly always share their keys: each set of keys is resolved once.
        key = (text_key, *names)
        columns = resolved.get(key)
        if columns is None:
            with_text = replace(options, text_column=text_key)
            columns = resolved[key] = resolve_columns(names, with_text, strict=False)
        yield row_article(values, columns, line_origin)


def row_article(
    values: Mapping[str, str], columns: _Columns, origin: str
) -> ParsedArticle | ImportProblem:
    text = normalise_text(values.get(columns.text, ""))
    if not text.strip():
        return ImportProblem(origin, f"empty text in column {columns.text!r}")

    def field(column: str | None) -> str:
        return normalise_field(values.get(column, "")) if column else ""

    meta = {name: normalise_field(values.get(name, "")) for name in columns.meta}
    if columns.id:
        meta["id"] = field(columns.id)
    return ParsedArticle(
        text=text,
        origin=origin,
        title=field(columns.title),
        source=field(columns.source),
        date=field(columns.date),
        url=field(columns.url),
        meta={name: value for name, value in meta.items() if value},
    )


def resolve_columns(names: Sequence[str], options: TableOptions, *, strict: bool) -> _Columns:
    """Map options onto actual column names; `strict` makes a missing named column fatal.

    A CSV header holds for every row, so a named column it lacks is a mistake (strict). JSON Lines
    objects may each omit optional keys, so there only the text key must exist.
    """

    def pick(role: str, wanted: str | None, usual: Sequence[str], required: bool) -> str | None:
        if wanted is not None:
            found = _find_column(names, wanted)
            if found is None and (strict or required):
                raise UnreadableFile(f"no {role} column {wanted!r} (columns: {listed(names)})")
            return found
        return next(
            (found for found in (_find_column(names, name) for name in usual) if found), None
        )

    text = pick("text", options.text_column, TEXT_COLUMNS, required=True)
    if text is None:
        raise UnreadableFile(
            f"no text column: none is named {', '.join(TEXT_COLUMNS)} "
            f"(columns: {listed(names)}); name the text column"
        )
    title = pick("title", options.title_column, TITLE_COLUMNS, required=False)
    date = pick("date", options.date_column, DATE_COLUMNS, required=False)
    source = pick("source", options.source_column, SOURCE_COLUMNS, required=False)
    url = pick("url", options.url_column, URL_COLUMNS, required=False)
    id_ = pick("id", options.id_column, ID_COLUMNS, required=False)
    used = {text, title, date, source, url, id_}
    if options.meta_columns is None:
        meta = tuple(name for name in names if name not in used)
    else:
        meta_found = []
        for wanted in options.meta_columns:
            found = _find_column(names, wanted)
            if found is None and strict:
                raise UnreadableFile(f"no meta column {wanted!r} (columns: {listed(names)})")
            if found is not None:
                meta_found.append(found)
        meta = tuple(meta_found)
    return _Columns(text, title, date, source, url, id_, meta)


def _find_column(names: Sequence[str], wanted: str) -> str | None:
    """Exact name first, then ignoring case and surrounding spaces ("Text " finds "text")."""
    if wanted in names:
        return wanted
    folded = wanted.strip().casefold()
    return next((name for name in names if name.strip().casefold() == folded), None)


def unique_names(header: Sequence[str]) -> list[str]:
    """Blank header cells get a name, repeated ones a suffix, so every cell keeps its value."""
    names: list[str] = []
    taken: set[str] = set()  # a list's `in` made a wide header take quadratic time
    for index, cell in enumerate(header, start=1):
        name = cell.strip() or f"column {index}"
        candidate, copy = name, 2
        while candidate in taken:
            candidate, copy = f"{name} ({copy})", copy + 1
        names.append(candidate)
        taken.add(candidate)
    return names


def listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED_COLUMNS])
    if len(names) > _MAX_LISTED_COLUMNS:
        shown += f", … ({len(names) - _MAX_LISTED_COLUMNS} more)"
    return shown or "none"


def _json_value(value: object) -> str:
    """Strings stay as they are; numbers, booleans and nested values become their JSON text."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)
