"""No export cell is ever a formula (issue 18 items 1 and 2).

Every text field that reaches a CSV or XLSX export gets every formula trigger, each behind every
prefix a writer may strip (the characters XML cannot hold), in a project written the way an
older version could have written it (names with control characters included). The XLSX is read
back with openpyxl: no cell may be a formula (``data_type == "f"``) or start with a trigger; the
CSV cells must start with ``'`` or with no trigger once strippable characters are gone, and
give the stored text back after import-labels' one-quote restore.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

from annotator.codebook import Code, Codebook, CodeGroup
from annotator.exports.csv_export import csv_cell
from annotator.exports.disagreements_export import write_disagreements_csv
from annotator.project import Project
from annotator.spreadsheet_safety import (
    RISKY,
    TRIGGERS,
    UNSTORABLE,
    clean,
    neutralise,
    restore,
    xlsx_text,
)
from annotator.storage import tables as t
from annotator.storage.article_writes import NewArticle, content_hash, insert_articles
from annotator.storage.reliability_queries import DisagreementRow
from annotator.storage.unit_of_work import write_session

PAYLOAD = 'HYPERLINK("http://evil.example","x")'
STRIPPABLE = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
PREFIXES = ["", *STRIPPABLE, "\x01\x02", "\x1f\x00"]
VALUES = [p + trig + PAYLOAD for p in PREFIXES for trig in TRIGGERS]
FORMULA_START = tuple(t for t in TRIGGERS if t != "'")


def test_the_strippable_set_is_what_xml_cannot_hold() -> None:
    """The prefixes tried are exactly what clean() removes (lone surrogates aside: SQLite text
    cannot hold them); tab, newline and carriage return stay."""
    plane = (chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF)
    assert {ch for ch in plane if clean(ch) == ""} == set(STRIPPABLE)
    assert clean("\t\n\r") == "\t\n\r"
    assert "\ud800" in UNSTORABLE or "\ud800-" in UNSTORABLE


def _hostile_project(path: Path) -> Project:
    """One article, coder, code and memo per hostile value; names set behind the API's back, as
    a file from before names refused control characters would hold them."""
    n = len(VALUES)
    cb = Codebook(
        name="hostile",
        groups=(
            CodeGroup(
                id="g",
                name="G",
                multiple=True,
                codes=tuple(Code(id=f"c{i}", name=f"c{i}", color="#000000") for i in range(n)),
            ),
        ),
    )
    p = Project.create(path, codebook=cb)
    with write_session(p.engine) as s:
        texts = [f"{v} is sentence {i}." for i, v in enumerate(VALUES)]
        insert_articles(
            s,
            [
                NewArticle(
                    text=text,
                    spans=[(0, len(text))],
                    content_hash=content_hash(text),
                    title=v,
                    source=v,
                    date=v,
                    url=v,
                    language=v,
                    meta_json=json.dumps({"k": v, v: "x"}),
                )
                for v, text in zip(VALUES, texts, strict=True)
            ],
        )
        for i, v in enumerate(VALUES):
            s.execute(insert(t.coder).values(name=v, created_at=datetime.now(UTC)))
            s.execute(
                update(t.code)
                .where(t.code.c.uid == f"c{i}")
                .values(
                    name=v,
                    definition=v,
                    include=v,
                    exclude=v,
                    examples_json=json.dumps([v]),
                )
            )
    p.close()
    p = Project.open(path)
    codes = {c.uid: c for c in p.codebook.codes}
    for i, (aid, v) in enumerate(zip(p.article_ids(), VALUES, strict=True)):
        sentence = p.sentences(aid)[0]
        p.add_label(sentence, codes[f"c{i}"], v)
        p.set_memo(v, aid, v, sentence)
        p.set_memo(v, aid, v)
        p.set_status(aid, v, "done")
    return p


def _group_project(path: Path) -> Project:
    """A group per hostile value (one code each), all used on one sentence by one coder."""
    cb = Codebook(
        name="groups",
        groups=tuple(
            CodeGroup(
                id=f"g{i}", name=f"g{i}", codes=(Code(id=f"c{i}", name="A", color="#000000"),)
            )
            for i in range(len(VALUES))
        ),
    )
    p = Project.create(path, codebook=cb)
    with write_session(p.engine) as s:
        for i, v in enumerate(VALUES):
            s.execute(update(t.code_group).where(t.code_group.c.uid == f"g{i}").values(name=v))
        text = "One sentence."
        insert_articles(
            s, [NewArticle(text=text, spans=[(0, len(text))], content_hash=content_hash(text))]
        )
    p.close()
    p = Project.open(path)
    sentence = p.sentences(p.article_ids()[0])[0]
    for code in p.codebook.codes:
        p.add_label(sentence, code, "anna")
    return p


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("hostile")
    p = _hostile_project(folder / "hostile.annotator")
    g = _group_project(folder / "groups.annotator")
    for name, project in (("h", p), ("g", g)):
        project.export(folder / f"{name}.xlsx")
        project.export(folder / f"{name}-long.csv")
        project.export(folder / f"{name}-wide.csv", layout="wide")
    yield folder
    p.close()
    g.close()


def _xlsx_cells(path: Path) -> list[Any]:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return [(ws.title, c) for ws in wb.worksheets for row in ws.iter_rows() for c in row]


@pytest.mark.parametrize("name", ["h", "g"])
def test_no_xlsx_cell_is_a_formula(hostile: Path, name: str) -> None:
    cells = _xlsx_cells(hostile / f"{name}.xlsx")
    assert [c.coordinate for _s, c in cells if c.data_type == "f"] == []
    texts = [c.value for _s, c in cells if isinstance(c.value, str)]
    assert [v for v in texts if v.startswith(FORMULA_START)] == []
    assert [v for v in texts if clean(v) != v] == []  # nothing XML cannot hold


def _xlsx_columns(path: Path) -> dict[tuple[str, str], set[str]]:
    """(sheet, header as written) -> the set of text values in that column, header included."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    out: dict[tuple[str, str], set[str]] = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h) for h in rows[0]]
        for j, h in enumerate(header):
            out[(ws.title, h)] = {r[j] for r in rows[1:] if isinstance(r[j], str)}
        out[(ws.title, "<header>")] = set(header)
    return out


