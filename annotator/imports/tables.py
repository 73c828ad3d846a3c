"""Corpus tables: CSV/TSV and JSON Lines, one article per row; a bad row does not stop the rest."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from annotator.imports.base import (
    MAX_FILE_BYTES,
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
DATE_COLUMNS = ("date", "published")
SOURCE_COLUMNS = ("source", "publication")
URL_COLUMNS = ("url", "link")
ID_COLUMNS = ("id",)

_DELIMITERS = ",;\t|"
_SNIFF_CHARS = 64 * 1024
_MAX_LISTED_COLUMNS = 30


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


def read_delimited(
    data: bytes, origin: str, options: TableOptions, delimiter: str | None
) -> Iterator[ParsedArticle | ImportProblem]:
    """Rows of a CSV/TSV file; `delimiter` None means detect it from the header line.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    text = decode_text(data).text.replace("\x00", "")
    if not text.strip():
        raise UnreadableFile("empty file")
    # Fields may be as large as the file: a whole article with quoted newlines is one field.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter or _sniff_delimiter(text)
    )
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise UnreadableFile(f"cannot read the header row ({describe_error(error)})") from None
    if not header or not any(cell.strip() for cell in header):
        raise UnreadableFile("no header row: the first row must name the columns")
    names = _unique_names(header)
    columns = _resolve_columns(names, options, strict=True)
    row_number = 1
    any_rows = False
    while True:
        row_number += 1
        try:
            row = next(reader)
        except StopIteration:
            if not any_rows:
                raise UnreadableFile("no rows below the header") from None
            return
        except csv.Error as error:
            yield ImportProblem(
                f"{origin} row {row_number}",
                f"cannot read this row or any after it ({describe_error(error)})",
            )
            return
        if not any(cell.strip() for cell in row):
            continue
        any_rows = True
        row_origin = f"{origin} row {row_number}"
        if len(row) > len(names) and any(cell.strip() for cell in row[len(names) :]):
            yield ImportProblem(
                row_origin,
                f"row has {len(row)} fields but the header has {len(names)} "
                "(a field with an unquoted delimiter?)",
            )
            continue
        values = dict(zip(names, row, strict=False))
        yield _article(values, columns, row_origin)


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
        if isinstance(record, dict):
            names = [str(key) for key in record]
            return _resolve_columns(names, options, strict=False).text
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
        values = {str(key): _json_value(value) for key, value in record.items()}
        names = list(values)
        if text_key is None:
            # A wrong key name is one mistake for the whole file, not one per line.
            text_key = _resolve_columns(names, options, strict=False).text
        elif text_key not in values:
            yield ImportProblem(line_origin, f"no {text_key!r} key (keys: {_listed(names)})")
            continue
        # Lines nearly always share their keys: each set of keys is resolved once.
        key = (text_key, *names)
        columns = resolved.get(key)
        if columns is None:
            with_text = replace(options, text_column=text_key)
            columns = resolved[key] = _resolve_columns(names, with_text, strict=False)
        yield _article(values, columns, line_origin)


def _article(
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


def _resolve_columns(names: Sequence[str], options: TableOptions, *, strict: bool) -> _Columns:
    """Map options onto actual column names; `strict` makes a missing named column fatal.

    A CSV header holds for every row, so a named column it lacks is a mistake (strict). JSON Lines
    objects may each omit optional keys, so there only the text key must exist.
    """

    def pick(role: str, wanted: str | None, usual: Sequence[str], required: bool) -> str | None:
        if wanted is not None:
            found = _find_column(names, wanted)
            if found is None and (strict or required):
                raise UnreadableFile(f"no {role} column {wanted!r} (columns: {_listed(names)})")
            return found
        return next(
            (found for found in (_find_column(names, name) for name in usual) if found), None
        )

    text = pick("text", options.text_column, TEXT_COLUMNS, required=True)
    if text is None:
        raise UnreadableFile(
            f"no text column: none is named {', '.join(TEXT_COLUMNS)} "
            f"(columns: {_listed(names)}); name the text column"
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
                raise UnreadableFile(f"no meta column {wanted!r} (columns: {_listed(names)})")
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


def _unique_names(header: Sequence[str]) -> list[str]:
    """Blank header cells get a name, repeated ones a suffix, so every cell keeps its value."""
    names: list[str] = []
    for index, cell in enumerate(header, start=1):
        name = cell.strip() or f"column {index}"
        candidate, copy = name, 2
        while candidate in names:
            candidate, copy = f"{name} ({copy})", copy + 1
        names.append(candidate)
    return names


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED_COLUMNS])
    if len(names) > _MAX_LISTED_COLUMNS:
        shown += f", … ({len(names) - _MAX_LISTED_COLUMNS} more)"
    return shown or "none"


def _sniff_delimiter(text: str) -> str:
    """Guess from the header line: column names rarely contain a delimiter, article text does."""
    header = text[:_SNIFF_CHARS].split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _json_value(value: object) -> str:
    """Strings stay as they are; numbers, booleans and nested values become their JSON text."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False)
