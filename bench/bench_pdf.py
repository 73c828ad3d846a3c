"""PDF text extraction: fidelity and speed of pypdf, pdfminer.six, pypdfium2 and PyMuPDF alone,
and of the import (pypdfium2 + annotator/imports/pdf_layout.py). See docs/pdf-extraction.md.

Generated PDFs (the text is known): news articles laid out in one column with a running head
and page numbers; in two columns with words hyphenated at line ends; and written by Qt
(QTextDocument -> QPdfWriter, which places every glyph on its own). Fidelity:
- words: difflib ratio of the extracted words to the true words (garbled, lost or extra text);
- sentences whole: share of true sentences found whole on one line (a line break, a hyphen, a
  running head or the other column inside a sentence breaks it);
- paragraphs: share of true paragraphs found as a line of their own.
Speed: MB of true text per second. Real PDFs (BENCH_PDF_REAL, a folder; default the PDFs under
/usr/share/doc): MB of PDF per second, and pages.

PyMuPDF is AGPL: measured here for comparison, never a dependency of the app.
"""

from __future__ import annotations

import difflib
import io
import os
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import article
from fpdf import FPDF

from annotator.imports.base import ParsedArticle
from annotator.imports.pdf_documents import read_pdf_articles

Document = tuple[str, bytes, list[str]]  # style, PDF, true paragraphs


