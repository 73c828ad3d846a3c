"""Exports: CSV long/wide, XLSX, JSONL; spreadsheet safety; never overwriting; no half files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotator.errors import Cancelled
from annotator.exports import ExportError, TargetExistsError
from annotator.exports.article_facts import METADATA_COLUMNS
from annotator.exports.long_layout import LONG_COLUMNS
from annotator.imports import ParsedArticle
from annotator.progress import CancelToken

#: Every test that makes its project with make_project runs on a file and on a server.
BOTH_BACKENDS = True

FORMULA_TEXT = (
    '=HYPERLINK("http://evil.example","click") was posted on the forum.\n\n'
    "@SUM(1) appeared in the next post.\n\n"
    '+1 said another user, with a comma, and "quotes".\n\n'
    "'quoted start is kept too."
)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per module (it takes a second) and copied per test."""
    from annotator.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.annotator"
    build_demo(path).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Any:
    import shutil

    from annotator.project import Project

    target = tmp_path / "demo.annotator"
    shutil.copy(demo_file, target)
    project = Project.open(target)
    yield project
    project.close()


def label_rows(path: Path) -> pd.DataFrame:
    """The ``label`` rows of a long CSV (the file also holds ``memo`` and ``article`` rows)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return frame[frame["record"] == "label"].reset_index(drop=True)


def _formula_project(make_project: Any) -> Any:
    p = make_project("formula")
    p.import_articles([ParsedArticle(text=FORMULA_TEXT, origin="t", title="=cmd|' /C calc'!A0")])
    for s in p.sentences(p.article_ids()[0]):
        p.add_label(s, "Denial", "-anna")
    return p


def test_long_csv_has_one_row_per_label_in_documented_columns(demo: Any, tmp_path: Path) -> None:
    p = demo
    n = p.export(tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == LONG_COLUMNS + METADATA_COLUMNS + ["meta:file"]
    assert len(frame) == n
    assert (frame["record"] == "label").sum() == p.info()["labels"]


def test_long_csv_article_id_is_the_article_uid_and_hash_is_last(demo: Any, tmp_path: Path) -> None:
    p = demo
    p.export(tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    by_uid = {a.uid: a.content_hash for a in p.articles()}
    assert {by_uid[u] for u in frame["article_id"]} == set(frame["article_hash"])


def test_wide_csv_has_one_row_per_sentence_including_uncoded(demo: Any, tmp_path: Path) -> None:
    p = demo
    p.export(tmp_path / "wide.csv", layout="wide")
    frame = pd.read_csv(tmp_path / "wide.csv", dtype=str, keep_default_na=False)
    assert len(frame) == p.info()["sentences"]
    assert set(p.coders()) <= set(frame.columns)
    assert (frame[p.coders()[0]] == "").any()


def test_wide_cells_hold_the_coders_codes(demo: Any, tmp_path: Path) -> None:
    p = demo
    p.export(tmp_path / "wide.csv", layout="wide")
    frame = pd.read_csv(tmp_path / "wide.csv", dtype=str, keep_default_na=False)
    coder = p.coders()[0]
    first = p.article_ids()[0]
    expected = {
        s: "; ".join(code for c, code in pairs if c == coder)
        for s, pairs in p.labels(first).items()
    }
    rows = frame[frame["article_id"] == p.article(first).uid]
    sentences = p.sentences(first)
    for _, row in rows.iterrows():
        sid = sentences[int(row["sentence_number"]) - 1].id
        assert row[coder] == expected.get(sid, "")


def test_wide_columns_are_coder_colon_group_with_several_groups(
    make_project: Any, tmp_path: Path
) -> None:
    from annotator.codebook import Code, Codebook, CodeGroup

    cb = Codebook(
        name="two",
        groups=(
            CodeGroup(id="g1", name="Type", codes=(Code(id="c1", name="A", color="#000000"),)),
            CodeGroup(
                id="g2",
                name="Tone",
                multiple=True,
                codes=(Code(id="c2", name="B", color="#111111"),),
            ),
        ),
    )
    p = make_project("groups", codebook=cb)
    p.import_articles([ParsedArticle(text="One sentence here. Another one.", origin="x")])
    s = p.sentences(p.article_ids()[0])
    p.add_label(s[0], "A", "anna")
    p.add_label(s[0], "B", "anna")
    p.export(tmp_path / "wide.csv", layout="wide")
    frame = pd.read_csv(tmp_path / "wide.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns[6:8]) == ["anna:Type", "anna:Tone"]
    assert frame.loc[0, "anna:Type"] == "A" and frame.loc[0, "anna:Tone"] == "B"


def test_text_with_newlines_quotes_and_commas_reads_back_unchanged(
    make_project: Any, tmp_path: Path
) -> None:
    p = make_project("quotes")
    text = 'He said "no, never," twice.\nThen: a, b, c.'
    p.import_articles([ParsedArticle(text=text, origin="x", title='Title, with "quotes"')])
    aid = p.article_ids()[0]
    s = p.sentences(aid)
    p.add_label(s[0], "Denial", "anna")
    p.set_memo("anna", aid, 'memo\nwith "lines", commas', s[0])
    p.export(tmp_path / "q.csv")
    frame = label_rows(tmp_path / "q.csv")
    assert frame.loc[0, "sentence_text"] == s[0].text
    assert frame.loc[0, "article_title"] == 'Title, with "quotes"'
    assert frame.loc[0, "memo"] == 'memo\nwith "lines", commas'


def test_formula_cells_are_neutralised_in_csv(make_project: Any, tmp_path: Path) -> None:
    p = _formula_project(make_project)
    p.export(tmp_path / "f.csv")
    frame = label_rows(tmp_path / "f.csv")
    texts = list(frame["sentence_text"])
    assert texts[0].startswith("'=HYPERLINK(")
    assert texts[1].startswith("'@SUM(1)")
    assert texts[2].startswith("'+1")
    assert texts[3].startswith("''quoted")
    assert set(frame["coder"]) == {"'-anna"}
    assert frame.loc[0, "article_title"].startswith("'=cmd")


def test_formula_cells_are_text_not_formulas_in_xlsx(make_project: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    p = _formula_project(make_project)
    p.export(tmp_path / "f.xlsx")
    wb = load_workbook(tmp_path / "f.xlsx")
    cells = [c for row in wb["labels"].iter_rows() for c in row]
    cells += [c for row in wb["sentences"].iter_rows() for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(v.startswith("'=HYPERLINK(") for v in texts)
    assert any(v.startswith("'@SUM(1)") for v in texts)
    assert not any(v.startswith(("=", "@", "+", "-")) for v in texts)


def test_xlsx_has_labels_sentences_codebook_and_coders_sheets(demo: Any, tmp_path: Path) -> None:
    p = demo
    p.export(tmp_path / "out.xlsx")
    sheets = pd.read_excel(tmp_path / "out.xlsx", sheet_name=None, dtype=str)
    assert list(sheets) == ["labels", "sentences", "memos", "codebook", "coders"]
    assert (sheets["labels"]["record"] == "label").sum() == p.info()["labels"]
    assert len(sheets["sentences"]) == p.info()["sentences"]
    assert len(sheets["codebook"]) == len(p.codebook.codes)
    assert sorted(sheets["coders"]["coder"]) == p.coders()


def test_jsonl_has_one_sentence_a_line_with_its_labels(demo: Any, tmp_path: Path) -> None:
    p = demo
    n = p.export(tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == n == p.info()["sentences"]
    assert sum(len(r["labels"]) for r in records) == p.info()["labels"]
    first = p.sentences(p.article_ids()[0])[0]
    assert records[0]["text"] == first.text


def test_coder_filter_keeps_only_that_coders_labels(demo: Any, tmp_path: Path) -> None:
    p = demo
    coder = p.coders()[0]
    p.export(tmp_path / "one.csv", coders=[coder])
    assert set(pd.read_csv(tmp_path / "one.csv", dtype=str)["coder"]) == {coder}
    frame = label_rows(tmp_path / "one.csv")
    assert len(frame) == len(p.labels_frame().query("coder == @coder"))


def test_unknown_coder_or_group_is_a_clear_error(demo: Any, tmp_path: Path) -> None:
    p = demo
    with pytest.raises(ExportError, match="no coder named 'zed'"):
        p.export(tmp_path / "x.csv", coders=["zed"])
    with pytest.raises(ExportError, match="no code group named 'Nope'"):
        p.export(tmp_path / "x.csv", group="Nope")
    assert not list(tmp_path.glob("x.csv*"))


def test_done_only_leaves_out_articles_not_marked_done(demo: Any, tmp_path: Path) -> None:
    p = demo
    coder = p.coders()[0]
    first = p.article_ids()[0]
    p.set_status(first, coder, "in progress")
    p.export(tmp_path / "d.csv", done_only=True)
    assert coder not in set(
        pd.read_csv(tmp_path / "d.csv", dtype=str).query("article_id == @p.article(@first).uid")[
            "coder"
        ]
    )
    frame = label_rows(tmp_path / "d.csv")
    uid = p.article(first).uid
    assert coder not in set(frame[frame["article_id"] == uid]["coder"])
    assert len(frame[frame["article_id"] != uid]) == len(
        p.labels_frame().query("article_id != @first")
    )


def test_bom_option_starts_the_file_with_a_utf8_bom(demo: Any, tmp_path: Path) -> None:
    p = demo
    p.export(tmp_path / "bom.csv", bom=True)
    p.export(tmp_path / "plain.csv")
    assert (tmp_path / "bom.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    assert (tmp_path / "plain.csv").read_bytes()[:3] != b"\xef\xbb\xbf"


def test_export_refuses_to_overwrite_without_force(demo: Any, tmp_path: Path) -> None:
    p = demo
    target = tmp_path / "out.csv"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(TargetExistsError):
        p.export(target)
    assert target.read_text(encoding="utf-8") == "keep me"
    p.export(target, force=True)
    assert target.read_text(encoding="utf-8").startswith("article_id,")


def test_cancelled_export_leaves_no_file(demo: Any, tmp_path: Path) -> None:
    p = demo
    token = CancelToken()
    token.cancel()
    for name in ("c.csv", "c.xlsx", "c.jsonl", "c.qdpx"):
        with pytest.raises(Cancelled):
            p.export(tmp_path / name, cancel=token)
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(("c.", ".c."))] == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores permissions")
def test_permission_denied_is_a_clear_error_and_writes_nothing(demo: Any, tmp_path: Path) -> None:
    p = demo
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission denied"):
            p.export(locked / "out.csv")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o700)


def test_a_disk_full_midway_is_a_clear_error_and_leaves_no_file(demo: Any, tmp_path: Path) -> None:
    """The OSError comes from the progress callback, as it would from a write between chunks."""
    import errno

    def progress(done: int, total: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    for name in ("full.csv", "full.xlsx", "full.jsonl"):
        with pytest.raises(ExportError, match="disk is full"):
            demo.export(tmp_path / name, progress=progress)
    assert [f.name for f in tmp_path.iterdir() if "full" in f.name] == []


def test_unknown_format_is_refused(demo: Any, tmp_path: Path) -> None:
    p = demo
    with pytest.raises(ExportError, match="unknown export format"):
        p.export(tmp_path / "out.pdf")


def test_fast_long_writer_matches_pandas_to_csv_byte_for_byte(
    make_project: Any, demo: Any, tmp_path: Path
) -> None:
    """write_long_lines renders repeated cells once; it must equal the plain pandas output."""
    import io

    from annotator.exports.common import ExportOptions
    from annotator.exports.csv_export import append_frames, long_frames, write_long_lines

    demo.set_memo(
        "anna", demo.article_ids()[0], "memo, with\nlines", demo.sentences(demo.article_ids()[0])[1]
    )
    for project in (demo, _formula_project(make_project)):
        fast, slow = io.StringIO(), io.StringIO()
        write_long_lines(fast, project.engine, ExportOptions())
        append_frames(slow, long_frames(project.engine, ExportOptions()))
        assert fast.getvalue() == slow.getvalue()


def test_the_python_api_exports_and_a_new_project_reads_the_qdpx_back(
    make_project,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from annotator import Project

    demo = make_project("demo", demo=True)
    assert demo.export(tmp_path / "demo.qdpx") == len(demo.labels_frame())
    with Project.create(tmp_path / "copy.annotator") as copy:
        report = copy.import_refi(tmp_path / "demo.qdpx")
        assert report.problems == []
        assert copy.info()["labels"] == demo.info()["labels"]
        assert copy.coders() == ["anna", "ben"]


def test_file_format_writes_that_format_under_any_name(demo: Any, tmp_path: Path) -> None:
    """The export dialog keeps a typed name such as notes.txt and names the format itself."""
    from annotator.exports import export_labels

    target = tmp_path / "notes.txt"
    report = export_labels(demo.engine, target, file_format=".jsonl")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert report.rows == len(lines) == demo.info()["sentences"]
    assert report.unit == "sentences"
    assert "labels" in json.loads(lines[0])
