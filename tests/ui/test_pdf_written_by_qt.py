"""A PDF that Qt writes (QTextDocument -> QPdfWriter, as the app's own report export does)
comes back as its paragraphs: no tab between every word, no page number "1" as a sentence.
Qt places each word on its own, which is what broke the plain text extraction."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument
from pytestqt.qtbot import QtBot

from annotator.imports import ParsedArticle, read_path

PARAGRAPHS = [
    "The negotiations continued late into the night as delegates from both sides argued "
    "over the wording of the final text, officials said on Tuesday.",
    "A second round is planned for April in Geneva, where the first round was held.",
]


def test_qt_pdf_reads_as_paragraphs(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "qt.pdf"
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    document = QTextDocument()
    document.setHtml("".join(f"<p>{p}</p>" for p in PARAGRAPHS))
    document.print_(writer)
    del writer  # finishes the file
    (article,) = list(read_path(path))
    assert isinstance(article, ParsedArticle)
    assert article.text == "\n\n".join(PARAGRAPHS)
