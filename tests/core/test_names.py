"""Names of coders, codes and groups refuse control characters on the way in, with one line
that spells the value out; a project that already holds such a name still exports to .xlsx
(issue 18 item 2)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import insert

from annotator.cli import main
from annotator.codebook import CodebookError, load_codebook, parse_codebook_yaml
from annotator.codebook.refi_format import read_qdc
from annotator.names import InvalidNameError, check_name, control_characters
from annotator.storage import tables as t
from annotator.storage.unit_of_work import write_session
from tests.core.test_export_helpers import same_articles

BAD = ["ben\x07", "\x01anna", "tab\there", "nel\x85", "del\x7f", "cr\rlf", "nul\x00"]

YAML = """name: Test
groups:
  - id: g
    name: "{group}"
    codes:
      - id: c
        name: "{code}"
        color: "#000000"
"""

QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes>
<Code guid="8c5d9c6e-0000-4000-8000-000000000001" name="{code}" isCodable="true"/>
</Codes></CodeBook>"""


def _yaml_escaped(value: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in value)


@pytest.mark.parametrize("name", BAD)
def test_check_name_refuses_control_characters_in_one_line(name: str) -> None:
    with pytest.raises(InvalidNameError) as err:
        check_name("coder", name)
    message = str(err.value)
    assert "\n" not in message and "\r" not in message
    assert not control_characters(message)  # the value is spelled out, not pasted raw
    assert repr(name) in message and "control character" in message


def test_ordinary_names_pass() -> None:
    for name in ("anna", "Анна", "أنا", "=x", "O'Brien", "coder 2", "zero\u200bwidth"):
        assert check_name("coder", name) == name


@pytest.mark.parametrize("name", ["ben\x07", "\x01anna", "tab\there"])
def test_the_project_api_refuses_such_a_coder_and_creates_nothing(
    make_project: Any, name: str
) -> None:
    p = make_project(demo=True)
    before = p.coders()
    sentence = p.sentences(p.article_ids()[0])[0]
    with pytest.raises(InvalidNameError, match="coder name"):
        p.add_label(sentence, "Denial", name)
    with pytest.raises(InvalidNameError):
        p.set_status(p.article_ids()[0], name, "done")
    assert p.coders() == before


@pytest.mark.parametrize("field", ["code", "group"])
def test_a_yaml_codebook_with_a_control_character_in_a_name_is_refused(
    tmp_path: Path, field: str
) -> None:
    names = {"code": "Denial", "group": "Statements", field: "Den\x07ial"}
    path = tmp_path / "cb.yaml"
    path.write_text(
        YAML.format(**{k: _yaml_escaped(v) for k, v in names.items()}), encoding="utf-8"
    )
    with pytest.raises(CodebookError) as err:
        load_codebook(path)
    message = str(err.value)
    assert "cb.yaml" in message and "'Den\\x07ial'" in message and "control character" in message
    assert not control_characters(message)


def test_a_qdc_codebook_with_a_control_character_in_a_name_is_refused() -> None:
    # XML 1.0 cannot hold C0 controls at all; C1 controls such as NEL (U+0085) it can.
    with pytest.raises(CodebookError, match=r"cb\.qdc.*'A\\x85b' holds a control character"):
        read_qdc(QDC.format(code="A&#x85;b").encode(), "cb.qdc")


def test_the_codebook_model_refuses_it_too() -> None:
    with pytest.raises(CodebookError, match="control character"):
        parse_codebook_yaml(YAML.format(group="G", code="\\x1b[31mred"), "x.yaml")


def test_the_cli_refuses_such_a_codebook_with_one_line(
    capsys: pytest.CaptureFixture[str], make_project: Any, tmp_path: Path
) -> None:
    p = make_project("cli")
    p.close()
    path = tmp_path / "cb.yaml"
    path.write_text(YAML.format(group="G", code="bad\\x01name"), encoding="utf-8")
    code = main(["codebook", "import", str(p.path), str(path)])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert len(err.splitlines()) == 1 and "'bad\\x01name'" in err


