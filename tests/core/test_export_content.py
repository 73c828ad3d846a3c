"""What a researcher needs in the exported files to analyse and join them (issue 19 §2):
each coder's article status, the article metadata, every memo, one identity scheme."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotator.imports import ParsedArticle
from tests.core.test_export_helpers import same_articles

TEXTS = [
    "Troops advanced on Monday. The ministry denied it. Talks resume in Geneva.",
    "A second report came in. It said nothing new. Analysts were unsure.",
    "A third article nobody opened. It has two sentences.",
]


@pytest.fixture
def study(make_project: Any) -> Any:
    """Three articles with metadata. anna: article 1 done (two sentences coded, one left blank
    on purpose), article 2 done with no code at all, article 3 never opened. ben: article 1 in
    progress. Memos: anna's on article 1, on a coded sentence, on an uncoded sentence; ben's on
    article 2 (which he never started)."""
    p = make_project("study")
    p.import_articles(
        [
            ParsedArticle(
                text=text,
                origin=f"a{n}.txt",
                title=f"Article {n}",
                source="The Wire" if n == 1 else "",
                date=f"2025-03-0{n}",
                url=f"https://example.org/{n}",
                language="en",
                meta={"desk": "foreign"} if n == 1 else {"section": "=politics"},
            )
            for n, text in enumerate(TEXTS, start=1)
        ]
    )
    a1, a2, _a3 = p.article_ids()
    s1 = p.sentences(a1)
    p.add_label(s1[0], "Military action", "anna")
    p.add_label(s1[1], "Denial", "anna")
    p.add_label(s1[0], "Military action", "ben")
    p.set_status(a1, "anna", "done")
    p.set_status(a2, "anna", "done")
    p.set_status(a1, "ben", "in progress")
    p.set_memo("anna", a1, "anna on article 1")
    p.set_memo("anna", a1, "anna on a coded sentence", s1[0])
    p.set_memo("anna", a1, "anna on the blank sentence", s1[2])
    p.set_memo("ben", a2, "ben on article 2")
    return p


MEMOS = {
    "anna on article 1",
    "anna on a coded sentence",
    "anna on the blank sentence",
    "ben on article 2",
}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


# --- article status ----------------------------------------------------------------------


def test_wide_tells_a_blank_in_a_done_article_from_never_coded(study: Any, tmp_path: Path) -> None:
    study.export(tmp_path / "w.csv", layout="wide")
    wide = read(tmp_path / "w.csv")
    a1, a2, a3 = (study.article(a).uid for a in study.article_ids())
    blank_done = wide[(wide["article_id"] == a1) & (wide["sentence_number"] == "3")].iloc[0]
    assert (blank_done["anna"], blank_done["status:anna"]) == ("", "done")
    assert (blank_done["ben"], blank_done["status:ben"]) == ("", "in progress")
    assert set(wide[wide["article_id"] == a2]["status:anna"]) == {"done"}
    assert set(wide[wide["article_id"] == a3]["status:anna"]) == {"not started"}
    assert set(wide[wide["article_id"] == a2]["status:ben"]) == {"not started"}


def test_long_has_a_status_row_for_a_done_article_without_labels(
    study: Any, tmp_path: Path
) -> None:
    study.export(tmp_path / "l.csv")
    long = read(tmp_path / "l.csv")
    a1, a2, a3 = (study.article(a).uid for a in study.article_ids())
    articles = long[long["record"] == "article"]
    status = {(r.article_id, r.coder): r.coder_status for r in articles.itertuples()}
    assert status == {
        (a1, "anna"): "done",
        (a1, "ben"): "in progress",
        (a2, "anna"): "done",
        (a2, "ben"): "not started",  # a memo, no status
    }
    assert a3 not in set(long["article_id"])  # nobody started it: no row at all
    labels = long[long["record"] == "label"]
    assert set(zip(labels["coder"], labels["coder_status"], strict=True)) == {
        ("anna", "done"),
        ("ben", "in progress"),
    }


def test_xlsx_sheets_carry_the_status_too(study: Any, tmp_path: Path) -> None:
    study.export(tmp_path / "x.xlsx")
    sheets = pd.read_excel(tmp_path / "x.xlsx", sheet_name=None, dtype=str, keep_default_na=False)
    assert "done" in set(sheets["labels"]["coder_status"])
    assert {"done", "not started"} <= set(sheets["sentences"]["status:anna"])


# --- metadata ----------------------------------------------------------------------------


def test_article_metadata_is_in_long_wide_and_xlsx(study: Any, tmp_path: Path) -> None:
    study.export(tmp_path / "l.csv")
    study.export(tmp_path / "w.csv", layout="wide")
    study.export(tmp_path / "x.xlsx")
    sheets = pd.read_excel(tmp_path / "x.xlsx", sheet_name=None, dtype=str, keep_default_na=False)
    uid = study.article(study.article_ids()[0]).uid
    expected = {
        "article_source": "The Wire",
        "article_date": "2025-03-01",
        "article_url": "https://example.org/1",
        "article_language": "en",
        "meta:desk": "foreign",
        "meta:section": "",
    }
    for frame in (read(tmp_path / "l.csv"), read(tmp_path / "w.csv"), *sheets.values()):
        if "article_id" not in frame.columns or "meta:desk" not in frame.columns:
            continue
        row = frame[frame["article_id"] == uid].iloc[0]
        assert {k: row[k] for k in expected} == expected
    for name in ("labels", "sentences"):
        assert "meta:desk" in sheets[name].columns
    second = read(tmp_path / "w.csv")
    assert "'=politics" in set(second["meta:section"])  # metadata is neutralised like any cell


# --- memos -------------------------------------------------------------------------------


def test_every_memo_is_in_the_long_csv_and_the_xlsx(study: Any, tmp_path: Path) -> None:
    assert study.info()["memos"] == len(MEMOS)
    study.export(tmp_path / "l.csv")
    study.export(tmp_path / "x.xlsx")
    long = read(tmp_path / "l.csv")
    assert set(long["memo"]) - {""} == MEMOS
    blank = long[long["memo"] == "anna on the blank sentence"]
    assert list(blank["record"]) == ["memo"] and list(blank["sentence_number"]) == ["3"]
    memos = pd.read_excel(tmp_path / "x.xlsx", sheet_name="memos", dtype=str, keep_default_na=False)
    assert sorted(memos["memo"]) == sorted(MEMOS)
    assert set(memos[memos["sentence_number"] == ""]["memo"]) == {
        "anna on article 1",
        "ben on article 2",
    }


def test_a_coder_filter_keeps_that_coders_memos_only(study: Any, tmp_path: Path) -> None:
    study.export(tmp_path / "ben.csv", coders=["ben"])
    assert set(read(tmp_path / "ben.csv")["memo"]) - {""} == {"ben on article 2"}


def test_memos_and_statuses_come_back_through_import_labels(study: Any, tmp_path: Path) -> None:
    study.export(tmp_path / "a.csv")
    other = same_articles(study, tmp_path / "other.annotator")
    report = other.import_labels(tmp_path / "a.csv")
    assert report.problem_count == 0
    assert report.memos_added == len(MEMOS)
    a1, a2, _ = other.article_ids()
    assert str(other.status(a2, "anna")) == str(study.status(a2, "anna"))
    assert other.status(a1, "ben") == study.status(a1, "ben")
    other.export(tmp_path / "b.csv")
    other.close()
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_import_labels_never_lowers_a_status(study: Any, tmp_path: Path) -> None:
    study.export(tmp_path / "a.csv")
    a1 = study.article_ids()[0]
    study.set_status(a1, "ben", "done")
    study.import_labels(tmp_path / "a.csv")  # the file says "in progress"
    assert study.status(a1, "ben").label == "done"


# --- identity ----------------------------------------------------------------------------


def test_every_file_names_a_sentence_by_article_uid_and_1_based_number(
    study: Any, tmp_path: Path
) -> None:
    """Sentence 3 of the app (index 2) is sentence_number 3 with its offsets everywhere."""
    study.export(tmp_path / "l.csv")
    study.export(tmp_path / "w.csv", layout="wide")
    study.export(tmp_path / "j.jsonl")
    study.export(tmp_path / "x.xlsx")
    aid = study.article_ids()[0]
    uid = study.article(aid).uid
    third = study.sentences(aid)[2]
    want = (uid, str(third.index + 1), str(third.start), str(third.end))
    assert third.index + 1 == 3
    key = ["article_id", "sentence_number", "sentence_start", "sentence_end"]
    long = read(tmp_path / "l.csv")
    assert want in set(map(tuple, long[long["memo"] == "anna on the blank sentence"][key].values))
    wide = read(tmp_path / "w.csv")
    assert tuple(wide[key].values[2]) == want
    lines = [json.loads(x) for x in (tmp_path / "j.jsonl").read_text("utf-8").splitlines()]
    assert (lines[2]["article_id"], lines[2]["sentence_number"]) == (uid, 3)
    assert "sentence_index" not in lines[2]
    sheets = pd.read_excel(tmp_path / "x.xlsx", sheet_name=None, dtype=str, keep_default_na=False)
    for name in ("labels", "sentences", "memos"):
        assert "sentence_index" not in sheets[name].columns
        assert set(key) <= set(sheets[name].columns)
    assert tuple(sheets["sentences"][key].values[2]) == want


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"coders": ("ben",)},
        {"done_only": True},
        {"group": "Statement type"},
    ],
)
def test_the_fast_long_writer_equals_the_frames_with_every_kind_of_row(
    study: Any, options: dict[str, Any]
) -> None:
    """The CSV writer and the frames behind the XLSX labels sheet hold the same rows, memo and
    article rows and metadata included, under every filter."""
    import io

    from annotator.exports.common import ExportOptions
    from annotator.exports.csv_export import append_frames, long_frames, write_long_lines

    fast, slow = io.StringIO(), io.StringIO()
    write_long_lines(fast, study.engine, ExportOptions(**options))
    append_frames(slow, long_frames(study.engine, ExportOptions(**options)))
    assert fast.getvalue() == slow.getvalue()
    assert ",memo," in fast.getvalue() or options.get("coders") == ("ben",)


def test_the_xlsx_row_limit_counts_memo_and_article_rows(
    study: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.exports import ExportError, xlsx_export

    monkeypatch.setattr(xlsx_export, "MAX_SHEET_ROWS", study.info()["labels"] + 2)
    with pytest.raises(ExportError, match="do not fit in an Excel sheet"):
        study.export(tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_row_with_an_unknown_status_or_record_is_reported_and_skipped(
    study: Any, tmp_path: Path
) -> None:
    study.export(tmp_path / "a.csv")
    frame = read(tmp_path / "a.csv")
    labels = frame.index[frame["record"] == "label"]
    frame.loc[labels[0], "coder_status"] = "finished"
    frame.loc[labels[1], "record"] = "note"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    other = same_articles(study, tmp_path / "o.annotator")
    report = other.import_labels(tmp_path / "bad.csv")
    assert report.problems == [
        (labels[0] + 2, "coder_status 'finished' is not done, in progress or not started"),
        (labels[1] + 2, "record 'note' is not label, memo or article"),
    ]
    assert report.imported == len(labels) - 2
    other.close()


def test_a_file_without_record_and_status_columns_still_imports(study: Any, tmp_path: Path) -> None:
    """Files written by earlier versions (and by hand) hold labels only."""
    study.export(tmp_path / "a.csv")
    frame = read(tmp_path / "a.csv")
    frame = frame[frame["record"] == "label"].drop(columns=["record", "coder_status"])
    frame.to_csv(tmp_path / "old.csv", index=False)
    other = same_articles(study, tmp_path / "o.annotator")
    report = other.import_labels(tmp_path / "old.csv")
    assert report.problem_count == 0 and report.imported == len(frame)
    other.close()