HOSTILE_FIELDS = {
    "labels": [
        "article_title",
        "sentence_text",
        "coder",
        "code",
        "memo",
        "article_source",
        "article_date",
        "article_url",
        "article_language",
        "meta:k",
    ],
    "sentences": ["article_title", "sentence_text", "article_source", "meta:k"],
    "memos": ["article_title", "sentence_text", "coder", "memo"],
    "codebook": ["code", "definition", "include", "exclude", "examples"],
    "coders": ["coder"],
}


def test_every_xlsx_field_holds_every_value_cleaned_then_neutralised(hostile: Path) -> None:
    columns = _xlsx_columns(hostile / "h.xlsx")
    want = {xlsx_text(v) for v in VALUES}
    assert all(w.startswith("'") for w in want)
    for sheet, fields in HOSTILE_FIELDS.items():
        for field in fields:
            values = {_head(v) for v in columns[(sheet, field)]}
            assert want <= values, (sheet, field)
    assert want <= columns[("sentences", "<header>")]  # coder names as column headers
    groups = _xlsx_columns(hostile / "g.xlsx")
    assert want <= groups[("labels", "group")]
    assert want <= groups[("codebook", "group")]


def _head(value: str) -> str:
    """A sentence's text without the " is sentence N." that follows the hostile value."""
    return re.sub(r" is sentence \d+\.$", "", value)


def _csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize("name", ["h-long", "h-wide", "g-long", "g-wide"])
def test_no_csv_cell_can_start_a_formula(hostile: Path, name: str) -> None:
    rows = _csv_rows(hostile / f"{name}.csv")
    bad = [c for row in rows for c in row if not c.startswith("'") and RISKY.match(c)]
    assert bad == []
    bad = [c for row in rows for c in row if clean(c).startswith(FORMULA_START)]
    assert bad == []


