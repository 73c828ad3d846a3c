"""CSV and TSV files, one article per row, read as a stream: time and memory stay bounded
whatever the file holds (issue 18: a header of 1,000,000 columns ran for minutes; one 100 MB
field held 1.3 GB).

* The header may have at most MAX_COLUMNS columns; a wider one is refused while the header is
  read, before any row is parsed.
* A row (all its lines) may have at most MAX_ROW_CHARS characters: room for the longest article
  (MAX_ARTICLE_CHARS) and its metadata. A longer row is refused as it is read, never held whole;
  reading goes on after it (at the first line end outside quotes), so one runaway row does not
  cost the others.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import BinaryIO

from annotator.imports.base import (
    MAX_FILE_BYTES,
    ImportProblem,
    ParsedArticle,
    TableOptions,
    UnreadableFile,
    describe_error,
)
from annotator.imports.stream_decoding import detect_encoding
from annotator.imports.tables import (
    MAX_COLUMNS,
    MAX_ROW_CHARS,
    resolve_columns,
    row_article,
    too_long,
    too_wide,
    unique_names,
)

_DELIMITERS = ",;\t|"
_SNIFF_CHARS = 64 * 1024
_QUOTE = '"'


class _RowTooLong(Exception):
    """Raised by _Lines from inside csv.reader: the row being read is over MAX_ROW_CHARS."""


class _Lines:
    """The physical lines of a text stream, for csv.reader, counting the characters of the row
    being read (`new_row` starts the count): a row over the limit raises _RowTooLong once its
    end has been found, so no line and no field is ever longer than the limit."""

    def __init__(self, text: io.TextIOBase, limit: int = MAX_ROW_CHARS) -> None:
        self.text = text
        self.limit = limit
        self.pushed: list[str] = []
        self.row_chars = 0
        self.row_quotes = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = self.pushed.pop() if self.pushed else self.text.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.row_chars += len(line)
        self.row_quotes += line.count(_QUOTE)
        if self.row_chars > self.limit:
            self._skip_rest_of_row(line)
            raise _RowTooLong
        return line.replace("\x00", "") if "\x00" in line else line

    def new_row(self) -> None:
        self.row_chars = self.row_quotes = 0

    def _skip_rest_of_row(self, line: str) -> None:
        """Read on to the row's end: a line end with no quoted field left open (an even number
        of quote characters since the row began; a quote inside a quoted field is doubled)."""
        while not (line.endswith(("\n", "\r")) and self.row_quotes % 2 == 0):
            line = self.text.readline(self.limit + 1)
            if not line:
                break
            self.row_quotes += line.count(_QUOTE)
        self.new_row()


def read_delimited(
    data: bytes, origin: str, options: TableOptions, delimiter: str | None
) -> Iterator[ParsedArticle | ImportProblem]:
    """Rows of a CSV/TSV file's bytes (see read_delimited_stream)."""
    return read_delimited_stream(io.BytesIO(data), origin, options, delimiter)


def read_delimited_stream(
    stream: BinaryIO,
    origin: str,
    options: TableOptions,
    delimiter: str | None,
    limit: int = MAX_FILE_BYTES,
) -> Iterator[ParsedArticle | ImportProblem]:
    """Rows of a CSV/TSV file; `delimiter` None means detect it from the header line.

    `stream` must be seekable (its encoding is found first, by reading it through, refusing it
    past `limit` bytes). Rows are
    numbered as a spreadsheet shows them: the header is row 1. Raises UnreadableFile when the
    file is bad as a whole (before yielding anything, except "no rows below the header").
    """
    encoding = detect_encoding(stream, limit)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding.encoding, encoding.errors, newline="")
    # csv's own limit on one field must not stop a row the row limit lets through. It is one
    # limit for the whole process, so it is only ever raised.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_ROW_CHARS + 1))
    lines = _Lines(text)
    first = _first_line(lines, origin)
    delimiter = delimiter or _sniff_delimiter(first)
    _refuse_wide_header(first, delimiter)
    lines.pushed.append(first)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as error:
        raise UnreadableFile(f"cannot read the header row ({describe_error(error)})") from None
    except _RowTooLong:
        raise UnreadableFile(too_long("the header row") + " (a quote never closed?)") from None
    if not header or not any(cell.strip() for cell in header):
        raise UnreadableFile("no header row: the first row must name the columns")
    if len(header) > MAX_COLUMNS:
        raise UnreadableFile(too_wide(len(header)))
    names = unique_names(header)
    columns = resolve_columns(names, options, strict=True)
    row_number = 1
    any_rows = False
    while True:
        row_number += 1
        row_origin = f"{origin} row {row_number}"
        lines.new_row()
        try:
            row = next(reader)
        except StopIteration:
            if not any_rows:
                raise UnreadableFile("no rows below the header") from None
            return
        except _RowTooLong:
            yield ImportProblem(
                row_origin, too_long("this row") + " (a quote never closed?): skipped"
            )
            reader = csv.reader(lines, delimiter=delimiter)
            continue
        except (csv.Error, UnicodeDecodeError, OSError) as error:
            yield ImportProblem(
                row_origin, f"cannot read this row or any after it ({describe_error(error)})"
            )
            return
        if not any(cell.strip() for cell in row):
            continue
        any_rows = True
        if len(row) > len(names) and any(cell.strip() for cell in row[len(names) :]):
            yield ImportProblem(
                row_origin,
                f"row has {len(row):,} fields but the header has {len(names):,} "
                "(a field with an unquoted delimiter?)",
            )
            continue
        values = dict(zip(names, row, strict=False))
        yield row_article(values, columns, row_origin)


def _first_line(lines: _Lines, origin: str) -> str:
    try:
        first = next(lines)
    except StopIteration:
        raise UnreadableFile("empty file") from None
    except _RowTooLong:
        raise UnreadableFile(too_long("the header row") + " (a quote never closed?)") from None
    except (UnicodeDecodeError, OSError) as error:
        raise UnreadableFile(f"cannot read the header row ({describe_error(error)})") from None
    lines.new_row()
    return first


def _refuse_wide_header(first: str, delimiter: str) -> None:
    """Count the columns of a header line without quotes before csv parses it into a list."""
    if _QUOTE not in first and first.count(delimiter) + 1 > MAX_COLUMNS:
        raise UnreadableFile(too_wide(first.count(delimiter) + 1))


def _sniff_delimiter(header_line: str) -> str:
    """Guess from the header line: column names rarely contain a delimiter, article text does."""
    header = header_line[:_SNIFF_CHARS].rstrip("\r\n")
    try:
        return csv.Sniffer().sniff(header, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        return ","
