"""Word, PDF and HTML files: one article each, and the hostile or broken versions of them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pypdf

from annotator.imports import ImportProblem, ParsedArticle, read_path


def read_one(path: Path) -> ParsedArticle | ImportProblem:
    results = list(read_path(path))
    assert len(results) == 1, results
    return results[0]


def make_docx(path: Path, title: str, paragraphs: list[str]) -> Path:
    document = docx.Document()
    document.core_properties.title = title
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def make_text_pdf(lines: list[str], title: str = "") -> bytes:
    """A minimal one-page PDF with a real text layer, written object by object."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    info = f"<< /Title ({title}) >>" if title else "<< >>"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        info,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\n"
    out.write(f"{trailer}startxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_docx_paragraphs_are_separated_by_blank_lines(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", "Talks resume", ["Delegations met.", "", "They left."])
    result = read_one(path)
    assert isinstance(result, ParsedArticle)
    assert (result.title, result.text) == ("Talks resume", "Delegations met.\n\nThey left.")


def test_docx_without_core_title_takes_a_headline_first_paragraph(tmp_path: Path) -> None:
    path = make_docx(tmp_path / "a.docx", "", ["Drones over Kyiv", "Several drones struck."])
    result = read_one(path)
    assert isinstance(result, ParsedArticle)
    assert result.title == "Drones over Kyiv"


def test_zip_bomb_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (20 * 1024 * 1024))
    result = read_one(path)
    assert isinstance(result, ImportProblem)
    assert "zip bomb" in result.message


def test_docx_with_path_escaping_member_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("../../evil.xml", "<x/>")
    result = read_one(path)
    assert isinstance(result, ImportProblem)
    assert "unsafe part name" in result.message


def test_truncated_docx_is_a_problem(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx", "T", ["Some text."]).read_bytes()
    path = tmp_path / "broken.docx"
    path.write_bytes(good[: len(good) // 2])
    result = read_one(path)
    assert isinstance(result, ImportProblem)
    assert result.message.startswith("not a valid .docx file")


def test_zip_that_is_not_a_word_document_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    result = read_one(path)
    assert isinstance(result, ImportProblem)
    assert result.message.startswith("not a valid .docx file")


def test_pdf_text_layer_and_title_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.pdf"
    path.write_bytes(make_text_pdf(["Troops advanced near Pokrovsk.", "Talks resumed."], "Report"))
    result = read_one(path)
    assert isinstance(result, ParsedArticle)
    assert result.title == "Report"
    assert "Troops advanced near Pokrovsk." in result.text and "Talks resumed." in result.text


def test_pdf_without_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    result = read_one(path)
    assert isinstance(result, ImportProblem)
    assert result.message == "no text layer (scanned PDF?): run OCR first"


def test_garbled_pdf_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF")
    result = read_one(path)
    assert isinstance(result, ImportProblem)


def test_html_main_text_and_metadata_come_from_the_article(tmp_path: Path) -> None:
    paragraph = "Russian forces pressed towards the town as Ukrainian units regrouped nearby. "
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
    <title>Front line | Daily Wire</title>
    <meta property="og:site_name" content="Daily Wire">
    <meta property="article:published_time" content="2025-01-06T10:00:00Z"></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
    <article><h1>Front line holds</h1><p>{paragraph * 4}</p><p>{paragraph * 3}</p></article>
    <footer>Copyright Daily Wire. All rights reserved. Cookie settings.</footer></body></html>"""
    path = tmp_path / "a.html"
    path.write_text(page, encoding="utf-8")
    result = read_one(path)
    assert isinstance(result, ParsedArticle)
    assert "Russian forces pressed" in result.text
    assert "Cookie settings" not in result.text and "Sport" not in result.text
    assert (result.source, result.date, result.language) == ("Daily Wire", "2025-01-06", "en")
    assert "Front line" in result.title


def test_html_declared_cp1252_charset_is_honoured(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1252"><title>T</title></head>'
        "<body><p>\u201cCaf\u00e9\u201d \u2014 na\u00efve.</p></body></html>"
    )
    path = tmp_path / "a.htm"
    path.write_bytes(page.encode("cp1252"))
    result = read_one(path)
    assert isinstance(result, ParsedArticle)
    assert "\u201cCaf\u00e9\u201d \u2014 na\u00efve." in result.text


def test_html_without_text_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "a.html"
    path.write_text("<html><head><script>var x = 1;</script></head><body></body></html>")
    result = read_one(path)
    assert isinstance(result, ImportProblem)
    assert result.message == "no article text found in the web page"


def test_oversized_html_is_refused(tmp_path: Path) -> None:
    from annotator.imports.web_pages import MAX_HTML_BYTES

    path = tmp_path / "big.html"
    path.write_bytes(b"<p>" + b"a" * MAX_HTML_BYTES + b"</p>")
    result = read_one(path)
    assert isinstance(result, ImportProblem)
    assert "limit for HTML" in result.message