@pytest.mark.parametrize("name", ["h-long", "h-wide"])
def test_every_csv_field_gives_the_stored_text_back(hostile: Path, name: str) -> None:
    rows = _csv_rows(hostile / f"{name}.csv")
    header, body = rows[0], rows[1:]
    fields = ["article_title", "article_source", "article_date", "article_url"]
    fields += ["article_language", "meta:k"]
    if name == "h-long":
        fields += ["coder", "code", "memo"]
    for field in fields:
        j = header.index(field)
        assert set(VALUES) <= {restore(r[j]) for r in body}, field
    texts = {restore(r[header.index("sentence_text")]) for r in body}
    assert {f"{v} is sentence {i}." for i, v in enumerate(VALUES)} <= texts
    if name == "h-wide":
        assert set(VALUES) <= {restore(h) for h in header}  # coder names as headers


def test_group_names_are_neutralised_in_csv(hostile: Path) -> None:
    rows = _csv_rows(hostile / "g-long.csv")
    j = rows[0].index("group")
    assert set(VALUES) <= {restore(r[j]) for r in rows[1:]}


def test_disagreement_csv_cells_are_neutralised(tmp_path: Path) -> None:
    rows = [
        DisagreementRow(1, v, 1, 0, v, {v: (v,), "b": ()}, article_uid=v, sentence_end=3)
        for v in VALUES
    ]
    write_disagreements_csv(rows, [VALUES[0], "b"], tmp_path / "d.csv")
    cells = [c for row in _csv_rows(tmp_path / "d.csv") for c in row]
    assert [c for c in cells if not c.startswith("'") and RISKY.match(c)] == []


# --- properties of the cell rules ------------------------------------------------------------

texts = st.text(
    alphabet=st.one_of(
        st.sampled_from([*TRIGGERS, *STRIPPABLE, "\n", " ", "'", '"', ","]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=12,
)


@given(texts)
def test_neutralise_is_undone_by_restore(value: str) -> None:
    assert restore(neutralise(value)) == value


@given(texts)
def test_an_xlsx_text_is_storable_and_never_starts_a_formula(value: str) -> None:
    cell = xlsx_text(value)
    assert clean(cell) == cell
    assert not cell.startswith(FORMULA_START)
    assert restore(cell) == clean(value)


@given(texts)
def test_a_csv_cell_reads_back_as_the_text_and_never_starts_a_formula(value: str) -> None:
    rows = list(csv.reader(io.StringIO(csv_cell(value) + "\n"), strict=True))
    cell = rows[0][0] if rows and rows[0] else ""
    assert restore(cell) == value
    assert not clean(cell).startswith(FORMULA_START)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(memo=texts.filter(str.strip), title=texts, coder=st.sampled_from(["=x", "+y", "@z", "-w"]))
def test_an_export_of_any_memo_and_title_holds_no_formula(
    make_project: Any, memo: str, title: str, coder: str
) -> None:
    """Fuzzing the export fields: whatever a memo or title holds, the XLSX has no formula and
    the long CSV gives it back."""
    from openpyxl import load_workbook

    from annotator.imports import ParsedArticle

    p = make_project(f"fuzz{abs(hash((memo, title, coder)))}")
    p.import_articles([ParsedArticle(text="One sentence. Two.", origin="x", title=title)])
    aid = p.article_ids()[0]
    sentence = p.sentences(aid)[0]
    p.add_label(sentence, "Denial", coder)
    p.set_memo(coder, aid, memo, sentence)
    p.set_memo(coder, aid, memo)
    out = Path(p.path).with_suffix(".xlsx")
    p.export(out, force=True)
    wb = load_workbook(out)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert [c.value for c in cells if c.data_type == "f"] == []
    assert not [c.value for c in cells if str(c.value or "").startswith(FORMULA_START)]
    csv_out = Path(p.path).with_suffix(".csv")
    p.export(csv_out, force=True)
    rows = _csv_rows(csv_out)
    j = rows[0].index("memo")
    assert {restore(r[j]) for r in rows[1:]} == {memo}