def test_import_labels_reports_a_coder_name_with_a_control_character(
    make_project: Any, tmp_path: Path
) -> None:
    p = make_project(demo=True)
    p.export(tmp_path / "a.csv")
    frame = pd.read_csv(tmp_path / "a.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["record"] == "label"].reset_index(drop=True)
    frame.loc[0, "coder"] = "ev\x1bil"
    frame.to_csv(tmp_path / "bad.csv", index=False)
    other = same_articles(p, tmp_path / "o.annotator")
    report = other.import_labels(tmp_path / "bad.csv")
    assert report.problems == [
        (2, "coder name 'ev\\x1bil' holds a control character (\\x1b); use visible characters only")
    ]
    assert "ev\x1bil" not in other.coders()
    assert report.imported == len(frame) - 1
    other.close()


def test_an_xlsx_export_of_a_project_already_holding_such_a_name_works(
    make_project: Any, tmp_path: Path
) -> None:
    """A file from before names were checked: the header cell is cleaned, not a traceback."""
    from openpyxl import load_workbook

    p = make_project(demo=True)
    with write_session(p.engine) as s:
        s.execute(insert(t.coder).values(name="ben\x07", created_at=datetime.now(UTC)))
    p.add_label(p.sentences(p.article_ids()[0])[0], "Denial", "ben\x07")
    p.export(tmp_path / "out.xlsx")
    wb = load_workbook(tmp_path / "out.xlsx")
    header = [c.value for c in next(wb["sentences"].iter_rows())]
    assert "ben" in header and "status:ben" in header
    assert "ben" in {c.value for row in wb["labels"].iter_rows() for c in row}


def test_a_project_from_before_names_were_checked_exports_and_merges(
    make_project: Any, tmp_path: Path
) -> None:
    """Names and texts with control characters, stored by an older version: the codebook,
    REFI, XLSX exports and a merge all work; the XML files are well-formed."""
    import zipfile

    from defusedxml import ElementTree as SafeET
    from sqlalchemy import update

    p = make_project(demo=True)
    with write_session(p.engine) as s:
        s.execute(
            update(t.code)
            .where(t.code.c.name == "Denial")
            .values(name="Den\x07ial", definition="\x02def")
        )
        s.execute(update(t.code_group).values(name="State\x01ments"))
        s.execute(insert(t.coder).values(name="ben\x07", created_at=datetime.now(UTC)))
    p.close()
    from annotator.project import Project

    p = Project.open(p.path)
    aid = p.article_ids()[0]
    p.add_label(p.sentences(aid)[0], "Military action", "ben\x07")
    p.set_memo("ben\x07", aid, "\x01=memo")
    p.export_codebook(tmp_path / "cb.yaml")
    p.export_codebook(tmp_path / "cb.qdc")
    p.export(tmp_path / "out.qdpx")
    p.export(tmp_path / "out.xlsx")
    assert "Denial" in {c.name for g in load_codebook(tmp_path / "cb.yaml").groups for c in g.codes}
    assert "Denial" in {c.name for c in read_qdc((tmp_path / "cb.qdc").read_bytes(), "cb").codes}
    with zipfile.ZipFile(tmp_path / "out.qdpx") as zf:
        SafeET.fromstring(zf.read("project.qde"))
    lead = make_project("lead")
    report = lead.merge([p.path])
    assert report.labels_added == p.info()["labels"]
    assert "ben" in lead.coders() and "ben\x07" not in lead.coders()
    p.close()


def test_annotator_open_refuses_such_a_coder_before_the_app_starts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    launched: list[object] = []
    code = main(
        ["open", str(tmp_path / "p.annotator"), "--coder", "an\x1bna"],
        launch_app=lambda args: launched.append(args) or 0,
    )
    err = capsys.readouterr().err.strip()
    assert code == 2 and launched == []
    assert err == (
        "error: --coder: coder name 'an\\x1bna' holds a control character (\\x1b); "
        "use visible characters only"
    )


def test_merge_keeps_apart_two_coders_whose_names_read_alike(
    make_project: Any, tmp_path: Path
) -> None:
    """An older file holds coders 'anna' and 'anna\\x01': both read 'anna', but they are two
    coders, so their labels are not pooled. 'anna' keeps her name; the other is merged under
    her name spelled out ('anna\\\\x01', visible characters), and the report says so in one
    line. Merging the file again adds nothing."""
    from annotator.project import Project

    p = make_project(demo=True)
    with write_session(p.engine) as s:
        s.execute(insert(t.coder).values(name="anna\x01", created_at=datetime.now(UTC)))
    p.close()
    p = Project.open(p.path)
    aid = p.article_ids()[0]
    p.add_label(p.sentences(aid)[0], "Military action", "anna\x01")
    path, uid = p.path, p.article(aid).uid
    legacy_labels = sum(
        1 for codes in p.labels(aid).values() for coder, _ in codes if coder == "anna\x01"
    )
    p.close()
    lead = make_project("lead")
    report = lead.merge([path])
    assert {"anna", "anna\\x01"} <= set(lead.coders())
    assert "anna\x01" not in lead.coders()
    lead_aid = next(a for a in lead.article_ids() if lead.article(a).uid == uid)
    by_coder: dict[str, int] = {}
    for codes in lead.labels(lead_aid).values():
        for coder, _ in codes:
            by_coder[coder] = by_coder.get(coder, 0) + 1
    assert by_coder["anna\\x01"] == legacy_labels == 1
    [line] = [c for c in report.conflicts if "read alike" in c]
    assert "'anna\\x01'" in line and "'anna'" in line and "\n" not in line
    again = lead.merge([path])
    assert again.labels_added == 0 and again.coders_added == []
