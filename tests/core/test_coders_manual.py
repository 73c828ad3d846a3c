"""The coders' manual (HTML and PDF): title, version and date, every group and code with its
key, colour, definition, criteria and examples, then the changelog. The HTML is read as a
document; the PDF's text is extracted with pypdfium2. Non-Latin text prints as written."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from annotator import Project
from annotator.cli import main
from annotator.codebook import load_codebook

YAML = """\
name: Протесты и война
groups:
  - name: Stance
    codes:
      - id: c-denial
        name: Denial
        key: d
        color: "#aa3311"
        definition: A party rejects another's account.
        include: Denials attributed to a ministry.
        exclude: Neutral corrections of figures.
        examples: ["The ministry denied the strike."]
      - {id: c-claim, name: Ισχυρισμός, key: c, color: "#3366cc", definition: Μια δήλωση.}
  - name: Actors
    choice: multiple
    codes:
      - {id: c-army, name: army, key: a, definition: Armed forces.}
"""


def project(tmp_path: Path) -> Project:
    path = tmp_path / "codebook.yaml"
    path.write_text(YAML, encoding="utf-8")
    p = Project.create(tmp_path / "p.annotator", codebook=load_codebook(path))
    path.write_text(YAML.replace("Neutral corrections", "Corrections"), encoding="utf-8")
    p.load_codebook(path, by="lead", note="narrower exclusion for Denial")
    return p


class _Collect(HTMLParser):
    """Text per element class, and the swatches' styles."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.swatches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.stack.append(a.get("class") or tag)
        if a.get("class") == "swatch":
            self.swatches.append(a.get("style") or "")

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and data.strip():
            self.text.setdefault(self.stack[-1], []).append(data.strip())


def test_the_html_manual_holds_every_code_with_its_criteria_and_the_changelog(
    tmp_path: Path,
) -> None:
    p = project(tmp_path)
    out = p.write_manual(tmp_path / "manual.html")
    page = out.read_text(encoding="utf-8")
    doc = _Collect()
    doc.feed(page)
    assert doc.text["h1"] == ["Протесты и война"]
    assert doc.text["version"][0].startswith("Codebook version 2, published 20")
    assert doc.text["h2"] == ["Stance", "Actors", "Changelog"]
    assert doc.text["choice"] == [
        "single choice: give at most one of these codes",
        "multiple choice: give any of these codes",
    ]
    assert doc.text["h3"][:3] == ["Denial", "Ισχυρισμός", "army"]
    assert doc.text["kbd"] == ["d", "c", "a"]
    assert doc.swatches[:2] == ["background:#aa3311", "background:#3366cc"]
    assert doc.text["definition"] == [
        "A party rejects another's account.",
        "Μια δήλωση.",
        "Armed forces.",
    ]
    assert doc.text["include"] == ["Denials attributed to a ministry."]
    assert doc.text["exclude"] == ["Corrections of figures."]
    assert doc.text["example"] == ["“The ministry denied the strike.”"]
    assert doc.text["note"] == ["narrower exclusion for Denial", "first version"]
    assert doc.text["li"] == ["changed exclusion criteria of code Denial"]
    assert "@media print" in page
    p.close()


def test_the_pdf_manual_has_the_same_content_in_an_embedded_unicode_font(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project(tmp_path).close()
    out = tmp_path / "manual.pdf"
    assert main(["codebook", "manual", str(tmp_path / "p.annotator"), str(out)]) == 0
    assert "codebook version 2" in capsys.readouterr().out
    doc = pdfium.PdfDocument(str(out))
    text = "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    doc.close()
    for expected in (
        "Протесты и война",
        "Codebook version 2",
        "Denial",
        "key: d",
        "Ισχυρισμός",
        "Μια δήλωση.",
        "A party rejects another's account.",
        "Denials attributed to a ministry.",
        "Corrections of figures.",
        "The ministry denied the strike.",
        "Changelog",
        "narrower exclusion for Denial",
        "changed exclusion criteria of code Denial",
        "Version 1",
    ):
        assert expected in text, expected
    assert text.index("army") < text.index("Changelog")
    # the manual refuses to overwrite, and other suffixes
    assert main(["codebook", "manual", str(tmp_path / "p.annotator"), str(out)]) != 0
    assert main(["codebook", "manual", str(tmp_path / "p.annotator"), str(tmp_path / "m.doc")]) != 0


def test_the_core_writes_the_pdf_without_qt() -> None:
    import subprocess
    import sys

    code = (
        "import sys, annotator.coders_manual_pdf, annotator.coders_manual;"
        "sys.exit(any(m.startswith('PySide6') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
