"""annotator gold mark | list | unmark and annotator agreement --against gold, driven as a user
would (in-process through main())."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from annotator import Project
from annotator.cli import main
from tests.core.helpers.gold_study import CASE, build_gold_study, code_article


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def study(tmp_path: Path) -> Path:
    path = tmp_path / "gold.annotator"
    build_gold_study(path).close()
    return path


def test_agreement_against_gold_prints_alpha_kappa_and_per_code_table(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    """The numbers are those checked by hand in test_gold.py (alpha 74/131, kappa 6/11)."""
    code, out, _ = run(capsys, "agreement", study, "--against", "gold")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Agreement with the gold standard, group Statement type"
    anna = next(line for line in lines if line.startswith("anna "))
    assert anna.split() == ["anna", f"{74 / 131:.3f}", f"{6 / 11:.3f}", "10", "2", "3"]
    denial = next(line for line in lines if line.startswith("Denial "))
    assert denial.split() == ["Denial", "0.500", "0.667", "0.571", "3", "4"]
    assert "Analyst opinion" in out


def test_agreement_against_gold_as_csv(capsys: pytest.CaptureFixture[str], study: Path) -> None:
    code, out, _ = run(capsys, "agreement", study, "--against", "gold", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    overall = rows[0]
    assert (overall["scope"], overall["coder"], overall["n_sentences"]) == ("coder", "anna", "10")
    assert float(overall["cohen_kappa"]) == pytest.approx(6 / 11)
    military = next(r for r in rows if r["code"] == "Military action")
    assert float(military["precision"]) == pytest.approx(0.75)
    opinion = next(r for r in rows if r["code"] == "Analyst opinion")
    assert opinion["precision"] == opinion["recall"] == ""


def test_agreement_against_gold_for_chosen_coders(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    with Project.open(study) as p:
        a1, _ = p.article_ids()
        code_article(p, a1, "ben", [g for g, _ in CASE[:5]])  # ben agrees with gold throughout
    code, out, _ = run(capsys, "agreement", study, "--against", "gold", "--coders", "ben")
    assert code == 0
    ben = next(line for line in out.splitlines() if line.startswith("ben "))
    assert ben.split() == ["ben", "1.000", "1.000", "5", "1", "0"]
    assert "anna" not in out
    _, both, _ = run(capsys, "agreement", study, "--against", "gold")
    assert "anna " in both and "ben " in both


def test_agreement_against_gold_refuses_html(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    code, _, err = run(capsys, "agreement", study, "--against", "gold", "--format", "html")
    assert code == 1 and "--against gold writes table, csv, json" in err


def test_gold_list_shows_each_article_and_its_gold_coder(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    code, out, _ = run(capsys, "gold", "list", study)
    assert code == 0
    assert [line.split()[2:4] for line in out.splitlines()[1:3]] == [
        ["A0", "expert"],
        ["A1", "adjudicated"],
    ]
    assert out.splitlines()[-1] == "2 gold article(s)"


def test_gold_unmark_then_mark_all_done_by_a_coder(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    assert run(capsys, "gold", "unmark", study, "--all")[1] == (
        "unmarked 2 article(s); the gold standard has 0\n"
    )
    code, out, _ = run(capsys, "gold", "mark", study, "--all-done-by", "expert", "--gold-coder",
                       "expert", "--by", "lead")  # fmt: skip
    assert (code, out) == (0, "marked 1 article(s) gold (expert); the gold standard has 1\n")
    with Project.open(study, read_only=True) as p:
        assert [(g.title, g.gold_coder, g.marked_by) for g in p.gold_articles()] == [
            ("A0", "expert", "lead")
        ]


def test_gold_mark_by_id_refuses_an_article_the_gold_coder_did_not_finish(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    with Project.open(study, read_only=True) as p:
        _, a2 = p.article_ids()
    code, _, err = run(capsys, "gold", "mark", study, "--articles", a2, "--gold-coder", "expert")
    assert code == 1
    assert err == f"error: 'expert' has not marked article {a2} done: gold needs the gold " \
        "coder's finished coding\n"  # fmt: skip


def test_gold_mark_names_an_unknown_article(
    capsys: pytest.CaptureFixture[str], study: Path
) -> None:
    code, _, err = run(capsys, "gold", "mark", study, "--articles", "nope")
    assert (code, err) == (1, "error: --articles: no article with id or uid 'nope'\n")
