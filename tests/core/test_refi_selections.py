"""REFI-QDA codings arrive without loss: every coded range is placed, kept and exported again.

Other programs code character ranges (qualitative-coding codes whole lines); our labels are on
sentences. These tests hold the promise a researcher moving a project relies on: every coding
labels every sentence it touches, the range itself is kept as it came, labels on part of a
sentence are flagged, and a .qdpx export gives the same ranges back.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest

from annotator.codebook import default_codebook
from annotator.imports import ParsedArticle
from annotator.project import Project
from annotator.selection_placing import Placer

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples" / "refi"
NS = "urn:QDA-XML:project:1.0"
CODE = "11111111-1111-1111-1111-111111111111"
DOC = "22222222-2222-2222-2222-222222222222"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is absent (shared test material is only beside the main checkout)")
    return path


def new_project(path: Path) -> Project:
    return Project.create(path, codebook=default_codebook())


def qdpx(path: Path, text: bytes, selections: list[tuple[int, int]]) -> Path:
    sels = "".join(
        f'<PlainTextSelection guid="33333333-3333-3333-3333-3333333333{n:02d}" '
        f'startPosition="{a}" endPosition="{b}"><Coding guid="44444444-4444-4444-4444-44444444'
        f'44{n:02d}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>'
        for n, (a, b) in enumerate(selections)
    )
    qde = (
        f'<?xml version="1.0" encoding="utf-8"?><Project xmlns="{NS}" name="t"><CodeBook><Codes>'
        f'<Code guid="{CODE}" name="Topic" isCodable="true"/></Codes></CodeBook><Sources>'
        f'<TextSource guid="{DOC}" name="doc" '
        f'plainTextPath="doc.txt">{sels}</TextSource></Sources></Project>'
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/doc.txt", text)
    return path


def file_ranges(path: Path) -> list[tuple[str, int, int, str]]:
    """(source guid, start, end, code name) of every coding in a .qdpx, read independently.

    A nested code is named by its leaf: we name it by its path ("pedagogy / fun")."""
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    q = f"{{{NS}}}"
    names = {
        c.get("guid", "").strip("{}").lower(): c.get("name", "") for c in root.iter(f"{q}Code")
    }
    out = []
    for src in root.iter(f"{q}TextSource"):
        for sel in src.iter(f"{q}PlainTextSelection"):
            for ref in sel.iter(f"{q}CodeRef"):
                code = names[ref.get("targetGUID", "").strip("{}").lower()].rsplit(" / ", 1)[-1]
                start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
                out.append((src.get("guid", "").strip("{}").lower(), start, end, code))
    return sorted(out)


def project_ranges(project: Project) -> list[tuple[str, int, int, str]]:
    """As file_ranges (an imported source's guid becomes the article's uid)."""
    return sorted(
        (project.article(a).uid, s.start, s.end, s.code.rsplit(" / ", 1)[-1])
        for a in project.article_ids()
        for s in project.selections(a)
    )


def test_every_coding_of_the_qc_demo_is_kept_with_its_range(tmp_path: Path) -> None:
    demo = sample("qc-demo.qdpx")
    with new_project(tmp_path / "p.annotator") as project:
        report = project.import_refi(demo)
        assert report.ranges_kept == report.codings == 205
        assert project_ranges(project) == file_ranges(demo)


def test_every_sentence_a_qc_demo_selection_touches_carries_its_code(tmp_path: Path) -> None:
    with new_project(tmp_path / "p.annotator") as project:
        project.import_refi(sample("qc-demo.qdpx"))
        labels = project.labels_frame()
        have = set(zip(labels["sentence_id"], labels["code"], strict=True))
        for aid in project.article_ids():
            sentences = project.sentences(aid)
            placer = Placer(project.article(aid).text, [(s.start, s.end) for s in sentences])
            for sel in project.selections(aid):
                touched = placer.touched(sel.start, sel.end)
                assert touched, f"{sel} labels nothing"
                assert all((sentences[i].id, sel.code) in have for i in touched)


def test_qdpx_round_trip_gives_the_same_selections_labels_and_flags(tmp_path: Path) -> None:
    cols = ["article_uid", "sentence_index", "coder", "code", "partial"]
    with new_project(tmp_path / "first.annotator") as first:
        first.import_refi(sample("qc-demo.qdpx"))
        first.export(tmp_path / "again.qdpx")
        ranges = project_ranges(first)
        labels = first.labels_frame()[cols].sort_values(cols).reset_index(drop=True)
    assert file_ranges(tmp_path / "again.qdpx") == ranges
    with new_project(tmp_path / "second.annotator") as second:
        report = second.import_refi(tmp_path / "again.qdpx")
        assert report.problems == []
        assert project_ranges(second) == ranges
        again = second.labels_frame()[cols].sort_values(cols).reset_index(drop=True)
        assert again.equals(labels)


def test_crlf_ranges_keep_the_files_offsets_and_export_ours(tmp_path: Path) -> None:
    text = "First line here.\r\nSecond sentence\r\nis coded. Third one."
    start, end = text.index("Second"), text.index(" Third")
    with new_project(tmp_path / "p.annotator") as project:
        project.import_refi(qdpx(tmp_path / "crlf.qdpx", text.encode(), [(start, end)]))
        (sel,) = project.selections(project.article_ids()[0])
        stored = project.article(project.article_ids()[0]).text
        assert (sel.source_start, sel.source_end) == (start, end)
        assert stored[sel.start : sel.end] == "Second sentence\nis coded."
        project.export(tmp_path / "out.qdpx")
    assert file_ranges(tmp_path / "out.qdpx") == [(DOC, sel.start, sel.end, "Topic")]


def test_a_whitespace_only_selection_is_kept_reported_and_exported(tmp_path: Path) -> None:
    text = b"One sentence.   Two sentence."
    with new_project(tmp_path / "p.annotator") as project:
        report = project.import_refi(qdpx(tmp_path / "ws.qdpx", text, [(13, 16)]))
        assert project.info()["labels"] == 0
        assert report.ranges_kept == 1
        assert any("only whitespace" in p and "no sentence" in p for p in report.problems)
        project.export(tmp_path / "out.qdpx")
    assert file_ranges(tmp_path / "out.qdpx") == [(DOC, 13, 16, "Topic")]


def test_importing_twice_keeps_each_range_once(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "t.qdpx", b"Alpha beta. Gamma delta.", [(0, 5), (3, 20)])
    with new_project(tmp_path / "p.annotator") as project:
        project.import_refi(path)
        again = project.import_refi(path)
        assert (again.ranges_kept, again.labels_added) == (0, 0)
        assert len(project.selections(project.article_ids()[0])) == 2


def test_two_selections_covering_a_sentence_together_make_a_whole_label(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "t.qdpx", b"Alpha beta gamma. Delta.", [(0, 6), (6, 16)])
    with new_project(tmp_path / "p.annotator") as project:
        report = project.import_refi(path)
        assert list(project.labels_frame()["partial"]) == [0]
        assert report.labels_partial == 0


def test_removing_a_partial_label_drops_its_flag_and_its_range_on_export(
    tmp_path: Path,
) -> None:
    path = qdpx(tmp_path / "t.qdpx", b"Alpha beta. Gamma delta. Eta.", [(6, 17)])
    with new_project(tmp_path / "p.annotator") as project:
        project.import_refi(path)
        aid = project.article_ids()[0]
        first, second = project.sentences(aid)[:2]
        assert project.partial_labels(aid) == {
            (first.id, project.coder_id("imported"), project.codebook.codes[-1].id),
            (second.id, project.coder_id("imported"), project.codebook.codes[-1].id),
        }
        project.remove_label(first.id, "Topic", "imported")
        project.add_label(first.id, "Topic", "imported")  # coded again by hand: whole
        assert {k[0] for k in project.partial_labels(aid)} == {second.id}
        project.remove_label(first.id, "Topic", "imported")
        project.export(tmp_path / "out.qdpx")
    # the range no longer stands for its labels: the label left is written per sentence
    assert file_ranges(tmp_path / "out.qdpx") == [(DOC, second.start, second.end, "Topic")]


def partly_coded(tmp_path: Path) -> Project:
    """ "Alpha beta." coded on "Alpha" only (partial), "Gamma delta." whole, both by "imported";
    an article memo and a memo on the second sentence, so memo and article rows exist too."""
    path = qdpx(tmp_path / "t.qdpx", b"Alpha beta. Gamma delta.", [(0, 5), (12, 24)])
    project = new_project(tmp_path / "p.annotator")
    project.import_refi(path)
    (aid,) = project.article_ids()
    project.set_memo("imported", aid, "about the article")
    project.set_memo("imported", aid, "on gamma", project.sentences(aid)[1])
    return project


def test_long_csv_export_says_which_labels_are_partial(tmp_path: Path) -> None:
    import pandas as pd

    with partly_coded(tmp_path) as project:
        project.export(tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    rows = list(zip(frame["record"], frame["sentence_number"], frame["partial"], strict=True))
    # 1/0 on label rows (sentence_number counts from 1); no value on the article row
    assert rows == [("article", "", ""), ("label", "1", "1"), ("label", "2", "0")]
    assert list(frame.columns).index("partial") == list(frame.columns).index("memo") + 1


def test_both_long_writers_and_the_xlsx_sheet_hold_the_same_partial_column(
    tmp_path: Path,
) -> None:
    import io

    import pandas as pd

    from annotator.exports.common import ExportOptions
    from annotator.exports.csv_export import append_frames, long_frames, write_long_lines

    with partly_coded(tmp_path) as project:
        fast, slow = io.StringIO(), io.StringIO()
        write_long_lines(fast, project.engine, ExportOptions())
        append_frames(slow, long_frames(project.engine, ExportOptions()))
        project.export(tmp_path / "out.xlsx")
    assert fast.getvalue() == slow.getvalue()
    assert ",1,done," not in fast.getvalue()  # (status: the import leaves it not started)
    sheet = pd.read_excel(tmp_path / "out.xlsx", sheet_name="labels")
    assert [None if pd.isna(v) else int(v) for v in sheet["partial"]] == [None, 1, 0]


def test_import_labels_reads_a_file_with_the_partial_column(tmp_path: Path) -> None:
    """Re-importing an export (partial column and all) into a copy of the articles brings
    every label and memo; the labels come back whole (the file holds no REFI range)."""
    with partly_coded(tmp_path) as project:
        project.export(tmp_path / "out.csv")
        project.export_codebook(tmp_path / "codebook.yaml")
        text = project.article(project.article_ids()[0]).text
    with Project.create(tmp_path / "other.annotator", codebook=tmp_path / "codebook.yaml") as other:
        other.import_articles([ParsedArticle(title="doc", text=text, origin="doc.txt")])
        report = other.import_labels(tmp_path / "out.csv")
        assert report.problems == [] and report.imported == 2 and report.memos_added == 2
        (aid,) = other.article_ids()
        assert other.partial_labels(aid) == set()


def test_placing_rules_touch_and_partial() -> None:
    text = "Alpha beta. Gamma delta.  Eta!"
    placer = Placer(text, [(0, 11), (12, 24), (26, 30)])
    assert placer.touched(0, 3) == [0]
    assert placer.touched(10, 13) == [0, 1]  # "." and "G"
    assert placer.touched(11, 12) == []  # only the space between
    assert placer.touched(24, 26) == []
    assert placer.partial(0, [(0, 10)]) is False  # all but the full stop
    assert placer.partial(0, [(0, 9)]) is True
    assert placer.partial(1, [(12, 17), (18, 24)]) is False
    assert placer.partial(1, [(12, 16), (18, 24)]) is True


@pytest.mark.parametrize(
    ("name", "sources", "ranges"),
    [("nvivo-mac.qdpx", 2, 0), ("maxqda24-project.qde", 10, 0)],
)
def test_sample_programs_without_placeable_codings_import_without_error(
    tmp_path: Path, name: str, sources: int, ranges: int
) -> None:
    with new_project(tmp_path / "p.annotator") as project:
        report = project.import_refi(sample(name))
        assert (report.sources, report.ranges_kept) == (sources, ranges)


def test_own_export_of_a_demo_project_reimports_with_whole_sentence_labels(
    make_project: Any, tmp_path: Path
) -> None:
    source = make_project(demo=True)
    source.export(tmp_path / "demo.qdpx")
    with new_project(tmp_path / "back.annotator") as target:
        report = target.import_refi(tmp_path / "demo.qdpx")
        assert report.labels_partial == 0
        assert report.ranges_kept == report.codings == source.info()["labels"]
