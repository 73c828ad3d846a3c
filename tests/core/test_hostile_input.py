"""Hostile files for every importer: a clear one-line refusal, bounded memory and time, and a
project left exactly as it was. The readers' own fuzz test is tests/core/test_imports_fuzz.py;
this file adds the codebook (YAML, REFI .qdc) and REFI project (.qdpx) readers to it."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.codebook import CodebookError, default_codebook, load_codebook, parse_codebook_yaml
from annotator.codebook.refi_format import read_qdc
from annotator.errors import AnnotatorError
from annotator.imports import MAX_FILE_BYTES
from annotator.project import Project

REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
)
XXE = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'


def deep(depth: int) -> str:
    return "<div>" * depth + "Deep text." + "</div>" * depth


def docx(parts: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCUMENT = (
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:body></w:document>"
)
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'

# name -> (file name, bytes); each must be refused (a problem, no article).
REFUSED: dict[str, tuple[str, bytes]] = {
    "empty text": ("empty.txt", b""),
    "whitespace only": ("blank.md", b" \n\t\n"),
    "binary under a text name": ("photo.txt", bytes(range(256)) * 64),
    "binary under an html name": ("x.html", b"\x89PNG\r\n\x1a\n" + bytes(4000)),
    "billion laughs html": (
        "lol.html",
        (LAUGHS + "<html><body><p>&lol9;</p></body></html>").encode(),
    ),
    "zip bomb docx": (
        "bomb.docx",
        docx({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"\0" * (300 * MIB)}),
    ),
    "docx with ../ path": (
        "escape.docx",
        docx({"../../evil.xml": b"x", "word/document.xml": DOCUMENT.format("Hi").encode()}),
    ),
    "docx with entity bomb": (
        "lol.docx",
        docx(
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "word/document.xml": (LAUGHS + DOCUMENT.format("&lol9;")).encode(),
            }
        ),
    ),
    "docx with external entity": (
        "xxe.docx",
        docx(
            {
                "[Content_Types].xml": CONTENT_TYPES,
                "word/document.xml": (XXE + DOCUMENT.format("&xxe;")).encode(),
            }
        ),
    ),
    "pdf that is not": ("fake.pdf", b"%PDF-1.7\n" + os.urandom(2000)),
    "jsonl of non-objects": ("rows.jsonl", b'[1,2]\n"x"\n42\n'),
}


def counts(project: Project) -> tuple[int, int, int]:
    info = project.info()
    return info["articles"], info["sentences"], info["labels"]


@pytest.fixture
def project(make_project) -> Project:  # type: ignore[no-untyped-def]
    p: Project = make_project("target")
    p.import_articles([])
    from annotator.imports import ParsedArticle

    p.import_articles([ParsedArticle(text="Troops advanced. The ministry denied it.", origin="x")])
    p.add_label(p.sentences(p.article_ids()[0])[0].id, "Denial", "anna")
    return p


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_hostile_file_is_refused_with_one_line_and_the_project_is_unchanged(
    case: str, project: Project, tmp_path: Path
) -> None:
    name, data = REFUSED[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = counts(project)
    started = time.monotonic()
    report = project.import_paths([path])
    assert time.monotonic() - started < 20
    assert report.imported == 0
    assert len(report.problems) >= 1
    for origin, message in report.problems:
        assert origin.startswith(str(path)) and message and "\n" not in message
        assert len(message) < 300
    assert counts(project) == before


def test_no_entity_is_ever_expanded_into_an_article(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "xxe.html"
    path.write_text(XXE + "<html><body><p>Sentence one. &xxe; Sentence two.</p></body></html>")
    project.import_paths([path])
    for article_id in project.article_ids():
        assert "root:" not in project.article(article_id).text


def test_deeply_nested_html_is_read_or_refused_in_bounded_time(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "deep.html"
    path.write_text(f"<html><body>{deep(100_000)}</body></html>")
    started = time.monotonic()
    report = project.import_paths([path])
    assert time.monotonic() - started < 20
    assert report.imported + len(report.problems) == 1


def test_text_in_another_encoding_is_decoded_not_mangled(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Der Minister sagte: Die Lage ist ernst. Café und Straße.".encode("cp1252"))
    report = project.import_paths([path])
    assert report.imported == 1
    assert "Café und Straße" in project.article(report.article_ids[0]).text


def test_a_csv_with_a_10_mb_field_is_bounded(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("title,text\nBig," + "A" * (10 * MIB) + "\nSmall,The talks resumed.\n")
    before = counts(project)
    started = time.monotonic()
    report = project.import_paths([path])
    assert time.monotonic() - started < 30
    assert report.imported + len(report.problems) >= 1
    if report.imported == 0:
        assert counts(project) == before
    assert all("\n" not in m for _o, m in report.problems)


MEASURE = """
import json, resource, sys, time
from pathlib import Path
from annotator.project import Project
with Project.open(Path(sys.argv[1])) as p:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.monotonic()
    report = p.import_paths([Path(sys.argv[2])])
    print(json.dumps({"seconds": time.monotonic() - t, "problems": report.problems,
        "imported": report.imported,
        "rss_mib": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024}))
