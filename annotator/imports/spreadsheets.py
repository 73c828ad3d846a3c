"""Spreadsheets (.xlsx via openpyxl, .ods via odfpy): one article per row, as a CSV file.

The first sheet is read, its first row names the columns (the same names as for CSV: text,
title, date, ...); rows are numbered as the spreadsheet shows them. Dates become ISO text,
whole numbers lose their ".0". A workbook with data on further sheets says so: they are not read.
"""

from __future__ import annotations

import datetime
import io
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from annotator.imports import tables
from annotator.imports.base import (
    ImportProblem,
    ParsedArticle,
    TableOptions,
    UnreadableFile,
    describe_error,
)
from annotator.imports.zip_safety import check_zip

logger = logging.getLogger(__name__)

MAX_ROWS = 1_048_576  # Excel's limit; .ods may "repeat" an empty row up to it
MAX_COLUMNS = 16_384


def read_xlsx(
    data: bytes, origin: str, options: TableOptions
) -> Iterator[ParsedArticle | ImportProblem]:
    import openpyxl

    check_zip(data, ".xlsx")
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = [
            (sheet.title, list(enumerate(sheet.iter_rows(values_only=True), start=1)))
            for sheet in book
        ]
        book.close()
    except Exception as error:
        # A damaged zip or XML part raises whatever the parser meets (zlib.error,
        # NotImplementedError for an unknown compression, expat and lxml errors, KeyError
        # ...); each means the same to the researcher: this file cannot be read.
        logger.info("openpyxl cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"not a readable .xlsx file ({describe_error(error)})") from None
    yield from _sheet_rows(sheets, origin, options)


def read_ods(
    data: bytes, origin: str, options: TableOptions
) -> Iterator[ParsedArticle | ImportProblem]:
    check_zip(data, ".ods")
    try:
        sheets = _ods_sheets(data)
    except Exception as error:
        # A damaged zip or XML part raises whatever the parser meets (zlib.error,
        # NotImplementedError for an unknown compression, expat and lxml errors, KeyError
        # ...); each means the same to the researcher: this file cannot be read.
        logger.info("odfpy cannot read %s", origin, exc_info=True)
        raise UnreadableFile(f"not a readable .ods file ({describe_error(error)})") from None
    yield from _sheet_rows(sheets, origin, options)


Rows = list[tuple[int, Sequence[object]]]  # (row number as the spreadsheet shows it, cells)


def _ods_sheets(data: bytes) -> list[tuple[str, Rows]]:
    from odf import teletype
    from odf.namespaces import TABLENS
    from odf.opendocument import load
    from odf.table import Table, TableRow

    document = load(io.BytesIO(data))
    sheets = []
    for table in document.spreadsheet.getElementsByType(Table):
        rows: Rows = []
        number = 1
        for row in table.getElementsByType(TableRow):
            cells: list[object] = []
            for cell in row.childNodes:
                if cell.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                repeat = int(cell.attributes.get((TABLENS, "number-columns-repeated"), 1))
                covered = cell.qname[1] == "covered-table-cell"  # hidden by a merged cell
                value = "" if covered else _ods_value(cell, teletype)
                cells.extend([value] * min(repeat, MAX_COLUMNS - len(cells)))
            while cells and cells[-1] in ("", None):
                cells.pop()
            repeat = int(row.attributes.get((TABLENS, "number-rows-repeated"), 1))
            if cells:  # (empty rows, often repeated to the sheet's end, are only counted)
                for _ in range(min(repeat, MAX_ROWS - len(rows))):
                    rows.append((number, tuple(cells)))
                    number += 1
            else:
                number += repeat
        sheets.append((str(table.getAttribute("name")), rows))
    return sheets


def _ods_value(cell: object, teletype: object) -> object:
    from odf.namespaces import OFFICENS, TEXTNS

    attributes = cell.attributes  # type: ignore[attr-defined]
    kind = attributes.get((OFFICENS, "value-type"))
    if kind in ("float", "percentage", "currency"):
        return float(attributes.get((OFFICENS, "value")))
    if kind == "date":
        return str(attributes.get((OFFICENS, "date-value")))
    paragraphs = [
        teletype.extractText(p)  # type: ignore[attr-defined]
        for p in cell.childNodes  # type: ignore[attr-defined]
        if p.qname == (TEXTNS, "p")
    ]
    return "\n".join(paragraphs)


def _sheet_rows(
    sheets: Sequence[tuple[str, Rows]], origin: str, options: TableOptions
) -> Iterator[ParsedArticle | ImportProblem]:
    filled = [(name, rows) for name, rows in sheets if any(_has_value(r) for _, r in rows)]
    if not filled:
        raise UnreadableFile("empty spreadsheet")
    name, rows = filled[0]
    rows = [(number, row) for number, row in rows if _has_value(row)]
    header = [_cell_text(value) for value in rows[0][1]]
    if not any(cell.strip() for cell in header):
        raise UnreadableFile("no header row: the first row must name the columns")
    names = _table_helper("unique_names")(header)
    columns = _table_helper("resolve_columns")(names, options, strict=True)
    if len(filled) > 1:
        others = ", ".join(repr(other) for other, _ in filled[1:])
        yield ImportProblem(origin, f"only the first sheet {name!r} was read, not {others}")
    if len(rows) < 2:
        raise UnreadableFile("no rows below the header")
    for number, row in rows[1:]:
        values = dict(zip(names, (_cell_text(value) for value in row), strict=False))
        yield _table_helper("row_article")(values, columns, f"{origin} row {number}")


def _table_helper(name: str) -> Any:
    """The CSV reader's column handling, which rows of a sheet share: `tables` names these
    helpers `row_article`, `resolve_columns`, `unique_names` (earlier with a leading "_"
    and `_article`); either naming is found, so this module does not depend on which."""
    older = {"row_article": "_article"}.get(name, f"_{name}")
    return getattr(tables, name, None) or getattr(tables, older)


def _has_value(row: Iterable[object]) -> bool:
    return any(value is not None and str(value).strip() for value in row)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