def _truth(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    return [[p.strip() for p in article(rng).split("\n\n") if p.strip()] for _ in range(count)]


def one_column(stories: list[list[str]]) -> bytes:
    class Paper(FPDF):
        def header(self) -> None:
            self.set_font("helvetica", "", 8)
            self.cell(0, 5, "The Daily Ledger - Monday edition", align="R")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("helvetica", "", 8)
            self.cell(0, 5, str(self.page_no()), align="C")

    pdf = Paper(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    for story in stories:
        pdf.set_font("helvetica", "B", 14)
        pdf.multi_cell(0, 7, story[0])
        pdf.ln(2)
        pdf.set_font("helvetica", "", 10.5)
        for paragraph in story[1:]:
            pdf.multi_cell(0, 5, paragraph)
            pdf.ln(2.5)
        pdf.ln(4)
    return bytes(pdf.output())


def two_columns(stories: list[list[str]]) -> bytes:
    """Stories flowing through two columns of 82 mm page after page, headlines in bold, words
    hyphenated where they do not fit, a page number at the foot."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    lines: list[tuple[str, str]] = []  # (style, text); ("", "") is space between paragraphs
    for story in stories:
        pdf.set_font("helvetica", "B", 12)
        lines.extend(("B", line) for line in _hyphenated(pdf, story[0], 82))
        pdf.set_font("helvetica", "", 10)
        for paragraph in story[1:]:
            lines.extend(("", line) for line in _hyphenated(pdf, paragraph, 82))
            lines.append(("", ""))
        lines.append(("", ""))
    x, y = 200.0, 999.0
    for style, line in lines:
        if y > 275:
            if x > 50:
                pdf.add_page()
                pdf.set_font("helvetica", "", 8)
                pdf.text(103, 290, str(pdf.page))
                x = 18.0
            else:
                x = 110.0
            y = 22.0
        if line:
            pdf.set_font("helvetica", style, 12 if style else 10)
            pdf.text(x, y, line)
        y += (6 if style else 4.6) if line else 2.4
    return bytes(pdf.output())


def _hyphenated(pdf: FPDF, paragraph: str, width: float) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in paragraph.split():
        candidate = f"{line} {word}".strip()
        if pdf.get_string_width(candidate) <= width:
            line = candidate
            continue
        half = len(word) // 2
        if len(word) >= 8 and word[:half].isalpha():
            head = f"{line} {word[:half]}-".strip()
            if pdf.get_string_width(head) <= width:
                lines.append(head)
                line = word[half:]
                continue
        lines.append(line)
        line = word
    lines.append(line)
    return lines


def qt_written(stories: list[list[str]]) -> bytes | None:
    try:
        from PySide6.QtCore import QBuffer, QByteArray, QIODevice
        from PySide6.QtGui import QGuiApplication, QPageSize, QPdfWriter, QTextDocument
    except ImportError:
        return None
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QGuiApplication.instance() or QGuiApplication([])
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    document = QTextDocument()
    document.setHtml(
        "".join(f"<h2>{s[0]}</h2>" + "".join(f"<p>{p}</p>" for p in s[1:]) for s in stories)
    )
    document.print_(writer)
    del writer
    buffer.close()
    return bytes(data.data())


def extractors() -> dict[str, Callable[[bytes], str]]:
    found: dict[str, Callable[[bytes], str]] = {}
    try:
        import pypdf

        found["pypdf (alone)"] = lambda data: "\n".join(
            page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages
        )
    except ImportError:
        pass
    try:
        from pdfminer.high_level import extract_text

        found["pdfminer.six (alone)"] = lambda data: extract_text(io.BytesIO(data))
    except ImportError:
        pass
    import pypdfium2

    def pdfium(data: bytes) -> str:
        document = pypdfium2.PdfDocument(data)
        try:
            return "\n".join(page.get_textpage().get_text_range() for page in document)
        finally:
            document.close()

    found["pypdfium2 (alone)"] = pdfium
    try:
        import pymupdf

        def mupdf(data: bytes) -> str:
            with pymupdf.open(stream=data, filetype="pdf") as document:
                return "\n".join(page.get_text() for page in document)

        found["PyMuPDF, AGPL (alone)"] = mupdf
    except ImportError:
        pass

    def ours(data: bytes) -> str:
        items = read_pdf_articles(data, "bench.pdf")
        return "\n\n".join(item.text for item in items if isinstance(item, ParsedArticle))

    found["import: pypdfium2 + pdf_layout"] = ours
    return found


_SPACES = re.compile(r"[ \t\u00a0]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def fidelity(extracted: str, truth: list[str]) -> tuple[float, float, float]:
    text = extracted.replace("\r\n", "\n").replace("\ufffe", "-").replace("\x02", "-")
    lines = {_SPACES.sub(" ", line).strip() for line in text.split("\n")}
    joined_lines = "\n".join(lines)
    words = difflib.SequenceMatcher(
        None, text.split(), " ".join(truth).split(), autojunk=False
    ).ratio()
    sentences = [s for p in truth for s in _SENTENCE.split(p)]
    whole = sum(1 for s in sentences if s in joined_lines) / len(sentences)
    paragraphs = sum(1 for p in truth if p in lines) / len(truth)
    return words, whole, paragraphs


def run() -> list[dict[str, object]]:
    stories = _truth(int(os.environ.get("BENCH_PDF_ARTICLES", "60")), seed=11)
    documents: list[Document] = []
    for start in range(0, len(stories), 10):
        part = stories[start : start + 10]
        truth = [p for story in part for p in story]
        documents.append(("one column, running head", one_column(part), truth))
        documents.append(("two columns, hyphenated", two_columns(part), truth))
        qt = qt_written(part)
        if qt is not None:
            documents.append(("written by Qt", qt, truth))
    rows: list[dict[str, object]] = []
    for name, extract in extractors().items():
        for style in sorted({style for style, _, _ in documents}):
            chosen = [(data, truth) for s, data, truth in documents if s == style]
            scores = []
            elapsed = 0.0
            chars = 0
            for data, truth in chosen:
                t0 = time.perf_counter()
                text = extract(data)
                elapsed += time.perf_counter() - t0
                chars += len("\n\n".join(truth).encode("utf-8"))
                scores.append(fidelity(text, truth))
            words, whole, paragraphs = (sum(s[i] for s in scores) / len(scores) for i in range(3))
            for metric, value, unit in (
                ("words right", round(100 * words, 1), "%"),
                ("sentences whole on a line", round(100 * whole, 1), "%"),
                ("paragraphs whole", round(100 * paragraphs, 1), "%"),
                ("speed", round(chars / 1e6 / elapsed, 2), "MB text/s"),
            ):
                rows.append(
                    {
                        "benchmark": "pdf",
                        "metric": f"{name} | {style} | {metric}",
                        "value": value,
                        "unit": unit,
                        "target": "",
                    }
                )
    rows.extend(_real(extractors()))
    return rows


def _real(found: dict[str, Callable[[bytes], str]]) -> list[dict[str, object]]:
    folder = Path(os.environ.get("BENCH_PDF_REAL", "/usr/share/doc"))
    files = sorted(folder.rglob("*.pdf"))[:20] if folder.exists() else []
    if not files:
        return []
    blobs = [path.read_bytes() for path in files]
    size = sum(len(b) for b in blobs) / 1e6
    rows: list[dict[str, object]] = []
    for name, extract in found.items():
        t0 = time.perf_counter()
        chars = 0
        for blob in blobs:
            try:
                chars += len(extract(blob))
            except Exception as error:  # a reader that fails on a real file: say so, go on
                print(f"{name} failed on a real PDF: {error!r}", file=sys.stderr)
        elapsed = time.perf_counter() - t0
        rows.append(
            {
                "benchmark": "pdf",
                "metric": f"{name} | {len(files)} real PDFs, {size:.1f} MB | speed",
                "value": round(size / elapsed, 2),
                "unit": "MB PDF/s",
                "target": "",
            }
        )
        rows.append(
            {
                "benchmark": "pdf",
                "metric": f"{name} | {len(files)} real PDFs | characters out",
                "value": chars,
                "unit": "chars",
                "target": "",
            }
        )
    return rows


if __name__ == "__main__":
    for row in run():
        print(f"{row['metric']:<75} {row['value']:>10} {row['unit']}")
