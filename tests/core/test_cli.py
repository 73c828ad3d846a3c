"""The command line, driven as a user would (in-process through main(), plus a real subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator import Project, __version__
from annotator.cli import main

REPO = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"annotator {__version__}"


def test_init_creates_a_project_with_the_default_codebook(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "init", tmp_path / "s.annotator")
    assert code == 0
    assert "codebook 'Conflict news' (4 codes)" in out


def test_init_refuses_a_name_without_the_project_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "init", tmp_path / "s.txt")
    assert code == 1
    assert (
        err == f"error: project files end in .annotator: did you mean {tmp_path / 's.annotator'}?\n"
    )
    assert not (tmp_path / "s.txt").exists()


def test_import_a_folder_reports_what_it_did_and_skips_duplicates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "s.annotator"
    run(capsys, "init", project)
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Shelling hit Kovar.\n\nTroops advanced. Officials denied it.")
    (folder / "sub" / "b.md").write_text("# Talks resume\n\nThe minister said talks resume.")
    code, out, _ = run(capsys, "import", project, folder)
    assert code == 0
    assert out.startswith("imported 2 articles (")
    code, out, _ = run(capsys, "import", project, folder)
    assert code == 0
    assert "imported 0 articles" in out and "skipped 2 already in the project" in out


def test_import_exits_1_and_lists_each_file_it_could_not_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "s.annotator"
    run(capsys, "init", project)
    good, empty = tmp_path / "good.txt", tmp_path / "empty.txt"
    good.write_text("Troops advanced on Monday.")
    empty.write_text("")
    code, out, _ = run(capsys, "import", project, good, empty)
    assert code == 1
    assert "imported 1 article (1 sentence), 1 problem" in out
    assert f"  {empty}: empty file" in out


def test_import_a_csv_with_named_columns(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "s.annotator"
    run(capsys, "init", project)
    table = tmp_path / "corpus.csv"
    table.write_text(
        'headline,body\nKovar shelled,"Artillery hit Kovar. The army denied it."\n'
        'Talks,"Talks resume, the minister said."\n'
    )
    code, _, _ = run(
        capsys, "import", project, table, "--text-column", "body", "--title-column", "headline"
    )
    assert code == 0
    with Project.open(project) as p:
        assert sorted(a.title for a in p.articles()) == ["Kovar shelled", "Talks"]


def test_info_json_counts_what_the_project_holds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "demo", tmp_path / "d.annotator")
    code, out, _ = run(capsys, "info", tmp_path / "d.annotator", "--json")
    info = json.loads(out)
    assert code == 0
    assert (info["articles"], info["sentences"], info["labels"]) == (5, 50, 71)
    assert info["coder_names"] == ["anna", "ben"]


def test_agreement_on_the_demo_project_as_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "demo", tmp_path / "d.annotator")
    code, out, _ = run(capsys, "agreement", tmp_path / "d.annotator", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["n_units"] == 50 and report["n_coders"] == 2
    assert report["coefficients"]["percent_agreement"] == pytest.approx(0.9)
    assert set(report["per_code"]) == {
        "Military action", "Diplomatic claim", "Denial", "Analyst opinion", "none"
    }  # fmt: skip


def test_agreement_html_names_sentences_by_title_and_number(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "demo", tmp_path / "d.annotator")
    code, out, _ = run(capsys, "agreement", tmp_path / "d.annotator", "--format", "html")
    with Project.open(tmp_path / "d.annotator", read_only=True) as p:
        first = p.disagreements()[0]
    assert code == 0
    assert f"<td>{first.article_title} — sentence {first.sentence_index + 1}</td>" in out
    assert "<th>Sentence</th>" in out and "<th>Unit</th>" not in out


def test_agreement_with_one_coder_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "demo", tmp_path / "d.annotator")
    code, _, err = run(capsys, "agreement", tmp_path / "d.annotator", "--coders", "anna")
    assert code == 1
    assert err == "error: agreement needs at least two coders (found: anna)\n"


def test_agreement_out_takes_the_format_from_the_suffix(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "demo", tmp_path / "d.annotator")
    run(capsys, "agreement", tmp_path / "d.annotator", "--out", tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text())["n_units"] == 50
    code, _, err = run(capsys, "agreement", tmp_path / "d.annotator", "--out", tmp_path / "r.json")
    assert code == 1 and "use --force" in err


def test_agreement_on_long_data_with_na_as_missing_and_semicolons(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "ratings.csv"
    rows = ["unit;coder;value"]
    for unit, (a, b) in enumerate([("x", "x"), ("y", "y"), ("x", "NA"), ("y", "x"), ("x", "x")]):
        rows += [f"{unit};a;{a}", f"{unit};b;{b}"]
    data.write_text("\n".join(rows) + "\n")
    code, out, _ = run(capsys, "agreement", "--data", data, "--missing", "NA", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert set(report["per_code"]) == {"x", "y"}  # NA is not a category
    assert report["coefficients"]["percent_agreement"] == pytest.approx(3 / 4)


def test_a_damaged_project_is_one_line_on_stderr_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.annotator"
    bad.write_bytes(b"\x00garbage" * 100)
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "info", str(bad)],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: bad.annotator")


def test_info_counts_done_articles_in_the_singular_and_plural(
    capsys: pytest.CaptureFixture[str],
    make_project: Callable[..., Project],
    sample_texts: list[str],
) -> None:
    from annotator.imports import ParsedArticle

    p = make_project("done")
    p.import_articles(
        [ParsedArticle(text=t, origin=f"{i}.txt") for i, t in enumerate(sample_texts)]
    )
    first, second = p.article_ids()
    p.set_status(first, "anna", "done")
    p.set_status(first, "ben", "done")
    p.set_status(second, "ben", "done")
    p.close()
    code, out, _ = run(capsys, "info", p.path)
    assert code == 0
    assert "anna: 1 article done" in out
    assert "ben: 2 articles done" in out


@pytest.mark.parametrize(
    ("typed", "written"),
    [("x", "x.annotator"), ("x.v2", "x.v2.annotator"), ("x.annotator", "x.annotator")],
)
def test_demo_adds_the_project_suffix_and_says_where_it_wrote(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, typed: str, written: str
) -> None:
    code, out, _err = run(capsys, "demo", tmp_path / typed)
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        written
    ]
    assert f"created demo project {tmp_path / written}:" in out
