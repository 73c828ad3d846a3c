"""A CSV export is safe in every locale, not only where the comma separates fields.

Excel in a locale whose decimal mark is a comma (German, French, ...) reads a .csv with ``;`` as
the separator; some tools split on tab or ``|``. A cell ``a;=HYPERLINK(...)`` that is safe for a
comma reader becomes two cells there, the second a live formula. Every CSV the app writes (long
and wide labels, disagreements, the agreement table) is read back here with each separator, as
such a spreadsheet would: no cell may start a formula, and the comma reading gives the text back.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from annotator.agreement.formatting import to_csv
from annotator.codebook import Code, Codebook, CodeGroup
from annotator.exports.disagreements_export import write_disagreements_csv
from annotator.imports import ParsedArticle
from annotator.project import Project
from annotator.spreadsheet_safety import clean, csv_field, csv_line, restore
from annotator.storage.reliability_queries import DisagreementRow

PAYLOAD = '=HYPERLINK("http://evil.example","x")'
SEPARATORS = [";", "\t", "|"]
HOSTILE = [f"harmless{sep}{PAYLOAD}" for sep in SEPARATORS]
FORMULA_START = ("=", "+", "-", "@")


def _cells(path: Path, delimiter: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [c for row in csv.reader(fh, delimiter=delimiter) for c in row]


def _live_formulas(path: Path) -> dict[str, list[str]]:
    """Per separator, the cells a spreadsheet splitting on it would run as formulas."""
    found = {}
    for sep in [",", *SEPARATORS]:
        bad = [c for c in _cells(path, sep) if clean(c).lstrip(" ").startswith(FORMULA_START)]
        if bad:
            found[repr(sep)] = bad
    return found


@pytest.fixture
def hostile_project(make_project: Any) -> Any:
    p = make_project("separators")
    p.import_articles(
        [
            ParsedArticle(text=f"{v} is one sentence. Two.", origin=f"o{i}", title=v, source=v)
            for i, v in enumerate(HOSTILE)
        ]
    )
    for aid in p.article_ids():
        first = p.sentences(aid)[0]
        p.add_label(first, "Denial", HOSTILE[0])
        p.set_memo(HOSTILE[2], aid, HOSTILE[1], first)  # names may not hold a tab
        p.add_label(first, "Denial", "plain")
    return p


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_no_label_export_cell_runs_a_formula_with_any_separator(
    hostile_project: Any, tmp_path: Path, layout: str
) -> None:
    out = tmp_path / f"{layout}.csv"
    hostile_project.export(out, layout=layout)
    assert _live_formulas(out) == {}
    assert set(HOSTILE) <= {restore(c) for c in _cells(out, ",")}


def test_no_disagreement_cell_runs_a_formula_with_any_separator(tmp_path: Path) -> None:
    rows = [
        DisagreementRow(1, v, 1, 0, v, {"anna": (v,), "ben": ()}, article_uid=v, sentence_end=3)
        for v in HOSTILE
    ]
    write_disagreements_csv(rows, ["anna", "ben"], tmp_path / "d.csv")
    assert _live_formulas(tmp_path / "d.csv") == {}
    assert set(HOSTILE) <= {restore(c) for c in _cells(tmp_path / "d.csv", ",")}


def test_no_agreement_table_cell_runs_a_formula_with_any_separator(tmp_path: Path) -> None:
    names = [v for v in HOSTILE if "\t" not in v] + ["plain"]  # names may not hold a tab
    codes = tuple(
        Code(id=f"c{i}", name=v, key=str(i + 1), color="#000000") for i, v in enumerate(names)
    )
    cb = Codebook(name="hostile", groups=(CodeGroup(id="g", name="G", codes=codes),))
    with Project.create(tmp_path / "a.annotator", codebook=cb) as p:
        p.import_articles([ParsedArticle(text="One. Two. Three.", origin="o")])
        for coder, picks in (("anna", (0, 1, 2)), ("ben", (0, 2, 1))):
            for sentence, pick in zip(p.sentences(p.article_ids()[0]), picks, strict=True):
                p.add_label(sentence, f"c{pick}", coder)
        out = tmp_path / "agreement.csv"
        out.write_text(to_csv(p.agreement()), encoding="utf-8")
    assert _live_formulas(out) == {}
    assert set(names) <= {restore(c) for c in _cells(out, ",")}


def test_a_field_with_a_separator_of_any_locale_is_quoted() -> None:
    for sep in [",", *SEPARATORS, "\n", "\r"]:
        assert csv_field(f"a{sep}b") == f'"a{sep}b"'
    assert csv_field('say "x"; then') == '"say ""x""; then"'
    assert csv_field("plain text") == "plain text"
    assert csv_line(["a;b", 3, None, float("nan"), "c"]) == '"a;b",3,,,c\n'


def test_a_break_inside_a_text_is_neutralised_and_restored_exactly() -> None:
    from annotator.spreadsheet_safety import neutralise

    assert neutralise("a;=b") == "a;'=b"
    assert neutralise("a\n@b|-c") == "a\n'@b|'-c"
    assert neutralise('a;"=b"') == 'a;\'"=b"'
    assert neutralise("a;'b") == "a;''b"  # the quote gets its own, so restore is exact
    assert neutralise("=a;=b") == "'=a;'=b"
    assert neutralise("a; b;c") == "a; b;c"
    for text in ["a;=b", "\t=x", "a;'b", "x;;=y", "a\r\n+b", "=a;=b", "a; b"]:
        assert restore(neutralise(text)) == text
