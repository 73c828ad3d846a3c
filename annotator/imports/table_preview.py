"""The first rows of a table file and which column the import would take for what.

The import dialog shows this before anything is imported, so a researcher sees that "body" is
the text and "outlet" the source (or that no column is the text) and can name columns instead.
It reads only the start of the file, so a preview is quick and bounded whatever the file's size.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

from annotator.imports.base import TableOptions, UnreadableFile
from annotator.imports.decoding import decode_text
from annotator.imports.tables import MAX_COLUMNS, resolve_columns, unique_names

PREVIEW_BYTES = 256 * 1024
"""How much of a file a preview reads: enough for the header and several long rows."""
PREVIEW_ROWS = 5
CELL_CHARS = 300
"""A preview shows the start of each cell: a cell is an article's whole text."""
PREVIEWED_SUFFIXES = frozenset({".csv", ".tsv", ".jsonl", ".xlsx"})

ROLES = ("text", "title", "date", "source", "url", "id")


@dataclass(frozen=True)
class TablePreview:
    """What the dialog shows: the column names, a few rows, and the role each column gets."""

    columns: list[str]
    rows: list[list[str]]
    roles: dict[str, str] = field(default_factory=dict)  # column -> its roles ("text, title")
    problem: str | None = None  # why the import would refuse this file, in one line


def can_preview(path: Path) -> bool:
    return path.suffix.lower() in PREVIEWED_SUFFIXES


def preview_table(path: Path, options: TableOptions, rows: int = PREVIEW_ROWS) -> TablePreview:
    """The start of a .csv/.tsv/.jsonl/.xlsx file as the import would read it.

    Never raises for a bad file: the problem comes back in `problem`, worded as the import
    would word it.
    """
    try:
        columns, body = _read_start(path, rows)
    except UnreadableFile as error:
        return TablePreview([], [], problem=str(error))
    except OSError as error:
        return TablePreview([], [], problem=f"cannot open: {error.strerror or error}")
    names = unique_names(columns)
    cells = [[_cell(v) for v in row[: len(names)]] for row in body]
    try:
        found = resolve_columns(names, options, strict=path.suffix.lower() != ".jsonl")
    except UnreadableFile as error:
        return TablePreview(names, cells, problem=str(error))
    roles: dict[str, str] = {}
    picked = (found.text, found.title, found.date, found.source, found.url, found.id)
    for role, column in zip(ROLES, picked, strict=True):
        if column is not None:  # one column may serve two roles (text and title)
            roles[column] = f"{roles[column]}, {role}" if column in roles else role
    return TablePreview(names, cells, roles)


def _read_start(path: Path, rows: int) -> tuple[list[str], list[list[str]]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_start(path, rows)
    with path.open("rb") as fh:
        data = fh.read(PREVIEW_BYTES)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("not a text file (it holds NUL bytes)")
    text = decode_text(data).text
    if suffix == ".jsonl":
        return _jsonl_start(text, rows)
    delimiter = "\t" if suffix == ".tsv" else _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        if len(header) > MAX_COLUMNS:
            raise UnreadableFile(f"the header row has {len(header):,} columns")
        body = [row for row in itertools.islice(reader, rows + 1)]
    except csv.Error as error:
        raise UnreadableFile(f"cannot read the start of the table ({error})") from None
    if len(data) == PREVIEW_BYTES and body:
        body = body[:-1]  # the last row read may be cut off by the preview's end
    if not header or not any(cell.strip() for cell in header):
        raise UnreadableFile("no header row: the first row must name the columns")
    return header, body[:rows]


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _jsonl_start(text: str, rows: int) -> tuple[list[str], list[list[str]]]:
    records: list[dict[str, object]] = []
    for line in text.splitlines():
        if len(records) == rows:
            break
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            if len(text.encode()) >= PREVIEW_BYTES:
                break  # a line cut by the preview's end
            raise UnreadableFile("a line is not valid JSON") from None
        if isinstance(value, dict):
            records.append(value)
    if not records:
        raise UnreadableFile("no JSON objects at the start of the file")
    columns = list(dict.fromkeys(k for record in records for k in record))[:MAX_COLUMNS]
    return columns, [[_json_cell(r.get(c)) for c in columns] for r in records]


def _xlsx_start(path: Path, rows: int) -> tuple[list[str], list[list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            found = [
                ["" if v is None else str(v) for v in row]
                for row in itertools.islice(sheet.iter_rows(values_only=True), rows + 1)
            ]
        finally:
            book.close()
    except Exception as error:  # a damaged zip or XML part raises whatever its parser meets
        raise UnreadableFile(f"not a readable .xlsx file ({type(error).__name__})") from None
    if not found:
        raise UnreadableFile("the first sheet is empty")
    return found[0], found[1:]


def _cell(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= CELL_CHARS else value[: CELL_CHARS - 1] + "…"


def _json_cell(value: object) -> str:
    if value is None:
        return ""
    return _cell(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