"""


def import_in_child(project: Project, path: Path) -> dict[str, object]:
    project.close()
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(project.path), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_200_mb_file_is_refused_in_bounded_memory_and_time(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(200 * 1000 * 1000)  # sparse: instant to make, 200 MB to read
    before = counts(project)
    result = import_in_child(project, path)
    assert result["imported"] == 0 and result["problems"]
    assert float(result["seconds"]) < 15  # type: ignore[arg-type]
    assert float(result["rss_mib"]) < 2.5 * 200  # type: ignore[arg-type]
    with Project.open(project.path, read_only=True) as again:
        assert counts(again) == before


def test_a_file_over_the_size_limit_is_refused_unread(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "over.csv"
    with path.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    result = import_in_child(project, path)
    assert result["imported"] == 0
    assert "limit" in str(result["problems"])
    assert float(result["rss_mib"]) < 50  # type: ignore[arg-type]


def test_a_200_mb_text_file_is_refused_quickly(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "book.txt"
    line = b"The ministry said the talks would resume on Monday in Geneva.\n"
    with path.open("wb") as fh:
        for _ in range(200 * 1000 * 1000 // (len(line) * 10_000) + 1):
            fh.write(line * 10_000)
    before = counts(project)
    result = import_in_child(project, path)
    assert result["imported"] == 0
    assert "limit for one article" in str(result["problems"])
    assert float(result["seconds"]) < 15  # type: ignore[arg-type]
    assert float(result["rss_mib"]) < 200  # type: ignore[arg-type]
    with Project.open(project.path, read_only=True) as again:
        assert counts(again) == before


def test_a_table_cell_longer_than_one_article_may_be_is_refused(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "cells.csv"
    path.write_text("title,text\nshort,A short article.\nhuge," + "word " * 3_400_000 + "\n")
    report = project.import_paths([path])
    assert report.imported == 1
    assert [m for _, m in report.problems] == [
        "text of 16,999,999 characters is longer than the limit for one article (16,000,000): "
        "split it into several files"
    ]


# -- codebooks ------------------------------------------------------------------------------

YAML_REFUSED = {
    "custom python tag": "name: x\ngroups: !!python/object/apply:os.system ['echo pwned']\n",
    "unknown local tag": "name: !secret x\ngroups: []\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9)
    ),
    "binary": "\x00\x01\x02\x03",
    "empty": "",
    "deeply nested": "[" * 5000 + "]" * 5000,
}


@pytest.mark.parametrize(
    "case",
    [c for c in sorted(YAML_REFUSED)],
)
def test_a_hostile_yaml_codebook_is_refused_with_one_line(case: str, tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(YAML_REFUSED[case], encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert time.monotonic() - started < 5
    assert "\n" not in str(caught.value) and len(str(caught.value)) < 300


QDC_REFUSED = {
    "billion laughs": (
        LAUGHS + '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="x" name="&lol9;" isCodable="true"/></Codes></CodeBook>'
    ),
    "external entity": (
        XXE + '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="x" name="&xxe;" isCodable="true"/></Codes></CodeBook>'
    ),
    "not xml": "name: this is yaml",
    "deeply nested": '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
    + '<Code guid="g" name="n" isCodable="true">' * 3000
    + "</Code>" * 3000
    + "</Codes></CodeBook>",
}


@pytest.mark.parametrize("case", sorted(QDC_REFUSED))
def test_a_hostile_qdc_codebook_is_refused_with_one_line(case: str, tmp_path: Path) -> None:
    path = tmp_path / "codebook.qdc"
    path.write_text(QDC_REFUSED[case], encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    assert time.monotonic() - started < 5
    assert "\n" not in str(caught.value) and "root:" not in str(caught.value)


def test_a_refused_codebook_leaves_the_project_unchanged(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(YAML_REFUSED["custom python tag"], encoding="utf-8")
    before = (project.info()["codebook"], counts(project))
    with pytest.raises(CodebookError):
        project.load_codebook(path)
    assert (project.info()["codebook"], counts(project)) == before


def refi_project() -> object:
    try:
        return importlib.import_module("annotator.exchange.refi")
    except ImportError as exc:
        pytest.skip(f"annotator.exchange.refi is not importable yet ({exc})")


QDPX_REFUSED = {
    "zip with ../ path": docx({"../../evil.qde": b"<Project/>"}),
    "zip bomb": docx({"project.qde": b" " * (300 * MIB)}),
    "not a zip": b"PK\x03\x04" + os.urandom(500),
    "entity bomb": docx({"project.qde": (LAUGHS + '<Project name="&lol9;"/>').encode()}),
}


@pytest.mark.parametrize("case", sorted(QDPX_REFUSED))
def test_a_hostile_qdpx_project_is_refused_and_the_project_is_unchanged(
    case: str, project: Project, tmp_path: Path
) -> None:
    module = refi_project()
    importer = getattr(module, "import_refi", None)
    if importer is None:
        pytest.skip("annotator.exchange.refi has no import_refi yet")
    path = tmp_path / "project.qdpx"
    path.write_bytes(QDPX_REFUSED[case])
    before = (counts(project), project.info()["codebook"])
    started = time.monotonic()
    with pytest.raises(AnnotatorError) as caught:
        importer(project.engine, path)
    assert time.monotonic() - started < 10
    assert "\n" not in str(caught.value) and "root:" not in str(caught.value)
    assert (counts(project), project.info()["codebook"]) == before


# -- fuzzing --------------------------------------------------------------------------------

YAMLISH = st.lists(
    st.sampled_from(
        [
            "name:",
            "groups:",
            "codes:",
            "- ",
            "  ",
            "\n",
            "x",
            "!!",
            "&a",
            "*a",
            "[",
            "{",
            "key: k",
            "multiple: true",
            ":",
            "'",
            '"',
            "\t",
            "#",
        ]
    )
).map("".join)
XMLISH = st.lists(
    st.sampled_from(
        [
            "<CodeBook>",
            "</CodeBook>",
            "<Codes>",
            "</Codes>",
            "</Code>",
            "x",
            '<Code guid="1" name="a">',
            "<!DOCTYPE x [",
            "<!ENTITY e 'x'>",
            "]>",
            "&e;",
            "<",
            ">",
            '"',
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0">',
        ]
    )
).map(lambda parts: "".join(parts).encode())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=800),
        YAMLISH,
    )
)
def test_the_yaml_codebook_reader_only_ever_raises_codebook_error(text: str) -> None:
    try:
        parse_codebook_yaml(text, "fuzz.yaml")
    except CodebookError as error:
        assert "\n" not in str(error)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=2000), XMLISH))
def test_the_qdc_reader_only_ever_raises_codebook_error(data: bytes) -> None:
    try:
        read_qdc(data, "fuzz.qdc")
    except CodebookError as error:
        assert "\n" not in str(error)


def test_the_default_codebook_still_loads() -> None:
    # guards the fuzz tests above against a reader that refuses everything
    assert default_codebook().codes
