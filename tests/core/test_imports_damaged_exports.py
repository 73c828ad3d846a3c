"""Damaged copies of every new format (bytes changed at random, files cut short) are reported
as problems, never raised: a bad file must not stop an import of a thousand good ones."""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableRow
from odf.text import P

from annotator.imports import ImportProblem, ParsedArticle, read_path
from tests.core.helpers.news_files import (
    write_factiva_html,
    write_factiva_rtf,
    write_nexis_docx,
    write_nexis_pdf,
    write_nexis_rtf,
)


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.append(["title", "text"])
    for n in range(20):
        book.active.append([f"T{n}", f"Text number {n}."])
    book.save(path)
    return path


def _ods(path: Path) -> Path:
    document = OpenDocumentSpreadsheet()
    table = Table(name="t")
    for values in (["title", "text"], *([f"T{n}", f"Text {n}."] for n in range(20))):
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def _odt(path: Path) -> Path:
    document = OpenDocumentText()
    for n in range(30):
        document.text.addElement(P(text=f"Paragraph {n} of the article."))
    document.save(str(path))
    return path


WRITERS = {
    "nexis.docx": write_nexis_docx,
    "nexis.rtf": write_nexis_rtf,
    "nexis.pdf": write_nexis_pdf,
    "factiva.rtf": write_factiva_rtf,
    "factiva.html": write_factiva_html,
    "table.xlsx": _xlsx,
    "table.ods": _ods,
    "text.odt": _odt,
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_damaged_copies_are_problems_not_crashes(tmp_path: Path, name: str) -> None:
    good = WRITERS[name](tmp_path / name).read_bytes()
    rng = random.Random(name)
    damaged = tmp_path / f"damaged{Path(name).suffix}"
    for _ in range(25):
        data = bytearray(good)
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[: rng.randrange(1, len(data))]
        damaged.write_bytes(bytes(data))
        for item in read_path(damaged):  # raises if a reader lets an error through
            assert isinstance(item, ParsedArticle | ImportProblem)
