"""REFI-QDA projects: export .qdpx, import .qdpx/.qde from other programs, untrusted input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from annotator.codebook import default_codebook
from annotator.exchange.refi import RefiImportError, map_offset, normalise_line_ends
from annotator.project import Project

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "refi"
NS = "urn:QDA-XML:project:1.0"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is absent (shared test material is only beside the main checkout)")
    return path


@pytest.fixture
def empty(tmp_path: Path) -> Any:
    p = Project.create(tmp_path / "in.annotator", codebook=default_codebook())
    yield p
    p.close()


def _qdpx(
    path: Path, qde: str, files: dict[str, bytes] | None = None, name: str = "project.qde"
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, qde.encode("utf-8"))
        for member, data in (files or {}).items():
            zf.writestr(member, data)
    return path


def _project_xml(text_ref: str, selections: str, users: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="t">{users}'
        '<CodeBook><Codes><Code guid="{11111111-1111-1111-1111-111111111111}" name="Topic" '
        'isCodable="true"/></Codes></CodeBook><Sources>'
        '<TextSource guid="{22222222-2222-2222-2222-222222222222}" name="doc" '
        f'plainTextPath="{text_ref}">'
        f"{selections}</TextSource></Sources></Project>"
    )


def _selection(start: int, end: int, user: str = "") -> str:
    who = f' creatingUser="{user}"' if user else ""
    return (
        f'<PlainTextSelection guid="33333333-3333-3333-3333-33333333333{start % 10}" '
        f'startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="44444444-4444-4444-4444-44444444444{start % 10}"{who}>'
        '<CodeRef targetGUID="11111111-1111-1111-1111-111111111111"/></Coding></PlainTextSelection>'
    )


def test_qualitative_coding_demo_imports_sources_codebook_and_codings(empty: Any) -> None:
    report = empty.import_refi(sample("qc-demo.qdpx"))
    assert (report.sources, report.articles_added) == (2, 2)
    assert (report.selections, report.codings) == (158, 205)
    assert empty.coders() == ["cp"]
    assert report.labels_added == empty.info()["labels"] > 0
    assert len(report.codes_added) > 100
    assert report.problems == []  # every coding placed: none dropped, none skipped


def test_codings_on_codes_that_became_groups_are_reported(empty: Any, tmp_path: Path) -> None:
    qde = _project_xml("doc.txt", _selection(0, 13))
    child = '<Code guid="55555555-5555-5555-5555-555555555555" name="Child" isCodable="true"/>'
    qde = qde.replace('isCodable="true"/></Codes>', f'isCodable="true">{child}</Code></Codes>')
    _qdpx(tmp_path / "g.qdpx", qde, {"sources/doc.txt": b"One sentence."})
    report = empty.import_refi(tmp_path / "g.qdpx")
    assert report.labels_added == 0
    assert any("'Topic' is a group here" in p for p in report.problems)


def test_nvivo_project_with_empty_docx_sources_is_reported_not_failed(empty: Any) -> None:
    report = empty.import_refi(sample("nvivo-mac.qdpx"))
    assert report.sources == 2 and report.articles_added == 0
    assert len([p for p in report.problems if "skipped" in p]) == 2


def test_maxqda_bare_qde_brings_the_codebook_and_reports_missing_texts(empty: Any) -> None:
    before = len(empty.codebook.codes)
    report = empty.import_refi(sample("maxqda24-project.qde"))
    assert len(empty.codebook.codes) == before + len(report.codes_added) > before
    assert report.sources == 10
    assert all("not in a bare .qde" in p for p in report.problems)


def test_own_export_imports_back_with_every_label(make_project: Any, tmp_path: Path) -> None:
    source = make_project(demo=True)
    first = source.article_ids()[0]
    source.set_memo("anna", first, "a memo", source.sentences(first)[2])
    source.export(tmp_path / "demo.qdpx")
    target = Project.create(tmp_path / "back.annotator", codebook=default_codebook())
    report = target.import_refi(tmp_path / "demo.qdpx")
    cols = ["article_uid", "sentence_index", "coder", "group", "code", "labelled_at"]
    before = source.labels_frame()[cols].sort_values(cols).reset_index(drop=True)
    after = target.labels_frame()[cols].sort_values(cols).reset_index(drop=True)
    assert report.problems == []
    assert after.equals(before)
    assert [m.text for m in target.memos(target.article_ids()[0])] == ["a memo"]
    target.close()


def test_importing_the_same_qdpx_twice_adds_no_labels(make_project: Any, tmp_path: Path) -> None:
    source = make_project(demo=True)
    source.export(tmp_path / "demo.qdpx")
    target = Project.create(tmp_path / "back.annotator", codebook=default_codebook())
    target.import_refi(tmp_path / "demo.qdpx")
    again = target.import_refi(tmp_path / "demo.qdpx")
    assert again.labels_added == 0 and again.articles_reused == again.sources
    target.close()


def test_crlf_offsets_are_mapped_to_lf_text(empty: Any, tmp_path: Path) -> None:
    text = "First line here.\r\nSecond sentence is coded.\r\nThird one."
    start = text.index("Second")
    end = text.index("Third") - 2
    qde = _project_xml("internal://doc.txt", _selection(start, end))
    _qdpx(tmp_path / "crlf.qdpx", qde, {"Sources/doc.txt": text.encode("utf-8")})
    empty.import_refi(tmp_path / "crlf.qdpx")
    labels = empty.labels_frame()
    assert list(labels["sentence_text"]) == ["Second sentence is coded."]
    assert list(labels["coder"]) == ["imported"]  # no <Users>


def test_offset_mapping_drops_one_position_per_crlf() -> None:
    text, removed = normalise_line_ends("a\r\nb\rc\r\nd")
    assert text == "a\nb\nc\nd"
    assert [map_offset(removed, i) for i in (0, 3, 5, 8)] == [0, 2, 4, 6]


def test_a_selection_labels_every_sentence_it_touches_and_flags_part_coverage(
    empty: Any, tmp_path: Path
) -> None:
    text = "Alpha beta gamma delta. Epsilon zeta. Eta theta."
    qde = _project_xml("doc.txt", _selection(0, 10) + _selection(24, 36))
    _qdpx(tmp_path / "half.qdpx", qde, {"sources/doc.txt": text.encode("utf-8")})
    report = empty.import_refi(tmp_path / "half.qdpx")
    labels = empty.labels_frame()
    # "Alpha beta" is part of sentence 0; "Epsilon zeta" lacks only the full stop: whole.
    assert list(zip(labels["sentence_index"], labels["partial"], strict=True)) == [(0, 1), (1, 0)]
    assert (report.labels_added, report.labels_partial, report.problems) == (2, 1, [])


def test_users_become_coders_and_braced_guids_match(empty: Any, tmp_path: Path) -> None:
    users = '<Users><User guid="{AAAAAAAA-AAAA-AAAA-AAAA-AAAAAAAAAAAA}" name="Rosa"/></Users>'
    qde = _project_xml("doc.txt", _selection(0, 12, "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"), users)
    _qdpx(tmp_path / "u.qdpx", qde, {"sources/doc.txt": b"One sentence."}, name="study.qde")
    empty.import_refi(tmp_path / "u.qdpx")
    assert empty.coders() == ["Rosa"]
    assert empty.info()["labels"] == 1


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("notzip.qdpx", lambda p: p.write_bytes(b"hello"), "not a valid .qdpx"),
        ("noqde.qdpx", lambda p: _qdpx(p, "", {}, name="other/x.txt"), "no project.qde"),
        ("bad.qdpx", lambda p: _qdpx(p, "<Project><Sources>"), "not well-formed"),
        (
            "root.qde",
            lambda p: p.write_text("<CodeBook/>", encoding="utf-8"),
            "not a REFI-QDA project",
        ),
        (
            "entities.qde",
            lambda p: p.write_text(
                '<!DOCTYPE Project [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
                f'<Project xmlns="{NS}" name="&b;"/>',
                encoding="utf-8",
            ),
            "refused",
        ),
    ],
)
def test_malformed_input_is_a_clear_error_and_changes_nothing(
    empty: Any, tmp_path: Path, name: str, make: Any, message: str
) -> None:
    path = tmp_path / name
    if name != "noqde.qdpx":
        make(path)
    else:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("sources/x.txt", "x")
    before = empty.info()
    with pytest.raises(RefiImportError, match=message):
        empty.import_refi(path)
    assert empty.info() == before


def test_a_zip_bomb_is_refused(empty: Any, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", f'<Project xmlns="{NS}"/>')
        zf.writestr("sources/bomb.txt", b"\0" * (50 * 1024 * 1024))
    (tmp_path / "bomb.qdpx").write_bytes(buf.getvalue())
    with pytest.raises(RefiImportError, match="zip bomb"):
        empty.import_refi(tmp_path / "bomb.qdpx")


def test_a_member_name_escaping_the_package_is_refused(empty: Any, tmp_path: Path) -> None:
    _qdpx(
        tmp_path / "evil.qdpx",
        _project_xml("internal://../../etc/passwd", ""),
        {"../evil.txt": b"x"},
    )
    with pytest.raises(RefiImportError, match="unsafe"):
        empty.import_refi(tmp_path / "evil.qdpx")


def test_a_source_outside_the_package_is_skipped_not_read(empty: Any, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Secret sentence.", encoding="utf-8")
    _qdpx(tmp_path / "ext.qdpx", _project_xml(f"file://{secret}", ""))
    report = empty.import_refi(tmp_path / "ext.qdpx")
    assert empty.info()["articles"] == 0
    assert any("not in the package" in p for p in report.problems)
